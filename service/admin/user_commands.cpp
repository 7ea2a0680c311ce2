// user add / import / lock / unlock / suspend / resume / delete / reset-password / reset-totp.

#include <fstream>
#include <iostream>

#include "admin/commands.h"
#include "lending/files.h"
#include "lending/password.h"

namespace hondana::admin {

namespace {

struct UserArgs {
    std::string login, name, role = "student", school, encoding = "auto", credentials_out, file;
    std::vector<std::string> classes;
    int reading_level { -1 };
    bool password_stdin { false };
    bool temporary { false }; // a password given on stdin or in the roster is to be changed at the first sign-in too
    bool dry_run { false };
    bool partial { false };
};

lending::Result<std::string> password_from(const UserArgs& args)
{
    if (!args.password_stdin)
        return lending::generate_password();
    std::string password;
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r')
        password.pop_back();
    return password;
}

void print_totp(const lending::CreatedUser& created)
{
    if (created.totp_uri)
        std::cout << "TOTP secret (SHA-256, 6 digits, 30 s): " << *created.totp_secret_base32 << "\n"
                  << "TOTP enrolment URI: " << *created.totp_uri << "\n";
}

lending::Result<int> add(AdminContext& context, const UserArgs& args)
{
    auto role = lending::parse_role(args.role);
    if (!role)
        return lending::fail(lending::ErrorKind::InvalidArgument, "--role is student, teacher or admin");
    lending::NewUser user;
    user.login_id = args.login;
    user.display_name = args.name;
    user.role = *role;
    if (!args.school.empty())
        user.school = args.school;
    user.classes = args.classes;
    if (args.reading_level >= 0)
        user.reading_level = args.reading_level;
    user.password = TRY(password_from(args));
    user.temporary_password = !args.password_stdin || args.temporary;
    auto* service = TRY(context.service());
    auto slug = TRY(context.tenant_slug());
    auto created = TRY(service->accounts().add_user(context.actor(), slug, user));
    std::cout << "user " << created.user.login_id << " added\n";
    if (!args.password_stdin)
        std::cout << "initial password: " << user.password << "\n";
    if (user.temporary_password)
        std::cout << "the password is to be changed at the first sign-in\n";
    print_totp(created);
    return ExitCode::ok;
}

lending::Result<int> import(AdminContext& context, const UserArgs& args)
{
    auto bytes = TRY(lending::read_text_file(args.file, 64 * 1024 * 1024));
    auto encoding = args.encoding == "utf-8" ? lending::RosterEncoding::Utf8
        : args.encoding == "shift_jis"       ? lending::RosterEncoding::ShiftJis
                                             : lending::RosterEncoding::Auto;
    auto text = TRY(lending::decode_roster(bytes, encoding));
    auto* service = TRY(context.service());
    auto slug = TRY(context.tenant_slug());
    auto report = TRY(service->roster().check(slug, text));
    for (const auto& error : report.errors)
        std::cout << args.file << ":" << error.line << ": " << error.message << "\n";
    std::cout << report.valid.size() << " good line(s), " << report.errors.size() << " bad line(s)\n";
    if (args.dry_run)
        return report.errors.empty() ? ExitCode::ok : ExitCode::failed;
    if (!report.errors.empty() && !args.partial) {
        std::cout << "nothing imported: fix the lines above, or import the good lines with --partial\n";
        return static_cast<int>(ExitCode::failed);
    }
    if (report.valid.empty())
        return static_cast<int>(report.errors.empty() ? ExitCode::ok : ExitCode::failed);
    bool generates
        = std::any_of(report.valid.begin(), report.valid.end(), [](const auto& row) { return row.generated_password; });
    if (generates && args.credentials_out.empty())
        return lending::fail(lending::ErrorKind::InvalidArgument,
            "some lines have no password: give --credentials-out FILE to receive the generated ones");
    if (!context.confirm("add " + std::to_string(report.valid.size()) + " user(s) to tenant " + slug))
        return static_cast<int>(ExitCode::declined);
    if (args.temporary)
        for (auto& row : report.valid)
            row.user.temporary_password = true;
    auto credentials = TRY(service->roster().import(context.actor(), slug, report));
    if (!args.credentials_out.empty()) {
        std::string csv = "login_id,initial_password,totp_uri\n";
        for (const auto& c : credentials)
            csv += c.login_id + "," + c.password + "," + c.totp_uri.value_or("") + "\n";
        TRY(lending::write_file(args.credentials_out, drm::as_bytes(csv), 0600));
        std::cout << "initial credentials written to " << args.credentials_out << " (mode 0600)\n";
    }
    std::cout << report.valid.size() << " user(s) imported\n";
    return static_cast<int>(report.errors.empty() ? ExitCode::ok : ExitCode::failed);
}

lending::Result<int> change(AdminContext& context, const UserArgs& args, const std::string& verb)
{
    auto* service = TRY(context.service());
    auto slug = TRY(context.tenant_slug());
    auto user = TRY(service->accounts().find_user(slug, args.login));
    static const std::map<std::string, std::string> warnings = {
        { "lock", "lock the account of" },
        { "unlock", "unlock the account of" },
        { "suspend", "suspend (and sign out everywhere)" },
        { "resume", "resume the suspended account of" },
        { "delete", "DELETE (irreversibly; the login ID is never reused) the account of" },
        { "reset-password", "replace the password (and sign out everywhere) of" },
        { "reset-totp", "replace the TOTP secret (and sign out everywhere) of" },
    };
    if (!context.confirm(warnings.at(verb) + " " + user.login_id + " (" + user.display_name + ", "
            + std::string(lending::role_name(user.role)) + ") in tenant " + slug))
        return static_cast<int>(ExitCode::declined);
    auto& accounts = service->accounts();
    auto actor = context.actor();
    if (verb == "lock")
        TRY(accounts.lock(actor, slug, args.login));
    else if (verb == "unlock")
        TRY(accounts.unlock(actor, slug, args.login));
    else if (verb == "suspend")
        TRY(accounts.suspend(actor, slug, args.login));
    else if (verb == "resume")
        TRY(accounts.resume(actor, slug, args.login));
    else if (verb == "delete")
        TRY(accounts.remove(actor, slug, args.login));
    else if (verb == "reset-password") {
        std::string chosen = args.password_stdin ? TRY(password_from(args)) : std::string();
        bool temporary = !args.password_stdin || args.temporary;
        auto password = TRY(accounts.reset_password(actor, slug, args.login, chosen, temporary));
        if (!args.password_stdin)
            std::cout << "new password: " << password << "\n";
        if (temporary)
            std::cout << "the password is to be changed at the next sign-in\n";
    } else if (verb == "reset-totp") {
        print_totp(TRY(accounts.reset_totp(actor, slug, args.login)));
    }
    std::cout << verb << ": " << args.login << " done\n";
    return ExitCode::ok;
}

}

void add_user_commands(CLI::App& cli, AdminContext& context, Action& action)
{
    auto args = std::make_shared<UserArgs>();
    auto* user = cli.add_subcommand("user", "Users")->require_subcommand(1);

    auto* add_command = user->add_subcommand("add", "Add a user (prints a generated password unless --password-stdin)");
    add_command->add_option("login_id", args->login)->required();
    add_command->add_option("--name", args->name, "Display name")->required();
    add_command->add_option("--role", args->role)
        ->check(CLI::IsMember({ "student", "teacher", "admin" }))
        ->capture_default_str();
    add_command->add_option("--school", args->school, "School (not for tenant-wide admins)");
    add_command->add_option("--class", args->classes, "Class of that school (repeatable)");
    add_command->add_option("--reading-level", args->reading_level, "Students see titles at this level or below");
    add_command->add_flag("--password-stdin", args->password_stdin, "Read the password from standard input");
    add_command->add_flag("--temporary", args->temporary,
        "The password given on standard input is to be changed at the first sign-in (a generated one always is)");
    add_command->callback([&action, &context, args] {
        action = [&context, args] { return run(context, [&] { return add(context, *args); }); };
    });

    auto* import_command = user->add_subcommand("import", "Import a roster CSV (UTF-8 or Shift_JIS)");
    import_command->add_option("file", args->file)->required();
    import_command->add_option("--encoding", args->encoding)
        ->check(CLI::IsMember({ "auto", "utf-8", "shift_jis" }))
        ->capture_default_str();
    import_command->add_flag("--dry-run", args->dry_run, "Check every line and report; change nothing");
    import_command->add_flag("--partial", args->partial, "Import the good lines even when some are bad");
    import_command->add_flag("--temporary", args->temporary,
        "Passwords in the file are to be changed at the first sign-in too (generated ones always are)");
    import_command->add_option(
        "--credentials-out", args->credentials_out, "Where generated passwords and TOTP URIs go (0600)");
    import_command->callback([&action, &context, args] {
        action = [&context, args] { return run(context, [&] { return import(context, *args); }); };
    });

    for (const std::string verb : { "lock", "unlock", "suspend", "resume", "delete", "reset-password", "reset-totp" }) {
        auto* command = user->add_subcommand(verb, "User account: " + verb + " (asks for confirmation)");
        command->add_option("login_id", args->login)->required();
        if (verb == "reset-password") {
            command->add_flag("--password-stdin", args->password_stdin, "Read the new password from standard input");
            command->add_flag("--temporary", args->temporary,
                "The password given on standard input is to be changed at the next sign-in (a generated one always "
                "is)");
        }
        command->callback([&action, &context, args, verb] {
            action = [&context, args, verb] { return run(context, [&] { return change(context, *args, verb); }); };
        });
    }
}

}

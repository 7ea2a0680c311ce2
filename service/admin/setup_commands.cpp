// pki init/rotate-tls/backup-key, tenant add/list/policy, school add, class add.

#include <iostream>

#include "admin/commands.h"
#include "lending/audit.h"
#include "lending/pki.h"
#include "lending/pki_rotation.h"

namespace hondana::admin {

namespace {

struct SetupArgs {
    lending::PkiOptions pki;
    std::vector<std::string> dns, ips;
    std::string slug, name, school, key, value;
    std::string root_key, backup_key;
};

lending::Result<int> pki_init(AdminContext& context, const SetupArgs& args)
{
    lending::DataDir dir { context.data };
    std::error_code ec;
    if (!std::filesystem::exists(dir.database_key(), ec))
        TRY(lending::init_data_dir(dir));
    auto options = args.pki;
    if (!args.dns.empty())
        options.dns_names = args.dns;
    if (!args.ips.empty())
        options.ip_addresses = args.ips;
    auto summary = TRY(lending::init_pki(dir.pki(), options, context.clock().now()));
    std::cout << "Tenant PKI created in " << summary.paths.dir.string() << "\n"
              << "  root certificate (readers' tenant_root_cert): " << summary.paths.root_certificate().string() << "\n"
              << "  TLS SPKI pins (readers' tls_spki_pins): current " << summary.tls_pin << "\n"
              << "                                          backup  " << summary.backup_pin << "\n"
              << "  operator backup key (backups are wrapped to it): " << summary.operator_backup_pin << "\n\n"
              << "Move " << (summary.paths.dir / "offline").string()
              << " (root key, backup TLS key, operator backup key) off this machine to offline storage now;\n"
                 "the service does not need it to run.\n";
    return ExitCode::ok;
}

lending::Result<int> rotate_tls(AdminContext& context, const SetupArgs& args)
{
    lending::PkiPaths paths { lending::DataDir { context.data }.pki() };
    lending::TlsRotation rotation { args.root_key.empty() ? paths.root_key() : std::filesystem::path(args.root_key),
        args.backup_key.empty() ? paths.tls_backup_key() : std::filesystem::path(args.backup_key), args.dns, args.ips,
        args.pki.organization };
    if (!context.confirm("replace the service's TLS key by its backup key and make a new backup key"))
        return static_cast<int>(ExitCode::declined);
    auto pins = TRY(lending::rotate_tls_key(paths, rotation, context.clock().now()));
    auto* service = TRY(context.service());
    lending::AuditEntry entry { .actor = context.actor(),
        .action = "admin.pki.rotate_tls",
        .target = "tls",
        .before = nlohmann::json { { "tls_spki_pins", { pins.retired, pins.current } } }.dump(),
        .after = nlohmann::json { { "tls_spki_pins", { pins.current, pins.backup } } }.dump() };
    auto recorded = service->store().write([&](storage::Database& db) -> lending::Result<void> {
        return lending::append_audit(db, context.clock().now(), entry).map([](const auto&) {});
    });
    if (!recorded)
        return tl::make_unexpected(recorded.error());
    std::cout << "TLS key rotated.\n  retired " << pins.retired << "\n  current " << pins.current
              << " (the readers' backup pin until now: they keep connecting)\n  backup  " << pins.backup << "\n"
              << "Restart hondana-lending to serve the new certificate, push tls_spki_pins [" << pins.current << ", "
              << pins.backup << "] to the tablets before the next rotation, and move "
              << (paths.dir / "offline").string() << " (and the root key) offline again.\n";
    return ExitCode::ok;
}

lending::Result<int> policy_show(AdminContext& context)
{
    auto* service = TRY(context.service());
    auto slug = TRY(context.tenant_slug());
    auto tenant = TRY(service->directory().tenant(slug));
    std::cout << lending::policy_to_json(tenant.policy).dump(2) << "\n";
    return ExitCode::ok;
}

lending::Result<int> policy_set(AdminContext& context, const SetupArgs& args)
{
    auto* service = TRY(context.service());
    auto slug = TRY(context.tenant_slug());
    auto tenant = TRY(service->directory().tenant(slug));
    auto before = lending::policy_to_json(tenant.policy);
    if (!before.contains(args.key))
        return lending::fail(lending::ErrorKind::InvalidArgument, "unknown policy key " + args.key);
    if (!context.confirm(
            "change " + args.key + " of tenant " + slug + " from " + before[args.key].dump() + " to " + args.value))
        return static_cast<int>(ExitCode::declined);
    auto after = TRY(service->directory().set_policy(context.actor(), slug, args.key, args.value));
    std::cout << args.key << ": " << before[args.key].dump() << " -> "
              << lending::policy_to_json(after)[args.key].dump() << "\n";
    return ExitCode::ok;
}

}

void add_setup_commands(CLI::App& cli, AdminContext& context, Action& action)
{
    auto args = std::make_shared<SetupArgs>();
    auto set = [&action, &context, args](auto body) {
        return [&action, &context, args, body] {
            action = [&context, args, body] { return run(context, [&] { return body(context, *args); }); };
        };
    };

    auto* pki = cli.add_subcommand("pki", "Tenant PKI")->require_subcommand(1);
    auto* init = pki->add_subcommand("init", "Create the data directory, its database key and the tenant PKI");
    init->add_option("--organization", args->pki.organization, "Organisation name in the certificates")
        ->capture_default_str();
    init->add_option("--dns", args->dns, "DNS names of the service (TLS certificate); default localhost");
    init->add_option("--ip", args->ips, "IP addresses of the service (TLS certificate); default 127.0.0.1 and ::1");
    init->callback(set([](AdminContext& c, const SetupArgs& a) { return pki_init(c, a); }));
    auto* rotate = pki->add_subcommand("rotate-tls",
        "Promote the backup TLS key (readers pin it already), make a new backup key (needs the root key)");
    rotate->add_option("--dns", args->dns, "DNS names of the service (new TLS certificate; default: the current ones)");
    rotate->add_option(
        "--ip", args->ips, "IP addresses of the service (new TLS certificate; default: the current ones)");
    rotate->add_option("--root-key", args->root_key, "The root's private key (default pki/offline/root.key)");
    rotate->add_option("--backup-key", args->backup_key, "The backup TLS key (default pki/offline/tls-backup.key)");
    rotate->add_option("--organization", args->pki.organization, "Organisation name in the certificate")
        ->capture_default_str();
    rotate->callback(set([](AdminContext& c, const SetupArgs& a) { return rotate_tls(c, a); }));
    pki->add_subcommand("backup-key", "Make the operator backup key pair (for a PKI made before backups)")
        ->callback(set([](AdminContext& c, const SetupArgs&) -> lending::Result<int> {
            lending::PkiPaths paths { lending::DataDir { c.data }.pki() };
            auto pin = TRY(lending::create_operator_backup_key(paths));
            std::cout << "operator backup key " << pin
                      << "\n  public half (stays): " << paths.operator_backup_public_key().string()
                      << "\n  private half (move offline now): " << paths.operator_backup_key().string() << "\n";
            return ExitCode::ok;
        }));

    auto* tenant = cli.add_subcommand("tenant", "Tenants and their policy")->require_subcommand(1);
    auto* add = tenant->add_subcommand("add", "Add a tenant");
    add->add_option("slug", args->slug, "Short name (letters, digits, . _ -)")->required();
    add->add_option("--name", args->name, "Full name")->required();
    add->callback(set([](AdminContext& c, const SetupArgs& a) -> lending::Result<int> {
        auto* service = TRY(c.service());
        auto added = TRY(service->directory().add_tenant(c.actor(), a.slug, a.name));
        std::cout << "tenant " << added.slug << " added\n";
        return ExitCode::ok;
    }));
    tenant->add_subcommand("list", "List tenants")
        ->callback(set([](AdminContext& c, const SetupArgs&) -> lending::Result<int> {
            auto* service = TRY(c.service());
            auto all = TRY(service->directory().tenants());
            for (const auto& t : all)
                std::cout << t.slug << "\t" << t.name << "\n";
            return ExitCode::ok;
        }));
    auto* policy = tenant->add_subcommand("policy", "Show or change the tenant policy")->require_subcommand(1);
    policy->add_subcommand("show", "Print the policy as JSON")->callback(set([](AdminContext& c, const SetupArgs&) {
        return policy_show(c);
    }));
    auto* policy_set_command = policy->add_subcommand("set", "Change one policy value (asks for confirmation)");
    policy_set_command->add_option("key", args->key)->required();
    policy_set_command->add_option("value", args->value)->required();
    policy_set_command->callback(set([](AdminContext& c, const SetupArgs& a) { return policy_set(c, a); }));

    auto* school = cli.add_subcommand("school", "Schools")->require_subcommand(1);
    auto* school_add = school->add_subcommand("add", "Add a school");
    school_add->add_option("name", args->name)->required();
    school_add->callback(set([](AdminContext& c, const SetupArgs& a) -> lending::Result<int> {
        auto* service = TRY(c.service());
        auto slug = TRY(c.tenant_slug());
        TRY(service->directory().add_school(c.actor(), slug, a.name));
        std::cout << "school " << a.name << " added\n";
        return ExitCode::ok;
    }));

    auto* klass = cli.add_subcommand("class", "Classes")->require_subcommand(1);
    auto* class_add = klass->add_subcommand("add", "Add a class to a school");
    class_add->add_option("name", args->name)->required();
    class_add->add_option("--school", args->school)->required();
    class_add->callback(set([](AdminContext& c, const SetupArgs& a) -> lending::Result<int> {
        auto* service = TRY(c.service());
        auto slug = TRY(c.tenant_slug());
        TRY(service->directory().add_class(c.actor(), slug, a.school, a.name));
        std::cout << "class " << a.name << " added to " << a.school << "\n";
        return ExitCode::ok;
    }));
}

}

// hondana-cli: the reader core, headless. See docs/reader.md.

#include <functional>
#include <iostream>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "sessions.h"

using namespace hondana;

namespace {

// What the command line asked for.
struct Request {
    cli::GlobalOptions global;
    std::string login_id, id, query, file;
    std::optional<std::string> passphrase;
    int page { 1 };
    std::optional<int> book_page;
    cli::RenderRequest render;
    bool confirmed { false };
    bool keep_data { false };
    // Set by the chosen subcommand: runs it against the opened reader core.
    std::function<int(reader::Reader&)> run;
    bool standalone { false }; // open-lcp needs no policy or device state
};

void add_account_commands(CLI::App& app, Request& r)
{
    app.add_subcommand("enrol", "make the device key and enrol it with the policy's device ID and code")
        ->callback([&r] { r.run = cli::run_enrol; });
    auto* login = app.add_subcommand("login", "sign in (online when the network is trusted, else offline)");
    login->add_option("login_id", r.login_id, "login ID")->required();
    login->add_flag("--keep-data", r.keep_data,
        "after a password change on another device: also read the previous password, to keep this tablet's data");
    login->callback(
        [&r] { r.run = [&r](reader::Reader& core) { return cli::run_login(core, r.login_id, r.keep_data); }; });
    app.add_subcommand("logout", "sign out and forget the online session")->callback([&r] { r.run = cli::run_logout; });
    auto* password = app.add_subcommand("password", "change your password (asks for the current one, then the new one twice)");
    password->alias("passwd");
    password->callback([&r] { r.run = cli::run_password; });
    app.add_subcommand("doctor", "print policy source, enrolment, pins, network trust, clock and store health")
        ->callback([&r] { r.run = cli::run_doctor; });
    auto* wipe = app.add_subcommand("wipe", "erase every user's store, the device key and all titles");
    wipe->add_flag("--yes", r.confirmed, "confirm");
    wipe->callback([&r] { r.run = [&r](reader::Reader& core) { return cli::run_wipe(core, r.confirmed); }; });
}

void add_title_command(CLI::App& app, Request& r, const char* name, const char* help, const char* what,
    int (*command)(reader::Reader&, const std::string&))
{
    auto* sub = app.add_subcommand(name, help);
    sub->add_option("id", r.id, what)->required();
    sub->callback([&r, command] { r.run = [&r, command](reader::Reader& core) { return command(core, r.id); }; });
}

void add_loan_commands(CLI::App& app, Request& r)
{
    auto* catalog = app.add_subcommand("catalog", "search the catalog");
    catalog->add_option("query", r.query, "search text");
    catalog->add_option("--page", r.page, "page number")->check(CLI::Range(1, 100000));
    catalog->callback([&r] { r.run = [&r](reader::Reader& core) { return cli::run_catalog(core, r.query, r.page); }; });
    app.add_subcommand("loans", "list loans and reservations (refreshes them when online)")
        ->callback([&r] { r.run = cli::run_loans; });
    add_title_command(app, r, "borrow", "borrow a title", "title ID", cli::run_borrow);
    add_title_command(app, r, "reserve", "reserve a title", "title ID", cli::run_reserve);
    add_title_command(app, r, "return", "return a loan (erases the title here)", "title ID or loan ID", cli::run_return);
    add_title_command(app, r, "renew", "renew a loan", "title ID or loan ID", cli::run_renew);
    add_title_command(app, r, "download", "download a borrowed title (resumable, verified)", "title ID", cli::run_download);
    add_title_command(app, r, "open", "check the licence and decrypt the whole title in memory", "title ID", cli::run_open);
}

void add_reading_commands(CLI::App& app, Request& r)
{
    auto* position = app.add_subcommand("position", "show (or with --page, save) the reading position; syncs when online");
    position->add_option("id", r.id, "title ID")->required();
    position->add_option("--page", r.book_page, "save this page (from 1) as the position")->check(CLI::Range(1, 1000000));
    position->callback([&r] {
        r.run = [&r](reader::Reader& core) { return cli::run_position(core, r.id, r.book_page); };
    });
    auto* render = app.add_subcommand("render", "render a page of a borrowed title to PNG (for support)");
    render->add_option("id,--title", r.render.title_id, "title ID")->required();
    render->add_option("--page", r.render.page, "page from 1 (default: the reading position)")->check(CLI::Range(1, 1000000));
    render->add_option("--scale", r.render.scale, "pixels per point (default 1.5)")->check(CLI::Range(0.1, 8.0));
    render->add_option("--out", r.render.out, "the PNG file to write")->required();
    render->callback([&r] { r.run = [&r](reader::Reader& core) { return cli::run_render(core, r.render); }; });
}

void add_interop_commands(CLI::App& app, Request& r)
{
    auto* open_lcp = app.add_subcommand("open-lcp", "open an LCP basic-profile publication with its passphrase");
    open_lcp->add_option("file", r.file, "the .lcpdf or .epub")->required();
    open_lcp->add_option("--passphrase", r.passphrase, "the publication passphrase (else read from the terminal or stdin)");
    open_lcp->callback([&r] { r.standalone = true; });
}

}

int main(int argc, char** argv)
{
    CLI::App app { "Hondana reader core, headless (docs/reader.md)", "hondana-cli" };
    app.require_subcommand(1);
    Request request;
    app.add_option("--policy", request.global.policy, "read only this managed-policy file (tests, the demo)");
    app.add_option("--home", request.global.home, "the reader's home (state goes to <home>/.local/state/hondana)");
    add_account_commands(app, request);
    add_loan_commands(app, request);
    add_reading_commands(app, request);
    add_interop_commands(app, request);
    cli::SessionRequest sessions;
    sessions.set = [&request](std::function<int(reader::Reader&)> run) { request.run = std::move(run); };
    cli::add_session_commands(app, sessions);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        int code = app.exit(error);
        return code == 0 ? 0 : reader::exit_code(reader::ErrorKind::Usage);
    }
    if (request.standalone)
        return cli::run_open_lcp(request.file, request.passphrase);
    reader::ReaderOptions options;
    if (request.global.policy)
        options.policy.explicit_file = *request.global.policy;
    if (request.global.home)
        options.home = *request.global.home;
    auto opened = reader::Reader::open(std::move(options));
    if (!opened)
        return cli::report(opened.error());
    return request.run ? request.run(**opened) : reader::exit_code(reader::ErrorKind::Usage);
}

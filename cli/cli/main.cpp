// hondana-cli: the reader core, headless. See docs/reader.md.

#include <iostream>

#include <CLI/CLI.hpp>

#include "commands.h"

using namespace hondana;

namespace {

reader::Result<std::unique_ptr<reader::Reader>> open_reader(const cli::GlobalOptions& global)
{
    reader::ReaderOptions options;
    if (global.policy)
        options.policy.explicit_file = *global.policy;
    if (global.home)
        options.home = *global.home;
    return reader::Reader::open(std::move(options));
}

}

int main(int argc, char** argv)
{
    CLI::App app { "Hondana reader core, headless (docs/reader.md)", "hondana-cli" };
    app.require_subcommand(1);
    cli::GlobalOptions global;
    app.add_option("--policy", global.policy, "read only this managed-policy file (tests, the demo)");
    app.add_option("--home", global.home, "the reader's home (state goes to <home>/.local/state/hondana)");

    std::string login_id, id, query, file;
    std::optional<std::string> passphrase;
    int page = 1;
    bool confirmed = false;
    auto* enrol = app.add_subcommand("enrol", "make the device key and enrol it with the policy's device ID and code");
    auto* login = app.add_subcommand("login", "sign in (online when the network is trusted, else offline)");
    login->add_option("login_id", login_id, "login ID")->required();
    auto* logout = app.add_subcommand("logout", "sign out and forget the online session");
    auto* catalog = app.add_subcommand("catalog", "search the catalog");
    catalog->add_option("query", query, "search text");
    catalog->add_option("--page", page, "page number")->check(CLI::Range(1, 100000));
    auto* loans = app.add_subcommand("loans", "list loans and reservations (refreshes them when online)");
    auto* borrow = app.add_subcommand("borrow", "borrow a title");
    borrow->add_option("id", id, "title ID")->required();
    auto* reserve = app.add_subcommand("reserve", "reserve a title");
    reserve->add_option("id", id, "title ID")->required();
    auto* give_back = app.add_subcommand("return", "return a loan (erases the title here)");
    give_back->add_option("id", id, "title ID or loan ID")->required();
    auto* renew = app.add_subcommand("renew", "renew a loan");
    renew->add_option("id", id, "title ID or loan ID")->required();
    auto* download = app.add_subcommand("download", "download a borrowed title (resumable, verified)");
    download->add_option("id", id, "title ID")->required();
    auto* open = app.add_subcommand("open", "check the licence and decrypt the whole title in memory");
    open->add_option("id", id, "title ID")->required();
    auto* open_lcp = app.add_subcommand("open-lcp", "open an LCP basic-profile publication with its passphrase");
    open_lcp->add_option("file", file, "the .lcpdf or .epub")->required();
    open_lcp->add_option("--passphrase", passphrase, "the publication passphrase (else read from the terminal or stdin)");
    auto* doctor = app.add_subcommand("doctor", "print policy source, enrolment, pins, network trust, clock and store health");
    auto* wipe = app.add_subcommand("wipe", "erase every user's store, the device key and all titles");
    wipe->add_flag("--yes", confirmed, "confirm");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        int code = app.exit(error);
        return code == 0 ? 0 : reader::exit_code(reader::ErrorKind::Usage);
    }
    if (open_lcp->parsed())
        return cli::run_open_lcp(file, passphrase);
    auto opened = open_reader(global);
    if (!opened)
        return cli::report(opened.error());
    auto& core = **opened;
    if (enrol->parsed())
        return cli::run_enrol(core);
    if (login->parsed())
        return cli::run_login(core, login_id);
    if (logout->parsed())
        return cli::run_logout(core);
    if (catalog->parsed())
        return cli::run_catalog(core, query, page);
    if (loans->parsed())
        return cli::run_loans(core);
    if (borrow->parsed())
        return cli::run_borrow(core, id);
    if (reserve->parsed())
        return cli::run_reserve(core, id);
    if (give_back->parsed())
        return cli::run_return(core, id);
    if (renew->parsed())
        return cli::run_renew(core, id);
    if (download->parsed())
        return cli::run_download(core, id);
    if (open->parsed())
        return cli::run_open(core, id);
    if (doctor->parsed())
        return cli::run_doctor(core);
    if (wipe->parsed())
        return cli::run_wipe(core, confirmed);
    return reader::exit_code(reader::ErrorKind::Usage);
}

// hondana: the reader.
//   hondana [--policy FILE] [--home DIR] [--lang ja|en] [--script FILE]
//           [--open FILE [--passphrase-file FILE]] [--books DIR_OR_FILE]...

#include <chrono>

#include <CLI/CLI.hpp>

#include "ui/app.h"

int main(int argc, char** argv)
{
    using namespace hondana::client;
    AppOptions options;
    options.started = std::chrono::steady_clock::now();
    CLI::App cli { "Hondana reader" };
    std::string script, policy, home, open, passphrase_file, language;
    std::vector<std::string> books;
    cli.add_option("--script", script, "drive the reader with a script (tests, demo)");
    cli.add_option("--policy", policy, "managed policy file (tests, demo); default: /etc/hondana/policies");
    cli.add_option("--home", home, "home folder for the reader's state");
    cli.add_option("--open", open, "open this book at start (a protected package, PDF or EPUB)");
    cli.add_option("--passphrase-file", passphrase_file, "LCP basic-profile passphrase for --open, read from a file");
    cli.add_option("--books", books, "files or folders of local books shown on the bookshelf");
    cli.add_option("--lang", language, "ja or en (default: the policy's language)");
    cli.add_option("--width", options.width, "window width");
    cli.add_option("--height", options.height, "window height");
    cli.add_flag("--report-startup", options.report_startup, "print the time to the first frame");
    CLI11_PARSE(cli, argc, argv);
    auto optional_path = [](const std::string& value) -> std::optional<std::filesystem::path> {
        if (value.empty())
            return std::nullopt;
        return std::filesystem::path(value);
    };
    options.script = optional_path(script);
    options.policy = optional_path(policy);
    options.home = optional_path(home);
    options.open = optional_path(open);
    options.passphrase_file = optional_path(passphrase_file);
    for (const auto& book : books)
        options.local_books.emplace_back(book);
    if (!language.empty())
        options.language = language;
    return App::run(options);
}

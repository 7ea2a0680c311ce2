#pragma once

// hondana-cli's commands over hondana::reader::Reader. Each returns the
// process exit code (docs/reader.md lists them) and prints results on stdout,
// errors on stderr as "hondana-cli: error <name> <message>".

#include <optional>
#include <string>

#include "hondana/reader/reader.h"

namespace hondana::cli {

struct GlobalOptions {
    std::optional<std::string> policy;
    std::optional<std::string> home;
};

int run_enrol(reader::Reader& reader);
// `keep_data`: also reads the password before a change made on another
// device, so this tablet's store is re-wrapped rather than made anew.
int run_login(reader::Reader& reader, const std::string& login_id, bool keep_data);
int run_logout(reader::Reader& reader);
// Reads the current password (unwraps the store), then the new one twice;
// changes it online and re-wraps the local store (password.cpp).
int run_password(reader::Reader& reader);
int run_catalog(reader::Reader& reader, const std::string& query, int page);
int run_loans(reader::Reader& reader);
int run_borrow(reader::Reader& reader, const std::string& title_id);
int run_reserve(reader::Reader& reader, const std::string& title_id);
int run_return(reader::Reader& reader, const std::string& id);
int run_renew(reader::Reader& reader, const std::string& id);
int run_download(reader::Reader& reader, const std::string& title_id);
int run_open(reader::Reader& reader, const std::string& title_id);
int run_doctor(reader::Reader& reader);
int run_wipe(reader::Reader& reader, bool confirmed);
// Saves a position for 1-based `page` (when given), syncs positions when
// online, and prints the stored position.
int run_position(reader::Reader& reader, const std::string& title_id, std::optional<int> page);
// What `render` renders: the page (from 1; none: the saved reading position,
// else the first page) of a borrowed title at `scale`, as PNG into `out`.
struct RenderRequest {
    std::string title_id;
    std::optional<int> page;
    float scale { 1.5f };
    std::string out;
};
// Renders through render/ after every licence check. The PNG is the page in
// clear: for support, written only where the operator says.
int run_render(reader::Reader& reader, const RenderRequest& request);
int run_open_lcp(const std::string& file, const std::optional<std::string>& passphrase);

// Reads the password (never from arguments) and opens the signed-in user's
// store; the exit code when that failed.
std::optional<int> resume(reader::Reader& reader);
// Like resume(), and keeps who signed in (session watch needs the role).
std::optional<int> resume_as(reader::Reader& reader, std::optional<reader::SignInResult>& signed_in);
// Prints an error and returns its exit code.
int report(const reader::Error& error);

}

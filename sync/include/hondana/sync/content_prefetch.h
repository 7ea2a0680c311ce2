#pragma once

// Fetching a title's package before its licence exists (class sessions,
// issue 6): when a session is scheduled, every student's tablet fetches the
// content at once, so the bell costs almost no bytes. Content bytes are
// useless without a licence, so the service serves them to any enrolled
// device. The bytes go where downloader.h keeps a partial download
// (`<destination>.part` with its ETag in `.part.etag`): the licensed
// download() later resumes from the end, gets 416 (nothing more to send),
// checks length and SHA-256 against the licence and only then moves the file
// into place. Nothing here is trusted before that check.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "hondana/sync/http_client.h"

namespace hondana::sync {

struct PrefetchRequest {
    std::string url;
    std::filesystem::path destination; // where download() will put the verified file
    std::vector<std::pair<std::string, std::string>> headers;
};

struct PrefetchResult {
    uint64_t length { 0 };      // bytes held (part file, or the verified file)
    uint64_t transferred { 0 }; // bytes received in this call
    bool already_complete { false };
};

// Blocking, one transfer (resumed from an earlier partial one when the ETag
// still matches). Errors: transport errors, HttpStatus or the problem type, Io.
[[nodiscard]] Result<PrefetchResult> prefetch_content(
    HttpClient& client, const PrefetchRequest& request, const ProgressCallback& progress = {});

}

#pragma once

// Resumable downloads of protected content. Bytes go to `<destination>.part`
// (with the response's ETag beside it in `.part.etag`); an interrupted
// transfer — a dropped connection, a killed process — resumes with
// `Range: bytes=<have>-` and `If-Range: <etag>`, so it costs only the bytes
// not yet received. When complete, the file's length and SHA-256 are checked
// against the licence's publication link, and only then renamed into place
// (fsync, rename, fsync of the folder): `destination` exists only verified.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "hondana/sync/http_client.h"

namespace hondana::sync {

struct DownloadRequest {
    std::string url;
    std::filesystem::path destination;
    std::string expected_sha256;            // lower-case hex (the licence's publication hash)
    std::optional<uint64_t> expected_length; // the licence's publication length
    std::vector<std::pair<std::string, std::string>> headers; // e.g. Authorization
    int max_resumes { 8 }; // transient failures resumed within one call
};

struct DownloadResult {
    uint64_t length { 0 };
    uint64_t transferred { 0 }; // bytes received in this call
    int resumes { 0 };          // transfers resumed in this call (or from an earlier run)
    bool already_complete { false };
};

// Blocking; `progress` gets (bytes on disk, total) as bytes arrive. Errors:
// HashMismatch (the partial file is deleted), Io, Cancelled (partial file
// kept for the next call), transport errors after `max_resumes`.
[[nodiscard]] Result<DownloadResult> download(
    HttpClient& client, const DownloadRequest& request, const ProgressCallback& progress = {});

}

#pragma once

// RAII handles for curl objects, the one-time global init, the TLS policy
// applied to an easy handle, and curl failures mapped to sync errors.

#include <memory>
#include <string>

#include <curl/curl.h>

#include "hondana/sync/http_client.h"

namespace hondana::sync::detail {

struct EasyDeleter {
    void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

// curl_global_init, once per process.
void ensure_curl_global();

// Makes an easy handle and applies the TLS policy of `config` to it (see
// http_client.h). `error_buffer` must outlive the handle (CURL_ERROR_SIZE bytes).
[[nodiscard]] Result<Easy> make_policy_handle(const TlsConfig& config, char* error_buffer);

// Maps a failed transfer to an error kind and message.
[[nodiscard]] Error classify_curl_error(CURLcode code, const char* error_buffer, const std::string& url);

}

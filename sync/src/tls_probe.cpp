#include "hondana/sync/tls_probe.h"

#include "curl_handles.h"

namespace hondana::sync {

platform::ProbeResult probe_endpoint(const TlsConfig& config, const platform::Endpoint& endpoint)
{
    platform::ProbeResult result { endpoint, platform::ProbeStatus::Unreachable, {} };
    char error_buffer[CURL_ERROR_SIZE] {};
    auto probe_config = config;
    probe_config.client_certificate_pem.reset();
    probe_config.client_key_pem.reset();
    auto curl = detail::make_policy_handle(probe_config, error_buffer);
    if (!curl) {
        result.status = platform::ProbeStatus::Mismatch;
        result.detail = curl.error().message;
        return result;
    }
    bool v6 = endpoint.host.find(':') != std::string::npos;
    std::string url = "https://" + (v6 ? "[" + endpoint.host + "]" : endpoint.host) + ":" + std::to_string(endpoint.port) + "/";
    curl_easy_setopt(curl->get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl->get(), CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(curl->get(), CURLOPT_TIMEOUT_MS, static_cast<long>(config.connect_timeout.count() * 1000));
    CURLcode code = curl_easy_perform(curl->get());
    if (code == CURLE_OK) {
        result.status = platform::ProbeStatus::Verified;
        result.detail = "pinned key and tenant chain verified";
        return result;
    }
    auto error = detail::classify_curl_error(code, error_buffer, url);
    result.status = is_tls_policy_failure(error.kind) ? platform::ProbeStatus::Mismatch : platform::ProbeStatus::Unreachable;
    result.detail = std::string(error_code(error.kind)) + ": " + error.message;
    return result;
}

platform::Prober make_prober(TlsConfig config)
{
    return [config = std::move(config)](const platform::Endpoint& endpoint) { return probe_endpoint(config, endpoint); };
}

}

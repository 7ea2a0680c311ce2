// fuzz-deps: hondana::drm
// Fuzzes the licence parser end to end: strict JSON, the licence shape,
// canonicalisation and verification against a fixed root (the test root of
// tests/data/licences, so seeds signed by it reach the signature code).
// Checks two properties besides "no crash": the canonical form of a parsed
// licence parses back to the same document (and is a fixed point), and the
// JSON form rebuilt from the parsed fields is itself a valid licence.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hondana/drm/canonical_json.h"
#include "hondana/drm/licence.h"

using namespace hondana::drm;

namespace {

// tests/data/licences/test-root.pem
constexpr const char* test_root_pem =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBzzCCAXSgAwIBAgIQbc9a8fU8ylmfm0L1nYn2izAKBggqhkjOPQQDAjBHMRww\n"
    "GgYDVQQKDBNIb25kYW5hIHRlc3QgdGVuYW50MScwJQYDVQQDDB5Ib25kYW5hIFRl\n"
    "c3QgUm9vdCAodGVzdHMgb25seSkwHhcNMjUwMTAxMDAwMDAwWhcNNDUwMTAxMDAw\n"
    "MDAwWjBHMRwwGgYDVQQKDBNIb25kYW5hIHRlc3QgdGVuYW50MScwJQYDVQQDDB5I\n"
    "b25kYW5hIFRlc3QgUm9vdCAodGVzdHMgb25seSkwWTATBgcqhkjOPQIBBggqhkjO\n"
    "PQMBBwNCAATsvqJ8nYL3GzHBlZPzT1W9mbfXlBBmXWoeRzqVUCpg2bxRZ8v+mp8B\n"
    "slJwPlVUzR6TmlUsUESbrWpDULdYwVVpo0IwQDAPBgNVHRMBAf8EBTADAQH/MA4G\n"
    "A1UdDwEB/wQEAwIBBjAdBgNVHQ4EFgQU1cPR+jE6G/YyKQSvz6ltGHMjzRcwCgYI\n"
    "KoZIzj0EAwIDSQAwRgIhAO5k02sgoc/bECNpc4bCKUPPYSdeQc97rZdG2qn/A8WS\n"
    "AiEAsFxxbec5kQKVDwGBFZwFWpf/EjvcuvG00DWEV1WwPhA=\n"
    "-----END CERTIFICATE-----\n";

const Certificate* test_root()
{
    static const auto root = Certificate::from_pem(test_root_pem);
    return root ? &*root : nullptr;
}

void check_round_trips(const Licence& licence)
{
    auto canonical = canonical_json(licence.document);
    if (canonical) {
        auto again = parse_licence(*canonical);
        if (!again || again->document != licence.document)
            std::abort(); // canonical form does not parse back to the same document
        auto twice = canonical_json(again->document);
        if (!twice || *twice != *canonical)
            std::abort(); // canonical form is not a fixed point
    }
    auto rebuilt = canonical_json(licence_to_json(licence));
    if (!rebuilt || !parse_licence(*rebuilt))
        std::abort(); // the fields of a valid licence do not make a valid licence
}

}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const Certificate* root = test_root();
    if (!root)
        std::abort(); // the embedded root must parse
    auto licence = parse_licence(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!licence)
        return 0;
    check_round_trips(*licence);
    (void)verify_licence(*licence, *root);
    return 0;
}

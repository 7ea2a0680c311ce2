#pragma once

// Readium LCP basic profile, for interoperability only: the user key is
// SHA-256 of the passphrase, `key_check` proves it, the content key is
// AES-256-CBC under the user key, and resources are AES-256-CBC under the
// content key with the IV prepended and W3C XML-Encryption padding (only the
// last byte counts). Nothing in Hondana's own trust path accepts this
// profile: licences of our service use the device profile.

#include <memory>
#include <string_view>

#include "hondana/drm/byte_source.h"
#include "hondana/drm/licence.h"

namespace hondana::drm {

// The content key of a basic-profile licence, given the passphrase.
// WrongPassphrase when key_check does not decrypt to the licence id;
// UnsupportedProfile / UnsupportedAlgorithm for other profiles or
// algorithms; MissingField without key_check; InvalidValue when the
// encrypted content key does not decrypt to 32 bytes.
[[nodiscard]] Result<SecretBytes> lcp_basic_content_key(const Licence& licence, std::string_view passphrase);

// AES-256-CBC content (IV first, W3C padding) as a random-access plaintext
// source: a read decrypts only the blocks it needs (plus the one before, for
// its IV). Open decrypts the last block to learn the padding. Concurrent
// reads are safe. InvalidArgument for a null source or a key that is not 32
// bytes; MalformedPackage when the length is not an IV and at least one
// whole block; ContentTampered when the padding is impossible. CBC carries no
// integrity: a wrong key or altered bytes otherwise read as garbage.
class CbcReader final : public ByteSource {
public:
    [[nodiscard]] static Result<std::unique_ptr<CbcReader>> open(
        std::shared_ptr<ByteSource> ciphertext, ByteView content_key);
    [[nodiscard]] uint64_t size() const override { return m_plaintext_size; }
    [[nodiscard]] Result<size_t> read_at(uint64_t offset, std::span<uint8_t> out) override;

private:
    CbcReader(std::shared_ptr<ByteSource> ciphertext, SecretBytes key, uint64_t plaintext_size);
    std::shared_ptr<ByteSource> m_ciphertext;
    SecretBytes m_key;
    uint64_t m_plaintext_size;
};

}

#include "hondana/drm/lcp.h"

#include <algorithm>
#include <array>

#include <openssl/crypto.h>

#include "openssl_handles.h"

namespace hondana::drm {

using detail::crypto_failure;

namespace {

constexpr size_t block_size = 16;
constexpr size_t read_chunk = 1024 * 1024; // plaintext decrypted per step of a large read

// Decrypts whole AES-256-CBC blocks without padding: `in` is the IV block
// followed by the ciphertext blocks; `out` receives in.size() - 16 bytes.
Result<void> cbc_decrypt_blocks(ByteView key, ByteView in, std::span<uint8_t> out)
{
    detail::CipherCtx ctx { EVP_CIPHER_CTX_new() };
    int length = 0;
    if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, key.data(), in.data()) != 1
        || EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1)
        return crypto_failure("AES-256-CBC init");
    size_t body = in.size() - block_size;
    if (EVP_DecryptUpdate(ctx.get(), out.data(), &length, in.data() + block_size, static_cast<int>(body)) != 1
        || static_cast<size_t>(length) != body)
        return crypto_failure("AES-256-CBC decrypt");
    return {};
}

// W3C XML Encryption padding: only the last byte counts, 1..16.
std::optional<size_t> w3c_padding(uint8_t last)
{
    if (last < 1 || last > block_size)
        return std::nullopt;
    return last;
}

// IV-prefixed AES-256-CBC with W3C padding, decrypted whole (small values:
// key_check and the content key). nullopt when the shape or padding is wrong.
Result<std::optional<SecretBytes>> cbc_decrypt_value(ByteView key, ByteView iv_and_ciphertext)
{
    if (iv_and_ciphertext.size() < 2 * block_size || iv_and_ciphertext.size() % block_size != 0)
        return std::optional<SecretBytes> {};
    SecretBytes plain(iv_and_ciphertext.size() - block_size);
    TRY(cbc_decrypt_blocks(key, iv_and_ciphertext, plain.span()));
    auto padding = w3c_padding(plain.data()[plain.size() - 1]);
    if (!padding)
        return std::optional<SecretBytes> {};
    return std::optional<SecretBytes> { SecretBytes(plain.view().first(plain.size() - *padding)) };
}

}

Result<SecretBytes> lcp_basic_content_key(const Licence& licence, std::string_view passphrase)
{
    if (licence.profile != lcp_basic_profile)
        return fail(ErrorKind::UnsupportedProfile, "not an LCP basic-profile licence: " + licence.profile);
    if (licence.user_key.algorithm != sha256_uri)
        return fail(ErrorKind::UnsupportedAlgorithm, "encryption.user_key.algorithm " + licence.user_key.algorithm);
    if (licence.content_key.algorithm != aes256_cbc_uri)
        return fail(
            ErrorKind::UnsupportedAlgorithm, "encryption.content_key.algorithm " + licence.content_key.algorithm);
    if (!licence.user_key.key_check)
        return fail(ErrorKind::MissingField, "encryption.user_key.key_check");
    Sha256Digest digest = sha256(as_bytes(passphrase));
    SecretBytes user_key(digest);
    OPENSSL_cleanse(digest.data(), digest.size());

    auto check = TRY(cbc_decrypt_value(user_key.view(), *licence.user_key.key_check));
    if (!check || !constant_time_equal(check->view(), as_bytes(licence.id)))
        return fail(ErrorKind::WrongPassphrase, "the passphrase does not open licence " + licence.id);
    auto content_key = TRY(cbc_decrypt_value(user_key.view(), licence.content_key.encrypted_value));
    if (!content_key || content_key->size() != 32)
        return fail(ErrorKind::InvalidValue, "encryption.content_key.encrypted_value does not hold a 32-byte key");
    return std::move(*content_key);
}

// --- CbcReader ---

Result<std::unique_ptr<CbcReader>> CbcReader::open(std::shared_ptr<ByteSource> ciphertext, ByteView content_key)
{
    if (!ciphertext)
        return fail(ErrorKind::InvalidArgument, "CBC reader over a null source");
    if (content_key.size() != 32)
        return fail(ErrorKind::InvalidArgument, "AES-256-CBC needs a 32-byte content key");
    uint64_t size = ciphertext->size();
    if (size < 2 * block_size || size % block_size != 0)
        return fail(ErrorKind::MalformedPackage,
            "AES-256-CBC content of " + std::to_string(size) + " bytes is not an IV and whole blocks");
    std::array<uint8_t, 2 * block_size> tail {};
    TRY(read_exact(*ciphertext, size - tail.size(), tail));
    std::array<uint8_t, block_size> last {};
    TRY(cbc_decrypt_blocks(content_key, tail, last));
    auto padding = w3c_padding(last.back());
    if (!padding)
        return fail(ErrorKind::ContentTampered, "AES-256-CBC content has impossible padding (wrong key or altered)");
    uint64_t plaintext_size = size - block_size - *padding;
    return std::unique_ptr<CbcReader>(
        new CbcReader(std::move(ciphertext), SecretBytes(content_key), plaintext_size)); // raw-new: private constructor
}

CbcReader::CbcReader(std::shared_ptr<ByteSource> ciphertext, SecretBytes key, uint64_t plaintext_size)
    : m_ciphertext(std::move(ciphertext))
    , m_key(std::move(key))
    , m_plaintext_size(plaintext_size)
{
}

Result<size_t> CbcReader::read_at(uint64_t offset, std::span<uint8_t> out)
{
    if (offset >= m_plaintext_size || out.empty())
        return 0;
    size_t wanted = std::min<uint64_t>(out.size(), m_plaintext_size - offset);
    Bytes in;
    Bytes plain;
    size_t done = 0;
    while (done < wanted) {
        uint64_t position = offset + done;
        size_t take = std::min(wanted - done, read_chunk);
        // Plaintext block b is ciphertext block b + 1; the block before it is its IV.
        uint64_t first = position / block_size;
        uint64_t last = (position + take - 1) / block_size;
        size_t span_size = static_cast<size_t>((last - first + 2) * block_size);
        uint64_t start = first * block_size;
        ByteView input;
        if (auto view = m_ciphertext->contiguous(start, span_size)) {
            input = *view;
        } else {
            in.resize(span_size);
            TRY(read_exact(*m_ciphertext, start, in));
            input = in;
        }
        plain.resize(span_size - block_size);
        TRY(cbc_decrypt_blocks(m_key.view(), input, plain));
        std::copy_n(plain.data() + (position - start), take, out.data() + done);
        done += take;
    }
    return wanted;
}

}

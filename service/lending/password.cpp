#include "lending/password.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "hondana/drm/crypto.h"

namespace hondana::lending {

namespace {

constexpr std::string_view prefix = "pbkdf2-sha256";
constexpr size_t salt_size = 16;
constexpr size_t hash_size = 32;

// Common passwords that pass the character-class rule (lower-cased). Short
// by design: the length and class rule already remove the dictionary words.
constexpr std::array<std::string_view, 40> common_passwords = {
    "password123!",
    "password1234!",
    "p@ssw0rd1234",
    "p@ssword1234",
    "p@ssw0rd123!",
    "passw0rd123!",
    "qwerty123456!",
    "qwerty1234!@",
    "qwerty123!@#",
    "qwertyuiop1!",
    "1qaz2wsx3edc!",
    "1qaz@wsx3edc",
    "zaq12wsx!@#$",
    "abc123456789!",
    "abcd1234!@#$",
    "abcdef12345!",
    "welcome123!@",
    "welcome2024!",
    "welcome2025!",
    "welcome2026!",
    "admin123456!",
    "administrator1!",
    "changeme123!",
    "letmein12345!",
    "iloveyou123!",
    "sunshine123!",
    "football123!",
    "baseball123!",
    "dragon123456!",
    "monkey123456!",
    "summer2025!!",
    "winter2025!!",
    "spring2026!!",
    "autumn2025!!",
    "hondana1234!",
    "tokyo123456!",
    "osaka1234567!",
    "kyoto1234567!",
    "sakura12345!",
    "school12345!",
};

std::string lower(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

size_t utf8_length(std::string_view text)
{
    return static_cast<size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

}

std::vector<PasswordRuleFailure> password_rule_failures(
    std::string_view password, std::string_view login_id, const TenantPolicy& policy)
{
    std::vector<PasswordRuleFailure> failures;
    int min_length = std::max(policy.password_min_length, min_password_length);
    if (utf8_length(password) < static_cast<size_t>(min_length))
        failures.push_back({ "min-length", "shorter than " + std::to_string(min_length) + " characters" });
    if (password.size() > max_password_bytes)
        failures.push_back({ "max-length", "longer than " + std::to_string(max_password_bytes) + " bytes" });
    bool upper = false, lower_case = false, digit = false, symbol = false;
    for (unsigned char c : password) {
        upper |= std::isupper(c) != 0;
        lower_case |= std::islower(c) != 0;
        digit |= std::isdigit(c) != 0;
        symbol |= (c < 0x80 && std::ispunct(c) != 0) || c == ' ';
    }
    if (!upper)
        failures.push_back({ "upper", "no upper-case letter" });
    if (!lower_case)
        failures.push_back({ "lower", "no lower-case letter" });
    if (!digit)
        failures.push_back({ "digit", "no digit" });
    if (!symbol)
        failures.push_back({ "symbol", "no symbol" });
    auto folded = lower(password);
    if (!login_id.empty() && folded.find(lower(login_id)) != std::string::npos)
        failures.push_back({ "login-id", "contains the login ID" });
    if (std::find(common_passwords.begin(), common_passwords.end(), folded) != common_passwords.end())
        failures.push_back({ "common", "a commonly used password" });
    return failures;
}

std::vector<std::string> password_rule_violations(
    std::string_view password, std::string_view login_id, const TenantPolicy& policy)
{
    std::vector<std::string> reasons;
    for (auto& failure : password_rule_failures(password, login_id, policy))
        reasons.push_back(std::move(failure.reason));
    return reasons;
}

Error weak_password_error(const std::vector<PasswordRuleFailure>& failures, const TenantPolicy& policy)
{
    std::vector<std::string> rules, reasons;
    std::string message = "password rejected:";
    for (const auto& failure : failures) {
        rules.emplace_back(failure.rule);
        reasons.push_back(failure.reason);
        message += " " + failure.reason + ";";
    }
    message.pop_back();
    nlohmann::json details = { { "rules", rules }, { "reasons", reasons },
        { "min_length", std::max(policy.password_min_length, min_password_length) } };
    return Error { ErrorKind::WeakPassword, message, std::move(details) };
}

Result<void> check_password_rule(std::string_view password, std::string_view login_id, const TenantPolicy& policy)
{
    auto failures = password_rule_failures(password, login_id, policy);
    if (failures.empty())
        return {};
    return tl::make_unexpected(weak_password_error(failures, policy));
}

namespace {

std::string format_hash(uint32_t iterations, drm::ByteView salt, drm::ByteView hash)
{
    return std::string(prefix) + "$" + std::to_string(iterations) + "$" + drm::base64_encode(salt) + "$"
        + drm::base64_encode(hash);
}

}

Result<std::string> hash_password(std::string_view password, uint32_t iterations)
{
    std::array<uint8_t, salt_size> salt {};
    if (auto ok = drm::random_bytes(salt); !ok)
        return fail(ErrorKind::Internal, ok.error().message);
    auto hash = drm::pbkdf2_sha256(password, salt, iterations, hash_size);
    if (!hash)
        return fail(ErrorKind::Internal, "PBKDF2: " + hash.error().message);
    return format_hash(iterations, salt, hash->view());
}

Result<StoredPasswordHash> parse_password_hash(std::string_view stored)
{
    auto bad = [] { return fail(ErrorKind::Internal, "stored password hash is not in a known format"); };
    std::array<std::string_view, 4> parts;
    size_t start = 0;
    for (size_t i = 0; i < parts.size(); ++i) {
        size_t end = i + 1 < parts.size() ? stored.find('$', start) : stored.size();
        if (end == std::string_view::npos)
            return bad();
        parts[i] = stored.substr(start, end - start);
        start = end + 1;
    }
    if (parts[0] != prefix || parts[3].find('$') != std::string_view::npos)
        return bad();
    StoredPasswordHash result;
    auto [end, ec] = std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), result.iterations);
    if (ec != std::errc() || end != parts[1].data() + parts[1].size() || result.iterations == 0)
        return bad();
    auto salt = drm::base64_decode(parts[2]);
    auto hash = drm::base64_decode(parts[3]);
    if (!salt || !hash || salt->empty() || hash->size() != hash_size)
        return bad();
    result.salt = std::move(*salt);
    result.hash = std::move(*hash);
    return result;
}

Result<bool> verify_password(std::string_view password, std::string_view stored)
{
    auto parsed = TRY(parse_password_hash(stored));
    auto computed = drm::pbkdf2_sha256(password, parsed.salt, parsed.iterations, parsed.hash.size());
    if (!computed)
        return fail(ErrorKind::Internal, "PBKDF2: " + computed.error().message);
    return drm::constant_time_equal(computed->view(), parsed.hash);
}

bool password_needs_rehash(std::string_view stored, uint32_t iterations)
{
    auto parsed = parse_password_hash(stored);
    return !parsed || parsed->iterations < iterations;
}

std::string dummy_password_hash(uint32_t iterations)
{
    // A fixed salt and an all-zero hash: PBKDF2 output is never all zeros in practice.
    static constexpr std::array<uint8_t, salt_size> salt
        = { 'h', 'o', 'n', 'd', 'a', 'n', 'a', '-', 'd', 'u', 'm', 'm', 'y', '-', 'v', '1' };
    static constexpr std::array<uint8_t, hash_size> zeros {};
    return format_hash(iterations, salt, zeros);
}

Result<std::string> generate_password()
{
    // 16 characters from four classes: one of each, the rest from all, then
    // shuffled. Each pick uses 16 random bits, so the modulo bias is below 0.1%.
    static constexpr std::string_view classes[]
        = { "ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789", "!#%+-=?@" };
    static constexpr std::string_view all = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#%+-=?@";
    std::array<uint8_t, 64> random {};
    if (auto ok = drm::random_bytes(random); !ok)
        return fail(ErrorKind::Internal, ok.error().message);
    size_t next = 0;
    auto pick = [&](size_t bound) {
        size_t value = (static_cast<size_t>(random[next]) << 8) | random[next + 1];
        next += 2;
        return value % bound;
    };
    std::string password;
    for (auto set : classes)
        password += set[pick(set.size())];
    while (password.size() < 16)
        password += all[pick(all.size())];
    for (size_t i = password.size() - 1; i > 0; --i)
        std::swap(password[i], password[pick(i + 1)]);
    return password;
}

}

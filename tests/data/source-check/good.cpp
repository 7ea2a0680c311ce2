// A comment may say new things, sprintf( and delete things; "strings" too.
#include <memory>
struct S {
    S(const S&) = delete;
    S& operator=(const S&) = delete;
};
bool f(const std::string& key, int n)
{
    char buf[8];
    snprintf(buf, sizeof buf, "%d", n);
    auto p = std::make_unique<int>(RAND_bytes(nullptr, 0));
    const char* s = "new thing; delete it; sprintf(x)";
    if (key == "id") // comparing a JSON member name is fine
        return true;
    return CRYPTO_memcmp(buf, s, 1) == 0 && key.size() == 0;
}

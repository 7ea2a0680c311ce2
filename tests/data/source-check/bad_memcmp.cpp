bool f(const unsigned char* a, const unsigned char* b) { return memcmp(a, b, 32) == 0; }

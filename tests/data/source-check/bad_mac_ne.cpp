bool f(const Bytes& expected_mac, const Bytes& mac) { return expected_mac != mac; }

bool f(const std::string& token, const std::string& stored) { return token == stored; }

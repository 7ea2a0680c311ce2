int f() { return std::rand() % 6; }

void f(char* b) { sprintf(b, "%d", 1); }

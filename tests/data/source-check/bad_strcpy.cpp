void f(char* a, const char* b) { strcpy(a, b); strcat(a, b); }

struct S {};
S* f() { return new S; }

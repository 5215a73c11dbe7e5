// LeakSanitizer suppressions for programs that embed CPython (linked in through
// @system_python//:python_embed). CPython and extension modules such as numpy deliberately keep
// allocations alive past Py_FinalizeEx, so without this every ASan run of an embedding program
// fails with "detected memory leaks". Debian's libpython is built without frame pointers, so
// stacks through it are short: a leak whose stack reaches libpython or an extension module is
// suppressed; leaks in the program's own code outside Python calls are still reported.
// The hook is only consulted by the LSan runtime; in other builds it is unused.

extern "C" const char* __lsan_default_suppressions() {
  return "leak:libpython3.11.so\n"
         "leak:/usr/lib/python3.11/lib-dynload/\n"
         "leak:/usr/lib/python3/dist-packages/\n";
}

// Files for tests: a directory of their own under Bazel's TEST_TMPDIR, and a whole file read.
#ifndef BUFCONF_CONFORMANCE_TESTING_TEST_FILES_H_
#define BUFCONF_CONFORMANCE_TESTING_TEST_FILES_H_

#include <string>

namespace bufconf::testutil {

// $TEST_TMPDIR/name (or /tmp/name outside Bazel), created if missing.
std::string TestDir(const std::string& name);

// The contents of `path`; "" when it cannot be read.
std::string ReadWholeFile(const std::string& path);

}  // namespace bufconf::testutil

#endif  // BUFCONF_CONFORMANCE_TESTING_TEST_FILES_H_

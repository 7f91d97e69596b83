// For privileged tests (label privileged): a missing prerequisite (root, runc, busybox-static,
// python3) skips the test on a developer's machine but FAILS it under CI (CI=true), where
// scripts/test.sh installs everything and runs as root, so nothing is silently left untested.
#ifndef AMBER_TESTS_RECORD_PRIVILEGED_H_
#define AMBER_TESTS_RECORD_PRIVILEGED_H_

#include <gtest/gtest.h>

#include <cstdlib>

#define AMBER_REQUIRE_OR_SKIP(cond, why)                                        \
  do {                                                                          \
    if (!(cond)) {                                                              \
      if (std::getenv("CI") != nullptr) GTEST_FAIL() << "CI lacks: " << (why);  \
      GTEST_SKIP() << "needs " << (why);                                        \
    }                                                                           \
  } while (0)

#endif  // AMBER_TESTS_RECORD_PRIVILEGED_H_

// Sample records for the store tests: every family of event, every kind of record, and a
// synthetic busy-host mix for size and speed measurements.
//
// The samples are realistic where that matters to a reader (an exec has argv and a cwd, a
// container has Kubernetes annotations) and hostile where a capture can be (invalid UTF-8,
// embedded NULs, terminal escapes, a 4096-byte path). Every function is deterministic, so a test
// can compare what it decodes with a second call. Compiled into every tests/store/*_test.cc.
#ifndef AMBER_TESTS_STORE_STORE_TEST_UTIL_H_
#define AMBER_TESTS_STORE_STORE_TEST_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "store/records.h"

namespace amber::store::testing {

// At least one event for every Op value from kUnknown to kSyscall, each with the EventArgs
// alternative of its family (and a few with NoArgs), in time order. Never UnknownArgs: that is a
// decode-only value and does not round-trip.
std::vector<Event> SampleEventsOfEveryFamily();

// A process of the initial snapshot, its fields varied by pid.
ProcessRecord SampleProcess(uint32_t pid);

// A Kubernetes pod's container under containerd, with labels, annotations and mounts.
ContainerRecord SampleContainer();

LossRecord SampleLoss();
RecorderStats SampleStats();
CaptureHeader SampleHeader();
Footer SampleFooter();

// A busy container host: mostly opens of library and config paths, some execs with argv,
// connects, forks, exits and credential changes, from about 20 processes, with times increasing
// by 1 to 50 us. Deterministic in (n, seed).
std::vector<Event> SyntheticMix(size_t n, uint64_t seed);

}  // namespace amber::store::testing

#endif  // AMBER_TESTS_STORE_STORE_TEST_UTIL_H_

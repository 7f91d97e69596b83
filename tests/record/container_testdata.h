// Test helper: a private copy of tests/record/testdata (see its README) under a temporary
// directory, with @TESTDATA@ replaced, a fake /proc for init pids, and ContainerStateRoots
// pointing into it. One per test; removed on destruction.
#ifndef AMBER_TESTS_RECORD_CONTAINER_TESTDATA_H_
#define AMBER_TESTS_RECORD_CONTAINER_TESTDATA_H_

#include <cstdint>
#include <filesystem>
#include <string>

#include "record/container_runtimes.h"

namespace amber::record {

inline const std::string kDockerId =
    "4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e";
inline const std::string kContainerdId =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
inline const std::string kCrioId =
    "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

class ContainerTestdata {
 public:
  explicit ContainerTestdata(const std::string& tag);
  ~ContainerTestdata();
  ContainerTestdata(const ContainerTestdata&) = delete;
  ContainerTestdata& operator=(const ContainerTestdata&) = delete;

  const ContainerStateRoots& roots() const { return roots_; }
  std::filesystem::path Data(const std::string& rel) const { return root_ / "data" / rel; }
  // A fake /proc/<pid>/stat with the given starttime and state.
  void AddProc(uint32_t pid, uint64_t start_ticks, char state = 'S') const;
  void AddProcFile(uint32_t pid, const std::string& name, const std::string& bytes) const;

 private:
  std::filesystem::path root_;
  ContainerStateRoots roots_;
};

std::string Slurp(const std::filesystem::path& path);
void Spill(const std::filesystem::path& path, const std::string& bytes);
// The value for `key`, or "<absent>".
std::string Get(const store::KeyValues& kv, const std::string& key);

}  // namespace amber::record

#endif  // AMBER_TESTS_RECORD_CONTAINER_TESTDATA_H_

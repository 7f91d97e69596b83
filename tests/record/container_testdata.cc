#include "tests/record/container_testdata.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

namespace amber::record {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void Spill(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::string Get(const store::KeyValues& kv, const std::string& key) {
  for (const auto& [k, v] : kv) {
    if (k == key) return v;
  }
  return "<absent>";
}

ContainerTestdata::ContainerTestdata(const std::string& tag) {
  root_ = fs::temp_directory_path() / ("amber-" + tag + "-" + std::to_string(getpid()));
  fs::remove_all(root_);
  fs::create_directories(root_);
  fs::copy(fs::path(AMBER_SOURCE_DIR) / "tests/record/testdata", root_ / "data",
           fs::copy_options::recursive);
  fs::path state = root_ / "data/runc/amber-probe-1/state.json";
  std::string text = Slurp(state);
  for (size_t pos; (pos = text.find("@TESTDATA@")) != std::string::npos;) {
    text.replace(pos, 10, (root_ / "data").string());
  }
  Spill(state, text);
  roots_.runc = (root_ / "data/runc").string();
  roots_.docker = (root_ / "data/docker").string();
  roots_.docker_bundles = {(root_ / "data/docker-bundles").string()};
  roots_.containerd_tasks = (root_ / "data/containerd").string();
  roots_.container_storage = {(root_ / "data/storage").string()};
  roots_.proc = (root_ / "proc").string();
  roots_.cgroup = "/sys/fs/cgroup";
  AddProc(8257, 68671);  // runc sample's init_process_pid / init_process_start
  AddProc(5151, 1);      // containerd sample's init.pid
}

ContainerTestdata::~ContainerTestdata() { fs::remove_all(root_); }

void ContainerTestdata::AddProc(uint32_t pid, uint64_t start_ticks, char state) const {
  AddProcFile(pid, "stat",
              std::to_string(pid) + " (sleep) " + state +
                  " 1 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 " + std::to_string(start_ticks) +
                  " 0 0\n");
}

void ContainerTestdata::AddProcFile(uint32_t pid, const std::string& name,
                                    const std::string& bytes) const {
  Spill(root_ / "proc" / std::to_string(pid) / name, bytes);
}

}  // namespace amber::record

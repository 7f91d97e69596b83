// A real runc container for privileged tests: a busybox-static rootfs, `runc spec`'s default config
// as edited by the test, `runc run -d`, and its removal whatever the test did. Needs root, runc and
// /bin/busybox (Debian's busybox-static).
#ifndef AMBER_TESTS_RECORD_RUNC_CONTAINER_H_
#define AMBER_TESTS_RECORD_RUNC_CONTAINER_H_

#include <signal.h>

#include <chrono>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "tests/record/command.h"

namespace amber::test {

class RuncContainer {
 public:
  RuncContainer() = default;
  RuncContainer(const RuncContainer&) = delete;
  RuncContainer& operator=(const RuncContainer&) = delete;
  ~RuncContainer() { Remove(); }

  // Writes a bundle at `bundle` (rootfs/bin/busybox, a link per applet, empty tmp with the sticky
  // bit, mount points), lets `edit` change runc's default config.json, and starts the container as
  // `id`. An empty string on success, else what failed (with runc's output from `log`).
  std::string Start(const std::string& id, const fs::path& bundle, const fs::path& log,
                    std::initializer_list<const char*> applets,
                    const std::function<void(nlohmann::json&)>& edit) {
    id_ = id;
    log_ = log;
    const fs::path rootfs = bundle / "rootfs";
    for (const char* d : {"bin", "tmp", "mnt", "proc", "dev", "sys"}) fs::create_directories(rootfs / d);
    fs::permissions(rootfs / "tmp", fs::perms::all | fs::perms::sticky_bit);
    fs::copy_file("/bin/busybox", rootfs / "bin/busybox", fs::copy_options::overwrite_existing);
    for (const char* applet : applets) fs::create_symlink("busybox", rootfs / "bin" / applet);
    if (RunCommand({"runc", "spec", "--bundle", bundle.string()}, log) != 0) return "runc spec: " + Slurp(log);
    nlohmann::json config = nlohmann::json::parse(Slurp(bundle / "config.json"));
    config["process"]["terminal"] = false;
    edit(config);
    std::ofstream(bundle / "config.json") << config.dump(1);
    if (RunCommand({"runc", "run", "-d", "--bundle", bundle.string(), id}, log) != 0) {
      return "runc run: " + Slurp(log);
    }
    started_ = true;
    const fs::path state = bundle / "runc-state.json";
    if (RunCommand({"runc", "state", id}, log, state) != 0) return "runc state: " + Slurp(log);
    init_pid_ = nlohmann::json::parse(Slurp(state)).at("pid").get<uint32_t>();
    fs::remove(state);
    return init_pid_ != 0 ? "" : "runc state: no init pid";
  }

  // Kills the container (only ours: it has our id) and deletes it; true when runc agreed.
  bool Remove() {
    if (!started_) return true;
    started_ = false;
    RunCommand({"runc", "kill", id_, "KILL"}, log_);
    // The init must be gone before delete; delete -f kills it anyway.
    for (int i = 0; i < 100 && init_pid_ != 0 && kill(static_cast<pid_t>(init_pid_), 0) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return RunCommand({"runc", "delete", "-f", id_}, log_) == 0;
  }

  const std::string& id() const { return id_; }
  uint32_t init_pid() const { return init_pid_; }

 private:
  std::string id_;
  fs::path log_;
  bool started_ = false;
  uint32_t init_pid_ = 0;
};

}  // namespace amber::test

#endif  // AMBER_TESTS_RECORD_RUNC_CONTAINER_H_

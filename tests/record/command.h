// Running commands from privileged tests: fork/exec with the output in a log, and small file
// helpers. Shared by the runc and recorder tests (tests/record/runc_container.h, recording.h).
#ifndef AMBER_TESTS_RECORD_COMMAND_H_
#define AMBER_TESTS_RECORD_COMMAND_H_

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace amber::test {

namespace fs = std::filesystem;

inline std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Forks argv (looked up on PATH unless it has a '/') with stdin from /dev/null, stderr appended to
// `log`, stdout to `out` (truncated) when given, else to `log`. Returns the child's pid, or -1.
inline pid_t Spawn(const std::vector<std::string>& argv, const fs::path& log, const fs::path& out = {}) {
  pid_t child = fork();
  if (child != 0) return child;
  int in = open("/dev/null", O_RDONLY);
  int err = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  int so = out.empty() ? err : open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (in < 0 || err < 0 || so < 0) _exit(126);
  dup2(in, 0);
  dup2(so, 1);
  dup2(err, 2);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execvp(args[0], args.data());
  _exit(127);
}

// The exit status of a child, 128 + signal when a signal ended it, -1 when it cannot be waited for.
inline int WaitExit(pid_t pid) {
  int st = 0;
  if (pid <= 0 || waitpid(pid, &st, 0) != pid) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

// Runs argv to its end (see Spawn); returns its exit status.
inline int RunCommand(const std::vector<std::string>& argv, const fs::path& log, const fs::path& out = {}) {
  return WaitExit(Spawn(argv, log, out));
}

inline bool OnPath(const std::string& name) {
  for (const char* dir : {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}) {
    if (access((std::string(dir) + "/" + name).c_str(), X_OK) == 0) return true;
  }
  return false;
}

inline uint64_t NsInode(uint32_t pid, const char* ns) {
  struct stat st;
  std::string path = "/proc/" + std::to_string(pid) + "/ns/" + ns;
  return stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

}  // namespace amber::test

#endif  // AMBER_TESTS_RECORD_COMMAND_H_

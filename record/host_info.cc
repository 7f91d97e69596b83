#include "record/host_info.h"

#include <sodium.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace amber::record {
namespace {

std::string ReadTrimmed(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
  return line;
}

uint64_t ClockNs(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

store::HostInfo ReadHostInfo() {
  store::HostInfo host;
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) == 0) host.hostname = name;
  host.machine_id = ReadTrimmed("/etc/machine-id");
  host.boot_id = ReadTrimmed("/proc/sys/kernel/random/boot_id");
  utsname uts;
  if (uname(&uts) == 0) {
    host.kernel_release = uts.release;
    host.kernel_version = uts.version;
    host.arch = uts.machine;
  }
  long cpus = sysconf(_SC_NPROCESSORS_CONF);
  host.cpus = cpus > 0 ? static_cast<uint32_t>(cpus) : 0;
  return host;
}

uint64_t BootTimeNs() { return ClockNs(CLOCK_BOOTTIME); }

void SampleClocks(store::CaptureHeader* header) {
  // Bracket the realtime read by two boot-time reads and take their midpoint.
  uint64_t before = ClockNs(CLOCK_BOOTTIME);
  uint64_t real = ClockNs(CLOCK_REALTIME);
  uint64_t after = ClockNs(CLOCK_BOOTTIME);
  header->clock_boot_ns = before + (after - before) / 2;
  header->clock_realtime_ns = real;
}

std::string BtfIdentity() {
  if (sodium_init() < 0) return "";
  std::ifstream in("/sys/kernel/btf/vmlinux", std::ios::binary);
  if (!in) return "";
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, 32);
  char buf[65536];
  while (in) {
    in.read(buf, sizeof(buf));
    std::streamsize n = in.gcount();
    if (n > 0) crypto_generichash_update(&state, reinterpret_cast<unsigned char*>(buf), n);
  }
  unsigned char digest[32];
  crypto_generichash_final(&state, digest, sizeof(digest));
  return std::string(reinterpret_cast<char*>(digest), sizeof(digest));
}

uint32_t NamespaceInode(const std::string& pid, const std::string& name) {
  struct stat st;
  std::string path = "/proc/" + pid + "/ns/" + name;
  if (stat(path.c_str(), &st) != 0) return 0;
  return static_cast<uint32_t>(st.st_ino);
}

}  // namespace amber::record

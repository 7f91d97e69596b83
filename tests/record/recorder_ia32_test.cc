// Privileged test of 32-bit (ia32) syscalls: a child of the test issues `int $0x80` syscalls from
// 64-bit code, with every pointer in memory mapped MAP_32BIT (no 32-bit toolchain needed), while
// amber-record records. Each must arrive as the op it is, with its arguments read from the ia32
// registers and the compat flag, and none may be read as the x86-64 syscall of the same number
// (ia32 165, getresuid, is x86-64's mount). Also: a 64-bit syscall number with high bits set is
// the syscall its low 32 bits name. x86-64 only; needs root, BPF and IA32_EMULATION.
// The only processes signalled are the child and the grandchild it starts to kill.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "store/records.h"
#include "tests/record/privileged.h"
#include "tests/record/recording.h"

namespace amber {
namespace {

using namespace recording_test;
using store::Op;

#if defined(__x86_64__)

// i386 numbers (arch/x86/entry/syscalls/syscall_32.tbl).
constexpr long kIa32Execve = 11;
constexpr long kIa32Getpid = 20;
constexpr long kIa32Mount = 21;
constexpr long kIa32Kill = 37;
constexpr long kIa32OldMmap = 90;
constexpr long kIa32Socketcall = 102;
constexpr long kIa32InitModule = 128;
constexpr long kIa32Setresuid16 = 164;
constexpr long kIa32Getresuid16 = 165;  // x86-64 165 is mount
constexpr long kIa32Setuid32 = 213;
constexpr long kIa32FinitModule = 350;
constexpr long kSocketcallConnect = 3;
constexpr uint64_t kMmapLength = 3 * 4096;
constexpr uint16_t kRefusedPort = 1;

// An ia32 syscall from 64-bit code: number in eax, arguments in ebx ecx edx esi edi.
long Int80(long nr, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0) {
  long ret;
  asm volatile("int $0x80"
               : "=a"(ret)
               : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
               : "memory", "r8", "r9", "r10", "r11");
  return ret;  // the kernel stores the compat syscall's long result in rax
}

// Does this kernel run ia32 syscalls (CONFIG_IA32_EMULATION, not disabled at boot)? Asked in a
// child: without it int $0x80 kills the caller.
bool Ia32Works() {
  pid_t child = fork();
  if (child == 0) _exit(Int80(kIa32Getpid) == getpid() ? 0 : 1);
  return child > 0 && WaitExit(child) == 0;
}

// What the child did, for the test to compare with the capture.
struct Results {
  long getresuid, setuid32, setresuid16, mount, init_module, finit_module, kill, connect, mmap;
  long execve;
  pid_t victim;
};

// A bump allocator over one page below 4 GiB.
class LowMemory {
 public:
  LowMemory() {
    void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
                   -1, 0);
    base_ = p == MAP_FAILED ? nullptr : static_cast<char*>(p);
  }
  bool ok() const { return base_ != nullptr; }
  long Put(const void* bytes, size_t n) {
    char* at = base_ + used_;
    std::memcpy(at, bytes, n);
    used_ += (n + 7) & ~size_t{7};
    return static_cast<long>(reinterpret_cast<uintptr_t>(at));
  }
  long Str(const std::string& s) { return Put(s.c_str(), s.size() + 1); }

 private:
  char* base_ = nullptr;
  size_t used_ = 0;
};

// The child's work: ia32 syscalls with known arguments, one native open as a control. Only
// syscalls and async-signal-safe calls (it runs after fork).
[[noreturn]] void RunIa32Syscalls(const std::string& dir, int result_fd) {
  Results r{};
  LowMemory low;
  if (!low.ok()) _exit(2);
  uint16_t ids[3] = {};
  long ids_at = low.Put(ids, sizeof(ids));
  r.getresuid = Int80(kIa32Getresuid16, ids_at, ids_at + 2, ids_at + 4);
  r.setuid32 = Int80(kIa32Setuid32, 0);
  r.setresuid16 = Int80(kIa32Setresuid16, 0xffff, 0, 0xffff);
  r.mount = Int80(kIa32Mount, low.Str("amber-ia32-src"), low.Str(dir + "/absent"),
                  low.Str("tmpfs"), 0, 0);
  char image[64] = {};  // not an ELF module: refused before anything is loaded
  r.init_module = Int80(kIa32InitModule, low.Put(image, sizeof(image)), sizeof(image),
                        low.Str("amber_ia32=1"));
  int empty = open((dir + "/empty.ko").c_str(), O_RDONLY | O_CLOEXEC);
  r.finit_module = Int80(kIa32FinitModule, empty, low.Str("amber_ia32_f=1"), 0);
  r.victim = fork();
  if (r.victim == 0) {
    pause();
    _exit(0);
  }
  r.kill = Int80(kIa32Kill, r.victim, SIGTERM);
  waitpid(r.victim, nullptr, 0);
  int sock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(kRefusedPort);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  uint32_t call_args[3] = {static_cast<uint32_t>(sock),
                           static_cast<uint32_t>(low.Put(&addr, sizeof(addr))), sizeof(addr)};
  r.connect = Int80(kIa32Socketcall, kSocketcallConnect, low.Put(call_args, sizeof(call_args)));
  uint32_t mmap_args[6] = {0, kMmapLength, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                           0xffffffffu, 0};
  r.mmap = Int80(kIa32OldMmap, low.Put(mmap_args, sizeof(mmap_args)));
  // A refused exec (the file is not executable): its exit handler is in the other BPF unit.
  r.execve = Int80(kIa32Execve, low.Str(dir + "/not-executable"), 0, 0);
  // The control: a native (64-bit) syscall, which must not carry the compat flag.
  int marker = open((dir + "/native-marker").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (marker >= 0) close(marker);
  _exit(write(result_fd, &r, sizeof(r)) == sizeof(r) ? 0 : 3);
}

bool Compat(const store::Event& e) {
  return (e.context.flags & store::kTaskFlagCompatSyscall) != 0;
}

TEST_F(RecordingTest, Ia32SyscallsAreTranslatedAndFlagged) {
  AMBER_REQUIRE_OR_SKIP(Ia32Works(), "ia32 syscalls (int $0x80; CONFIG_IA32_EMULATION)");
  std::ofstream(dir_ / "empty.ko").flush();
  std::ofstream(dir_ / "not-executable") << "#!/bin/sh\n";
  ASSERT_NO_FATAL_FAILURE(StartRecorder({"--no-snapshot"}));
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    RunIa32Syscalls(dir_.string(), fds[1]);
  }
  close(fds[1]);
  Results r{};
  ssize_t n = read(fds[0], &r, sizeof(r));
  close(fds[0]);
  ASSERT_EQ(WaitExit(child), 0);
  ASSERT_EQ(n, static_cast<ssize_t>(sizeof(r)));
  // What the kernel answered: the syscalls really ran as ia32 ones.
  EXPECT_EQ(r.getresuid, 0);
  EXPECT_EQ(r.setuid32, 0);
  EXPECT_EQ(r.setresuid16, 0);
  EXPECT_EQ(r.mount, -ENOENT);
  EXPECT_LT(r.init_module, 0);
  EXPECT_LT(r.finit_module, 0);
  EXPECT_EQ(r.kill, 0);
  EXPECT_EQ(r.connect, -ECONNREFUSED);
  EXPECT_GT(r.mmap, 0);
  EXPECT_LT(r.mmap, 1L << 32);
  EXPECT_EQ(r.execve, -EACCES);

  Capture c = StopRecorder();
  ASSERT_EQ(c.verdict, store::Verdict::kIntact) << c.problems;
  const uint32_t pid = static_cast<uint32_t>(child);
  auto by_child = [&](Op op) {
    return c.Where([&, op](const store::Event& e) { return e.op == op && e.context.pid == pid; });
  };

  // getresuid (ia32 165) is not traced; only the real mount attempt is a mount.
  std::vector<const store::Event*> mounts = by_child(Op::kMount);
  ASSERT_EQ(mounts.size(), 1u) << "ia32 getresuid recorded as a mount?";
  EXPECT_TRUE(Compat(*mounts[0]));
  EXPECT_EQ(mounts[0]->ret, -ENOENT);
  EXPECT_EQ(Args<store::NsArgs>(mounts[0])->source, "amber-ia32-src");
  EXPECT_EQ(Args<store::NsArgs>(mounts[0])->target, (dir_ / "absent").string());
  EXPECT_EQ(Args<store::NsArgs>(mounts[0])->fs_type, "tmpfs");
  EXPECT_EQ(Args<store::NsArgs>(mounts[0])->ns_flags, 0u);

  std::vector<const store::Event*> setuids = by_child(Op::kSetuid);
  ASSERT_EQ(setuids.size(), 1u);
  EXPECT_TRUE(Compat(*setuids[0]));
  EXPECT_EQ(setuids[0]->ret, 0);
  EXPECT_EQ(Args<store::CredArgs>(setuids[0])->id0, 0u);

  // setresuid16: 0xffff is the 16-bit -1, recorded as "unchanged" like the 32-bit call's.
  std::vector<const store::Event*> setresuids = by_child(Op::kSetresuid);
  ASSERT_EQ(setresuids.size(), 1u);
  EXPECT_TRUE(Compat(*setresuids[0]));
  EXPECT_EQ(Args<store::CredArgs>(setresuids[0])->id0, 0xffffffffu);
  EXPECT_EQ(Args<store::CredArgs>(setresuids[0])->id1, 0u);
  EXPECT_EQ(Args<store::CredArgs>(setresuids[0])->id2, 0xffffffffu);

  std::vector<const store::Event*> inits = by_child(Op::kInitModule);
  ASSERT_EQ(inits.size(), 1u);
  EXPECT_TRUE(Compat(*inits[0]));
  EXPECT_EQ(inits[0]->ret, r.init_module);
  EXPECT_EQ(Args<store::ControlArgs>(inits[0])->name, "amber_ia32=1");
  EXPECT_EQ(Args<store::ControlArgs>(inits[0])->arg, 64u);

  std::vector<const store::Event*> finits = by_child(Op::kFinitModule);
  ASSERT_EQ(finits.size(), 1u);
  EXPECT_TRUE(Compat(*finits[0]));
  EXPECT_EQ(finits[0]->ret, r.finit_module);
  EXPECT_EQ(Args<store::ControlArgs>(finits[0])->name,
            (dir_ / "empty.ko").string() + " amber_ia32_f=1");

  std::vector<const store::Event*> kills = by_child(Op::kKill);
  ASSERT_EQ(kills.size(), 1u);
  EXPECT_TRUE(Compat(*kills[0]));
  EXPECT_EQ(kills[0]->ret, 0);
  EXPECT_EQ(Args<store::TargetArgs>(kills[0])->target_pid, static_cast<uint32_t>(r.victim));
  EXPECT_EQ(Args<store::TargetArgs>(kills[0])->signal, static_cast<uint32_t>(SIGTERM));

  // socketcall(SYS_CONNECT, args): the call's arguments are read from the u32 array.
  std::vector<const store::Event*> connects = by_child(Op::kConnect);
  ASSERT_EQ(connects.size(), 1u);
  EXPECT_TRUE(Compat(*connects[0]));
  EXPECT_EQ(connects[0]->ret, -ECONNREFUSED);
  EXPECT_EQ(Args<store::NetArgs>(connects[0])->port, kRefusedPort);
  EXPECT_EQ(Args<store::NetArgs>(connects[0])->addr_lo, 0x7f000001u);

  // old_mmap(struct *): an anonymous executable mapping, arguments read from the struct.
  std::vector<const store::Event*> mmaps = by_child(Op::kMmap);
  ASSERT_EQ(mmaps.size(), 1u);
  EXPECT_TRUE(Compat(*mmaps[0]));
  EXPECT_EQ(Args<store::MemoryArgs>(mmaps[0])->addr, static_cast<uint64_t>(r.mmap));
  EXPECT_EQ(Args<store::MemoryArgs>(mmaps[0])->length, kMmapLength);
  EXPECT_EQ(Args<store::MemoryArgs>(mmaps[0])->prot, static_cast<uint32_t>(PROT_READ | PROT_EXEC));

  std::vector<const store::Event*> execs = by_child(Op::kExec);
  ASSERT_EQ(execs.size(), 1u);
  EXPECT_TRUE(Compat(*execs[0]));
  EXPECT_EQ(execs[0]->ret, -EACCES);
  EXPECT_EQ(Args<store::ExecArgs>(execs[0])->filename, (dir_ / "not-executable").string());

  // The native control carries no compat flag, and nothing else of the child does.
  std::vector<const store::Event*> opens = c.Where([&](const store::Event& e) {
    const auto* f = std::get_if<store::FileArgs>(&e.args);
    return e.op == Op::kOpen && e.context.pid == pid && f &&
           f->path == (dir_ / "native-marker").string();
  });
  ASSERT_EQ(opens.size(), 1u);
  EXPECT_FALSE(Compat(*opens[0]));
  size_t compat_events = c.Where([&](const store::Event& e) {
                            return e.context.pid == pid && Compat(e);
                          }).size();
  EXPECT_EQ(compat_events, 9u);  // mount, setuid, setresuid, init/finit_module, kill, connect, mmap,
                                 // execve
}

// A static i386 executable, made by hand (no 32-bit toolchain needed): mount("amber-elf32-src",
// target, "tmpfs", 0, 0) through int $0x80, then exit(-result). One PT_LOAD of the whole file at
// 0x08048000: the 52-byte ELF header, the 32-byte program header, the code, the strings.
void WriteI386Binary(const std::string& path, const std::string& target) {
  const uint32_t base = 0x08048000, code_off = 52 + 32;
  const std::string src("amber-elf32-src\0", 16), tgt = target + '\0', type("tmpfs\0", 6);
  auto u32 = [](std::string* out, uint32_t v) {
    out->append(reinterpret_cast<const char*>(&v), 4);  // x86: little-endian, as ELF32 LSB
  };
  auto u16 = [](std::string* out, uint16_t v) {
    out->append(reinterpret_cast<const char*>(&v), 2);
  };
  const uint32_t code_len = 37;
  const uint32_t a_src = base + code_off + code_len, a_tgt = a_src + src.size(),
                 a_type = a_tgt + tgt.size();
  std::string code;
  code += '\xb8'; u32(&code, 21);      // mov eax, 21 (mount)
  code += '\xbb'; u32(&code, a_src);   // mov ebx, source
  code += '\xb9'; u32(&code, a_tgt);   // mov ecx, target
  code += '\xba'; u32(&code, a_type);  // mov edx, type
  code += "\x31\xf6\x31\xff\xcd\x80";  // xor esi, esi; xor edi, edi; int $0x80
  code += "\x89\xc3\xf7\xdb";          // mov ebx, eax; neg ebx
  code += '\xb8'; u32(&code, 1);       // mov eax, 1 (exit)
  code += "\xcd\x80";                  // int $0x80
  ASSERT_EQ(code.size(), code_len);
  const std::string body = code + src + tgt + type;
  const uint32_t size = code_off + body.size();
  std::string elf("\x7f" "ELF\x01\x01\x01", 7);
  elf.append(9, '\0');
  u16(&elf, 2); u16(&elf, 3); u32(&elf, 1);                   // ET_EXEC, EM_386, EV_CURRENT
  u32(&elf, base + code_off); u32(&elf, 52); u32(&elf, 0);    // entry, phoff, shoff
  u32(&elf, 0); u16(&elf, 52); u16(&elf, 32); u16(&elf, 1);   // flags, ehsize, phentsize, phnum
  u16(&elf, 0); u16(&elf, 0); u16(&elf, 0);                   // shentsize, shnum, shstrndx
  for (uint32_t v : {1u, 0u, base, base, size, size, 5u, 0x1000u}) u32(&elf, v);  // PT_LOAD, R+X
  std::ofstream(path, std::ios::binary) << elf << body;
  ASSERT_EQ(chmod(path.c_str(), 0755), 0);
}

// A 32-bit binary: its exec is flagged (the kernel sets TS_COMPAT while loading it), and its
// syscalls are ia32 ones.
TEST_F(RecordingTest, I386BinaryExecAndSyscallsAreFlagged) {
  AMBER_REQUIRE_OR_SKIP(Ia32Works(), "ia32 syscalls (int $0x80; CONFIG_IA32_EMULATION)");
  const std::string binary = (dir_ / "i386-mount").string();
  const std::string target = (dir_ / "absent32").string();
  ASSERT_NO_FATAL_FAILURE(WriteI386Binary(binary, target));
  ASSERT_NO_FATAL_FAILURE(StartRecorder({"--no-snapshot"}));
  pid_t child = Spawn({binary}, dir_ / "i386.log");
  ASSERT_EQ(WaitExit(child), ENOENT) << "the i386 binary did not run, or mount did not fail";
  Capture c = StopRecorder();
  const uint32_t pid = static_cast<uint32_t>(child);
  auto by_child = [&](Op op) {
    return c.Where([&, op](const store::Event& e) { return e.op == op && e.context.pid == pid; });
  };
  std::vector<const store::Event*> execs = by_child(Op::kExec);
  ASSERT_EQ(execs.size(), 1u);
  EXPECT_TRUE(Compat(*execs[0]));
  EXPECT_EQ(Args<store::ExecArgs>(execs[0])->filename, binary);
  std::vector<const store::Event*> mounts = by_child(Op::kMount);
  ASSERT_EQ(mounts.size(), 1u);
  EXPECT_TRUE(Compat(*mounts[0]));
  EXPECT_EQ(mounts[0]->ret, -ENOENT);
  EXPECT_EQ(Args<store::NsArgs>(mounts[0])->source, "amber-elf32-src");
  EXPECT_EQ(Args<store::NsArgs>(mounts[0])->target, target);
  EXPECT_EQ(Args<store::NsArgs>(mounts[0])->fs_type, "tmpfs");
  std::vector<const store::Event*> exits = by_child(Op::kExit);
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_TRUE(Compat(*exits[0]));
  EXPECT_EQ(Args<store::ExitArgs>(exits[0])->exit_code, ENOENT);
}

// The kernel dispatches a 64-bit syscall on the low 32 bits of rax (do_syscall_64 takes an int),
// while the saved orig_ax keeps all 64: a number with high bits set must not hide the call.
TEST_F(RecordingTest, SyscallNumberWithHighBitsIsTheSyscallTheKernelRan) {
  ASSERT_NO_FATAL_FAILURE(StartRecorder({"--no-snapshot"}));
  const std::string target = (dir_ / "absent-hb").string();
  pid_t child = fork();
  if (child == 0) {
    long ret;
    register long r10 asm("r10") = 0;
    register long r8 asm("r8") = 0;
    asm volatile("syscall"
                 : "=a"(ret)
                 : "a"((1L << 32) | 165), "D"("amber-hb-src"), "S"(target.c_str()),
                   "d"("tmpfs"), "r"(r10), "r"(r8)
                 : "rcx", "r11", "memory");
    _exit(ret == -ENOENT ? 0 : 1);
  }
  ASSERT_EQ(WaitExit(child), 0) << "the kernel did not run mount for rax (1 << 32) | 165";
  Capture c = StopRecorder();
  std::vector<const store::Event*> mounts = c.Where([&](const store::Event& e) {
    return e.op == Op::kMount && e.context.pid == static_cast<uint32_t>(child);
  });
  ASSERT_EQ(mounts.size(), 1u);
  EXPECT_FALSE(Compat(*mounts[0]));
  EXPECT_EQ(mounts[0]->ret, -ENOENT);
  EXPECT_EQ(Args<store::NsArgs>(mounts[0])->source, "amber-hb-src");
  EXPECT_EQ(Args<store::NsArgs>(mounts[0])->target, target);
}

#else

TEST(RecorderIa32Test, OnlyOnX86_64) { GTEST_SKIP() << "ia32 syscalls exist on x86-64 only"; }

#endif

}  // namespace
}  // namespace amber

#include "record/loader.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "process.skel.h"
#include "record/host_info.h"
#include "record/record_merger.h"
#include "record/syscall_table.h"
#include "syscalls.skel.h"

namespace amber::record {
namespace {

// libbpf's print callback is process-global by libbpf's design; it keeps the tail of what libbpf
// said so a failed load can explain itself (the verifier log's last lines).
bool g_verbose = false;
std::string g_libbpf_tail;

int LibbpfPrint(enum libbpf_print_level level, const char* format, va_list args) {
  va_list copy;
  va_copy(copy, args);
  if (g_verbose) std::vfprintf(stderr, format, copy);
  va_end(copy);
  if (level != LIBBPF_DEBUG) {
    char line[4096];
    vsnprintf(line, sizeof(line), format, args);
    g_libbpf_tail += line;
    if (g_libbpf_tail.size() > 8192) g_libbpf_tail.erase(0, g_libbpf_tail.size() - 8192);
  }
  return 0;
}

std::string LibbpfTail() {
  std::string tail = g_libbpf_tail;
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.pop_back();
  size_t nl = tail.rfind('\n');
  return nl == std::string::npos ? tail : tail.substr(nl + 1);
}

std::string ErrnoText(int err) { return std::strerror(err < 0 ? -err : err); }

bool PathExists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

// Exit handlers are reached by tail call (bpf/syscall.bpf.h): named handle_exit_<syscall>, in
// section tp_btf/sys_exit (a tail call needs the caller's attach point) but never attached.
constexpr std::string_view kExitHandlerPrefix = "handle_exit_";

bool IsTailCallTarget(bpf_program* prog) {
  return std::string_view(bpf_program__name(prog)).starts_with(kExitHandlerPrefix);
}

// handle_batch_flush (bpf/syscalls.bpf.c) is no probe: loaded always, never attached, run on a
// CPU by BPF_PROG_TEST_RUN.
constexpr std::string_view kBatchFlushProgram = "handle_batch_flush";

bool IsBatchFlush(bpf_program* prog) { return bpf_program__name(prog) == kBatchFlushProgram; }

// A batch whose CPU stays busy this many flush attempts in a row (each an IPI that found a
// program of that CPU in the middle of a record) is left for the next poll.
constexpr int kFlushAttempts = 100;

// How long records may wait for a CPU that could not be flushed before they are handed on anyway
// (their order against that CPU's is then no longer certain).
constexpr uint64_t kMaxHoldNs = 1'000'000'000;

}  // namespace

// One BPF object (a unit) behind a type-erased face, so the loader's steps run over all of them.
struct Unit {
  std::string name;
  bpf_object* obj = nullptr;
  std::function<void()> destroy;
  std::function<int()> load;
  std::vector<bpf_link*> links;
};

struct BpfLoader::Impl {
  std::vector<Unit> units;  // in load order; destroyed in reverse
  ring_buffer* rb = nullptr;
  int losses_fd = -1;
  int host_cgroups_fd = -1;
  int batches_fd = -1;
  int flush_fd = -1;
  int cpus = 0;  // possible CPUs
  RecordHandler handler;
  RecordMerger merger;
  // The last watermark handed on: every record stamped before it is out of the kernel.
  uint64_t watermark_ns = 0;

  Result<std::vector<amber_loss_counters>> ReadLossCounters() const;
  // Runs handle_batch_flush on `cpu`: 0 when flushed, 1 when still busy after kFlushAttempts,
  // -ENXIO when the CPU is offline.
  int FlushCpu(int cpu) const;
  // Flushes the CPUs whose batch is pending; returns whether every one of them was flushed.
  // `offline` collects the pending CPUs that are offline.
  Result<bool> FlushPending(std::vector<int>* offline) const;
  // The pending batches of offline CPUs, read from the map (nothing runs there to change them).
  Status ReadOfflineBatches(const std::vector<int>& cpus);

  ~Impl() {
    if (rb) ring_buffer__free(rb);
    for (auto it = units.rbegin(); it != units.rend(); ++it) {
      for (auto lt = it->links.rbegin(); lt != it->links.rend(); ++lt) bpf_link__destroy(*lt);
      if (it->destroy) it->destroy();
    }
  }

  static int OnRecord(void* ctx, void* data, size_t size) {
    auto* self = static_cast<Impl*>(ctx);
    self->merger.Add(std::span<const uint8_t>(static_cast<const uint8_t*>(data), size));
    return 0;
  }
};

Result<std::vector<amber_loss_counters>> BpfLoader::Impl::ReadLossCounters() const {
  std::vector<amber_loss_counters> values(static_cast<size_t>(cpus));
  uint32_t zero = 0;
  if (bpf_map_lookup_elem(losses_fd, &zero, values.data()) != 0) {
    return Status::IOError("read loss counters: " + ErrnoText(errno));
  }
  return values;
}

int BpfLoader::Impl::FlushCpu(int cpu) const {
  for (int attempt = 0; attempt < kFlushAttempts; attempt++) {
    LIBBPF_OPTS(bpf_test_run_opts, opts, .flags = BPF_F_TEST_RUN_ON_CPU,
                .cpu = static_cast<__u32>(cpu));
    int err = bpf_prog_test_run_opts(flush_fd, &opts);
    if (err) return err < 0 ? err : -err;
    if (opts.retval == 0) return 0;
  }
  return 1;
}

Result<bool> BpfLoader::Impl::FlushPending(std::vector<int>* offline) const {
  // Read after the caller took its watermark: a CPU that starts a batch marks it pending before
  // stamping its first record (bpf/common.bpf.h record_begin), so a CPU read as not pending has
  // nothing stamped before the watermark left in the kernel.
  Result<std::vector<amber_loss_counters>> counters = ReadLossCounters();
  if (!counters.ok()) return counters.status();
  bool all = true;
  for (int cpu = 0; cpu < cpus; cpu++) {
    if (!(*counters)[cpu].batch_pending) continue;
    int r = FlushCpu(cpu);
    if (r == -ENXIO) {
      if (offline) offline->push_back(cpu);
    } else if (r < 0) {
      return Status::IOError("flush batch of CPU " + std::to_string(cpu) + ": " + ErrnoText(r));
    } else if (r > 0) {
      all = false;
    }
  }
  return all;
}

Status BpfLoader::Impl::ReadOfflineBatches(const std::vector<int>& offline) {
  if (offline.empty()) return Status::Ok();
  std::vector<uint8_t> values(static_cast<size_t>(cpus) * AMBER_BATCH_VALUE_SIZE);
  uint32_t zero = 0;
  if (bpf_map_lookup_elem(batches_fd, &zero, values.data()) != 0) {
    return Status::IOError("read batches: " + ErrnoText(errno));
  }
  for (int cpu : offline) {
    uint8_t* value = values.data() + static_cast<size_t>(cpu) * AMBER_BATCH_VALUE_SIZE;
    amber_batch_hdr hdr;
    std::memcpy(&hdr, value, sizeof(hdr));
    if (hdr.bytes == 0) continue;
    // The kernel names the batch when it flushes it; this one was never flushed.
    hdr.kind = AMBER_REC_BATCH;
    hdr.cpu = static_cast<uint16_t>(cpu);
    std::memcpy(value, &hdr, sizeof(hdr));
    size_t bytes = std::min<size_t>(hdr.bytes, AMBER_BATCH_DATA);
    merger.Add(std::span<const uint8_t>(value, sizeof(hdr) + bytes));
  }
  return Status::Ok();
}

namespace {

template <typename Rodata>
void SetCommonRodata(Rodata* r, const LoaderSettings& s) {
  r->amber_self_tgid = s.self_tgid;
  r->filter_tgid = s.filter_tgid;
  r->containers_only = s.containers_only;
  r->filter_cgroup_v1_id = s.filter_cgroup_v1_id;
  r->filter_ns_inum = s.filter_ns_inum;
  r->profile_full = s.profile_full;
  for (size_t i = 0; i < 3; i++) {
    r->cgroup_v1_controllers[i] = i < s.cgroup_v1_controllers.size() ? s.cgroup_v1_controllers[i] : 0;
  }
  r->wakeup_bytes = s.wakeup_bytes;
  for (size_t word = 0; word < 2; word++) {
    uint64_t bits = 0;
    for (size_t b = 0; b < 64; b++) {
      if (s.ops.test(word * 64 + b)) bits |= uint64_t{1} << b;
    }
    r->enabled_ops[word] = bits;
  }
}

// Decides for each program of `obj` whether it is needed and supported, and switches off
// autoload for the rest; appends a ProbeRecord per program.
void PlanPrograms(bpf_object* obj, const LoaderSettings& s, const btf* vmlinux, const std::vector<store::Op>& raw_ops,
                  std::vector<store::ProbeRecord>* probes) {
  bpf_program* prog;
  bpf_object__for_each_program(prog, obj) {
    if (IsBatchFlush(prog)) continue;
    std::string section = bpf_program__section_name(prog);
    store::ProbeRecord probe;
    probe.name = section;
    bool supported = true;
    std::string_view sv = section;
    if (IsTailCallTarget(prog)) {
      std::string_view name = bpf_program__name(prog);
      if (name.starts_with(kExitHandlerPrefix)) name.remove_prefix(kExitHandlerPrefix.size());
      probe.name = "syscall/" + std::string(name);
      probe.detail = "tp_btf sys_enter/sys_exit";
      if (const SyscallInfo* info = FindSyscall(name)) probe.ops.push_back(info->op);
    } else if (sv.starts_with("tp_btf/")) {
      std::string tp(sv.substr(7));
      if (tp == "sched_process_fork") probe.ops = {store::Op::kFork};
      if (tp == "sched_process_exec") probe.ops = {store::Op::kExec, store::Op::kCredChange};
      if (tp == "sched_process_exit") probe.ops = {store::Op::kExit};
      if (tp == "sys_enter" || tp == "sys_exit") probe.ops = raw_ops;
      supported = vmlinux && btf__find_by_name_kind(vmlinux, ("btf_trace_" + tp).c_str(),
                                                    BTF_KIND_TYPEDEF) > 0;
      if (!supported) probe.detail = "no BTF for tracepoint " + tp;
    } else if (sv.starts_with("raw_tracepoint/")) {
      probe.ops = raw_ops;
    }
    bool needed = false;
    for (store::Op op : probe.ops) needed |= s.ops.test(static_cast<size_t>(op));
    if (!needed) {
      probe.status = store::ProbeStatus::kDisabled;
      bpf_program__set_autoload(prog, false);
    } else if (!supported) {
      probe.status = store::ProbeStatus::kUnsupported;
      bpf_program__set_autoload(prog, false);
    } else {
      probe.status = store::ProbeStatus::kAttached;  // until attach says otherwise
    }
    probes->push_back(std::move(probe));
  }
}

template <typename Skel>
Unit MakeUnit(const std::string& name, Skel* skel, void (*destroy)(Skel*), int (*load)(Skel*)) {
  Unit unit;
  unit.name = name;
  unit.obj = skel->obj;
  unit.destroy = [skel, destroy] { destroy(skel); };
  unit.load = [skel, load] { return load(skel); };
  return unit;
}

Status ReuseSharedMaps(bpf_object* from, bpf_object* to) {
  for (const char* name : {"amber_events", "amber_losses", "amber_cgroups_sent", "amber_followed",
                           "amber_host_cgroups", "amber_inflight", "amber_exit_progs",
                           "amber_batches"}) {
    bpf_map* src = bpf_object__find_map_by_name(from, name);
    bpf_map* dst = bpf_object__find_map_by_name(to, name);
    if (!src || !dst) return Status::Internal(std::string("share map ") + name + ": missing");
    int err = bpf_map__reuse_fd(dst, bpf_map__fd(src));
    if (err) return Status::Internal(std::string("share map ") + name + ": " + ErrnoText(err));
  }
  return Status::Ok();
}

}  // namespace

BpfLoader::BpfLoader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BpfLoader::~BpfLoader() = default;

Result<std::unique_ptr<BpfLoader>> BpfLoader::Start(const LoaderSettings& settings,
                                                    RecordHandler handler) {
  // 1. Log callback.
  g_verbose = settings.verbose;
  libbpf_set_print(LibbpfPrint);

  auto impl = std::make_unique<Impl>();
  impl->handler = std::move(handler);
  std::vector<store::ProbeRecord> probes;
  btf* vmlinux = btf__load_vmlinux_btf();
  if (!vmlinux) return Status::NotSupported("load kernel BTF: " + ErrnoText(errno));

  // Every traced syscall goes through raw sys_enter/sys_exit (bpf/syscall.bpf.h says why).
  std::vector<uint8_t> raw_op_of_nr(512, 0);
  std::vector<store::Op> raw_ops;
  for (const SyscallInfo& info : TracedSyscalls()) {
    if (!settings.ops.test(static_cast<size_t>(info.op)) || info.nr >= 512) continue;
    raw_op_of_nr[info.nr] = static_cast<uint8_t>(info.op);
    raw_ops.push_back(info.op);
  }

  // 2. Open.
  process_bpf* process = process_bpf__open();
  if (!process) {
    btf__free(vmlinux);
    return Status::Internal("open BPF unit process: " + ErrnoText(errno));
  }
  impl->units.push_back(MakeUnit("process", process, process_bpf__destroy, process_bpf__load));
  syscalls_bpf* syscalls = syscalls_bpf__open();
  if (!syscalls) {
    btf__free(vmlinux);
    return Status::Internal("open BPF unit syscalls: " + ErrnoText(errno));
  }
  impl->units.push_back(MakeUnit("syscalls", syscalls, syscalls_bpf__destroy, syscalls_bpf__load));

  // 3. Read-only settings, program plan, ring buffer size.
  SetCommonRodata(process->rodata, settings);
  SetCommonRodata(syscalls->rodata, settings);
  // What each number asks of sys_enter and sys_exit, natively and as an ia32 number.
  auto nr_flags_of_op = [](uint8_t op) -> uint8_t {
    if (op == 0) return 0;
    return AMBER_NR_EXIT | (AMBER_OP_KEEPS_ENTER_STATE(op) ? AMBER_NR_ENTER : 0);
  };
  for (size_t nr = 0; nr < 512; nr++) {
    syscalls->rodata->raw_op_of_nr[nr] = raw_op_of_nr[nr];
    process->rodata->raw_op_of_nr[nr] = raw_op_of_nr[nr];
    syscalls->rodata->nr_flags[nr] = nr_flags_of_op(raw_op_of_nr[nr]);
    process->rodata->nr_flags[nr] = nr_flags_of_op(raw_op_of_nr[nr]);
  }
  // ia32 syscalls (x86-64 only): every one is mapped; the BPF side then asks raw_op_of_nr
  // whether the x86-64 equivalent's op is on.
#if defined(__x86_64__)
  for (const Ia32SyscallInfo& ia32 : Ia32Syscalls()) {
    const SyscallInfo* native = ia32.native.empty() ? nullptr : FindSyscall(ia32.native);
    if (ia32.nr >= 512 || (!native && !ia32.native.empty())) {
      btf__free(vmlinux);
      return Status::Internal("ia32 syscall " + std::to_string(ia32.nr) + ": no x86-64 " +
                              std::string(ia32.native));
    }
    uint16_t native_nr = native ? static_cast<uint16_t>(native->nr) : 0;
    syscalls->rodata->ia32_native_nr[ia32.nr] = native_nr;
    process->rodata->ia32_native_nr[ia32.nr] = native_nr;
    syscalls->rodata->ia32_fixes[ia32.nr] = ia32.fixes;
    process->rodata->ia32_fixes[ia32.nr] = ia32.fixes;
    // socketcall's call number picks the syscall (none of which keeps enter state).
    uint8_t flags = native ? nr_flags_of_op(raw_op_of_nr[native_nr])
                           : (ia32.fixes & AMBER_IA32_SOCKETCALL ? AMBER_NR_EXIT : 0);
    syscalls->rodata->nr_flags[ia32.nr] |= flags;
    process->rodata->nr_flags[ia32.nr] |= flags;
  }
#endif
  // A batch is at most an eighth of the ring buffer, so that several fit in it.
  uint32_t flush_bytes = std::min<uint32_t>(AMBER_BATCH_OFF_MAX, settings.ringbuf_bytes / 8) &
                         ~uint32_t{AMBER_RECORD_ALIGN - 1};
  process->rodata->batch_flush_bytes = flush_bytes;
  syscalls->rodata->batch_flush_bytes = flush_bytes;
  int err = bpf_map__set_max_entries(process->maps.amber_events, settings.ringbuf_bytes);
  if (err) {
    btf__free(vmlinux);
    return Status::InvalidArgument("ring buffer size " + std::to_string(settings.ringbuf_bytes) +
                                   ": " + ErrnoText(err));
  }
  for (Unit& unit : impl->units) {
    PlanPrograms(unit.obj, settings, vmlinux, raw_ops, &probes);
  }
  btf__free(vmlinux);

  // 4. Load: the first unit creates the shared maps, the others reuse them.
  for (size_t i = 0; i < impl->units.size(); i++) {
    Unit& unit = impl->units[i];
    if (i > 0) AMBER_RETURN_IF_ERROR(ReuseSharedMaps(impl->units[0].obj, unit.obj));
    g_libbpf_tail.clear();
    err = unit.load();
    if (err) {
      return Status::Internal("load BPF unit " + unit.name + ": " + ErrnoText(err) + " (" +
                              LibbpfTail() + ")");
    }
  }
  if (settings.filter_tgid) {
    uint8_t one = 1;
    bpf_map__update_elem(process->maps.amber_followed, &settings.filter_tgid,
                         sizeof(settings.filter_tgid), &one, sizeof(one), BPF_ANY);
  }

  // 5. Attach each program on its own; a failure is written down, not fatal. Exit handlers are
  // not attached but placed in the tail-call array under their syscall number.
  size_t probe_index = 0;
  int exit_progs_fd = bpf_map__fd(process->maps.amber_exit_progs);
  for (Unit& unit : impl->units) {
    bpf_program* prog;
    bpf_object__for_each_program(prog, unit.obj) {
      if (IsBatchFlush(prog)) {
        impl->flush_fd = bpf_program__fd(prog);
        continue;
      }
      store::ProbeRecord& probe = probes[probe_index++];
      if (probe.status != store::ProbeStatus::kAttached) continue;
      if (IsTailCallTarget(prog)) {
        std::string_view name = bpf_program__name(prog);
        name.remove_prefix(kExitHandlerPrefix.size());
        const SyscallInfo* info = FindSyscall(name);
        int fd = bpf_program__fd(prog);
        if (!info || bpf_map_update_elem(exit_progs_fd, &info->nr, &fd, BPF_ANY) != 0) {
          probe.status = store::ProbeStatus::kFailed;
          probe.detail = "tail-call slot: " + ErrnoText(errno);
        }
        continue;
      }
      g_libbpf_tail.clear();
      bpf_link* link = bpf_program__attach(prog);
      if (!link) {
        probe.status = store::ProbeStatus::kFailed;
        probe.detail = "attach: " + ErrnoText(errno);
        continue;
      }
      unit.links.push_back(link);
    }
  }
  // The syscalls sys_exit handles itself are probes as attached as sys_exit is.
  store::ProbeRecord sys_exit_probe;
  sys_exit_probe.status = store::ProbeStatus::kFailed;
  sys_exit_probe.detail = "no sys_exit program";
  for (const store::ProbeRecord& p : probes) {
    if (p.name == "tp_btf/sys_exit") sys_exit_probe = p;
  }
  for (const SyscallInfo& info : TracedSyscalls()) {
    if (!HandledInSysExit(info)) continue;
    store::ProbeRecord probe;
    probe.name = "syscall/" + std::string(info.tracepoint);
    probe.ops = {info.op};
    probe.detail = "tp_btf sys_exit (handled there)";
    probe.status = settings.ops.test(static_cast<size_t>(info.op)) ? sys_exit_probe.status
                                                                   : store::ProbeStatus::kDisabled;
    if (probe.status != store::ProbeStatus::kAttached && !sys_exit_probe.detail.empty()) {
      probe.detail += ": " + sys_exit_probe.detail;
    }
    probes.push_back(std::move(probe));
  }
  size_t attached = 0;
  for (const store::ProbeRecord& p : probes) attached += p.status == store::ProbeStatus::kAttached;
  if (attached == 0) return Status::NotSupported("attach BPF programs: none could be attached");
  if (impl->flush_fd < 0) return Status::Internal("load BPF program handle_batch_flush: missing");

  // 6. Ring buffer.
  impl->rb = ring_buffer__new(bpf_map__fd(process->maps.amber_events), Impl::OnRecord, impl.get(),
                              nullptr);
  if (!impl->rb) return Status::Internal("create ring buffer consumer: " + ErrnoText(errno));
  impl->losses_fd = bpf_map__fd(process->maps.amber_losses);
  impl->host_cgroups_fd = bpf_map__fd(process->maps.amber_host_cgroups);
  impl->batches_fd = bpf_map__fd(process->maps.amber_batches);
  impl->cpus = libbpf_num_possible_cpus();
  if (impl->cpus <= 0) return Status::Internal("count possible CPUs: " + ErrnoText(impl->cpus));

  auto loader = std::unique_ptr<BpfLoader>(new BpfLoader(std::move(impl)));
  loader->probes_ = std::move(probes);
  return loader;
}

Result<int> BpfLoader::Poll(int timeout_ms) {
  int n = ring_buffer__poll(impl_->rb, timeout_ms);
  if (n < 0 && n != -EINTR) return Status::IOError("poll ring buffer: " + ErrnoText(n));
  // Every record stamped before `now` is in the ring buffer once the pending CPUs are flushed.
  uint64_t now = BootTimeNs();
  Result<bool> flushed = impl_->FlushPending(nullptr);
  if (!flushed.ok()) return flushed.status();
  n = ring_buffer__consume(impl_->rb);
  if (n < 0 && n != -EINTR) return Status::IOError("consume ring buffer: " + ErrnoText(n));
  if (*flushed) {
    impl_->watermark_ns = now;
  } else if (now > kMaxHoldNs && now - kMaxHoldNs > impl_->watermark_ns) {
    impl_->watermark_ns = now - kMaxHoldNs;  // a CPU stayed busy: order no longer waits for it
  }
  return static_cast<int>(impl_->merger.Release(impl_->watermark_ns, impl_->handler));
}

Result<int> BpfLoader::Finish() {
  std::vector<int> offline;
  Result<bool> flushed = impl_->FlushPending(&offline);
  if (!flushed.ok()) return flushed.status();
  int n = ring_buffer__consume(impl_->rb);
  if (n < 0 && n != -EINTR) return Status::IOError("consume ring buffer: " + ErrnoText(n));
  AMBER_RETURN_IF_ERROR(impl_->ReadOfflineBatches(offline));
  return static_cast<int>(impl_->merger.Release(UINT64_MAX, impl_->handler));
}

uint64_t BpfLoader::malformed_batches() const { return impl_->merger.malformed(); }

Result<std::vector<amber_loss_counters>> BpfLoader::ReadLossCounters() const {
  return impl_->ReadLossCounters();
}

Status BpfLoader::AddHostCgroup(uint64_t cgroup_key) {
  uint8_t one = 1;
  if (bpf_map_update_elem(impl_->host_cgroups_fd, &cgroup_key, &one, BPF_ANY) != 0) {
    return Status::ResourceExhausted("add host cgroup " + std::to_string(cgroup_key) + ": " +
                                     ErrnoText(errno));
  }
  return Status::Ok();
}

Status CheckPrerequisites() {
  if (geteuid() != 0) {
    return Status::PermissionDenied(
        "amber-record needs root (CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN) to load BPF programs");
  }
  if (!PathExists("/sys/kernel/btf/vmlinux")) {
    return Status::NotSupported(
        "this kernel has no BTF (/sys/kernel/btf/vmlinux missing; CONFIG_DEBUG_INFO_BTF=y is "
        "required)");
  }
  return Status::Ok();
}

}  // namespace amber::record

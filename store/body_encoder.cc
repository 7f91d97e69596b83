// BodyEncoder (store/body_codec.h; docs/capture-format.md, "Chunk bodies").
//
// Encoding runs on the recorder's hot path. A Cap'n Proto list cannot grow, so Add*() only
// interns strings and task contexts into the chunk's tables and keeps a compact row per record;
// Finish() builds the whole message in one pass into a single segment sized from the running
// estimate.
#include "store/body_codec.h"

#include <capnp/any.h>
#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/io.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <random>
#include <string_view>
#include <type_traits>

#include "store/capnp_util.h"
#include "store/intern_table.h"

namespace amber::store {
namespace {

using internal::kStructWords;
using internal::BlobWords;
using internal::AsData;
using internal::HashBytes;
using internal::IndexTable;
using internal::StringTable;

// A TaskContext with its strings interned: the key of the context table and what Finish()
// writes. Laid out without padding so its bytes are its value (hashed and compared as bytes).
struct ContextRow {
  uint64_t process_start_ns, cap_effective, mnt_ns, pid_ns, user_ns, net_ns, uts_ns, ipc_ns,
      cgroup_ns, cgroup_id;
  uint32_t pid, tid, ppid, uid, gid, euid, egid, login_uid, cgroup_path, container_id, comm, flags;
};
static_assert(std::has_unique_object_representations_v<ContextRow>);

class ContextTable {
 public:
  explicit ContextTable(uint64_t seed) : seed_(seed) {}

  uint32_t Intern(const ContextRow& row) {
    bool added = false;
    auto next = static_cast<uint32_t>(rows_.size());
    uint32_t index = index_.FindOrAdd(
        HashBytes(reinterpret_cast<const char*>(&row), sizeof row, seed_), next,
        [&](uint32_t i) { return std::memcmp(&rows_[i], &row, sizeof row) == 0; }, &added);
    if (added) rows_.push_back(row);
    return index;
  }

  const std::vector<ContextRow>& rows() const { return rows_; }
  void Clear() {
    rows_.clear();
    index_.Clear();
  }

 private:
  uint64_t seed_;
  std::vector<ContextRow> rows_;
  IndexTable index_;
};

// ---------------------------------------------------------------------------------------------
// Encoder rows

// An event as it will sit in the message: Event has no pointers, so its data section is all of
// it, and a row is that image, written through the generated setters when the event arrives.
static_assert(schema::Event::_capnpPrivate::pointerCount == 0);
struct EventImage {
  uint64_t words[schema::Event::_capnpPrivate::dataWordSize];
};

struct ProcessRow {
  ContextRow context;
  uint32_t exe, cwd, argv;
  uint64_t observed_ns;
};

// Estimated words of the records kept whole (not interned) until Finish().
size_t DataListWords(const std::vector<std::string>& list) {
  size_t words = list.size();
  for (const auto& s : list) words += BlobWords(s.size());
  return words;
}

size_t KeyValuesWords(const KeyValues& kvs) {
  size_t words = 1 + kvs.size() * kStructWords<schema::KeyValue>;
  for (const auto& [k, v] : kvs) words += BlobWords(k.size()) + BlobWords(v.size());
  return words;
}

size_t ContainerWords(const ContainerRecord& c) {
  size_t words = kStructWords<schema::ContainerRecord> + KeyValuesWords(c.labels) +
                 KeyValuesWords(c.annotations) + KeyValuesWords(c.namespaces) +
                 DataListWords(c.capabilities) + 1;
  for (const std::string* s : {&c.id, &c.name, &c.image, &c.image_digest, &c.runtime,
                               &c.cgroup_path, &c.pod_name, &c.pod_namespace, &c.pod_uid,
                               &c.bundle, &c.status}) {
    words += BlobWords(s->size());
  }
  for (const MountRecord& m : c.mounts) {
    words += kStructWords<schema::MountRecord> + BlobWords(m.source.size()) +
             BlobWords(m.destination.size()) + BlobWords(m.type.size()) + DataListWords(m.options);
  }
  return words;
}

size_t StatsWords(const RecorderStats& stats) {
  size_t words = kStructWords<schema::RecorderStats> + 1;
  for (const auto& [name, value] : stats.counters) {
    words += kStructWords<schema::Counter> + BlobWords(name.size());
  }
  return words;
}

size_t HeaderWords(const CaptureHeader& h) {
  size_t words = kStructWords<schema::CaptureHeader> + kStructWords<schema::Host> +
                 KeyValuesWords(h.options) + 1;
  for (const std::string* s : {&h.capture_id, &h.recording_id, &h.previous_digest,
                               &h.recorder_name, &h.recorder_version, &h.btf_id,
                               &h.host.hostname, &h.host.machine_id, &h.host.boot_id,
                               &h.host.kernel_release, &h.host.kernel_version, &h.host.arch}) {
    words += BlobWords(s->size());
  }
  for (const ProbeRecord& p : h.probes) {
    words += kStructWords<schema::Probe> + BlobWords(p.name.size()) + BlobWords(p.detail.size()) +
             BlobWords(p.ops.size() * sizeof(uint16_t));
  }
  return words;
}

size_t FooterWords(const Footer& f) {
  return kStructWords<schema::Footer> + 1 + f.index.size() * kStructWords<schema::IndexEntry> +
         BlobWords(f.stop_reason.size());
}

// Root pointer, ChunkBody, and a tag word for each composite list, whichever are present.
constexpr size_t kFixedWords = 1 + kStructWords<schema::ChunkBody> + 16;
// Finish() keeps its first segment up to this size between chunks (16 MiB).
constexpr size_t kKeepSegmentWords = size_t{2} << 20;

template <typename Builder>
void WriteKeyValues(const KeyValues& kvs, Builder list) {
  for (size_t i = 0; i < kvs.size(); ++i) {
    if (!kvs[i].first.empty()) list[i].setKey(AsData(kvs[i].first));
    if (!kvs[i].second.empty()) list[i].setValue(AsData(kvs[i].second));
  }
}

void WriteDataList(const std::vector<std::string>& strings,
                   capnp::List<capnp::Data>::Builder list) {
  for (size_t i = 0; i < strings.size(); ++i) list.set(i, AsData(strings[i]));
}

void WriteContext(const ContextRow& r, schema::TaskContext::Builder b) {
  b.setPid(r.pid);
  b.setTid(r.tid);
  b.setPpid(r.ppid);
  b.setProcessStartNs(r.process_start_ns);
  b.setUid(r.uid);
  b.setGid(r.gid);
  b.setEuid(r.euid);
  b.setEgid(r.egid);
  b.setLoginUid(r.login_uid);
  b.setCapEffective(r.cap_effective);
  b.setMntNs(r.mnt_ns);
  b.setPidNs(r.pid_ns);
  b.setUserNs(r.user_ns);
  b.setNetNs(r.net_ns);
  b.setUtsNs(r.uts_ns);
  b.setIpcNs(r.ipc_ns);
  b.setCgroupNs(r.cgroup_ns);
  b.setCgroupId(r.cgroup_id);
  b.setCgroupPath(r.cgroup_path);
  b.setContainerId(r.container_id);
  b.setComm(r.comm);
  b.setFlags(r.flags);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// BodyEncoder

struct BodyEncoder::State {
  static uint64_t RandomSeed() {
    std::random_device device;
    return (uint64_t{device()} << 32) ^ device();
  }

  State() : State(RandomSeed()) {}
  explicit State(uint64_t seed) : strings(seed), contexts(seed * 0x9e3779b97f4a7c15ull + 1) {
    scratch = scratch_message.initRoot<schema::ChunkBody>().initEvents(1)[0];
    scratch_image = capnp::toAny(scratch).getDataSection();
  }

  ContextRow InternStrings(const TaskContext& c) {
    return ContextRow{c.process_start_ns, c.cap_effective, c.mnt_ns, c.pid_ns, c.user_ns,
                      c.net_ns, c.uts_ns, c.ipc_ns, c.cgroup_ns, c.cgroup_id,
                      c.pid, c.tid, c.ppid, c.uid, c.gid, c.euid, c.egid, c.login_uid,
                      strings.Intern(c.cgroup_path), strings.Intern(c.container_id),
                      strings.Intern(c.comm), c.flags};
  }

  // Events come in runs from a few busy tasks, so a small cache of recent contexts, keyed by
  // thread and checked by full value, skips interning three strings and hashing a row.
  uint32_t ContextIndex(const TaskContext& c) {
    RecentContext& recent = recent_contexts[(c.tid * 0x9e3779b1u) >> (32 - kRecentBits)];
    if (recent.valid && recent.value == c) return recent.index;
    recent.index = contexts.Intern(InternStrings(c));
    recent.value = c;  // assigns into the old strings' capacity: no allocation once warm
    recent.valid = true;
    return recent.index;
  }

  // argv is one string, each argument followed by a NUL (capture.capnp, Event.exec.argv).
  uint32_t InternArgv(const std::vector<std::string>& argv) {
    argv_scratch.clear();
    for (const std::string& arg : argv) {
      argv_scratch.append(arg);
      argv_scratch.push_back('\0');
    }
    return strings.Intern(argv_scratch);
  }

  void SetArgs(const EventArgs& args, schema::Event::Builder e);
  void Build(schema::ChunkBody::Builder root) const;
  void BuildRecords(schema::ChunkBody::Builder root) const;

  size_t Words() const {
    return kFixedWords + strings.words() +
           contexts.rows().size() * kStructWords<schema::TaskContext> +
           events.size() * kStructWords<schema::Event> +
           processes.size() *
               (kStructWords<schema::ProcessRecord> + kStructWords<schema::TaskContext>) +
           kept_words + stats_words + header_words + footer_words;
  }

  void Clear() {
    strings.Clear();
    contexts.Clear();
    for (RecentContext& recent : recent_contexts) recent.valid = false;
    events.clear();
    processes.clear();
    containers.clear();
    losses.clear();
    stats.reset();
    header.reset();
    footer.reset();
    kept_words = stats_words = header_words = footer_words = 0;
  }

  StringTable strings;
  ContextTable contexts;
  std::vector<EventImage> events;
  std::vector<ProcessRow> processes;
  std::vector<ContainerRecord> containers;
  std::vector<LossRecord> losses;
  std::optional<RecorderStats> stats;
  std::optional<CaptureHeader> header;
  std::optional<Footer> footer;
  size_t kept_words = 0;  // containers and losses
  size_t stats_words = 0, header_words = 0, footer_words = 0;
  std::string argv_scratch;  // reused so that joining argv does not allocate per exec
  std::vector<capnp::word> segment;  // Finish()'s first segment, all zero between chunks
  // A one-event message that AddEvent() writes each event into before copying its image out.
  capnp::MallocMessageBuilder scratch_message{64};
  schema::Event::Builder scratch = nullptr;
  kj::ArrayPtr<kj::byte> scratch_image;
  struct RecentContext {
    TaskContext value;
    uint32_t index = 0;
    bool valid = false;
  };
  static constexpr unsigned kRecentBits = 6;
  std::array<RecentContext, 1u << kRecentBits> recent_contexts;
};

BodyEncoder::BodyEncoder() : state_(std::make_unique<State>()) {}
BodyEncoder::~BodyEncoder() = default;

void BodyEncoder::AddEvent(const Event& event) {
  State& s = *state_;
  schema::Event::Builder e = s.scratch;
  std::memset(s.scratch_image.begin(), 0, s.scratch_image.size());
  e.setTimeNs(event.time_ns);
  e.setContext(s.ContextIndex(event.context));
  e.setCpu(event.cpu);
  e.setOp(static_cast<schema::Op>(event.op));  // an unknown value is kept as its number
  e.setRet(event.ret);
  s.SetArgs(event.args, e);
  std::memcpy(&s.events.emplace_back(), s.scratch_image.begin(), sizeof(EventImage));
}

void BodyEncoder::State::SetArgs(const EventArgs& args, schema::Event::Builder e) {
  std::visit(
      [&](const auto& a) {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, ForkArgs>) {
          auto g = e.initFork();
          g.setChildPid(a.child_pid);
          g.setChildTid(a.child_tid);
          g.setCloneFlags(a.clone_flags);
          g.setChildStartNs(a.child_start_ns);
        } else if constexpr (std::is_same_v<T, ExecArgs>) {
          auto g = e.initExec();
          g.setFilename(strings.Intern(a.filename));
          g.setInterpreter(strings.Intern(a.interpreter));
          g.setCwd(strings.Intern(a.cwd));
          g.setArgv(InternArgv(a.argv));
          g.setArgc(a.argc);
          g.setExecFlags(a.exec_flags);
          g.setExecutable(strings.Intern(a.executable));
        } else if constexpr (std::is_same_v<T, ExitArgs>) {
          auto g = e.initExit();
          g.setExitCode(a.exit_code);
          g.setExitSignal(a.exit_signal);
        } else if constexpr (std::is_same_v<T, CredArgs>) {
          auto g = e.initCred();
          g.setId0(a.id0);
          g.setId1(a.id1);
          g.setId2(a.id2);
          g.setOldUid(a.old_uid);
          g.setOldEuid(a.old_euid);
          g.setCaps(a.caps);
        } else if constexpr (std::is_same_v<T, ControlArgs>) {
          auto g = e.initControl();
          g.setCmd(a.cmd);
          g.setArg(a.arg);
          g.setName(strings.Intern(a.name));
        } else if constexpr (std::is_same_v<T, NsArgs>) {
          auto g = e.initNs();
          g.setNsFlags(a.ns_flags);
          g.setFd(a.fd);
          g.setNsCmd(a.ns_cmd);
          g.setSource(strings.Intern(a.source));
          g.setTarget(strings.Intern(a.target));
          g.setFsType(strings.Intern(a.fs_type));
          g.setKey(strings.Intern(a.key));
          g.setValue(strings.Intern(a.value));
          g.setNsInode(a.ns_inode);
        } else if constexpr (std::is_same_v<T, TargetArgs>) {
          auto g = e.initTarget();
          g.setTargetPid(a.target_pid);
          g.setSignal(a.signal);
          g.setRequest(a.request);
          g.setAddr(a.addr);
          g.setGivenPid(a.given_pid);
        } else if constexpr (std::is_same_v<T, FileArgs>) {
          auto g = e.initFile();
          g.setPath(strings.Intern(a.path));
          g.setPath2(strings.Intern(a.path2));
          g.setFileFlags(a.file_flags);
          g.setMode(a.mode);
          g.setOwnerUid(a.owner_uid);
          g.setOwnerGid(a.owner_gid);
          g.setOpenedPath(strings.Intern(a.opened_path));
        } else if constexpr (std::is_same_v<T, MemoryArgs>) {
          auto g = e.initMemory();
          g.setAddr(a.addr);
          g.setLength(a.length);
          g.setProt(a.prot);
          g.setMemFlags(a.mem_flags);
          g.setMemFd(a.mem_fd);
          g.setMemName(strings.Intern(a.mem_name));
        } else if constexpr (std::is_same_v<T, NetArgs>) {
          auto g = e.initNet();
          g.setFamily(a.family);
          g.setPort(a.port);
          g.setAddrHi(a.addr_hi);
          g.setAddrLo(a.addr_lo);
          g.setSockPath(strings.Intern(a.sock_path));
          g.setSockFd(a.sock_fd);
          g.setBacklog(a.backlog);
        } else if constexpr (std::is_same_v<T, SyscallArgs>) {
          auto g = e.initSyscall();
          g.setNr(a.nr);
          g.setArg0(a.arg0);
          g.setArg1(a.arg1);
          g.setArg2(a.arg2);
          g.setArg3(a.arg3);
        } else {
          // NoArgs, and UnknownArgs: a member this build never decoded has no fields to write,
          // and writing its number with zeroed fields would invent data. It becomes "none".
          static_assert(std::is_same_v<T, NoArgs> || std::is_same_v<T, UnknownArgs>);
          e.setNone();
        }
      },
      args);
}

void BodyEncoder::AddProcess(const ProcessRecord& p) {
  State& s = *state_;
  ContextRow context = s.InternStrings(p.context);
  s.processes.push_back({context, s.strings.Intern(p.exe), s.strings.Intern(p.cwd),
                         s.InternArgv(p.argv), p.observed_ns});
}

void BodyEncoder::AddContainer(const ContainerRecord& container) {
  state_->containers.push_back(container);
  state_->kept_words += ContainerWords(container);
}

void BodyEncoder::AddLoss(const LossRecord& loss) {
  state_->losses.push_back(loss);
  state_->kept_words += kStructWords<schema::LossRecord> + BlobWords(loss.reason.size());
}

void BodyEncoder::SetStats(const RecorderStats& stats) {
  state_->stats = stats;
  state_->stats_words = StatsWords(stats);
}

void BodyEncoder::SetHeader(const CaptureHeader& header) {
  state_->header = header;
  state_->header_words = HeaderWords(header);
}

void BodyEncoder::SetFooter(const Footer& footer) {
  state_->footer = footer;
  state_->footer_words = FooterWords(footer);
}

size_t BodyEncoder::record_count() const {
  const State& s = *state_;
  return s.events.size() + s.processes.size() + s.containers.size() + s.losses.size() +
         s.stats.has_value() + s.header.has_value() + s.footer.has_value();
}

// Words() counts every word the message can take, so it is also an upper bound: Finish() sizes
// the first segment from it and the message is always one segment. +8: the segment table.
size_t BodyEncoder::approx_bytes() const { return state_->Words() * sizeof(capnp::word) + 8; }

std::string BodyEncoder::Finish() {
  State& s = *state_;
  // The first segment is the encoder's own, reused chunk after chunk: a fresh one per chunk cost
  // more in page faults than building the message. Cap'n Proto needs it zeroed.
  size_t words = s.Words();
  // One outsized chunk (a big snapshot) should not pin its size for the rest of the recording.
  if (s.segment.size() < words ||
      (s.segment.size() > kKeepSegmentWords && s.segment.size() > 4 * words)) {
    s.segment = std::vector<capnp::word>(words + words / 4);
  }
  std::string out;
  size_t used_words = 0;
  {
    capnp::MallocMessageBuilder message(kj::arrayPtr(s.segment.data(), s.segment.size()));
    s.Build(message.initRoot<schema::ChunkBody>());
    // writeMessage into the string itself rather than messageToFlatArray and a copy: the same
    // bytes, copied once instead of twice.
    auto segments = message.getSegmentsForOutput();
    used_words = segments[0].size();
    out.resize(capnp::computeSerializedSizeInWords(segments) * sizeof(capnp::word));
    kj::ArrayOutputStream stream(kj::arrayPtr(reinterpret_cast<kj::byte*>(out.data()), out.size()));
    capnp::writeMessage(stream, segments);
  }
  std::memset(s.segment.data(), 0, used_words * sizeof(capnp::word));
  s.Clear();
  return out;
}

void BodyEncoder::State::Build(schema::ChunkBody::Builder root) const {
  if (!events.empty() || !processes.empty()) {
    auto list = root.initStrings(static_cast<unsigned>(strings.size()));
    // Entry 0 stays a null pointer, which Cap'n Proto reads as empty Data.
    for (uint32_t i = 1; i < strings.size(); ++i) list.set(i, AsData(strings.Get(i)));
  }
  if (!contexts.rows().empty()) {
    const auto& rows = contexts.rows();
    auto list = root.initContexts(static_cast<unsigned>(rows.size()));
    for (size_t i = 0; i < rows.size(); ++i) WriteContext(rows[i], list[i]);
  }
  if (!events.empty()) {
    auto list = root.initEvents(static_cast<unsigned>(events.size()));
    for (size_t i = 0; i < events.size(); ++i) {
      std::memcpy(capnp::toAny(list[i]).getDataSection().begin(), &events[i], sizeof(EventImage));
    }
  }
  if (!processes.empty()) {
    auto list = root.initProcesses(static_cast<unsigned>(processes.size()));
    for (size_t i = 0; i < processes.size(); ++i) {
      const ProcessRow& p = processes[i];
      auto b = list[i];
      WriteContext(p.context, b.initContext());
      b.setExe(p.exe);
      b.setCwd(p.cwd);
      b.setArgv(p.argv);
      b.setObservedNs(p.observed_ns);
    }
  }
  BuildRecords(root);
}

// The records kept whole: containers, losses, stats, header, footer. Empty strings are left as
// null pointers, which read back as empty Data.
void BodyEncoder::State::BuildRecords(schema::ChunkBody::Builder root) const {
  auto set = [](std::string_view s, auto setter) {
    if (!s.empty()) setter(AsData(s));
  };
  if (!containers.empty()) {
    auto list = root.initContainers(static_cast<unsigned>(containers.size()));
    for (size_t i = 0; i < containers.size(); ++i) {
      const ContainerRecord& c = containers[i];
      auto b = list[i];
      set(c.id, [&](auto d) { b.setId(d); });
      set(c.name, [&](auto d) { b.setName(d); });
      set(c.image, [&](auto d) { b.setImage(d); });
      set(c.image_digest, [&](auto d) { b.setImageDigest(d); });
      set(c.runtime, [&](auto d) { b.setRuntime(d); });
      set(c.cgroup_path, [&](auto d) { b.setCgroupPath(d); });
      WriteKeyValues(c.labels, b.initLabels(static_cast<unsigned>(c.labels.size())));
      WriteKeyValues(c.annotations, b.initAnnotations(static_cast<unsigned>(c.annotations.size())));
      set(c.pod_name, [&](auto d) { b.setPodName(d); });
      set(c.pod_namespace, [&](auto d) { b.setPodNamespace(d); });
      set(c.pod_uid, [&](auto d) { b.setPodUid(d); });
      b.setPrivileged(c.privileged);
      auto mounts = b.initMounts(static_cast<unsigned>(c.mounts.size()));
      for (size_t j = 0; j < c.mounts.size(); ++j) {
        const MountRecord& m = c.mounts[j];
        auto mb = mounts[j];
        set(m.source, [&](auto d) { mb.setSource(d); });
        set(m.destination, [&](auto d) { mb.setDestination(d); });
        set(m.type, [&](auto d) { mb.setType(d); });
        WriteDataList(m.options, mb.initOptions(static_cast<unsigned>(m.options.size())));
      }
      b.setInitPid(c.init_pid);
      b.setObservedNs(c.observed_ns);
      set(c.bundle, [&](auto d) { b.setBundle(d); });
      set(c.status, [&](auto d) { b.setStatus(d); });
      WriteDataList(c.capabilities,
                    b.initCapabilities(static_cast<unsigned>(c.capabilities.size())));
      WriteKeyValues(c.namespaces, b.initNamespaces(static_cast<unsigned>(c.namespaces.size())));
    }
  }
  if (!losses.empty()) {
    auto list = root.initLosses(static_cast<unsigned>(losses.size()));
    for (size_t i = 0; i < losses.size(); ++i) {
      const LossRecord& l = losses[i];
      auto b = list[i];
      b.setSource(static_cast<schema::LossSource>(l.source));
      b.setCpu(l.cpu);
      b.setCount(l.count);
      b.setFirstNs(l.first_ns);
      b.setLastNs(l.last_ns);
      set(l.reason, [&](auto d) { b.setReason(d); });
    }
  }
  if (stats) {
    auto b = root.initStats();
    b.setTimeNs(stats->time_ns);
    auto counters = b.initCounters(static_cast<unsigned>(stats->counters.size()));
    for (size_t i = 0; i < stats->counters.size(); ++i) {
      set(stats->counters[i].first, [&](auto d) { counters[i].setName(d); });
      counters[i].setValue(stats->counters[i].second);
    }
  }
  if (header) {
    const CaptureHeader& h = *header;
    auto b = root.initHeader();
    set(h.capture_id, [&](auto d) { b.setCaptureId(d); });
    set(h.recording_id, [&](auto d) { b.setRecordingId(d); });
    b.setFileIndex(h.file_index);
    set(h.previous_digest, [&](auto d) { b.setPreviousDigest(d); });
    auto host = b.initHost();
    set(h.host.hostname, [&](auto d) { host.setHostname(d); });
    set(h.host.machine_id, [&](auto d) { host.setMachineId(d); });
    set(h.host.boot_id, [&](auto d) { host.setBootId(d); });
    set(h.host.kernel_release, [&](auto d) { host.setKernelRelease(d); });
    set(h.host.kernel_version, [&](auto d) { host.setKernelVersion(d); });
    set(h.host.arch, [&](auto d) { host.setArch(d); });
    host.setCpus(h.host.cpus);
    set(h.recorder_name, [&](auto d) { b.setRecorderName(d); });
    set(h.recorder_version, [&](auto d) { b.setRecorderVersion(d); });
    WriteKeyValues(h.options, b.initOptions(static_cast<unsigned>(h.options.size())));
    b.setClockBootNs(h.clock_boot_ns);
    b.setClockRealtimeNs(h.clock_realtime_ns);
    auto probes = b.initProbes(static_cast<unsigned>(h.probes.size()));
    for (size_t i = 0; i < h.probes.size(); ++i) {
      const ProbeRecord& p = h.probes[i];
      auto pb = probes[i];
      set(p.name, [&](auto d) { pb.setName(d); });
      pb.setStatus(static_cast<schema::ProbeStatus>(p.status));
      set(p.detail, [&](auto d) { pb.setDetail(d); });
      auto ops = pb.initOps(static_cast<unsigned>(p.ops.size()));
      for (size_t j = 0; j < p.ops.size(); ++j) ops.set(j, static_cast<schema::Op>(p.ops[j]));
    }
    set(h.btf_id, [&](auto d) { b.setBtfId(d); });
    b.setStartedNs(h.started_ns);
  }
  if (footer) {
    auto b = root.initFooter();
    auto index = b.initIndex(static_cast<unsigned>(footer->index.size()));
    for (size_t i = 0; i < footer->index.size(); ++i) {
      const IndexEntry& x = footer->index[i];
      index[i].setOffset(x.offset);
      index[i].setKind(x.kind);
      index[i].setRecords(x.records);
      index[i].setFirstNs(x.first_ns);
      index[i].setLastNs(x.last_ns);
    }
    b.setStoppedNs(footer->stopped_ns);
    set(footer->stop_reason, [&](auto d) { b.setStopReason(d); });
    b.setEvents(footer->events);
    b.setLost(footer->lost);
  }
}

}  // namespace amber::store

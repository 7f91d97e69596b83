// Chunk bodies to and from Cap'n Proto (store/body_codec.h; docs/capture-format.md, "Chunk
// bodies"). This file and the tests are the only users of the generated schema code.
//
// Encoding runs on the recorder's hot path. A Cap'n Proto list cannot grow, so Add*() only
// interns strings and task contexts into the chunk's tables and keeps a compact row per record;
// Finish() builds the whole message in one pass into a single segment sized from the running
// estimate. Decoding treats every byte as hostile; see the comment above Decoder.
//
// TODO(style): at ~1250 lines this is past STYLE.md's size; split it into body_encoder.cc,
// body_decoder.cc and an intern_table.h once store/CMakeLists.txt can list them.
#include "store/body_codec.h"

#include <capnp/any.h>
#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>
#include <kj/io.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <random>
#include <string_view>
#include <type_traits>

#include "store/capture.capnp.h"

namespace amber::store {
namespace {

// Words a struct of type T occupies in a message (its data and pointer sections).
template <typename T>
constexpr size_t kStructWords = T::_capnpPrivate::dataWordSize + T::_capnpPrivate::pointerCount;

constexpr size_t BlobWords(size_t bytes) { return (bytes + 7) / 8; }

capnp::Data::Reader AsData(std::string_view s) {
  return capnp::Data::Reader(reinterpret_cast<const kj::byte*>(s.data()), s.size());
}

std::string_view AsView(capnp::Data::Reader d) {
  return std::string_view(reinterpret_cast<const char*>(d.begin()), d.size());
}

// ---------------------------------------------------------------------------------------------
// Interning tables.

__extension__ typedef unsigned __int128 U128;

inline uint64_t Mum(uint64_t a, uint64_t b) {
  U128 r = static_cast<U128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline uint64_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// A multiply-mix hash after wyhash. The bytes come from the recorded host, so the seed is random
// per encoder: a process there cannot pick paths that all collide and stall the recorder.
uint64_t HashBytes(const char* p, size_t n, uint64_t seed) {
  constexpr uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull,
                     k2 = 0x8ebc6af09c88c6e3ull;
  uint64_t h = seed ^ Mum(n ^ k0, k1);
  for (; n > 16; p += 16, n -= 16) h = Mum(Load64(p) ^ k1, Load64(p + 8) ^ h);
  uint64_t a = 0, b = 0;
  if (n >= 8) {
    a = Load64(p);
    b = Load64(p + n - 8);
  } else if (n >= 4) {
    a = Load32(p);
    b = Load32(p + n - 4);
  } else if (n > 0) {
    a = (uint64_t{static_cast<uint8_t>(p[0])} << 16) |
        (uint64_t{static_cast<uint8_t>(p[n / 2])} << 8) | static_cast<uint8_t>(p[n - 1]);
  }
  return Mum(h ^ k2, Mum(a ^ k1, b ^ h));
}

// Open addressing with linear probing from a hash to an entry index; the entries themselves live
// with the caller, so a slot is 8 bytes and Clear() keeps the capacity for the next chunk.
class IndexTable {
 public:
  // The index of the entry equal to the probe (equal(i) says whether entry i is), or `next`
  // recorded as a new entry, with *added set.
  template <typename Equal>
  uint32_t FindOrAdd(uint64_t hash, uint32_t next, const Equal& equal, bool* added) {
    if ((count_ + 1) * 2 > slots_.size()) Grow();
    auto tag = static_cast<uint32_t>(hash ^ (hash >> 32));
    const size_t mask = slots_.size() - 1;
    for (size_t i = tag & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.index_plus_one == 0) {
        slot = {tag, next + 1};
        ++count_;
        *added = true;
        return next;
      }
      if (slot.tag == tag && equal(slot.index_plus_one - 1)) {
        *added = false;
        return slot.index_plus_one - 1;
      }
    }
  }

  void Clear() {
    std::fill(slots_.begin(), slots_.end(), Slot{});
    count_ = 0;
  }

 private:
  struct Slot {
    uint32_t tag = 0;
    uint32_t index_plus_one = 0;  // 0: empty
  };

  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(std::max<size_t>(64, old.size() * 2), Slot{});
    const size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.index_plus_one == 0) continue;
      size_t i = slot.tag & mask;
      while (slots_[i].index_plus_one != 0) i = (i + 1) & mask;
      slots_[i] = slot;
    }
  }

  std::vector<Slot> slots_;
  size_t count_ = 0;
};

// The chunk's strings, in order of first use. Entry 0 is the empty string (ref 0, "absent").
class StringTable {
 public:
  explicit StringTable(uint64_t seed) : seed_(seed) { Clear(); }

  uint32_t Intern(std::string_view s) {
    if (s.empty()) return 0;
    bool added = false;
    auto next = static_cast<uint32_t>(spans_.size());
    uint32_t ref = index_.FindOrAdd(
        HashBytes(s.data(), s.size(), seed_), next, [&](uint32_t i) { return Get(i) == s; },
        &added);
    if (added) {
      spans_.push_back({arena_.size(), s.size()});
      arena_.append(s);
      words_ += 1 + BlobWords(s.size());
    }
    return ref;
  }

  std::string_view Get(uint32_t ref) const {
    return std::string_view(arena_.data() + spans_[ref].offset, spans_[ref].size);
  }
  size_t size() const { return spans_.size(); }
  size_t words() const { return words_; }  // the List(Data) in a message: pointers and bytes

  void Clear() {
    arena_.clear();
    spans_.assign(1, Span{});
    index_.Clear();
    words_ = 1;
  }

 private:
  struct Span {
    size_t offset = 0;
    size_t size = 0;
  };
  uint64_t seed_;
  std::string arena_;  // every string's bytes, back to back: one allocation, not one per string
  std::vector<Span> spans_;
  IndexTable index_;
  size_t words_ = 0;
};

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
        } else if constexpr (std::is_same_v<T, FileArgs>) {
          auto g = e.initFile();
          g.setPath(strings.Intern(a.path));
          g.setPath2(strings.Intern(a.path2));
          g.setFileFlags(a.file_flags);
          g.setMode(a.mode);
          g.setOwnerUid(a.owner_uid);
          g.setOwnerGid(a.owner_gid);
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

// ---------------------------------------------------------------------------------------------
// Decoding

namespace {

// What DecodeBody bounds, beyond Cap'n Proto's own pointer checks:
// - reading: the traversal limit is a multiple of the message's own size, so pointers aliasing
//   one big object cannot make a small message cost a lot of reading (kTraversalFactor), and a
//   walk of the whole message up front applies it and the nesting limit to every pointer,
//   including those in fields this build does not know;
// - refs: every string ref and context index is checked against its table;
// - output: refs alias too, and the traversal limit cannot see it. A 1 MiB message whose 10^4
//   events all name one 100 KiB string is legal Cap'n Proto and would decode to 1 GB, so every
//   byte the decoder materializes (records and strings) is charged to a budget proportional to
//   the message: 64 times its size, at least 64 MiB (a small chunk of a loop exec'ing a program
//   with a 4 KiB command line must still decode), at most 1 GiB.
constexpr size_t kBudgetFactor = 64;
constexpr size_t kMinBudget = size_t{64} << 20;
constexpr size_t kMaxBudget = size_t{1} << 30;

const char* KindLabel(ChunkKind kind) {
  switch (kind) {
    case ChunkKind::kHeader: return "header";
    case ChunkKind::kEvents: return "events";
    case ChunkKind::kSnapshot: return "snapshot";
    case ChunkKind::kContainers: return "containers";
    case ChunkKind::kLosses: return "losses";
    case ChunkKind::kStats: return "stats";
    case ChunkKind::kFooter: return "footer";
  }
  return nullptr;
}

using Which = schema::Event::Which;

// One chunk's decode. Methods return false with error_ set; the caller names the record.
class Decoder {
 public:
  explicit Decoder(size_t raw_bytes)
      : budget_(std::clamp(raw_bytes * kBudgetFactor, kMinBudget, kMaxBudget)) {}

  bool Decode(ChunkKind kind, schema::ChunkBody::Reader root, ChunkBody* out);
  const std::string& error() const { return error_; }

 private:
  bool Fail(std::string reason) {
    error_ = std::move(reason);
    return false;
  }
  bool Charge(size_t bytes) {
    if (bytes <= budget_ - used_) {
      used_ += bytes;
      return true;
    }
    return Fail("decoded records exceed " + std::to_string(budget_) +
                " bytes (strings shared by too many records?)");
  }
  // Charges for `count` records of type T before the vector holding them is reserved.
  template <typename T>
  bool Reserve(size_t count, std::vector<T>* out) {
    if (count > budget_ / sizeof(T) || !Charge(count * sizeof(T))) {
      return Fail("a list of " + std::to_string(count) + " records exceeds the decode budget");
    }
    out->reserve(count);
    return true;
  }
  bool CheckRef(uint32_t ref);
  bool Str(uint32_t ref, std::string* out);
  bool Argv(uint32_t ref, std::vector<std::string>* out);
  bool Blob(capnp::Data::Reader data, std::string* out) {
    if (!Charge(data.size())) return false;
    out->assign(reinterpret_cast<const char*>(data.begin()), data.size());
    return true;
  }
  bool Blobs(capnp::List<capnp::Data>::Reader list, std::vector<std::string>* out);
  bool Pairs(capnp::List<schema::KeyValue>::Reader list, KeyValues* out);

  bool Strings(schema::ChunkBody::Reader root);
  bool Context(schema::TaskContext::Reader r, TaskContext* out);
  bool Contexts(schema::ChunkBody::Reader root);
  bool Events(capnp::List<schema::Event>::Reader list, std::vector<Event>* out);
  bool Args(schema::Event::Reader e, EventArgs* out);
  bool Processes(capnp::List<schema::ProcessRecord>::Reader list, std::vector<ProcessRecord>* out);
  bool Container(schema::ContainerRecord::Reader r, ContainerRecord* out);
  bool Losses(capnp::List<schema::LossRecord>::Reader list, std::vector<LossRecord>* out);
  bool Stats(schema::RecorderStats::Reader r, RecorderStats* out);
  bool Header(schema::CaptureHeader::Reader r, CaptureHeader* out);
  bool FooterRecord(schema::Footer::Reader r, Footer* out);

  const size_t budget_;
  size_t used_ = 0;
  std::vector<std::string_view> strings_;  // views into the message
  std::vector<TaskContext> contexts_;
  std::vector<size_t> context_bytes_;  // string bytes each context costs when copied
  std::string error_;
};

bool Decoder::Decode(ChunkKind kind, schema::ChunkBody::Reader root, ChunkBody* out) {
  switch (kind) {
    case ChunkKind::kEvents:
      return Strings(root) && Contexts(root) && Events(root.getEvents(), &out->events);
    case ChunkKind::kSnapshot:
      return Strings(root) && Processes(root.getProcesses(), &out->processes);
    case ChunkKind::kContainers: {
      auto list = root.getContainers();
      if (!Reserve(list.size(), &out->containers)) return false;
      for (unsigned i = 0; i < list.size(); ++i) {
        if (!Container(list[i], &out->containers.emplace_back())) {
          return Fail("container " + std::to_string(i) + ": " + error_);
        }
      }
      return true;
    }
    case ChunkKind::kLosses:
      return Losses(root.getLosses(), &out->losses);
    case ChunkKind::kStats:
      if (!root.hasStats()) return Fail("no stats record");
      return Stats(root.getStats(), &out->stats.emplace());
    case ChunkKind::kHeader:
      if (!root.hasHeader()) return Fail("no header record");
      return Header(root.getHeader(), &out->header.emplace());
    case ChunkKind::kFooter:
      if (!root.hasFooter()) return Fail("no footer record");
      return FooterRecord(root.getFooter(), &out->footer.emplace());
  }
  return Fail("unknown chunk kind");
}

bool Decoder::CheckRef(uint32_t ref) {
  if (ref < strings_.size()) return true;
  return Fail("string ref " + std::to_string(ref) + " out of range (strings: " +
              std::to_string(strings_.size()) + ")");
}

bool Decoder::Str(uint32_t ref, std::string* out) {
  if (ref == 0) {  // "absent", whatever a hostile entry 0 holds
    out->clear();
    return true;
  }
  if (!CheckRef(ref)) return false;
  std::string_view s = strings_[ref];
  if (!Charge(s.size())) return false;
  out->assign(s.data(), s.size());
  return true;
}

// Each argument is followed by a NUL; a blob cut short keeps its unterminated tail as the last
// argument, since a truncated command line is still evidence.
bool Decoder::Argv(uint32_t ref, std::vector<std::string>* out) {
  out->clear();
  if (ref == 0) return true;
  if (!CheckRef(ref)) return false;
  std::string_view blob = strings_[ref];
  while (!blob.empty()) {
    size_t nul = blob.find('\0');
    std::string_view arg = blob.substr(0, nul);
    if (!Charge(sizeof(std::string) + arg.size())) return false;
    out->emplace_back(arg);
    if (nul == std::string_view::npos) break;
    blob.remove_prefix(nul + 1);
  }
  return true;
}

bool Decoder::Blobs(capnp::List<capnp::Data>::Reader list, std::vector<std::string>* out) {
  if (!Reserve(list.size(), out)) return false;
  for (auto data : list) {
    if (!Blob(data, &out->emplace_back())) return false;
  }
  return true;
}

bool Decoder::Pairs(capnp::List<schema::KeyValue>::Reader list, KeyValues* out) {
  if (!Reserve(list.size(), out)) return false;
  for (auto kv : list) {
    auto& [key, value] = out->emplace_back();
    if (!Blob(kv.getKey(), &key) || !Blob(kv.getValue(), &value)) return false;
  }
  return true;
}

bool Decoder::Strings(schema::ChunkBody::Reader root) {
  auto list = root.getStrings();
  if (!Reserve(list.size(), &strings_)) return false;
  for (auto data : list) strings_.push_back(AsView(data));
  return true;
}

bool Decoder::Context(schema::TaskContext::Reader r, TaskContext* c) {
  c->pid = r.getPid();
  c->tid = r.getTid();
  c->ppid = r.getPpid();
  c->process_start_ns = r.getProcessStartNs();
  c->uid = r.getUid();
  c->gid = r.getGid();
  c->euid = r.getEuid();
  c->egid = r.getEgid();
  c->login_uid = r.getLoginUid();
  c->cap_effective = r.getCapEffective();
  c->mnt_ns = r.getMntNs();
  c->pid_ns = r.getPidNs();
  c->user_ns = r.getUserNs();
  c->net_ns = r.getNetNs();
  c->uts_ns = r.getUtsNs();
  c->ipc_ns = r.getIpcNs();
  c->cgroup_ns = r.getCgroupNs();
  c->cgroup_id = r.getCgroupId();
  c->flags = r.getFlags();
  return Str(r.getCgroupPath(), &c->cgroup_path) && Str(r.getContainerId(), &c->container_id) &&
         Str(r.getComm(), &c->comm);
}

bool Decoder::Contexts(schema::ChunkBody::Reader root) {
  auto list = root.getContexts();
  if (!Reserve(list.size(), &contexts_)) return false;
  context_bytes_.reserve(list.size());
  for (unsigned i = 0; i < list.size(); ++i) {
    TaskContext& c = contexts_.emplace_back();
    if (!Context(list[i], &c)) return Fail("context " + std::to_string(i) + ": " + error_);
    context_bytes_.push_back(c.cgroup_path.size() + c.container_id.size() + c.comm.size());
  }
  return true;
}

bool Decoder::Events(capnp::List<schema::Event>::Reader list, std::vector<Event>* out) {
  if (!Reserve(list.size(), out)) return false;
  for (unsigned i = 0; i < list.size(); ++i) {
    auto r = list[i];
    Event& e = out->emplace_back();
    e.time_ns = r.getTimeNs();
    e.cpu = r.getCpu();
    e.op = static_cast<Op>(static_cast<uint16_t>(r.getOp()));  // unknown values stay numbers
    e.ret = r.getRet();
    uint32_t context = r.getContext();
    bool ok = true;
    if (context >= contexts_.size()) {
      ok = Fail("context " + std::to_string(context) + " out of range (contexts: " +
                std::to_string(contexts_.size()) + ")");
    } else if ((ok = Charge(context_bytes_[context]))) {
      e.context = contexts_[context];
      ok = Args(r, &e.args);
    }
    if (!ok) return Fail("event " + std::to_string(i) + ": " + error_);
  }
  return true;
}

bool Decoder::Args(schema::Event::Reader e, EventArgs* out) {
  switch (e.which()) {
    case Which::NONE:
      out->emplace<NoArgs>();
      return true;
    case Which::FORK: {
      auto g = e.getFork();
      out->emplace<ForkArgs>(ForkArgs{g.getChildPid(), g.getChildTid(), g.getCloneFlags(),
                                      g.getChildStartNs()});
      return true;
    }
    case Which::EXEC: {
      auto g = e.getExec();
      auto& a = out->emplace<ExecArgs>();
      a.argc = g.getArgc();
      a.exec_flags = g.getExecFlags();
      return Str(g.getFilename(), &a.filename) && Str(g.getInterpreter(), &a.interpreter) &&
             Str(g.getCwd(), &a.cwd) && Argv(g.getArgv(), &a.argv);
    }
    case Which::EXIT: {
      auto g = e.getExit();
      out->emplace<ExitArgs>(ExitArgs{g.getExitCode(), g.getExitSignal()});
      return true;
    }
    case Which::CRED: {
      auto g = e.getCred();
      out->emplace<CredArgs>(CredArgs{g.getId0(), g.getId1(), g.getId2(), g.getOldUid(),
                                      g.getOldEuid(), g.getCaps()});
      return true;
    }
    case Which::CONTROL: {
      auto g = e.getControl();
      auto& a = out->emplace<ControlArgs>();
      a.cmd = g.getCmd();
      a.arg = g.getArg();
      return Str(g.getName(), &a.name);
    }
    case Which::NS: {
      auto g = e.getNs();
      auto& a = out->emplace<NsArgs>();
      a.ns_flags = g.getNsFlags();
      a.fd = g.getFd();
      a.ns_cmd = g.getNsCmd();
      a.ns_inode = g.getNsInode();
      return Str(g.getSource(), &a.source) && Str(g.getTarget(), &a.target) &&
             Str(g.getFsType(), &a.fs_type) && Str(g.getKey(), &a.key) &&
             Str(g.getValue(), &a.value);
    }
    case Which::TARGET: {
      auto g = e.getTarget();
      out->emplace<TargetArgs>(
          TargetArgs{g.getTargetPid(), g.getSignal(), g.getRequest(), g.getAddr()});
      return true;
    }
    case Which::FILE: {
      auto g = e.getFile();
      auto& a = out->emplace<FileArgs>();
      a.file_flags = g.getFileFlags();
      a.mode = g.getMode();
      a.owner_uid = g.getOwnerUid();
      a.owner_gid = g.getOwnerGid();
      return Str(g.getPath(), &a.path) && Str(g.getPath2(), &a.path2);
    }
    case Which::MEMORY: {
      auto g = e.getMemory();
      auto& a = out->emplace<MemoryArgs>();
      a.addr = g.getAddr();
      a.length = g.getLength();
      a.prot = g.getProt();
      a.mem_flags = g.getMemFlags();
      a.mem_fd = g.getMemFd();
      return Str(g.getMemName(), &a.mem_name);
    }
    case Which::NET: {
      auto g = e.getNet();
      auto& a = out->emplace<NetArgs>();
      a.family = g.getFamily();
      a.port = g.getPort();
      a.addr_hi = g.getAddrHi();
      a.addr_lo = g.getAddrLo();
      a.sock_fd = g.getSockFd();
      a.backlog = g.getBacklog();
      return Str(g.getSockPath(), &a.sock_path);
    }
    case Which::SYSCALL: {
      auto g = e.getSyscall();
      out->emplace<SyscallArgs>(
          SyscallArgs{g.getNr(), g.getArg0(), g.getArg1(), g.getArg2(), g.getArg3()});
      return true;
    }
  }
  // A union member from a newer writer: kept, with its number, rather than failing the chunk.
  out->emplace<UnknownArgs>(UnknownArgs{static_cast<uint16_t>(e.which())});
  return true;
}

bool Decoder::Processes(capnp::List<schema::ProcessRecord>::Reader list,
                        std::vector<ProcessRecord>* out) {
  if (!Reserve(list.size(), out)) return false;
  for (unsigned i = 0; i < list.size(); ++i) {
    auto r = list[i];
    ProcessRecord& p = out->emplace_back();
    p.observed_ns = r.getObservedNs();
    if (!Context(r.getContext(), &p.context) ||
        !Str(r.getExe(), &p.exe) || !Str(r.getCwd(), &p.cwd) || !Argv(r.getArgv(), &p.argv)) {
      return Fail("process " + std::to_string(i) + ": " + error_);
    }
  }
  return true;
}

bool Decoder::Container(schema::ContainerRecord::Reader r, ContainerRecord* c) {
  c->privileged = r.getPrivileged();
  c->init_pid = r.getInitPid();
  c->observed_ns = r.getObservedNs();
  if (!Blob(r.getId(), &c->id) || !Blob(r.getName(), &c->name) ||
      !Blob(r.getImage(), &c->image) || !Blob(r.getImageDigest(), &c->image_digest) ||
      !Blob(r.getRuntime(), &c->runtime) || !Blob(r.getCgroupPath(), &c->cgroup_path) ||
      !Pairs(r.getLabels(), &c->labels) || !Pairs(r.getAnnotations(), &c->annotations) ||
      !Blob(r.getPodName(), &c->pod_name) || !Blob(r.getPodNamespace(), &c->pod_namespace) ||
      !Blob(r.getPodUid(), &c->pod_uid) || !Blob(r.getBundle(), &c->bundle) ||
      !Blob(r.getStatus(), &c->status) || !Blobs(r.getCapabilities(), &c->capabilities) ||
      !Pairs(r.getNamespaces(), &c->namespaces)) {
    return false;
  }
  auto mounts = r.getMounts();
  if (!Reserve(mounts.size(), &c->mounts)) return false;
  for (auto m : mounts) {
    MountRecord& mount = c->mounts.emplace_back();
    if (!Blob(m.getSource(), &mount.source) || !Blob(m.getDestination(), &mount.destination) ||
        !Blob(m.getType(), &mount.type) || !Blobs(m.getOptions(), &mount.options)) {
      return false;
    }
  }
  return true;
}

bool Decoder::Losses(capnp::List<schema::LossRecord>::Reader list, std::vector<LossRecord>* out) {
  if (!Reserve(list.size(), out)) return false;
  for (auto r : list) {
    LossRecord& l = out->emplace_back();
    l.source = static_cast<LossSource>(static_cast<uint16_t>(r.getSource()));
    l.cpu = r.getCpu();
    l.count = r.getCount();
    l.first_ns = r.getFirstNs();
    l.last_ns = r.getLastNs();
    if (!Blob(r.getReason(), &l.reason)) return false;
  }
  return true;
}

bool Decoder::Stats(schema::RecorderStats::Reader r, RecorderStats* out) {
  out->time_ns = r.getTimeNs();
  auto counters = r.getCounters();
  if (!Reserve(counters.size(), &out->counters)) return false;
  for (auto c : counters) {
    auto& [name, value] = out->counters.emplace_back();
    value = c.getValue();
    if (!Blob(c.getName(), &name)) return false;
  }
  return true;
}

bool Decoder::Header(schema::CaptureHeader::Reader r, CaptureHeader* h) {
  auto host = r.getHost();
  h->file_index = r.getFileIndex();
  h->host.cpus = host.getCpus();
  h->clock_boot_ns = r.getClockBootNs();
  h->clock_realtime_ns = r.getClockRealtimeNs();
  h->started_ns = r.getStartedNs();
  if (!Blob(r.getCaptureId(), &h->capture_id) || !Blob(r.getRecordingId(), &h->recording_id) ||
      !Blob(r.getPreviousDigest(), &h->previous_digest) ||
      !Blob(host.getHostname(), &h->host.hostname) ||
      !Blob(host.getMachineId(), &h->host.machine_id) ||
      !Blob(host.getBootId(), &h->host.boot_id) ||
      !Blob(host.getKernelRelease(), &h->host.kernel_release) ||
      !Blob(host.getKernelVersion(), &h->host.kernel_version) ||
      !Blob(host.getArch(), &h->host.arch) || !Blob(r.getRecorderName(), &h->recorder_name) ||
      !Blob(r.getRecorderVersion(), &h->recorder_version) || !Pairs(r.getOptions(), &h->options) ||
      !Blob(r.getBtfId(), &h->btf_id)) {
    return false;
  }
  auto probes = r.getProbes();
  if (!Reserve(probes.size(), &h->probes)) return false;
  for (auto p : probes) {
    ProbeRecord& probe = h->probes.emplace_back();
    probe.status = static_cast<ProbeStatus>(static_cast<uint16_t>(p.getStatus()));
    auto ops = p.getOps();
    if (!Blob(p.getName(), &probe.name) || !Blob(p.getDetail(), &probe.detail) ||
        !Reserve(ops.size(), &probe.ops)) {
      return false;
    }
    for (auto op : ops) probe.ops.push_back(static_cast<Op>(static_cast<uint16_t>(op)));
  }
  return true;
}

bool Decoder::FooterRecord(schema::Footer::Reader r, Footer* f) {
  f->stopped_ns = r.getStoppedNs();
  f->events = r.getEvents();
  f->lost = r.getLost();
  auto index = r.getIndex();
  if (!Blob(r.getStopReason(), &f->stop_reason) || !Reserve(index.size(), &f->index)) return false;
  for (auto x : index) {
    f->index.push_back(
        {x.getOffset(), x.getKind(), x.getRecords(), x.getFirstNs(), x.getLastNs()});
  }
  return true;
}

}  // namespace

Result<ChunkBody> DecodeBody(ChunkKind kind, std::span<const uint8_t> raw) {
  const char* label = KindLabel(kind);
  if (label == nullptr) {
    return Status::Corruption("decode chunk: unknown kind " +
                              std::to_string(static_cast<unsigned>(kind)));
  }
  const std::string what = std::string("decode ") + label + " chunk: ";
  if (raw.empty()) return Status::Corruption(what + "empty body");
  if (raw.size() % sizeof(capnp::word) != 0) {
    return Status::Corruption(what + std::to_string(raw.size()) +
                              " bytes is not a whole number of words");
  }
  if (raw.size() > kMaxRawSize) {
    return Status::Corruption(what + std::to_string(raw.size()) + " bytes exceeds the limit of " +
                              std::to_string(kMaxRawSize));
  }
  // Cap'n Proto reads words in place, so they must be aligned; a decompression buffer is, but a
  // span into a mapped file or a packed buffer need not be.
  const size_t word_count = raw.size() / sizeof(capnp::word);
  kj::Array<capnp::word> aligned;
  kj::ArrayPtr<const capnp::word> words;
  if (reinterpret_cast<uintptr_t>(raw.data()) % alignof(capnp::word) == 0) {
    words = kj::arrayPtr(reinterpret_cast<const capnp::word*>(raw.data()), word_count);
  } else {
    aligned = kj::heapArray<capnp::word>(word_count);
    std::memcpy(aligned.begin(), raw.data(), raw.size());
    words = aligned;
  }

  capnp::ReaderOptions options;
  options.traversalLimitInWords = std::max<uint64_t>(1024, word_count * kTraversalFactor);
  options.nestingLimit = kNestingLimit;
  ChunkBody body;
  // The one place Cap'n Proto's exceptions become a Status (STYLE.md, "Errors").
  try {
    capnp::FlatArrayMessageReader reader(words, options);
    if (reader.getEnd() != words.end()) {
      return Status::Corruption(what + std::to_string((words.end() - reader.getEnd()) * 8) +
                                " bytes after the message");
    }
    auto root = reader.getRoot<schema::ChunkBody>();
    // Walks every pointer, known fields or not, under the traversal and nesting limits: a
    // message that is malformed anywhere is rejected whole, not in the parts this build reads.
    (void)root.totalSize();
    Decoder decoder(raw.size());
    if (!decoder.Decode(kind, root, &body)) return Status::Corruption(what + decoder.error());
  } catch (const kj::Exception& e) {
    return Status::Corruption(what + e.getDescription().cStr());
  }
  return body;
}

}  // namespace amber::store

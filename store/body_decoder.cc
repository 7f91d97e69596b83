// DecodeBody (store/body_codec.h; docs/capture-format.md, "Chunk bodies" and "Limits").
// Every byte is hostile; see the comment above Decoder.
#include "store/body_codec.h"

#include <capnp/any.h>
#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string_view>

#include "store/capnp_util.h"

namespace amber::store {

using internal::AsView;

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


using Which = schema::Event::Which;

// The alternative T of an event's args, reusing the one already there (and its strings' capacity)
// when a reused Event held the same kind: decoding chunk after chunk into one ChunkBody then
// allocates almost nothing.
template <typename T>
T& Reuse(EventArgs* args) {
  if (T* same = std::get_if<T>(args)) return *same;
  return args->emplace<T>();
}

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
  out->resize(list.size());  // keeps the Events (and their capacity) of a reused body
  for (unsigned i = 0; i < list.size(); ++i) {
    auto r = list[i];
    Event& e = (*out)[i];
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
      auto& a = Reuse<ExecArgs>(out);
      a.argc = g.getArgc();
      a.exec_flags = g.getExecFlags();
      return Str(g.getFilename(), &a.filename) && Str(g.getInterpreter(), &a.interpreter) &&
             Str(g.getCwd(), &a.cwd) && Argv(g.getArgv(), &a.argv) &&
             Str(g.getExecutable(), &a.executable);
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
      auto& a = Reuse<ControlArgs>(out);
      a.cmd = g.getCmd();
      a.arg = g.getArg();
      return Str(g.getName(), &a.name);
    }
    case Which::NS: {
      auto g = e.getNs();
      auto& a = Reuse<NsArgs>(out);
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
      out->emplace<TargetArgs>(TargetArgs{g.getTargetPid(), g.getSignal(), g.getRequest(),
                                          g.getAddr(), g.getGivenPid()});
      return true;
    }
    case Which::FILE: {
      auto g = e.getFile();
      auto& a = Reuse<FileArgs>(out);
      a.file_flags = g.getFileFlags();
      a.mode = g.getMode();
      a.owner_uid = g.getOwnerUid();
      a.owner_gid = g.getOwnerGid();
      return Str(g.getPath(), &a.path) && Str(g.getPath2(), &a.path2) &&
             Str(g.getOpenedPath(), &a.opened_path);
    }
    case Which::MEMORY: {
      auto g = e.getMemory();
      auto& a = Reuse<MemoryArgs>(out);
      a.addr = g.getAddr();
      a.length = g.getLength();
      a.prot = g.getProt();
      a.mem_flags = g.getMemFlags();
      a.mem_fd = g.getMemFd();
      return Str(g.getMemName(), &a.mem_name);
    }
    case Which::NET: {
      auto g = e.getNet();
      auto& a = Reuse<NetArgs>(out);
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

Status DecodeBodyInto(ChunkKind kind, std::span<const uint8_t> raw, ChunkBody* body) {
  const std::string_view label = ChunkKindName(kind);
  if (label == "unknown") {
    return Status::Corruption("decode chunk: unknown kind " +
                              std::to_string(static_cast<unsigned>(kind)));
  }
  const std::string what = "decode " + std::string(label) + " chunk: ";
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
  // Events are overwritten in place (Decoder::Events); everything else starts empty.
  if (kind != ChunkKind::kEvents) body->events.clear();
  body->processes.clear();
  body->containers.clear();
  body->losses.clear();
  body->stats.reset();
  body->header.reset();
  body->footer.reset();
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
    if (!decoder.Decode(kind, root, body)) return Status::Corruption(what + decoder.error());
  } catch (const kj::Exception& e) {
    return Status::Corruption(what + e.getDescription().cStr());
  }
  return Status::Ok();
}

Result<ChunkBody> DecodeBody(ChunkKind kind, std::span<const uint8_t> raw) {
  ChunkBody body;
  AMBER_RETURN_IF_ERROR(DecodeBodyInto(kind, raw, &body));
  return body;
}

}  // namespace amber::store

#include "record/recorder.h"

#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "record/container_resolver.h"
#include "record/containers_only.h"
#include "record/decoder.h"
#include "record/host_info.h"
#include "record/loader.h"
#include "record/proc_snapshot.h"
#include "record/syscall_table.h"
#include "store/capture_writer.h"

namespace amber::record {
namespace {

constexpr uint64_t kSecondNs = 1'000'000'000ull;

struct Controller {
  const char* name;
  uint8_t code;  // bpf/common.bpf.h cgroup_v1_controllers
};
// record/cgroup_path.h's kPreferredControllers, in its order: events and the snapshot choose the
// cgroup path by the same rule (the decoder adds the v2 step).
constexpr Controller kControllers[] = {{"pids", 1}, {"memory", 2}, {"cpu", 3}};

// Where the v2 hierarchy is mounted: /sys/fs/cgroup/unified on hybrid hosts, /sys/fs/cgroup on
// pure v2 ones; empty when neither.
std::string UnifiedCgroupRoot() {
  for (const char* dir : {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"}) {
    struct statfs fs;
    if (statfs(dir, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC) return dir;
  }
  return "";
}

bool IsV1Hierarchy(const std::string& dir) {
  struct stat st;
  // v1 hierarchies have tasks files; the v2 hierarchy has cgroup.controllers instead.
  return stat((dir + "/tasks").c_str(), &st) == 0;
}

std::string SignalName(int sig) {
  if (sig == SIGINT) return "SIGINT";
  if (sig == SIGTERM) return "SIGTERM";
  if (sig == SIGHUP) return "SIGHUP";
  return std::to_string(sig);
}

std::string HumanBytes(uint64_t bytes) {
  char buf[32];
  if (bytes >= (1u << 20)) {
    snprintf(buf, sizeof(buf), "%.1f MiB", bytes / 1048576.0);
  } else {
    snprintf(buf, sizeof(buf), "%.1f KiB", bytes / 1024.0);
  }
  return buf;
}

// Per-CPU loss counters turned into loss records for each window in which they moved.
//
// A CPU's window starts at the previous reading, or earlier when a batch was pending then: a
// batch lost later may hold records from before that reading, back to its first record's time.
// Hence Update() takes two readings, the first (taken first) for the pending batches, so that a
// batch lost between the two readings is counted in this window, whose start already covered it.
class LossTracker {
 public:
  explicit LossTracker(uint64_t start_ns) : start_ns_(start_ns) {}

  // Appends loss records for what changed since the previous reading; returns events lost.
  uint64_t Update(const std::vector<amber_loss_counters>& pending,
                  const std::vector<amber_loss_counters>& now, uint64_t now_ns,
                  std::vector<store::LossRecord>* out) {
    if (prev_.size() != now.size()) prev_.assign(now.size(), amber_loss_counters{});
    if (window_start_ns_.size() != now.size()) window_start_ns_.assign(now.size(), start_ns_);
    uint64_t lost = 0;
    for (size_t cpu = 0; cpu < now.size(); cpu++) {
      const amber_loss_counters& a = prev_[cpu];
      const amber_loss_counters& b = now[cpu];
      if (b.ringbuf_drops > a.ringbuf_drops) {
        store::LossRecord r;
        r.source = store::LossSource::kRingBuffer;
        r.cpu = static_cast<uint32_t>(cpu);
        r.count = b.ringbuf_drops - a.ringbuf_drops;
        r.first_ns = window_start_ns_[cpu];
        r.last_ns = b.last_drop_ns;
        r.reason = "ring buffer full";
        lost += r.count;
        out->push_back(std::move(r));
      }
      if (b.truncations > a.truncations) {
        store::LossRecord r;
        r.source = store::LossSource::kKernelPath;
        r.cpu = static_cast<uint32_t>(cpu);
        r.count = b.truncations - a.truncations;
        r.first_ns = window_start_ns_[cpu];
        r.last_ns = b.last_truncation_ns;
        r.reason = "path or argv kept incomplete (event kept)";
        out->push_back(std::move(r));
      }
      uint64_t next = now_ns;
      if (cpu < pending.size() && pending[cpu].batch_pending && pending[cpu].batch_first_ns &&
          pending[cpu].batch_first_ns < next) {
        next = pending[cpu].batch_first_ns;
      }
      window_start_ns_[cpu] = next;
    }
    prev_ = now;
    return lost;
  }

  uint64_t total(unsigned long long amber_loss_counters::*field) const {
    uint64_t sum = 0;
    for (const auto& c : prev_) sum += c.*field;
    return sum;
  }

 private:
  uint64_t start_ns_;
  std::vector<amber_loss_counters> prev_;
  std::vector<uint64_t> window_start_ns_;  // per CPU
};

}  // namespace

Status Recorder::Run(const std::atomic<int>& stop, RecorderSummary* summary) {
  const RecorderOptions& o = options_;
  if (o.profile != "default" && o.profile != "full") {
    return Status::InvalidArgument("profile " + o.profile + ": not default or full");
  }
  if (!o.force && o.rotate_bytes == 0 && o.rotate_interval_ns == 0 && env_->FileExists(o.output)) {
    return Status::AlreadyExists("create capture " + o.output +
                                 ": file exists (--force to overwrite)");
  }

  // Settings for the kernel side.
  LoaderSettings ls;
  ls.self_tgid = static_cast<uint32_t>(getpid());
  ls.filter_tgid = o.filter_pid;
  ls.containers_only = o.containers_only;
  ls.filter_ns_inum = o.filter_ns;
  ls.profile_full = o.profile == "full";
  ls.ringbuf_bytes = o.ringbuf_bytes;
  ls.wakeup_bytes = o.ringbuf_bytes / 4;
  ls.verbose = o.verbose;
  std::vector<std::string> controller_names;
  for (const Controller& c : kControllers) {
    if (IsV1Hierarchy(std::string("/sys/fs/cgroup/") + c.name)) {
      ls.cgroup_v1_controllers.push_back(c.code);
      controller_names.push_back(c.name);
    }
  }
  if (!o.filter_cgroup.empty()) {
    if (controller_names.empty()) {
      return Status::NotSupported("filter cgroup " + o.filter_cgroup + ": no v1 hierarchy mounted");
    }
    struct stat st;
    std::string dir = "/sys/fs/cgroup/" + controller_names[0] + "/" + o.filter_cgroup;
    if (stat(dir.c_str(), &st) != 0) {
      return Status::NotFound("filter cgroup " + dir + ": " + std::strerror(errno));
    }
    ls.filter_cgroup_v1_id = st.st_ino;
  }
  for (uint16_t op = 0; op < store::kOpCount; op++) {
    if (OpInProfile(static_cast<store::Op>(op), o.profile) &&
        (!o.only_ops || o.only_ops->test(op)) && !o.excluded_ops.test(op)) {
      ls.ops.set(op);
    }
  }

  const std::string unified_root = UnifiedCgroupRoot();
  Decoder decoder("/sys/fs/cgroup", controller_names, unified_root);
  ContainerResolver resolver(ContainerResolverOptions{});
  std::unique_ptr<store::CaptureWriter> writer;
  Status write_error;
  uint64_t user_drops = 0;
  store::Event event;

  auto attribute_container = [&](store::TaskContext* context) {
    const std::string& path = context->cgroup_path;
    if (path.empty() || path == "/") return;
    std::optional<std::string> id = resolver.ContainerIdFor(path);
    if (!id) return;
    context->container_id = *id;
    if (std::optional<store::ContainerRecord> rec = resolver.Refresh(*id, context->pid)) {
      Status s = writer->AppendContainer(*rec);
      if (!s.ok() && write_error.ok()) write_error = s;
    }
  };

  auto write_event = [&](store::Event& e) {
    if (!write_error.ok()) {
      user_drops++;
      return;
    }
    attribute_container(&e.context);
    Status s = writer->AppendEvent(e);
    if (!s.ok()) {
      write_error = s;
      user_drops++;
    }
  };

  // --containers-only: the kernel drops the cgroups this filter names the host's; it decides
  // each cgroup (record/containers_only.h). Set once the loader exists.
  BpfLoader* bpf = nullptr;
  uint64_t host_cgroups_unmapped = 0;
  std::optional<ContainersOnlyFilter> containers_only;
  if (o.containers_only) {
    containers_only.emplace(
        ContainersOnlyOptions{},
        [&](std::string_view path) { return resolver.ContainerIdFor(path); }, write_event,
        [&](uint64_t key) {
          if (!bpf || !bpf->AddHostCgroup(key).ok()) host_cgroups_unmapped++;
        });
  }

  auto handler = [&](std::span<const uint8_t> record) {
    if (decoder.Decode(record, &event) != Decoder::Kind::kEvent) return;
    if (containers_only) {
      containers_only->Offer(decoder.cgroup_key(), std::move(event), BootTimeNs());
      event = store::Event{};
      return;
    }
    write_event(event);
  };

  // Load and attach first, so nothing started from here on is missed.
  Result<std::unique_ptr<BpfLoader>> loader = BpfLoader::Start(ls, handler);
  if (!loader.ok()) return loader.status();
  bpf = loader->get();

  store::CaptureHeader header;
  header.host = ReadHostInfo();
  header.recorder_name = "amber-record";
  header.recorder_version = "0.1.0";
  header.options = o.given;
  SampleClocks(&header);
  header.probes = (*loader)->probes();
  header.btf_id = BtfIdentity();
  header.started_ns = BootTimeNs();

  store::WriterOptions wo;
  wo.overwrite = o.force;
  wo.rotate_bytes = o.rotate_bytes;
  wo.rotate_interval_ns = o.rotate_interval_ns;
  wo.max_files = o.max_files;
  Result<std::unique_ptr<store::CaptureWriter>> created =
      store::CaptureWriter::Create(env_, o.output, header, wo);
  if (!created.ok()) return created.status();
  writer = std::move(*created);

  // What ran before the recording.
  if (o.snapshot) {
    SnapshotOptions so;
    so.resolver = &resolver;
    if (!unified_root.empty()) so.unified_cgroup_root = unified_root;
    Result<std::vector<store::ProcessRecord>> processes = SnapshotProcesses(so);
    if (processes.ok()) {
      for (store::ProcessRecord& p : *processes) {
        if (p.context.pid == ls.self_tgid) p.context.flags |= store::kTaskFlagRecorder;
        if (!p.context.container_id.empty()) {
          if (auto rec = resolver.Refresh(p.context.container_id, p.context.pid)) {
            AMBER_RETURN_IF_ERROR(writer->AppendContainer(*rec));
          }
        }
        AMBER_RETURN_IF_ERROR(writer->AppendProcess(p));
      }
    } else if (!o.quiet) {
      std::fprintf(stderr, "amber-record: process snapshot skipped: %s\n",
                   processes.status().ToString().c_str());
    }
  }

  const uint64_t start_ns = header.started_ns;
  LossTracker losses(start_ns);
  uint64_t lost_total = 0;
  uint64_t next_second_ns = start_ns + kSecondNs;
  uint64_t events_at_last_status = 0;
  std::string stop_reason;
  const bool tty = isatty(STDERR_FILENO);

  auto per_second = [&](uint64_t now, bool final_pass) {
    if (!write_error.ok()) return;
    Result<std::vector<amber_loss_counters>> pending = (*loader)->ReadLossCounters();
    Result<std::vector<amber_loss_counters>> counters = (*loader)->ReadLossCounters();
    if (pending.ok() && counters.ok()) {
      std::vector<store::LossRecord> records;
      lost_total += losses.Update(*pending, *counters, now, &records);
      if (user_drops > 0) {
        store::LossRecord r;
        r.source = store::LossSource::kUserSpace;
        r.count = user_drops;
        r.first_ns = start_ns;
        r.last_ns = now;
        r.reason = "decoded but not written";
        records.push_back(r);
        lost_total += user_drops;
        user_drops = 0;
      }
      for (const store::LossRecord& r : records) {
        Status s = writer->AppendLoss(r);
        if (!s.ok()) write_error = s;
      }
    }
    const store::WriterStats& ws = writer->stats();
    store::RecorderStats stats;
    stats.time_ns = now;
    stats.counters = {{"events", ws.events},
                      {"lost", lost_total},
                      {"raw_bytes", ws.raw_bytes},
                      {"stored_bytes", ws.stored_bytes},
                      {"kernel_emitted", losses.total(&amber_loss_counters::emitted)},
                      {"kernel_truncations", losses.total(&amber_loss_counters::truncations)},
                      {"malformed_records", decoder.malformed() + (*loader)->malformed_batches()},
                      {"cgroup_scans", decoder.cgroup_scans()}};
    if (containers_only) {
      stats.counters.push_back({"host_events_dropped", containers_only->dropped()});
      stats.counters.push_back({"host_cgroups_unmapped", host_cgroups_unmapped});
    }
    if (write_error.ok()) {
      Status s = writer->AppendStats(stats);
      if (!s.ok()) write_error = s;
    }
    if (!o.quiet && !final_pass) {
      double ratio = ws.stored_bytes ? static_cast<double>(ws.raw_bytes) / ws.stored_bytes : 0;
      std::fprintf(stderr, "%sevents/s %llu  events %llu  lost %llu  written %s  ratio %.1fx%s",
                   tty ? "\r\033[K" : "",
                   static_cast<unsigned long long>(ws.events - events_at_last_status),
                   static_cast<unsigned long long>(ws.events),
                   static_cast<unsigned long long>(lost_total), HumanBytes(ws.stored_bytes).c_str(),
                   ratio, tty ? "" : "\n");
      events_at_last_status = ws.events;
    }
  };

  while (true) {
    if (int sig = stop.load()) {
      stop_reason = "signal " + SignalName(sig);
      break;
    }
    Result<int> polled = (*loader)->Poll(static_cast<int>(o.poll_interval_ms));
    if (!polled.ok()) {
      stop_reason = "ring buffer error";
      write_error = polled.status();
      break;
    }
    uint64_t now = BootTimeNs();
    if (containers_only) containers_only->Tick(now);
    // At every poll, not only every second: a chunk goes to disk as soon as it is a second old.
    if (write_error.ok()) {
      Status s = writer->Tick();
      if (!s.ok()) write_error = s;
    }
    if (now >= next_second_ns) {
      per_second(now, false);
      next_second_ns = now + kSecondNs;
    }
    if (!write_error.ok()) {
      stop_reason = write_error.code() == StatusCode::kResourceExhausted ? "disk full" : "write error";
      break;
    }
    if (o.duration_ns && now - start_ns >= o.duration_ns) {
      stop_reason = "duration";
      break;
    }
  }
  if (!o.quiet && tty) std::fputc('\n', stderr);

  // Drain what the kernel holds (the CPUs' batches too), then the last window's losses and
  // statistics.
  if (write_error.ok()) {
    Result<int> finished = (*loader)->Finish();
    if (containers_only) containers_only->Finish(BootTimeNs());
    per_second(BootTimeNs(), true);
    if (!finished.ok()) write_error = finished.status();
  }
  Status closed = writer->Close(stop_reason);
  const store::WriterStats& ws = writer->stats();
  if (summary) {
    summary->events = ws.events;
    summary->lost = lost_total;
    summary->bytes = ws.stored_bytes;
    summary->stop_reason = stop_reason;
  }
  if (!write_error.ok()) {
    return write_error.Annotate("write capture " + o.output + " (stopped; chunks written so far stay readable)");
  }
  return closed;
}

}  // namespace amber::record

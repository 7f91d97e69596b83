#include "replay/loader.h"

#include <algorithm>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

#include "replay/process_state.h"
#include "replay/render.h"
#include "replay/row_writer.h"
#include "replay/schema_sql.h"
#include "store/capture_reader.h"
#include "store/hash.h"
#include "store/recording_chain.h"

namespace amber::replay {

namespace {

using store::ChunkKind;
using store::Verdict;

// The schema file's sections (see the top of schema.sql).
std::string_view Section(std::string_view marker_or_start, std::string_view end_marker) {
  std::string_view sql = kSchemaSql;
  size_t begin = marker_or_start.empty() ? 0 : sql.find(marker_or_start);
  size_t end = end_marker.empty() ? sql.size() : sql.find(end_marker);
  AMBER_CHECK(begin != std::string_view::npos && end != std::string_view::npos && begin <= end);
  return sql.substr(begin, end - begin);
}

struct Input {
  std::string path;
  // Only with --force: the verification pass made before loading, which tells which captures to
  // read in salvage mode. Without it the capture is verified while it loads (LoadCapture).
  std::optional<store::VerifyReport> report;
  store::CaptureHeader header;
  std::string uuid;  // hex capture id
  uint64_t file_size = 0;
};

// Containers of one host: runtime id -> row, ids assigned at first sight. Containers of an earlier
// load of the host keep their ids (Restore).
class ContainerTable {
 public:
  ContainerTable(int64_t host_id, int64_t* next_id) : host_id_(host_id), next_id_(next_id) {}

  // A row of an earlier load: seen again, it keeps its id and widens its first/last seen; its
  // metadata is rewritten only when a new metadata record arrives.
  void Restore(const std::string& runtime_id, int64_t id, int64_t first_seen_ns,
               int64_t last_seen_ns) {
    ContainerRow row;
    row.id = id;
    row.host_id = host_id_;
    row.record.id = runtime_id;
    row.first_seen_ns = first_seen_ns;
    row.last_seen_ns = last_seen_ns;
    rows_.emplace(runtime_id, std::move(row));
    stored_.insert(id);
  }

  int64_t Resolve(const std::string& runtime_id, int64_t utc_ns) {
    if (runtime_id.empty()) return 0;
    if (last_ != nullptr && last_->record.id == runtime_id) {
      Touch(last_, utc_ns);
      return last_->id;
    }
    auto it = rows_.find(runtime_id);
    if (it == rows_.end()) {
      ContainerRow row;
      row.id = (*next_id_)++;
      row.host_id = host_id_;
      row.record.id = runtime_id;
      row.inferred = true;  // until a metadata record arrives
      row.first_seen_ns = row.last_seen_ns = utc_ns;
      it = rows_.emplace(runtime_id, std::move(row)).first;
    }
    last_ = &it->second;
    Touch(last_, utc_ns);
    return last_->id;
  }

  void Update(const store::ContainerRecord& record, int64_t utc_ns) {
    int64_t id = Resolve(record.id, utc_ns);
    if (id == 0) return;
    ContainerRow& row = rows_[record.id];
    row.record = record;  // the latest metadata wins
    row.inferred = false;
    stored_.erase(id);    // rewritten whole
  }

  Status WriteAll(RowWriter* writer, Database* db) {
    std::vector<const ContainerRow*> rows;
    for (const auto& [key, row] : rows_) rows.push_back(&row);
    std::sort(rows.begin(), rows.end(), [](auto* a, auto* b) { return a->id < b->id; });
    Result<Statement> seen = db->Prepare(
        "UPDATE containers SET first_seen_ns = ?2, last_seen_ns = ?3 WHERE id = ?1");
    if (!seen.ok()) return seen.status();
    for (const ContainerRow* row : rows) {
      if (stored_.count(row->id) == 0) {
        AMBER_RETURN_IF_ERROR(writer->WriteContainer(*row));
        continue;
      }
      seen->BindInt(1, row->id);
      seen->BindInt(2, row->first_seen_ns);
      seen->BindInt(3, row->last_seen_ns);
      AMBER_RETURN_IF_ERROR(seen->Run());
    }
    return Status::Ok();
  }

 private:
  static void Touch(ContainerRow* row, int64_t utc_ns) {
    row->first_seen_ns = std::min(row->first_seen_ns, utc_ns);
    row->last_seen_ns = std::max(row->last_seen_ns, utc_ns);
  }
  int64_t host_id_;
  int64_t* next_id_;
  std::unordered_map<std::string, ContainerRow> rows_;  // node-based: last_ stays valid
  std::set<int64_t> stored_;  // restored rows with no new metadata: only their times change
  ContainerRow* last_ = nullptr;
};

// One capture being loaded: its reader, the events chunk it is at, and what its captures row will
// say. A host's captures are merged by event time through these (LoadRun::LoadHost).
struct CaptureLoad {
  const Input* input = nullptr;
  int64_t offset = 0;  // boot-time ns to Unix ns
  std::unique_ptr<store::CaptureReader> reader;
  LoadedCapture loaded;  // its capture_id and forced are the load's
  uint32_t chunks = 1;  // the header, read by Open
  uint64_t snapshot = 0, container_records = 0, lost = 0;
  std::optional<uint64_t> first_ns, last_ns;
  std::optional<store::Footer> footer;
  store::Chunk chunk;            // the events chunk being merged
  std::vector<uint32_t> order;   // its events in time order
  size_t next = 0;               // the next of them, an index into order
  bool finished = false;         // read to its end and its row written

  const store::Event* Peek() const {
    return next < order.size() ? &chunk.body.events[order[next]] : nullptr;
  }
};

// One Load() call.
class LoadRun {
 public:
  LoadRun(store::Env* env, Database* db, const LoadOptions& options)
      : env_(env), db_(db), options_(options) {}

  Result<LoadReport> Run(const std::vector<std::string>& paths);

 private:
  Status InspectAll(const std::vector<std::string>& paths);
  Status ReadHeader(const std::string& path, Input* input);
  Result<int64_t> HostId(const store::HostInfo& host, bool* existed);
  Status RestoreHost(int64_t host_id, ProcessState* state, ContainerTable* containers);
  Status LoadHost(const std::vector<const Input*>& inputs, int64_t host_id, bool existed);
  Status OpenCapture(const Input& input, CaptureLoad* load);
  Status Advance(CaptureLoad* load, int64_t host_id, ProcessState* state,
                 ContainerTable* containers);
  Status FinishCapture(CaptureLoad* load, int64_t host_id);
  // Points the event rows (capture_id_) and the state machine at `load`'s capture.
  void UseCapture(const CaptureLoad& load, ProcessState* state);
  Status MergeHost(const std::vector<const Input*>& inputs, int64_t host_id, ProcessState* state,
                   ContainerTable* containers);
  Status HandleEvent(const store::Event& e, int64_t offset, ProcessState* state,
                     ContainerTable* containers);
  void Progress(const std::string& path, uint64_t offset);
  Status CheckRecordingChains();

  store::Env* env_;
  Database* db_;
  const LoadOptions& options_;
  std::vector<Input> inputs_;
  std::unique_ptr<RowWriter> writer_;
  LoadReport report_;
  int64_t capture_id_ = 0;  // the capture whose events are being handled (UseCapture)
  int64_t next_capture_id_ = 1, next_host_id_ = 1, next_process_id_ = 1, next_container_id_ = 1;
  uint64_t events_done_ = 0, bytes_total_ = 0, bytes_done_ = 0;
  int64_t load_order_ = 0;
};

// Without --force a capture is verified while it loads, in one pass (LoadCapture): here only its
// header is read. With --force every capture is verified first, since its verdict decides whether
// it is read in salvage mode.
Status LoadRun::ReadHeader(const std::string& path, Input* input) {
  if (options_.force) {
    Result<store::VerifyReport> report = store::VerifyCapture(env_, path);
    if (!report.ok()) return report.status().Annotate("verify capture " + path);
    if (!report->header) {
      return Status::Corruption("load capture " + path + ": no readable header (" +
                                (report->first_problem ? report->first_problem->message : "") +
                                ")");
    }
    input->header = *report->header;
    input->report = std::move(report).value();
    if (auto file = env_->NewReadableFile(path); file.ok()) {  // the size, for progress only
      if (Result<uint64_t> size = (*file)->Size(); size.ok()) input->file_size = *size;
    }
  } else {
    auto reader = store::CaptureReader::Open(env_, path);
    if (!reader.ok()) {
      if (reader.status().code() != StatusCode::kCorruption) {
        return reader.status().Annotate("verify capture " + path);
      }
      return Status::Corruption("load capture " + path + ": no readable header (" +
                                reader.status().message() + ")");
    }
    input->header = (*reader)->header();
    input->file_size = (*reader)->file_size();
  }
  return Status::Ok();
}

Status LoadRun::InspectAll(const std::vector<std::string>& paths) {
  std::set<std::string> seen;
  Result<Statement> known = db_->Prepare("SELECT path FROM captures WHERE capture_uuid = ?1");
  if (!known.ok()) return known.status();
  for (const std::string& path : paths) {
    Input input;
    input.path = path;
    AMBER_RETURN_IF_ERROR(ReadHeader(path, &input));
    input.uuid = store::BytesHex(input.header.capture_id);
    if (!seen.insert(input.uuid).second) {
      return Status::AlreadyExists("load capture " + path + ": capture " + input.uuid +
                                   " given twice");
    }
    known->BindText(1, input.uuid);
    Result<bool> row = known->Step();
    if (!row.ok()) return row.status();
    if (row.value()) {
      std::string earlier = known->ColumnString(0);
      known->Reset();
      return Status::AlreadyExists("load capture " + path + ": capture " + input.uuid +
                                   " is already in the case database (loaded from " + earlier +
                                   ")");
    }
    known->Reset();
    bytes_total_ += input.file_size;
    inputs_.push_back(std::move(input));
  }
  return Status::Ok();
}

Result<int64_t> LoadRun::HostId(const store::HostInfo& host, bool* existed) {
  *existed = false;
  Result<Statement> find = db_->Prepare(
      "SELECT id FROM hosts WHERE machine_id IS ?1 AND boot_id IS ?2 AND hostname IS ?3");
  if (!find.ok()) return find.status();
  find->BindBytes(1, host.machine_id);
  find->BindBytes(2, host.boot_id);
  find->BindBytes(3, host.hostname);
  Result<bool> row = find->Step();
  if (!row.ok()) return row.status();
  if (row.value()) {
    *existed = true;
    return find->ColumnInt(0);
  }
  Result<Statement> insert = db_->Prepare(
      "INSERT INTO hosts(id,hostname,machine_id,boot_id,kernel_release,kernel_version,arch,cpus) "
      "VALUES (?1,?2,?3,?4,?5,?6,?7,?8)");
  if (!insert.ok()) return insert.status();
  int64_t id = next_host_id_++;
  insert->BindInt(1, id);
  insert->BindBytes(2, host.hostname);
  insert->BindBytes(3, host.machine_id);
  insert->BindBytes(4, host.boot_id);
  insert->BindBytes(5, host.kernel_release);
  insert->BindBytes(6, host.kernel_version);
  insert->BindBytes(7, host.arch);
  insert->BindInt(8, host.cpus);
  AMBER_RETURN_IF_ERROR(insert->Run());
  return id;
}

void LoadRun::Progress(const std::string& path, uint64_t offset) {
  if (options_.progress) {
    options_.progress(LoadProgress{events_done_, bytes_done_ + offset, bytes_total_, path});
  }
}

Status LoadRun::HandleEvent(const store::Event& e, int64_t offset, ProcessState* state,
                            ContainerTable* containers) {
  EventLinks links;
  links.capture_id = capture_id_;
  links.utc_ns = static_cast<int64_t>(e.time_ns) + offset;
  links.container_id = containers->Resolve(e.context.container_id, links.utc_ns);
  ProcessRow* self = state->Attribute(e.context, e.time_ns, links.container_id);
  links.process_id = self->id;
  ExecOutcome exec;
  switch (e.op) {
    case store::Op::kFork:
      if (const auto* a = std::get_if<store::ForkArgs>(&e.args)) {
        ProcessRow* child = state->OnFork(self, e, *a);
        if (child != nullptr) links.child_process_id = child->id;
      }
      break;
    case store::Op::kExec: {
      store::ExecArgs none;
      const auto* a = std::get_if<store::ExecArgs>(&e.args);
      exec = state->OnExec(self, e, a != nullptr ? *a : none);
      links.exec = &exec;
      break;
    }
    case store::Op::kExit: {
      const auto* a = std::get_if<store::ExitArgs>(&e.args);
      state->OnExit(self, e, a != nullptr ? *a : store::ExitArgs{});
      break;
    }
    default:
      if (TableForOp(e.op) == EventTable::kTarget) {
        const auto* a = std::get_if<store::TargetArgs>(&e.args);
        const ProcessRow* target = a != nullptr ? state->FindByPid(a->target_pid) : nullptr;
        if (target != nullptr) links.target_process_id = target->id;
      }
  }
  return writer_->WriteEvent(e, links);
}

Status LoadRun::OpenCapture(const Input& input, CaptureLoad* load) {
  load->input = &input;
  load->offset = input.header.ToUnixNs(0);
  const bool forced = input.report && (input.report->verdict == Verdict::kTampered ||
                                       input.report->verdict == Verdict::kCorrupt);
  auto reader = store::CaptureReader::Open(env_, input.path, {.salvage = forced});
  if (!reader.ok()) return reader.status().Annotate("load capture " + input.path);
  load->reader = std::move(reader).value();
  load->loaded = LoadedCapture{input.path, "", forced, 0, 0, next_capture_id_++};
  return Status::Ok();
}

void LoadRun::UseCapture(const CaptureLoad& load, ProcessState* state) {
  if (capture_id_ == load.loaded.capture_id) return;
  capture_id_ = load.loaded.capture_id;
  state->SetCapture(capture_id_, load.offset);
}

// Reads the capture's chunks up to its next events chunk with events in it, taking in the records
// on the way (snapshot, containers, losses, footer); at the end of the file, finishes it.
Status LoadRun::Advance(CaptureLoad* load, int64_t host_id, ProcessState* state,
                        ContainerTable* containers) {
  const int64_t offset = load->offset;
  UseCapture(*load, state);
  store::Chunk& chunk = load->chunk;
  load->order.clear();
  load->next = 0;
  while (load->reader->Next(&chunk)) {
    ++load->chunks;
    switch (chunk.kind) {
      case ChunkKind::kSnapshot:
        for (const store::ProcessRecord& p : chunk.body.processes) {
          int64_t utc = static_cast<int64_t>(p.observed_ns) + offset;
          state->Seed(p, containers->Resolve(p.context.container_id, utc));
          ++load->snapshot;
        }
        break;
      case ChunkKind::kContainers:
        for (const store::ContainerRecord& c : chunk.body.containers) {
          containers->Update(c, static_cast<int64_t>(c.observed_ns) + offset);
          ++load->container_records;
        }
        break;
      case ChunkKind::kEvents: {
        // A snapshot may span chunks in /proc order: parents are linked once it is complete.
        state->FinishSnapshot();
        const auto& events = chunk.body.events;
        if (events.empty()) break;
        // Earlier recorders wrote events in the order they drained per-CPU buffers: put the
        // chunk in time order (stable, so equal times keep their order) for the state machine.
        load->order.resize(events.size());
        std::iota(load->order.begin(), load->order.end(), 0u);
        std::stable_sort(load->order.begin(), load->order.end(), [&](uint32_t a, uint32_t b) {
          return events[a].time_ns < events[b].time_ns;
        });
        load->loaded.events += events.size();
        return Status::Ok();
      }
      case ChunkKind::kLosses:
        for (const store::LossRecord& l : chunk.body.losses) {
          GapRow gap{load->loaded.capture_id, store::LossSourceName(l.source), std::nullopt,
                     l.count, static_cast<int64_t>(l.first_ns) + offset,
                     static_cast<int64_t>(l.last_ns) + offset, l.reason};
          if (l.cpu != store::kNoCpu) gap.cpu = l.cpu;
          AMBER_RETURN_IF_ERROR(writer_->WriteGap(gap));
          // kernel_path records count events kept with a path or argv cut short: not missing ones.
          if (l.source != store::LossSource::kKernelPath) load->lost += l.count;
          ++load->loaded.gaps;
        }
        break;
      case ChunkKind::kFooter:
        load->footer = chunk.body.footer;
        break;
      default:
        break;  // stats: counters only; header: already read
    }
  }
  state->FinishSnapshot();
  return FinishCapture(load, host_id);
}

Status LoadRun::FinishCapture(CaptureLoad* load, int64_t host_id) {
  const Input& input = *load->input;
  const store::CaptureHeader& h = input.header;
  const store::CaptureReader& reader = *load->reader;
  LoadedCapture& loaded = load->loaded;
  // The verification of a capture loaded without --force: the reader has checked every chunk as it
  // went (framing, CRC, hash chain, decoding, footer index), exactly as VerifyCapture does, and
  // stopped at the first problem. A tampered or corrupt capture fails the load, and the
  // transaction's rollback leaves the case as it was: nothing of it is kept.
  Verdict verdict = input.report ? input.report->verdict : reader.verdict();
  std::optional<store::Problem> first_problem;
  if (input.report) {
    first_problem = input.report->first_problem;
  } else if (!reader.problems().empty()) {
    first_problem = reader.problems().front();
  }
  if (!input.report && (verdict == Verdict::kTampered || verdict == Verdict::kCorrupt)) {
    return Status::Corruption("load capture " + input.path + ": verdict " +
                              std::string(store::VerdictName(verdict)) + " (" +
                              (first_problem ? first_problem->message : "") +
                              "); refusing it (--force loads its readable chunks)");
  }
  loaded.verdict = store::VerdictName(verdict);
  // Where the file stops short or was damaged, evidence is missing: say so.
  std::optional<int64_t> cut_at;
  if (load->last_ns) cut_at = static_cast<int64_t>(*load->last_ns) + load->offset;
  for (const store::Problem& p : reader.problems()) {
    GapRow gap{loaded.capture_id, std::string(store::VerdictName(p.verdict)), std::nullopt,
               std::nullopt, cut_at, std::nullopt, p.message};
    AMBER_RETURN_IF_ERROR(writer_->WriteGap(gap));
    ++loaded.gaps;
  }
  if (reader.problems().empty() && verdict == Verdict::kTruncated) {
    GapRow gap{loaded.capture_id, "truncated", std::nullopt, std::nullopt, cut_at, std::nullopt,
               "capture ends without a footer"};
    AMBER_RETURN_IF_ERROR(writer_->WriteGap(gap));
    ++loaded.gaps;
  }

  Result<Statement> insert = db_->Prepare(
      "INSERT INTO captures(id,capture_uuid,recording_uuid,file_index,previous_digest,path,"
      "file_size,host_id,recorder_name,recorder_version,options,btf_id,clock_offset_ns,started_ns,"
      "stopped_ns,stop_reason,first_ns,last_ns,verdict,first_problem,forced,digest,chunks,events,"
      "snapshot_processes,container_records,lost_events,load_order) VALUES (?1,?2,?3,?4,?5,?6,?7,"
      "?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27,?28)");
  if (!insert.ok()) return insert.status();
  Statement& s = *insert;
  s.BindInt(1, loaded.capture_id);
  s.BindText(2, input.uuid);
  s.BindText(3, store::BytesHex(h.recording_id));
  s.BindInt(4, h.file_index);
  if (!h.previous_digest.empty()) s.BindText(5, store::BytesHex(h.previous_digest));
  s.BindBytes(6, input.path);
  s.BindInt(7, static_cast<int64_t>(reader.file_size()));
  s.BindInt(8, host_id);
  s.BindBytes(9, h.recorder_name);
  s.BindBytes(10, h.recorder_version);
  s.BindText(11, KeyValuesJson(h.options));
  if (!h.btf_id.empty()) s.BindText(12, store::BytesHex(h.btf_id));
  s.BindInt(13, load->offset);
  s.BindInt(14, h.ToUnixNs(h.started_ns));
  if (load->footer) {
    s.BindInt(15, h.ToUnixNs(load->footer->stopped_ns));
    s.BindBytes(16, load->footer->stop_reason);
  }
  if (load->first_ns) s.BindInt(17, h.ToUnixNs(*load->first_ns));
  if (load->last_ns) s.BindInt(18, h.ToUnixNs(*load->last_ns));
  s.BindText(19, loaded.verdict);
  if (first_problem) s.BindBytes(20, first_problem->message);
  s.BindInt(21, loaded.forced);
  s.BindText(22, store::DigestHex(input.report ? input.report->digest : reader.digest()));
  s.BindInt(23, input.report ? input.report->chunks : load->chunks);
  s.BindInt(24, static_cast<int64_t>(loaded.events));
  s.BindInt(25, static_cast<int64_t>(load->snapshot));
  s.BindInt(26, static_cast<int64_t>(load->container_records));
  s.BindInt(27, static_cast<int64_t>(load->lost));
  s.BindInt(28, load_order_++);
  AMBER_RETURN_IF_ERROR(s.Run().Annotate("insert capture " + input.path));

  Result<Statement> probe = db_->Prepare(
      "INSERT INTO capture_probes(capture_id,name,status,detail,ops) VALUES (?1,?2,?3,?4,?5)");
  if (!probe.ok()) return probe.status();
  for (const store::ProbeRecord& p : h.probes) {
    probe->BindInt(1, loaded.capture_id);
    probe->BindBytes(2, p.name);
    probe->BindText(3, store::ProbeStatusName(p.status));
    probe->BindBytesOrNull(4, p.detail);
    std::vector<std::string> ops;
    for (store::Op op : p.ops) ops.push_back(store::OpName(op));
    probe->BindText(5, JsonStringArray(ops));
    AMBER_RETURN_IF_ERROR(probe->Run());
  }
  report_.events += loaded.events;
  report_.gaps += loaded.gaps;
  report_.captures.push_back(std::move(loaded));
  bytes_done_ += input.file_size;
  Progress(input.path, 0);
  load->finished = true;
  load->reader.reset();  // its file and buffers
  return Status::Ok();
}

// The rotated files of each recording this load touched, with those loaded before
// (store/recording_chain.h). A broken chain is tampering: it refuses the load, or with --force
// marks the file after the break tampered (a `chain` gap says why). Files of the recording that are
// not in the case are `missing_file` gaps; both kinds are worked out again at every load of the
// recording, so a file loaded later closes the gap it filled.
Status LoadRun::CheckRecordingChains() {
  std::set<std::string> recordings;
  for (const Input& input : inputs_) recordings.insert(store::BytesHex(input.header.recording_id));
  Result<Statement> clear = db_->Prepare(
      "DELETE FROM gaps WHERE kind IN ('missing_file', 'chain') AND capture_id IN "
      "(SELECT id FROM captures WHERE recording_uuid = ?1)");
  if (!clear.ok()) return clear.status();
  Result<Statement> files = db_->Prepare(
      "SELECT id, file_index, coalesce(previous_digest, ''), coalesce(digest, ''), verdict,"
      " coalesce(stop_reason, ''), path, started_ns, coalesce(first_ns, stopped_ns, started_ns),"
      " coalesce(stopped_ns, last_ns, started_ns) FROM captures WHERE recording_uuid = ?1"
      " ORDER BY id");
  if (!files.ok()) return files.status();
  Result<Statement> mark = db_->Prepare(
      "UPDATE captures SET verdict = 'tampered', first_problem = ?2, forced = 1 WHERE id = ?1");
  if (!mark.ok()) return mark.status();
  struct File {
    int64_t id;
    std::string path;
    int64_t recording_started_ns;  // the header's: every file of a recording has the same
    int64_t begin_ns, end_ns;      // the file's first event (or stop), its stop (or last event)
  };
  for (const std::string& recording : recordings) {
    clear->BindText(1, recording);
    AMBER_RETURN_IF_ERROR(clear->Run());
    std::vector<File> rows;
    std::vector<store::RecordingFile> links;
    files->BindText(1, recording);
    for (Result<bool> row = files->Step();; row = files->Step()) {
      if (!row.ok()) return row.status();
      if (!*row) break;
      store::RecordingFile link;
      link.tag = rows.size();
      link.capture_id = std::to_string(files->ColumnInt(0));  // a capture is in a case once
      link.recording_id = recording;
      link.file_index = static_cast<uint32_t>(files->ColumnInt(1));
      link.previous_digest = files->ColumnString(2);
      link.digest = files->ColumnString(3);
      link.complete = files->ColumnString(4) == "intact";
      link.ended_by_rotation = files->ColumnString(5) == store::kRotationStopReason;
      links.push_back(std::move(link));
      rows.push_back({files->ColumnInt(0), files->ColumnString(6), files->ColumnInt(7),
                      files->ColumnInt(8), files->ColumnInt(9)});
    }
    files->Reset();
    for (const store::ChainFinding& finding : store::CheckRecordingChains(std::move(links))) {
      const File& file = rows[finding.tag];
      const File* other = finding.other ? &rows[*finding.other] : nullptr;
      std::string reason = finding.Describe();
      if (other != nullptr) reason += " (" + other->path + ")";
      GapRow gap{file.id, "missing_file", std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                 reason};
      using Kind = store::ChainFinding::Kind;
      if (finding.tampered()) {
        if (!options_.force) {
          return Status::Corruption("load capture " + file.path + ": tampered: " + reason +
                                    "; refusing it (--force loads it and records the verdict)");
        }
        mark->BindInt(1, file.id);
        mark->BindBytes(2, reason);
        AMBER_RETURN_IF_ERROR(mark->Run());
        gap.kind = "chain";
        gap.first_ns = file.begin_ns;
      } else if (finding.kind == Kind::kMissingBefore) {
        gap.first_ns = file.recording_started_ns;
        gap.last_ns = file.begin_ns;
      } else if (finding.kind == Kind::kMissingBetween) {
        gap.first_ns = other->end_ns;
        gap.last_ns = file.begin_ns;
      } else if (finding.kind == Kind::kMissingAfter) {
        gap.first_ns = file.end_ns;
      }
      AMBER_RETURN_IF_ERROR(writer_->WriteGap(gap));
      for (LoadedCapture& loaded : report_.captures) {  // counted for this load's captures
        if (loaded.capture_id != file.id) continue;
        ++report_.gaps;
        ++loaded.gaps;
        if (gap.kind == "chain") {
          loaded.verdict = "tampered";
          loaded.forced = true;
        }
      }
    }
  }
  return Status::Ok();
}

// A later load of a host boot continues it: processes alive at the end of the earlier load (no exit
// seen, not ended by pid reuse) go back into the process table with their ids, creds and ancestry,
// so a rotated file loaded in a separate command continues them; containers keep their ids.
Status LoadRun::RestoreHost(int64_t host_id, ProcessState* state, ContainerTable* containers) {
  Result<Statement> c = db_->Prepare(
      "SELECT runtime_id, id, first_seen_ns, last_seen_ns FROM containers WHERE host_id = ?1");
  if (!c.ok()) return c.status();
  c->BindInt(1, host_id);
  for (Result<bool> r = c->Step(); r.ok() && r.value(); r = c->Step()) {
    containers->Restore(c->ColumnString(0), c->ColumnInt(1), c->ColumnInt(2), c->ColumnInt(3));
  }
  Result<Statement> p = db_->Prepare(
      "SELECT p.id, p.capture_id, c.clock_offset_ns, p.pid, p.start_boot_ns, p.ppid, p.parent_id,"
      " p.reaper_id, p.origin, p.clone_flags, p.exe, p.argv_raw, p.cwd, p.comm, p.exec_count,"
      " p.uid, p.gid, p.euid, p.egid, p.login_uid, p.cap_effective, p.mnt_ns, p.pid_ns, p.user_ns,"
      " p.net_ns, p.uts_ns, p.ipc_ns, p.cgroup_ns, p.cgroup_id, p.cgroup_path, p.container_id,"
      " p.kernel_thread, p.first_seen_ns, p.last_seen_ns "
      "FROM processes p JOIN captures c ON c.id = p.capture_id "
      "WHERE p.host_id = ?1 AND p.exit_ns IS NULL AND p.ended_by IS NULL ORDER BY p.id");
  if (!p.ok()) return p.status();
  Result<Statement> up = db_->Prepare(
      "SELECT ancestor_id FROM process_ancestors WHERE process_id = ?1 AND depth > 0 "
      "ORDER BY depth");
  if (!up.ok()) return up.status();
  p->BindInt(1, host_id);
  std::vector<int64_t> ancestors;
  Result<bool> r = p->Step();
  for (; r.ok() && r.value(); r = p->Step()) {
    Statement& s = *p;
    ProcessRow row;
    row.id = s.ColumnInt(0);
    row.host_id = host_id;
    row.capture_id = s.ColumnInt(1);
    row.clock_offset_ns = s.ColumnInt(2);
    row.pid = static_cast<uint32_t>(s.ColumnInt(3));
    row.start_boot_ns = static_cast<uint64_t>(s.ColumnInt(4));
    row.ppid = row.seen_ppid = static_cast<uint32_t>(s.ColumnInt(5));
    row.parent_id = s.ColumnInt(6);
    row.reaper_id = s.ColumnInt(7);
    row.origin = s.ColumnString(8);
    row.has_clone_flags = s.column_type(9) != ColumnType::kNull;
    row.clone_flags = static_cast<uint64_t>(s.ColumnInt(9));
    row.exe = s.ColumnString(10);
    std::string_view raw = s.ColumnBytes(11);  // each argument followed by one NUL
    for (size_t at = 0; at < raw.size();) {
      size_t end = raw.find('\0', at);
      if (end == std::string_view::npos) end = raw.size();
      row.argv.emplace_back(raw.substr(at, end - at));
      at = end + 1;
    }
    row.cwd = s.ColumnString(12);
    row.comm = s.ColumnString(13);
    row.exec_count = static_cast<uint32_t>(s.ColumnInt(14));
    row.uid = static_cast<uint32_t>(s.ColumnInt(15));
    row.gid = static_cast<uint32_t>(s.ColumnInt(16));
    row.euid = static_cast<uint32_t>(s.ColumnInt(17));
    row.egid = static_cast<uint32_t>(s.ColumnInt(18));
    row.login_uid = static_cast<uint32_t>(s.ColumnInt(19));
    row.cap_effective = static_cast<uint64_t>(s.ColumnInt(20));
    uint64_t* ns[] = {&row.mnt_ns, &row.pid_ns, &row.user_ns, &row.net_ns,
                      &row.uts_ns, &row.ipc_ns, &row.cgroup_ns, &row.cgroup_id};
    for (int i = 0; i < 8; ++i) *ns[i] = static_cast<uint64_t>(s.ColumnInt(21 + i));
    row.cgroup_path = s.ColumnString(29);
    row.container_id = s.ColumnInt(30);
    row.kernel_thread = s.ColumnInt(31) != 0;
    row.first_seen_boot_ns = static_cast<uint64_t>(s.ColumnInt(32) - row.clock_offset_ns);
    row.last_seen_boot_ns = static_cast<uint64_t>(s.ColumnInt(33) - row.clock_offset_ns);
    row.restored = true;
    ancestors.clear();
    up->BindInt(1, row.id);
    for (Result<bool> a = up->Step(); a.ok() && a.value(); a = up->Step()) {
      ancestors.push_back(up->ColumnInt(0));
    }
    up->Reset();
    state->Restore(std::move(row), ancestors);
  }
  return r.ok() ? Status::Ok() : r.status();
}

// The captures of one host boot share its boot-time clock: their events go through the process
// table in one time order. Each recording (its rotated files, one after the other) is a stream;
// a stream joins the merge when the merge reaches its start, so only recordings that overlap in
// time hold a chunk in memory at once (rotated files and successive recordings: one).
Status LoadRun::MergeHost(const std::vector<const Input*>& inputs, int64_t host_id,
                          ProcessState* state, ContainerTable* containers) {
  struct Stream {
    std::vector<const Input*> files;  // in file-index order (Run sorted them)
    size_t file = 0;                  // the file being read
    CaptureLoad load;
  };
  std::vector<std::unique_ptr<Stream>> streams;
  for (const Input* input : inputs) {
    if (streams.empty() ||
        streams.back()->files.front()->header.recording_id != input->header.recording_id) {
      streams.push_back(std::make_unique<Stream>());
    }
    streams.back()->files.push_back(input);
  }
  // Opens the stream's next file and reads up to its first events; past a file that holds none,
  // the one after it. False when the stream has no file left.
  auto next_file = [&](Stream* stream) -> Result<bool> {
    while (stream->file < stream->files.size()) {
      stream->load = CaptureLoad{};
      AMBER_RETURN_IF_ERROR(OpenCapture(*stream->files[stream->file++], &stream->load));
      AMBER_RETURN_IF_ERROR(Advance(&stream->load, host_id, state, containers));
      if (!stream->load.finished) return true;
    }
    return false;
  };
  std::vector<Stream*> active;  // streams at an event, in the order they joined
  size_t joined = 0;
  capture_id_ = 0;  // a new state machine: no capture set in it yet
  while (true) {
    Stream* best = nullptr;
    const store::Event* best_event = nullptr;
    for (Stream* stream : active) {  // the earliest next event; ties go to the earlier stream
      const store::Event* e = stream->load.Peek();
      if (best_event == nullptr || e->time_ns < best_event->time_ns) {
        best = stream;
        best_event = e;
      }
    }
    if (joined < streams.size() &&
        (best_event == nullptr || streams[joined]->files.front()->header.started_ns <=
                                      best_event->time_ns)) {
      Stream* stream = streams[joined++].get();
      Result<bool> has_events = next_file(stream);
      if (!has_events.ok()) return has_events.status();
      if (*has_events) active.push_back(stream);
      continue;
    }
    if (best == nullptr) return Status::Ok();
    CaptureLoad& load = best->load;
    UseCapture(load, state);
    const store::Event& e = *best_event;
    AMBER_RETURN_IF_ERROR(HandleEvent(e, load.offset, state, containers));
    if (!load.first_ns || e.time_ns < *load.first_ns) load.first_ns = e.time_ns;
    if (!load.last_ns || e.time_ns > *load.last_ns) load.last_ns = e.time_ns;
    if ((++events_done_ & 0xfff) == 0) {
      AMBER_RETURN_IF_ERROR(state->Expire(e.time_ns));
      if ((events_done_ & 0xffff) == 0) Progress(load.input->path, load.chunk.offset);
    }
    if (++load.next < load.order.size()) continue;
    // The queued rows point into this chunk: insert them before the next chunk replaces it.
    AMBER_RETURN_IF_ERROR(writer_->Flush());
    AMBER_RETURN_IF_ERROR(Advance(&load, host_id, state, containers));
    if (!load.finished) continue;
    Result<bool> has_events = next_file(best);
    if (!has_events.ok()) return has_events.status();
    if (!*has_events) active.erase(std::find(active.begin(), active.end(), best));
  }
}

Status LoadRun::LoadHost(const std::vector<const Input*>& inputs, int64_t host_id,
                         bool existed) {
  uint64_t written = 0;
  ProcessState state(host_id, &next_process_id_, [&](const ProcessRow& row) {
    ++written;
    return writer_->WriteProcess(row);
  });
  ContainerTable containers(host_id, &next_container_id_);
  if (existed) AMBER_RETURN_IF_ERROR(RestoreHost(host_id, &state, &containers));
  AMBER_RETURN_IF_ERROR(MergeHost(inputs, host_id, &state, &containers));
  report_.inferred_processes += state.inferred_count();
  AMBER_RETURN_IF_ERROR(state.FlushAll());
  AMBER_RETURN_IF_ERROR(writer_->Flush());  // the last ancestry rows
  report_.processes += written;
  return containers.WriteAll(writer_.get(), db_);
}

Result<LoadReport> LoadRun::Run(const std::vector<std::string>& paths) {
  AMBER_RETURN_IF_ERROR(InitSchema(db_));
  AMBER_RETURN_IF_ERROR(InspectAll(paths));
  // Deterministic order whatever the command line: host boot, then time, recording, file index.
  std::vector<const Input*> sorted;
  for (const Input& input : inputs_) sorted.push_back(&input);
  auto key = [](const Input* i) {
    const store::HostInfo& host = i->header.host;
    return std::tie(host.machine_id, host.boot_id, host.hostname, i->header.started_ns,
                    i->header.recording_id, i->header.file_index, i->uuid);
  };
  std::sort(sorted.begin(), sorted.end(), [&](auto* a, auto* b) { return key(a) < key(b); });

  // Bulk-load settings (docs/schema.md, "Loading"): a rollback journal (appended pages cost
  // nothing to journal, and a crash leaves the case as it was), no fsync until the end, an 8 MiB
  // page cache: the inserts append to the last pages of each table, so a larger cache only holds
  // dirty pages longer (128 MiB cost the same CPU and 120 MB more memory).
  AMBER_RETURN_IF_ERROR(db_->Exec("PRAGMA synchronous=OFF; PRAGMA cache_size=-8192;"));
  for (auto [counter, sql] :
       {std::pair{&next_capture_id_, "SELECT coalesce(max(id),0)+1 FROM captures"},
        std::pair{&next_host_id_, "SELECT coalesce(max(id),0)+1 FROM hosts"},
        std::pair{&next_process_id_, "SELECT coalesce(max(id),0)+1 FROM processes"},
        std::pair{&next_container_id_, "SELECT coalesce(max(id),0)+1 FROM containers"},
        std::pair{&load_order_, "SELECT coalesce(max(load_order),-1)+1 FROM captures"}}) {
    Result<int64_t> v = db_->QueryInt(sql);
    if (!v.ok()) return v.status();
    *counter = *v;
  }

  Result<std::unique_ptr<Transaction>> tx = Transaction::Begin(db_);
  if (!tx.ok()) return tx.status();
  // Indexes are rebuilt after the insert: maintaining them row by row is several times slower.
  {
    Result<Statement> names = db_->Prepare(
        "SELECT name FROM sqlite_schema WHERE type='index' AND sql IS NOT NULL ORDER BY name");
    if (!names.ok()) return names.status();
    std::vector<std::string> drop;
    for (Result<bool> r = names->Step(); r.ok() && r.value(); r = names->Step()) {
      drop.push_back(names->ColumnString(0));
    }
    names->Reset();
    for (const std::string& name : drop) {
      AMBER_RETURN_IF_ERROR(db_->Exec("DROP INDEX IF EXISTS \"" + name + "\""));
    }
  }
  Result<std::unique_ptr<RowWriter>> writer = RowWriter::Create(db_);
  if (!writer.ok()) return writer.status();
  writer_ = std::move(writer).value();

  for (size_t i = 0; i < sorted.size();) {
    size_t j = i;
    std::vector<const Input*> group;
    auto same_host = [](const store::HostInfo& a, const store::HostInfo& b) {
      return a.machine_id == b.machine_id && a.boot_id == b.boot_id && a.hostname == b.hostname;
    };
    while (j < sorted.size() && same_host(sorted[j]->header.host, sorted[i]->header.host)) {
      group.push_back(sorted[j++]);
    }
    bool existed = false;
    Result<int64_t> host_id = HostId(sorted[i]->header.host, &existed);
    if (!host_id.ok()) return host_id.status();
    AMBER_RETURN_IF_ERROR(LoadHost(group, *host_id, existed));
    i = j;
  }
  AMBER_RETURN_IF_ERROR(CheckRecordingChains());
  writer_.reset();  // finalize statements before the schema changes
  AMBER_RETURN_IF_ERROR(CreateIndexes(db_));
  AMBER_RETURN_IF_ERROR((*tx)->Commit());
  return std::move(report_);
}

}  // namespace

namespace {

// Columns added after case databases were first made: older cases get them (NULL in the rows
// already there, whose loads did not keep the value) before anything is loaded into them.
Status AddLaterColumns(Database* db) {
  struct Later {
    const char* table;
    const char* column;
    const char* type;
  };
  static constexpr Later kLater[] = {
      {"process_events", "compat", "INTEGER"}, {"execs", "compat", "INTEGER"},
      {"file_events", "compat", "INTEGER"},    {"net_events", "compat", "INTEGER"},
      {"cred_events", "compat", "INTEGER"},    {"ns_events", "compat", "INTEGER"},
      {"module_events", "compat", "INTEGER"},  {"target_events", "compat", "INTEGER"},
      {"memory_events", "compat", "INTEGER"},  {"syscall_events", "compat", "INTEGER"},
      {"execs", "cap_effective", "INTEGER"},   {"target_events", "given_pid", "INTEGER"},
      {"file_events", "given_path", "TEXT"},   {"file_events", "given_path2", "TEXT"},
      {"execs", "executable", "TEXT"},
  };
  Result<Statement> has = db->Prepare(
      "SELECT (SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1),"
      " (SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2)");
  if (!has.ok()) return has.status();
  for (const auto& [table, column, type] : kLater) {  // names from the list above, never from data
    has->Reset();
    has->BindText(1, table);
    has->BindText(2, column);
    Result<bool> row = has->Step();
    if (!row.ok()) return row.status();
    if (!*row || has->ColumnInt(0) == 0 || has->ColumnInt(1) != 0) continue;  // no table yet, or done
    AMBER_RETURN_IF_ERROR(db->Exec(std::string("ALTER TABLE ") + table + " ADD COLUMN " + column +
                                   " " + type));
  }
  return Status::Ok();
}

}  // namespace

Status InitSchema(Database* db) {
  AMBER_RETURN_IF_ERROR(AddLaterColumns(db).Annotate("upgrade schema (later columns)"));
  // Views hold no data: those of this build replace what an older build left in the case (the
  // timeline's summaries gain fields over time). process_ancestry is upgraded below.
  AMBER_RETURN_IF_ERROR(db->Exec("DROP VIEW IF EXISTS timeline; DROP VIEW IF EXISTS process_tree")
                            .Annotate("upgrade schema (views)"));
  // Case databases made before process_ancestors have a recursive process_ancestry view: replace it
  // and fill the closure from their processes once, in one transaction.
  Result<int64_t> old = db->QueryInt(
      "SELECT count(*) FROM sqlite_schema WHERE type = 'view' AND name = 'process_ancestry' "
      "AND sql LIKE '%RECURSIVE%'");
  if (!old.ok() || *old == 0) {
    return db->Exec(Section("", "\n-- @indexes\n")).Annotate("create schema");
  }
  std::string sql = "BEGIN; DROP VIEW process_ancestry;\n";
  sql += Section("", "\n-- @indexes\n");
  sql +=
      ";\nINSERT INTO process_ancestors(process_id, depth, ancestor_id) "
      "WITH RECURSIVE chain(process_id, ancestor_id, depth) AS ("
      " SELECT id, id, 0 FROM processes UNION ALL"
      " SELECT c.process_id, p.parent_id, c.depth + 1 FROM chain c JOIN processes p"
      " ON p.id = c.ancestor_id WHERE p.parent_id IS NOT NULL AND c.depth < 256)"
      " SELECT process_id, depth, ancestor_id FROM chain; COMMIT;";
  Status s = db->Exec(sql);
  if (!s.ok()) (void)db->Exec("ROLLBACK");
  return s.Annotate("upgrade schema (process_ancestors)");
}

Status CreateIndexes(Database* db) {
  // SQLite's sorter keeps runs of up to cache_size bytes in memory and merges them after. One run
  // of a whole table's keys is sorted with cache misses at every comparison; runs that fit a
  // core's L2 cache, merged, cost less CPU (file_events(path): 0.73-0.88 -> 0.41 CPU-s at 1 M
  // events, 8.6 -> 5.1 at 10 M; docs/BENCHMARKS.md, "Replay"). The connection's own setting
  // comes back after.
  Result<int64_t> cache = db->QueryInt("PRAGMA cache_size");
  if (!cache.ok()) return cache.status().Annotate("create indexes");
  AMBER_RETURN_IF_ERROR(db->Exec("PRAGMA cache_size = -2048").Annotate("create indexes"));
  Status built = db->Exec(Section("\n-- @indexes\n", "")).Annotate("create indexes");
  Status restored = db->Exec("PRAGMA cache_size = " + std::to_string(*cache));
  return built.ok() ? restored.Annotate("create indexes") : built;
}

Result<LoadReport> Loader::Load(const std::vector<std::string>& paths) {
  LoadRun run(env_, db_, options_);
  return run.Run(paths);
}

}  // namespace amber::replay

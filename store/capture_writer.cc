#include "store/capture_writer.h"

#include <time.h>

#include <cerrno>
#include <cstdio>

namespace amber::store {
namespace {

uint64_t BootTimeNs() {
  timespec ts;
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

// Records of one chunk kind waiting to be written.
struct CaptureWriter::Pending {
  explicit Pending(ChunkKind k) : kind(k) {}
  ChunkKind kind;
  BodyEncoder encoder;
  uint64_t first_ns = UINT64_MAX;
  uint64_t last_ns = 0;
  uint64_t opened_ns = 0;  // writer clock when the first record arrived
};

CaptureWriter::CaptureWriter(Env* env, std::string path, CaptureHeader header,
                             WriterOptions options)
    : env_(env), path_(std::move(path)), header_(std::move(header)), options_(std::move(options)) {
  if (!options_.now_ns) options_.now_ns = BootTimeNs;
  // Flush order: what events refer to (processes, containers) goes to disk before them.
  for (ChunkKind k : {ChunkKind::kSnapshot, ChunkKind::kContainers, ChunkKind::kEvents,
                      ChunkKind::kLosses, ChunkKind::kStats}) {
    pending_.push_back(std::make_unique<Pending>(k));
  }
}

CaptureWriter::~CaptureWriter() {
  if (chunks_ && !closed_) (void)chunks_->Abandon();
}

Result<std::unique_ptr<CaptureWriter>> CaptureWriter::Create(Env* env, const std::string& path,
                                                             CaptureHeader header,
                                                             WriterOptions options) {
  if (header.recording_id.empty()) header.recording_id = RandomBytes(16);
  std::unique_ptr<CaptureWriter> w(
      new CaptureWriter(env, path, std::move(header), std::move(options)));
  w->header_.file_index = 0;
  w->header_.previous_digest.clear();
  AMBER_RETURN_IF_ERROR(w->OpenNextFile());
  return w;
}

std::string CaptureWriter::FilePath(uint32_t index) const {
  const bool rotating = options_.rotate_bytes != 0 || options_.rotate_interval_ns != 0;
  if (!rotating) return path_;
  std::string stem = path_;
  if (stem.size() > 6 && stem.compare(stem.size() - 6, 6, ".amber") == 0) {
    stem.resize(stem.size() - 6);
  }
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, ".%06u.amber", index);
  return stem + suffix;
}

Status CaptureWriter::OpenNextFile() {
  const std::string path = FilePath(header_.file_index);
  auto file = env_->NewWritableFile(path, options_.overwrite);
  if (!file.ok()) return error_ = file.status();
  auto chunks = ChunkWriter::Open(std::move(file).value(), options_.sync_each_chunk);
  if (!chunks.ok()) return error_ = chunks.status().Annotate("write " + path);
  chunks_ = std::move(chunks).value();
  header_.capture_id = RandomBytes(16);
  files_.push_back(path);
  ++stats_.files;
  BodyEncoder encoder;
  encoder.SetHeader(header_);
  const uint64_t now = options_.now_ns();
  AMBER_RETURN_IF_ERROR(WriteChunk(ChunkInfo{ChunkKind::kHeader, 1, now, now}, encoder.Finish()));
  file_started_ns_ = now;
  file_events_ = 0;
  file_lost_ = 0;
  while (options_.max_files != 0 && files_.size() > options_.max_files) {
    Status st = env_->RemoveFile(files_.front());
    files_.pop_front();
    if (!st.ok()) return error_ = st.Annotate("rotate");
  }
  return Status::Ok();
}

Status CaptureWriter::WriteChunk(const ChunkInfo& info, const std::string& body) {
  const uint64_t before = chunks_->offset();
  Status st = chunks_->Append(
      info, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(body.data()), body.size()));
  if (!st.ok()) return error_ = st;
  ++stats_.chunks;
  stats_.raw_bytes += body.size();
  stats_.stored_bytes += chunks_->offset() - before;
  return Status::Ok();
}

Status CaptureWriter::Admit() {
  if (closed_) return Status::Internal("capture writer used after Close");
  return error_;
}

Status CaptureWriter::AfterAppend(Pending& p, uint64_t time_ns) {
  if (p.first_ns == UINT64_MAX) {
    p.first_ns = time_ns;
    p.opened_ns = options_.now_ns();
  }
  p.first_ns = std::min(p.first_ns, time_ns);
  p.last_ns = std::max(p.last_ns, time_ns);
  ++stats_.records;
  if (p.encoder.approx_bytes() >= options_.chunk_bytes) {
    AMBER_RETURN_IF_ERROR(FlushPending(p));
    return MaybeRotate(options_.now_ns());
  }
  return Status::Ok();
}

Status CaptureWriter::AppendEvent(const Event& event) {
  AMBER_RETURN_IF_ERROR(Admit());
  Pending& p = *pending_[2];
  p.encoder.AddEvent(event);
  ++stats_.events;
  ++file_events_;
  return AfterAppend(p, event.time_ns);
}

Status CaptureWriter::AppendProcess(const ProcessRecord& process) {
  AMBER_RETURN_IF_ERROR(Admit());
  pending_[0]->encoder.AddProcess(process);
  return AfterAppend(*pending_[0], process.observed_ns);
}

Status CaptureWriter::AppendContainer(const ContainerRecord& container) {
  AMBER_RETURN_IF_ERROR(Admit());
  pending_[1]->encoder.AddContainer(container);
  return AfterAppend(*pending_[1], container.observed_ns);
}

Status CaptureWriter::AppendLoss(const LossRecord& loss) {
  AMBER_RETURN_IF_ERROR(Admit());
  pending_[3]->encoder.AddLoss(loss);
  file_lost_ += loss.count;
  return AfterAppend(*pending_[3], loss.last_ns);
}

Status CaptureWriter::AppendStats(const RecorderStats& stats) {
  AMBER_RETURN_IF_ERROR(Admit());
  // One reading per stats chunk: flush the previous one first.
  if (!pending_[4]->encoder.empty()) AMBER_RETURN_IF_ERROR(FlushPending(*pending_[4]));
  pending_[4]->encoder.SetStats(stats);
  return AfterAppend(*pending_[4], stats.time_ns);
}

Status CaptureWriter::FlushPending(Pending& p) {
  if (p.encoder.empty()) return Status::Ok();
  // Records that events refer to go first, whatever triggered the flush.
  if (p.kind == ChunkKind::kEvents) {
    AMBER_RETURN_IF_ERROR(FlushPending(*pending_[0]));
    AMBER_RETURN_IF_ERROR(FlushPending(*pending_[1]));
  }
  const ChunkInfo info{p.kind, static_cast<uint32_t>(p.encoder.record_count()), p.first_ns,
                       p.last_ns};
  const std::string body = p.encoder.Finish();
  p.first_ns = UINT64_MAX;
  p.last_ns = 0;
  return WriteChunk(info, body);
}

Status CaptureWriter::FlushAll() {
  for (auto& p : pending_) AMBER_RETURN_IF_ERROR(FlushPending(*p));
  return Status::Ok();
}

Status CaptureWriter::Tick() {
  AMBER_RETURN_IF_ERROR(Admit());
  const uint64_t now = options_.now_ns();
  for (auto& p : pending_) {
    if (!p->encoder.empty() && now - p->opened_ns >= options_.flush_interval_ns) {
      AMBER_RETURN_IF_ERROR(FlushPending(*p));
    }
  }
  return MaybeRotate(now);
}

Status CaptureWriter::Flush() {
  AMBER_RETURN_IF_ERROR(Admit());
  return FlushAll();
}

Status CaptureWriter::MaybeRotate(uint64_t now) {
  const bool by_size = options_.rotate_bytes != 0 && chunks_->offset() >= options_.rotate_bytes;
  const bool by_age =
      options_.rotate_interval_ns != 0 && now - file_started_ns_ >= options_.rotate_interval_ns;
  if (!by_size && !by_age) return Status::Ok();
  AMBER_RETURN_IF_ERROR(FinishFile(std::string(kRotationStopReason)));
  header_.previous_digest = DigestBytes(chunks_->digest());
  ++header_.file_index;
  AMBER_RETURN_IF_ERROR(OpenNextFile());
  if (options_.on_new_file) options_.on_new_file(*this);
  return error_;
}

Status CaptureWriter::FinishFile(const std::string& stop_reason) {
  AMBER_RETURN_IF_ERROR(FlushAll());
  Footer footer;
  footer.index = chunks_->index();
  footer.stopped_ns = options_.now_ns();
  footer.stop_reason = stop_reason;
  footer.events = file_events_;
  footer.lost = file_lost_;
  BodyEncoder encoder;
  encoder.SetFooter(footer);
  AMBER_RETURN_IF_ERROR(
      WriteChunk(ChunkInfo{ChunkKind::kFooter, 1, footer.stopped_ns, footer.stopped_ns},
                 encoder.Finish()));
  const uint64_t before = chunks_->offset();
  Status st = chunks_->Finish();
  if (!st.ok()) return error_ = st;
  stats_.stored_bytes += chunks_->offset() - before;
  return Status::Ok();
}

std::string CaptureWriter::current_digest() const { return DigestBytes(chunks_->digest()); }

Status CaptureWriter::Close(const std::string& stop_reason) {
  if (closed_) return Status::Ok();
  closed_ = true;
  if (!error_.ok()) {
    // The file already ends on its last complete chunk. Records still pending are lost: count
    // them in the footer, then try once to write it (a full disk may have room again after the
    // torn chunk was cut away). The first error is what the caller hears.
    Status first = error_;
    uint64_t unwritten = 0;
    for (auto& p : pending_) {
      if (p->kind == ChunkKind::kEvents) unwritten += p->encoder.record_count();
      (void)p->encoder.Finish();  // drop what can no longer be written
      p->first_ns = UINT64_MAX;
      p->last_ns = 0;
    }
    file_lost_ += unwritten;
    error_ = Status::Ok();
    Status st = FinishFile(stop_reason + " after error: " + first.message());
    if (!st.ok()) (void)chunks_->Abandon();
    return first;
  }
  Status st = FinishFile(stop_reason);
  if (!st.ok()) (void)chunks_->Abandon();
  return st;
}

}  // namespace amber::store

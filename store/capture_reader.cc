#include "store/capture_reader.h"

namespace amber::store {
namespace {

Result<std::unique_ptr<ChunkReader>> OpenChunks(Env* env, const std::string& path, bool salvage) {
  auto file = env->NewReadableFile(path);
  if (!file.ok()) return file.status();
  auto chunks = ChunkReader::Open(std::move(file).value(), salvage);
  if (!chunks.ok()) return chunks.status().Annotate("open capture " + path);
  return chunks;
}

std::string Where(const RawChunk& raw) {
  return "chunk " + std::to_string(raw.sequence) + " at offset " + std::to_string(raw.offset);
}

// Decodes one chunk and checks what only its content can show: the footer's index against the
// chunks actually read (`seen`). Problems go to the chunk reader so they count in its verdict.
bool DecodeChecked(ChunkReader* chunks, std::vector<IndexEntry>* seen, RawChunk& raw,
                   Chunk* chunk) {
  const auto kind = static_cast<ChunkKind>(raw.kind);
  Status decoded = DecodeBodyInto(kind, raw.body, &chunk->body);
  if (!decoded.ok()) {
    chunks->AddProblem(Verdict::kCorrupt, raw.offset, Where(raw) + ": " + decoded.message());
    return false;
  }
  if (kind == ChunkKind::kFooter) {
    if (!chunk->body.footer || chunk->body.footer->index != *seen) {
      chunks->AddProblem(Verdict::kTampered, raw.offset,
                         Where(raw) + ": footer index does not match the chunks read");
      return false;
    }
  } else {
    seen->push_back(IndexEntry{raw.offset, raw.kind, raw.records, raw.first_ns, raw.last_ns});
  }
  chunk->kind = kind;
  chunk->offset = raw.offset;
  chunk->sequence = raw.sequence;
  chunk->first_ns = raw.first_ns;
  chunk->last_ns = raw.last_ns;
  chunk->stored_size = raw.stored_size;
  chunk->raw_size = static_cast<uint32_t>(raw.body.size());
  return true;
}

}  // namespace

Result<std::unique_ptr<CaptureReader>> CaptureReader::Open(Env* env, const std::string& path,
                                                           ReaderOptions options) {
  auto chunks = OpenChunks(env, path, options.salvage);
  if (!chunks.ok()) return chunks.status();
  std::unique_ptr<CaptureReader> r(new CaptureReader(path, std::move(chunks).value(), options.salvage));
  Chunk first;
  if (!r->Next(&first) || first.kind != ChunkKind::kHeader || !first.body.header) {
    const auto& problems = r->problems();
    std::string why = problems.empty() ? "no header chunk" : problems.front().message;
    return Status::Corruption("open capture " + path + ": " + why);
  }
  r->header_ = std::move(*first.body.header);
  return r;
}

bool CaptureReader::Next(Chunk* chunk) {
  while (chunks_->Next(&raw_)) {
    if (DecodeChecked(chunks_.get(), &seen_, raw_, chunk)) {
      if (chunk->kind == ChunkKind::kFooter) footer_ = chunk->body.footer;
      return true;
    }
    if (!salvage_) return false;
  }
  return false;
}

Result<VerifyReport> VerifyCapture(Env* env, const std::string& path) {
  auto opened = OpenChunks(env, path, /*salvage=*/false);
  if (!opened.ok()) return opened.status();
  ChunkReader& chunks = **opened;
  std::vector<IndexEntry> seen;
  VerifyReport report;
  RawChunk raw;
  Chunk chunk;
  while (chunks.Next(&raw)) {
    if (!DecodeChecked(&chunks, &seen, raw, &chunk)) break;
    ++report.chunks;
    report.records += raw.records;
    report.events += chunk.body.events.size();
    if (chunk.kind == ChunkKind::kFooter) {
      report.has_footer = true;
      if (chunk.body.footer) report.stop_reason = chunk.body.footer->stop_reason;
    }
    if (chunk.kind == ChunkKind::kHeader) report.header = std::move(chunk.body.header);
  }
  report.verdict = chunks.verdict();
  if (!chunks.problems().empty()) report.first_problem = chunks.problems().front();
  report.digest = chunks.digest();
  return report;
}

}  // namespace amber::store

// amber-replay export and import: a capture to JSON lines and back (docs/jsonl.md). Thin shells
// over store::CaptureReader, store::CaptureWriter and store/jsonl.h; the policy they add is which
// exit code a damaged input gets and that no half-written output is left behind.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/program_options.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "common/status.h"
#include "common/text.h"
#include "replay/cli.h"
#include "replay/commands.h"
#include "store/capture_reader.h"
#include "store/capture_writer.h"
#include "store/file.h"
#include "store/jsonl.h"

namespace amber::replay {
namespace {

namespace po = boost::program_options;

int Fail(const std::string& what, const Status& status) {
  std::fprintf(stderr, "%s: %s\n", what.c_str(), EscapeForTerminal(status.message()).c_str());
  return ExitCodeFor(status);
}

// ---- export -------------------------------------------------------------------------------------

// Where export writes: stdout or a file. A file is removed again when the export fails, so a
// partial export is never mistaken for a whole one.
class Output {
 public:
  static Result<std::unique_ptr<Output>> Open(const std::string& path) {
    if (path == "-") return std::unique_ptr<Output>(new Output(stdout, path));
    FILE* f = std::fopen(path.c_str(), "w");
    if (f == nullptr) return Status::FromErrno(errno, "open output " + path);
    return std::unique_ptr<Output>(new Output(f, path));
  }
  ~Output() {
    if (file_ != stdout && file_ != nullptr) std::fclose(file_);
  }

  void WriteLine(const std::string& line) {
    std::fwrite(line.data(), 1, line.size(), file_);
    std::fputc('\n', file_);
  }
  Status Finish() {
    int err = 0;
    if (std::fflush(file_) != 0 || std::ferror(file_) != 0) err = errno != 0 ? errno : EIO;
    if (file_ != stdout) {
      if (std::fclose(file_) != 0 && err == 0) err = errno;
      file_ = nullptr;
    }
    return err != 0 ? Status::FromErrno(err, "write " + path_) : Status::Ok();
  }
  void Discard() {
    if (file_ == stdout) return;
    std::fclose(file_);
    file_ = nullptr;
    std::remove(path_.c_str());
  }

 private:
  Output(FILE* file, std::string path) : file_(file), path_(std::move(path)) {
    std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
  }
  FILE* file_;
  std::string path_;
};

// Opening OUT for writing truncates it: refuse when OUT is the capture itself (by inode, so links
// and other spellings of the path count too).
bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  return stat(a.c_str(), &sa) == 0 && stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

// Writes every record of every chunk after the header, in file order. Returns the line count.
uint64_t ExportRecords(store::CaptureReader& reader, Output& out) {
  const store::CaptureHeader& clock = reader.header();
  uint64_t lines = 0, long_lines = 0;
  auto write = [&](const std::string& line) {
    out.WriteLine(line);
    ++lines;
    if (line.size() > store::kMaxJsonLineBytes) ++long_lines;
  };
  write(store::ToJsonLine(reader.header()));
  store::Chunk chunk;
  while (reader.Next(&chunk)) {
    const store::ChunkBody& body = chunk.body;
    for (const auto& p : body.processes) write(store::ToJsonLine(p));
    for (const auto& c : body.containers) write(store::ToJsonLine(c));
    for (const auto& e : body.events) write(store::ToJsonLine(e, &clock));
    for (const auto& l : body.losses) write(store::ToJsonLine(l));
    if (body.stats) write(store::ToJsonLine(*body.stats));
  }
  if (long_lines > 0) {
    std::fprintf(stderr, "export: warning: %llu lines exceed the %zu bytes import accepts\n",
                 static_cast<unsigned long long>(long_lines), store::kMaxJsonLineBytes);
  }
  return lines;
}

}  // namespace

int RunExport(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: amber-replay export FILE [-o OUT] [--format jsonl] [--salvage]\n\n"
      "Writes the records of a capture as JSON lines (docs/jsonl.md): the header first, then\n"
      "every record in file order. Exit 0 for an intact capture, and for a truncated one, whose\n"
      "readable prefix is exported with a warning (a recorder killed mid-write leaves one).\n"
      "Exit 65 for a corrupt or tampered capture: by default export stops there and removes OUT;\n"
      "with --salvage it skips the damaged chunks, exports the rest and keeps OUT. Exit 66 when\n"
      "FILE is missing.\n\noptions");
  std::string output, format, input;
  opts.add_options()("help,h", "this help")(
      "output,o", po::value(&output)->default_value("-"), "write here instead of stdout")(
      "format", po::value(&format)->default_value("jsonl"), "output format: jsonl")(
      "salvage", "skip damaged chunks and export everything still readable");
  po::options_description hidden;
  hidden.add_options()("file", po::value(&input));
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (int rc = ParseArgs(args, opts, hidden, pos, &vm); rc >= 0) return rc;
  if (input.empty()) return UsageError(opts, "export: no capture given");
  if (format != "jsonl") {
    return UsageError(opts, "export: unknown format '" + EscapeForTerminal(format) + "'");
  }
  const bool salvage = vm.count("salvage") > 0;
  const std::string what = "export " + EscapeForTerminal(input);

  store::PosixEnv env;
  auto reader = store::CaptureReader::Open(&env, input, store::ReaderOptions{salvage});
  if (!reader.ok()) return Fail(what, reader.status());
  if (output != "-" && SameFile(input, output)) {
    return Fail(what, Status::InvalidArgument("output is the capture itself"));
  }
  auto out = Output::Open(output);
  if (!out.ok()) return Fail(what, out.status());

  uint64_t lines = ExportRecords(**reader, **out);
  const store::Verdict verdict = (*reader)->verdict();
  const bool damaged =
      verdict == store::Verdict::kCorrupt || verdict == store::Verdict::kTampered;
  if (damaged && !salvage) {
    (*out)->Discard();
    const auto& problems = (*reader)->problems();
    std::string why = problems.empty() ? "damaged" : problems.front().message;
    std::fprintf(stderr, "%s: %s: %s (export stopped; --salvage exports what is readable)\n",
                 what.c_str(), std::string(store::VerdictName(verdict)).c_str(),
                 EscapeForTerminal(why).c_str());
    return 65;
  }
  if (Status st = (*out)->Finish(); !st.ok()) {
    if (output != "-") std::remove(output.c_str());
    return Fail(what, st);
  }
  for (const store::Problem& p : (*reader)->problems()) {
    std::fprintf(stderr, "%s: %s at offset %llu: %s\n", what.c_str(),
                 std::string(store::VerdictName(p.verdict)).c_str(),
                 static_cast<unsigned long long>(p.offset), EscapeForTerminal(p.message).c_str());
  }
  if (verdict == store::Verdict::kTruncated) {
    std::fprintf(stderr, "%s: warning: capture is truncated; exported its readable prefix (%llu "
                 "lines)\n", what.c_str(), static_cast<unsigned long long>(lines));
  }
  return damaged ? 65 : 0;
}

// ---- import -------------------------------------------------------------------------------------

namespace {

// Reads lines of at most kMaxJsonLineBytes without ever buffering more, whatever the input.
class LineReader {
 public:
  explicit LineReader(FILE* file) : file_(file), buffer_(1 << 20) {}

  // The next line without its '\n'; false at the end of the input.
  Result<bool> Next(std::string* line) {
    line->clear();
    for (;;) {
      if (pos_ == len_) {
        if (eof_) return !line->empty();
        len_ = std::fread(buffer_.data(), 1, buffer_.size(), file_);
        pos_ = 0;
        if (len_ == 0) {
          if (std::ferror(file_)) return Status::FromErrno(errno, "read");
          eof_ = true;
          return !line->empty();
        }
      }
      const char* start = buffer_.data() + pos_;
      const auto* newline = static_cast<const char*>(std::memchr(start, '\n', len_ - pos_));
      size_t n = newline != nullptr ? static_cast<size_t>(newline - start) : len_ - pos_;
      if (line->size() + n > store::kMaxJsonLineBytes) {
        return Status::InvalidArgument("line longer than " +
                                       std::to_string(store::kMaxJsonLineBytes) + " bytes");
      }
      line->append(start, n);
      pos_ += n;
      if (newline != nullptr) {
        ++pos_;
        return true;
      }
    }
  }

 private:
  FILE* file_;
  std::vector<char> buffer_;
  size_t pos_ = 0;
  size_t len_ = 0;
  bool eof_ = false;
};

bool IsBlank(const std::string& line) {
  return line.find_first_not_of(" \t\r") == std::string::npos;
}

// Moves the finished temporary file to its name. Without --force, link() refuses an existing
// name atomically, so a capture that appeared meanwhile is not replaced either.
Status Publish(const std::string& tmp, const std::string& path, bool force) {
  if (!force) {
    if (::link(tmp.c_str(), path.c_str()) == 0) {
      ::unlink(tmp.c_str());
      return Status::Ok();
    }
    if (errno == EEXIST) return Status::AlreadyExists(path + " exists (--force replaces it)");
    // No hard links on this file system: fall back to a check and a rename.
    if (access(path.c_str(), F_OK) == 0) {
      return Status::AlreadyExists(path + " exists (--force replaces it)");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::FromErrno(errno, "rename " + tmp + " to " + path);
  }
  return Status::Ok();
}

}  // namespace

int RunImport(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: amber-replay import EVENTS.jsonl -o FILE.amber [--force]\n\n"
      "Builds a capture from JSON lines (docs/jsonl.md), as export writes them or as written by\n"
      "hand for a synthetic fixture. The first line may be a header; without one the capture\n"
      "gets a default header (recorder_name \"amber-replay import\"). EVENTS.jsonl '-' reads\n"
      "stdin. Exit 65 at the first bad line, naming it; nothing is written then.\n\noptions");
  std::string output, input;
  opts.add_options()("help,h", "this help")("output,o", po::value(&output), "capture to write")(
      "force", "replace FILE.amber if it exists");
  po::options_description hidden;
  hidden.add_options()("file", po::value(&input));
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (int rc = ParseArgs(args, opts, hidden, pos, &vm); rc >= 0) return rc;
  if (input.empty()) return UsageError(opts, "import: no JSON lines given");
  if (output.empty()) return UsageError(opts, "import: -o FILE.amber is required");
  const bool force = vm.count("force") > 0;
  const std::string what = "import " + EscapeForTerminal(input);

  store::PosixEnv env;
  if (!force && env.FileExists(output)) {
    return Fail(what, Status::AlreadyExists(output + " exists (--force replaces it)"));
  }
  FILE* in = input == "-" ? stdin : std::fopen(input.c_str(), "r");
  if (in == nullptr) return Fail(what, Status::FromErrno(errno, "open"));
  struct Closer {
    void operator()(FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<FILE, Closer> close_in(in == stdin ? nullptr : in);
  LineReader lines(in);

  uint64_t line_no = 0;
  std::string line;
  // ParseJsonLine's messages quote the input already escaped; escaping again would double it.
  auto line_error = [&](const Status& st) {
    std::fprintf(stderr, "%s line %llu: %s\n", what.c_str(),
                 static_cast<unsigned long long>(line_no), st.message().c_str());
    return 65;
  };
  // Reads the next non-blank line into `record`; false at the end.
  auto next = [&](store::JsonRecord* record, Status* error) {
    for (;;) {
      ++line_no;
      Result<bool> more = lines.Next(&line);
      if (!more.ok()) *error = more.status();
      if (!more.ok() || !*more) return false;
      if (IsBlank(line)) continue;
      Result<store::JsonRecord> parsed = store::ParseJsonLine(line);
      if (!parsed.ok()) *error = parsed.status();
      if (!parsed.ok()) return false;
      *record = std::move(parsed).value();
      return true;
    }
  };

  store::JsonRecord record;
  Status error;
  bool have = next(&record, &error);
  if (!error.ok()) return line_error(error);
  store::CaptureHeader header;
  header.recorder_name = "amber-replay import";
  if (have && std::holds_alternative<store::CaptureHeader>(record)) {
    header = std::get<store::CaptureHeader>(record);
    have = next(&record, &error);
    if (!error.ok()) return line_error(error);
  }

  // The writer's clock is the latest time among the records so far, not this machine's: the
  // chunk and footer times then describe the imported data, and the same lines give the same
  // capture apart from its random ids.
  uint64_t latest_ns = header.started_ns;
  store::WriterOptions options;
  options.overwrite = true;  // the temporary file is ours
  options.now_ns = [&latest_ns] { return latest_ns; };
  const std::string tmp = output + ".import-" + std::to_string(::getpid()) + ".partial";
  auto writer = store::CaptureWriter::Create(&env, tmp, header, options);
  if (!writer.ok()) return Fail(what, writer.status());
  auto abandon = [&](int rc) {
    writer->reset();  // an unclosed writer abandons its file
    (void)env.RemoveFile(tmp);
    return rc;
  };

  // Each run of records of one kind becomes its own chunk, so the chunks keep the order of the
  // lines, and exporting the import gives the lines back in the same order.
  size_t last_kind = std::variant_npos;
  while (have) {
    if (last_kind != std::variant_npos && record.index() != last_kind) {
      if (Status st = (*writer)->Flush(); !st.ok()) return abandon(Fail(what, st));
    }
    last_kind = record.index();
    latest_ns = std::max(latest_ns, store::JsonRecordTime(record));
    if (Status st = store::AppendJsonRecord(writer->get(), record); !st.ok()) {
      if (st.code() == StatusCode::kInvalidArgument) return abandon(line_error(st));
      return abandon(Fail(what + " line " + std::to_string(line_no), st));
    }
    have = next(&record, &error);
    if (!error.ok()) return abandon(line_error(error));
  }
  if (Status st = (*writer)->Close("import"); !st.ok()) return abandon(Fail(what, st));
  writer->reset();
  if (Status st = Publish(tmp, output, force); !st.ok()) {
    (void)env.RemoveFile(tmp);
    return Fail(what, st);
  }
  return 0;
}

}  // namespace amber::replay

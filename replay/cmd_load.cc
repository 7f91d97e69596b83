// amber-replay load CAPTURE... --db case.db [--force]: captures into a case database (loader.h).
#include <boost/program_options.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "common/text.h"
#include "replay/cli.h"
#include "replay/commands.h"
#include "replay/db.h"
#include "replay/loader.h"
#include "store/file.h"

namespace amber::replay {
namespace {

namespace po = boost::program_options;

// One line redrawn in place on stderr: "[#####.....] 45% 1.2M events 812k ev/s ETA 2s".
class ProgressBar {
 public:
  void Update(const LoadProgress& p) {
    double secs = std::chrono::duration<double>(Clock::now() - start_).count();
    double rate = secs > 0 ? static_cast<double>(p.events_done) / secs : 0;
    // By bytes of the captures: their event counts are known only once they are read.
    double fraction = p.bytes_total ? static_cast<double>(p.bytes_done) / p.bytes_total : 1;
    if (fraction > 1) fraction = 1;
    int filled = static_cast<int>(fraction * 30);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(30, '.');
    double eta = fraction > 0 ? secs * (1 - fraction) / fraction : 0;
    std::fprintf(stderr, "\r[%s] %3d%% %s events %s ev/s ETA %.0fs \x1b[K", bar.c_str(),
                 static_cast<int>(fraction * 100), Count(p.events_done).c_str(),
                 Count(static_cast<uint64_t>(rate)).c_str(), eta);
    drawn_ = true;
  }
  void Finish() {
    if (drawn_) std::fprintf(stderr, "\r\x1b[K");
  }

 private:
  using Clock = std::chrono::steady_clock;
  static std::string Count(uint64_t n) {
    char buf[32];
    if (n >= 1'000'000) {
      std::snprintf(buf, sizeof buf, "%.1fM", n / 1e6);
    } else if (n >= 1'000) {
      std::snprintf(buf, sizeof buf, "%.0fk", n / 1e3);
    } else {
      std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(n));
    }
    return buf;
  }
  Clock::time_point start_ = Clock::now();
  bool drawn_ = false;
};

}  // namespace

int RunLoad(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: amber-replay load CAPTURE... --db case.db [--force]\n\n"
      "Verifies each capture, then loads it into the case database (created if absent):\n"
      "processes rebuilt, events attributed, gaps recorded (docs/schema.md). A tampered or\n"
      "corrupt capture is refused unless --force; a capture already in the case is refused.\n"
      "Exit 0 ok, 65 refused or corrupt input, 66 missing capture, 74 I/O error.\n\n"
      "options");
  std::string db_path;
  opts.add_options()("help,h", "this help")("db", po::value(&db_path), "case database file")(
      "force", "load tampered or corrupt captures too (their readable chunks)")(
      "quiet,q", "no progress bar");
  std::vector<std::string> files;
  po::options_description hidden;
  hidden.add_options()("capture", po::value(&files));
  po::positional_options_description pos;
  pos.add("capture", -1);
  po::variables_map vm;
  if (int rc = ParseArgs(args, opts, hidden, pos, &vm); rc >= 0) return rc;
  if (files.empty()) return UsageError(opts, "load: no capture given");
  if (db_path.empty()) return UsageError(opts, "load: --db is required");

  auto db = Database::Open(db_path);
  if (!db.ok()) {
    std::fprintf(stderr, "amber-replay: %s\n", EscapeForTerminal(db.status().message()).c_str());
    return ExitCodeFor(db.status());
  }
  store::PosixEnv env;
  ProgressBar bar;
  LoadOptions options;
  options.force = vm.count("force") > 0;
  if (!vm.count("quiet") && isatty(STDERR_FILENO)) {
    options.progress = [&bar](const LoadProgress& p) { bar.Update(p); };
  }
  Loader loader(&env, db->get(), options);
  auto started = std::chrono::steady_clock::now();
  Result<LoadReport> report = loader.Load(files);
  bar.Finish();
  if (!report.ok()) {
    std::fprintf(stderr, "amber-replay: %s\n",
                 EscapeForTerminal(report.status().message()).c_str());
    // A capture already in the case, or given twice, is input refused: a data error (65), like a
    // tampered one, not EX_CANTCREAT (73), which ExitCodeFor gives AlreadyExists elsewhere
    // (import refusing to replace a file).
    if (report.status().code() == StatusCode::kAlreadyExists) return 65;
    return ExitCodeFor(report.status());
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (const LoadedCapture& c : report->captures) {
    std::printf("%s: %s%s, %llu events, %llu %s\n", EscapeForTerminal(c.path).c_str(),
                c.verdict.c_str(), c.forced ? " (forced)" : "",
                static_cast<unsigned long long>(c.events), static_cast<unsigned long long>(c.gaps),
                c.gaps == 1 ? "gap" : "gaps");
  }
  std::printf("loaded %llu events, %llu processes (%llu inferred), %llu %s in %.2fs (%.0f events/s)\n",
              static_cast<unsigned long long>(report->events),
              static_cast<unsigned long long>(report->processes),
              static_cast<unsigned long long>(report->inferred_processes),
              static_cast<unsigned long long>(report->gaps), report->gaps == 1 ? "gap" : "gaps", secs,
              secs > 0 ? static_cast<double>(report->events) / secs : 0.0);
  return 0;
}

}  // namespace amber::replay

// amber-record: a thin shell over record::Recorder. Exit codes follow sysexits.h: 0 ok, 2 usage,
// 74 I/O error (disk full), 77 missing privilege or kernel support (not root, no BTF).
#include <csignal>
#include <cstdio>

#include <atomic>

#include "record/loader.h"
#include "record/options.h"
#include "record/recorder.h"
#include "store/file.h"

namespace {

std::atomic<int> g_stop{0};

void OnSignal(int sig) { g_stop.store(sig); }

}  // namespace

int main(int argc, char** argv) {
  using namespace amber;
  Result<record::ParsedCommandLine> parsed = record::ParseCommandLine(argc, argv);
  if (!parsed.ok()) {
    std::fprintf(stderr, "amber-record: %s (see --help)\n", parsed.status().ToString().c_str());
    return 2;
  }
  if (parsed->help) {
    std::fputs(parsed->usage.c_str(), stdout);
    return 0;
  }
  if (Status pre = record::CheckPrerequisites(); !pre.ok()) {
    std::fprintf(stderr, "amber-record: %s\n", pre.ToString().c_str());
    return 77;  // EX_NOPERM: not root, or no kernel BTF
  }

  // No SA_RESTART: the poll returns EINTR and the loop sees the stop request at once.
  struct sigaction sa = {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  store::PosixEnv env;
  record::Recorder recorder(parsed->options, &env);
  record::RecorderSummary summary;
  Status status = recorder.Run(g_stop, &summary);
  if (!status.ok()) {
    std::fprintf(stderr, "amber-record: %s\n", status.ToString().c_str());
    return ExitCodeFor(status);
  }
  if (!parsed->options.quiet) {
    std::fprintf(stderr, "amber-record: stopped (%s): %llu events, %llu lost, %llu bytes\n",
                 summary.stop_reason.c_str(), static_cast<unsigned long long>(summary.events),
                 static_cast<unsigned long long>(summary.lost),
                 static_cast<unsigned long long>(summary.bytes));
  }
  return 0;
}

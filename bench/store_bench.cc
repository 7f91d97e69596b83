// store_bench: writer and reader throughput and bytes per event of the capture format, on one core.
//
//   store_bench [EVENTS]          (default 2,000,000)
//
// Two workloads: "mix", a busy container host (opens of library and config paths, execs with argv,
// connects, credential changes; tests/store/store_test_util.cc SyntheticMix), and "repetitive",
// one process in an openat+close loop. For each: encode+compress+hash+write to an in-memory file
// (events/s, MB/s of encoded bodies), read back with every check (events/s), and bytes per event
// on disk, all per CPU-second of the one thread. Also LZ4's own speed on the same bodies: the limit the writer and reader approach.
#include <lz4.h>

#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "store/capture_reader.h"
#include "store/capture_writer.h"
#include "tests/store/store_test_util.h"

using namespace amber::store;
// Thread CPU time, not wall time: on a shared machine the CPU time of this one thread is what the
// code costs. Both are printed at the end for a quiet machine's comparison.
struct Clock {
  using time_point = std::chrono::duration<double>;
  static time_point now() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return time_point(static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9);
  }
};

namespace {

double Seconds(Clock::time_point a, Clock::time_point b) { return (b - a).count(); }

std::vector<Event> Repetitive(size_t n) {
  Event e;
  e.op = Op::kOpen;
  e.context.pid = e.context.tid = 4242;
  e.context.ppid = 4000;
  e.context.process_start_ns = 5'000'000'000;
  e.context.comm = "loop";
  e.context.mnt_ns = 4026531841;
  e.context.pid_ns = 4026531836;
  e.context.user_ns = 4026531837;
  e.context.net_ns = 4026531840;
  e.context.cgroup_id = 1;
  std::vector<Event> out(n, e);
  uint64_t t = 10'000'000'000;
  for (size_t i = 0; i < n; ++i) {
    t += 700 + (i * 7919) % 300;  // ~1 us apart, jittered as a real loop is
    out[i].time_ns = t;
    out[i].cpu = 1;
    out[i].ret = 3;
    out[i].args = FileArgs{"/tmp/amber-bench/file", "", 0101, 0644, kIdUnchanged, kIdUnchanged, ""};
  }
  return out;
}

void Run(const char* name, const std::vector<Event>& events) {
  MemEnv env;
  WriterOptions o;
  auto t0 = Clock::now();
  auto w = CaptureWriter::Create(&env, "/b.amber", testing::SampleHeader(), o);
  if (!w.ok()) std::abort();
  for (const Event& e : events) {
    if (!(*w)->AppendEvent(e).ok()) std::abort();
  }
  if (!(*w)->Close("bench").ok()) std::abort();
  auto t1 = Clock::now();
  const WriterStats st = (*w)->stats();

  auto r = CaptureReader::Open(&env, "/b.amber");
  if (!r.ok()) std::abort();
  Chunk c;
  size_t read = 0;
  while ((*r)->Next(&c)) read += c.body.events.size();
  auto t2 = Clock::now();
  if (read != events.size() || (*r)->verdict() != Verdict::kIntact) std::abort();

  // LZ4 alone on bodies of the same size and content: re-encode chunk-sized batches.
  BodyEncoder enc;
  std::string body;
  size_t in_bytes = 0, comp_bytes = 0;
  double lz4_c = 0, lz4_d = 0;
  for (size_t i = 0; i < events.size();) {
    for (; i < events.size() && enc.approx_bytes() < o.chunk_bytes; ++i) enc.AddEvent(events[i]);
    body = enc.Finish();
    std::vector<char> out(LZ4_compressBound(static_cast<int>(body.size())));
    std::vector<char> back(body.size());
    auto a = Clock::now();
    int n = LZ4_compress_default(body.data(), out.data(), static_cast<int>(body.size()),
                                 static_cast<int>(out.size()));
    auto b = Clock::now();
    LZ4_decompress_safe(out.data(), back.data(), n, static_cast<int>(back.size()));
    auto d = Clock::now();
    lz4_c += Seconds(a, b);
    lz4_d += Seconds(b, d);
    in_bytes += body.size();
    comp_bytes += static_cast<size_t>(n);
  }

  const double n = static_cast<double>(events.size());
  const double file = static_cast<double>(env.Contents("/b.amber").size());
  std::printf("%-10s events=%zu write=%.2f M ev/s (%.0f MB/s of bodies) read=%.2f M ev/s "
              "bytes/event=%.2f body bytes/event=%.1f | lz4 alone: compress %.0f MB/s "
              "(%.2f M ev/s) decompress %.0f MB/s (%.2f M ev/s)\n",
              name, events.size(), n / Seconds(t0, t1) / 1e6,
              static_cast<double>(st.raw_bytes) / Seconds(t0, t1) / 1e6, n / Seconds(t1, t2) / 1e6,
              file / n, static_cast<double>(in_bytes) / n, static_cast<double>(in_bytes) / lz4_c / 1e6,
              n / lz4_c / 1e6, static_cast<double>(in_bytes) / lz4_d / 1e6, n / lz4_d / 1e6);
  (void)comp_bytes;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2'000'000;
  Run("mix", testing::SyntheticMix(n, 42));
  Run("repetitive", Repetitive(n));
  return 0;
}

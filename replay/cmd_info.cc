// amber-replay info FILE: what a capture holds, read end to end without a database.
#include <boost/program_options.hpp>

#include <cstdio>
#include <map>
#include <set>

#include "common/text.h"
#include "replay/cli.h"
#include "replay/commands.h"
#include "store/capture_reader.h"
#include "store/file.h"

namespace amber::replay {
namespace {

namespace po = boost::program_options;

struct Tally {
  std::map<std::string, uint64_t> ops;
  std::map<std::string, uint64_t> chunks;  // per kind
  std::map<std::pair<std::string, uint32_t>, store::LossRecord> losses;  // per source and CPU
  std::set<std::string> containers;
  uint64_t events = 0;
  uint64_t processes = 0;
  uint64_t stored_bytes = 0;
  uint64_t raw_bytes = 0;
  uint64_t first_ns = UINT64_MAX;
  uint64_t last_ns = 0;
};

void Add(Tally& t, const store::Chunk& c) {
  ++t.chunks[std::string(store::ChunkKindName(c.kind))];
  t.stored_bytes += c.stored_size + 80;
  t.raw_bytes += c.raw_size;
  for (const store::Event& e : c.body.events) {
    ++t.ops[store::OpName(e.op)];
    t.first_ns = std::min(t.first_ns, e.time_ns);
    t.last_ns = std::max(t.last_ns, e.time_ns);
  }
  t.events += c.body.events.size();
  t.processes += c.body.processes.size();
  for (const auto& ct : c.body.containers) t.containers.insert(ct.id);
  for (const store::LossRecord& l : c.body.losses) {
    auto [it, fresh] = t.losses.try_emplace({store::LossSourceName(l.source), l.cpu}, l);
    if (!fresh) {
      it->second.count += l.count;
      it->second.first_ns = std::min(it->second.first_ns, l.first_ns);
      it->second.last_ns = std::max(it->second.last_ns, l.last_ns);
    }
  }
}

std::string Utc(const store::CaptureHeader& h, uint64_t boot_ns) {
  return FormatUtcNs(h.ToUnixNs(boot_ns));
}

void Print(const store::CaptureReader& r, const Tally& t) {
  const store::CaptureHeader& h = r.header();
  auto esc = [](const std::string& s) { return EscapeForTerminal(s); };
  std::printf("capture     %s\n", esc(r.path()).c_str());
  std::printf("capture id  %s (recording %s, file %u)\n",
              store::BytesHex(h.capture_id).c_str(),
              store::BytesHex(h.recording_id).c_str(),
              h.file_index);
  std::printf("verdict     %s\n", std::string(store::VerdictName(r.verdict())).c_str());
  for (const store::Problem& p : r.problems()) {
    std::printf("  problem   %s at offset %llu: %s\n", std::string(store::VerdictName(p.verdict)).c_str(),
                static_cast<unsigned long long>(p.offset), esc(p.message).c_str());
  }
  std::printf("host        %s (machine %s, boot %s)\n", esc(h.host.hostname).c_str(),
              esc(h.host.machine_id).c_str(), esc(h.host.boot_id).c_str());
  std::printf("kernel      %s %s, %u CPUs\n", esc(h.host.kernel_release).c_str(),
              esc(h.host.arch).c_str(), h.host.cpus);
  std::printf("recorder    %s %s\n", esc(h.recorder_name).c_str(), esc(h.recorder_version).c_str());
  for (const auto& [k, v] : h.options) std::printf("  option    %s=%s\n", esc(k).c_str(), esc(v).c_str());
  if (t.events > 0) {
    std::printf("time        %s .. %s (%.3f s)\n", Utc(h, t.first_ns).c_str(), Utc(h, t.last_ns).c_str(),
                static_cast<double>(t.last_ns - t.first_ns) / 1e9);
  } else {
    std::printf("time        started %s, no events\n", Utc(h, h.started_ns).c_str());
  }
  std::printf("events      %llu\n", static_cast<unsigned long long>(t.events));
  for (const auto& [op, n] : t.ops) std::printf("  %-22s %llu\n", op.c_str(), static_cast<unsigned long long>(n));
  std::printf("processes   %llu in snapshots\n", static_cast<unsigned long long>(t.processes));
  std::printf("containers  %zu\n", t.containers.size());
  // kernel_path records are events kept with a path or argv cut short, not events missing.
  uint64_t lost = 0, incomplete = 0;
  for (const auto& [key, l] : t.losses) {
    (l.source == store::LossSource::kKernelPath ? incomplete : lost) += l.count;
  }
  auto list = [&](bool kept, const char* what) {
    for (const auto& [key, l] : t.losses) {
      if ((l.source == store::LossSource::kKernelPath) != kept) continue;
      std::string cpu = l.cpu == store::kNoCpu ? "-" : std::to_string(l.cpu);
      std::printf("  %-12s cpu %-3s %llu %s between %s and %s\n", key.first.c_str(), cpu.c_str(),
                  static_cast<unsigned long long>(l.count), what, Utc(h, l.first_ns).c_str(),
                  Utc(h, l.last_ns).c_str());
    }
  };
  std::printf("losses      %llu\n", static_cast<unsigned long long>(lost));
  list(false, "lost");
  if (incomplete != 0) {
    std::printf("incomplete  %llu events kept with a path or argument cut short\n",
                static_cast<unsigned long long>(incomplete));
    list(true, "kept incomplete");
  }
  std::printf("probes      %zu\n", h.probes.size());
  for (const store::ProbeRecord& p : h.probes) {
    if (p.status == store::ProbeStatus::kAttached) continue;
    std::printf("  %-10s %s %s\n", store::ProbeStatusName(p.status).c_str(), esc(p.name).c_str(), esc(p.detail).c_str());
  }
  std::printf("chunks     ");
  for (const auto& [kind, n] : t.chunks) std::printf(" %s=%llu", kind.c_str(), static_cast<unsigned long long>(n));
  std::printf("\nsize        %llu bytes on disk, %llu decoded (%.1fx)",
              static_cast<unsigned long long>(r.file_size()), static_cast<unsigned long long>(t.raw_bytes),
              r.file_size() ? static_cast<double>(t.raw_bytes) / static_cast<double>(r.file_size()) : 0.0);
  if (t.events > 0) std::printf(", %.1f bytes/event", static_cast<double>(r.file_size()) / static_cast<double>(t.events));
  std::printf("\n");
  if (r.footer()) std::printf("stopped     %s (%s)\n", Utc(h, r.footer()->stopped_ns).c_str(), esc(r.footer()->stop_reason).c_str());
}

}  // namespace

int RunInfo(const std::vector<std::string>& args) {
  po::options_description opts("usage: amber-replay info FILE\n\n"
                               "Header, host, time range in UTC, counts per event kind, losses,\n"
                               "probes that were not attached, and chunks of one capture.\n\n"
                               "options");
  opts.add_options()("help,h", "this help")("salvage", "skip corrupt chunks instead of stopping");
  std::string file;
  po::options_description hidden;
  hidden.add_options()("file", po::value(&file));
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (int rc = ParseArgs(args, opts, hidden, pos, &vm); rc >= 0) return rc;
  if (file.empty()) return UsageError(opts, "info: no capture given");

  store::PosixEnv env;
  auto reader = store::CaptureReader::Open(&env, file, {.salvage = vm.count("salvage") > 0});
  if (!reader.ok()) {
    std::fprintf(stderr, "amber-replay: info: %s\n", EscapeForTerminal(reader.status().message()).c_str());
    return ExitCodeFor(reader.status());
  }
  Tally tally;
  store::Chunk chunk;
  while ((*reader)->Next(&chunk)) Add(tally, chunk);
  Print(**reader, tally);
  const store::Verdict v = (*reader)->verdict();
  return v == store::Verdict::kTampered || v == store::Verdict::kCorrupt ? 65 : 0;
}

}  // namespace amber::replay

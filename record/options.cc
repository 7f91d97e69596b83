#include "record/options.h"

#include <boost/program_options.hpp>

#include <charconv>
#include <sstream>

#include "record/syscall_table.h"

namespace amber::record {
namespace po = boost::program_options;

namespace {

Result<uint64_t> ParseScaled(std::string_view text, std::string_view what,
                             uint64_t (*scale)(char)) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data()) {
    return Status::InvalidArgument(std::string(what) + " " + std::string(text) + ": not a number");
  }
  std::string_view suffix(end, text.data() + text.size() - end);
  if (suffix.empty()) return value * scale(0);
  uint64_t factor = suffix.size() == 1 ? scale(suffix[0]) : 0;
  if (factor == 0) {
    return Status::InvalidArgument(std::string(what) + " " + std::string(text) + ": unknown unit");
  }
  return value * factor;
}

}  // namespace

Result<uint64_t> ParseDurationNs(std::string_view text) {
  return ParseScaled(text, "duration", [](char c) -> uint64_t {
    switch (c) {
      case 0: case 's': return 1'000'000'000ull;
      case 'm': return 60'000'000'000ull;
      case 'h': return 3'600'000'000'000ull;
      default: return 0;
    }
  });
}

Result<uint64_t> ParseBytes(std::string_view text) {
  return ParseScaled(text, "size", [](char c) -> uint64_t {
    switch (c) {
      case 0: return 1;
      case 'K': case 'k': return 1ull << 10;
      case 'M': case 'm': return 1ull << 20;
      case 'G': case 'g': return 1ull << 30;
      default: return 0;
    }
  });
}

Result<OpSet> ParseOpList(std::string_view list) {
  OpSet ops;
  while (true) {
    size_t comma = list.find(',');
    std::string_view name = list.substr(0, comma);
    bool found = false;
    for (uint16_t v = 0; v < store::kOpCount; ++v) {
      auto op = static_cast<store::Op>(v);
      if (!OpInProfile(op, "full")) continue;
      if (name == store::OpName(op) || name == store::OpFamilyName(op)) {
        ops.set(v);
        found = true;
      }
    }
    if (!found) {
      return Status::InvalidArgument(
          "op list: " + (name.empty() ? std::string("an empty name") : "'" + std::string(name) + "'") +
          " is neither an op nor a family amber-record records (ops: open, exec, connect...; "
          "families: process ops fork/exec/exit, cred, control, ns, target, file, memory, net)");
    }
    if (comma == std::string_view::npos) return ops;
    list.remove_prefix(comma + 1);
  }
}

Result<ParsedCommandLine> ParseCommandLine(int argc, const char* const* argv) {
  ParsedCommandLine parsed;
  RecorderOptions& o = parsed.options;
  std::string duration, ringbuf = "16M", rotate_size, rotate_time, only_ops, excluded_ops;
  po::options_description desc(
      "amber-record: record kernel events of this host and its containers into a capture file\n"
      "usage: amber-record -o FILE [options]\n\noptions");
  desc.add_options()
      ("help,h", "this text")
      ("output,o", po::value(&o.output), "capture file to write")
      ("duration,d", po::value(&duration), "stop after this long (e.g. 30s, 5m, 1h)")
      ("containers-only", po::bool_switch(&o.containers_only), "only tasks in containers: by cgroup, one a container runtime claims (a new cgroup's events wait up to 2 s for that)")
      ("profile", po::value(&o.profile)->default_value("default"), "default (opens for write and of sensitive paths) or full (every open)")
      ("ringbuf-size", po::value(&ringbuf), "ring buffer size, a power of two (default 16M)")
      ("rotate-size", po::value(&rotate_size), "start a new file past this size (e.g. 100M)")
      ("rotate-time", po::value(&rotate_time), "start a new file after this long (e.g. 1h)")
      ("max-files", po::value(&o.max_files), "keep at most this many rotated files")
      ("force,f", po::bool_switch(&o.force), "overwrite an existing capture")
      ("quiet,q", po::bool_switch(&o.quiet), "no status line")
      ("pid", po::value(&o.filter_pid), "only this process and its descendants")
      ("cgroup", po::value(&o.filter_cgroup), "only tasks in this v1 cgroup path or below")
      ("ns", po::value(&o.filter_ns), "only tasks in this namespace (inode of a mnt, pid, net or user ns)")
      ("ops", po::value(&only_ops), "record only these ops or families, comma-separated (e.g. exec,connect,ns); fork, exec and exit always")
      ("exclude-ops", po::value(&excluded_ops), "never record these ops or families (e.g. mmap,mprotect); not fork, exec or exit")
      ("no-snapshot", "skip the /proc snapshot at start")
      ("poll-ms", po::value(&o.poll_interval_ms), "consumer poll interval in ms (default 20)")
      ("verbose", po::bool_switch(&o.verbose), "libbpf debug output");
  std::ostringstream usage;
  usage << desc;
  parsed.usage = usage.str();
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return Status::InvalidArgument(std::string("command line: ") + e.what());
  }
  if (vm.count("help")) {
    parsed.help = true;
    return parsed;
  }
  if (o.output.empty()) return Status::InvalidArgument("command line: -o FILE is required");
  o.snapshot = vm.count("no-snapshot") == 0;
  if (!duration.empty()) {
    Result<uint64_t> d = ParseDurationNs(duration);
    if (!d.ok()) return d.status();
    o.duration_ns = *d;
  }
  Result<uint64_t> rb = ParseBytes(ringbuf);
  if (!rb.ok()) return rb.status();
  if (*rb < 4096 || (*rb & (*rb - 1)) != 0 || *rb > (1ull << 30)) {
    return Status::InvalidArgument("ring buffer size " + ringbuf + ": not a power of two between 4K and 1G");
  }
  o.ringbuf_bytes = static_cast<uint32_t>(*rb);
  if (!rotate_size.empty()) {
    Result<uint64_t> r = ParseBytes(rotate_size);
    if (!r.ok()) return r.status();
    o.rotate_bytes = *r;
  }
  if (!rotate_time.empty()) {
    Result<uint64_t> r = ParseDurationNs(rotate_time);
    if (!r.ok()) return r.status();
    o.rotate_interval_ns = *r;
  }
  // The process tree (parents, images, lifetimes) is rebuilt from these three: without them every
  // other event would belong to processes replay cannot place.
  OpSet lifecycle;
  for (store::Op op : {store::Op::kFork, store::Op::kExec, store::Op::kExit}) {
    lifecycle.set(static_cast<size_t>(op));
  }
  if (vm.count("ops")) {
    Result<OpSet> ops = ParseOpList(only_ops);
    if (!ops.ok()) return ops.status().Annotate("--ops");
    o.only_ops = *ops | lifecycle;
  }
  if (vm.count("exclude-ops")) {
    Result<OpSet> ops = ParseOpList(excluded_ops);
    if (!ops.ok()) return ops.status().Annotate("--exclude-ops");
    if ((*ops & lifecycle).any()) {
      return Status::InvalidArgument(
          "--exclude-ops " + excluded_ops +
          ": fork, exec and exit are always recorded (replay rebuilds the process tree from them)");
    }
    o.excluded_ops = *ops;
  }
  if (o.poll_interval_ms == 0 || o.poll_interval_ms > 1000) {
    return Status::InvalidArgument("poll interval: between 1 and 1000 ms");
  }
  for (const auto& [name, value] : vm) {
    if (value.defaulted()) continue;
    std::string text;
    const boost::any& any = value.value();
    if (const auto* s = boost::any_cast<std::string>(&any)) text = *s;
    else if (const auto* b = boost::any_cast<bool>(&any)) text = *b ? "true" : "false";
    else if (const auto* u = boost::any_cast<uint32_t>(&any)) text = std::to_string(*u);
    o.given.emplace_back(name, text);
  }
  return parsed;
}

}  // namespace amber::record

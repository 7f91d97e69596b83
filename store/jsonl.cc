// The JSON-lines form of capture records (docs/jsonl.md). The only file that touches
// nlohmann::json; its exceptions are caught here and nowhere else.
//
// Each record type lists its fields once, in a Fields() template that both directions walk with a
// visitor: Emitter writes members, Loader reads them back and rejects whatever it was not asked
// for. The two directions therefore cannot drift apart, and the field names are the records.h
// member names by construction.
#include "store/jsonl.h"

#include <algorithm>
#include <array>
#include <concepts>
#include <cstdio>
#include <limits>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/text.h"
#include "store/capture_writer.h"
#include "store/hash.h"

namespace amber::store {
namespace {

using Json = nlohmann::json;          // parsing: std::map lookups by field name
using OJson = nlohmann::ordered_json;  // writing: members in records.h order, "type" first

// ---- Bytes as text ------------------------------------------------------------------------------

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64Encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kBase64Alphabet[(v >> shift) & 63];
  }
  size_t rest = in.size() - i;
  if (rest > 0) {
    uint32_t v = uint8_t(in[i]) << 16;
    if (rest == 2) v |= uint8_t(in[i + 1]) << 8;
    out += kBase64Alphabet[(v >> 18) & 63];
    out += kBase64Alphabet[(v >> 12) & 63];
    out += rest == 2 ? kBase64Alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Canonical padded base64 only (RFC 4648 section 3.5: unused bits must be zero), so each byte
// string has exactly one spelling and a fixture cannot hide two readings of one value.
bool Base64Decode(std::string_view in, std::string* out) {
  auto value = [](char c) -> int {
    const char* p = std::char_traits<char>::find(kBase64Alphabet, 64, c);
    return p == nullptr ? -1 : static_cast<int>(p - kBase64Alphabet);
  };
  if (in.size() % 4 != 0) return false;
  size_t pad = 0;
  if (!in.empty() && in.back() == '=') pad = in.size() >= 2 && in[in.size() - 2] == '=' ? 2 : 1;
  out->clear();
  out->reserve(in.size() / 4 * 3);
  for (size_t i = 0; i < in.size(); i += 4) {
    bool last = i + 4 == in.size();
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k) {
      int d = (last && k >= 4 - pad) ? 0 : value(in[i + k]);
      if (d < 0) return false;
      v = (v << 6) | static_cast<uint32_t>(d);
    }
    out->push_back(static_cast<char>(v >> 16));
    if (last && pad == 2) return (v & 0xffff) == 0;
    out->push_back(static_cast<char>((v >> 8) & 0xff));
    if (last && pad == 1) return (v & 0xff) == 0;
    out->push_back(static_cast<char>(v & 0xff));
  }
  return true;
}

bool HexDecode(std::string_view in, std::string* out) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;  // uppercase too: one spelling per value, as exported
  };
  if (in.size() % 2 != 0) return false;
  out->clear();
  for (size_t i = 0; i < in.size(); i += 2) {
    int hi = nibble(in[i]), lo = nibble(in[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi << 4 | lo));
  }
  return true;
}

// Input echoed in an error message goes to a terminal: escaped, and bounded.
std::string Printable(std::string_view s, size_t max_bytes = 64) {
  if (s.size() <= max_bytes) return EscapeForTerminal(s);
  return EscapeForTerminal(s.substr(0, max_bytes)) + "...";
}

// nlohmann \u-escapes C0 controls but writes DEL, C1 controls (which some terminals obey) and the
// line and bidi separators (which reorder or split what an analyst sees) raw. Every byte at or
// above 0x7f in a dump lies inside a string literal, so escaping it there keeps the JSON valid and
// the decoded string unchanged.
bool IsRiskyCodePoint(uint32_t cp) {
  return cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x200e || cp == 0x200f ||
         (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

void EscapeRisky(std::string* line) {
  const std::string& s = *line;
  if (std::none_of(s.begin(), s.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u == 0x7f || u == 0xc2 || u == 0xe2;
      })) {
    return;
  }
  std::string out;
  out.reserve(s.size() + 16);
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    uint32_t cp = c < 0x80 ? c : 0;  // other bytes of a sequence are copied as they are
    size_t len = 1;
    if (c == 0xc2 && i + 1 < s.size()) {
      cp = static_cast<uint32_t>(s[i + 1] & 0x3f) | 0x80;
      len = 2;
    } else if (c == 0xe2 && i + 2 < s.size()) {
      cp = 0x2000 | static_cast<uint32_t>(s[i + 1] & 0x3f) << 6 | (s[i + 2] & 0x3f);
      len = 3;
    }
    if (IsRiskyCodePoint(cp)) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", cp);
      out += buf;
    } else {
      out.append(s, i, len);
    }
    i += len;
  }
  *line = std::move(out);
}

// "2026-11-29T13:02:20.123456789Z", or nothing without a clock mapping or before 1970. Computed in
// unsigned arithmetic rather than by CaptureHeader::ToUnixNs, whose signed arithmetic overflows on
// hostile clock values.
std::optional<std::string> FormatUtc(const CaptureHeader& clock, uint64_t boot_ns) {
  if (clock.clock_realtime_ns == 0) return std::nullopt;
  uint64_t unix_ns;
  if (clock.clock_realtime_ns >= clock.clock_boot_ns) {
    uint64_t offset = clock.clock_realtime_ns - clock.clock_boot_ns;
    if (boot_ns > std::numeric_limits<uint64_t>::max() - offset) return std::nullopt;
    unix_ns = boot_ns + offset;
  } else {
    uint64_t offset = clock.clock_boot_ns - clock.clock_realtime_ns;
    if (boot_ns < offset) return std::nullopt;
    unix_ns = boot_ns - offset;
  }
  if (unix_ns > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return FormatUtcNs(static_cast<int64_t>(unix_ns));
}

// ---- Field tables -------------------------------------------------------------------------------

// A byte string written as lowercase hex (ids and digests) instead of as text.
template <typename S>
struct Hex {
  S& bytes;
};
template <typename S>
Hex<S> AsHex(S& bytes) {
  return Hex<S>{bytes};
}

// `R` is T or const T: one list serves both directions. AMBER_FIELD names the member after
// itself, so a JSON name cannot differ from its records.h member name.
template <typename R, typename T>
concept Is = std::same_as<std::remove_const_t<R>, T>;
#define AMBER_FIELD(member) v(#member, r.member)
#define AMBER_HEX_FIELD(member) v(#member, AsHex(r.member))

template <typename R, typename V> requires Is<R, TaskContext>
void Fields(R& r, V& v) {
  AMBER_FIELD(pid); AMBER_FIELD(tid); AMBER_FIELD(ppid); AMBER_FIELD(process_start_ns);
  AMBER_FIELD(uid); AMBER_FIELD(gid); AMBER_FIELD(euid); AMBER_FIELD(egid); AMBER_FIELD(login_uid);
  AMBER_FIELD(cap_effective); AMBER_FIELD(mnt_ns); AMBER_FIELD(pid_ns); AMBER_FIELD(user_ns);
  AMBER_FIELD(net_ns); AMBER_FIELD(uts_ns); AMBER_FIELD(ipc_ns); AMBER_FIELD(cgroup_ns);
  AMBER_FIELD(cgroup_id); AMBER_FIELD(cgroup_path); AMBER_FIELD(container_id); AMBER_FIELD(comm);
  AMBER_FIELD(flags);
}

template <typename R, typename V> requires Is<R, NoArgs>
void Fields(R&, V&) {}

template <typename R, typename V> requires Is<R, ForkArgs>
void Fields(R& r, V& v) {
  AMBER_FIELD(child_pid); AMBER_FIELD(child_tid); AMBER_FIELD(clone_flags);
  AMBER_FIELD(child_start_ns);
}

template <typename R, typename V> requires Is<R, ExecArgs>
void Fields(R& r, V& v) {
  AMBER_FIELD(filename); AMBER_FIELD(interpreter); AMBER_FIELD(cwd); AMBER_FIELD(argv);
  AMBER_FIELD(argc); AMBER_FIELD(exec_flags); AMBER_FIELD(executable);
}

template <typename R, typename V> requires Is<R, ExitArgs>
void Fields(R& r, V& v) {
  AMBER_FIELD(exit_code); AMBER_FIELD(exit_signal);
}

template <typename R, typename V> requires Is<R, CredArgs>
void Fields(R& r, V& v) {
  AMBER_FIELD(id0); AMBER_FIELD(id1); AMBER_FIELD(id2); AMBER_FIELD(old_uid);
  AMBER_FIELD(old_euid); AMBER_FIELD(caps);
}

template <typename R, typename V> requires Is<R, ControlArgs>
void Fields(R& r, V& v) {
  AMBER_FIELD(cmd); AMBER_FIELD(arg); AMBER_FIELD(name);
}

template <typename R, typename V> requires Is<R, NsArgs>
void Fields(R& r, V& v) {
  AMBER_FIELD(ns_flags); AMBER_FIELD(fd); AMBER_FIELD(ns_cmd); AMBER_FIELD(source);
  AMBER_FIELD(target); AMBER_FIELD(fs_type); AMBER_FIELD(key); AMBER_FIELD(value);
  AMBER_FIELD(ns_inode);
}

template <typename R, typename V> requires Is<R, TargetArgs>
void Fields(R& r, V& v) {
  AMBER_FIELD(target_pid); AMBER_FIELD(signal); AMBER_FIELD(request); AMBER_FIELD(addr);
  AMBER_FIELD(given_pid);
}

template <typename R, typename V> requires Is<R, FileArgs>
void Fields(R& r, V& v) {
  AMBER_FIELD(path); AMBER_FIELD(path2); AMBER_FIELD(file_flags); AMBER_FIELD(mode);
  AMBER_FIELD(owner_uid); AMBER_FIELD(owner_gid); AMBER_FIELD(opened_path);
}

template <typename R, typename V> requires Is<R, MemoryArgs>
void Fields(R& r, V& v) {
  AMBER_FIELD(addr); AMBER_FIELD(length); AMBER_FIELD(prot); AMBER_FIELD(mem_flags);
  AMBER_FIELD(mem_fd); AMBER_FIELD(mem_name);
}

template <typename R, typename V> requires Is<R, NetArgs>
void Fields(R& r, V& v) {
  AMBER_FIELD(family); AMBER_FIELD(port); AMBER_FIELD(addr_hi); AMBER_FIELD(addr_lo);
  AMBER_FIELD(sock_path); AMBER_FIELD(sock_fd); AMBER_FIELD(backlog);
}

template <typename R, typename V> requires Is<R, SyscallArgs>
void Fields(R& r, V& v) {
  AMBER_FIELD(nr); AMBER_FIELD(arg0); AMBER_FIELD(arg1); AMBER_FIELD(arg2); AMBER_FIELD(arg3);
}

template <typename R, typename V> requires Is<R, UnknownArgs>
void Fields(R& r, V& v) {
  AMBER_FIELD(which);
}

template <typename R, typename V> requires Is<R, Event>
void Fields(R& r, V& v) {
  AMBER_FIELD(time_ns);
  v.Time(r.time_ns);  // after time_ns, where a reader looks for it
  AMBER_FIELD(cpu); AMBER_FIELD(op); AMBER_FIELD(ret); AMBER_FIELD(context);
  v.Args(r.args);  // "family" and "args"
}

template <typename R, typename V> requires Is<R, ProcessRecord>
void Fields(R& r, V& v) {
  AMBER_FIELD(context); AMBER_FIELD(exe); AMBER_FIELD(cwd); AMBER_FIELD(argv);
  AMBER_FIELD(observed_ns);
}

template <typename R, typename V> requires Is<R, MountRecord>
void Fields(R& r, V& v) {
  AMBER_FIELD(source); AMBER_FIELD(destination); AMBER_FIELD(type); AMBER_FIELD(options);
}

template <typename R, typename V> requires Is<R, ContainerRecord>
void Fields(R& r, V& v) {
  AMBER_FIELD(id); AMBER_FIELD(name); AMBER_FIELD(image); AMBER_FIELD(image_digest);
  AMBER_FIELD(runtime); AMBER_FIELD(cgroup_path); AMBER_FIELD(labels); AMBER_FIELD(annotations);
  AMBER_FIELD(pod_name); AMBER_FIELD(pod_namespace); AMBER_FIELD(pod_uid); AMBER_FIELD(privileged);
  AMBER_FIELD(mounts); AMBER_FIELD(init_pid); AMBER_FIELD(observed_ns); AMBER_FIELD(bundle);
  AMBER_FIELD(status); AMBER_FIELD(capabilities); AMBER_FIELD(namespaces);
}

template <typename R, typename V> requires Is<R, LossRecord>
void Fields(R& r, V& v) {
  AMBER_FIELD(source); AMBER_FIELD(cpu); AMBER_FIELD(count); AMBER_FIELD(first_ns);
  AMBER_FIELD(last_ns); AMBER_FIELD(reason);
}

template <typename R, typename V> requires Is<R, RecorderStats>
void Fields(R& r, V& v) {
  AMBER_FIELD(time_ns); AMBER_FIELD(counters);
}

template <typename R, typename V> requires Is<R, HostInfo>
void Fields(R& r, V& v) {
  AMBER_FIELD(hostname); AMBER_FIELD(machine_id); AMBER_FIELD(boot_id);
  AMBER_FIELD(kernel_release); AMBER_FIELD(kernel_version); AMBER_FIELD(arch); AMBER_FIELD(cpus);
}

template <typename R, typename V> requires Is<R, ProbeRecord>
void Fields(R& r, V& v) {
  AMBER_FIELD(name); AMBER_FIELD(status); AMBER_FIELD(detail); AMBER_FIELD(ops);
}

template <typename R, typename V> requires Is<R, CaptureHeader>
void Fields(R& r, V& v) {
  AMBER_HEX_FIELD(capture_id); AMBER_HEX_FIELD(recording_id); AMBER_FIELD(file_index);
  AMBER_HEX_FIELD(previous_digest); AMBER_FIELD(host); AMBER_FIELD(recorder_name);
  AMBER_FIELD(recorder_version); AMBER_FIELD(options); AMBER_FIELD(clock_boot_ns);
  AMBER_FIELD(clock_realtime_ns); AMBER_FIELD(probes); AMBER_HEX_FIELD(btf_id);
  AMBER_FIELD(started_ns);
}

#undef AMBER_FIELD
#undef AMBER_HEX_FIELD

// The names of the alternatives of the variants: a line's "type", an event's "family". The family
// is a member of the event, not of "args", because NetArgs has a field named "family" already.
constexpr std::array<const char*, std::variant_size_v<JsonRecord>> kRecordTypes = {
    "header", "event", "process", "container", "loss", "stats"};
constexpr std::array<const char*, std::variant_size_v<EventArgs>> kFamilies = {
    "none", "fork", "exec", "exit", "cred", "control", "ns", "target", "file", "memory", "net",
    "syscall", "unknown"};

template <typename T>
concept Integer = std::integral<T> && !std::same_as<T, bool>;

// The position of T among a variant's alternatives.
template <typename T, typename V>
struct IndexOf;
template <typename T, typename... Ts>
struct IndexOf<T, std::variant<Ts...>> {
  static constexpr size_t value = [] {
    size_t i = 0;
    (void)((std::is_same_v<T, Ts> ? false : (++i, true)) && ...);
    return i;
  }();
};

// ---- Writing ------------------------------------------------------------------------------------

// Appends one member per field to a JSON object. Every string goes through Value(std::string),
// which is what keeps raw, possibly invalid, bytes away from nlohmann's dump.
class Emitter {
 public:
  Emitter(OJson* object, const CaptureHeader* clock) : object_(object), clock_(clock) {}

  template <typename T>
  void operator()(const char* name, const T& value) {
    Put(name, Value(value));
  }
  void Time(uint64_t time_ns) {
    if (clock_ == nullptr) return;
    if (std::optional<std::string> utc = FormatUtc(*clock_, time_ns)) Put("time", *utc);
  }
  void Args(const EventArgs& args) {
    Put("family", kFamilies[args.index()]);
    Put("args", std::visit([](const auto& a) { return Value(a); }, args));
  }
  // Names are unique by construction, so skip ordered_map's linear search for an existing key.
  void Put(const char* name, OJson value) {
    object_->get_ref<OJson::object_t&>().emplace_back(name, std::move(value));
  }

  // A line: {"type": "<record type>", fields...}.
  template <typename T>
  static OJson Line(const T& record, const CaptureHeader* clock) {
    OJson object = OJson::object();
    Emitter emitter(&object, clock);
    emitter.Put("type", kRecordTypes[IndexOf<T, JsonRecord>::value]);
    Fields(record, emitter);
    return object;
  }

 private:
  template <Integer T>
  static OJson Value(T v) {
    return v;
  }
  static OJson Value(bool v) { return v; }
  static OJson Value(const std::string& bytes) {
    if (IsValidUtf8(bytes)) return bytes;
    OJson object = OJson::object();
    object["base64"] = Base64Encode(bytes);
    return object;
  }
  static OJson Value(const Hex<const std::string>& hex) { return BytesHex(hex.bytes); }
  static OJson Value(Op op) { return OpName(op); }
  static OJson Value(LossSource source) { return LossSourceName(source); }
  static OJson Value(ProbeStatus status) { return ProbeStatusName(status); }
  template <typename A, typename B>
  static OJson Value(const std::pair<A, B>& pair) {
    OJson array = OJson::array();
    array.push_back(Value(pair.first));
    array.push_back(Value(pair.second));
    return array;
  }
  template <typename T>
  static OJson Value(const std::vector<T>& items) {
    OJson array = OJson::array();
    for (const T& item : items) array.push_back(Value(item));
    return array;
  }
  template <typename T>
    requires requires(const T& record, Emitter& e) { Fields(record, e); }
  static OJson Value(const T& record) {
    OJson object = OJson::object();
    Emitter emitter(&object, nullptr);
    Fields(record, emitter);
    return object;
  }

  OJson* object_;
  const CaptureHeader* clock_;
};

// nlohmann's dump throws only on invalid UTF-8, which Emitter never hands it: a throw here is a bug
// and terminates, as bugs should.
std::string Dump(const OJson& object) {
  std::string line = object.dump();
  EscapeRisky(&line);
  return line;
}

template <typename T>
std::string RecordLine(const T& record, const CaptureHeader* clock) {
  return Dump(Emitter::Line(record, clock));
}

// ---- Reading ------------------------------------------------------------------------------------

Status FieldError(const std::string& path, const std::string& reason) {
  return Status::InvalidArgument("field " + path + ": " + reason);
}

std::string NameList(const char* const* names, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) out += i + 1 == count ? " or " : ", ";
    out += names[i];
  }
  return out;
}

// Reads the fields of one JSON object into a record. Absent fields keep their defaults; a member
// no field asked for is an error, reported by Finish().
class Loader {
 public:
  Loader(const Json& object, std::string prefix) : object_(object), prefix_(std::move(prefix)) {}

  template <typename T>
  void operator()(const char* name, T&& value) {
    Lookup(name, [&](const Json& member) { return Load(member, prefix_ + name, &value); });
  }
  // "time" is informative: checked for type, otherwise ignored (time_ns is the truth).
  void Time(uint64_t) {
    Lookup("time", [&](const Json& member) {
      return member.is_string() ? Status::Ok() : FieldError(prefix_ + "time", "expected string");
    });
  }
  // A member read by someone else (the "type" of a line).
  void Allow(const char* name) {
    Lookup(name, [](const Json&) { return Status::Ok(); });
  }

  Status Finish() const {
    if (!status_.ok() || found_ == object_.size()) return status_;
    for (const auto& item : object_.items()) {
      const std::string& key = item.key();  // not a structured binding: clang 14 cannot capture one
      bool known = std::any_of(asked_.begin(), asked_.end(),
                               [&](const char* name) { return key == name; });
      if (!known) return FieldError(prefix_ + Printable(key), "unknown field");
    }
    return Status::Internal("jsonl: member count mismatch");
  }

  // An event's "family" and "args": which alternative, then its fields.
  void Args(EventArgs& out) {
    size_t index = 0;  // "none" when there is no family
    bool has_family = false;
    Lookup("family", [&](const Json& member) {
      has_family = true;
      return NameIndex(member, prefix_ + "family", kFamilies, "family", &index);
    });
    static const Json kNoMembers = Json::object();
    const Json* args = &kNoMembers;
    Lookup("args", [&](const Json& member) {
      if (!member.is_object()) return FieldError(prefix_ + "args", "expected object");
      if (!has_family && !member.empty()) {
        return FieldError(prefix_ + "family", "missing (args has members)");
      }
      args = &member;
      return Status::Ok();
    });
    if (!status_.ok()) return;
    status_ = LoadAlternative(index, *args, prefix_ + "args.", nullptr, &out,
                              std::make_index_sequence<std::variant_size_v<EventArgs>>());
  }

  // A whole line: its "type", then the fields of that record.
  static Status LoadLine(const Json& doc, JsonRecord* out) {
    auto it = doc.find("type");
    if (it == doc.end()) return FieldError("type", "missing");
    size_t index = 0;
    AMBER_RETURN_IF_ERROR(NameIndex(*it, "type", kRecordTypes, "record type", &index));
    AMBER_RETURN_IF_ERROR(LoadAlternative(
        index, doc, "", "type", out, std::make_index_sequence<std::variant_size_v<JsonRecord>>()));
    if (const auto* event = std::get_if<Event>(out)) return CheckFamily(*event);
    return Status::Ok();
  }

 private:
  template <typename F>
  void Lookup(const char* name, F&& load) {
    asked_.push_back(name);
    if (!status_.ok()) return;
    auto it = object_.find(name);
    if (it == object_.end()) return;
    ++found_;
    status_ = load(*it);
  }

  // What the writer could not store faithfully is refused rather than changed: "unknown" (a union
  // member from a newer recorder, whose fields were never decoded) would be written as "none",
  // and an op paired with another op's family would mislead every reader after us.
  static Status CheckFamily(const Event& event) {
    const size_t family = event.args.index();
    if (std::holds_alternative<UnknownArgs>(event.args)) {
      return FieldError("family", "'unknown' (a member this build cannot decode) is not writable");
    }
    if (!OpMatchesFamily(event.op, family)) {
      return FieldError("family", "'" + std::string(kFamilies[family]) + "' does not fit op '" +
                                      Printable(OpName(event.op)) + "'");
    }
    return Status::Ok();
  }

  template <size_t N>
  static Status NameIndex(const Json& j, const std::string& path,
                          const std::array<const char*, N>& names, const char* what,
                          size_t* index) {
    if (!j.is_string()) return FieldError(path, "expected string");
    const auto& name = j.get_ref<const std::string&>();
    *index = std::find(names.begin(), names.end(), name) - names.begin();
    if (*index < N) return Status::Ok();
    return FieldError(path, "unknown " + std::string(what) + " '" + Printable(name) +
                                "' (expected " + NameList(names.data(), N) + ")");
  }

  template <typename Variant, size_t... I>
  static Status LoadAlternative(size_t index, const Json& j, const std::string& prefix,
                                const char* tag, Variant* out, std::index_sequence<I...>) {
    Status status;
    (void)((I == index ? (status = LoadAs<std::variant_alternative_t<I, Variant>>(j, prefix, tag,
                                                                                  out),
                          true)
                       : false) ||
           ...);
    return status;
  }
  template <typename T, typename Variant>
  static Status LoadAs(const Json& j, const std::string& prefix, const char* tag, Variant* out) {
    T value;
    Loader loader(j, prefix);
    if (tag != nullptr) loader.Allow(tag);
    Fields(value, loader);
    AMBER_RETURN_IF_ERROR(loader.Finish());
    *out = std::move(value);
    return Status::Ok();
  }

  template <Integer T>
  static Status Load(const Json& j, const std::string& path, T* out) {
    using Limits = std::numeric_limits<T>;
    auto range = [&] {
      return "[" + std::to_string(Limits::min()) + ", " + std::to_string(Limits::max()) + "]";
    };
    if (j.is_number_unsigned()) {
      auto v = j.get<uint64_t>();
      if (v > static_cast<uint64_t>(Limits::max())) {
        return FieldError(path, j.dump() + " out of range " + range());
      }
      *out = static_cast<T>(v);
    } else if (j.is_number_integer()) {  // negative: nlohmann parses the rest as unsigned
      auto v = j.get<int64_t>();
      if (v < static_cast<int64_t>(Limits::min())) {
        return FieldError(path, j.dump() + " out of range " + range());
      }
      *out = static_cast<T>(v);
    } else if (j.is_number()) {  // a fraction, an exponent, or beyond 64 bits
      return FieldError(path, "expected integer in " + range() + ", got " + j.dump());
    } else {
      return FieldError(path, "expected integer, got " + std::string(j.type_name()));
    }
    return Status::Ok();
  }
  static Status Load(const Json& j, const std::string& path, bool* out) {
    if (!j.is_boolean()) return FieldError(path, "expected true or false");
    *out = j.get<bool>();
    return Status::Ok();
  }
  static Status Load(const Json& j, const std::string& path, std::string* out) {
    if (j.is_string()) {
      *out = j.get_ref<const std::string&>();
      return Status::Ok();
    }
    if (j.is_object() && j.size() == 1) {
      auto it = j.find("base64");
      if (it != j.end() && it->is_string()) {
        if (Base64Decode(it->get_ref<const std::string&>(), out)) return Status::Ok();
        return FieldError(path + ".base64", "invalid base64 (padded, standard alphabet)");
      }
    }
    return FieldError(path, "expected string or {base64}");
  }
  static Status Load(const Json& j, const std::string& path, Hex<std::string>* out) {
    if (j.is_string() && HexDecode(j.get_ref<const std::string&>(), &out->bytes)) {
      return Status::Ok();
    }
    return FieldError(path, "expected lowercase hex string");
  }
  static Status Load(const Json& j, const std::string& path, Op* out) {
    if (!j.is_string()) return FieldError(path, "expected op name");
    const auto& name = j.get_ref<const std::string&>();
    if (!OpFromName(name, out)) return FieldError(path, "unknown op '" + Printable(name) + "'");
    return Status::Ok();
  }
  static Status Load(const Json& j, const std::string& path, LossSource* out) {
    if (j.is_string() && LossSourceFromName(j.get_ref<const std::string&>(), out)) {
      return Status::Ok();
    }
    return FieldError(path, "expected a loss source name (ring_buffer, user_space, ...)");
  }
  static Status Load(const Json& j, const std::string& path, ProbeStatus* out) {
    if (j.is_string() && ProbeStatusFromName(j.get_ref<const std::string&>(), out)) {
      return Status::Ok();
    }
    return FieldError(path, "expected a probe status name (attached, unsupported, ...)");
  }
  template <typename A, typename B>
  static Status Load(const Json& j, const std::string& path, std::pair<A, B>* out) {
    if (!j.is_array() || j.size() != 2) return FieldError(path, "expected [key, value]");
    AMBER_RETURN_IF_ERROR(Load(j[0], path + "[0]", &out->first));
    return Load(j[1], path + "[1]", &out->second);
  }
  template <typename T>
  static Status Load(const Json& j, const std::string& path, std::vector<T>* out) {
    if (!j.is_array()) return FieldError(path, "expected array");
    out->clear();
    out->reserve(j.size());
    for (size_t i = 0; i < j.size(); ++i) {
      T item{};
      AMBER_RETURN_IF_ERROR(Load(j[i], path + "[" + std::to_string(i) + "]", &item));
      out->push_back(std::move(item));
    }
    return Status::Ok();
  }
  template <typename T>
    requires requires(T& record, Loader& l) { Fields(record, l); }
  static Status Load(const Json& j, const std::string& path, T* out) {
    if (!j.is_object()) return FieldError(path, "expected object");
    Loader loader(j, path + ".");
    Fields(*out, loader);
    return loader.Finish();
  }

  const Json& object_;
  std::string prefix_;
  std::vector<const char*> asked_;  // every member name a field asked for
  size_t found_ = 0;                // how many of them were present
  Status status_;
};

// Bounds what the parser may build from one line, before it builds anything: nlohmann's tree
// costs tens of bytes per value, so a line of "[[[[..." or "[0,0,0,..." would otherwise cost far
// more memory than its length.
Status CheckShape(std::string_view line) {
  int depth = 0;
  size_t values = 1;
  bool in_string = false, escaped = false;
  for (char c : line) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > kMaxJsonDepth) {
          return Status::InvalidArgument("line nests deeper than " +
                                         std::to_string(kMaxJsonDepth) + " levels");
        }
        ++values;
        break;
      case ']':
      case '}':
        --depth;
        break;
      case ',':
      case ':':
        ++values;
        break;
      default:
        break;
    }
  }
  if (values > kMaxJsonValuesPerLine) {
    return Status::InvalidArgument("line holds more than " +
                                   std::to_string(kMaxJsonValuesPerLine) + " values");
  }
  return Status::Ok();
}

// "[json.exception.parse_error.101] parse error at ..." without the bracketed id, printable.
std::string ParseErrorText(const char* what) {
  std::string_view text = what;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find("] ");
    if (close != std::string_view::npos) text.remove_prefix(close + 2);
  }
  return Printable(text, 200);
}

}  // namespace

std::string ToJsonLine(const CaptureHeader& header) { return RecordLine(header, nullptr); }
std::string ToJsonLine(const Event& event, const CaptureHeader* clock) {
  return RecordLine(event, clock);
}
std::string ToJsonLine(const ProcessRecord& process) { return RecordLine(process, nullptr); }
std::string ToJsonLine(const ContainerRecord& container) { return RecordLine(container, nullptr); }
std::string ToJsonLine(const LossRecord& loss) { return RecordLine(loss, nullptr); }
std::string ToJsonLine(const RecorderStats& stats) { return RecordLine(stats, nullptr); }

std::string ToJsonLine(const JsonRecord& record, const CaptureHeader* clock) {
  return std::visit([&](const auto& r) { return RecordLine(r, clock); }, record);
}

std::string_view JsonRecordType(const JsonRecord& record) { return kRecordTypes[record.index()]; }

uint64_t JsonRecordTime(const JsonRecord& record) {
  struct Visitor {
    uint64_t operator()(const CaptureHeader& h) const { return h.started_ns; }
    uint64_t operator()(const Event& e) const { return e.time_ns; }
    uint64_t operator()(const ProcessRecord& p) const { return p.observed_ns; }
    uint64_t operator()(const ContainerRecord& c) const { return c.observed_ns; }
    uint64_t operator()(const LossRecord& l) const { return l.last_ns; }
    uint64_t operator()(const RecorderStats& s) const { return s.time_ns; }
  };
  return std::visit(Visitor{}, record);
}

Status AppendJsonRecord(CaptureWriter* writer, const JsonRecord& record) {
  struct Visitor {
    CaptureWriter* w;
    Status operator()(const CaptureHeader&) const {
      return Status::InvalidArgument("a header may only be the first line");
    }
    Status operator()(const Event& e) const { return w->AppendEvent(e); }
    Status operator()(const ProcessRecord& p) const { return w->AppendProcess(p); }
    Status operator()(const ContainerRecord& c) const { return w->AppendContainer(c); }
    Status operator()(const LossRecord& l) const { return w->AppendLoss(l); }
    Status operator()(const RecorderStats& s) const { return w->AppendStats(s); }
  };
  return std::visit(Visitor{writer}, record);
}

Result<JsonRecord> ParseJsonLine(std::string_view line) {
  if (line.size() > kMaxJsonLineBytes) {
    return Status::InvalidArgument("line of " + std::to_string(line.size()) +
                                   " bytes exceeds the limit of " +
                                   std::to_string(kMaxJsonLineBytes));
  }
  AMBER_RETURN_IF_ERROR(CheckShape(line));

  // nlohmann keeps the last of duplicated members silently; two readings of one field in hostile
  // input are an error instead. The callback sees each member name as it is parsed.
  std::vector<std::vector<std::string>> open_objects;
  std::string duplicate;
  auto callback = [&](int /*depth*/, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::object_start) {
      open_objects.emplace_back();
    } else if (event == Json::parse_event_t::object_end) {
      open_objects.pop_back();
    } else if (event == Json::parse_event_t::key && !open_objects.empty()) {
      const auto& key = parsed.get_ref<const std::string&>();
      std::vector<std::string>& seen = open_objects.back();
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
        if (duplicate.empty()) duplicate = key;
      } else {
        seen.push_back(key);
      }
    }
    return true;
  };
  Json doc;
  try {
    doc = Json::parse(line.begin(), line.end(), callback);
  } catch (const Json::exception& e) {
    return Status::InvalidArgument("invalid JSON: " + ParseErrorText(e.what()));
  }
  if (!duplicate.empty()) return FieldError(Printable(duplicate), "appears twice");
  if (!doc.is_object()) {
    return Status::InvalidArgument("expected a JSON object, got " + std::string(doc.type_name()));
  }
  JsonRecord record;
  AMBER_RETURN_IF_ERROR(Loader::LoadLine(doc, &record));
  return record;
}

}  // namespace amber::store

// The JSON-lines form (store/jsonl.h, docs/jsonl.md): every record and every event family round
// trip exactly, hostile bytes survive byte for byte and never reach the line raw, and malformed or
// hostile lines are refused with a message that names the field.
#include "store/jsonl.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "store/capture_reader.h"
#include "store/capture_writer.h"
#include "store/file.h"
#include "tests/store/store_test_util.h"

namespace amber::store {
namespace {

using testing::SampleContainer;
using testing::SampleEventsOfEveryFamily;
using testing::SampleHeader;
using testing::SampleLoss;
using testing::SampleProcess;
using testing::SampleStats;
using testing::SyntheticMix;

class JsonlTest : public ::testing::Test {
 protected:
  // Writes `record`, reads it back, checks both the value and the line survive unchanged.
  template <typename T>
  void ExpectRoundTrip(const T& record, const CaptureHeader* clock = nullptr) {
    const std::string line = ToJsonLine(JsonRecord(record), clock);
    ExpectSafeLine(line);
    Result<JsonRecord> parsed = ParseJsonLine(line);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message() << "\n" << line;
    ASSERT_TRUE(std::holds_alternative<T>(*parsed)) << line;
    EXPECT_EQ(std::get<T>(*parsed), record) << line;
    EXPECT_EQ(ToJsonLine(*parsed, clock), line);
  }

  // Nothing a terminal acts on: no C0 control (ESC among them), no DEL, no C1 control, no line
  // break or separator, no bidi control; and the line is valid UTF-8, or nlohmann could not have
  // parsed it back.
  static void ExpectSafeLine(const std::string& line) {
    for (size_t i = 0; i < line.size(); ++i) {
      auto c = static_cast<unsigned char>(line[i]);
      ASSERT_GE(c, 0x20) << "raw control byte at " << i << ": " << line;
      ASSERT_NE(c, 0x7f) << "raw DEL at " << i;
      if (c == 0xc2 && i + 1 < line.size()) {
        ASSERT_GE(static_cast<unsigned char>(line[i + 1]), 0xa0) << "raw C1 control at " << i;
      }
      if (c == 0xe2 && i + 2 < line.size()) {  // U+2028..U+202E, U+2066..U+2069
        auto b1 = static_cast<unsigned char>(line[i + 1]);
        auto b2 = static_cast<unsigned char>(line[i + 2]);
        ASSERT_FALSE(b1 == 0x80 && b2 >= 0xa8 && b2 <= 0xae) << "raw separator or bidi at " << i;
        ASSERT_FALSE(b1 == 0x81 && b2 >= 0xa6 && b2 <= 0xa9) << "raw bidi isolate at " << i;
      }
    }
  }

  // A line that must be refused, with a message containing `expected`.
  static void ExpectRejected(std::string_view line, const std::string& expected) {
    Result<JsonRecord> parsed = ParseJsonLine(line);
    ASSERT_FALSE(parsed.ok()) << "accepted: " << line;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find(expected), std::string::npos)
        << "message: " << parsed.status().message() << "\nexpected: " << expected;
  }

  static Event OpenEvent(std::string path) {
    Event e;
    e.time_ns = 5;
    e.op = Op::kOpen;
    e.args = FileArgs{std::move(path), "", 0, 0, kIdUnchanged, kIdUnchanged, ""};
    return e;
  }
};

TEST_F(JsonlTest, EveryEventFamilyRoundTrips) {
  const CaptureHeader header = SampleHeader();
  std::vector<bool> families(std::variant_size_v<EventArgs>, false);
  for (const Event& e : SampleEventsOfEveryFamily()) {
    ExpectRoundTrip(e, &header);
    ExpectRoundTrip(e);  // without the informative "time"
    families[e.args.index()] = true;
  }
  // Every family but UnknownArgs, which only a decoder makes.
  for (size_t i = 0; i + 1 < families.size(); ++i) EXPECT_TRUE(families[i]) << "family " << i;
}

TEST_F(JsonlTest, EveryRecordTypeRoundTrips) {
  ExpectRoundTrip(SampleHeader());
  ExpectRoundTrip(SampleProcess(1));
  ExpectRoundTrip(SampleProcess(4242));
  ExpectRoundTrip(SampleContainer());
  ExpectRoundTrip(SampleLoss());
  ExpectRoundTrip(SampleStats());
  ExpectRoundTrip(CaptureHeader{});
  ExpectRoundTrip(Event{});
  ExpectRoundTrip(ContainerRecord{});
}

TEST_F(JsonlTest, SyntheticMixRoundTrips) {
  const CaptureHeader header = SampleHeader();
  for (const Event& e : SyntheticMix(2000, 7)) ExpectRoundTrip(e, &header);
}

TEST_F(JsonlTest, LineStartsWithTypeAndUsesRecordsHNames) {
  const std::string line = ToJsonLine(SampleLoss());
  EXPECT_EQ(line.rfind(R"({"type":"loss","source":"ring_buffer","cpu":3,"count":1742,)", 0), 0u)
      << line;
  const std::string event = ToJsonLine(SampleEventsOfEveryFamily().at(1));
  EXPECT_NE(event.find(R"("op":"fork")"), std::string::npos) << event;
  EXPECT_NE(event.find(R"("family":"fork","args":{"child_pid":)"), std::string::npos) << event;
  EXPECT_EQ(JsonRecordType(JsonRecord(SampleStats())), "stats");
}

TEST_F(JsonlTest, BinaryIdsAreLowercaseHex) {
  const std::string line = ToJsonLine(SampleHeader());
  EXPECT_NE(line.find(R"("capture_id":"0123456789abcdef0011223344556677")"), std::string::npos);
  std::string digest_hex;
  for (int i = 0; i < 32; ++i) digest_hex += "5a";
  EXPECT_NE(line.find(R"("previous_digest":")" + digest_hex + "\""), std::string::npos) << line;
}

TEST_F(JsonlTest, InvalidUtf8IsBase64AndByteExact) {
  const std::string bytes("/tmp/\xff\xfe\xc3(\xed\xa0\x80\xc0\xaf\xf4\x90\x80\x80", 18);
  const std::string line = ToJsonLine(OpenEvent(bytes));
  EXPECT_NE(line.find(R"("path":{"base64":")"), std::string::npos) << line;
  ExpectRoundTrip(OpenEvent(bytes));
  ExpectRoundTrip(OpenEvent(std::string("a\0b", 3)));  // valid UTF-8: a JSON string with \u0000
}

TEST_F(JsonlTest, ControlCharactersAreEscapedAndSurvive) {
  // ESC sequences, BEL, DEL, a C1 CSI, a bidi override and a line separator.
  const std::string nasty =
      "\x1b[31mred\x1b]0;owned\x07\x7f \xc2\x9b" "2J \xe2\x80\xae" "cba \xe2\x80\xa8";
  const std::string line = ToJsonLine(OpenEvent(nasty));
  EXPECT_NE(line.find(R"(\u001b[31mred\u001b]0;owned\u0007\u007f \u009b2J \u202ecba \u2028)"),
            std::string::npos)
      << line;
  ExpectRoundTrip(OpenEvent(nasty));
  // Printable UTF-8 stays readable.
  const std::string readable = "/home/zoë/日本";
  EXPECT_NE(ToJsonLine(OpenEvent(readable)).find(readable), std::string::npos);
}

// Appends code point `cp` as UTF-8.
void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | cp >> 6));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | cp >> 12));
    out->push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | cp >> 18));
    out->push_back(static_cast<char>(0x80 | (cp >> 12 & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

TEST_F(JsonlTest, RandomBytesRoundTripExactly) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 3000; ++i) {
    std::string bytes;
    const size_t n = rng() % 24;
    if (i % 2 == 0) {
      // Arbitrary bytes, mostly high ones and controls: usually invalid UTF-8, so base64.
      for (size_t k = 0; k < n; ++k) {
        uint64_t r = rng();
        bytes.push_back(static_cast<char>(r % 4 == 0 ? 0x20 + r % 95 : (r >> 8) % 256));
      }
    } else {
      // Valid UTF-8 crowded with what must be escaped: C0, DEL, C1, separators, bidi controls.
      for (size_t k = 0; k < n; ++k) {
        uint64_t r = rng();
        uint32_t cp = r % 3 == 0 ? (r >> 8) % 0x100 : r % 3 == 1 ? 0x2000 + (r >> 8) % 0x80
                                                                 : (r >> 8) % 0x110000;
        if (cp >= 0xd800 && cp <= 0xdfff) cp = 0x7f;
        AppendUtf8(cp, &bytes);
      }
    }
    SCOPED_TRACE(::testing::PrintToString(bytes));
    ExpectRoundTrip(OpenEvent(bytes));
  }
}

TEST_F(JsonlTest, TimeIsInformative) {
  CaptureHeader clock;
  clock.clock_boot_ns = 1'000'000'000;
  clock.clock_realtime_ns = 1'795'957'340'000'000'000;  // 2026-11-29T13:02:20Z
  Event e = OpenEvent("/x");
  e.time_ns = 1'123'456'789;
  const std::string line = ToJsonLine(e, &clock);
  EXPECT_NE(line.find(R"("time_ns":1123456789,"time":"2026-11-29T13:02:20.123456789Z")"),
            std::string::npos)
      << line;
  // No clock mapping, or one that overflows: no "time" rather than a wrong one.
  EXPECT_EQ(ToJsonLine(e, nullptr).find("\"time\""), std::string::npos);
  clock.clock_realtime_ns = UINT64_MAX;
  e.time_ns = UINT64_MAX;
  EXPECT_EQ(ToJsonLine(e, &clock).find("\"time\""), std::string::npos);
  // Import ignores it, whatever it says.
  auto parsed = ParseJsonLine(R"({"type":"event","time_ns":7,"time":"yesterday"})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(std::get<Event>(*parsed).time_ns, 7u);
  ExpectRejected(R"({"type":"event","time":12})", "field time: expected string");
}

TEST_F(JsonlTest, MissingFieldsTakeRecordDefaults) {
  auto parsed = ParseJsonLine(
      R"({"type":"event","op":"chown","family":"file","args":{"path":"/etc/passwd"}})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  Event expected;
  expected.op = Op::kChown;
  expected.args = FileArgs{"/etc/passwd", "", 0, 0, kIdUnchanged, kIdUnchanged, ""};
  EXPECT_EQ(std::get<Event>(*parsed), expected);
  EXPECT_EQ(std::get<Event>(*parsed).context.login_uid, 0xffffffffu);

  auto bare = ParseJsonLine(R"({"type":"event","op":"setuid"})");
  ASSERT_TRUE(bare.ok()) << bare.status().message();
  EXPECT_TRUE(std::holds_alternative<NoArgs>(std::get<Event>(*bare).args));
}

TEST_F(JsonlTest, AcceptsBase64ForValidUtf8AndTrailingWhitespace) {
  auto parsed = ParseJsonLine(
      "{\"type\":\"loss\",\"reason\":{\"base64\":\"aGk=\"},\"source\":\"writer\"}\r");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(std::get<LossRecord>(*parsed).reason, "hi");
  EXPECT_EQ(std::get<LossRecord>(*parsed).source, LossSource::kWriter);
}

TEST_F(JsonlTest, RejectsUnknownFields) {
  ExpectRejected(R"({"type":"event","tiem_ns":1})", "field tiem_ns: unknown field");
  ExpectRejected(R"({"type":"event","context":{"pdi":1}})", "field context.pdi: unknown field");
  ExpectRejected(R"({"type":"event","op":"open","family":"file","args":{"paht":"/x"}})",
                 "field args.paht: unknown field");
  ExpectRejected(R"({"type":"header","host":{"cpu":2}})", "field host.cpu: unknown field");
  ExpectRejected(R"({"type":"event","args":{"path":"/x"}})", "field family: missing");
  ExpectRejected(R"({"type":"loss","family":"file"})", "field family: unknown field");
}

TEST_F(JsonlTest, RejectsWrongTypes) {
  ExpectRejected(R"({"type":"event","op":"open","family":"file","args":{"path":["/x"]}})",
                 "field args.path: expected string or {base64}");
  ExpectRejected(R"({"type":"event","op":"open","family":"file","args":{"path":{"hex":"00"}}})",
                 "field args.path: expected string or {base64}");
  ExpectRejected(R"({"type":"event","cpu":"1"})", "field cpu: expected integer, got string");
  ExpectRejected(R"({"type":"event","context":3})", "field context: expected object");
  ExpectRejected(R"({"type":"container","privileged":1})", "field privileged: expected true or");
  ExpectRejected(R"({"type":"container","labels":[["a"]]})", "field labels[0]: expected [key,");
  ExpectRejected(R"({"type":"process","argv":["a",2]})", "field argv[1]: expected string");
  ExpectRejected(R"({"type":"header","capture_id":"ABCD"})",
                 "field capture_id: expected lowercase hex");
  ExpectRejected(R"({"type":"header","btf_id":"abc"})", "field btf_id: expected lowercase hex");
  ExpectRejected(R"({"type":"loss","reason":{"base64":"aGk"}})", "field reason.base64: invalid");
  ExpectRejected(R"({"type":"loss","reason":{"base64":"aGl="}})", "field reason.base64: invalid");
  ExpectRejected(R"({"type":"loss","source":"disk"})", "field source: expected a loss source");
  ExpectRejected(R"({"type":"header","probes":[{"status":"ok"}]})",
                 "field probes[0].status: expected a probe status");
}

TEST_F(JsonlTest, RejectsNumbersOutOfRange) {
  ExpectRejected(R"({"type":"event","cpu":65536})", "field cpu: 65536 out of range [0, 65535]");
  ExpectRejected(R"({"type":"event","context":{"uid":-1}})",
                 "field context.uid: -1 out of range [0, 4294967295]");
  ExpectRejected(R"({"type":"event","time_ns":18446744073709551616})",
                 "field time_ns: expected integer in [0, 18446744073709551615]");
  ExpectRejected(R"({"type":"event","op":"exit","family":"exit","args":{"exit_code":2147483648}})",
                 "field args.exit_code: 2147483648 out of range");
  ExpectRejected(R"({"type":"event","ret":1.5})", "field ret: expected integer");
  ExpectRejected(R"({"type":"event","ret":1e3})", "field ret: expected integer");
  // The extremes themselves are fine.
  auto parsed = ParseJsonLine(
      R"({"type":"event","time_ns":18446744073709551615,"ret":-9223372036854775808,"cpu":65535})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(std::get<Event>(*parsed).ret, INT64_MIN);
}

TEST_F(JsonlTest, RejectsUnknownNames) {
  ExpectRejected(R"({"type":"event","op":"foo"})", "field op: unknown op 'foo'");
  ExpectRejected(R"({"type":"event","op":"open","family":"files"})",
                 "field family: unknown family 'files' (expected none, fork,");
  ExpectRejected(R"({"type":"evnt"})", "field type: unknown record type 'evnt'");
  ExpectRejected(R"({"time_ns":1})", "field type: missing");
  ExpectRejected(R"({"type":"footer"})", "unknown record type 'footer'");
  // Names echoed back are escaped for the terminal.
  Result<JsonRecord> parsed = ParseJsonLine(R"({"type":"event","op":"\u001b[2J"})");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message().find('\x1b'), std::string::npos);
}

TEST_F(JsonlTest, RejectsWhatAWriterCouldNotStoreFaithfully) {
  ExpectRejected(R"({"type":"event","op":"exec","family":"file","args":{"path":"/x"}})",
                 "field family: 'file' does not fit op 'exec'");
  ExpectRejected(R"({"type":"event","op":"exec","family":"unknown","args":{"which":99}})",
                 "field family: 'unknown'");
  // Numbered ops from a newer recorder are kept, with any family.
  Event newer;
  newer.op = static_cast<Op>(900);
  newer.args = FileArgs{"/x", "", 0, 0, kIdUnchanged, kIdUnchanged, ""};
  ExpectRoundTrip(newer);
}

TEST_F(JsonlTest, RejectsMalformedJson) {
  ExpectRejected("", "invalid JSON");
  ExpectRejected(R"({"type":"event",)", "invalid JSON");
  ExpectRejected(R"(["type","event"])", "expected a JSON object, got array");
  ExpectRejected("{\"type\":\"loss\",\"reason\":\"\xff\"}", "invalid JSON");  // raw invalid UTF-8
  ExpectRejected(R"({"type":"loss","reason":"\ud800"})", "invalid JSON");     // lone surrogate
  ExpectRejected(R"({"type":"event","cpu":1,"cpu":2})", "field cpu: appears twice");
  ExpectRejected(R"({"type":"event","context":{"pid":1,"pid":1}})", "field pid: appears twice");
}

TEST_F(JsonlTest, RejectsLinesBeyondTheLimits) {
  std::string longest = R"({"type":"loss","reason":")";
  longest += std::string(kMaxJsonLineBytes - longest.size() - 2, 'x') + "\"}";
  ASSERT_EQ(longest.size(), kMaxJsonLineBytes);
  EXPECT_TRUE(ParseJsonLine(longest).ok());
  ExpectRejected(longest + " ", "exceeds the limit of 16777216");

  std::string deep(kMaxJsonDepth + 1, '[');
  ExpectRejected(deep + std::string(kMaxJsonDepth + 1, ']'), "nests deeper than 8");
  // Brackets inside strings are text, not nesting.
  EXPECT_TRUE(ParseJsonLine(R"({"type":"loss","reason":"[[[[[[[[[[[[{{{{{{{{{\"]]"})").ok());

  std::string wide = R"({"type":"process","argv":[)";
  for (size_t i = 0; i < kMaxJsonValuesPerLine; ++i) wide += "\"\",";
  wide += "\"\"]}";
  ExpectRejected(wide, "more than 1048576 values");
}

// Hostile lines: any mutation of a valid line is parsed or refused, never crashes or throws, and
// whatever is accepted writes out again.
TEST_F(JsonlTest, MutatedLinesAreParsedOrRefused) {
  std::vector<std::string> lines = {ToJsonLine(SampleHeader()), ToJsonLine(SampleContainer()),
                                    ToJsonLine(SampleStats()), ToJsonLine(SampleProcess(3))};
  for (const Event& e : SampleEventsOfEveryFamily()) lines.push_back(ToJsonLine(e));
  static constexpr char kTokens[] = "{}[]\",:0-9e.\\u";
  std::mt19937_64 rng(1);
  size_t accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string line = lines[rng() % lines.size()];
    for (int k = 0, n = 1 + static_cast<int>(rng() % 4); k < n; ++k) {
      size_t at = rng() % line.size();
      switch (rng() % 4) {
        case 0: line[at] = kTokens[rng() % (sizeof kTokens - 1)]; break;
        case 1: line[at] = static_cast<char>(rng()); break;
        case 2: line.erase(at, 1 + rng() % 8); break;
        default: line.insert(at, 1, kTokens[rng() % (sizeof kTokens - 1)]); break;
      }
      if (line.empty()) line = "{";
    }
    Result<JsonRecord> parsed = ParseJsonLine(line);
    if (!parsed.ok()) continue;
    ++accepted;
    ExpectSafeLine(ToJsonLine(*parsed));
  }
  EXPECT_GT(accepted, 0u);  // some mutations (a digit for a digit) stay valid
}

// The whole path export takes and import takes back, through a real writer and reader: the lines
// of the re-imported capture equal the originals, except the capture id naming the new file.
TEST_F(JsonlTest, CaptureToLinesToCaptureGivesTheSameLines) {
  MemEnv env;
  auto export_lines = [&](const std::string& path) {
    auto reader = CaptureReader::Open(&env, path);
    EXPECT_TRUE(reader.ok()) << reader.status().message();
    std::vector<std::string> lines{ToJsonLine((*reader)->header())};
    Chunk chunk;
    while ((*reader)->Next(&chunk)) {
      for (const auto& p : chunk.body.processes) lines.push_back(ToJsonLine(p));
      for (const auto& c : chunk.body.containers) lines.push_back(ToJsonLine(c));
      for (const auto& e : chunk.body.events) lines.push_back(ToJsonLine(e, &(*reader)->header()));
      for (const auto& l : chunk.body.losses) lines.push_back(ToJsonLine(l));
      if (chunk.body.stats) lines.push_back(ToJsonLine(*chunk.body.stats));
    }
    EXPECT_EQ((*reader)->verdict(), Verdict::kIntact);
    return lines;
  };
  auto import_lines = [&](const std::vector<std::string>& lines, const std::string& path) {
    auto header = ParseJsonLine(lines.at(0));
    ASSERT_TRUE(header.ok());
    WriterOptions options;
    options.now_ns = [] { return uint64_t{1}; };
    auto writer = CaptureWriter::Create(&env, path, std::get<CaptureHeader>(*header), options);
    ASSERT_TRUE(writer.ok()) << writer.status().message();
    size_t last_kind = 0;
    for (size_t i = 1; i < lines.size(); ++i) {
      auto record = ParseJsonLine(lines[i]);
      ASSERT_TRUE(record.ok()) << record.status().message() << "\n" << lines[i];
      if (last_kind != 0 && record->index() != last_kind) {
        ASSERT_TRUE((*writer)->Flush().ok());
      }
      last_kind = record->index();
      Status st = std::visit(
          [&](const auto& r) -> Status {
            using T = std::decay_t<decltype(r)>;
            if constexpr (std::is_same_v<T, Event>) return (*writer)->AppendEvent(r);
            if constexpr (std::is_same_v<T, ProcessRecord>) return (*writer)->AppendProcess(r);
            if constexpr (std::is_same_v<T, ContainerRecord>) return (*writer)->AppendContainer(r);
            if constexpr (std::is_same_v<T, LossRecord>) return (*writer)->AppendLoss(r);
            if constexpr (std::is_same_v<T, RecorderStats>) return (*writer)->AppendStats(r);
            return Status::InvalidArgument("second header");
          },
          *record);
      ASSERT_TRUE(st.ok()) << st.message();
    }
    ASSERT_TRUE((*writer)->Close("test").ok());
  };

  // An original capture with every kind of record, interleaved as a recorder would.
  CaptureHeader header = SampleHeader();
  header.file_index = 0;  // the writer starts every recording at file 0
  header.previous_digest.clear();
  WriterOptions options;
  options.now_ns = [] { return uint64_t{1}; };
  options.chunk_bytes = 16 << 10;
  auto writer = CaptureWriter::Create(&env, "/a.amber", header, options);
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  for (uint32_t pid = 1; pid < 20; ++pid) {
    ASSERT_TRUE((*writer)->AppendProcess(SampleProcess(pid)).ok());
  }
  ASSERT_TRUE((*writer)->AppendContainer(SampleContainer()).ok());
  for (const Event& e : SampleEventsOfEveryFamily()) ASSERT_TRUE((*writer)->AppendEvent(e).ok());
  ASSERT_TRUE((*writer)->AppendLoss(SampleLoss()).ok());
  ASSERT_TRUE((*writer)->AppendStats(SampleStats()).ok());
  for (const Event& e : SyntheticMix(3000, 3)) ASSERT_TRUE((*writer)->AppendEvent(e).ok());
  ASSERT_TRUE((*writer)->Close("test").ok());

  const std::vector<std::string> first = export_lines("/a.amber");
  ASSERT_GT(first.size(), 3000u);
  import_lines(first, "/b.amber");
  std::vector<std::string> second = export_lines("/b.amber");
  ASSERT_EQ(second.size(), first.size());
  // The capture id names a file, and the import is a new file.
  auto without_capture_id = [](std::string line) {
    size_t at = line.find("\"capture_id\":\"");
    if (at != std::string::npos) line.erase(at, 14 + 32);
    return line;
  };
  EXPECT_EQ(without_capture_id(second[0]), without_capture_id(first[0]));
  EXPECT_NE(second[0], first[0]);
  for (size_t i = 1; i < first.size(); ++i) ASSERT_EQ(second[i], first[i]) << "line " << i;
}

}  // namespace
}  // namespace amber::store

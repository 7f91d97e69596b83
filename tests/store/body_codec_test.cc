// BodyEncoder and DecodeBody: every record round-trips, interning dedups, and hostile bodies
// (garbage, truncation, flipped bytes, bad refs, aliasing, deep nesting) are Corruption, never a
// crash. Hostile messages are built with the generated builder or word by word.
#include "store/body_codec.h"

#include <capnp/any.h>
#include <capnp/message.h>
#include <capnp/schema.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "store/capture.capnp.h"
#include "tests/store/store_test_util.h"

namespace amber::store {
namespace {

namespace schema = ::amber::store::schema;
using ::amber::store::testing::SampleContainer;
using ::amber::store::testing::SampleEventsOfEveryFamily;
using ::amber::store::testing::SampleFooter;
using ::amber::store::testing::SampleHeader;
using ::amber::store::testing::SampleLoss;
using ::amber::store::testing::SampleProcess;
using ::amber::store::testing::SampleStats;
using ::amber::store::testing::SyntheticMix;

// Cap'n Proto wire pointers (encoding spec), for messages no builder would write.
uint64_t StructPointer(int32_t offset_words, uint16_t data_words, uint16_t pointers) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(offset_words) << 2)) |
         (static_cast<uint64_t>(data_words) << 32) | (static_cast<uint64_t>(pointers) << 48);
}
constexpr uint64_t kByteElements = 2, kPointerElements = 6, kCompositeElements = 7;
uint64_t ListPointer(int32_t offset_words, uint64_t element_size, uint32_t count) {
  return 1 | (static_cast<uint64_t>(static_cast<uint32_t>(offset_words) << 2)) |
         (element_size << 32) | (static_cast<uint64_t>(count) << 35);
}

class BodyCodecTest : public ::testing::Test {
 protected:
  static std::string EncodeEvents(const std::vector<Event>& events) {
    BodyEncoder encoder;
    for (const Event& e : events) encoder.AddEvent(e);
    return encoder.Finish();
  }

  static Result<ChunkBody> Decode(ChunkKind kind, const std::string& bytes) {
    return DecodeBody(kind,
                      std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  }

  static std::string Bytes(capnp::MessageBuilder& message) {
    kj::Array<capnp::word> flat = capnp::messageToFlatArray(message);
    return std::string(reinterpret_cast<const char*>(flat.begin()), flat.size() * 8);
  }

  // One segment holding `words`, behind its segment table.
  static std::string Segment(const std::vector<uint64_t>& words) {
    uint32_t table[2] = {0, static_cast<uint32_t>(words.size())};
    std::string out(reinterpret_cast<const char*>(table), sizeof table);
    out.append(reinterpret_cast<const char*>(words.data()), words.size() * 8);
    return out;
  }

  // A body whose single event refers to string `path_ref` and context `context`.
  static std::string OneFileEvent(uint32_t path_ref, uint32_t context) {
    capnp::MallocMessageBuilder message;
    auto root = message.initRoot<schema::ChunkBody>();
    auto strings = root.initStrings(2);
    strings.set(1, capnp::Data::Reader(reinterpret_cast<const kj::byte*>("sh"), 2));
    root.initContexts(1)[0].setComm(1);
    auto event = root.initEvents(1)[0];
    event.setOp(schema::Op::OPEN);
    event.setContext(context);
    event.initFile().setPath(path_ref);
    return Bytes(message);
  }

  static void ExpectCorruption(const Result<ChunkBody>& result, const std::string& reason) {
    ASSERT_FALSE(result.ok()) << "decoded a body expected to be rejected for: " << reason;
    EXPECT_EQ(result.status().code(), StatusCode::kCorruption) << result.status().message();
    EXPECT_NE(result.status().message().find(reason), std::string::npos)
        << result.status().message();
  }

  static void ExpectOkOrCorruption(const Result<ChunkBody>& result) {
    if (!result.ok()) {
      EXPECT_EQ(result.status().code(), StatusCode::kCorruption) << result.status().message();
    }
  }
};

TEST_F(BodyCodecTest, RoundTripsEveryEventFamily) {
  std::vector<Event> events = SampleEventsOfEveryFamily();
  std::set<std::string> families;
  std::set<Op> ops;
  for (const Event& e : events) {
    families.insert(FamilyName(e.args));
    ops.insert(e.op);
  }
  ASSERT_EQ(families.size(), 12u) << "the samples should cover every family but unknown";
  ASSERT_EQ(ops.size(), kOpCount);

  Result<ChunkBody> body = Decode(ChunkKind::kEvents, EncodeEvents(events));
  ASSERT_TRUE(body.ok()) << body.status().message();
  ASSERT_EQ(body->events.size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(body->events[i], events[i]) << "event " << i << " (" << OpName(events[i].op) << ")";
  }
  EXPECT_TRUE(body->processes.empty());
  EXPECT_FALSE(body->header.has_value());
}

TEST_F(BodyCodecTest, RoundTripsSnapshotProcesses) {
  BodyEncoder encoder;
  std::vector<ProcessRecord> processes;
  for (uint32_t pid : {1u, 2u, 3u, 10u, 4100u, 65535u}) processes.push_back(SampleProcess(pid));
  processes[1].argv.clear();
  processes[2].argv = {"", "a", ""};
  for (const ProcessRecord& p : processes) encoder.AddProcess(p);
  EXPECT_EQ(encoder.record_count(), processes.size());

  Result<ChunkBody> body = Decode(ChunkKind::kSnapshot, encoder.Finish());
  ASSERT_TRUE(body.ok()) << body.status().message();
  EXPECT_EQ(body->processes, processes);
}

TEST_F(BodyCodecTest, RoundTripsContainersLossesStatsHeaderAndFooter) {
  ContainerRecord empty;
  BodyEncoder encoder;
  encoder.AddContainer(SampleContainer());
  encoder.AddContainer(empty);
  Result<ChunkBody> containers = Decode(ChunkKind::kContainers, encoder.Finish());
  ASSERT_TRUE(containers.ok()) << containers.status().message();
  EXPECT_EQ(containers->containers, (std::vector<ContainerRecord>{SampleContainer(), empty}));

  LossRecord user_space{LossSource::kUserSpace, kNoCpu, 3, 10, 20, ""};
  encoder.AddLoss(SampleLoss());
  encoder.AddLoss(user_space);
  Result<ChunkBody> losses = Decode(ChunkKind::kLosses, encoder.Finish());
  ASSERT_TRUE(losses.ok()) << losses.status().message();
  EXPECT_EQ(losses->losses, (std::vector<LossRecord>{SampleLoss(), user_space}));

  encoder.SetStats(SampleStats());
  Result<ChunkBody> stats = Decode(ChunkKind::kStats, encoder.Finish());
  ASSERT_TRUE(stats.ok()) << stats.status().message();
  EXPECT_EQ(stats->stats, SampleStats());

  encoder.SetHeader(SampleHeader());
  Result<ChunkBody> header = Decode(ChunkKind::kHeader, encoder.Finish());
  ASSERT_TRUE(header.ok()) << header.status().message();
  EXPECT_EQ(header->header, SampleHeader());

  encoder.SetFooter(SampleFooter());
  Result<ChunkBody> footer = Decode(ChunkKind::kFooter, encoder.Finish());
  ASSERT_TRUE(footer.ok()) << footer.status().message();
  EXPECT_EQ(footer->footer, SampleFooter());
}

TEST_F(BodyCodecTest, DecodesOnlyTheListsOfItsKind) {
  BodyEncoder encoder;
  encoder.AddEvent(SampleEventsOfEveryFamily()[1]);
  encoder.AddLoss(SampleLoss());
  std::string bytes = encoder.Finish();
  Result<ChunkBody> as_losses = Decode(ChunkKind::kLosses, bytes);
  ASSERT_TRUE(as_losses.ok()) << as_losses.status().message();
  EXPECT_TRUE(as_losses->events.empty());
  EXPECT_EQ(as_losses->losses.size(), 1u);
}

TEST_F(BodyCodecTest, DecodingIntoAReusedBodyLeavesNothingOfThePreviousChunk) {
  // Chunk A: every family (exec argv, paths, net...), chunk B: a few plain events of other kinds.
  BodyEncoder encoder;
  for (const Event& e : SampleEventsOfEveryFamily()) encoder.AddEvent(e);
  const std::string a = encoder.Finish();
  auto b_events = SyntheticMix(5, 77);
  std::reverse(b_events.begin(), b_events.end());
  for (const Event& e : b_events) encoder.AddEvent(e);
  const std::string b = encoder.Finish();
  encoder.AddLoss(SampleLoss());
  const std::string losses = encoder.Finish();

  auto bytes = [](const std::string& s) {
    return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  ChunkBody body;
  ASSERT_TRUE(DecodeBodyInto(ChunkKind::kEvents, bytes(a), &body).ok());
  EXPECT_EQ(body.events, SampleEventsOfEveryFamily());
  ASSERT_TRUE(DecodeBodyInto(ChunkKind::kEvents, bytes(b), &body).ok());
  EXPECT_EQ(body.events, b_events);
  ASSERT_TRUE(DecodeBodyInto(ChunkKind::kLosses, bytes(losses), &body).ok());
  EXPECT_TRUE(body.events.empty());
  ASSERT_EQ(body.losses.size(), 1u);
  EXPECT_EQ(body.losses[0], SampleLoss());
}

TEST_F(BodyCodecTest, EmptyEventsChunkRoundTrips) {
  BodyEncoder encoder;
  EXPECT_TRUE(encoder.empty());
  Result<ChunkBody> body = Decode(ChunkKind::kEvents, encoder.Finish());
  ASSERT_TRUE(body.ok()) << body.status().message();
  EXPECT_TRUE(body->events.empty());
}

TEST_F(BodyCodecTest, FinishResetsTheEncoderAndIsDeterministic) {
  std::vector<Event> events = SyntheticMix(2000, 7);
  BodyEncoder encoder;
  for (const Event& e : events) encoder.AddEvent(e);
  encoder.SetStats(SampleStats());
  EXPECT_EQ(encoder.record_count(), events.size() + 1);
  std::string first = encoder.Finish();
  EXPECT_TRUE(encoder.empty());
  EXPECT_LT(encoder.approx_bytes(), 256u);
  for (const Event& e : events) encoder.AddEvent(e);
  encoder.SetStats(SampleStats());
  EXPECT_EQ(encoder.Finish(), first);
  // A second encoder has another hash seed; the bytes do not depend on it.
  BodyEncoder other;
  for (const Event& e : events) other.AddEvent(e);
  other.SetStats(SampleStats());
  EXPECT_EQ(other.Finish(), first);
}

TEST_F(BodyCodecTest, ApproxBytesBoundsTheMessageWhichIsOneSegment) {
  BodyEncoder encoder;
  auto check = [&encoder](const char* what) {
    size_t approx = encoder.approx_bytes();
    std::string bytes = encoder.Finish();
    uint32_t segments_minus_one = 0;
    std::memcpy(&segments_minus_one, bytes.data(), 4);
    EXPECT_EQ(segments_minus_one, 0u) << what;
    EXPECT_LE(bytes.size(), approx) << what;
    EXPECT_LE(approx, bytes.size() + bytes.size() / 10 + 256) << what;
  };
  for (const Event& e : SyntheticMix(20000, 1)) encoder.AddEvent(e);
  check("synthetic mix");
  for (const Event& e : SampleEventsOfEveryFamily()) encoder.AddEvent(e);
  check("every family");
  for (uint32_t pid = 1; pid < 300; ++pid) encoder.AddProcess(SampleProcess(pid));
  check("processes");
  encoder.AddContainer(SampleContainer());
  encoder.AddLoss(SampleLoss());
  encoder.SetStats(SampleStats());
  encoder.SetHeader(SampleHeader());
  encoder.SetFooter(SampleFooter());
  check("records");
}

TEST_F(BodyCodecTest, InterningStoresEachStringAndContextOnce) {
  constexpr size_t kCount = 10000;
  std::vector<Event> same(kCount, SampleEventsOfEveryFamily()[static_cast<size_t>(Op::kOpen)]);
  std::vector<Event> distinct = same;
  for (size_t i = 0; i < kCount; ++i) {
    distinct[i].context.tid += static_cast<uint32_t>(i);
    std::get<FileArgs>(distinct[i].args).path += "/" + std::to_string(i);
  }
  std::string same_bytes = EncodeEvents(same);
  std::string distinct_bytes = EncodeEvents(distinct);
  EXPECT_LT(same_bytes.size() * 3, distinct_bytes.size());

  kj::ArrayPtr<const capnp::word> words(reinterpret_cast<const capnp::word*>(same_bytes.data()),
                                        same_bytes.size() / 8);
  capnp::FlatArrayMessageReader reader(words);
  auto root = reader.getRoot<schema::ChunkBody>();
  EXPECT_EQ(root.getContexts().size(), 1u);
  EXPECT_EQ(root.getStrings().size(), 6u);  // "", cgroup path, container id, comm, path, opened path
  EXPECT_EQ(root.getStrings()[0].size(), 0u);
  EXPECT_EQ(root.getEvents().size(), kCount);

  Result<ChunkBody> body = Decode(ChunkKind::kEvents, distinct_bytes);
  ASSERT_TRUE(body.ok()) << body.status().message();
  EXPECT_EQ(body->events, distinct);
}

TEST_F(BodyCodecTest, ArgvBlobWithoutTrailingNulKeepsItsTail) {
  for (auto [blob, expected] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {std::string("ls\0-l\0", 6), {"ls", "-l"}},
           {std::string("ls\0-l", 5), {"ls", "-l"}},
           {std::string("ls\0\0", 4), {"ls", ""}},
           {std::string("\0", 1), {""}},
           {"cut-short", {"cut-short"}}}) {
    capnp::MallocMessageBuilder message;
    auto root = message.initRoot<schema::ChunkBody>();
    root.initStrings(2).set(1, capnp::Data::Reader(reinterpret_cast<const kj::byte*>(blob.data()),
                                                   blob.size()));
    root.initContexts(1);
    auto exec = root.initEvents(1)[0].initExec();
    exec.setArgv(1);
    Result<ChunkBody> body = Decode(ChunkKind::kEvents, Bytes(message));
    ASSERT_TRUE(body.ok()) << body.status().message();
    EXPECT_EQ(std::get<ExecArgs>(body->events[0].args).argv, expected);
  }
}

TEST_F(BodyCodecTest, UnknownUnionMemberAndEnumerantsAreKeptAsNumbers) {
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<schema::ChunkBody>();
  root.initContexts(1);
  auto event = root.initEvents(1)[0];
  event.setOp(static_cast<schema::Op>(200));
  event.setTimeNs(5);
  // A newer writer's union member 77: set the discriminant where the schema says it lives.
  uint32_t offset =
      capnp::Schema::from<schema::Event>().getProto().getStruct().getDiscriminantOffset();
  capnp::AnyStruct::Builder any = capnp::toAny(event);
  uint16_t which = 77;
  std::memcpy(any.getDataSection().begin() + offset * 2, &which, 2);
  Result<ChunkBody> events = Decode(ChunkKind::kEvents, Bytes(message));
  ASSERT_TRUE(events.ok()) << events.status().message();
  EXPECT_EQ(static_cast<uint16_t>(events->events[0].op), 200);
  EXPECT_EQ(OpName(events->events[0].op), "op_200");
  EXPECT_EQ(events->events[0].args, EventArgs(UnknownArgs{77}));
  EXPECT_STREQ(FamilyName(events->events[0].args), "unknown");

  auto loss = root.initLosses(1)[0];
  loss.setSource(static_cast<schema::LossSource>(9));
  auto probe = root.initHeader().initProbes(1)[0];
  probe.setStatus(static_cast<schema::ProbeStatus>(7));
  probe.initOps(1).set(0, static_cast<schema::Op>(300));
  Result<ChunkBody> losses = Decode(ChunkKind::kLosses, Bytes(message));
  ASSERT_TRUE(losses.ok()) << losses.status().message();
  EXPECT_EQ(static_cast<uint16_t>(losses->losses[0].source), 9);
  Result<ChunkBody> header = Decode(ChunkKind::kHeader, Bytes(message));
  ASSERT_TRUE(header.ok()) << header.status().message();
  EXPECT_EQ(static_cast<uint16_t>(header->header->probes[0].status), 7);
  EXPECT_EQ(static_cast<uint16_t>(header->header->probes[0].ops[0]), 300);
}

TEST_F(BodyCodecTest, UnknownArgsEncodeAsNone) {
  Event event = SampleEventsOfEveryFamily()[0];
  event.args = UnknownArgs{77};
  Result<ChunkBody> body = Decode(ChunkKind::kEvents, EncodeEvents({event}));
  ASSERT_TRUE(body.ok()) << body.status().message();
  EXPECT_EQ(body->events[0].args, EventArgs(NoArgs{}));
}

TEST_F(BodyCodecTest, UnalignedInputDecodes) {
  std::string bytes = EncodeEvents(SampleEventsOfEveryFamily());
  std::vector<uint8_t> shifted(bytes.size() + 1);
  std::memcpy(shifted.data() + 1, bytes.data(), bytes.size());
  Result<ChunkBody> body = DecodeBody(ChunkKind::kEvents, std::span(shifted).subspan(1));
  ASSERT_TRUE(body.ok()) << body.status().message();
  EXPECT_EQ(body->events, SampleEventsOfEveryFamily());
}

TEST_F(BodyCodecTest, OutOfRangeStringRefIsCorruption) {
  ASSERT_TRUE(Decode(ChunkKind::kEvents, OneFileEvent(1, 0)).ok());
  ExpectCorruption(Decode(ChunkKind::kEvents, OneFileEvent(999, 0)),
                   "decode events chunk: event 0: string ref 999 out of range (strings: 2)");
}

TEST_F(BodyCodecTest, OutOfRangeContextIndexIsCorruption) {
  ExpectCorruption(Decode(ChunkKind::kEvents, OneFileEvent(1, 1)),
                   "decode events chunk: event 0: context 1 out of range (contexts: 1)");
}

TEST_F(BodyCodecTest, OutOfRangeStringRefInContextOrProcessIsCorruption) {
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<schema::ChunkBody>();
  root.initStrings(1);
  root.initContexts(2)[1].setContainerId(3);
  root.initProcesses(1)[0].setArgv(1);
  ExpectCorruption(Decode(ChunkKind::kEvents, Bytes(message)),
                   "context 1: string ref 3 out of range (strings: 1)");
  ExpectCorruption(Decode(ChunkKind::kSnapshot, Bytes(message)),
                   "decode snapshot chunk: process 0: string ref 1 out of range (strings: 1)");
}

TEST_F(BodyCodecTest, RecordChunksWithoutTheirRecordAreCorruption) {
  capnp::MallocMessageBuilder message;
  message.initRoot<schema::ChunkBody>().initEvents(0);
  std::string bytes = Bytes(message);
  ExpectCorruption(Decode(ChunkKind::kHeader, bytes), "decode header chunk: no header record");
  ExpectCorruption(Decode(ChunkKind::kFooter, bytes), "no footer record");
  ExpectCorruption(Decode(ChunkKind::kStats, bytes), "no stats record");
  ExpectCorruption(Decode(static_cast<ChunkKind>(42), bytes), "unknown kind 42");
}

TEST_F(BodyCodecTest, GarbageBytesAreCorruption) {
  ExpectCorruption(Decode(ChunkKind::kEvents, ""), "empty body");
  ExpectCorruption(Decode(ChunkKind::kEvents, std::string(13, 'x')), "not a whole number of words");
  ExpectCorruption(Decode(ChunkKind::kHeader, std::string(64, '\xff')), "decode header chunk: ");
  ExpectCorruption(Decode(ChunkKind::kEvents, std::string(64, '\x55')), "decode events chunk: ");
  uint64_t state = 1;
  int rejected = 0;
  for (int round = 0; round < 500; ++round) {
    std::string garbage(8 * (1 + round % 64), '\0');
    for (char& c : garbage) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      c = static_cast<char>(state >> 56);
    }
    for (ChunkKind kind : {ChunkKind::kEvents, ChunkKind::kHeader, ChunkKind::kContainers}) {
      Result<ChunkBody> body = Decode(kind, garbage);
      ExpectOkOrCorruption(body);
      rejected += !body.ok();
    }
  }
  EXPECT_GT(rejected, 1400);  // nearly all: a random segment count is absurd
}

TEST_F(BodyCodecTest, TrailingBytesAfterTheMessageAreCorruption) {
  std::string bytes = EncodeEvents(SampleEventsOfEveryFamily());
  bytes.append(8, '\0');
  ExpectCorruption(Decode(ChunkKind::kEvents, bytes), "8 bytes after the message");
}

TEST_F(BodyCodecTest, TruncatedMessageIsCorruptionAtEveryLength) {
  BodyEncoder encoder;
  encoder.SetHeader(SampleHeader());
  std::string header = encoder.Finish();
  std::string events = EncodeEvents(SyntheticMix(50, 3));
  for (const auto& [kind, bytes] : {std::pair{ChunkKind::kHeader, header},
                                    std::pair{ChunkKind::kEvents, events}}) {
    for (size_t length = 0; length < bytes.size(); ++length) {
      Result<ChunkBody> body = Decode(kind, bytes.substr(0, length));
      ASSERT_FALSE(body.ok()) << "truncated to " << length;
      ASSERT_EQ(body.status().code(), StatusCode::kCorruption) << body.status().message();
    }
  }
}

TEST_F(BodyCodecTest, FlippedBytesDecodeOrAreCorruptionButNeverCrash) {
  std::vector<Event> events = SampleEventsOfEveryFamily();
  events.resize(20);  // keep the loop quick: a few families, no 4 KiB path
  std::string bytes = EncodeEvents(events);
  BodyEncoder encoder;
  encoder.AddContainer(SampleContainer());
  std::string container = encoder.Finish();
  for (const auto& [kind, original] : {std::pair{ChunkKind::kEvents, bytes},
                                       std::pair{ChunkKind::kContainers, container}}) {
    for (size_t i = 0; i < original.size(); ++i) {
      for (uint8_t mask : {0x01, 0x80, 0xff}) {
        std::string damaged = original;
        damaged[i] = static_cast<char>(damaged[i] ^ mask);
        ExpectOkOrCorruption(Decode(kind, damaged));
      }
    }
  }
}

TEST_F(BodyCodecTest, PointersAliasingOneBigBlobExceedTheTraversalLimit) {
  // strings: 512 entries that all point at the same 512-word blob; 1 KiB-word message, 256k
  // words to read.
  constexpr uint32_t kEntries = 512, kBlobWords = 512;
  std::vector<uint64_t> words = {StructPointer(0, 0, 1),
                                 ListPointer(0, kPointerElements, kEntries)};
  for (uint32_t k = 0; k < kEntries; ++k) {
    words.push_back(
        ListPointer(static_cast<int32_t>(kEntries - k - 1), kByteElements, kBlobWords * 8));
  }
  words.resize(words.size() + kBlobWords, 0x4141414141414141ull);
  ExpectCorruption(Decode(ChunkKind::kEvents, Segment(words)), "traversal limit");
}

TEST_F(BodyCodecTest, ZeroSizedElementsClaimingAHugeListAreCorruption) {
  // events: a composite list claiming 2^28 structs of zero words each, in a 4-word message.
  std::vector<uint64_t> words = {StructPointer(0, 0, 3), 0, 0,
                                 ListPointer(0, kCompositeElements, 0),
                                 StructPointer(1 << 28, 0, 0)};  // the tag: count in the offset
  ExpectCorruption(Decode(ChunkKind::kEvents, Segment(words)), "decode events chunk: ");
}

TEST_F(BodyCodecTest, ManySmallRefsToOneLongStringAreCorruption) {
  // Legal Cap'n Proto, ~1 MiB, but 10^4 events naming one 1 MiB path would decode to 10 GB.
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<schema::ChunkBody>();
  std::string path(1 << 20, 'p');
  root.initStrings(2).set(1, capnp::Data::Reader(reinterpret_cast<const kj::byte*>(path.data()),
                                                 path.size()));
  root.initContexts(1);
  auto events = root.initEvents(10000);
  for (auto event : events) event.initFile().setPath(1);
  ExpectCorruption(Decode(ChunkKind::kEvents, Bytes(message)), "exceed");
}

TEST_F(BodyCodecTest, PointerNestingBeyondTheLimitIsCorruption) {
  // Root ChunkBody with a 10th pointer (a field this build does not know) leading to a chain of
  // `depth` structs. Unknown fields within the limits are fine; past the nesting limit they are
  // not, though the typed decode would never look there.
  auto chain = [](int depth) {
    std::vector<uint64_t> words = {StructPointer(0, 0, 10)};
    words.resize(10, 0);
    for (int i = 0; i < depth; ++i) words.push_back(StructPointer(0, 0, 1));
    words.push_back(0);
    return Segment(words);
  };
  ASSERT_TRUE(Decode(ChunkKind::kEvents, chain(kNestingLimit - 3)).ok());
  ExpectCorruption(Decode(ChunkKind::kEvents, chain(kNestingLimit + 5)), "nested");
}

TEST_F(BodyCodecTest, PointerCycleIsCorruption) {
  std::vector<uint64_t> words = {StructPointer(0, 0, 1), StructPointer(-1, 0, 1)};
  ExpectCorruption(Decode(ChunkKind::kEvents, Segment(words)), "decode events chunk: ");
}

// The names of store/records.cc, which JSON lines and the database spell events with. They live
// here with the codec's tests until store has a records_test.cc.
TEST(RecordNamesTest, EveryOpNameIsUniqueAndReadsBack) {
  std::set<std::string> names;
  for (uint16_t v = 0; v < kOpCount; ++v) {
    std::string name = OpName(static_cast<Op>(v));
    EXPECT_TRUE(names.insert(name).second) << name;
    Op op = Op::kUnknown;
    ASSERT_TRUE(OpFromName(name, &op)) << name;
    EXPECT_EQ(static_cast<uint16_t>(op), v);
  }
  EXPECT_EQ(OpName(Op::kCredChange), "cred_change");
  EXPECT_EQ(OpName(Op::kPivotRoot), "pivot_root");
  EXPECT_EQ(OpName(Op::kMountSetattr), "mount_setattr");
  EXPECT_EQ(OpName(Op::kKexecFileLoad), "kexec_file_load");
  EXPECT_EQ(OpName(Op::kProcessVmWritev), "process_vm_writev");
  EXPECT_EQ(OpName(Op::kPidfdSendSignal), "pidfd_send_signal");
  EXPECT_EQ(OpName(Op::kMemfdCreate), "memfd_create");
  EXPECT_EQ(OpName(Op::kSyscall), "syscall");
}

TEST(RecordNamesTest, UnknownValuesHaveNumberedNamesThatReadBack) {
  EXPECT_EQ(OpName(static_cast<Op>(200)), "op_200");
  Op op = Op::kUnknown;
  ASSERT_TRUE(OpFromName("op_200", &op));
  EXPECT_EQ(static_cast<uint16_t>(op), 200);
  for (const char* bad : {"", "op_", "op_007", "op_70000", "op_1x", "Open", "bogus"}) {
    EXPECT_FALSE(OpFromName(bad, &op)) << bad;
  }
  LossSource source = LossSource::kRingBuffer;
  EXPECT_EQ(LossSourceName(static_cast<LossSource>(9)), "loss_source_9");
  ASSERT_TRUE(LossSourceFromName("loss_source_9", &source));
  EXPECT_EQ(static_cast<uint16_t>(source), 9);
  ProbeStatus status = ProbeStatus::kAttached;
  EXPECT_EQ(ProbeStatusName(static_cast<ProbeStatus>(7)), "probe_status_7");
  ASSERT_TRUE(ProbeStatusFromName("probe_status_7", &status));
  EXPECT_EQ(static_cast<uint16_t>(status), 7);
}

TEST(RecordNamesTest, LossSourceAndProbeStatusNamesReadBack) {
  const std::vector<std::pair<LossSource, std::string>> sources = {
      {LossSource::kRingBuffer, "ring_buffer"}, {LossSource::kUserSpace, "user_space"},
      {LossSource::kWriter, "writer"}, {LossSource::kKernelPath, "kernel_path"}};
  for (const auto& [source, name] : sources) {
    EXPECT_EQ(LossSourceName(source), name);
    LossSource back = LossSource::kWriter;
    ASSERT_TRUE(LossSourceFromName(name, &back));
    EXPECT_EQ(back, source);
  }
  const std::vector<std::pair<ProbeStatus, std::string>> statuses = {
      {ProbeStatus::kAttached, "attached"}, {ProbeStatus::kUnsupported, "unsupported"},
      {ProbeStatus::kFailed, "failed"}, {ProbeStatus::kDisabled, "disabled"}};
  for (const auto& [status, name] : statuses) {
    EXPECT_EQ(ProbeStatusName(status), name);
    ProbeStatus back = ProbeStatus::kAttached;
    ASSERT_TRUE(ProbeStatusFromName(name, &back));
    EXPECT_EQ(back, status);
  }
  LossSource source = LossSource::kRingBuffer;
  EXPECT_FALSE(LossSourceFromName("ringbuffer", &source));
}

TEST(RecordNamesTest, FamiliesMatchTheirOps) {
  EXPECT_STREQ(FamilyName(NoArgs{}), "none");
  EXPECT_STREQ(FamilyName(NsArgs{}), "ns");
  EXPECT_STREQ(FamilyName(SyscallArgs{}), "syscall");
  EXPECT_STREQ(FamilyName(UnknownArgs{}), "unknown");
  EXPECT_TRUE(OpMatchesFamily(Op::kOpen, EventArgs(FileArgs{}).index()));
  EXPECT_FALSE(OpMatchesFamily(Op::kOpen, EventArgs(NetArgs{}).index()));
  EXPECT_TRUE(OpMatchesFamily(Op::kFsconfig, EventArgs(NsArgs{}).index()));
  EXPECT_TRUE(OpMatchesFamily(Op::kBpf, EventArgs(ControlArgs{}).index()));
  EXPECT_TRUE(OpMatchesFamily(Op::kOpen, EventArgs(NoArgs{}).index()));
  EXPECT_TRUE(OpMatchesFamily(static_cast<Op>(200), EventArgs(FileArgs{}).index()));
  for (const Event& e : SampleEventsOfEveryFamily()) {
    EXPECT_TRUE(OpMatchesFamily(e.op, e.args.index())) << OpName(e.op) << " " << FamilyName(e.args);
  }
  EXPECT_STREQ(OpFamilyName(Op::kRename), "file");
  EXPECT_STREQ(OpFamilyName(Op::kSetresuid), "cred");
  EXPECT_STREQ(OpFamilyName(Op::kInitModule), "control");
  EXPECT_STREQ(OpFamilyName(Op::kUnknown), "unknown");
  EXPECT_STREQ(OpFamilyName(static_cast<Op>(200)), "unknown");
}

}  // namespace
}  // namespace amber::store

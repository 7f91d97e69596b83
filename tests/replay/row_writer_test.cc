// RowWriter's pieces that stand alone: the time text of every event row, and the binding of rows
// into reused statements.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "common/text.h"
#include "replay/loader.h"
#include "replay/row_writer.h"
#include "tests/replay/replay_test_util.h"

namespace amber::replay {
namespace {

// The formatter's own calendar gives what gmtime_r does (FormatUtcNs), over the whole int64 range
// of nanoseconds: leap days, century rules, before 1970, both ends.
TEST(UtcFormatterTest, SameTextAsFormatUtcNs) {
  constexpr int64_t kSecond = 1'000'000'000;
  constexpr int64_t kDay = 86'400 * kSecond;
  std::vector<int64_t> values = {
      0, 1, kSecond - 1, kSecond, -1, -kSecond, -kSecond - 1, 1'700'000'000'123'456'789,
      951'782'400 * kSecond,             // 2000-02-29
      4'107'542'400 * kSecond,           // 2100-03-01 (2100 is not a leap year)
      -2'208'988'800 * kSecond,          // 1900-01-01
      std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(),
      std::numeric_limits<int64_t>::min() + 1,
  };
  // A day and a bit at a time across the range, so every month and leap rule is crossed.
  constexpr int64_t kHalf = std::numeric_limits<int64_t>::max() / 2;
  for (int64_t v = -kHalf; v < kHalf; v += 37 * kDay + 12'345'678'901) {
    values.push_back(v);
  }
  UtcFormatter formatter;
  for (int64_t v : values) {
    EXPECT_EQ(std::string(formatter.Format(v)), FormatUtcNs(v)) << v;
  }
}

// Event rows are bound into multi-row statements that are reused without clearing their
// parameters: a column a row has no value for must be NULL whatever the row bound before it in the
// same place had. Batches of 32 alternate between rows with every optional value (a chown's owner,
// a rename's destination, a process and a container) and rows with none; the tail (row by row,
// another statement) alternates too.
TEST(RowWriterTest, AValueOfAnEarlierRowDoesNotLeakIntoALaterOne) {
  std::unique_ptr<Database> db = testing::OpenCase();
  ASSERT_TRUE(InitSchema(db.get()).ok());
  ASSERT_TRUE(db->Exec("BEGIN").ok());
  Result<std::unique_ptr<RowWriter>> writer = RowWriter::Create(db.get());
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  std::vector<store::Event> events(32 * 3 + 6);
  for (size_t i = 0; i < events.size(); ++i) {
    const bool full = i < 96 ? (i / 32) % 2 == 0 : i % 2 == 0;
    store::Event& e = events[i];
    e.time_ns = 1000 + i;
    e.context.pid = 7;
    store::FileArgs a;
    a.path = "/f" + std::to_string(i);
    if (full) {
      e.op = i % 2 == 0 ? store::Op::kChown : store::Op::kRename;
      a.path2 = "/g" + std::to_string(i);
      a.owner_uid = 1000;
      a.owner_gid = 100;
    } else {
      e.op = store::Op::kOpen;
    }
    e.args = a;
    EventLinks links;
    links.capture_id = 1;
    links.utc_ns = static_cast<int64_t>(e.time_ns);
    links.process_id = full ? 5 : 0;
    links.container_id = full ? 3 : 0;
    ASSERT_TRUE((*writer)->WriteEvent(e, links).ok());
  }
  ASSERT_TRUE((*writer)->Flush().ok());
  writer->reset();
  EXPECT_EQ(testing::Rows(db.get(),
                          "SELECT count(*), count(path2), count(owner_uid), count(owner_gid), "
                          "count(process_id), count(container_id) FROM file_events "
                          "GROUP BY op = 'open' ORDER BY op = 'open'"),
            (std::vector<std::string>{"67|67|67|67|67|67", "35|0|0|0|0|0"}));
  // And every row kept its own values.
  EXPECT_EQ(testing::Rows(db.get(), "SELECT count(*) FROM file_events WHERE path <> '/f' || "
                                    "(time_ns - 1000) OR path2 <> '/g' || (time_ns - 1000)"),
            (std::vector<std::string>{"0"}));
}

}  // namespace
}  // namespace amber::replay

// RowWriter's pieces that stand alone: the time text of every event row.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "common/text.h"
#include "replay/row_writer.h"

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

}  // namespace
}  // namespace amber::replay

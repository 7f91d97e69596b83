// basename() and exe_at(): the functions every case connection has (replay/sql_functions.h).
#include <gtest/gtest.h>

#include <string>

#include "replay/db.h"
#include "replay/loader.h"

namespace amber::replay {
namespace {

class SqlFunctionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(":memory:");
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(db).value();
    ASSERT_TRUE(InitSchema(db_.get()).ok());
    // Process 1 ran /bin/sh (from before the case), exec'd /tmp/.x at 100 and /usr/bin/sudo at
    // 200 (a failed exec of /nope at 150 in between). Process 2 never exec'd.
    ASSERT_TRUE(db_->Exec(R"sql(
      INSERT INTO processes(id, host_id, capture_id, pid, start_boot_ns, origin, exe)
        VALUES (1, 1, 1, 10, 5, 'fork', '/usr/bin/sudo'), (2, 1, 1, 11, 6, 'snapshot', '/usr/sbin/cron');
      INSERT INTO execs(id, capture_id, time_ns, time, boot_ns, op, ret, process_id, filename, previous_exe)
        VALUES (1, 1, 100, '', 100, 'exec', 0, 1, '/tmp/.x', '/bin/sh'),
               (2, 1, 150, '', 150, 'exec', -2, 1, '/nope', '/tmp/.x'),
               (3, 1, 200, '', 200, 'exec', 0, 1, '/usr/bin/sudo', '/tmp/.x');
    )sql").ok());
  }

  std::string Text(const std::string& sql) {
    auto s = db_->Prepare(sql);
    EXPECT_TRUE(s.ok()) << s.status().message();
    if (!s.ok()) return "<error>";
    auto row = s->Step();
    EXPECT_TRUE(row.ok()) << row.status().message();
    if (!row.ok() || !*row) return "<no row>";
    if (s->column_type(0) == ColumnType::kNull) return "<null>";
    return (s->column_type(0) == ColumnType::kBlob ? "blob:" : "") + s->ColumnString(0);
  }

  std::unique_ptr<Database> db_;
};

TEST_F(SqlFunctionsTest, BasenameKeepsTheLastComponentAndItsType) {
  EXPECT_EQ(Text("SELECT basename('/usr/bin/sudo')"), "sudo");
  EXPECT_EQ(Text("SELECT basename('sudo')"), "sudo");
  EXPECT_EQ(Text("SELECT basename('/etc/')"), "");
  EXPECT_EQ(Text("SELECT basename('')"), "");
  EXPECT_EQ(Text("SELECT basename(NULL)"), "<null>");
  EXPECT_EQ(Text("SELECT basename(x'2f746d702fff41')"), "blob:\xff" "A");
}

TEST_F(SqlFunctionsTest, ExeAtIsTheImageAtThatTime) {
  EXPECT_EQ(Text("SELECT exe_at(1, 50)"), "/bin/sh");        // before the first exec
  EXPECT_EQ(Text("SELECT exe_at(1, 100)"), "/tmp/.x");       // at the exec itself
  EXPECT_EQ(Text("SELECT exe_at(1, 170)"), "/tmp/.x");       // a failed exec changes nothing
  EXPECT_EQ(Text("SELECT exe_at(1, 999)"), "/usr/bin/sudo");
  EXPECT_EQ(Text("SELECT exe_at(2, 999)"), "/usr/sbin/cron");  // never exec'd: processes.exe
  EXPECT_EQ(Text("SELECT exe_at(3, 999)"), "<null>");        // no such process
  EXPECT_EQ(Text("SELECT exe_at(NULL, 1)"), "<null>");
}

TEST_F(SqlFunctionsTest, ExeAtWorksOnReadOnlyConnectionsAndInsideQueries) {
  // Under the read-only authorizer (rules, query) its lookups are reads, so they are allowed.
  db_->RestrictToReadOnly();
  EXPECT_EQ(Text("SELECT group_concat(basename(exe_at(process_id, time_ns + 1)), ',') FROM "
                 "(SELECT process_id, time_ns FROM execs ORDER BY id)"),
            ".x,.x,sudo");
}

TEST(SqlFunctionsNoSchemaTest, ExeAtWithoutACaseIsAnError) {
  auto db = Database::Open(":memory:");
  ASSERT_TRUE(db.ok());
  auto s = (*db)->Prepare("SELECT exe_at(1, 1)");
  ASSERT_TRUE(s.ok());
  auto row = s->Step();
  ASSERT_FALSE(row.ok());
  EXPECT_NE(row.status().message().find("exe_at"), std::string::npos) << row.status().message();
}

}  // namespace
}  // namespace amber::replay

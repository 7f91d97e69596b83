// The SQLite wrapper: typed binds, bytes kept exact, the read-only authorizer, the time budget.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include <unistd.h>

#include "replay/db.h"

namespace amber::replay {
namespace {

class ReadOnlyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/amber_db_test_" + std::to_string(getpid()) + ".db";
    std::remove(path_.c_str());
    auto db = Database::Open(path_);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("CREATE TABLE t(a INTEGER, b TEXT); INSERT INTO t VALUES (1, 'x');")
                    .ok());
  }
  void TearDown() override { std::remove(path_.c_str()); }
  std::string path_;
};

TEST_F(ReadOnlyTest, ReadsAreAllowed) {
  auto db = Database::Open(path_, {.read_only = true});
  ASSERT_TRUE(db.ok()) << db.status().message();
  EXPECT_EQ((*db)->QueryInt("SELECT count(*) FROM t").value(), 1);
  EXPECT_EQ((*db)->QueryInt("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                            "WHERE i < 5) SELECT sum(i) FROM n").value(), 15);
  EXPECT_TRUE((*db)->Prepare("PRAGMA table_info(t)").ok());
}

TEST_F(ReadOnlyTest, WritesAttachAndStatePragmasAreDenied) {
  auto db = Database::Open(path_, {.read_only = true});
  ASSERT_TRUE(db.ok());
  for (const char* sql :
       {"INSERT INTO t VALUES (2, 'y')", "UPDATE t SET a = 3", "DELETE FROM t", "DROP TABLE t",
        "CREATE TABLE u(x)", "ATTACH DATABASE '/tmp/evil.db' AS evil", "PRAGMA journal_mode=DELETE",
        "PRAGMA writable_schema=ON", "BEGIN", "VACUUM INTO '/tmp/copy.db'",
        "SELECT load_extension('x')"}) {
    auto s = (*db)->Prepare(sql);
    Status status = s.ok() ? s->Run() : s.status();
    EXPECT_FALSE(status.ok()) << sql;
  }
  EXPECT_EQ((*db)->QueryInt("SELECT count(*) FROM t").value(), 1);
}

TEST_F(ReadOnlyTest, MissingDatabaseIsNotFound) {
  auto db = Database::Open(path_ + ".absent", {.read_only = true});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kNotFound);
}

TEST(DatabaseTest, BytesAreTextWhenUtf8AndBlobOtherwise) {
  auto db = Database::Open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t(v)").ok());
  auto insert = (*db)->Prepare("INSERT INTO t VALUES (?1)");
  ASSERT_TRUE(insert.ok());
  const std::string invalid("a\xff\x00z", 4);
  for (const std::string& v : {std::string("caf\xc3\xa9"), invalid}) {
    insert->BindBytes(1, v);
    ASSERT_TRUE(insert->Run().ok());
  }
  auto select = (*db)->Prepare("SELECT v, typeof(v) FROM t ORDER BY rowid");
  ASSERT_TRUE(select->Step().value());
  EXPECT_EQ(select->ColumnString(1), "text");
  ASSERT_TRUE(select->Step().value());
  EXPECT_EQ(select->ColumnString(0), invalid);
  EXPECT_EQ(select->ColumnString(1), "blob");
}

TEST(DatabaseTest, ErrorsCarryTheSqlMessageAndOneStatementPerPrepare) {
  auto db = Database::Open(":memory:");
  auto bad = (*db)->Prepare("SELEC 1");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("syntax error"), std::string::npos);
  EXPECT_FALSE((*db)->Prepare("SELECT 1; SELECT 2").ok());
}

TEST(DatabaseTest, TimeBudgetInterruptsALongQuery) {
  auto db = Database::Open(":memory:");
  (*db)->SetTimeBudget(50);
  auto r = (*db)->QueryInt("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                           "SELECT count(*) FROM n");
  EXPECT_FALSE(r.ok());
}

TEST(DatabaseTest, TransactionRollsBackUnlessCommitted) {
  auto db = Database::Open(":memory:");
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t(a)").ok());
  {
    auto tx = Transaction::Begin(db->get());
    ASSERT_TRUE((*db)->Exec("INSERT INTO t VALUES (1)").ok());
  }
  EXPECT_EQ((*db)->QueryInt("SELECT count(*) FROM t").value(), 0);
  {
    auto tx = Transaction::Begin(db->get());
    ASSERT_TRUE((*db)->Exec("INSERT INTO t VALUES (1)").ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  EXPECT_EQ((*db)->QueryInt("SELECT count(*) FROM t").value(), 1);
}

}  // namespace
}  // namespace amber::replay

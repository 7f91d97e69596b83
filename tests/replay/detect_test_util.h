// Helpers for the detection tests: a scratch directory holding a small case database (schema plus
// a few hand-inserted rows) and rule files written on demand. Header-only.
#ifndef AMBER_TESTS_REPLAY_DETECT_TEST_UTIL_H_
#define AMBER_TESTS_REPLAY_DETECT_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "replay/db.h"
#include "replay/loader.h"
#include "replay/rule.h"

namespace amber::replay::testing {

// A rule file's text: the full header (overridable) and `sql`.
inline std::string RuleText(const std::string& id, const std::string& sql,
                            const std::string& severity = "high",
                            const std::string& mitre = "T1611, T1068") {
  return "-- id: " + id + "\n-- title: Test rule " + id + "\n-- severity: " + severity +
         "\n-- mitre: " + mitre +
         "\n-- description: What fires it.\n--   A continued line.\n-- why: Why it matters.\n"
         "-- false_positives: None known.\n" +
         sql + "\n";
}

// A SELECT with the required columns over the test case's one exec.
inline constexpr const char* kGoodSql =
    "SELECT e.time_ns, e.process_id, e.container_id, 'exec of ' || e.filename AS message,\n"
    "       json_array('execs:' || e.id) AS evidence FROM execs e";

class CaseDir {
 public:
  CaseDir() {
    std::string t = (std::filesystem::temp_directory_path() / "amber-detect-XXXXXX").string();
    EXPECT_NE(mkdtemp(t.data()), nullptr);
    dir_ = t;
    std::filesystem::create_directories(rules());
    auto db = Database::Open(db_path());
    EXPECT_TRUE(db.ok()) << db.status().message();
    EXPECT_TRUE(InitSchema(db->get()).ok());
    EXPECT_TRUE((*db)->Exec(
        "INSERT INTO hosts(id, hostname) VALUES (1, 'lab');"
        "INSERT INTO containers(id, host_id, runtime_id, name, image) VALUES "
        "  (1, 1, 'c0ffee', 'web', 'nginx:1.25');"
        "INSERT INTO processes(id, host_id, capture_id, pid, start_boot_ns, origin, exe, argv, "
        "  cmdline, uid, container_id) VALUES "
        "  (1, 1, 1, 100, 1, 'snapshot', '/usr/sbin/nginx', '[\"nginx\"]', 'nginx', 0, 1),"
        "  (2, 1, 1, 200, 2, 'fork', '/bin/sh', '[\"sh\",\"-c\",\"id\"]', 'sh -c id', 33, 1);"
        "UPDATE processes SET parent_id = 1, ppid = 100 WHERE id = 2;"
        "INSERT INTO execs(id, capture_id, time_ns, time, boot_ns, op, ret, process_id, "
        "  container_id, pid, filename, cmdline) VALUES "
        "  (1, 1, 1795957339500000000, '', 5, 'exec', 0, 2, 1, 200, '/bin/sh', 'sh -c id');")
                    .ok());
  }
  ~CaseDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string db_path() const { return (dir_ / "case.db").string(); }
  std::string rules() const { return (dir_ / "rules").string(); }
  std::filesystem::path dir() const { return dir_; }

  // Writes rules/<sub>/<id>-test.sql.
  void AddRule(const std::string& id, const std::string& text, const std::string& sub = "d") {
    std::filesystem::create_directories(dir_ / "rules" / sub);
    std::ofstream(dir_ / "rules" / sub / (id + "-test.sql")) << text;
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace amber::replay::testing

#endif  // AMBER_TESTS_REPLAY_DETECT_TEST_UTIL_H_

// SQL functions every case connection has (registered by Database::Open), for rules and analysts'
// queries alike (docs/schema.md, "Functions"):
//
//   basename(path)           the part after the last '/' ("/usr/bin/sudo" -> "sudo"); TEXT or BLOB
//                            in, the same type out; NULL for NULL.
//   exe_at(process_id, ns)   the executable the process incarnation was running at time_ns (UTC ns):
//                            its latest successful exec at or before then; before its first exec in
//                            the case, the image it had then (that exec's previous_exe); the
//                            process's exe when it never exec'd in the case. NULL when unknown.
//
// exe_at exists because processes.exe is the image after the *last* exec: a rule that excludes
// trusted programs by processes.exe is fooled by a process that does the deed, then execs one.
#ifndef AMBER_REPLAY_SQL_FUNCTIONS_H_
#define AMBER_REPLAY_SQL_FUNCTIONS_H_

#include <memory>

struct sqlite3;

namespace amber::replay {

// The functions' state on one connection (exe_at's prepared statements). Destroy it before the
// connection is closed.
class CaseFunctions {
 public:
  // Registers the functions on `db`; nullptr when SQLite refuses.
  static std::unique_ptr<CaseFunctions> Register(sqlite3* db);
  ~CaseFunctions();
  CaseFunctions(const CaseFunctions&) = delete;
  CaseFunctions& operator=(const CaseFunctions&) = delete;

  struct Impl;

 private:
  explicit CaseFunctions(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace amber::replay

#endif  // AMBER_REPLAY_SQL_FUNCTIONS_H_

// A small RAII wrapper over SQLite: the one file of amber-replay that calls the sqlite3 C API.
//
// Database owns a connection, Statement a prepared statement, Transaction a BEGIN that rolls back
// unless committed. The raw sqlite3* / sqlite3_stmt* never leave db.cc (osquery's model). Errors
// are Status values carrying SQLite's own message. No exceptions.
//
// Hostile input: every value from a capture is bound as a parameter (Bind*), never formatted into
// SQL. BindBytes stores a byte string as TEXT when it is valid UTF-8 and as a BLOB otherwise, so
// arbitrary host bytes survive exactly (docs/schema.md, "Strings").
//
// Threading: a Database and its Statements belong to one thread. A Statement must not outlive the
// Database that prepared it.
#ifndef AMBER_REPLAY_DB_H_
#define AMBER_REPLAY_DB_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace amber::replay {

class Database;

enum class ColumnType { kInteger, kFloat, kText, kBlob, kNull };

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQLite.
  void BindInt(int index, int64_t value);
  void BindDouble(int index, double value);
  void BindNull(int index);
  void BindText(int index, std::string_view value);  // caller promises valid UTF-8
  void BindBlob(int index, std::string_view value);
  // TEXT when valid UTF-8, otherwise BLOB: the exact bytes either way.
  void BindBytes(int index, std::string_view value);
  // BindBytes, or NULL for an empty string.
  void BindBytesOrNull(int index, std::string_view value);
  // The same without a copy (SQLITE_STATIC): the caller keeps the bytes alive and unchanged until
  // the statement has been Run() or Reset(). For the bulk-load hot path, where an event's strings
  // outlive its INSERT; never pass a temporary.
  void BindTextRef(int index, std::string_view value);
  void BindBlobRef(int index, std::string_view value);
  void BindBytesRef(int index, std::string_view value);
  void BindBytesOrNullRef(int index, std::string_view value);
  int parameter_count() const;

  // Runs one step: true when a row is ready, false when done. Errors carry the SQL error text.
  Result<bool> Step();
  // Steps to completion (an INSERT, an UPDATE), then resets and clears bindings for reuse.
  Status Run();
  // The same, leaving the bindings in place, for a caller that binds every parameter again before
  // each run (clearing walks every parameter: thousands on a multi-row INSERT). A value bound
  // without a copy (Bind*Ref) is not read again after this returns.
  Status RunKeepingBindings();
  // Ready to run again with new bindings.
  void Reset();

  int column_count() const;
  std::string_view column_name(int index) const;
  ColumnType column_type(int index) const;
  int64_t ColumnInt(int index) const;
  double ColumnDouble(int index) const;
  // Text or blob bytes of the column (valid until the next Step/Reset).
  std::string_view ColumnBytes(int index) const;
  std::string ColumnString(int index) const { return std::string(ColumnBytes(index)); }

 private:
  friend class Database;
  struct Impl;
  explicit Statement(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct OpenOptions {
  bool read_only = false;  // SQLITE_OPEN_READONLY plus the read-only authorizer below
  bool create = true;      // create the file if absent (ignored when read_only)
};

class Database {
 public:
  // NotFound when a read-only database does not exist; IOError for other failures.
  static Result<std::unique_ptr<Database>> Open(const std::string& path, OpenOptions options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements with no parameters (schema, pragmas). Never for event data.
  Status Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  // The first column of the first row of a query as an integer; NotFound when there is no row.
  Result<int64_t> QueryInt(std::string_view sql);

  // Installs an authorizer that allows reading only: SELECT, reads, functions, recursive CTEs and a
  // few read-only pragmas. Writes, schema changes, ATTACH/DETACH, transactions that write and state-
  // changing pragmas are denied. Query and detection commands install it; it stays for the
  // connection's lifetime.
  void RestrictToReadOnly();
  // Under the read-only authorizer, also deny calls to these SQL functions (case-insensitive).
  // load_extension and fts3_tokenizer are always denied; the detection runner adds the
  // non-deterministic ones (random, randomblob) so a rule gives the same alerts every run.
  void DenyFunctions(const std::vector<std::string>& names);
  // From now on, statements still running budget_ms after this call are interrupted (0 = no
  // limit). Call before each query that needs its own budget.
  void SetTimeBudget(int64_t budget_ms);

  const std::string& path() const { return path_; }

 private:
  struct Impl;
  Database(std::string path, std::unique_ptr<Impl> impl);
  std::string path_;
  std::unique_ptr<Impl> impl_;
};

// BEGIN on construction (Begin), ROLLBACK on destruction unless Commit() succeeded.
class Transaction {
 public:
  static Result<std::unique_ptr<Transaction>> Begin(Database* db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Status Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
  bool open_ = true;
};

}  // namespace amber::replay

#endif  // AMBER_REPLAY_DB_H_

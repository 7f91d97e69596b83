// The sqlite3 C API, wrapped (see db.h). Nothing else in amber-replay includes sqlite3.h.
#include "replay/db.h"

#include <sqlite3.h>

#include <chrono>
#include <cstring>
#include <utility>

#include "common/text.h"
#include "replay/sql_functions.h"

namespace amber::replay {

// ---- Statement -------------------------------------------------------------------------------

struct Statement::Impl {
  sqlite3* db = nullptr;
  sqlite3_stmt* stmt = nullptr;
  ~Impl() { sqlite3_finalize(stmt); }
};

Statement::Statement(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Statement::Statement(Statement&& other) noexcept = default;
Statement& Statement::operator=(Statement&& other) noexcept = default;
Statement::~Statement() = default;

void Statement::BindInt(int index, int64_t value) {
  sqlite3_bind_int64(impl_->stmt, index, value);
}
void Statement::BindDouble(int index, double value) {
  sqlite3_bind_double(impl_->stmt, index, value);
}
void Statement::BindNull(int index) { sqlite3_bind_null(impl_->stmt, index); }
void Statement::BindText(int index, std::string_view value) {
  sqlite3_bind_text(impl_->stmt, index, value.data(), static_cast<int>(value.size()),
                    SQLITE_TRANSIENT);
}
void Statement::BindBlob(int index, std::string_view value) {
  sqlite3_bind_blob(impl_->stmt, index, value.data(), static_cast<int>(value.size()),
                    SQLITE_TRANSIENT);
}
namespace {

// ASCII is valid UTF-8: most paths and names are, and eight bytes at a time is several times
// quicker than the full decoder. Anything else goes through IsValidUtf8.
bool IsUtf8Text(std::string_view value) {
  const char* p = value.data();
  size_t n = value.size();
  uint64_t any_high = 0;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    any_high |= word;
  }
  for (; n > 0; ++p, --n) any_high |= static_cast<unsigned char>(*p);
  if ((any_high & 0x8080808080808080ull) == 0) return true;
  return IsValidUtf8(value);
}

}  // namespace

void Statement::BindTextRef(int index, std::string_view value) {
  sqlite3_bind_text(impl_->stmt, index, value.data(), static_cast<int>(value.size()),
                    SQLITE_STATIC);
}
void Statement::BindBlobRef(int index, std::string_view value) {
  sqlite3_bind_blob(impl_->stmt, index, value.data(), static_cast<int>(value.size()),
                    SQLITE_STATIC);
}
void Statement::BindBytesRef(int index, std::string_view value) {
  if (IsUtf8Text(value)) {
    BindTextRef(index, value);
  } else {
    BindBlobRef(index, value);
  }
}
void Statement::BindBytesOrNullRef(int index, std::string_view value) {
  if (value.empty()) {
    BindNull(index);
  } else {
    BindBytesRef(index, value);
  }
}

void Statement::BindBytes(int index, std::string_view value) {
  if (IsUtf8Text(value)) {
    BindText(index, value);
  } else {
    BindBlob(index, value);
  }
}
void Statement::BindBytesOrNull(int index, std::string_view value) {
  if (value.empty()) {
    BindNull(index);
  } else {
    BindBytes(index, value);
  }
}
int Statement::parameter_count() const { return sqlite3_bind_parameter_count(impl_->stmt); }

Result<bool> Statement::Step() {
  int rc = sqlite3_step(impl_->stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string message = sqlite3_errmsg(impl_->db);
  sqlite3_reset(impl_->stmt);
  if (rc == SQLITE_FULL) return Status::ResourceExhausted("sqlite: " + message);
  if (rc == SQLITE_AUTH) return Status::PermissionDenied("sqlite: " + message);
  if (rc == SQLITE_CONSTRAINT) return Status::AlreadyExists("sqlite: " + message);
  if (rc == SQLITE_IOERR || rc == SQLITE_CANTOPEN) return Status::IOError("sqlite: " + message);
  if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB) return Status::Corruption("sqlite: " + message);
  return Status::InvalidArgument("sqlite: " + message);
}

Status Statement::Run() {
  Result<bool> r = Step();
  while (r.ok() && r.value()) r = Step();
  Reset();
  return r.ok() ? Status::Ok() : r.status();
}

Status Statement::RunKeepingBindings() {
  Result<bool> r = Step();
  while (r.ok() && r.value()) r = Step();
  sqlite3_reset(impl_->stmt);
  return r.ok() ? Status::Ok() : r.status();
}

void Statement::Reset() {
  sqlite3_reset(impl_->stmt);
  sqlite3_clear_bindings(impl_->stmt);
}

int Statement::column_count() const { return sqlite3_column_count(impl_->stmt); }
std::string_view Statement::column_name(int index) const {
  const char* name = sqlite3_column_name(impl_->stmt, index);
  return name ? std::string_view(name) : std::string_view();
}
ColumnType Statement::column_type(int index) const {
  switch (sqlite3_column_type(impl_->stmt, index)) {
    case SQLITE_INTEGER: return ColumnType::kInteger;
    case SQLITE_FLOAT: return ColumnType::kFloat;
    case SQLITE_TEXT: return ColumnType::kText;
    case SQLITE_BLOB: return ColumnType::kBlob;
    default: return ColumnType::kNull;
  }
}
int64_t Statement::ColumnInt(int index) const { return sqlite3_column_int64(impl_->stmt, index); }
double Statement::ColumnDouble(int index) const {
  return sqlite3_column_double(impl_->stmt, index);
}
std::string_view Statement::ColumnBytes(int index) const {
  // For a BLOB, ask for the blob (no conversion); for anything else the text form.
  const void* data = sqlite3_column_type(impl_->stmt, index) == SQLITE_BLOB
                         ? sqlite3_column_blob(impl_->stmt, index)
                         : static_cast<const void*>(sqlite3_column_text(impl_->stmt, index));
  int size = sqlite3_column_bytes(impl_->stmt, index);
  if (data == nullptr) return {};
  return std::string_view(static_cast<const char*>(data), static_cast<size_t>(size));
}

// ---- Database --------------------------------------------------------------------------------

namespace {
struct Budget {
  int64_t budget_ms = 0;
  std::chrono::steady_clock::time_point started;
};
}  // namespace

struct Database::Impl {
  sqlite3* db = nullptr;
  Budget budget;
  // Functions the read-only authorizer refuses (lower case); see DenyFunctions.
  std::vector<std::string> denied_functions = {"load_extension", "fts3_tokenizer"};
  // basename(), exe_at() (replay/sql_functions.h); their statements go before the connection.
  std::unique_ptr<CaseFunctions> functions;
  ~Impl() {
    functions.reset();
    sqlite3_close_v2(db);
  }
};

Database::Database(std::string path, std::unique_ptr<Impl> impl)
    : path_(std::move(path)), impl_(std::move(impl)) {}
Database::~Database() = default;

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, OpenOptions options) {
  int flags = SQLITE_OPEN_NOMUTEX;
  if (options.read_only) {
    flags |= SQLITE_OPEN_READONLY;
  } else {
    flags |= SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0);
  }
  // No memory statistics (sqlite3_memory_used and friends, which amber never reads): with them on,
  // every allocation SQLite makes takes a global mutex, a few per cent of a bulk load. Process-wide,
  // and only possible before SQLite initializes: the first Open sets it, later calls are no-ops.
  static const int kNoMemoryStatistics = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)kNoMemoryStatistics;
  auto impl = std::make_unique<Impl>();
  int rc = sqlite3_open_v2(path.c_str(), &impl->db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = impl->db ? sqlite3_errmsg(impl->db) : sqlite3_errstr(rc);
    if (rc == SQLITE_CANTOPEN && (options.read_only || !options.create)) {
      return Status::NotFound("open database " + path + ": " + message);
    }
    return Status::IOError("open database " + path + ": " + message);
  }
  sqlite3_extended_result_codes(impl->db, 0);
  impl->functions = CaseFunctions::Register(impl->db);
  if (impl->functions == nullptr) {
    return Status::IOError("open database " + path + ": cannot register SQL functions: " +
                           sqlite3_errmsg(impl->db));
  }
  auto db = std::unique_ptr<Database>(new Database(path, std::move(impl)));
  if (options.read_only) {
    // Fail now, not at the first query, when the file is not a database.
    Result<int64_t> probe = db->QueryInt("SELECT count(*) FROM sqlite_schema");
    if (!probe.ok()) return probe.status().Annotate("open database " + path);
    db->RestrictToReadOnly();
  }
  return db;
}

Status Database::Exec(std::string_view sql) {
  std::string owned(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(impl_->db, owned.c_str(), nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string message = error ? error : sqlite3_errstr(rc);
  sqlite3_free(error);
  if (rc == SQLITE_FULL) return Status::ResourceExhausted("sqlite: " + message);
  if (rc == SQLITE_AUTH) return Status::PermissionDenied("sqlite: " + message);
  if (rc == SQLITE_IOERR) return Status::IOError("sqlite: " + message);
  return Status::InvalidArgument("sqlite: " + message);
}

Result<Statement> Database::Prepare(std::string_view sql) {
  auto impl = std::make_unique<Statement::Impl>();
  impl->db = impl_->db;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(impl_->db, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &impl->stmt, &tail);
  if (rc != SQLITE_OK) {
    if (rc == SQLITE_AUTH) {
      return Status::PermissionDenied("prepare: " + std::string(sqlite3_errmsg(impl_->db)));
    }
    return Status::InvalidArgument("prepare: " + std::string(sqlite3_errmsg(impl_->db)));
  }
  if (impl->stmt == nullptr) return Status::InvalidArgument("prepare: empty statement");
  // One statement per Prepare: trailing statements would otherwise be silently ignored.
  if (tail != nullptr) {
    std::string_view rest(tail, static_cast<size_t>(sql.data() + sql.size() - tail));
    for (char c : rest) {
      if (c != ' ' && c != '\n' && c != '\t' && c != '\r' && c != ';') {
        return Status::InvalidArgument("prepare: more than one statement");
      }
    }
  }
  return Statement(std::move(impl));
}

Result<int64_t> Database::QueryInt(std::string_view sql) {
  Result<Statement> stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!row.value()) return Status::NotFound("query returned no row");
  return stmt->ColumnInt(0);
}

namespace {

// Pragmas that only read. Anything else (journal_mode=, writable_schema...) is denied.
bool IsReadOnlyPragma(const char* name) {
  if (name == nullptr) return false;
  static constexpr const char* kAllowed[] = {"table_info", "table_xinfo", "index_list",
                                             "index_info", "foreign_key_list", "table_list"};
  for (const char* allowed : kAllowed) {
    if (std::strcmp(name, allowed) == 0) return true;
  }
  return false;
}

bool IsDeniedFunction(const std::vector<std::string>* denied, const char* name) {
  if (denied == nullptr || name == nullptr) return false;
  std::string lower(name);
  for (char& ch : lower) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
  for (const std::string& d : *denied) {
    if (lower == d) return true;
  }
  return false;
}

int ReadOnlyAuthorizer(void* denied_functions, int action, const char* a, const char* b,
                       const char*, const char*) {
  switch (action) {
    case SQLITE_FUNCTION:
      // For SQLITE_FUNCTION the function's name is the second argument.
      return IsDeniedFunction(static_cast<const std::vector<std::string>*>(denied_functions), b)
                 ? SQLITE_DENY
                 : SQLITE_OK;
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;
    case SQLITE_UPDATE:
      // Connecting an eponymous virtual table (json_each, json_tree) declares its schema, which
      // SQLite authorizes as an update of sqlite_master columns. A real UPDATE of sqlite_master
      // cannot happen here: the connection is read-only, defensive and writable_schema is denied.
      return a != nullptr && std::strcmp(a, "sqlite_master") == 0 ? SQLITE_OK : SQLITE_DENY;
    case SQLITE_PRAGMA:
      // Only introspection pragmas; their argument (a table name) changes nothing.
      return IsReadOnlyPragma(a) ? SQLITE_OK : SQLITE_DENY;
    default:
      return SQLITE_DENY;  // INSERT, UPDATE, DELETE, CREATE*, DROP*, ATTACH, DETACH, TRANSACTION...
  }
}

int BudgetHandler(void* arg) {
  auto* budget = static_cast<Budget*>(arg);
  auto elapsed = std::chrono::steady_clock::now() - budget->started;
  return std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() >
         budget->budget_ms;
}

}  // namespace

void Database::RestrictToReadOnly() {
  sqlite3_set_authorizer(impl_->db, ReadOnlyAuthorizer, &impl_->denied_functions);
  // Belt and braces: even a statement the authorizer missed cannot write.
  sqlite3_db_config(impl_->db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(impl_->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
  sqlite3_limit(impl_->db, SQLITE_LIMIT_ATTACHED, 0);
}

void Database::DenyFunctions(const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    std::string lower = name;
    for (char& ch : lower) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    impl_->denied_functions.push_back(lower);
  }
}

void Database::SetTimeBudget(int64_t budget_ms) {
  impl_->budget.budget_ms = budget_ms;
  impl_->budget.started = std::chrono::steady_clock::now();
  if (budget_ms <= 0) {
    sqlite3_progress_handler(impl_->db, 0, nullptr, nullptr);
  } else {
    sqlite3_progress_handler(impl_->db, 10000, BudgetHandler, &impl_->budget);
  }
}

// ---- Transaction -----------------------------------------------------------------------------

Result<std::unique_ptr<Transaction>> Transaction::Begin(Database* db) {
  Status s = db->Exec("BEGIN");
  if (!s.ok()) return s.Annotate("begin transaction");
  return std::unique_ptr<Transaction>(new Transaction(db));
}

Transaction::~Transaction() {
  if (open_) (void)db_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  if (!open_) return Status::Internal("commit: transaction already ended");
  open_ = false;
  Status s = db_->Exec("COMMIT");
  if (!s.ok()) {
    (void)db_->Exec("ROLLBACK");
    return s.Annotate("commit");
  }
  return Status::Ok();
}

}  // namespace amber::replay

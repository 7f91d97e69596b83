#include "replay/sql_functions.h"

#include <sqlite3.h>

#include <cstring>
#include <string>

namespace amber::replay {

struct CaseFunctions::Impl {
  sqlite3* db = nullptr;
  // exe_at's three lookups, prepared at first use (a connection may be opened before its schema
  // exists) and finalized with this object.
  sqlite3_stmt* at_or_before = nullptr;
  sqlite3_stmt* after = nullptr;
  sqlite3_stmt* process = nullptr;

  ~Impl() {
    sqlite3_finalize(at_or_before);
    sqlite3_finalize(after);
    sqlite3_finalize(process);
  }

  bool Prepare(sqlite3_context* ctx) {
    if (process != nullptr) return true;
    static constexpr const char* kSql[] = {
        "SELECT filename FROM execs WHERE process_id = ?1 AND ret >= 0 AND time_ns <= ?2"
        " ORDER BY time_ns DESC, id DESC LIMIT 1",
        "SELECT previous_exe FROM execs WHERE process_id = ?1 AND ret >= 0 AND time_ns > ?2"
        " ORDER BY time_ns, id LIMIT 1",
        "SELECT exe FROM processes WHERE id = ?1",
    };
    sqlite3_stmt** slots[] = {&at_or_before, &after, &process};
    for (int i = 0; i < 3; ++i) {
      if (sqlite3_prepare_v3(db, kSql[i], -1, SQLITE_PREPARE_PERSISTENT, slots[i], nullptr) !=
          SQLITE_OK) {
        std::string message = std::string("exe_at: ") + sqlite3_errmsg(db);
        for (sqlite3_stmt** s : slots) {
          sqlite3_finalize(*s);
          *s = nullptr;
        }
        sqlite3_result_error(ctx, message.c_str(), -1);
        return false;
      }
    }
    return true;
  }

  // Steps `stmt` bound to (process_id, ns): true and the result set from its first column when it
  // has a row; false when it has none; an error is set on ctx and *failed when the step fails.
  static bool Lookup(sqlite3_context* ctx, sqlite3_stmt* stmt, sqlite3_int64 process_id,
                     sqlite3_int64 ns, bool* failed) {
    sqlite3_reset(stmt);
    sqlite3_bind_int64(stmt, 1, process_id);
    if (sqlite3_bind_parameter_count(stmt) >= 2) sqlite3_bind_int64(stmt, 2, ns);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      sqlite3_result_value(ctx, sqlite3_column_value(stmt, 0));
      sqlite3_reset(stmt);
      return true;
    }
    if (rc != SQLITE_DONE) {
      *failed = true;
      std::string message = std::string("exe_at: ") + sqlite3_errmsg(sqlite3_db_handle(stmt));
      sqlite3_result_error(ctx, message.c_str(), -1);
      if (rc == SQLITE_INTERRUPT) sqlite3_result_error_code(ctx, rc);  // the time budget ran out
    }
    sqlite3_reset(stmt);
    return false;
  }
};

namespace {

void Basename(sqlite3_context* ctx, int, sqlite3_value** argv) {
  sqlite3_value* v = argv[0];
  const int type = sqlite3_value_type(v);
  if (type == SQLITE_NULL) return;  // result NULL
  const bool blob = type == SQLITE_BLOB;
  const auto* data = static_cast<const char*>(blob ? sqlite3_value_blob(v)
                                                   : static_cast<const void*>(sqlite3_value_text(v)));
  const int size = sqlite3_value_bytes(v);
  int start = 0;
  for (int i = 0; i < size; ++i) {
    if (data[i] == '/') start = i + 1;
  }
  if (blob) {
    sqlite3_result_blob(ctx, data + start, size - start, SQLITE_TRANSIENT);
  } else {
    sqlite3_result_text(ctx, data + start, size - start, SQLITE_TRANSIENT);
  }
}

void ExeAt(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* impl = static_cast<CaseFunctions::Impl*>(sqlite3_user_data(ctx));
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
    return;
  }
  if (!impl->Prepare(ctx)) return;
  const sqlite3_int64 process_id = sqlite3_value_int64(argv[0]);
  const sqlite3_int64 ns = sqlite3_value_int64(argv[1]);
  bool failed = false;
  if (CaseFunctions::Impl::Lookup(ctx, impl->at_or_before, process_id, ns, &failed) || failed) {
    return;
  }
  // Exec'd later: the image before that exec (NULL when the loader did not know it).
  if (CaseFunctions::Impl::Lookup(ctx, impl->after, process_id, ns, &failed) || failed) return;
  CaseFunctions::Impl::Lookup(ctx, impl->process, process_id, ns, &failed);
}

}  // namespace

CaseFunctions::CaseFunctions(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CaseFunctions::~CaseFunctions() = default;

std::unique_ptr<CaseFunctions> CaseFunctions::Register(sqlite3* db) {
  auto impl = std::make_unique<Impl>();
  impl->db = db;
  const int pure = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  if (sqlite3_create_function_v2(db, "basename", 1, pure, nullptr, Basename, nullptr, nullptr,
                                 nullptr) != SQLITE_OK) {
    return nullptr;
  }
  // Deterministic: a query does not change the case it reads. Not innocuous (it reads tables), so
  // the schema's own views, triggers and indexes cannot call it.
  if (sqlite3_create_function_v2(db, "exe_at", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, impl.get(),
                                 ExeAt, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return nullptr;
  }
  return std::unique_ptr<CaseFunctions>(new CaseFunctions(std::move(impl)));
}

}  // namespace amber::replay

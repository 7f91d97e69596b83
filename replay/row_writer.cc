#include "replay/row_writer.h"

#include <cstdio>
#include <variant>

#include "common/text.h"
#include "replay/file_path.h"
#include "replay/render.h"

namespace amber::replay {

namespace {

using store::Op;

constexpr const char* kCommonColumns =
    "capture_id,time_ns,boot_ns,op,ret,process_id,container_id,pid,tid,uid,gid,euid,egid,time,"
    "compat";
constexpr int kCommonCount = 15;

struct TableSpec {
  const char* name;
  const char* columns;  // typed columns after the common ones
  int count;
};

// Indexed by EventTable.
constexpr TableSpec kSpecs[kEventTableCount] = {
    {"process_events",
     "child_pid,child_tid,child_process_id,clone_flags,thread,exit_code,exit_signal", 7},
    {"execs",
     "filename,interpreter,cwd,argv,cmdline,argv_raw,argc,exec_flags,memfd,deleted,setuid,setgid,"
     "thread_exec,previous_exe,exec_index,cap_effective,executable",
     17},
    {"file_events", "path,path2,flags,mode,owner_uid,owner_gid,given_path,given_path2", 8},
    {"net_events", "family,address,port,fd,backlog", 5},
    {"cred_events", "id0,id1,id2,old_uid,old_euid,caps,cmd,arg,name", 9},
    {"ns_events", "ns_flags,fd,ns_cmd,source,target,fs_type,key,value,ns_inode", 9},
    {"module_events", "cmd,arg,name", 3},
    {"target_events", "target_pid,target_process_id,signal,request,addr,given_pid", 6},
    {"memory_events", "addr,length,prot,flags,fd,name", 6},
    {"syscall_events", "nr,arg0,arg1,arg2,arg3", 5},
};

// The multi-row INSERTs say OR FAIL: with the default (OR ABORT) a statement that writes several
// rows and may stop on a constraint keeps a statement journal, a copy of every page it changes
// that existed before it (the last leaf of each table, every batch), so that it can undo itself.
// A load that meets any error fails and its transaction rolls back whole, so there is nothing for
// a statement to undo: OR FAIL needs no statement journal (4 % of a load's instructions).
std::string InsertSql(const char* table, const std::string& columns, int count,
                      const char* verb = "INSERT") {
  std::string sql = std::string(verb) + " INTO " + table + "(" + columns + ") VALUES (";
  for (int i = 1; i <= count; ++i) sql += (i > 1 ? ",?" : "?") + std::to_string(i);
  return sql + ")";
}

bool In(Op op, Op first, Op last) {
  auto v = static_cast<uint16_t>(op);
  return v >= static_cast<uint16_t>(first) && v <= static_cast<uint16_t>(last);
}

// Values are unsigned 64-bit on the wire; SQLite integers are signed: the bits are kept.
int64_t U64(uint64_t v) { return static_cast<int64_t>(v); }

template <typename T>
T ArgsOr(const store::EventArgs& args) {
  const T* p = std::get_if<T>(&args);
  return p != nullptr ? *p : T{};
}

std::string FamilyName(uint16_t family) {
  switch (family) {
    case 1: return "unix";
    case 2: return "inet";
    case 10: return "inet6";
    case 16: return "netlink";
    case 17: return "packet";
    case 40: return "vsock";
    default: return "af_" + std::to_string(family);
  }
}

std::string FormatAddress(const store::NetArgs& n) {
  char buf[64];
  if (n.family == 2) {
    auto v = static_cast<uint32_t>(n.addr_lo);
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff,
                  v & 0xff);
    return buf;
  }
  if (n.family == 10) {
    // RFC 5952: lower-case hex, the longest run of two or more zero groups as "::".
    uint16_t g[8];
    for (int i = 0; i < 4; ++i) g[i] = static_cast<uint16_t>(n.addr_hi >> (48 - 16 * i));
    for (int i = 0; i < 4; ++i) g[4 + i] = static_cast<uint16_t>(n.addr_lo >> (48 - 16 * i));
    int best = -1, best_len = 0;
    for (int i = 0; i < 8;) {
      int j = i;
      while (j < 8 && g[j] == 0) ++j;
      if (j - i > best_len && j - i >= 2) {
        best = i;
        best_len = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    std::string out;
    for (int i = 0; i < 8; ++i) {
      if (i == best) {
        out += "::";
        i += best_len - 1;
        continue;
      }
      if (!out.empty() && out.back() != ':') out += ':';
      std::snprintf(buf, sizeof buf, "%x", g[i]);
      out += buf;
    }
    return out;
  }
  return n.sock_path;
}

}  // namespace

std::string_view UtcFormatter::Format(int64_t unix_ns) {
  int64_t secs = unix_ns / 1'000'000'000;
  int64_t frac = unix_ns % 1'000'000'000;
  if (frac < 0) {
    frac += 1'000'000'000;
    --secs;
  }
  if (secs != cached_second_ || text_.empty()) {
    // Only the date and time of day need the calendar; they change once a second. Days to a
    // civil date by Howard Hinnant's days_from_civil inverse (proleptic Gregorian, any int64
    // second of an int64 ns), what gmtime_r gives without its locking and table walks.
    int64_t days = secs / 86'400;
    int64_t second_of_day = secs % 86'400;
    if (second_of_day < 0) {
      second_of_day += 86'400;
      --days;
    }
    const int64_t z = days + 719'468;
    const int64_t era = (z >= 0 ? z : z - 146'096) / 146'097;
    const int64_t doe = z - era * 146'097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t day = doy - (153 * mp + 2) / 5 + 1;
    const int64_t month = mp < 10 ? mp + 3 : mp - 9;
    const int64_t year = yoe + era * 400 + (month <= 2);
    char buf[64];
    int n = std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.000000000Z",
                          static_cast<long long>(year), static_cast<long long>(month),
                          static_cast<long long>(day), static_cast<long long>(second_of_day / 3600),
                          static_cast<long long>(second_of_day / 60 % 60),
                          static_cast<long long>(second_of_day % 60));
    text_.assign(buf, static_cast<size_t>(n));
    prefix_ = text_.size() - 10;  // up to and including the '.'
    cached_second_ = secs;
  }
  char* digits = text_.data() + prefix_;
  for (int i = 8; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  return text_;
}

EventTable TableForOp(Op op) {
  if (op == Op::kFork || op == Op::kExit) return EventTable::kProcess;
  if (op == Op::kExec) return EventTable::kExec;
  if (In(op, Op::kSetuid, Op::kPersonality)) return EventTable::kCred;
  if (In(op, Op::kUnshare, Op::kMountSetattr)) return EventTable::kNs;
  if (In(op, Op::kInitModule, Op::kAddKey)) return EventTable::kModule;
  if (In(op, Op::kPtrace, Op::kPidfdGetfd)) return EventTable::kTarget;
  if (In(op, Op::kOpen, Op::kMknod)) return EventTable::kFile;
  if (In(op, Op::kMemfdCreate, Op::kMmap)) return EventTable::kMemory;
  if (In(op, Op::kConnect, Op::kListen)) return EventTable::kNet;
  return EventTable::kSyscall;  // syscall, unknown, and ops newer than this build
}

const char* EventTableName(EventTable table) { return kSpecs[static_cast<size_t>(table)].name; }

std::string JoinArgv(const std::vector<std::string>& argv, char separator, bool trailing) {
  std::string out;
  for (size_t i = 0; i < argv.size(); ++i) {
    if (i > 0 && !trailing) out.push_back(separator);
    out += argv[i];
    if (trailing) out.push_back(separator);
  }
  return out;
}

Result<std::unique_ptr<RowWriter>> RowWriter::Create(Database* db) {
  auto writer = std::unique_ptr<RowWriter>(new RowWriter(db));
  AMBER_RETURN_IF_ERROR(writer->Prepare());
  return writer;
}

Status RowWriter::Prepare() {
  for (const TableSpec& spec : kSpecs) {
    Result<Statement> s = db_->Prepare(
        InsertSql(spec.name, std::string(kCommonColumns) + "," + spec.columns,
                  kCommonCount + spec.count));
    if (!s.ok()) return s.status().Annotate(std::string("prepare insert into ") + spec.name);
    events_.push_back(std::move(s).value());
    // The same INSERT with kBatchRows rows of VALUES: one statement run per 32 rows.
    const int columns = kCommonCount + spec.count;
    std::string sql = InsertSql(spec.name, std::string(kCommonColumns) + "," + spec.columns,
                                columns, "INSERT OR FAIL");
    for (size_t r = 1; r < kBatchRows; ++r) {
      sql += ",(";
      for (int i = 1; i <= columns; ++i) {
        sql += (i > 1 ? ",?" : "?") + std::to_string(static_cast<int>(r) * columns + i);
      }
      sql += ")";
    }
    Result<Statement> batch = db_->Prepare(sql);
    if (!batch.ok()) return batch.status().Annotate(std::string("prepare insert into ") + spec.name);
    batches_.push_back(std::move(batch).value());
  }
  Result<int64_t> stored = db_->QueryInt(
      "SELECT count(*) FROM pragma_table_xinfo('processes') "
      "WHERE name IN ('start_time', 'exit_time') AND hidden = 0");
  if (!stored.ok()) return stored.status().Annotate("inspect table processes");
  process_times_stored_ = *stored == 2;
  Result<Statement> p = db_->Prepare(
      std::string("INSERT OR REPLACE INTO processes(id,host_id,capture_id,pid,start_boot_ns,ppid,"
                  "parent_id,reaper_id,origin,inferred,start_ns,exit_ns,exit_code,exit_signal,"
                  "ended_by,clone_flags,exe,argv,cmdline,argv_raw,cwd,comm,exec_count,uid,gid,euid,"
                  "egid,login_uid,cap_effective,mnt_ns,pid_ns,user_ns,net_ns,uts_ns,ipc_ns,"
                  "cgroup_ns,cgroup_id,cgroup_path,container_id,kernel_thread,first_seen_ns,"
                  "last_seen_ns") +
      (process_times_stored_ ? ",start_time,exit_time" : "") +
      ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,"
      "?23,?24,?25,?26,?27,?28,?29,?30,?31,?32,?33,?34,?35,?36,?37,?38,?39,?40,?41,?42" +
      (process_times_stored_ ? ",?43,?44)" : ")"));
  if (!p.ok()) return p.status().Annotate("prepare insert into processes");
  process_.emplace(std::move(p).value());
  // The generated columns' expression, verbatim (schema.sql before they were stored).
  Result<Statement> u = db_->Prepare(
      "SELECT strftime('%Y-%m-%dT%H:%M:%S', ?1 / 1000000000, 'unixepoch') || "
      "printf('.%09dZ', ?1 % 1000000000)");
  if (!u.ok()) return u.status().Annotate("prepare time text");
  utc_text_.emplace(std::move(u).value());
  Result<Statement> a = db_->Prepare(
      "INSERT INTO process_ancestors(process_id,depth,ancestor_id) VALUES (?1,?2,?3)");
  if (!a.ok()) return a.status().Annotate("prepare insert into process_ancestors");
  ancestor_.emplace(std::move(a).value());
  std::string sql =
      "INSERT OR FAIL INTO process_ancestors(process_id,depth,ancestor_id) VALUES (?1,?2,?3)";
  for (size_t r = 1; r < kAncestorBatchRows; ++r) {
    sql += ",(?" + std::to_string(3 * r + 1) + ",?" + std::to_string(3 * r + 2) + ",?" +
           std::to_string(3 * r + 3) + ")";
  }
  Result<Statement> ab = db_->Prepare(sql);
  if (!ab.ok()) return ab.status().Annotate("prepare insert into process_ancestors");
  ancestor_batch_.emplace(std::move(ab).value());
  ancestors_.reserve(kAncestorBatchRows);
  Result<Statement> c = db_->Prepare(
      "INSERT OR REPLACE INTO containers(id,host_id,runtime_id,name,image,image_digest,runtime,"
      "cgroup_path,labels,annotations,pod_name,pod_namespace,pod_uid,privileged,mounts,"
      "capabilities,namespaces,init_pid,bundle,status,inferred,first_seen_ns,last_seen_ns) VALUES "
      "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23)");
  if (!c.ok()) return c.status().Annotate("prepare insert into containers");
  container_.emplace(std::move(c).value());
  Result<Statement> g = db_->Prepare(
      "INSERT INTO gaps(capture_id,kind,cpu,count,first_ns,last_ns,reason) VALUES "
      "(?1,?2,?3,?4,?5,?6,?7)");
  if (!g.ok()) return g.status().Annotate("prepare insert into gaps");
  gap_.emplace(std::move(g).value());
  for (uint16_t i = 0; i < store::kOpCount; ++i) op_names_[i] = store::OpName(static_cast<Op>(i));
  return Status::Ok();
}

void RowWriter::BindCommon(Binder* s, PendingRow* row) {
  const store::Event& e = *row->event;
  const EventLinks& links = row->links;
  const store::TaskContext& c = e.context;
  s->BindInt(1, links.capture_id);
  s->BindInt(2, links.utc_ns);
  s->BindInt(3, U64(e.time_ns));
  auto op = static_cast<uint16_t>(e.op);
  if (op < store::kOpCount) {
    s->BindTextRef(4, op_names_[op]);
  } else {
    s->BindText(4, store::OpName(e.op));
  }
  s->BindInt(5, e.ret);
  if (links.process_id != 0) s->BindInt(6, links.process_id);
  if (links.container_id != 0) s->BindInt(7, links.container_id);
  s->BindInt(8, c.pid);
  s->BindInt(9, c.tid);
  s->BindInt(10, c.uid);
  s->BindInt(11, c.gid);
  s->BindInt(12, c.euid);
  s->BindInt(13, c.egid);
  // Each row of a batch keeps its own copy of the time text until the batch has run.
  std::string_view time = utc_.Format(links.utc_ns);
  row->time.assign(time.data(), time.size());
  s->BindTextRef(14, row->time);
  s->BindInt(15, (c.flags & store::kTaskFlagCompatSyscall) != 0 ? 1 : 0);
}

Status RowWriter::WriteEvent(const store::Event& e, const EventLinks& links) {
  const auto t = static_cast<size_t>(TableForOp(e.op));
  // Slots are reused, never reallocated (their strings keep their capacity; bound text stays put).
  std::vector<PendingRow>& pending = pending_[t];
  if (pending.empty()) pending.resize(kBatchRows);
  PendingRow& row = pending[pending_count_[t]++];
  row.event = &e;
  row.links = links;
  if (links.exec != nullptr) {
    row.exec = *links.exec;
    row.links.exec = &row.exec;
  }
  ++counts_[t];
  if (pending_count_[t] == kBatchRows) return FlushTable(t);
  return Status::Ok();
}

Status RowWriter::Flush() {
  for (size_t t = 0; t < kEventTableCount; ++t) AMBER_RETURN_IF_ERROR(FlushTable(t));
  return FlushAncestors();
}

Status RowWriter::FlushAncestors() {
  const bool full = ancestors_.size() == kAncestorBatchRows;
  Statement* s = full ? &*ancestor_batch_ : &*ancestor_;
  for (size_t i = 0; i < ancestors_.size(); ++i) {
    const int base = full ? static_cast<int>(3 * i) : 0;
    for (int c = 0; c < 3; ++c) s->BindInt(base + c + 1, ancestors_[i][static_cast<size_t>(c)]);
    if (!full) AMBER_RETURN_IF_ERROR(s->Run().Annotate("insert ancestry"));
  }
  if (full) AMBER_RETURN_IF_ERROR(s->Run().Annotate("insert ancestry"));
  ancestors_.clear();
  return Status::Ok();
}

Status RowWriter::FlushTable(size_t t) {
  const size_t count = pending_count_[t];
  if (count == 0) return Status::Ok();
  pending_count_[t] = 0;
  std::vector<PendingRow>& pending = pending_[t];
  const int columns = kCommonCount + kSpecs[t].count;
  if (count == kBatchRows) {
    Statement* s = &batches_[t];
    for (size_t i = 0; i < count; ++i) {
      BindEvent(Binder{s, static_cast<int>(i) * columns}, static_cast<EventTable>(t), &pending[i]);
    }
    return s->RunKeepingBindings();  // every parameter is bound again before the next run
  }
  for (size_t i = 0; i < count; ++i) {  // the tail of a chunk, row by row
    Statement* s = &events_[t];
    BindEvent(Binder{s, 0}, static_cast<EventTable>(t), &pending[i]);
    AMBER_RETURN_IF_ERROR(s->RunKeepingBindings());
  }
  return Status::Ok();
}

void RowWriter::BindEvent(Binder binder, EventTable table, PendingRow* row) {
  Binder* s = &binder;
  BindColumns(s, table, row);
  s->FinishRow(kCommonCount + kSpecs[static_cast<size_t>(table)].count);
}

void RowWriter::BindColumns(Binder* s, EventTable table, PendingRow* row) {
  const store::Event& e = *row->event;
  const EventLinks& links = row->links;
  BindCommon(s, row);
  constexpr int k = kCommonCount;
  auto id_or_null = [s](int index, uint32_t id) {
    if (id != store::kIdUnchanged) s->BindInt(index, id);
  };
  switch (table) {
    case EventTable::kProcess:
      if (e.op == Op::kFork) {
        auto a = ArgsOr<store::ForkArgs>(e.args);
        s->BindInt(k + 1, a.child_pid);
        s->BindInt(k + 2, a.child_tid);
        if (links.child_process_id != 0) s->BindInt(k + 3, links.child_process_id);
        s->BindInt(k + 4, U64(a.clone_flags));
        s->BindInt(k + 5, (a.clone_flags & 0x00010000) != 0 || a.child_pid == e.context.pid);
      } else {
        auto a = ArgsOr<store::ExitArgs>(e.args);
        s->BindInt(k + 6, a.exit_code);
        s->BindInt(k + 7, a.exit_signal);
      }
      break;
    case EventTable::kExec: {
      const store::ExecArgs* a = std::get_if<store::ExecArgs>(&e.args);
      static const store::ExecArgs empty;
      if (a == nullptr) a = &empty;
      s->BindBytesOrNullRef(k + 1, a->filename);
      s->BindBytesOrNullRef(k + 2, a->interpreter);
      s->BindBytesOrNullRef(k + 3, a->cwd);
      row->argv_json = JsonStringArray(a->argv);
      row->cmdline = JoinArgv(a->argv, ' ', false);
      row->argv_raw = JoinArgv(a->argv, '\0', true);
      s->BindTextRef(k + 4, row->argv_json);
      s->BindBytesRef(k + 5, row->cmdline);
      s->BindBlobRef(k + 6, row->argv_raw);
      s->BindInt(k + 7, a->argc);
      s->BindInt(k + 8, a->exec_flags);
      s->BindInt(k + 9, (a->exec_flags & store::kExecFlagMemfd) != 0);
      s->BindInt(k + 10, (a->exec_flags & store::kExecFlagDeleted) != 0);
      s->BindInt(k + 11, (a->exec_flags & store::kExecFlagSetuid) != 0);
      s->BindInt(k + 12, (a->exec_flags & store::kExecFlagSetgid) != 0);
      if (links.exec != nullptr) {
        s->BindInt(k + 13, links.exec->thread_exec);
        s->BindBytesOrNullRef(k + 14, links.exec->previous_exe);  // the row's own copy
        s->BindInt(k + 15, links.exec->exec_index);
      }
      s->BindInt(k + 16, U64(e.context.cap_effective));  // after the exec: file capabilities
      s->BindBytesOrNullRef(k + 17, a->executable);
      break;
    }
    case EventTable::kFile: {
      const store::FileArgs* a = std::get_if<store::FileArgs>(&e.args);
      static const store::FileArgs empty;
      if (a == nullptr) a = &empty;
      // path and path2 name the file reached, so that rules are not evaded by spelling: the
      // file the recorder saw opened, else the spelling folded (replay/file_path.h); the
      // spelling itself goes beside them when it differs (docs/schema.md, "file_events").
      std::string_view path = a->path, path2 = a->path2;
      if (!a->opened_path.empty() && a->opened_path != a->path) {
        path = a->opened_path;
      } else if (!IsFolded(a->path)) {
        row->path = FoldPath(a->path);
        path = row->path;
      }
      const bool folded2 = !IsFolded(a->path2);
      if (folded2) {
        row->path2 = FoldPath(a->path2);
        path2 = row->path2;
      }
      s->BindBytesOrNullRef(k + 1, path);
      s->BindBytesOrNullRef(k + 2, path2);
      s->BindInt(k + 3, a->file_flags);
      s->BindInt(k + 4, a->mode);
      id_or_null(k + 5, a->owner_uid);
      id_or_null(k + 6, a->owner_gid);
      // The spelling, where path is not it (NULL otherwise: FinishRow).
      if (path.data() != a->path.data()) s->BindBytesOrNullRef(k + 7, a->path);
      if (folded2) s->BindBytesOrNullRef(k + 8, a->path2);
      break;
    }
    case EventTable::kNet: {
      const store::NetArgs* a = std::get_if<store::NetArgs>(&e.args);
      static const store::NetArgs empty;
      if (a == nullptr) a = &empty;
      s->BindText(k + 1, FamilyName(a->family));
      if (a->family == 2 || a->family == 10) {
        s->BindText(k + 2, FormatAddress(*a));
        s->BindInt(k + 3, a->port);
      } else {
        s->BindBytesOrNullRef(k + 2, a->sock_path);
      }
      s->BindInt(k + 4, a->sock_fd);
      if (e.op == Op::kListen) s->BindInt(k + 5, a->backlog);
      break;
    }
    case EventTable::kCred:
      if (const auto* a = std::get_if<store::CredArgs>(&e.args)) {
        id_or_null(k + 1, a->id0);
        id_or_null(k + 2, a->id1);
        id_or_null(k + 3, a->id2);
        s->BindInt(k + 4, a->old_uid);
        s->BindInt(k + 5, a->old_euid);
        s->BindInt(k + 6, U64(a->caps));
      } else if (const auto* ctl = std::get_if<store::ControlArgs>(&e.args)) {
        s->BindInt(k + 7, U64(ctl->cmd));
        s->BindInt(k + 8, U64(ctl->arg));
        s->BindBytesOrNullRef(k + 9, ctl->name);
      }
      break;
    case EventTable::kNs: {
      const store::NsArgs* a = std::get_if<store::NsArgs>(&e.args);
      static const store::NsArgs empty;
      if (a == nullptr) a = &empty;
      s->BindInt(k + 1, U64(a->ns_flags));
      s->BindInt(k + 2, a->fd);
      s->BindInt(k + 3, a->ns_cmd);
      s->BindBytesOrNullRef(k + 4, a->source);
      s->BindBytesOrNullRef(k + 5, a->target);
      s->BindBytesOrNullRef(k + 6, a->fs_type);
      s->BindBytesOrNullRef(k + 7, a->key);
      s->BindBytesOrNullRef(k + 8, a->value);
      s->BindInt(k + 9, U64(a->ns_inode));
      break;
    }
    case EventTable::kModule: {
      // By pointer, not ArgsOr's copy: the name is bound without a copy and must outlive Run().
      static const store::ControlArgs kNone;
      const store::ControlArgs* a = std::get_if<store::ControlArgs>(&e.args);
      if (a == nullptr) a = &kNone;
      s->BindInt(k + 1, U64(a->cmd));
      s->BindInt(k + 2, U64(a->arg));
      s->BindBytesOrNullRef(k + 3, a->name);
      break;
    }
    case EventTable::kTarget: {
      auto a = ArgsOr<store::TargetArgs>(e.args);
      s->BindInt(k + 1, a.target_pid);
      if (links.target_process_id != 0) s->BindInt(k + 2, links.target_process_id);
      s->BindInt(k + 3, a.signal);
      s->BindInt(k + 4, U64(a.request));
      s->BindInt(k + 5, U64(a.addr));
      s->BindInt(k + 6, a.given_pid);
      break;
    }
    case EventTable::kMemory: {
      const store::MemoryArgs* a = std::get_if<store::MemoryArgs>(&e.args);
      static const store::MemoryArgs empty;
      if (a == nullptr) a = &empty;
      s->BindInt(k + 1, U64(a->addr));
      s->BindInt(k + 2, U64(a->length));
      s->BindInt(k + 3, a->prot);
      s->BindInt(k + 4, a->mem_flags);
      s->BindInt(k + 5, a->mem_fd);
      s->BindBytesOrNullRef(k + 6, a->mem_name);
      break;
    }
    case EventTable::kSyscall:
      if (const auto* a = std::get_if<store::SyscallArgs>(&e.args)) {
        s->BindInt(k + 1, a->nr);
        s->BindInt(k + 2, U64(a->arg0));
        s->BindInt(k + 3, U64(a->arg1));
        s->BindInt(k + 4, U64(a->arg2));
        s->BindInt(k + 5, U64(a->arg3));
      }
      break;
  }
}

Status RowWriter::BindProcessTime(Statement* s, int index, int64_t unix_ns) {
  if (unix_ns >= 0) {  // the formatter's text is SQLite's strftime || printf one for these
    s->BindText(index, process_utc_.Format(unix_ns));
    return Status::Ok();
  }
  // Before 1970 (a hostile clock pair): SQLite's division truncates toward zero and its printf
  // shows the negative remainder; its own expression keeps the text what it always was.
  Statement* u = &*utc_text_;
  u->BindInt(1, unix_ns);
  Result<bool> row = u->Step();
  if (!row.ok()) return row.status().Annotate("format time");
  if (*row && u->column_type(0) != ColumnType::kNull) s->BindText(index, u->ColumnBytes(0));
  u->Reset();
  return Status::Ok();
}

Status RowWriter::WriteProcess(const ProcessRow& r) {
  Statement* s = &*process_;
  s->BindInt(1, r.id);
  s->BindInt(2, r.host_id);
  s->BindInt(3, r.capture_id);
  s->BindInt(4, r.pid);
  s->BindInt(5, U64(r.start_boot_ns));
  s->BindInt(6, r.ppid);
  if (r.parent_id != 0) s->BindInt(7, r.parent_id);
  if (r.reaper_id != 0) s->BindInt(8, r.reaper_id);
  s->BindText(9, r.origin);
  s->BindInt(10, r.origin == "inferred");
  if (r.start_boot_ns != 0) {
    const int64_t start_ns = U64(r.start_boot_ns) + r.clock_offset_ns;
    s->BindInt(11, start_ns);
    if (process_times_stored_) AMBER_RETURN_IF_ERROR(BindProcessTime(s, 43, start_ns));
  }
  if (r.exited && r.ended_by == "exit") {
    const int64_t exit_ns = U64(r.exit_boot_ns) + r.exit_clock_offset_ns;
    s->BindInt(12, exit_ns);
    if (process_times_stored_) AMBER_RETURN_IF_ERROR(BindProcessTime(s, 44, exit_ns));
    s->BindInt(13, r.exit_code);
    s->BindInt(14, r.exit_signal);
  }
  if (!r.ended_by.empty()) s->BindText(15, r.ended_by);
  if (r.has_clone_flags) s->BindInt(16, U64(r.clone_flags));
  s->BindBytesOrNull(17, r.exe);
  s->BindText(18, JsonStringArray(r.argv));
  s->BindBytes(19, JoinArgv(r.argv, ' ', false));
  s->BindBlob(20, JoinArgv(r.argv, '\0', true));
  s->BindBytesOrNull(21, r.cwd);
  s->BindBytesOrNull(22, r.comm);
  s->BindInt(23, r.exec_count);
  s->BindInt(24, r.uid);
  s->BindInt(25, r.gid);
  s->BindInt(26, r.euid);
  s->BindInt(27, r.egid);
  s->BindInt(28, r.login_uid);
  s->BindInt(29, U64(r.cap_effective));
  s->BindInt(30, U64(r.mnt_ns));
  s->BindInt(31, U64(r.pid_ns));
  s->BindInt(32, U64(r.user_ns));
  s->BindInt(33, U64(r.net_ns));
  s->BindInt(34, U64(r.uts_ns));
  s->BindInt(35, U64(r.ipc_ns));
  s->BindInt(36, U64(r.cgroup_ns));
  s->BindInt(37, U64(r.cgroup_id));
  s->BindBytesOrNull(38, r.cgroup_path);
  if (r.container_id != 0) s->BindInt(39, r.container_id);
  s->BindInt(40, r.kernel_thread);
  s->BindInt(41, U64(r.first_seen_boot_ns) + r.clock_offset_ns);
  s->BindInt(42, U64(r.last_seen_boot_ns) + r.clock_offset_ns);
  AMBER_RETURN_IF_ERROR(s->Run().Annotate("insert process " + std::to_string(r.pid)));
  if (r.restored) return Status::Ok();  // its closure rows came with the earlier load
  Status status;
  r.ForEachAncestor([&](size_t depth, int64_t ancestor) {
    if (!status.ok()) return;
    ancestors_.push_back({r.id, static_cast<int64_t>(depth), ancestor});
    if (ancestors_.size() == kAncestorBatchRows) status = FlushAncestors();
  });
  return status;
}

std::string KeyValuesJson(const store::KeyValues& kvs) {
  std::string out = "{";
  for (size_t i = 0; i < kvs.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(&out, kvs[i].first, false);
    out.push_back(':');
    AppendJsonString(&out, kvs[i].second, false);
  }
  return out + "}";
}

namespace {

std::string MountsJson(const std::vector<store::MountRecord>& mounts) {
  std::string out = "[";
  for (size_t i = 0; i < mounts.size(); ++i) {
    const store::MountRecord& m = mounts[i];
    if (i > 0) out.push_back(',');
    out += "{\"source\":" + JsonString(m.source, false) +
           ",\"destination\":" + JsonString(m.destination, false) +
           ",\"type\":" + JsonString(m.type, false) + ",\"options\":" + JsonStringArray(m.options) +
           "}";
  }
  return out + "]";
}

}  // namespace

Status RowWriter::WriteContainer(const ContainerRow& r) {
  Statement* s = &*container_;
  const store::ContainerRecord& c = r.record;
  s->BindInt(1, r.id);
  s->BindInt(2, r.host_id);
  s->BindBytes(3, c.id);
  s->BindBytesOrNull(4, c.name);
  s->BindBytesOrNull(5, c.image);
  s->BindBytesOrNull(6, c.image_digest);
  s->BindBytesOrNull(7, c.runtime);
  s->BindBytesOrNull(8, c.cgroup_path);
  s->BindText(9, KeyValuesJson(c.labels));
  s->BindText(10, KeyValuesJson(c.annotations));
  s->BindBytesOrNull(11, c.pod_name);
  s->BindBytesOrNull(12, c.pod_namespace);
  s->BindBytesOrNull(13, c.pod_uid);
  if (!r.inferred) s->BindInt(14, c.privileged);
  s->BindText(15, MountsJson(c.mounts));
  s->BindText(16, JsonStringArray(c.capabilities));
  s->BindText(17, KeyValuesJson(c.namespaces));
  if (c.init_pid != 0) s->BindInt(18, c.init_pid);
  s->BindBytesOrNull(19, c.bundle);
  s->BindBytesOrNull(20, c.status);
  s->BindInt(21, r.inferred);
  s->BindInt(22, r.first_seen_ns);
  s->BindInt(23, r.last_seen_ns);
  return s->Run().Annotate("insert container");
}

Status RowWriter::WriteGap(const GapRow& g) {
  Statement* s = &*gap_;
  s->BindInt(1, g.capture_id);
  s->BindText(2, g.kind);
  if (g.cpu) s->BindInt(3, *g.cpu);
  if (g.count) s->BindInt(4, U64(*g.count));
  if (g.first_ns) s->BindInt(5, *g.first_ns);
  if (g.last_ns) s->BindInt(6, *g.last_ns);
  s->BindBytesOrNull(7, g.reason);
  return s->Run().Annotate("insert gap");
}

}  // namespace amber::replay

-- The Amber case database (docs/schema.md describes every table, column, unit and view).
--
-- Embedded into amber-replay at build time (replay/CMakeLists.txt generates schema_sql.h) and run
-- on a new case database. Conventions:
--  * Tables are plural snake_case. `id` is the row's INTEGER PRIMARY KEY; every `<thing>_id`
--    column is an integer reference to `<things>.id` (process_id -> processes.id, container_id ->
--    containers.id, capture_id -> captures.id, host_id -> hosts.id). Ids are assigned in load order,
--    which is deterministic: the same captures give the same ids.
--  * Times: `<x>_ns` is Unix-epoch nanoseconds, UTC (the capture's boot-time clock mapped through
--    its header's clock pair); `<x>` (no suffix) is the same instant as ISO-8601 UTC text with
--    nanoseconds, '2024-05-01T12:00:00.123456789Z'. In the event tables `time`, and processes'
--    start_time and exit_time, are stored (written by the loader: SQLite evaluates even VIRTUAL
--    generated columns on INSERT, which cost 2.5x an event insert and 40 % of a processes insert);
--    in the small tables it is a VIRTUAL generated column.
--    `boot_ns` / `start_boot_ns` keep the raw CLOCK_BOOTTIME value of the recording host.
--  * Byte strings from the host (paths, argv, comm, names) are hostile and stored faithfully: as
--    TEXT when they are valid UTF-8, otherwise as a BLOB of the exact bytes. LIKE and GLOB work on
--    both; `=` against a text literal only matches the TEXT form.
--  * The section after the line '-- @indexes' is run after a bulk load (indexes built once, not
--    maintained row by row); '-- @views' precedes the views.

PRAGMA foreign_keys = OFF;
-- 16 KiB pages (a no-op once the file has tables): bulk inserts and index builds cost 15 to 20 %
-- less CPU than with 4 KiB pages (docs/BENCHMARKS.md, "Replay").
PRAGMA page_size = 16384;

CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS hosts (
  id INTEGER PRIMARY KEY,
  hostname TEXT,
  machine_id TEXT,
  boot_id TEXT,             -- boot-time ns are comparable only within one boot: one row per boot
  kernel_release TEXT,
  kernel_version TEXT,
  arch TEXT,
  cpus INTEGER,
  UNIQUE (machine_id, boot_id, hostname)
);

CREATE TABLE IF NOT EXISTS captures (
  id INTEGER PRIMARY KEY,
  capture_uuid TEXT NOT NULL UNIQUE,   -- hex of the header's 16-byte capture id
  recording_uuid TEXT,                 -- hex; shared by the rotated files of one recording
  file_index INTEGER,                  -- 0, 1, 2... within the recording
  previous_digest TEXT,                -- hex; final digest of the previous file of the recording
  path TEXT,                           -- as given on the command line
  file_size INTEGER,                   -- bytes
  host_id INTEGER NOT NULL,
  recorder_name TEXT,
  recorder_version TEXT,
  options TEXT,                        -- JSON object of the recorder's options
  btf_id TEXT,                         -- hex
  clock_offset_ns INTEGER,             -- realtime - boottime at start: utc_ns = boot_ns + this
  started_ns INTEGER,
  started TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', started_ns / 1000000000, 'unixepoch') || printf('.%09dZ', started_ns % 1000000000)) VIRTUAL,
  stopped_ns INTEGER,                  -- from the footer; NULL without one
  stop_reason TEXT,
  first_ns INTEGER,                    -- first and last event time loaded
  first_time TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', first_ns / 1000000000, 'unixepoch') || printf('.%09dZ', first_ns % 1000000000)) VIRTUAL,
  last_ns INTEGER,
  last_time TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', last_ns / 1000000000, 'unixepoch') || printf('.%09dZ', last_ns % 1000000000)) VIRTUAL,
  verdict TEXT NOT NULL,               -- intact | truncated | tampered | corrupt (from verify)
  first_problem TEXT,                  -- the verifier's first problem, NULL when intact
  forced INTEGER NOT NULL DEFAULT 0,   -- 1 when loaded despite a tampered/corrupt verdict (--force)
  digest TEXT,                         -- hex chain digest after the last good chunk
  chunks INTEGER,                      -- good chunks (verify)
  events INTEGER,                      -- event rows loaded from this capture
  snapshot_processes INTEGER,          -- process records in snapshot chunks
  container_records INTEGER,
  lost_events INTEGER,                 -- events missing: loss records' counts, kernel_path excepted
  load_order INTEGER                   -- position in the load (deterministic)
);

CREATE TABLE IF NOT EXISTS capture_probes (
  capture_id INTEGER NOT NULL,
  name TEXT,
  status TEXT,                         -- attached | unsupported | failed | disabled
  detail TEXT,
  ops TEXT                             -- JSON array of op names the probe provides
);

CREATE TABLE IF NOT EXISTS containers (
  id INTEGER PRIMARY KEY,
  host_id INTEGER NOT NULL,
  runtime_id TEXT NOT NULL,            -- the runtime's container id (64 hex digits for OCI)
  name TEXT,
  image TEXT,
  image_digest TEXT,
  runtime TEXT,
  cgroup_path TEXT,
  labels TEXT,                         -- JSON object
  annotations TEXT,                    -- JSON object
  pod_name TEXT,
  pod_namespace TEXT,
  pod_uid TEXT,
  privileged INTEGER,                  -- 0/1
  mounts TEXT,                         -- JSON array of {source, destination, type, options}
  capabilities TEXT,                   -- JSON array of CAP_* names
  namespaces TEXT,                     -- JSON object type -> path
  init_pid INTEGER,
  bundle TEXT,
  status TEXT,
  inferred INTEGER NOT NULL DEFAULT 0, -- 1: seen only as an event's container id, no metadata record
  first_seen_ns INTEGER,
  first_seen TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', first_seen_ns / 1000000000, 'unixepoch') || printf('.%09dZ', first_seen_ns % 1000000000)) VIRTUAL,
  last_seen_ns INTEGER,
  last_seen TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', last_seen_ns / 1000000000, 'unixepoch') || printf('.%09dZ', last_seen_ns % 1000000000)) VIRTUAL,
  UNIQUE (host_id, runtime_id)
);

-- One row per process incarnation: (host, pid, start_boot_ns) is the key, so a reused pid is a new row.
CREATE TABLE IF NOT EXISTS processes (
  id INTEGER PRIMARY KEY,
  host_id INTEGER NOT NULL,
  capture_id INTEGER NOT NULL,         -- capture where the incarnation was first seen
  pid INTEGER NOT NULL,
  start_boot_ns INTEGER NOT NULL,      -- the kernel's start time (boot ns); 0 when never known
  ppid INTEGER,                        -- parent pid at creation
  parent_id INTEGER,                   -- processes.id of the creating parent incarnation
  reaper_id INTEGER,                   -- processes.id of the adopter after the parent exited (re-parenting)
  origin TEXT NOT NULL,                -- snapshot | fork | inferred (never seen created: first seen by an event)
  inferred INTEGER NOT NULL DEFAULT 0, -- 1 when origin = inferred
  start_ns INTEGER,                    -- UTC ns of start_boot_ns
  start_time TEXT,                     -- start_ns as text, stored (written by the loader)
  exit_ns INTEGER,                     -- NULL while alive at the end of the last capture loaded
  exit_time TEXT,                      -- exit_ns as text, stored (written by the loader)
  exit_code INTEGER,                   -- 0..255
  exit_signal INTEGER,                 -- signal number that killed it, 0 if it exited
  ended_by TEXT,                       -- exit | pid_reuse (a new incarnation took the pid; exit unseen)
  clone_flags INTEGER,                 -- CLONE_* flags of the fork that created it
  exe TEXT,                            -- executable after the last exec (inherited before any exec)
  argv TEXT,                           -- JSON array of strings (invalid UTF-8 as U+FFFD; see argv_raw)
  cmdline TEXT,                        -- arguments joined by one space; TEXT or BLOB (faithful bytes)
  argv_raw BLOB,                       -- exact bytes: each argument followed by one NUL
  cwd TEXT,
  comm TEXT,
  exec_count INTEGER NOT NULL DEFAULT 0,
  uid INTEGER, gid INTEGER, euid INTEGER, egid INTEGER, login_uid INTEGER,
  cap_effective INTEGER,               -- bitmask, bit n = capability n
  mnt_ns INTEGER, pid_ns INTEGER, user_ns INTEGER, net_ns INTEGER, uts_ns INTEGER,
  ipc_ns INTEGER, cgroup_ns INTEGER,   -- namespace inode numbers
  cgroup_id INTEGER,
  cgroup_path TEXT,
  container_id INTEGER,                -- containers.id, NULL on the host
  kernel_thread INTEGER NOT NULL DEFAULT 0,
  first_seen_ns INTEGER,
  last_seen_ns INTEGER
);

-- The ancestry closure: one row per (process, ancestor), depth 0 being the process itself, 1 its
-- parent... following parent_id (the creator), up to depth 256. Written by the loader with each
-- processes row, so ancestry questions are index lookups in both directions (the ancestors of a
-- process; the descendants of an ancestor) instead of a recursive walk of the whole table.
CREATE TABLE IF NOT EXISTS process_ancestors (
  process_id INTEGER NOT NULL,
  depth INTEGER NOT NULL,
  ancestor_id INTEGER NOT NULL,
  PRIMARY KEY (process_id, depth)
) WITHOUT ROWID;

-- Columns common to every event table:
--   id, capture_id, time_ns, time, boot_ns, op (OpName: 'exec', 'memfd_create'...), ret (syscall
--   return: negative errno on failure), process_id, container_id, pid, tid, uid, gid, euid, egid,
--   compat (1 for a 32-bit syscall: int $0x80 or a 32-bit program; NULL in cases loaded before it).

CREATE TABLE IF NOT EXISTS process_events (  -- fork and exit (creation/ending of incarnations)
  id INTEGER PRIMARY KEY, capture_id INTEGER NOT NULL, time_ns INTEGER NOT NULL,
  time TEXT NOT NULL, boot_ns INTEGER NOT NULL, op TEXT NOT NULL, ret INTEGER NOT NULL, process_id INTEGER,
  container_id INTEGER, pid INTEGER, tid INTEGER, uid INTEGER, gid INTEGER, euid INTEGER, egid INTEGER,
  compat INTEGER,                      -- 1: made through the 32-bit (ia32) syscall entry, else 0
  child_pid INTEGER, child_tid INTEGER,
  child_process_id INTEGER,            -- fork of a new process: the child's incarnation
  clone_flags INTEGER,
  thread INTEGER,                      -- fork: 1 when a thread (CLONE_THREAD), not a process
  exit_code INTEGER, exit_signal INTEGER
);

CREATE TABLE IF NOT EXISTS execs (
  id INTEGER PRIMARY KEY, capture_id INTEGER NOT NULL, time_ns INTEGER NOT NULL,
  time TEXT NOT NULL, boot_ns INTEGER NOT NULL, op TEXT NOT NULL, ret INTEGER NOT NULL, process_id INTEGER,
  container_id INTEGER, pid INTEGER, tid INTEGER, uid INTEGER, gid INTEGER, euid INTEGER, egid INTEGER,
  compat INTEGER,                      -- 1: made through the 32-bit (ia32) syscall entry, else 0
  filename TEXT,                       -- path the kernel resolved
  interpreter TEXT,                    -- script interpreter when it differs
  cwd TEXT,
  argv TEXT, cmdline TEXT, argv_raw BLOB,  -- as in processes
  argc INTEGER,                        -- arguments received (may exceed those kept)
  exec_flags INTEGER,                  -- bits: 1 memfd, 2 deleted, 4 setuid, 8 setgid, 16 argv truncated
  memfd INTEGER, deleted INTEGER, setuid INTEGER, setgid INTEGER,  -- 0/1 from exec_flags
  thread_exec INTEGER,                 -- 1: a non-leader thread exec'd (tid != pid at the event)
  previous_exe TEXT,                   -- the process's exe before this exec
  executable TEXT,                     -- the file the kernel loaded, when not filename (docs/schema.md)
  cap_effective INTEGER,               -- effective capabilities after the exec (bit n = capability n)
  exec_index INTEGER                   -- 1 for the first exec of the incarnation, 2...
);

CREATE TABLE IF NOT EXISTS file_events (
  id INTEGER PRIMARY KEY, capture_id INTEGER NOT NULL, time_ns INTEGER NOT NULL,
  time TEXT NOT NULL, boot_ns INTEGER NOT NULL, op TEXT NOT NULL, ret INTEGER NOT NULL, process_id INTEGER,
  container_id INTEGER, pid INTEGER, tid INTEGER, uid INTEGER, gid INTEGER, euid INTEGER, egid INTEGER,
  compat INTEGER,                      -- 1: made through the 32-bit (ia32) syscall entry, else 0
  path TEXT,                           -- the file: for an open the recorder saw succeed for write
                                       -- or of a sensitive file, the file opened; else the path
                                       -- given, '//' and '/./' folded (docs/schema.md)
  path2 TEXT,                          -- rename/link destination, symlink target (folded)
  flags INTEGER,                       -- O_* for open; AT_* for the others
  mode INTEGER,
  owner_uid INTEGER, owner_gid INTEGER, -- chown; NULL when unchanged
  given_path TEXT,                     -- the path exactly as the caller spelled it, when not `path`
  given_path2 TEXT                     -- the same for path2
);

CREATE TABLE IF NOT EXISTS net_events (
  id INTEGER PRIMARY KEY, capture_id INTEGER NOT NULL, time_ns INTEGER NOT NULL,
  time TEXT NOT NULL, boot_ns INTEGER NOT NULL, op TEXT NOT NULL, ret INTEGER NOT NULL, process_id INTEGER,
  container_id INTEGER, pid INTEGER, tid INTEGER, uid INTEGER, gid INTEGER, euid INTEGER, egid INTEGER,
  compat INTEGER,                      -- 1: made through the 32-bit (ia32) syscall entry, else 0
  family TEXT,                         -- inet | inet6 | unix | af_<n>
  address TEXT,                        -- '10.0.0.1', '2001:db8::1', or the unix socket path
  port INTEGER,                        -- host byte order
  fd INTEGER,
  backlog INTEGER
);

CREATE TABLE IF NOT EXISTS cred_events (  -- set*id, setgroups, capset, cred_change, prctl, personality
  id INTEGER PRIMARY KEY, capture_id INTEGER NOT NULL, time_ns INTEGER NOT NULL,
  time TEXT NOT NULL, boot_ns INTEGER NOT NULL, op TEXT NOT NULL, ret INTEGER NOT NULL, process_id INTEGER,
  container_id INTEGER, pid INTEGER, tid INTEGER, uid INTEGER, gid INTEGER, euid INTEGER, egid INTEGER,
  compat INTEGER,                      -- 1: made through the 32-bit (ia32) syscall entry, else 0
  id0 INTEGER, id1 INTEGER, id2 INTEGER, -- ids asked for, argument order; NULL = unchanged (-1)
  old_uid INTEGER, old_euid INTEGER,
  caps INTEGER,                        -- capset: effective asked for; cred_change: effective after
  cmd INTEGER, arg INTEGER, name TEXT  -- prctl option/arg2/name, personality value
);

CREATE TABLE IF NOT EXISTS ns_events (  -- unshare, setns, mount family, pivot_root, chroot
  id INTEGER PRIMARY KEY, capture_id INTEGER NOT NULL, time_ns INTEGER NOT NULL,
  time TEXT NOT NULL, boot_ns INTEGER NOT NULL, op TEXT NOT NULL, ret INTEGER NOT NULL, process_id INTEGER,
  container_id INTEGER, pid INTEGER, tid INTEGER, uid INTEGER, gid INTEGER, euid INTEGER, egid INTEGER,
  compat INTEGER,                      -- 1: made through the 32-bit (ia32) syscall entry, else 0
  ns_flags INTEGER,                    -- CLONE_NEW* (unshare/setns) or mount flags
  fd INTEGER,
  ns_cmd INTEGER,                      -- fsconfig command
  source TEXT, target TEXT, fs_type TEXT, key TEXT, value TEXT,
  ns_inode INTEGER                     -- setns: namespace entered
);

CREATE TABLE IF NOT EXISTS module_events (  -- init/finit/delete_module, bpf, kexec, keyctl, userfaultfd, add_key
  id INTEGER PRIMARY KEY, capture_id INTEGER NOT NULL, time_ns INTEGER NOT NULL,
  time TEXT NOT NULL, boot_ns INTEGER NOT NULL, op TEXT NOT NULL, ret INTEGER NOT NULL, process_id INTEGER,
  container_id INTEGER, pid INTEGER, tid INTEGER, uid INTEGER, gid INTEGER, euid INTEGER, egid INTEGER,
  compat INTEGER,                      -- 1: made through the 32-bit (ia32) syscall entry, else 0
  cmd INTEGER,                         -- bpf command, keyctl command, kexec flags...
  arg INTEGER,                         -- bpf prog/map type, module image length...
  name TEXT                            -- module name or path, bpf object name, key type
);

CREATE TABLE IF NOT EXISTS target_events (  -- ptrace, process_vm_*, kill family, pidfd_*
  id INTEGER PRIMARY KEY, capture_id INTEGER NOT NULL, time_ns INTEGER NOT NULL,
  time TEXT NOT NULL, boot_ns INTEGER NOT NULL, op TEXT NOT NULL, ret INTEGER NOT NULL, process_id INTEGER,
  container_id INTEGER, pid INTEGER, tid INTEGER, uid INTEGER, gid INTEGER, euid INTEGER, egid INTEGER,
  compat INTEGER,                      -- 1: made through the 32-bit (ia32) syscall entry, else 0
  target_pid INTEGER,
  target_process_id INTEGER,           -- the incarnation live with that pid at the time, if known
  signal INTEGER,
  request INTEGER,                     -- ptrace request; bytes for process_vm_*
  addr INTEGER,
  given_pid INTEGER                    -- the pid argument as the caller passed it, in its own pid
                                       -- namespace (0 for pidfd_*; NULL in cases loaded before it)
);

CREATE TABLE IF NOT EXISTS memory_events (  -- memfd_create, mprotect, mmap
  id INTEGER PRIMARY KEY, capture_id INTEGER NOT NULL, time_ns INTEGER NOT NULL,
  time TEXT NOT NULL, boot_ns INTEGER NOT NULL, op TEXT NOT NULL, ret INTEGER NOT NULL, process_id INTEGER,
  container_id INTEGER, pid INTEGER, tid INTEGER, uid INTEGER, gid INTEGER, euid INTEGER, egid INTEGER,
  compat INTEGER,                      -- 1: made through the 32-bit (ia32) syscall entry, else 0
  addr INTEGER, length INTEGER,        -- bytes
  prot INTEGER,                        -- PROT_* bits
  flags INTEGER,                       -- MAP_* or MFD_*
  fd INTEGER,
  name TEXT                            -- memfd name
);

CREATE TABLE IF NOT EXISTS syscall_events (  -- any other syscall, and ops this build does not know
  id INTEGER PRIMARY KEY, capture_id INTEGER NOT NULL, time_ns INTEGER NOT NULL,
  time TEXT NOT NULL, boot_ns INTEGER NOT NULL, op TEXT NOT NULL, ret INTEGER NOT NULL, process_id INTEGER,
  container_id INTEGER, pid INTEGER, tid INTEGER, uid INTEGER, gid INTEGER, euid INTEGER, egid INTEGER,
  compat INTEGER,                      -- 1: made through the 32-bit (ia32) syscall entry, else 0
  nr INTEGER,                          -- x86-64 syscall number; NULL for an unknown op
  arg0 INTEGER, arg1 INTEGER, arg2 INTEGER, arg3 INTEGER
);

-- Where evidence is missing: loss records, and captures cut short or damaged.
CREATE TABLE IF NOT EXISTS gaps (
  id INTEGER PRIMARY KEY,
  capture_id INTEGER NOT NULL,
  kind TEXT NOT NULL,                  -- ring_buffer | user_space | writer | kernel_path | truncated | corrupt | tampered | chain | missing_file
  cpu INTEGER,                         -- NULL when not tied to one CPU
  count INTEGER,                       -- events lost; NULL when unknown (a cut file)
  first_ns INTEGER,                    -- the window; a truncation's last_ns is NULL (unknown end)
  first_time TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', first_ns / 1000000000, 'unixepoch') || printf('.%09dZ', first_ns % 1000000000)) VIRTUAL,
  last_ns INTEGER,
  last_time TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', last_ns / 1000000000, 'unixepoch') || printf('.%09dZ', last_ns % 1000000000)) VIRTUAL,
  reason TEXT
);

-- Filled by the detection engine (amber-replay detect); empty after load.
CREATE TABLE IF NOT EXISTS alerts (
  id INTEGER PRIMARY KEY,
  rule_id TEXT NOT NULL,               -- 'AMB-PROC-001'
  title TEXT,
  severity TEXT,                       -- info | low | medium | high | critical
  technique TEXT,                      -- MITRE ATT&CK id, 'T1055'
  time_ns INTEGER,
  time TEXT GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%S', time_ns / 1000000000, 'unixepoch') || printf('.%09dZ', time_ns % 1000000000)) VIRTUAL,
  host_id INTEGER,
  process_id INTEGER,
  container_id INTEGER,
  event_table TEXT,                    -- the table of the triggering event, when one
  event_id INTEGER,
  message TEXT,
  evidence TEXT                        -- JSON object
);

-- Filled by the detection engine with alerts: one row per piece of evidence of an alert (the
-- events of alerts.evidence as rows, for joins). event_table is an event table, processes or
-- containers; event_id its id.
CREATE TABLE IF NOT EXISTS alert_evidence (
  alert_id INTEGER NOT NULL,
  event_table TEXT NOT NULL,
  event_id INTEGER NOT NULL
);

-- @views

-- Every incarnation with each of its ancestors (depth 0 = itself, 1 = parent...). Follows
-- parent_id (the creator), not reaper_id. Over the process_ancestors closure: a filter on
-- process_id or ancestor_id is an index lookup.
CREATE VIEW IF NOT EXISTS process_ancestry AS
SELECT c.process_id, c.ancestor_id, c.depth, a.pid AS ancestor_pid, a.exe AS ancestor_exe,
       a.cmdline AS ancestor_cmdline, a.start_ns AS ancestor_start_ns
FROM process_ancestors c JOIN processes a ON a.id = c.ancestor_id;

-- Each incarnation with its parent's identity and its depth in the tree (roots at 0).
CREATE VIEW IF NOT EXISTS process_tree AS
WITH RECURSIVE tree(id, depth, root_id, path) AS (
  SELECT id, 0, id, printf('%012d', id) FROM processes
  WHERE parent_id IS NULL OR parent_id NOT IN (SELECT id FROM processes)
  UNION ALL
  SELECT p.id, t.depth + 1, t.root_id, t.path || '/' || printf('%012d', p.id)
  FROM processes p JOIN tree t ON p.parent_id = t.id
  WHERE t.depth < 256
)
SELECT t.depth, t.root_id, t.path AS sort_key, p.id AS process_id, p.parent_id, p.host_id, p.pid,
       p.ppid, p.container_id, p.exe, p.cmdline, p.start_ns, p.start_time, p.exit_ns, p.exit_time,
       p.exit_code, p.exit_signal, p.origin
FROM tree t JOIN processes p ON p.id = t.id;

-- Every event, in time order (ORDER BY time_ns, kind, id for a total order), with a summary.
CREATE VIEW IF NOT EXISTS timeline AS
SELECT * FROM (
  SELECT time_ns, time, 'process' AS kind, id AS event_id, capture_id, op, ret, process_id,
         container_id, pid, tid, uid, euid,
         CASE op WHEN 'fork' THEN printf('%s %d', CASE thread WHEN 1 THEN 'thread' ELSE 'fork' END, child_pid)
                 ELSE printf('exit code=%d signal=%d', exit_code, exit_signal) END AS summary
  FROM process_events
  UNION ALL
  SELECT time_ns, time, 'exec', id, capture_id, op, ret, process_id, container_id, pid, tid, uid, euid,
         'exec ' || coalesce(filename, '') || ' ' || coalesce(argv, '')
  FROM execs
  UNION ALL
  SELECT time_ns, time, 'file', id, capture_id, op, ret, process_id, container_id, pid, tid, uid, euid,
         op || ' ' || coalesce(path, '') || coalesce(' -> ' || path2, '')
  FROM file_events
  UNION ALL
  SELECT time_ns, time, 'net', id, capture_id, op, ret, process_id, container_id, pid, tid, uid, euid,
         op || ' ' || coalesce(family, '') || ' ' || coalesce(address, '') || coalesce(':' || port, '')
  FROM net_events
  UNION ALL
  SELECT time_ns, time, 'cred', id, capture_id, op, ret, process_id, container_id, pid, tid, uid, euid,
         op || coalesce(' ' || id0, '') || coalesce(' ' || id1, '') || coalesce(' ' || id2, '') ||
         coalesce(' name=' || name, '')
  FROM cred_events
  UNION ALL
  SELECT time_ns, time, 'ns', id, capture_id, op, ret, process_id, container_id, pid, tid, uid, euid,
         op || coalesce(' ' || source, '') || coalesce(' ' || target, '') ||
         coalesce(' type=' || fs_type, '') || printf(' flags=0x%x', ns_flags)
  FROM ns_events
  UNION ALL
  SELECT time_ns, time, 'module', id, capture_id, op, ret, process_id, container_id, pid, tid, uid, euid,
         op || coalesce(' ' || name, '') || printf(' cmd=%d', cmd)
  FROM module_events
  UNION ALL
  SELECT time_ns, time, 'target', id, capture_id, op, ret, process_id, container_id, pid, tid, uid, euid,
         op || printf(' pid=%d', target_pid)
            || CASE WHEN given_pid AND given_pid != target_pid THEN printf(' asked=%d', given_pid) ELSE '' END
            || CASE WHEN signal THEN printf(' signal=%d', signal) ELSE '' END
  FROM target_events
  UNION ALL
  SELECT time_ns, time, 'memory', id, capture_id, op, ret, process_id, container_id, pid, tid, uid, euid,
         op || coalesce(' ' || name, '') || printf(' len=%d prot=0x%x', length, prot)
  FROM memory_events
  UNION ALL
  SELECT time_ns, time, 'syscall', id, capture_id, op, ret, process_id, container_id, pid, tid, uid, euid,
         op || coalesce(printf(' nr=%d', nr), '')
  FROM syscall_events
  UNION ALL
  SELECT first_ns, first_time, 'gap', id, capture_id, kind, 0, NULL, NULL, NULL, NULL, NULL, NULL,
         'gap ' || kind || coalesce(printf(' %d events lost', count), '') || coalesce(' ' || reason, '')
  FROM gaps
)
ORDER BY time_ns, kind, event_id;

-- @indexes
-- Only what rules, views and the CLI look up (docs/schema.md, "Indexes"). file_events and
-- memory_events, the two largest tables, have no process_id index: no rule starts from a process
-- to find its opens or mappings, and that index was 30 % of the build. A process's rows are found
-- through the time index: time_ns BETWEEN its start_ns and coalesce(exit_ns, ...) AND process_id = ?.

CREATE INDEX IF NOT EXISTS processes_key ON processes(host_id, pid, start_boot_ns);
CREATE INDEX IF NOT EXISTS processes_parent ON processes(parent_id);
CREATE INDEX IF NOT EXISTS processes_container ON processes(container_id);
CREATE INDEX IF NOT EXISTS process_ancestors_ancestor ON process_ancestors(ancestor_id);
CREATE INDEX IF NOT EXISTS process_events_process ON process_events(process_id);
CREATE INDEX IF NOT EXISTS process_events_time ON process_events(time_ns);
CREATE INDEX IF NOT EXISTS execs_process ON execs(process_id, time_ns);
CREATE INDEX IF NOT EXISTS execs_time ON execs(time_ns);
CREATE INDEX IF NOT EXISTS file_events_time ON file_events(time_ns);
CREATE INDEX IF NOT EXISTS file_events_path ON file_events(path);
CREATE INDEX IF NOT EXISTS net_events_process ON net_events(process_id, time_ns);
CREATE INDEX IF NOT EXISTS net_events_time ON net_events(time_ns);
CREATE INDEX IF NOT EXISTS cred_events_process ON cred_events(process_id);
CREATE INDEX IF NOT EXISTS cred_events_time ON cred_events(time_ns);
CREATE INDEX IF NOT EXISTS ns_events_process ON ns_events(process_id);
CREATE INDEX IF NOT EXISTS ns_events_time ON ns_events(time_ns);
CREATE INDEX IF NOT EXISTS module_events_process ON module_events(process_id);
CREATE INDEX IF NOT EXISTS module_events_time ON module_events(time_ns);
CREATE INDEX IF NOT EXISTS target_events_process ON target_events(process_id);
CREATE INDEX IF NOT EXISTS target_events_target ON target_events(target_process_id);
CREATE INDEX IF NOT EXISTS target_events_time ON target_events(time_ns);
CREATE INDEX IF NOT EXISTS memory_events_time ON memory_events(time_ns);
CREATE INDEX IF NOT EXISTS syscall_events_process ON syscall_events(process_id);
CREATE INDEX IF NOT EXISTS syscall_events_time ON syscall_events(time_ns);
CREATE INDEX IF NOT EXISTS gaps_capture ON gaps(capture_id);
CREATE INDEX IF NOT EXISTS alerts_rule ON alerts(rule_id);
CREATE INDEX IF NOT EXISTS alert_evidence_alert ON alert_evidence(alert_id);

-- id: AMB-INJ-003
-- title: /proc/PID/mem opened for writing
-- severity: high
-- mitre: T1055.009
-- description: An open for writing of /proc/<pid>/mem or /proc/self/mem (attempts included).
-- why: Writing /proc/PID/mem patches another process's code or data in place (and /proc/self/mem
--   writes ignore page protections: the Dirty COW era technique to patch read-only mappings).
-- false_positives: Debuggers (gdb writes breakpoints through /proc/PID/mem), some JIT runtimes
--   writing /proc/self/mem.
SELECT f.time_ns, f.process_id, f.container_id,
       printf('%s opened %s for writing%s', coalesce(exe_at(f.process_id, f.time_ns), '?'), f.path,
              CASE WHEN f.ret < 0 THEN printf(' (attempt, failed with %d)', f.ret) ELSE '' END) AS message,
       json_array('file_events:' || f.id) AS evidence,
       CASE WHEN basename(exe_at(f.process_id, f.time_ns)) IN ('gdb', 'lldb')
            THEN 'low' ELSE 'high' END AS severity
FROM file_events f
WHERE f.op = 'open' AND ((f.flags & 3) != 0)
  AND (f.path GLOB '/proc/[0-9]*/mem' OR f.path = '/proc/self/mem'
       OR f.path GLOB '/proc/[0-9]*/task/[0-9]*/mem')

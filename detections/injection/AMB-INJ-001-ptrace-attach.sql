-- id: AMB-INJ-001
-- title: ptrace attach to another process
-- severity: medium
-- mitre: T1055.008
-- description: ptrace PTRACE_ATTACH (16), PTRACE_SEIZE (0x4206) or PTRACE_POKETEXT/POKEDATA
--   (4, 5) on a process that is not the tracer's own child. High when the target runs as another
--   user or is pid 1, or when the tracer is not a debugger.
-- why: Attaching to a running process lets the tracer read its memory (credentials, keys) and
--   inject code into it: a classic way to hijack sshd, a shell of root, or a process of another
--   container sharing the pid namespace.
-- false_positives: gdb, strace, ltrace, perf and crash reporters run by developers and
--   administrators on their own processes.
SELECT t.time_ns, t.process_id, t.container_id,
       printf('%s (uid %d) ptrace request %d on pid %d (%s, uid %s)%s', coalesce(exe_at(t.process_id, t.time_ns), '?'), t.uid,
              t.request, t.target_pid, coalesce(exe_at(tp.id, t.time_ns), '?'), coalesce(tp.uid, '?'),
              CASE WHEN t.ret < 0 THEN printf(': attempt, failed with %d', t.ret) ELSE '' END) AS message,
       json_array('target_events:' || t.id) AS evidence,
       CASE WHEN t.target_pid = 1 OR coalesce(tp.uid, -1) <> t.uid
              OR coalesce(basename(exe_at(t.process_id, t.time_ns)), '') NOT IN
                 ('gdb', 'strace', 'ltrace', 'perf', 'lldb', 'crash') THEN 'high'
            ELSE 'medium' END AS severity
FROM target_events t
LEFT JOIN processes p ON p.id = t.process_id
LEFT JOIN processes tp ON tp.id = t.target_process_id
WHERE t.op = 'ptrace' AND t.request IN (16, 16902, 4, 5)
  AND (tp.id IS NULL OR tp.parent_id IS NOT t.process_id)

-- id: AMB-INJ-002
-- title: process_vm_writev into another process
-- severity: high
-- mitre: T1055
-- description: A process_vm_writev call writing into another process's memory (attempts included).
-- why: process_vm_writev writes directly into another address space without ptrace stops: code
--   injection that leaves no trace in the target's syscalls. Almost nothing legitimate uses it
--   (MPI shared-memory transports are the exception).
-- false_positives: MPI implementations (Open MPI's CMA transport), some debuggers.
SELECT t.time_ns, t.process_id, t.container_id,
       printf('%s wrote %d bytes into pid %d (%s) with process_vm_writev%s', coalesce(exe_at(t.process_id, t.time_ns), '?'),
              coalesce(t.request, 0), t.target_pid, coalesce(exe_at(tp.id, t.time_ns), '?'),
              CASE WHEN t.ret < 0 THEN printf(': attempt, failed with %d', t.ret) ELSE '' END) AS message,
       json_array('target_events:' || t.id) AS evidence
FROM target_events t
LEFT JOIN processes p ON p.id = t.process_id
LEFT JOIN processes tp ON tp.id = t.target_process_id
WHERE t.op = 'process_vm_writev' AND t.target_pid <> t.pid

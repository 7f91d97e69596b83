-- id: AMB-DEF-003
-- title: 32-bit syscalls (int $0x80) made
-- severity: medium
-- mitre: T1106, T1562.001
-- description: A process made syscalls through the 32-bit (ia32) entry: `int $0x80` from 64-bit
--   code, or a 32-bit program (the event tables' `compat` column). One alert per process, at its
--   first such syscall, with how many the capture holds and which operations; high when one of them
--   changes credentials, namespaces or mounts, loads kernel code or acts on another process.
-- why: 64-bit Linux keeps the i386 syscall table for old programs, and few hosts still run any. An
--   intruder's payload uses it to slip past seccomp filters and audit rules written for the x86-64
--   numbers only; shellcode often still issues int $0x80.
-- false_positives: 32-bit programs in use (multiarch packages, Wine, old proprietary tools, 32-bit
--   container images). Allow-list them by executable.
WITH compat AS (
  SELECT 'process_events' AS event_table, id, time_ns, process_id, container_id, op FROM process_events WHERE compat = 1
  UNION ALL SELECT 'execs' AS event_table, id, time_ns, process_id, container_id, op FROM execs WHERE compat = 1
  UNION ALL SELECT 'file_events' AS event_table, id, time_ns, process_id, container_id, op FROM file_events WHERE compat = 1
  UNION ALL SELECT 'net_events' AS event_table, id, time_ns, process_id, container_id, op FROM net_events WHERE compat = 1
  UNION ALL SELECT 'cred_events' AS event_table, id, time_ns, process_id, container_id, op FROM cred_events WHERE compat = 1
  UNION ALL SELECT 'ns_events' AS event_table, id, time_ns, process_id, container_id, op FROM ns_events WHERE compat = 1
  UNION ALL SELECT 'module_events' AS event_table, id, time_ns, process_id, container_id, op FROM module_events WHERE compat = 1
  UNION ALL SELECT 'target_events' AS event_table, id, time_ns, process_id, container_id, op FROM target_events WHERE compat = 1
  UNION ALL SELECT 'memory_events' AS event_table, id, time_ns, process_id, container_id, op FROM memory_events WHERE compat = 1
  UNION ALL SELECT 'syscall_events' AS event_table, id, time_ns, process_id, container_id, op FROM syscall_events WHERE compat = 1
),
ranked AS (
  SELECT c.*, row_number() OVER (PARTITION BY c.process_id ORDER BY c.time_ns, c.event_table, c.id) AS nth,
         count(*) OVER (PARTITION BY c.process_id) AS n
  FROM compat c
)
SELECT r.time_ns, r.process_id, r.container_id,
       printf('%s: %d event(s) through the 32-bit syscall entry (int $0x80 or a 32-bit program): %s',
              coalesce(exe_at(r.process_id, r.time_ns), '?'), r.n,
              (SELECT group_concat(op, ', ') FROM
                 (SELECT DISTINCT c2.op FROM compat c2 WHERE c2.process_id IS r.process_id ORDER BY c2.op))) AS message,
       json_array(r.event_table || ':' || r.id) AS evidence,
       CASE WHEN EXISTS (SELECT 1 FROM compat c3 WHERE c3.process_id IS r.process_id AND c3.op IN
              ('setuid', 'setreuid', 'setresuid', 'setfsuid', 'setgid', 'setregid', 'setresgid',
               'setfsgid', 'setgroups', 'capset', 'unshare', 'setns', 'mount', 'umount', 'pivot_root',
               'chroot', 'init_module', 'finit_module', 'bpf', 'kexec_load', 'ptrace',
               'process_vm_writev', 'process_vm_readv'))
            THEN 'high' ELSE 'medium' END AS severity
FROM ranked r
WHERE r.nth = 1

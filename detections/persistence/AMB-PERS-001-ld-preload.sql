-- id: AMB-PERS-001
-- title: Dynamic linker hijack (/etc/ld.so.preload or LD_PRELOAD)
-- severity: high
-- mitre: T1574.006
-- description: A write, rename onto, or removal of /etc/ld.so.preload, or an exec whose arguments
--   set LD_PRELOAD (env LD_PRELOAD=... cmd). The recorder does not keep environments, so a
--   LD_PRELOAD exported by a shell is not seen.
-- why: ld.so.preload loads a library into every dynamically linked program on the host: userland
--   rootkits (Azazel, Jynx, libprocesshider) hide files and processes and steal credentials this
--   way.
-- false_positives: Some security agents and memory allocators installed system-wide (rare);
--   developers using LD_PRELOAD for debugging.
SELECT f.time_ns, f.process_id, f.container_id,
       printf('%s %s /etc/ld.so.preload', coalesce(exe_at(f.process_id, f.time_ns), '?'),
              CASE f.op WHEN 'open' THEN 'wrote' WHEN 'rename' THEN 'renamed a file onto' ELSE f.op || ' on' END) AS message,
       json_array('file_events:' || f.id) AS evidence
FROM file_events f
WHERE f.ret >= 0
  AND ((f.op = 'open' AND ((f.flags & 3) != 0 OR (f.flags & 512) != 0) AND f.path = '/etc/ld.so.preload')
       OR (f.op = 'rename' AND f.path2 = '/etc/ld.so.preload')
       OR (f.op IN ('unlink', 'symlink', 'link', 'truncate') AND f.path = '/etc/ld.so.preload'))
UNION ALL
SELECT e.time_ns, e.process_id, e.container_id,
       printf('exec with LD_PRELOAD in its arguments: %s', e.cmdline) AS message,
       json_array('execs:' || e.id) AS evidence
FROM execs e
WHERE e.ret >= 0 AND (e.cmdline LIKE '%LD_PRELOAD=%' OR e.cmdline LIKE '%LD_AUDIT=%')

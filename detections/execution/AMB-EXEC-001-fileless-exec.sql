-- id: AMB-EXEC-001
-- title: Fileless execution (memfd or deleted file)
-- severity: high
-- mitre: T1620, T1027.004
-- description: An exec whose image is a memfd (memfd_create then execveat/fexecve) or a file that
--   was deleted (the recorder flags both), or whose path is /proc/self/fd/N or /memfd:.
-- why: Running a program that exists on no filesystem hides it from disk scanners and leaves
--   nothing to collect: droppers and in-memory implants (e.g. Sliver, Mirai variants) do this.
-- false_positives: runc re-executes itself from a memfd (CVE-2019-5736 fix: /memfd:runc_cloned),
--   excluded; some self-updating programs delete their old binary while running.
SELECT e.time_ns, e.process_id, e.container_id,
       printf('exec of %s %s (%s)', e.filename,
              CASE WHEN e.memfd = 1 OR e.filename LIKE '/memfd:%' THEN 'from a memfd' ELSE 'from a deleted file' END,
              coalesce(e.cmdline, '')) AS message,
       json_array('execs:' || e.id) AS evidence
FROM execs e
WHERE e.ret >= 0
  AND (e.memfd = 1 OR e.deleted = 1 OR e.filename LIKE '/memfd:%' OR e.filename GLOB '/proc/self/fd/*'
       OR e.filename GLOB '/dev/fd/*')
  AND e.filename NOT LIKE '/memfd:runc_cloned%'

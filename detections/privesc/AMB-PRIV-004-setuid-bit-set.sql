-- id: AMB-PRIV-004
-- title: Setuid bit set on a file
-- severity: medium
-- mitre: T1548.001
-- description: chmod (or fchmodat) with S_ISUID (04000) in the new mode. High when the file is a
--   shell or lies in a writable scratch directory (/tmp, /dev/shm, /var/tmp, a home).
-- why: A setuid-root copy of a shell or a dropped binary is the classic persistence and escalation
--   backdoor: any user who runs it becomes root.
-- false_positives: Package managers installing setuid programs (dpkg, rpm: reported as low),
--   administrators fixing permissions of known setuid tools.
SELECT f.time_ns, f.process_id, f.container_id,
       printf('%s set the setuid bit on %s (mode %o)%s', coalesce(exe_at(f.process_id, f.time_ns), '?'), f.path, f.mode,
              CASE WHEN f.ret < 0 THEN ' (failed)' ELSE '' END) AS message,
       json_array('file_events:' || f.id) AS evidence,
       CASE
         WHEN basename(exe_at(f.process_id, f.time_ns)) IN ('dpkg', 'rpm', 'apk') THEN 'low'
         WHEN f.path GLOB '/tmp/*' OR f.path GLOB '/dev/shm/*' OR f.path GLOB '/var/tmp/*'
           OR f.path GLOB '/home/*' OR basename(f.path)
              IN ('sh', 'bash', 'dash', 'zsh', 'ash', 'busybox') THEN 'high'
         ELSE 'medium' END AS severity
FROM file_events f
WHERE f.op = 'chmod' AND (f.mode & 2048) != 0

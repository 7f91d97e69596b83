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
       printf('%s set the setuid bit on %s (mode %o)%s', coalesce((SELECT x.filename FROM execs x WHERE x.process_id = f.process_id AND x.ret >= 0
                        AND x.time_ns <= f.time_ns ORDER BY x.time_ns DESC, x.id DESC LIMIT 1), p.exe, '?'), f.path, f.mode,
              CASE WHEN f.ret < 0 THEN ' (failed)' ELSE '' END) AS message,
       json_array('file_events:' || f.id) AS evidence,
       CASE
         WHEN replace(p.exe, rtrim(p.exe, replace(p.exe, '/', '')), '') IN ('dpkg', 'rpm', 'apk') THEN 'low'
         WHEN f.path GLOB '/tmp/*' OR f.path GLOB '/dev/shm/*' OR f.path GLOB '/var/tmp/*'
           OR f.path GLOB '/home/*' OR replace(f.path, rtrim(f.path, replace(f.path, '/', '')), '')
              IN ('sh', 'bash', 'dash', 'zsh', 'ash', 'busybox') THEN 'high'
         ELSE 'medium' END AS severity
FROM file_events f LEFT JOIN processes p ON p.id = f.process_id
WHERE f.op = 'chmod' AND (f.mode & 2048) != 0

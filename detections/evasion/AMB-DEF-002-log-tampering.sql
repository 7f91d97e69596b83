-- id: AMB-DEF-002
-- title: System logs deleted or truncated
-- severity: medium
-- mitre: T1070.002
-- description: Removal or truncation (open with O_TRUNC, truncate) of files under /var/log,
--   including the login records wtmp, btmp and lastlog, by a program other than logrotate,
--   journald or rsyslogd (those are reported as low). High for the login records.
-- why: Wiping auth.log, wtmp or the journal removes the record of an intrusion; utmp/wtmp editors
--   are part of every Linux rootkit kit.
-- false_positives: logrotate (excluded), administrators freeing disk space.
SELECT f.time_ns, f.process_id, f.container_id,
       printf('%s %s %s', coalesce(exe_at(f.process_id, f.time_ns), '?'),
              CASE f.op WHEN 'open' THEN 'truncated' WHEN 'truncate' THEN 'truncated' WHEN 'unlink' THEN 'removed' ELSE f.op END, f.path) AS message,
       json_array('file_events:' || f.id) AS evidence,
       CASE WHEN coalesce(basename(exe_at(f.process_id, f.time_ns)), '') IN
                 ('logrotate', 'systemd-journald', 'rsyslogd', 'syslog-ng', 'journalctl', 'savelog')
              THEN 'low'
            WHEN f.path IN ('/var/log/wtmp', '/var/log/btmp', '/var/log/lastlog', '/var/run/utmp',
                            '/run/utmp') THEN 'high'
            ELSE 'medium' END AS severity
FROM file_events f
WHERE f.ret >= 0
  AND ((f.op = 'open' AND (f.flags & 512) != 0) OR f.op IN ('unlink', 'truncate'))
  AND (f.path GLOB '/var/log/*' OR f.path IN ('/var/run/utmp', '/run/utmp'))

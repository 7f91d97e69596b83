-- id: AMB-CRED-001
-- title: sudoers changed
-- severity: high
-- mitre: T1548.003
-- description: A write, rename onto, removal or permission change of /etc/sudoers or a file under /etc/sudoers.d. Package managers are reported as low; visudo is reported at full severity (it is how an intruder with root would do it too).
-- why: A sudoers line such as 'user ALL=(ALL) NOPASSWD: ALL' gives a foothold account root at will, and survives password changes.
-- false_positives: Administrators and configuration management granting sudo rights; package installs adding sudoers.d files.
SELECT f.time_ns, f.process_id, f.container_id,
       printf('%s %s %s%s', coalesce(exe_at(f.process_id, f.time_ns), '?'),
              CASE f.op WHEN 'open' THEN 'wrote' WHEN 'rename' THEN 'renamed onto' ELSE f.op END,
              CASE WHEN f.op = 'rename' THEN f.path2 ELSE f.path END,
              CASE WHEN f.ret < 0 THEN printf(' (attempt, failed with %d)', f.ret) ELSE '' END) AS message,
       json_array('file_events:' || f.id) AS evidence,
       CASE WHEN f.ret < 0 THEN 'low'
            WHEN coalesce(basename(exe_at(f.process_id, f.time_ns)), '') IN ('dpkg', 'rpm', 'apk', 'yum', 'dnf', 'apt', 'apt-get', 'unattended-upgrade', 'packagekitd') THEN 'low'
            ELSE 'high' END AS severity
FROM file_events f
WHERE ((f.op = 'open' AND ((f.flags & 3) != 0 OR (f.flags & 512) != 0))
       OR f.op IN ('unlink', 'truncate', 'chmod', 'chown', 'symlink', 'link', 'rename'))
  AND (coalesce(nullif(f.path2, ''), f.path) = '/etc/sudoers' OR coalesce(nullif(f.path2, ''), f.path) GLOB '/etc/sudoers.d/*')
  -- removing what is not there changes nothing (rm -f; crond's look for cron.update each minute)
  AND NOT (f.op = 'unlink' AND f.ret = -2)

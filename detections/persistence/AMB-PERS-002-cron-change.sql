-- id: AMB-PERS-002
-- title: Cron configuration changed
-- severity: medium
-- mitre: T1053.003
-- description: A write, rename onto, removal or permission change of /etc/crontab, /etc/cron.d, /etc/cron.{hourly,daily,weekly,monthly}, /etc/anacrontab or a user crontab under /var/spool/cron. Package managers are reported as low.
-- why: A cron entry runs the attacker's command again every minute or at every boot, as root if it is the system crontab: the simplest persistence on Linux, and an escape path when a container can write the host's /etc.
-- false_positives: Administrators editing crontabs (crontab -e writes /var/spool/cron/crontabs), configuration management (Ansible, Puppet), package installs.
SELECT f.time_ns, f.process_id, f.container_id,
       printf('%s %s %s%s', coalesce(exe_at(f.process_id, f.time_ns), '?'),
              CASE f.op WHEN 'open' THEN 'wrote' WHEN 'rename' THEN 'renamed onto' ELSE f.op END,
              CASE WHEN f.op = 'rename' THEN f.path2 ELSE f.path END,
              CASE WHEN f.ret < 0 THEN printf(' (attempt, failed with %d)', f.ret) ELSE '' END) AS message,
       json_array('file_events:' || f.id) AS evidence,
       CASE WHEN f.ret < 0 THEN 'low'
            WHEN coalesce(basename(exe_at(f.process_id, f.time_ns)), '') IN ('dpkg', 'rpm', 'apk', 'yum', 'dnf', 'apt', 'apt-get', 'unattended-upgrade', 'packagekitd') THEN 'low'
            ELSE 'medium' END AS severity
FROM file_events f
WHERE ((f.op = 'open' AND ((f.flags & 3) != 0 OR (f.flags & 512) != 0))
       OR f.op IN ('unlink', 'truncate', 'chmod', 'chown', 'symlink', 'link', 'rename'))
  AND (coalesce(nullif(f.path2, ''), f.path) GLOB '/etc/cron*' OR coalesce(nullif(f.path2, ''), f.path) GLOB '/var/spool/cron/*' OR coalesce(nullif(f.path2, ''), f.path) = '/etc/anacrontab')
  -- removing what is not there changes nothing (rm -f; crond's look for cron.update each minute)
  AND NOT (f.op = 'unlink' AND f.ret = -2)

-- id: AMB-PERS-003
-- title: Init script or systemd unit changed
-- severity: medium
-- mitre: T1543.002, T1037.004
-- description: A write, rename onto, removal or permission change of /etc/rc.local, /etc/init.d/*, /etc/rc*.d/*, a systemd unit or drop-in under /etc/systemd/system, /lib/systemd/system, /usr/lib/systemd/system, /run/systemd/system or a user's ~/.config/systemd/user. Package managers and systemctl (enable/disable links) are reported as low.
-- why: A new or modified unit or rc script runs the attacker's program at every boot, as root, restarted by systemd if it dies.
-- false_positives: Package installs and upgrades, configuration management, administrators creating services.
SELECT f.time_ns, f.process_id, f.container_id,
       printf('%s %s %s%s', coalesce(exe_at(f.process_id, f.time_ns), '?'),
              CASE f.op WHEN 'open' THEN 'wrote' WHEN 'rename' THEN 'renamed onto' ELSE f.op END,
              CASE WHEN f.op = 'rename' THEN f.path2 ELSE f.path END,
              CASE WHEN f.ret < 0 THEN printf(' (attempt, failed with %d)', f.ret) ELSE '' END) AS message,
       json_array('file_events:' || f.id) AS evidence,
       CASE WHEN f.ret < 0 THEN 'low'
            WHEN coalesce(basename(exe_at(f.process_id, f.time_ns)), '') IN ('dpkg', 'rpm', 'apk', 'yum', 'dnf', 'apt', 'apt-get', 'unattended-upgrade', 'packagekitd', 'systemctl', 'systemd') THEN 'low'
            ELSE 'medium' END AS severity
FROM file_events f
WHERE ((f.op = 'open' AND ((f.flags & 3) != 0 OR (f.flags & 512) != 0))
       OR f.op IN ('unlink', 'truncate', 'chmod', 'chown', 'symlink', 'link', 'rename'))
  AND (coalesce(nullif(f.path2, ''), f.path) = '/etc/rc.local' OR coalesce(nullif(f.path2, ''), f.path) GLOB '/etc/init.d/*' OR coalesce(nullif(f.path2, ''), f.path) GLOB '/etc/rc[0-6S].d/*' OR coalesce(nullif(f.path2, ''), f.path) GLOB '/etc/systemd/system/*' OR coalesce(nullif(f.path2, ''), f.path) GLOB '/lib/systemd/system/*' OR coalesce(nullif(f.path2, ''), f.path) GLOB '/usr/lib/systemd/system/*' OR coalesce(nullif(f.path2, ''), f.path) GLOB '/run/systemd/system/*' OR coalesce(nullif(f.path2, ''), f.path) GLOB '/home/*/.config/systemd/user/*' OR coalesce(nullif(f.path2, ''), f.path) GLOB '/root/.config/systemd/user/*')
  -- removing what is not there changes nothing (rm -f; crond's look for cron.update each minute)
  AND NOT (f.op = 'unlink' AND f.ret = -2)

-- id: AMB-CRED-002
-- title: Account database changed (passwd, shadow, group)
-- severity: high
-- mitre: T1136.001, T1098
-- description: A write, rename onto, removal or permission change of /etc/passwd, /etc/shadow, /etc/group or /etc/gshadow by a program other than the account tools (useradd, usermod, passwd, chpasswd, vipw...), which are reported as low.
-- why: Adding a uid 0 account, blanking root's password hash or adding a user to the sudo group gives durable root access; editing the files directly bypasses the tools and their logs.
-- false_positives: Configuration management writing the files directly; container image builds.
SELECT f.time_ns, f.process_id, f.container_id,
       printf('%s %s %s%s', coalesce(exe_at(f.process_id, f.time_ns), '?'),
              CASE f.op WHEN 'open' THEN 'wrote' WHEN 'rename' THEN 'renamed onto' ELSE f.op END,
              CASE WHEN f.op = 'rename' THEN f.path2 ELSE f.path END,
              CASE WHEN f.ret < 0 THEN printf(' (attempt, failed with %d)', f.ret) ELSE '' END) AS message,
       json_array('file_events:' || f.id) AS evidence,
       CASE WHEN f.ret < 0 THEN 'low'
            WHEN coalesce(basename(exe_at(f.process_id, f.time_ns)), '') IN ('dpkg', 'rpm', 'apk', 'yum', 'dnf', 'apt', 'apt-get', 'unattended-upgrade', 'packagekitd', 'useradd', 'usermod', 'userdel', 'groupadd', 'groupmod', 'groupdel', 'passwd', 'chpasswd', 'chage', 'vipw', 'vigr', 'adduser', 'deluser', 'chsh', 'chfn', 'gpasswd', 'newusers', 'pwconv', 'grpconv', 'systemd-sysusers') THEN 'low'
            ELSE 'high' END AS severity
FROM file_events f
WHERE ((f.op = 'open' AND ((f.flags & 3) != 0 OR (f.flags & 512) != 0))
       OR f.op IN ('unlink', 'truncate', 'chmod', 'chown', 'symlink', 'link', 'rename'))
  AND (coalesce(nullif(f.path2, ''), f.path) IN ('/etc/passwd', '/etc/shadow', '/etc/group', '/etc/gshadow'))
  -- removing what is not there changes nothing (rm -f; crond's look for cron.update each minute)
  AND NOT (f.op = 'unlink' AND f.ret = -2)

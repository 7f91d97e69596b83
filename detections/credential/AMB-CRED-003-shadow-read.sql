-- id: AMB-CRED-003
-- title: Shadow file read by an unexpected program
-- severity: high
-- mitre: T1003.008
-- description: A successful or attempted open of /etc/shadow or /etc/gshadow (or a backup such as
--   /etc/shadow-) by a program that is not an authentication component (login, su, sudo, sshd,
--   unix_chkpwd, passwd, chage, cron, systemd...).
-- why: The shadow file holds every local password hash; copying it allows offline cracking and
--   reuse across hosts. Only the authentication stack reads it.
-- false_positives: Backup software, configuration management auditing accounts, vulnerability
--   scanners with local checks.
SELECT f.time_ns, f.process_id, f.container_id,
       printf('%s opened %s%s', coalesce(exe_at(f.process_id, f.time_ns), '?'), f.path,
              CASE WHEN f.ret < 0 THEN printf(' (attempt, failed with %d)', f.ret) ELSE '' END) AS message,
       json_array('file_events:' || f.id) AS evidence,
       CASE WHEN f.ret < 0 THEN 'medium' ELSE 'high' END AS severity
FROM file_events f
WHERE f.op = 'open' AND (f.flags & 3) = 0 AND (f.flags & 512) = 0
  AND f.path IN ('/etc/shadow', '/etc/gshadow', '/etc/shadow-', '/etc/gshadow-')
  AND coalesce(basename(exe_at(f.process_id, f.time_ns)), '') NOT IN
      ('login', 'su', 'sudo', 'sshd', 'unix_chkpwd', 'passwd', 'chage', 'cron', 'crond', 'systemd',
       'systemd-logind', 'polkitd', 'useradd', 'usermod', 'userdel', 'chpasswd', 'pwck', 'grpck',
       'vipw', 'gdm-session-worker', 'lightdm', 'dpkg', 'rpm', 'newusers', 'runuser', 'doas')

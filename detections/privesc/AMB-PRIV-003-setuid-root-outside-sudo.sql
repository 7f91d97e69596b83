-- id: AMB-PRIV-003
-- title: Process became root outside sudo, su or login
-- severity: high
-- mitre: T1548, T1068
-- description: A setuid-family call or a credential commit that takes a process from a non-zero
--   uid or euid to euid 0, by a program that is not one of the expected gatekeepers (sudo, su,
--   login, sshd, cron, polkit helpers, newgrp, passwd...). Failed calls are reported as attempts.
-- why: Legitimate privilege changes go through a short list of audited programs. Anything else
--   becoming root (an exploit's payload, a backdoored binary, a setuid shell) is privilege
--   escalation.
-- false_positives: Other setuid programs of the system (mount, fusermount, ping on old systems,
--   pkexec via polkit-agent-helper), custom setuid tools. Extend the exclusion list for the fleet.
SELECT c.time_ns, c.process_id, c.container_id,
       printf('%s: %s (uid %d, euid %d) -> euid 0 via %s',
              CASE WHEN c.ret < 0 THEN 'attempt' ELSE 'became root' END,
              coalesce(exe_at(c.process_id, c.time_ns), c.op), c.old_uid, c.old_euid, c.op) AS message,
       json_array('cred_events:' || c.id) AS evidence,
       CASE WHEN c.ret < 0 THEN 'medium' ELSE 'high' END AS severity
FROM cred_events c JOIN processes p ON p.id = c.process_id
WHERE c.op IN ('setuid', 'setreuid', 'setresuid', 'cred_change')
  AND c.old_euid <> 0 AND c.old_uid <> 0
  AND (c.euid = 0 OR (c.ret < 0 AND (c.id0 = 0 OR c.id1 = 0)))
  AND coalesce(basename(exe_at(c.process_id, c.time_ns)), '') NOT IN
      ('sudo', 'su', 'login', 'sshd', 'cron', 'crond', 'atd', 'polkit-agent-helper-1', 'pkexec',
       'newgrp', 'sg', 'passwd', 'chsh', 'chfn', 'gpasswd', 'unix_chkpwd', 'systemd', 'doas',
       'mount', 'umount', 'fusermount', 'fusermount3', 'runuser', 'setpriv')

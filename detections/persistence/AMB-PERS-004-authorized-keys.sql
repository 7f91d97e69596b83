-- id: AMB-PERS-004
-- title: SSH authorized_keys changed
-- severity: high
-- mitre: T1098.004
-- description: A write, rename onto, removal or permission change of an authorized_keys or authorized_keys2 file (any user's, root's included), or of sshd_config.
-- why: An attacker's public key in authorized_keys is a password-less way back in that survives password resets; from a container with the host's /root mounted it is an escape.
-- false_positives: Users adding their own keys (ssh-copy-id), cloud-init at first boot, configuration management.
SELECT f.time_ns, f.process_id, f.container_id,
       printf('%s %s %s%s', coalesce(exe_at(f.process_id, f.time_ns), '?'),
              CASE f.op WHEN 'open' THEN 'wrote' WHEN 'rename' THEN 'renamed onto' ELSE f.op END,
              CASE WHEN f.op = 'rename' THEN f.path2 ELSE f.path END,
              CASE WHEN f.ret < 0 THEN printf(' (attempt, failed with %d)', f.ret) ELSE '' END) AS message,
       json_array('file_events:' || f.id) AS evidence,
       CASE WHEN f.ret < 0 THEN 'low'
            WHEN coalesce(basename(exe_at(f.process_id, f.time_ns)), '') IN ('cloud-init') THEN 'low'
            ELSE 'high' END AS severity
FROM file_events f
WHERE ((f.op = 'open' AND ((f.flags & 3) != 0 OR (f.flags & 512) != 0))
       OR f.op IN ('unlink', 'truncate', 'chmod', 'chown', 'symlink', 'link', 'rename'))
  AND (coalesce(nullif(f.path2, ''), f.path) LIKE '%/.ssh/authorized_keys%' OR coalesce(nullif(f.path2, ''), f.path) = '/etc/ssh/sshd_config')
  -- removing what is not there changes nothing (rm -f; crond's look for cron.update each minute)
  AND NOT (f.op = 'unlink' AND f.ret = -2)

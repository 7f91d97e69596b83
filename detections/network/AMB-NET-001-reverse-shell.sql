-- id: AMB-NET-001
-- title: Reverse shell
-- severity: high
-- mitre: T1059.004, T1095
-- description: Either a shell that itself connects out (bash's /dev/tcp, a shell built with
--   sockets), or a shell spawned within 5 s of an outbound TCP connect by its parent or by itself
--   before the exec (nc -e, socat exec:, python pty.spawn after socket.connect). Connections to
--   loopback and DNS are ignored. The recorder does not see fd numbers after dup2, so "a shell
--   whose standard input is a socket" is approximated by this timing.
-- why: A reverse shell gives the attacker an interactive session through the firewall: the most
--   common next step after remote code execution.
-- false_positives: Scripts that connect then run a shell for unrelated work (health checks);
--   remote-access tools launched by administrators.
WITH shells AS (
  SELECT e.id, e.time_ns, e.process_id, e.container_id, e.filename, e.cmdline, p.parent_id
  FROM execs e JOIN processes p ON p.id = e.process_id
  WHERE e.ret >= 0 AND replace(e.filename, rtrim(e.filename, replace(e.filename, '/', '')), '') IN
        ('sh', 'bash', 'dash', 'zsh', 'ash', 'ksh', 'busybox')
),
outbound AS (
  SELECT n.* FROM net_events n
  WHERE n.op = 'connect' AND n.family IN ('inet', 'inet6') AND (n.ret >= 0 OR n.ret = -115)
)
SELECT s.time_ns, s.process_id, s.container_id,
       printf('shell %s started %d ms after %s connected to %s port %d', s.filename,
              (s.time_ns - o.time_ns) / 1000000,
              CASE WHEN o.process_id = s.process_id THEN 'its process' ELSE 'its parent' END,
              o.address, o.port) AS message,
       json_array('execs:' || s.id, 'net_events:' || o.id) AS evidence
FROM shells s
JOIN outbound o ON o.process_id IN (s.process_id, s.parent_id)
  AND o.time_ns BETWEEN s.time_ns - 5000000000 AND s.time_ns
WHERE o.family IN ('inet', 'inet6') AND o.port <> 53
  AND o.address NOT GLOB '127.*' AND o.address <> '::1'
  AND o.id = (SELECT max(o2.id) FROM outbound o2 WHERE o2.process_id IN (s.process_id, s.parent_id)
              AND o2.time_ns BETWEEN s.time_ns - 5000000000 AND s.time_ns AND o2.port <> 53
              AND o2.family IN ('inet', 'inet6') AND o2.address NOT GLOB '127.*' AND o2.address <> '::1')
UNION ALL
SELECT o.time_ns, o.process_id, o.container_id,
       printf('shell %s connected out to %s port %d', s.filename, o.address, o.port) AS message,
       json_array('execs:' || s.id, 'net_events:' || o.id) AS evidence
FROM shells s
JOIN outbound o ON o.process_id = s.process_id AND o.time_ns > s.time_ns
WHERE o.family IN ('inet', 'inet6') AND o.port <> 53
  AND o.address NOT GLOB '127.*' AND o.address <> '::1'
  -- the process's latest exec before the connect is the shell (not a program it became since)
  AND s.id = (SELECT max(e2.id) FROM execs e2 WHERE e2.process_id = o.process_id
              AND e2.ret >= 0 AND e2.time_ns < o.time_ns)

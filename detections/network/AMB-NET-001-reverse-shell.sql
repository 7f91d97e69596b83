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
-- Written for volume: every join below is an index seek (execs_process, net_events_process),
-- never shells x connects.
WITH shells AS MATERIALIZED (
  SELECT e.id, e.time_ns, e.process_id, e.container_id, e.filename, p.parent_id
  FROM execs e JOIN processes p ON p.id = e.process_id
  WHERE e.ret >= 0 AND basename(e.filename) IN
        ('sh', 'bash', 'dash', 'zsh', 'ash', 'ksh', 'busybox')
),
outbound AS (  -- the connects that count: TCP/UDP out, not DNS, not loopback; EINPROGRESS is a connect
  SELECT o.id FROM net_events o
  WHERE o.op = 'connect' AND o.family IN ('inet', 'inet6') AND (o.ret >= 0 OR o.ret = -115)
    AND o.port <> 53 AND o.address NOT GLOB '127.*' AND o.address <> '::1'
),
-- (a) a shell started within 5 s after its own process (before the exec) or its parent connected
-- out: per shell, the latest such connect of each, walking net_events(process_id, time_ns)
-- backwards from the exec (a busy server's thousands of connects in the window are not visited)
latest_before AS (
  SELECT shell_id, coalesce(max(own, parent), own, parent) AS conn_id  -- ids follow time
  FROM (
    SELECT s.id AS shell_id,
           (SELECT o.id FROM net_events o
             WHERE o.process_id = s.process_id AND o.id IN (SELECT id FROM outbound)
               AND o.time_ns BETWEEN s.time_ns - 5000000000 AND s.time_ns
             ORDER BY o.time_ns DESC, o.id DESC LIMIT 1) AS own,
           (SELECT o.id FROM net_events o
             WHERE o.process_id = s.parent_id AND o.id IN (SELECT id FROM outbound)
               AND o.time_ns BETWEEN s.time_ns - 5000000000 AND s.time_ns
             ORDER BY o.time_ns DESC, o.id DESC LIMIT 1) AS parent
    FROM shells s)
  WHERE own IS NOT NULL OR parent IS NOT NULL
),
-- (b) a shell that connects out itself: the process's latest exec before the connect is a shell
connect_images AS (
  SELECT o.id AS conn_id,
         (SELECT x.id FROM execs x WHERE x.process_id = o.process_id AND x.ret >= 0
            AND x.time_ns < o.time_ns ORDER BY x.time_ns DESC, x.id DESC LIMIT 1) AS exec_id
  FROM net_events o
  WHERE o.id IN (SELECT id FROM outbound)
    AND o.process_id IN (SELECT process_id FROM shells)  -- only processes that ever ran a shell
)
SELECT s.time_ns, s.process_id, s.container_id,
       printf('shell %s started %d ms after %s connected to %s port %d', s.filename,
              (s.time_ns - o.time_ns) / 1000000,
              CASE WHEN o.process_id = s.process_id THEN 'its process' ELSE 'its parent' END,
              o.address, o.port) AS message,
       json_array('execs:' || s.id, 'net_events:' || o.id) AS evidence
FROM latest_before l JOIN shells s ON s.id = l.shell_id JOIN net_events o ON o.id = l.conn_id
UNION ALL
SELECT o.time_ns, o.process_id, o.container_id,
       printf('shell %s connected out to %s port %d', e.filename, o.address, o.port) AS message,
       json_array('execs:' || e.id, 'net_events:' || o.id) AS evidence
FROM connect_images ci JOIN execs e ON e.id = ci.exec_id JOIN net_events o ON o.id = ci.conn_id
WHERE basename(e.filename) IN
      ('sh', 'bash', 'dash', 'zsh', 'ash', 'ksh', 'busybox')

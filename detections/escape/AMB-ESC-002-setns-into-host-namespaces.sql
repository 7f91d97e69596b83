-- id: AMB-ESC-002
-- title: setns/nsenter into the host's namespaces
-- severity: critical
-- mitre: T1611
-- description: A setns() whose target namespace is one of the host's: the namespace inode of a
--   process outside any container (pid 1 of the host, typically), or an initial namespace
--   (inodes 4026531835..4026531841). Also nsenter run with --target 1 in a container.
-- why: Entering the host's mount, pid or network namespace from a container is the escape itself
--   (nsenter -t 1 -m -u -i -n -p sh from a privileged container or one sharing the host pid
--   namespace).
-- false_positives: Host agents that enter containers' namespaces (this rule looks for the opposite
--   direction), debugging tools run by administrators on the host (container_id NULL is still
--   reported when the process itself runs in a container's namespaces).
WITH host_ns AS (
  SELECT mnt_ns AS ino FROM processes WHERE container_id IS NULL AND kernel_thread = 0 AND mnt_ns <> 0
  UNION SELECT pid_ns FROM processes WHERE container_id IS NULL AND kernel_thread = 0 AND pid_ns <> 0
  UNION SELECT net_ns FROM processes WHERE container_id IS NULL AND kernel_thread = 0 AND net_ns <> 0
  UNION SELECT user_ns FROM processes WHERE container_id IS NULL AND kernel_thread = 0 AND user_ns <> 0
  UNION SELECT uts_ns FROM processes WHERE container_id IS NULL AND kernel_thread = 0 AND uts_ns <> 0
  UNION SELECT ipc_ns FROM processes WHERE container_id IS NULL AND kernel_thread = 0 AND ipc_ns <> 0
  UNION SELECT cgroup_ns FROM processes WHERE container_id IS NULL AND kernel_thread = 0 AND cgroup_ns <> 0
)
SELECT min(n.time_ns) AS time_ns, n.process_id, n.container_id,
       printf('%s entered %d host namespace(s) from a container: %s%s', coalesce(exe_at(n.process_id, n.time_ns), '?'), count(*),
              group_concat(CASE n.ns_flags WHEN 0x00020000 THEN 'mnt' WHEN 0x04000000 THEN 'uts'
                   WHEN 0x08000000 THEN 'ipc' WHEN 0x40000000 THEN 'net' WHEN 0x20000000 THEN 'pid'
                   WHEN 0x10000000 THEN 'user' WHEN 0x02000000 THEN 'cgroup' ELSE printf('0x%x', n.ns_flags) END, ' '),
              CASE WHEN max(n.ret) < 0 THEN ' (attempt: every setns failed)'
                   WHEN min(n.ret) < 0 THEN ' (some setns failed)' ELSE '' END) AS message,
       json_group_array('ns_events:' || n.id) AS evidence
FROM ns_events n
WHERE n.op = 'setns' AND n.container_id IS NOT NULL
  AND (n.ns_inode BETWEEN 4026531835 AND 4026531841 OR n.ns_inode IN (SELECT ino FROM host_ns))
GROUP BY n.process_id, n.container_id
UNION ALL
SELECT e.time_ns, e.process_id, e.container_id,
       printf('nsenter targeting pid 1 run in a container: %s', e.cmdline) AS message,
       json_array('execs:' || e.id) AS evidence
FROM execs e
WHERE e.container_id IS NOT NULL AND e.ret >= 0
  AND basename(e.filename) = 'nsenter'
  AND (e.cmdline LIKE '% -t 1 %' OR e.cmdline LIKE '% -t1 %' OR e.cmdline LIKE '% --target 1 %'
       OR e.cmdline LIKE '% --target=1 %' OR e.cmdline LIKE '% -t 1' OR e.cmdline LIKE '% --target 1')

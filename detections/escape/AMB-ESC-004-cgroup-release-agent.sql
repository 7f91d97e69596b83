-- id: AMB-ESC-004
-- title: cgroup release_agent or notify_on_release written
-- severity: critical
-- mitre: T1611
-- description: An open for writing of a cgroup v1 release_agent or notify_on_release file (and
--   failed attempts). Critical from a container; high on the host.
-- why: release_agent names a program the kernel runs as root on the host when a cgroup empties.
--   Writing it from a container (after mounting a cgroup v1 hierarchy) is the CVE-2022-0492 and
--   "privileged container" escape.
-- false_positives: Hardly any on modern systems: systemd sets release_agent once at boot on cgroup
--   v1 hosts.
SELECT f.time_ns, f.process_id, f.container_id,
       printf('%s opened %s for writing%s%s', coalesce(exe_at(f.process_id, f.time_ns), '?'), f.path,
              CASE WHEN f.container_id IS NOT NULL THEN ' from a container' ELSE '' END,
              CASE WHEN f.ret < 0 THEN printf(' (attempt, failed with %d)', f.ret) ELSE '' END) AS message,
       json_array('file_events:' || f.id) AS evidence,
       CASE WHEN f.container_id IS NOT NULL THEN 'critical' ELSE 'high' END AS severity
FROM file_events f
WHERE f.op = 'open' AND ((f.flags & 3) != 0 OR (f.flags & 512) != 0)
  AND (f.path LIKE '%/release_agent' OR f.path LIKE '%/notify_on_release')
  AND coalesce(basename(exe_at(f.process_id, f.time_ns)), '') <> 'systemd'

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
       printf('%s opened %s for writing%s%s', coalesce((SELECT x.filename FROM execs x WHERE x.process_id = f.process_id AND x.ret >= 0
                        AND x.time_ns <= f.time_ns ORDER BY x.time_ns DESC, x.id DESC LIMIT 1), p.exe, '?'), f.path,
              CASE WHEN f.container_id IS NOT NULL THEN ' from a container' ELSE '' END,
              CASE WHEN f.ret < 0 THEN printf(' (attempt, failed with %d)', f.ret) ELSE '' END) AS message,
       json_array('file_events:' || f.id) AS evidence,
       CASE WHEN f.container_id IS NOT NULL THEN 'critical' ELSE 'high' END AS severity
FROM file_events f LEFT JOIN processes p ON p.id = f.process_id
WHERE f.op = 'open' AND ((f.flags & 3) != 0 OR (f.flags & 512) != 0)
  AND (f.path LIKE '%/release_agent' OR f.path LIKE '%/notify_on_release')
  AND coalesce(replace(p.exe, rtrim(p.exe, replace(p.exe, '/', '')), ''), '') <> 'systemd'

-- id: AMB-ESC-005
-- title: cgroup filesystem mounted inside a container
-- severity: high
-- mitre: T1611
-- description: mount() of a cgroup (v1) or cgroup2 filesystem by a process in a container.
-- why: Mounting a cgroup v1 hierarchy is the first step of the release_agent escape; container
--   workloads get their cgroup mounted by the runtime and never mount one themselves.
-- false_positives: Nested container runtimes (docker-in-docker, systemd as a container's init).
SELECT n.time_ns, n.process_id, n.container_id,
       printf('%s mounted a %s filesystem on %s in a container%s', coalesce(exe_at(n.process_id, n.time_ns), '?'), n.fs_type,
              coalesce(n.target, '?'),
              CASE WHEN n.ret < 0 THEN printf(' (attempt, failed with %d)', n.ret) ELSE '' END) AS message,
       json_array('ns_events:' || n.id) AS evidence
FROM ns_events n
WHERE n.op = 'mount' AND n.container_id IS NOT NULL AND n.fs_type IN ('cgroup', 'cgroup2')

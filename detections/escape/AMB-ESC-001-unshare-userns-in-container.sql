-- id: AMB-ESC-001
-- title: User namespace created inside a container (unshare -r)
-- severity: high
-- mitre: T1611, T1068
-- description: unshare or clone with CLONE_NEWUSER by a process in a container, successful or not
--   (the message says which; runtimes' default seccomp profiles make it fail with EPERM).
-- why: Inside a container, a new user namespace gives the process a full capability set over new
--   namespaces: the first step of most container escapes through kernel bugs (CVE-2022-0185,
--   CVE-2022-0492 cgroup release_agent, CVE-2023-0386 overlayfs). Container workloads have no
--   reason to do it.
-- false_positives: Nested container builds (buildah, kaniko in rootless mode), sandboxed browsers
--   running inside a container.
SELECT n.time_ns, n.process_id, n.container_id,
       printf('%s (uid %d) created a user namespace in a container: %s', coalesce(exe_at(n.process_id, n.time_ns), '?'), n.uid,
              CASE WHEN n.ret >= 0 THEN 'succeeded'
                   ELSE 'attempt failed with ' || CASE n.ret WHEN -1 THEN 'EPERM' WHEN -22 THEN 'EINVAL'
                        WHEN -28 THEN 'ENOSPC' WHEN -38 THEN 'ENOSYS' ELSE 'errno ' || (-n.ret) END END) AS message,
       json_array('ns_events:' || n.id) AS evidence,
       CASE WHEN n.ret < 0 THEN 'medium' ELSE 'high' END AS severity
FROM ns_events n
WHERE n.op = 'unshare' AND (n.ns_flags & 0x10000000) != 0 AND n.container_id IS NOT NULL

-- id: AMB-PRIV-007
-- title: User namespace created by a non-root user on the host
-- severity: low
-- mitre: T1068
-- description: unshare or clone with CLONE_NEWUSER by a process with a non-zero uid outside any
--   container. Informational by itself; AMB-PRIV-001 raises it when the mount API follows.
-- why: Unprivileged user namespaces are the entry point of most local kernel privilege
--   escalations of recent years: they hand CAP_SYS_ADMIN over a namespace to anyone.
-- false_positives: Browsers' sandboxes (Chrome, Firefox), flatpak/bubblewrap, rootless podman.
SELECT n.time_ns, n.process_id, n.container_id,
       printf('uid %d unshared a user namespace (flags 0x%x)%s', n.uid, n.ns_flags,
              CASE WHEN n.ret < 0 THEN printf(', failed with %d', n.ret) ELSE '' END) AS message,
       json_array('ns_events:' || n.id) AS evidence
FROM ns_events n
WHERE n.op = 'unshare' AND (n.ns_flags & 0x10000000) != 0 AND n.uid <> 0
  AND n.container_id IS NULL

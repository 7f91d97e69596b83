-- id: AMB-PRIV-001
-- title: Privilege escalation out of a user namespace (CVE-2022-0185 style)
-- severity: critical
-- mitre: T1068, T1611
-- description: A non-root process unshares a user namespace (CLONE_NEWUSER), then it or a
--   process of the same lineage calls fsopen and fsconfig on a filesystem context. Fires on the
--   attempt; a success is a process of the lineage running with euid 0 (in the initial user
--   namespace, as the recorder reports global ids) or creating or executing a setuid file after the
--   first fsconfig. The message says attempt or success and how many fsconfig calls failed.
-- why: CVE-2022-0185 (legacy_parse_param heap overflow) and its relatives are reached by an
--   unprivileged user who gains CAP_SYS_ADMIN in a fresh user namespace and abuses the new mount
--   API. Repeated fsconfig(FSCONFIG_SET_STRING) with long values is the overflow primitive; a
--   patched kernel answers EINVAL, an unpatched one hands out root on the host.
-- false_positives: Rootless container runtimes (podman, buildah, bwrap) create user namespaces and
--   may use fsopen/fsconfig for overlay or fuse mounts; they rarely loop on fsconfig and never
--   end with euid 0 outside the namespace. Check the value lengths and the count.
WITH RECURSIVE unshares AS (
  SELECT n.id, n.time_ns, n.process_id, n.container_id, n.uid, p.parent_id
  FROM ns_events n JOIN processes p ON p.id = n.process_id
  WHERE n.op = 'unshare' AND (n.ns_flags & 0x10000000) != 0 AND n.uid <> 0
),
-- The unsharer's parent and everything it started (siblings, children), walked down from the
-- parent through processes_parent: only the lineages of the unshares, never the whole tree.
lineage(unshare_id, process_id, depth) AS (
  SELECT u.id, coalesce(u.parent_id, u.process_id), 0 FROM unshares u
  UNION ALL
  SELECT l.unshare_id, c.id, l.depth + 1
  FROM lineage l JOIN processes c ON c.parent_id = l.process_id
  WHERE l.depth < 64
),
mount_api AS (
  SELECT l.unshare_id,
         min(CASE WHEN n.op = 'fsopen' THEN n.id END) AS fsopen_id,
         min(CASE WHEN n.op = 'fsconfig' THEN n.id END) AS first_fsconfig_id,
         max(CASE WHEN n.op = 'fsconfig' THEN n.id END) AS last_fsconfig_id,
         min(CASE WHEN n.op = 'fsconfig' THEN n.time_ns END) AS first_fsconfig_ns,
         sum(n.op = 'fsconfig') AS fsconfigs,
         sum(n.op = 'fsconfig' AND n.ret < 0) AS failed,
         max(CASE WHEN n.op = 'fsopen' THEN n.source END) AS fs_name,
         max(CASE WHEN n.op = 'fsconfig' THEN length(n.value) END) AS longest_value
  FROM lineage l JOIN ns_events n ON n.process_id = l.process_id
  JOIN unshares u ON u.id = l.unshare_id AND n.time_ns >= u.time_ns
  WHERE n.op IN ('fsopen', 'fsconfig')
  GROUP BY l.unshare_id
  HAVING fsconfigs > 0
),
success AS (
  SELECT m.unshare_id, min(s.ev) AS ev
  FROM mount_api m JOIN lineage l ON l.unshare_id = m.unshare_id
  JOIN (
    SELECT 'cred_events:' || id AS ev, process_id, time_ns FROM cred_events WHERE euid = 0 AND ret >= 0
    UNION ALL
    SELECT 'execs:' || id, process_id, time_ns FROM execs
      WHERE ret >= 0 AND (
            -- a root image that is not one of the gatekeepers (sudo after a failed attempt is not success)
            (euid = 0 AND basename(filename) NOT IN
              ('sudo', 'su', 'login', 'pkexec', 'doas', 'passwd', 'newgrp', 'mount', 'umount', 'fusermount', 'fusermount3'))
            -- or a setuid shell, or a setuid file dropped in a scratch directory
         OR (setuid = 1 AND (basename(filename) IN
              ('sh', 'bash', 'dash', 'zsh', 'ash', 'busybox') OR filename GLOB '/tmp/*'
              OR filename GLOB '/dev/shm/*' OR filename GLOB '/var/tmp/*')))
    UNION ALL
    SELECT 'file_events:' || id, process_id, time_ns FROM file_events
      WHERE op = 'chmod' AND (mode & 2048) != 0 AND ret >= 0
  ) s ON s.process_id = l.process_id AND s.time_ns > m.first_fsconfig_ns
  GROUP BY m.unshare_id
)
SELECT u.time_ns, u.process_id, u.container_id,
       CASE WHEN s.ev IS NULL THEN 'attempt' ELSE 'SUCCESS' END ||
       printf(': uid %d created a user namespace, then fsopen(%s) and %d fsconfig call(s), %d failed; longest value %d bytes',
              u.uid, coalesce(m.fs_name, '?'), m.fsconfigs, m.failed, coalesce(m.longest_value, 0)) ||
       CASE WHEN s.ev IS NULL THEN '; no root outside the namespace seen'
            ELSE '; then root outside the namespace (' || substr(s.ev, 1, instr(s.ev, ':') - 1) || ')' END AS message,
       json_array('ns_events:' || u.id, 'ns_events:' || m.fsopen_id, 'ns_events:' || m.first_fsconfig_id,
                  'ns_events:' || m.last_fsconfig_id, coalesce(s.ev, 'ns_events:' || u.id)) AS evidence,
       CASE WHEN s.ev IS NULL THEN 'high' ELSE 'critical' END AS severity
FROM unshares u JOIN mount_api m ON m.unshare_id = u.id
LEFT JOIN success s ON s.unshare_id = u.id
WHERE m.fsopen_id IS NOT NULL

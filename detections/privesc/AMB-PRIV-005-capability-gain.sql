-- id: AMB-PRIV-005
-- title: Non-root process gained a dangerous capability
-- severity: medium
-- mitre: T1068, T1548
-- description: capset or a credential commit by a process with a non-zero uid that leaves it with
--   CAP_SYS_ADMIN, CAP_SYS_MODULE, CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH, CAP_SYS_RAWIO or CAP_BPF
--   in its effective set, or an exec by a non-root user that gives it one of them its parent did
--   not hold (file capabilities: setcap ...+ep). Capabilities inside a user namespace the process
--   created are not seen here: the recorder reports the set as the kernel holds it.
-- why: These capabilities are root in all but name: module loading, arbitrary mounts, reading any
--   file, tracing any process. A non-root process holding them was granted them by file
--   capabilities or got them through an exploit.
-- false_positives: Programs with file capabilities by design (some ping or packet-capture tools
--   hold CAP_NET_RAW, not flagged here); container runtimes setting up a rootless container.
SELECT c.time_ns, c.process_id, c.container_id,
       printf('uid %d %s 0x%x (%s)', c.uid,
              CASE WHEN c.op = 'capset' THEN 'asked for capabilities' ELSE 'now holds capabilities' END,
              c.caps,
              rtrim(CASE WHEN c.caps & (1 << 21) THEN 'CAP_SYS_ADMIN ' ELSE '' END ||
                    CASE WHEN c.caps & (1 << 16) THEN 'CAP_SYS_MODULE ' ELSE '' END ||
                    CASE WHEN c.caps & (1 << 19) THEN 'CAP_SYS_PTRACE ' ELSE '' END ||
                    CASE WHEN c.caps & (1 << 2) THEN 'CAP_DAC_READ_SEARCH ' ELSE '' END ||
                    CASE WHEN c.caps & (1 << 17) THEN 'CAP_SYS_RAWIO ' ELSE '' END ||
                    CASE WHEN c.caps & (1 << 39) THEN 'CAP_BPF' ELSE '' END)) AS message,
       json_array('cred_events:' || c.id) AS evidence
FROM cred_events c
WHERE c.op IN ('capset', 'cred_change') AND c.ret >= 0 AND c.uid <> 0 AND c.euid <> 0
  AND (c.caps & ((1 << 21) | (1 << 16) | (1 << 19) | (1 << 2) | (1 << 17) | (1 << 39))) != 0
UNION ALL
-- An exec that granted them: the image's file capabilities (execs.cap_effective, the set after it).
SELECT e.time_ns, e.process_id, e.container_id,
       printf('uid %d gained capabilities 0x%x by exec of %s (%s)', e.uid,
              e.cap_effective & ~coalesce(parent.cap_effective, 0), e.filename,
              rtrim(CASE WHEN e.cap_effective & (1 << 21) THEN 'CAP_SYS_ADMIN ' ELSE '' END ||
                    CASE WHEN e.cap_effective & (1 << 16) THEN 'CAP_SYS_MODULE ' ELSE '' END ||
                    CASE WHEN e.cap_effective & (1 << 19) THEN 'CAP_SYS_PTRACE ' ELSE '' END ||
                    CASE WHEN e.cap_effective & (1 << 2) THEN 'CAP_DAC_READ_SEARCH ' ELSE '' END ||
                    CASE WHEN e.cap_effective & (1 << 17) THEN 'CAP_SYS_RAWIO ' ELSE '' END ||
                    CASE WHEN e.cap_effective & (1 << 39) THEN 'CAP_BPF' ELSE '' END)) AS message,
       json_array('execs:' || e.id) AS evidence
FROM execs e JOIN processes p ON p.id = e.process_id
LEFT JOIN processes parent ON parent.id = p.parent_id
WHERE e.ret >= 0 AND e.uid <> 0 AND e.euid <> 0
  AND p.user_ns IS parent.user_ns  -- root in a user namespace of its own (unshare -r) is not this
  AND (e.cap_effective & ~coalesce(parent.cap_effective, 0)
       & ((1 << 21) | (1 << 16) | (1 << 19) | (1 << 2) | (1 << 17) | (1 << 39))) != 0

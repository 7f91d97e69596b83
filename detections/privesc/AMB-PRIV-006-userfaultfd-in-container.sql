-- id: AMB-PRIV-006
-- title: userfaultfd used inside a container
-- severity: medium
-- mitre: T1068
-- description: A userfaultfd() call (successful or not) by a process in a container.
-- why: userfaultfd lets a process stall the kernel on a page fault of its choosing, which turns
--   narrow kernel race conditions into reliable exploits (many container-escape exploits use it).
--   Ordinary container workloads do not need it; live-migration tools (CRIU) are the exception.
-- false_positives: CRIU checkpoint/restore, QEMU post-copy migration, some garbage collectors.
SELECT m.time_ns, m.process_id, m.container_id,
       printf('%s called userfaultfd in a container%s', coalesce(exe_at(m.process_id, m.time_ns), '?'),
              CASE WHEN m.ret < 0 THEN printf(' (failed with %d)', m.ret) ELSE '' END) AS message,
       json_array('module_events:' || m.id) AS evidence
FROM module_events m
WHERE m.op = 'userfaultfd' AND m.container_id IS NOT NULL

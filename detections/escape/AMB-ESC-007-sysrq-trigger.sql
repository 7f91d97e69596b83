-- id: AMB-ESC-007
-- title: /proc/sysrq-trigger written
-- severity: high
-- mitre: T1529, T1611
-- description: An open for writing of /proc/sysrq-trigger (attempts included).
-- why: sysrq-trigger reboots, crashes or powers off the host instantly ('b', 'c', 'o'), and dumps
--   memory and task state to the kernel log. From a container it means /proc is writable: the
--   container can reach the host kernel.
-- false_positives: Administrators forcing a reboot of a hung host; kdump tests.
SELECT f.time_ns, f.process_id, f.container_id,
       printf('%s opened /proc/sysrq-trigger for writing%s%s', coalesce(exe_at(f.process_id, f.time_ns), '?'),
              CASE WHEN f.container_id IS NOT NULL THEN ' from a container' ELSE '' END,
              CASE WHEN f.ret < 0 THEN printf(' (attempt, failed with %d)', f.ret) ELSE '' END) AS message,
       json_array('file_events:' || f.id) AS evidence
FROM file_events f
WHERE f.op = 'open' AND ((f.flags & 3) != 0 OR (f.flags & 512) != 0) AND f.path = '/proc/sysrq-trigger'

-- id: AMB-ESC-006
-- title: core_pattern written
-- severity: high
-- mitre: T1611, T1068
-- description: An open for writing of /proc/sys/kernel/core_pattern (directly or by sysctl),
--   attempts included. Critical from a container.
-- why: A core_pattern starting with '|' makes the kernel run that program as root on the host for
--   every core dump; set from a container (through a writable /proc/sys), it is an escape waiting
--   for any process to crash. AMB-PRIV-002 catches the handler when it runs.
-- false_positives: systemd-sysctl at boot, systemd-coredump and apport installers, an
--   administrator configuring crash dumps.
SELECT f.time_ns, f.process_id, f.container_id,
       printf('%s opened core_pattern for writing%s%s', coalesce(exe_at(f.process_id, f.time_ns), '?'),
              CASE WHEN f.container_id IS NOT NULL THEN ' from a container' ELSE '' END,
              CASE WHEN f.ret < 0 THEN printf(' (attempt, failed with %d)', f.ret) ELSE '' END) AS message,
       json_array('file_events:' || f.id) AS evidence,
       CASE WHEN f.container_id IS NOT NULL THEN 'critical' ELSE 'high' END AS severity
FROM file_events f
WHERE f.op = 'open' AND ((f.flags & 3) != 0 OR (f.flags & 512) != 0)
  AND f.path IN ('/proc/sys/kernel/core_pattern', '/proc/sys/kernel/core_uses_pid')
  AND coalesce(basename(exe_at(f.process_id, f.time_ns)), '') NOT IN ('systemd-sysctl')

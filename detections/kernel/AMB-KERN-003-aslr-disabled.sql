-- id: AMB-KERN-003
-- title: ASLR disabled (randomize_va_space written)
-- severity: high
-- mitre: T1562.001, T1068
-- description: An open for writing of /proc/sys/kernel/randomize_va_space, directly or through
--   sysctl (the value written is not recorded; any write is suspect).
-- why: Turning address space layout randomisation off system-wide makes memory corruption
--   exploits deterministic; it is a common preparation step of local exploits.
-- false_positives: systemd-sysctl applying a configured value at boot; benchmarking setups.
SELECT f.time_ns, f.process_id, f.container_id,
       printf('%s opened randomize_va_space for writing%s', coalesce(exe_at(f.process_id, f.time_ns), '?'),
              CASE WHEN f.ret < 0 THEN printf(' (attempt, failed with %d)', f.ret) ELSE '' END) AS message,
       json_array('file_events:' || f.id) AS evidence
FROM file_events f
WHERE f.op = 'open' AND ((f.flags & 3) != 0 OR (f.flags & 512) != 0)
  AND f.path = '/proc/sys/kernel/randomize_va_space'
  AND coalesce(basename(exe_at(f.process_id, f.time_ns)), '') <> 'systemd-sysctl'

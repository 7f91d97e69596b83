-- id: AMB-ESC-008
-- title: /proc/kcore or /dev/mem opened
-- severity: high
-- mitre: T1003, T1611
-- description: An open of /proc/kcore, /dev/mem or /dev/kmem (attempts included).
-- why: These expose the running kernel's memory: keys, credentials, other containers' data. Outside
--   of a kernel debugging session nothing reads them.
-- false_positives: crash/drgn/gdb sessions by kernel developers; some memory forensics agents.
SELECT f.time_ns, f.process_id, f.container_id,
       printf('%s opened %s%s%s', coalesce(exe_at(f.process_id, f.time_ns), '?'), f.path,
              CASE WHEN f.container_id IS NOT NULL THEN ' from a container' ELSE '' END,
              CASE WHEN f.ret < 0 THEN printf(' (attempt, failed with %d)', f.ret) ELSE '' END) AS message,
       json_array('file_events:' || f.id) AS evidence
FROM file_events f
WHERE f.op = 'open' AND f.path IN ('/proc/kcore', '/dev/mem', '/dev/kmem')

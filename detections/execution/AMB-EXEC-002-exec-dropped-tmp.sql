-- id: AMB-EXEC-002
-- title: Exec from /tmp or /dev/shm of a file written during the capture
-- severity: high
-- mitre: T1105, T1059.004
-- description: A successful exec of a file under /tmp, /var/tmp or /dev/shm that some process
--   created, wrote or renamed into place earlier in the capture (drift from the image: the binary
--   was not there when the workload started).
-- why: Downloading a tool to a world-writable scratch directory and running it is how most
--   intrusions continue after the first foothold (miners, scanners, privilege escalation kits).
-- false_positives: Installers and build systems that unpack into /tmp and run helpers from there;
--   test suites.
WITH writes AS (
  SELECT f.id, f.time_ns, coalesce(nullif(f.path2, ''), f.path) AS path, f.process_id
  FROM file_events f
  WHERE f.ret >= 0 AND (
        (f.op = 'open' AND ((f.flags & 3) != 0 OR (f.flags & 64) != 0))
     OR (f.op IN ('rename', 'link') AND f.path2 IS NOT NULL)
     OR (f.op = 'chmod' AND (f.mode & 73) != 0))
)
SELECT e.time_ns, e.process_id, e.container_id,
       printf('%s executed; it was written during the capture by %s', e.filename,
              coalesce(exe_at(w.process_id, w.time_ns), '?')) AS message,
       json_array('execs:' || e.id, 'file_events:' || w.id) AS evidence
FROM execs e
JOIN writes w ON w.path = e.filename AND w.time_ns <= e.time_ns
WHERE e.ret >= 0
  AND (e.filename GLOB '/tmp/*' OR e.filename GLOB '/var/tmp/*' OR e.filename GLOB '/dev/shm/*')
  AND w.id = (SELECT max(w2.id) FROM writes w2 WHERE w2.path = e.filename AND w2.time_ns <= e.time_ns)

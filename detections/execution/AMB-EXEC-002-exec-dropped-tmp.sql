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
-- The file run: by the name it was started by, and by the file the kernel loaded when that differs
-- (a symlink elsewhere pointing into /tmp, a /proc/self/exe re-exec). One alert per exec: the name
-- it was started by first (min(rank) picks the row).
, runs AS (
  SELECT e.id, e.time_ns, e.process_id, e.container_id, e.filename, e.filename AS file, 0 AS rank
  FROM execs e WHERE e.ret >= 0
  UNION ALL
  SELECT e.id, e.time_ns, e.process_id, e.container_id, e.filename, e.executable, 1
  FROM execs e WHERE e.ret >= 0 AND e.executable IS NOT NULL
)
SELECT r.time_ns, r.process_id, r.container_id,
       printf('%s executed%s; it was written during the capture by %s', r.filename,
              CASE WHEN r.file <> r.filename THEN ' (the file ' || r.file || ')' ELSE '' END,
              coalesce(exe_at(w.process_id, w.time_ns), '?')) AS message,
       json_array('execs:' || r.id, 'file_events:' || w.id) AS evidence,
       min(r.rank) AS first_match
FROM runs r
JOIN writes w ON w.path = r.file AND w.time_ns <= r.time_ns
WHERE (r.file GLOB '/tmp/*' OR r.file GLOB '/var/tmp/*' OR r.file GLOB '/dev/shm/*')
  AND w.id = (SELECT max(w2.id) FROM writes w2 WHERE w2.path = r.file AND w2.time_ns <= r.time_ns)
GROUP BY r.id

-- id: AMB-EXEC-004
-- title: Package manager run inside a running container
-- severity: medium
-- mitre: T1105
-- description: An exec of apt, apt-get, dpkg, yum, dnf, rpm, apk, zypper, pip or gem in a
--   container.
-- why: Containers are immutable: their software comes from the image. Installing packages at run
--   time is drift, and usually an intruder fetching tools (nmap, socat, gcc).
-- false_positives: Images whose entrypoint installs packages at start (an anti-pattern, but
--   common), interactive debugging sessions.
SELECT e.time_ns, e.process_id, e.container_id,
       printf('package manager in a running container: %s', coalesce(e.cmdline, e.filename)) AS message,
       json_array('execs:' || e.id) AS evidence
FROM execs e
WHERE e.ret >= 0 AND e.container_id IS NOT NULL
  AND basename(e.filename) IN
      ('apt', 'apt-get', 'dpkg', 'yum', 'dnf', 'rpm', 'apk', 'zypper', 'pip', 'pip3', 'gem')

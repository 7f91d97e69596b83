-- id: AMB-ESC-010
-- title: Privileged container running
-- severity: medium
-- mitre: T1610, T1611
-- description: A container whose metadata says privileged (all capabilities, all devices, no
--   seccomp or AppArmor confinement), reported once, at its first sight in the capture, with its
--   init process when known. Also containers that mount the host's root or the runtime socket.
-- why: A privileged container is one command away from the host (mount the disk, load a module,
--   write release_agent). An attacker who can start one owns the node; one that runs for no
--   reason widens every other attack.
-- false_positives: Node agents that need it by design (CNI plugins, CSI drivers, monitoring
--   agents, Amber's own recorder). Allow-list by image.
SELECT c.first_seen_ns AS time_ns,
       (SELECT p.id FROM processes p WHERE p.host_id = c.host_id AND p.pid = c.init_pid
         AND c.init_pid > 0 ORDER BY p.id LIMIT 1) AS process_id,
       c.id AS container_id,
       printf('container %s (image %s) runs %s', coalesce(c.name, c.runtime_id), coalesce(c.image, '?'),
              CASE WHEN c.privileged = 1 THEN 'privileged'
                   ELSE 'with the host root or runtime socket mounted' END) AS message,
       json_array('containers:' || c.id) AS evidence
FROM containers c
WHERE c.privileged = 1
   OR EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(c.mounts) THEN c.mounts ELSE '[]' END) m
              WHERE json_extract(m.value, '$.source') IN ('/', '/var/run/docker.sock', '/run/docker.sock',
                    '/run/containerd/containerd.sock'))

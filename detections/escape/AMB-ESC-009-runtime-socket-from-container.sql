-- id: AMB-ESC-009
-- title: Container runtime socket used from inside a container
-- severity: critical
-- mitre: T1611, T1552.007
-- description: A connect to, or open of, a container runtime's API socket (docker.sock,
--   containerd.sock, crio.sock, podman.sock, kubelet's pod-resources or cri-dockerd) by a process
--   in a container.
-- why: Whoever talks to the runtime socket can start a privileged container with the host's root
--   mounted: the mounted docker.sock is root on the host.
-- false_positives: CI runners and monitoring agents deliberately given the socket (docker-in-docker
--   via the host socket, cAdvisor, Portainer). Allow-list them by container image.
SELECT n.time_ns, n.process_id, n.container_id,
       printf('%s connected to %s from a container%s', coalesce(exe_at(n.process_id, n.time_ns), '?'), n.address,
              CASE WHEN n.ret < 0 THEN printf(' (attempt, failed with %d)', n.ret) ELSE '' END) AS message,
       json_array('net_events:' || n.id) AS evidence
FROM net_events n
WHERE n.op = 'connect' AND n.family = 'unix' AND n.container_id IS NOT NULL
  AND n.address GLOB '*.sock'  -- cheap first: most rows stop here
  AND (n.address LIKE '%/docker.sock' OR n.address LIKE '%/containerd.sock'
       OR n.address LIKE '%/crio.sock' OR n.address LIKE '%/podman.sock'
       OR n.address LIKE '%/cri-dockerd.sock' OR n.address LIKE '%/kubelet.sock')
UNION ALL
SELECT f.time_ns, f.process_id, f.container_id,
       printf('%s opened %s from a container', coalesce(exe_at(f.process_id, f.time_ns), '?'), f.path) AS message,
       json_array('file_events:' || f.id) AS evidence
FROM file_events f
WHERE f.op = 'open' AND f.container_id IS NOT NULL
  AND f.path GLOB '*.sock'  -- cheap first: a scan of every open, most stop here
  AND (f.path LIKE '%/docker.sock' OR f.path LIKE '%/containerd.sock' OR f.path LIKE '%/crio.sock'
       OR f.path LIKE '%/podman.sock')

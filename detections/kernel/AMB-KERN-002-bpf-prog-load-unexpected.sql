-- id: AMB-KERN-002
-- title: BPF program loaded by an unexpected process
-- severity: medium
-- mitre: T1014, T1562.001
-- description: bpf(BPF_PROG_LOAD) by a program that is not a known BPF user (systemd, runc and crun
--   device filters, container runtimes, Cilium, Falco, bpftrace, Amber's recorder). High from a
--   container. Attempts included.
-- why: BPF programs run in the kernel: they can hide processes, tamper with syscalls
--   (bpf_probe_write_user), sniff traffic or blind security tools. Rootkits (ebpfkit, TripleCross)
--   load them from ordinary-looking binaries.
-- false_positives: Observability agents not in the list (Datadog, Pixie, Tetragon), perf, iproute2
--   tc/ip loading XDP programs.
SELECT m.time_ns, m.process_id, m.container_id,
       printf('%s loaded a BPF program (type %d, name %s)%s%s', coalesce(exe_at(m.process_id, m.time_ns), '?'), m.arg,
              coalesce(nullif(m.name, ''), '?'),
              CASE WHEN m.ret < 0 THEN printf(', attempt failed with %d', m.ret) ELSE '' END,
              CASE WHEN m.container_id IS NOT NULL THEN ' from a container' ELSE '' END) AS message,
       json_array('module_events:' || m.id) AS evidence,
       CASE WHEN m.container_id IS NOT NULL THEN 'high' ELSE 'medium' END AS severity
FROM module_events m
WHERE m.op = 'bpf' AND m.cmd = 5
  AND coalesce(basename(exe_at(m.process_id, m.time_ns)), '') NOT IN
      ('systemd', 'runc', 'crun', 'containerd', 'dockerd', 'cilium-agent', 'falco', 'bpftrace',
       'amber-record', 'systemd-networkd', 'systemd-resolved')

-- id: AMB-PRIV-002
-- title: Kernel started a userland program (kthreadd child, e.g. a core_pattern pipe handler)
-- severity: high
-- mitre: T1611, T1068
-- description: An exec by a process whose parent is kthreadd (pid 2) or a kernel worker: the
--   kernel itself launched a user binary as root (call_usermodehelper). The usual helpers
--   (modprobe, systemd-coredump, apport, hotplug, request-key) are excluded.
-- why: A core_pattern of the form '|/path/to/handler' makes the kernel run the handler as root in
--   the initial namespaces whenever any process, in any container, dumps core. Writing
--   core_pattern from a privileged container and crashing a process is a known container escape;
--   the handler shows up as a kthreadd child.
-- false_positives: Distribution crash handlers not in the list (abrt-hook-ccpp, a custom
--   core_pattern set by the administrator), kernel helpers such as /sbin/poweroff or nfsd
--   upcalls.
SELECT e.time_ns, e.process_id, e.container_id,
       printf('kernel ran %s as uid %d with kthreadd (pid 2) as parent: a usermode helper such as a core_pattern pipe handler',
              e.filename, e.uid) AS message,
       json_array('execs:' || e.id) AS evidence
FROM execs e
JOIN processes p ON p.id = e.process_id
LEFT JOIN processes parent ON parent.id = p.parent_id
WHERE e.ret >= 0
  AND (p.ppid = 2 OR parent.kernel_thread = 1)
  AND basename(e.filename) NOT IN
      ('modprobe', 'systemd-coredump', 'apport', 'hotplug', 'request-key', 'systemd-udevd',
       'kmod', 'mdev', 'nfsrahead')

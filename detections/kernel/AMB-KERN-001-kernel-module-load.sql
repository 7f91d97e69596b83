-- id: AMB-KERN-001
-- title: Kernel module load (or attempt)
-- severity: high
-- mitre: T1547.006, T1014
-- description: init_module or finit_module, whatever the result: a load refused with EPERM,
--   ENOSYS (the syscall filtered) or a signature error is still someone trying to run code in the
--   kernel. The message says loaded or attempt with the error. Critical from a container.
-- why: A kernel module is code in ring 0: rootkits, and the end of every container boundary.
--   Modules are normally loaded at boot by systemd-modules-load or on demand by modprobe run by the
--   kernel.
-- false_positives: modprobe/insmod by an administrator, DKMS installs, systemd-modules-load and
--   udev at boot (reported, at low severity when the loader is modprobe or systemd-*).
SELECT m.time_ns, m.process_id, m.container_id,
       printf('%s %s kernel module %s%s', coalesce(exe_at(m.process_id, m.time_ns), '?'),
              CASE WHEN m.ret >= 0 THEN 'loaded' ELSE 'attempted to load' END,
              coalesce(nullif(m.name, ''), '(unnamed image)'),
              CASE WHEN m.ret >= 0 THEN ''
                   ELSE ': failed with ' || CASE m.ret WHEN -1 THEN 'EPERM' WHEN -2 THEN 'ENOENT'
                        WHEN -8 THEN 'ENOEXEC' WHEN -17 THEN 'EEXIST' WHEN -38 THEN 'ENOSYS'
                        WHEN -61 THEN 'ENODATA' WHEN -129 THEN 'EKEYREJECTED' ELSE 'errno ' || (-m.ret) END
              END || CASE WHEN m.container_id IS NOT NULL THEN ' from a container' ELSE '' END) AS message,
       json_array('module_events:' || m.id) AS evidence,
       CASE WHEN m.container_id IS NOT NULL THEN 'critical'
            WHEN basename(exe_at(m.process_id, m.time_ns)) IN
                 ('modprobe', 'kmod', 'systemd-modules-load', 'systemd-udevd') AND m.container_id IS NULL
              THEN 'low'
            ELSE 'high' END AS severity
FROM module_events m
WHERE m.op IN ('init_module', 'finit_module')

-- id: AMB-ESC-003
-- title: Host block device or host path mounted from a container
-- severity: high
-- mitre: T1611
-- description: mount() in a container of a block device (/dev/sd*, /dev/vd*, /dev/nvme*,
--   /dev/xvd*, /dev/dm-*, /dev/mapper/*) or of a disk filesystem (ext4, xfs, btrfs), or a bind
--   mount whose source is the host root or /proc/1/root. Attempts are included.
-- why: With CAP_SYS_ADMIN and device access (a privileged container), mounting the host's disk
--   gives read and write access to the whole host filesystem: drop a cron job or an SSH key and
--   the escape is done.
-- false_positives: Storage containers (CSI node plugins, Rook/Ceph OSDs) mount devices by design.
SELECT n.time_ns, n.process_id, n.container_id,
       printf('mount of %s on %s (type %s) in a container%s', coalesce(n.source, '?'),
              coalesce(n.target, '?'), coalesce(n.fs_type, '?'),
              CASE WHEN n.ret < 0 THEN printf(': attempt, failed with %d', n.ret) ELSE '' END) AS message,
       json_array('ns_events:' || n.id) AS evidence,
       CASE WHEN n.ret < 0 THEN 'medium' ELSE 'high' END AS severity
FROM ns_events n
WHERE n.op = 'mount' AND n.container_id IS NOT NULL
  AND (n.source GLOB '/dev/sd*' OR n.source GLOB '/dev/vd*' OR n.source GLOB '/dev/nvme*'
       OR n.source GLOB '/dev/xvd*' OR n.source GLOB '/dev/dm-*' OR n.source GLOB '/dev/mapper/*'
       OR n.fs_type IN ('ext4', 'ext3', 'ext2', 'xfs', 'btrfs')
       OR n.source IN ('/', '/proc/1/root') OR n.source GLOB '/proc/1/root/*')

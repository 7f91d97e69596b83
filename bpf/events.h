// The kernel/user ABI of amber-record: the records the BPF programs put into the ring buffer and
// the per-CPU loss counters, as read by record/decoder.cc.
//
// Shared by bpf/*.bpf.c and record/; it includes neither vmlinux.h nor kernel headers, so it uses
// plain C types of fixed width on the LP64 targets the recorder supports (x86-64, arm64). Both
// sides are built from one tree at one time, so the layout needs no versioning; record/decoder.cc
// static_asserts the sizes and that the AMBER_OP_* values equal store::Op.
#ifndef AMBER_BPF_EVENTS_H_
#define AMBER_BPF_EVENTS_H_

// Record kinds (amber_event.kind, amber_batch_hdr.kind).
#define AMBER_REC_EVENT 1   // a kernel event
#define AMBER_REC_CGROUP 2  // first sight of a v1 cgroup: task.cgroup_v1_id and its path (STR_CGROUP)
#define AMBER_REC_BATCH 3   // one CPU's records in the order it made them (amber_batch_hdr)

// The cgroup key of a task (bpf/common.bpf.h task_cgroup_key, record/decoder.h cgroup_key()):
// the kernfs id of its v1 container cgroup when that is not a hierarchy's root, else its v2
// cgroup id with this bit set. The --containers-only map amber_host_cgroups is keyed by it.
#define AMBER_CGROUP_KEY_V2 (1ULL << 63)

// Ops: the wire values of store::Op (store/capture.capnp `Op`), for the ops the kernel side emits.
#define AMBER_OP_FORK 1
#define AMBER_OP_EXEC 2
#define AMBER_OP_EXIT 3
#define AMBER_OP_SETUID 4
#define AMBER_OP_SETGID 5
#define AMBER_OP_SETREUID 6
#define AMBER_OP_SETREGID 7
#define AMBER_OP_SETRESUID 8
#define AMBER_OP_SETRESGID 9
#define AMBER_OP_SETFSUID 10
#define AMBER_OP_SETFSGID 11
#define AMBER_OP_SETGROUPS 12
#define AMBER_OP_CAPSET 13
#define AMBER_OP_CRED_CHANGE 14
#define AMBER_OP_PRCTL 15
#define AMBER_OP_PERSONALITY 16
#define AMBER_OP_UNSHARE 17
#define AMBER_OP_SETNS 18
#define AMBER_OP_MOUNT 19
#define AMBER_OP_UMOUNT 20
#define AMBER_OP_PIVOT_ROOT 21
#define AMBER_OP_CHROOT 22
#define AMBER_OP_FSOPEN 23
#define AMBER_OP_FSCONFIG 24
#define AMBER_OP_FSMOUNT 25
#define AMBER_OP_MOVE_MOUNT 26
#define AMBER_OP_OPEN_TREE 27
#define AMBER_OP_FSPICK 28
#define AMBER_OP_MOUNT_SETATTR 29
#define AMBER_OP_INIT_MODULE 30
#define AMBER_OP_FINIT_MODULE 31
#define AMBER_OP_DELETE_MODULE 32
#define AMBER_OP_BPF 33
#define AMBER_OP_KEXEC_LOAD 34
#define AMBER_OP_KEXEC_FILE_LOAD 35
#define AMBER_OP_KEYCTL 36
#define AMBER_OP_USERFAULTFD 37
#define AMBER_OP_ADD_KEY 38
#define AMBER_OP_PTRACE 39
#define AMBER_OP_PROCESS_VM_WRITEV 40
#define AMBER_OP_PROCESS_VM_READV 41
#define AMBER_OP_KILL 42
#define AMBER_OP_TKILL 43
#define AMBER_OP_TGKILL 44
#define AMBER_OP_PIDFD_SEND_SIGNAL 45
#define AMBER_OP_PIDFD_GETFD 46
#define AMBER_OP_OPEN 47
#define AMBER_OP_UNLINK 48
#define AMBER_OP_RENAME 49
#define AMBER_OP_CHMOD 50
#define AMBER_OP_CHOWN 51
#define AMBER_OP_LINK 52
#define AMBER_OP_SYMLINK 53
#define AMBER_OP_TRUNCATE 54
#define AMBER_OP_UTIMES 55
#define AMBER_OP_MKDIR 56
#define AMBER_OP_MKNOD 57
#define AMBER_OP_MEMFD_CREATE 58
#define AMBER_OP_MPROTECT 59
#define AMBER_OP_MMAP 60
#define AMBER_OP_CONNECT 61
#define AMBER_OP_ACCEPT 62
#define AMBER_OP_BIND 63
#define AMBER_OP_LISTEN 64
#define AMBER_OP_SYSCALL 65
#define AMBER_OP_LIMIT 128  // size of the enabled-ops bitmap

// The ops whose exit handler needs what sys_enter saw (bpf/syscall.bpf.h says why): the clone
// flags, the credentials before an exec or a setuid-family call, and where unshare and setns
// started.
#define AMBER_OP_KEEPS_ENTER_STATE(op)                                                        \
  ((op) == AMBER_OP_FORK || (op) == AMBER_OP_EXEC ||                                          \
   ((op) >= AMBER_OP_SETUID && (op) <= AMBER_OP_CAPSET) || (op) == AMBER_OP_UNSHARE ||       \
   (op) == AMBER_OP_SETNS)

// What a syscall number, native or ia32, asks of the two syscall programs (nr_flags[] in
// bpf/syscall.bpf.h, filled by record/loader.cc): the one array read every syscall of the host
// costs each of them before anything else.
#define AMBER_NR_EXIT 1   // may be a traced syscall: sys_exit decodes it
#define AMBER_NR_ENTER 2  // may be a traced syscall whose op keeps enter state

// String slots: what a string entry means. Each op documents the slots it fills.
#define AMBER_STR_PATH 1       // user-given path (file ops), exec filename (bprm->filename)
#define AMBER_STR_PATH2 2      // rename/link destination, symlink target
#define AMBER_STR_DIR 3        // dentry path of the dfd (or cwd) PATH is relative to
#define AMBER_STR_DIR2 4       // dentry path of the dfd PATH2 is relative to
#define AMBER_STR_FD_PATH 5    // dentry path of the file an fd argument names (fchmod, finit_module)
#define AMBER_STR_INTERP 6     // exec: bprm->interp when it differs from the filename
#define AMBER_STR_CWD 7        // exec: working directory (dentry path)
#define AMBER_STR_ARGV 8       // exec: argument bytes, each argument NUL-terminated
#define AMBER_STR_NAME 9       // control: module name/params, bpf object name, key type, comm
#define AMBER_STR_SOURCE 10    // ns: mount source, fsopen fs name, pivot_root put_old
#define AMBER_STR_TARGET 11    // ns: mount target, chroot path, new root
#define AMBER_STR_FSTYPE 12    // ns: filesystem type
#define AMBER_STR_KEY 13       // ns: fsconfig key
#define AMBER_STR_VALUE 14     // ns: fsconfig value (a prefix)
#define AMBER_STR_SOCKADDR 15  // net: the raw struct sockaddr bytes (binary)
#define AMBER_STR_CGROUP 16    // cgroup record: the v1 cgroup path (dentry-path encoding)
#define AMBER_STR_EXE 17       // exec: dentry path of the executed file

// String entry flags.
#define AMBER_STRF_DPATH 1      // components leaf first, each followed by '/' ("shadow/etc/")
#define AMBER_STRF_TRUNCATED 2  // the source was longer than kept, or the walk hit its depth
#define AMBER_STRF_ROOT_REACHED 4  // dpath: the walk ended at the task's root (else: global root)

// Limits. Documented in docs/recorder.md ("Limits"): argv keeps at most AMBER_ARGV_MAX bytes; a string at
// most AMBER_STRING_MAX; a dentry walk at most AMBER_DPATH_DEPTH components.
#define AMBER_STR_BUF 16384   // bytes of the string area (power of two: masks bound offsets)
#define AMBER_STRING_MAX 1024
#define AMBER_ARGV_MAX 4096
#define AMBER_NAME_MAX 256    // one path component, NUL included
#define AMBER_DPATH_DEPTH 32
#define AMBER_COMM_LEN 16

// Exec flags (args[1] of exec); equal to store::kExecFlag*.
#define AMBER_EXEC_MEMFD 1
#define AMBER_EXEC_DELETED 2
#define AMBER_EXEC_SETUID 4
#define AMBER_EXEC_SETGID 8
#define AMBER_EXEC_ARGV_TRUNCATED 16

// Task flags; store::kTaskFlagKernelThread and store::kTaskFlagCompatSyscall.
#define AMBER_TASK_KTHREAD 1
#define AMBER_TASK_COMPAT 2  // the task is in a syscall made through the 32-bit (ia32) entry

// How an ia32 syscall's arguments become those of the x86-64 syscall whose exit handler reads
// them (ia32_fixes[] in bpf/syscall.bpf.h, filled from record/syscall_table.cc).
#define AMBER_IA32_ID16_ARG0 1     // a 16-bit uid/gid (old_uid_t): 0xffff means -1
#define AMBER_IA32_ID16_ARG1 2
#define AMBER_IA32_ID16_ARG2 4
#define AMBER_IA32_NO_ARG1 8       // oldumount(name): one argument, flags 0
#define AMBER_IA32_MMAP_STRUCT 16  // old_mmap(struct mmap_arg_struct32 *): six u32 in memory
#define AMBER_IA32_SOCKETCALL 32   // socketcall(call, u32 *args): the call picks the syscall

struct amber_task_ctx {
  unsigned long long start_ns;      // group leader's start_boottime
  unsigned long long cap_effective;
  unsigned long long cgroup_id;     // v2 cgroup id
  unsigned long long cgroup_v1_id;  // kernfs id of the task's cgroup in the chosen v1 controller
  unsigned int mnt_ns, pid_ns, user_ns, net_ns, uts_ns, ipc_ns, cgroup_ns;
  unsigned int pid, tid, ppid;
  unsigned int uid, gid, euid, egid, loginuid;
  unsigned int flags;
  char comm[AMBER_COMM_LEN];
};

// One string entry in amber_event.strs: this header, then `len` bytes (no terminator).
struct amber_str_hdr {
  unsigned short len;
  unsigned char slot;
  unsigned char flags;
};

// args[] by family (the decoder maps them onto store::EventArgs):
//   fork:    0 child tgid, 1 child tid, 2 clone flags, 3 child start ns
//   exec:    0 argc, 1 AMBER_EXEC_* flags; strings PATH, INTERP, EXE, CWD, ARGV
//   exit:    0 exit status (0..255), 1 signal
//   cred:    0..2 ids asked for, 3 old uid, 4 old euid, 5 caps (capset: effective asked for;
//            cred_change: effective after)
//   control: 0 cmd, 1 arg; string NAME (or FD_PATH for finit_module)
//   ns:      0 flags, 1 fd, 2 cmd, 3 ns inode; strings SOURCE, TARGET, FSTYPE, KEY, VALUE, DIR
//   target:  0 target pid, 1 signal, 2 request, 3 addr, 4 the pid argument as given (s32)
//   file:    0 flags, 1 mode, 2 owner uid, 3 owner gid; strings PATH, PATH2, DIR, DIR2, FD_PATH
//   memory:  0 addr, 1 length, 2 prot, 3 flags, 4 fd; string NAME
//   net:     0 fd, 1 backlog; string SOCKADDR
struct amber_event {
  unsigned short kind;       // AMBER_REC_*
  unsigned short op;         // AMBER_OP_*
  unsigned short cpu;
  unsigned short str_bytes;  // bytes used in strs
  unsigned int nr;           // syscall number, or ~0 for scheduler events
  unsigned int reserved;
  unsigned long long time_ns;  // CLOCK_BOOTTIME at emission (syscall exit)
  long long ret;
  struct amber_task_ctx task;
  unsigned long long args[6];
  char strs[AMBER_STR_BUF];
};

// Size of a record: the fixed part plus the strings used.
#define AMBER_EVENT_FIXED_SIZE (sizeof(struct amber_event) - AMBER_STR_BUF)

// The ring buffer carries batches, not single records: each CPU builds its records one after the
// other in a batch of its own (bpf/common.bpf.h amber_batch) and puts the whole batch into the
// ring buffer as one record once it holds batch_flush_bytes, or when user space asks that CPU
// to (handle_batch_flush, record/loader.cc). One ring-buffer record then costs a reservation for
// tens of events instead of one each. A ring-buffer record is this header, then `count` records
// (amber_event prefixes of AMBER_EVENT_FIXED_SIZE + str_bytes bytes), each padded to 8 bytes,
// `bytes` in all. A batch that does not fit in the ring buffer is lost whole: its `events`
// (count without the cgroup records) are added to ringbuf_drops.
struct amber_batch_hdr {
  unsigned short kind;  // AMBER_REC_BATCH
  unsigned short cpu;
  unsigned int count;   // records
  unsigned int bytes;   // bytes of records after this header
  unsigned int events;  // records that are events (AMBER_REC_EVENT)
  unsigned long long reserved;
};

#define AMBER_RECORD_ALIGN 8
// A per-CPU batch is a per-CPU array value, at most 32 KiB (the kernel's PCPU_MIN_UNIT_SIZE):
// this header, AMBER_BATCH_DATA bytes of records, then 80 bytes of state only the kernel reads.
#define AMBER_BATCH_VALUE_SIZE 32768
#define AMBER_BATCH_DATA (AMBER_BATCH_VALUE_SIZE - 24 - 80)
// A record is built in place, so it starts at most here: a whole amber_event fits after it.
#define AMBER_BATCH_OFF_MAX (AMBER_BATCH_DATA - 16576)

// Per-CPU loss counters (map amber_losses, one entry). Monotonic: user space diffs readings;
// the last two fields describe the batch being filled instead.
struct amber_loss_counters {
  unsigned long long ringbuf_drops;     // events lost in batches the ring buffer had no room for
  unsigned long long last_drop_ns;      // CLOCK_BOOTTIME of the latest drop
  unsigned long long truncations;       // strings or paths kept incomplete (event kept)
  unsigned long long last_truncation_ns;
  unsigned long long inflight_misses;   // syscall exits whose enter was not seen
  unsigned long long emitted;           // events put into the ring buffer
  unsigned long long batch_pending;     // 1 from before the first record's timestamp to the flush
  unsigned long long batch_first_ns;    // the batch's first record's time; 0 until it is committed
};

#endif  // AMBER_BPF_EVENTS_H_

// SPDX-License-Identifier: GPL-2.0
/* Syscall events: credentials, control (prctl, personality, modules, bpf, kexec, keys,
 * userfaultfd), namespaces and mounts, processes acting on processes, files, memory and network.
 *
 * tp_btf sys_exit tail-calls the syscall's exit handler (arguments, strings, event with the return
 * value), or handles the opens itself; sys_enter keeps arguments in amber_inflight only for the
 * few ops that need the state from before the call: see bpf/syscall.bpf.h for why. Syscalls the
 * kernel does not implement (init_module without module support, kexec without CONFIG_KEXEC) pass
 * through the same programs: an attempt is evidence even when the kernel answers ENOSYS.
 *
 * Paths, dfd-relative ones included: the user-given string is kept as given; when it is relative
 * (first byte not '/'), the exit program also walks the dentry path of its starting directory
 * (AT_FDCWD: the task's cwd; otherwise the dfd's struct file from the task's fd table) and
 * record/decoder.cc joins "<dir>/<path>". Walking at exit, not enter, reads the directory after
 * the call, which matters only for a dfd closed concurrently by another thread; the name itself is
 * not canonicalised (no symlink or ".." resolution), because the kernel has not resolved it for
 * failed calls and a resolved name would hide what the caller asked for. fd-only calls (fchmod,
 * fchown, ftruncate, finit_module) record the fd's dentry path.
 */
#include "bpf/syscall.bpf.h"

char LICENSE[] SEC("license") = "GPL";


#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_TRUNC 01000
#define PROT_EXEC 0x4
#define MAP_ANONYMOUS 0x20
#define PR_SET_NAME 15
#define BPF_MAP_CREATE 0
#define BPF_PROG_LOAD 5
#define FSCONFIG_SET_STRING 1
#define FSCONFIG_SET_BINARY 2
#define FSCONFIG_SET_PATH 3
#define FSCONFIG_SET_PATH_EMPTY 4

/* A user path and, when relative (or empty, as with AT_EMPTY_PATH), the directory it starts
 * from. The first byte is taken from the copy just made: a second read of user memory costs a
 * bpf_probe_read_user with its usercopy checks on every open. */
static __always_inline void put_path_at(struct amber_event *e, u8 slot, u8 dir_slot, int dfd,
					const char *upath)
{
	long n = put_user_str(e, slot, upath);
	if (n < 0)
		return;
	char first = n > 0 ? e->strs[(e->str_bytes - n) & (AMBER_STR_BUF - 1)] : 0;
	if (first != '/')
		put_dfd_dir(e, dir_slot, dfd);
}

/* ---- credentials ---------------------------------------------------------------------------- */
static __always_inline int cred_exit(struct amber_inflight *in, long ret)
{
	struct amber_event *e = event_begin(in->op, in->nr, ret);
	if (!e)
		return 0;
	u32 unchanged = 0xffffffffu;
	switch (in->op) {
	case AMBER_OP_SETUID: case AMBER_OP_SETGID: case AMBER_OP_SETFSUID: case AMBER_OP_SETFSGID:
	case AMBER_OP_SETGROUPS:
		e->args[0] = (u32)in->args[0];
		e->args[1] = unchanged;
		e->args[2] = unchanged;
		break;
	case AMBER_OP_SETREUID: case AMBER_OP_SETREGID:
		e->args[0] = (u32)in->args[0];
		e->args[1] = (u32)in->args[1];
		e->args[2] = unchanged;
		break;
	case AMBER_OP_CAPSET: {
		u32 lo = 0, hi = 0;
		void *data = (void *)in->args[1];
		bpf_probe_read_user(&lo, sizeof(lo), data);
		bpf_probe_read_user(&hi, sizeof(hi), data + 12);
		e->args[0] = e->args[1] = e->args[2] = unchanged;
		e->args[5] = ((u64)hi << 32) | lo;
		break;
	}
	default: /* setresuid, setresgid */
		e->args[0] = (u32)in->args[0];
		e->args[1] = (u32)in->args[1];
		e->args[2] = (u32)in->args[2];
	}
	e->args[3] = in->old_uid;
	e->args[4] = in->old_euid;
	output(e);
	return 0;
}

AMBER_SYSCALL(setuid, 1, AMBER_OP_SETUID, cred_exit)
AMBER_SYSCALL(setgid, 1, AMBER_OP_SETGID, cred_exit)
AMBER_SYSCALL(setreuid, 2, AMBER_OP_SETREUID, cred_exit)
AMBER_SYSCALL(setregid, 2, AMBER_OP_SETREGID, cred_exit)
AMBER_SYSCALL(setresuid, 3, AMBER_OP_SETRESUID, cred_exit)
AMBER_SYSCALL(setresgid, 3, AMBER_OP_SETRESGID, cred_exit)
AMBER_SYSCALL(setfsuid, 1, AMBER_OP_SETFSUID, cred_exit)
AMBER_SYSCALL(setfsgid, 1, AMBER_OP_SETFSGID, cred_exit)
AMBER_SYSCALL(setgroups, 2, AMBER_OP_SETGROUPS, cred_exit)
AMBER_SYSCALL(capset, 2, AMBER_OP_CAPSET, cred_exit)

/* ---- control -------------------------------------------------------------------------------- */
static __always_inline int control_exit(struct amber_inflight *in, long ret)
{
	struct amber_event *e = event_begin(in->op, in->nr, ret);
	if (!e)
		return 0;
	switch (in->op) {
	case AMBER_OP_PRCTL:
		e->args[0] = in->args[0];
		e->args[1] = in->args[1];
		if (in->args[0] == PR_SET_NAME)
			put_user_str(e, AMBER_STR_NAME, (void *)in->args[1]);
		break;
	case AMBER_OP_BPF: {
		e->args[0] = in->args[0];
		void *attr = (void *)in->args[1];
		u32 type = 0;
		bpf_probe_read_user(&type, sizeof(type), attr);
		e->args[1] = type;
		if (in->args[0] == BPF_PROG_LOAD || in->args[0] == BPF_MAP_CREATE) {
			int off = str_begin(e, 16);
			if (off >= 0) {
				/* prog_name at offset 48 of the PROG_LOAD attr, map_name at 28 of MAP_CREATE */
				long n = bpf_probe_read_user_str(&e->strs[off & (AMBER_STR_BUF - 1)], 16,
								 attr + (in->args[0] == BPF_PROG_LOAD ? 48 : 28));
				if (n > 1)
					str_end(e, off, n - 1, AMBER_STR_NAME, 0);
			}
		}
		break;
	}
	case AMBER_OP_ADD_KEY:
		e->args[1] = in->args[4]; /* keyring */
		put_user_str(e, AMBER_STR_NAME, (void *)in->args[0]);
		break;
	case AMBER_OP_INIT_MODULE: /* (image, len, params) */
		e->args[1] = in->args[1];
		put_user_str(e, AMBER_STR_NAME, (void *)in->args[2]);
		break;
	case AMBER_OP_FINIT_MODULE: /* (fd, params, flags) */
		e->args[0] = in->args[2];
		put_file_dpath(e, AMBER_STR_FD_PATH, fd_file(current_task(), (int)in->args[0]));
		put_user_str(e, AMBER_STR_NAME, (void *)in->args[1]);
		break;
	case AMBER_OP_DELETE_MODULE: /* (name, flags) */
		e->args[0] = in->args[1];
		put_user_str(e, AMBER_STR_NAME, (void *)in->args[0]);
		break;
	case AMBER_OP_KEXEC_LOAD: /* (entry, nr_segments, segments, flags) */
		e->args[0] = in->args[3];
		e->args[1] = in->args[1];
		break;
	case AMBER_OP_KEXEC_FILE_LOAD: /* (kernel_fd, initrd_fd, cmdline_len, cmdline, flags) */
		e->args[0] = in->args[4];
		e->args[1] = in->args[1];
		put_file_dpath(e, AMBER_STR_FD_PATH, fd_file(current_task(), (int)in->args[0]));
		put_user_str(e, AMBER_STR_NAME, (void *)in->args[3]);
		break;
	case AMBER_OP_SYSCALL:
		e->args[0] = in->args[0];
		e->args[1] = in->args[1];
		e->args[2] = in->args[2];
		e->args[3] = in->args[3];
		break;
	default: /* personality, keyctl, userfaultfd */
		e->args[0] = in->args[0];
		e->args[1] = in->args[1];
	}
	output(e);
	return 0;
}

AMBER_SYSCALL(prctl, 5, AMBER_OP_PRCTL, control_exit)
AMBER_SYSCALL(personality, 1, AMBER_OP_PERSONALITY, control_exit)
AMBER_SYSCALL(bpf, 3, AMBER_OP_BPF, control_exit)
AMBER_SYSCALL(keyctl, 5, AMBER_OP_KEYCTL, control_exit)
AMBER_SYSCALL(add_key, 5, AMBER_OP_ADD_KEY, control_exit)
AMBER_SYSCALL(userfaultfd, 1, AMBER_OP_USERFAULTFD, control_exit)
AMBER_SYSCALL(init_module, 3, AMBER_OP_INIT_MODULE, control_exit)
AMBER_SYSCALL(finit_module, 3, AMBER_OP_FINIT_MODULE, control_exit)
AMBER_SYSCALL(delete_module, 2, AMBER_OP_DELETE_MODULE, control_exit)
AMBER_SYSCALL(kexec_load, 4, AMBER_OP_KEXEC_LOAD, control_exit)
AMBER_SYSCALL(kexec_file_load, 5, AMBER_OP_KEXEC_FILE_LOAD, control_exit)

/* This CPU's batch into the ring buffer now: run by user space on each CPU whose batch is pending
 * (BPF_PROG_TEST_RUN with BPF_F_TEST_RUN_ON_CPU, an IPI to that CPU: record/loader.cc), so that
 * the records of a CPU with little to do reach the capture within a poll interval, and all of
 * them at stop. Never attached. Returns 1, flushing nothing, when it interrupted a program of this
 * CPU in the middle of a record (the caller asks again). */
SEC("raw_tp")
int handle_batch_flush(void *ctx)
{
	struct amber_batch *b = cpu_batch();
	if (!b)
		return 0;
	if (b->busy)
		return 1;
	amber_batch_flush(b);
	return 0;
}

/* ---- namespaces and mounts ------------------------------------------------------------------ */
static __always_inline int ns_exit(struct amber_inflight *in, long ret)
{
	struct amber_event *e = event_begin(in->op, in->nr, ret);
	if (!e)
		return 0;
	u64 *a = in->args;
	e->args[1] = (u64)-1;
	switch (in->op) {
	case AMBER_OP_UNSHARE:
		e->args[0] = a[0];
		break;
	case AMBER_OP_SETNS: {
		e->args[0] = a[1];
		e->args[1] = a[0];
		struct file *f = fd_file(current_task(), (int)a[0]);
		if (f)
			e->args[3] = BPF_CORE_READ(f, f_inode, i_ino);
		break;
	}
	case AMBER_OP_MOUNT: /* (source, target, type, flags, data) */
		e->args[0] = a[3];
		put_user_str(e, AMBER_STR_SOURCE, (void *)a[0]);
		put_path_at(e, AMBER_STR_TARGET, AMBER_STR_DIR, AT_FDCWD, (void *)a[1]);
		put_user_str(e, AMBER_STR_FSTYPE, (void *)a[2]);
		break;
	case AMBER_OP_UMOUNT: /* (target, flags) */
		e->args[0] = a[1];
		put_path_at(e, AMBER_STR_TARGET, AMBER_STR_DIR, AT_FDCWD, (void *)a[0]);
		break;
	case AMBER_OP_PIVOT_ROOT: /* (new_root, put_old) */
		put_path_at(e, AMBER_STR_TARGET, AMBER_STR_DIR, AT_FDCWD, (void *)a[0]);
		put_user_str(e, AMBER_STR_SOURCE, (void *)a[1]);
		break;
	case AMBER_OP_CHROOT:
		put_path_at(e, AMBER_STR_TARGET, AMBER_STR_DIR, AT_FDCWD, (void *)a[0]);
		break;
	case AMBER_OP_FSOPEN: /* (fs_name, flags) */
		e->args[0] = a[1];
		put_user_str(e, AMBER_STR_FSTYPE, (void *)a[0]);
		break;
	case AMBER_OP_FSCONFIG: { /* (fd, cmd, key, value, aux) */
		e->args[1] = a[0];
		e->args[2] = a[1];
		put_user_str(e, AMBER_STR_KEY, (void *)a[2]);
		u32 cmd = a[1];
		if (cmd == FSCONFIG_SET_STRING || cmd == FSCONFIG_SET_PATH ||
		    cmd == FSCONFIG_SET_PATH_EMPTY)
			put_user_str(e, AMBER_STR_VALUE, (void *)a[3]);
		else if (cmd == FSCONFIG_SET_BINARY)
			put_user_bytes128(e, AMBER_STR_VALUE, (void *)a[3], (u32)a[4]);
		break;
	}
	case AMBER_OP_FSMOUNT: /* (fs_fd, flags, attr_flags) */
		e->args[0] = a[1];
		e->args[1] = a[0];
		e->args[2] = a[2];
		break;
	case AMBER_OP_MOVE_MOUNT: /* (from_dfd, from_path, to_dfd, to_path, flags) */
		e->args[0] = a[4];
		e->args[1] = a[0];
		put_user_str(e, AMBER_STR_SOURCE, (void *)a[1]);
		put_path_at(e, AMBER_STR_TARGET, AMBER_STR_DIR, (int)a[2], (void *)a[3]);
		break;
	default: /* open_tree, fspick (dfd, path, flags); mount_setattr (dfd, path, flags, ...) */
		e->args[0] = a[2];
		e->args[1] = a[0];
		put_path_at(e, AMBER_STR_TARGET, AMBER_STR_DIR, (int)a[0], (void *)a[1]);
	}
	output(e);
	return 0;
}

AMBER_SYSCALL(unshare, 1, AMBER_OP_UNSHARE, ns_exit)
AMBER_SYSCALL(setns, 2, AMBER_OP_SETNS, ns_exit)
AMBER_SYSCALL(mount, 5, AMBER_OP_MOUNT, ns_exit)
AMBER_SYSCALL(umount, 2, AMBER_OP_UMOUNT, ns_exit)
AMBER_SYSCALL(pivot_root, 2, AMBER_OP_PIVOT_ROOT, ns_exit)
AMBER_SYSCALL(chroot, 1, AMBER_OP_CHROOT, ns_exit)
AMBER_SYSCALL(fsopen, 2, AMBER_OP_FSOPEN, ns_exit)
AMBER_SYSCALL(fsconfig, 5, AMBER_OP_FSCONFIG, ns_exit)
AMBER_SYSCALL(fsmount, 3, AMBER_OP_FSMOUNT, ns_exit)
AMBER_SYSCALL(move_mount, 5, AMBER_OP_MOVE_MOUNT, ns_exit)
AMBER_SYSCALL(open_tree, 3, AMBER_OP_OPEN_TREE, ns_exit)
AMBER_SYSCALL(fspick, 3, AMBER_OP_FSPICK, ns_exit)
AMBER_SYSCALL(mount_setattr, 5, AMBER_OP_MOUNT_SETATTR, ns_exit)

/* ---- processes acting on processes ---------------------------------------------------------- */
/* Target pids are given in the caller's pid namespace; the capture names every process by its pid
 * in the initial namespace (docs/capture-format.md, "Target pids"). find_vpid() without kprobes:
 * the namespace's IDR is an xarray of 64-slot nodes (a node pointer is tagged 2 in its low bits;
 * pid_max 2^22 needs 4 levels), walked at syscall exit while the target is normally still there.
 * Returns the host pid number of `nr`, or 0 when no pid has that number there now. */
static __always_inline u32 host_pid_of_vnr(u32 nr)
{
	struct pid *self = BPF_CORE_READ(current_task(), thread_pid);
	unsigned int level = BPF_CORE_READ(self, level);
	if (level == 0 || nr == 0)
		return nr; /* the initial namespace: already a host pid */
	struct pid_namespace *ns = BPF_CORE_READ(self, numbers[level & 31].ns);
	u64 index = nr - BPF_CORE_READ(ns, idr.idr_base);
	u64 entry = (u64)BPF_CORE_READ(ns, idr.idr_rt.xa_head);
	for (int i = 0; i < 6 && (entry & 3) == 2 && entry > 4096; i++) {
		struct xa_node *node = (void *)(entry - 2);
		u32 shift = BPF_CORE_READ(node, shift);
		u64 offset = shift < 64 ? index >> shift : 64;
		if (offset >= 64)
			return 0;
		index -= offset << shift;
		entry = (u64)BPF_CORE_READ(node, slots[offset]);
	}
	if (entry == 0 || (entry & 3) != 0 || index != 0)
		return 0; /* empty, an internal entry, or a single entry at index 0 only */
	return BPF_CORE_READ((struct pid *)entry, numbers[0].nr);
}

/* kill's pid: a process, or a process group when negative (0 and -1 need no translation). */
static __always_inline u32 host_kill_pid(u64 arg)
{
	int pid = (int)arg;
	if (pid < -1)
		return -(int)host_pid_of_vnr(-pid);
	return pid > 0 ? host_pid_of_vnr(pid) : (u32)pid;
}

#define PIDFS_MAGIC 0x50494446
#define ANON_INODE_FS_MAGIC 0x09041934

/* The host pid a pidfd refers to, once the call succeeded (so the fd is a pidfd): pidfs (6.9+)
 * keeps the struct pid in the inode, older kernels' anon-inode pidfds in the file. 0 otherwise
 * (a /proc/<pid> directory fd, which pidfd_send_signal also accepts). */
static __always_inline u32 host_pid_of_pidfd(int fd)
{
	struct file *f = fd_file(current_task(), fd);
	if (!f)
		return 0;
	struct inode *inode = BPF_CORE_READ(f, f_inode);
	unsigned long magic = BPF_CORE_READ(inode, i_sb, s_magic);
	struct pid *pid = NULL;
	if (magic == PIDFS_MAGIC)
		pid = BPF_CORE_READ(inode, i_private);
	else if (magic == ANON_INODE_FS_MAGIC)
		pid = BPF_CORE_READ(f, private_data);
	return pid ? BPF_CORE_READ(pid, numbers[0].nr) : 0;
}

static __always_inline int target_exit(struct amber_inflight *in, long ret)
{
	u64 *a = in->args;
	/* kill(pid, 0) only probes for existence; the full profile keeps it */
	if (in->op == AMBER_OP_KILL && a[1] == 0 && !profile_full)
		return 0;
	struct amber_event *e = event_begin(in->op, in->nr, ret);
	if (!e)
		return 0;
	switch (in->op) {
	case AMBER_OP_PTRACE: /* (request, pid, addr, data) */
		e->args[0] = host_pid_of_vnr(a[1]);
		e->args[2] = a[0];
		e->args[3] = a[2];
		e->args[4] = a[1];
		break;
	case AMBER_OP_PROCESS_VM_WRITEV:
	case AMBER_OP_PROCESS_VM_READV: { /* (pid, lvec, liovcnt, rvec, riovcnt, flags) */
		e->args[0] = host_pid_of_vnr(a[0]);
		e->args[4] = a[0];
		e->args[2] = ret > 0 ? ret : 0;
		u64 base = 0; /* rvec[0].iov_base: a compat iovec is two u32 */
		bpf_probe_read_user(&base, in->compat ? 4 : sizeof(base), (void *)a[3]);
		e->args[3] = base;
		break;
	}
	case AMBER_OP_TGKILL: /* (tgid, tid, sig) */
		e->args[0] = host_pid_of_vnr(a[1]);
		e->args[1] = a[2];
		e->args[3] = host_pid_of_vnr(a[0]);
		e->args[4] = a[1];
		break;
	case AMBER_OP_PIDFD_SEND_SIGNAL: /* (pidfd, sig, info, flags) */
		e->args[0] = ret == 0 ? host_pid_of_pidfd(a[0]) : 0;
		e->args[1] = a[1];
		e->args[3] = a[0];
		break;
	case AMBER_OP_PIDFD_GETFD: /* (pidfd, targetfd, flags) */
		e->args[0] = ret >= 0 ? host_pid_of_pidfd(a[0]) : 0;
		e->args[2] = a[1];
		e->args[3] = a[0];
		break;
	case AMBER_OP_KILL: /* (pid, sig) */
		e->args[0] = host_kill_pid(a[0]);
		e->args[1] = a[1];
		e->args[4] = a[0];
		break;
	default: /* tkill (tid, sig) */
		e->args[0] = host_pid_of_vnr(a[0]);
		e->args[1] = a[1];
		e->args[4] = a[0];
	}
	output(e);
	return 0;
}

AMBER_SYSCALL(ptrace, 4, AMBER_OP_PTRACE, target_exit)
AMBER_SYSCALL(process_vm_writev, 6, AMBER_OP_PROCESS_VM_WRITEV, target_exit)
AMBER_SYSCALL(process_vm_readv, 6, AMBER_OP_PROCESS_VM_READV, target_exit)
AMBER_SYSCALL(kill, 2, AMBER_OP_KILL, target_exit)
AMBER_SYSCALL(tkill, 2, AMBER_OP_TKILL, target_exit)
AMBER_SYSCALL(tgkill, 3, AMBER_OP_TGKILL, target_exit)
AMBER_SYSCALL(pidfd_send_signal, 4, AMBER_OP_PIDFD_SEND_SIGNAL, target_exit)
AMBER_SYSCALL(pidfd_getfd, 3, AMBER_OP_PIDFD_GETFD, target_exit)

#include "bpf/file.bpf.h"
#include "bpf/net_mem.bpf.h"

/* ---- the two attached programs ------------------------------------------------------------ */
#define NR_MMAP 9
#define NR_MPROTECT 10
#define NR_CLONE3 435

/* Every syscall of the host passes here; all but the few whose op keeps enter state return
 * after one array read (natively or as an ia32 number: which of the two, sys_decode tells).
 * Attaching this program at all costs every syscall a tracepoint dispatch, about 50 ns here,
 * which is why nothing else is done for the others (docs/BENCHMARKS.md, "Recorder"). */
SEC("tp_btf/sys_enter")
int BPF_PROG(handle_sys_enter, struct pt_regs *regs, long id)
{
	if (!nr_keeps_enter_state(id))
		return 0;
	struct amber_inflight in;
	u32 op = sys_decode(&in, regs);
	if (!op_keeps_enter_state(op) || !current_wanted(op))
		return 0;
	/* clone3 passes its flags in a user struct: args[0] then holds the flags. */
	if (in.nr == NR_CLONE3) {
		u64 flags = 0;
		bpf_probe_read_user(&flags, sizeof(flags), (void *)in.args[0]);
		in.args[0] = flags;
	}
	in.op = op;
	const struct cred *cred = current_task()->cred;
	in.old_uid = cred->uid.val;
	in.old_euid = cred->euid.val;
	u32 tid = (u32)bpf_get_current_pid_tgid();
	bpf_map_update_elem(&amber_inflight, &tid, &in, BPF_ANY);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(handle_sys_exit, struct pt_regs *regs, long ret)
{
	if (!nr_maybe_traced(SYSCALL_NR(regs)))
		return 0;
	struct amber_inflight *in = exiting_slot();
	if (!in)
		return 0;
	u32 op = sys_decode(in, regs);
	if (!op)
		return 0;
	in->op = op;
	u32 nr = nr_index(in->nr);
	/* mmap and mprotect are frequent: only executable requests (anonymous ones for mmap: every
	 * shared library maps its text executable) go on to the handler. */
	if (nr == NR_MMAP || nr == NR_MPROTECT) {
		u64 prot = in->args[2];
		if (!(prot & PROT_EXEC) || (nr == NR_MMAP && !(in->args[3] & MAP_ANONYMOUS)))
			return 0;
	}
	/* The opens, the most frequent events by far, are handled here: a tail call is an indirect
	 * jump, a retpoline on this kernel, about 25 ns (docs/BENCHMARKS.md, "Recorder"). */
	if (op == AMBER_OP_OPEN) {
		if (current_wanted(op))
			open_family_exit(in, ret);
		return 0;
	}
	/* By the x86-64 number: an ia32 syscall reaches the handler of its x86-64 equivalent, which
	 * reads what was decoded here (exiting_slot). */
	bpf_tail_call(ctx, &amber_exit_progs, nr);
	/* No handler for this number: forget the arguments. */
	if (op_keeps_enter_state(op)) {
		u32 tid = (u32)bpf_get_current_pid_tgid();
		bpf_map_delete_elem(&amber_inflight, &tid);
	}
	return 0;
}

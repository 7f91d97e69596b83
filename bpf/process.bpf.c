// SPDX-License-Identifier: GPL-2.0
/* Process lifecycle: fork/clone (with flags), exec (filename, interpreter, exe, cwd, argv, memfd or
 * deleted file, set-id bits), a uid/euid change across exec, failed execs, and exit.
 *
 * Scheduler tracepoints through tp_btf give typed arguments (bprm, child task); the clone and
 * execve syscalls (entered by syscalls.bpf.c's sys_enter, exited here by tail call) add what
 * the scheduler does not see: clone flags, the credentials before exec, and failed attempts. */
#include "bpf/syscall.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define CLONE_VM 0x00000100
#define CLONE_VFORK 0x00004000
#define SIGCHLD 17
#define S_ISUID 04000
#define S_ISGID 02000
#define S_IXGRP 00010

/* ---- fork ----------------------------------------------------------------------------------- */
static __always_inline int fork_failed(struct amber_inflight *in, long ret)
{
	if (ret >= 0)
		return 0; /* the success was emitted by sched_process_fork */
	struct amber_event *e = event_begin(AMBER_OP_FORK, in->nr, ret);
	if (!e)
		return 0;
	e->args[2] = in->args[0];
	output(e);
	return 0;
}

AMBER_SYSCALL(clone, 5, AMBER_OP_FORK, fork_failed)
AMBER_SYS_EXIT(fork, fork_failed)
AMBER_SYS_EXIT(vfork, fork_failed)
AMBER_SYS_EXIT(clone3, fork_failed)

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	u32 child_tgid = BPF_CORE_READ(child, tgid);
	u32 parent_tgid = bpf_get_current_pid_tgid() >> 32;
	if (filter_tgid && bpf_map_lookup_elem(&amber_followed, &parent_tgid)) {
		u8 one = 1;
		bpf_map_update_elem(&amber_followed, &child_tgid, &one, BPF_ANY);
	}
	if (!current_wanted(AMBER_OP_FORK))
		return 0;
	u32 child_tid = BPF_CORE_READ(child, pid);
	struct amber_event *e = event_begin(AMBER_OP_FORK, ~0u, child_tid);
	if (!e)
		return 0;
	u32 tid = (u32)bpf_get_current_pid_tgid();
	struct amber_inflight *in = bpf_map_lookup_elem(&amber_inflight, &tid);
	u64 flags = 0;
	if (in) {
		if (in->nr == 57)  /* fork (x86-64 numbers; other arches only lose the flags) */
			flags = SIGCHLD;
		else if (in->nr == 58)  /* vfork */
			flags = CLONE_VFORK | CLONE_VM | SIGCHLD;
		else
			flags = in->args[0];
	}
	e->nr = in ? in->nr : ~0u;
	e->args[0] = child_tgid;
	e->args[1] = child_tid;
	e->args[2] = flags;
	e->args[3] = task_start_boottime(untrusted(child, struct task_struct)->group_leader);
	output(e);
	return 0;
}

/* ---- exec ----------------------------------------------------------------------------------- */
static __always_inline int exec_failed(struct amber_inflight *in, long ret)
{
	if (ret >= 0)
		return 0; /* the success was emitted by sched_process_exec */
	/* A shell or execvp walking $PATH fails with ENOENT in every directory but one: noise, kept
	 * only by the full profile. */
	if (ret == -2 && !profile_full)
		return 0;
	struct amber_event *e = event_begin(AMBER_OP_EXEC, in->nr, ret);
	if (!e)
		return 0;
	if (in->nr == 322) { /* execveat(dfd, filename, argv, envp, flags) */
		long n = put_user_str(e, AMBER_STR_PATH, (void *)in->args[1]);
		if (n >= 0) {
			char first = 0;
			bpf_probe_read_user(&first, 1, (void *)in->args[1]);
			if (first != '/')
				put_dfd_dir(e, AMBER_STR_DIR, (int)in->args[0]);
		}
	} else {
		long n = put_user_str(e, AMBER_STR_PATH, (void *)in->args[0]);
		if (n >= 0) {
			char first = 0;
			bpf_probe_read_user(&first, 1, (void *)in->args[0]);
			if (first != '/')
				put_dfd_dir(e, AMBER_STR_DIR, AT_FDCWD);
		}
	}
	output(e);
	return 0;
}

AMBER_SYSCALL(execve, 3, AMBER_OP_EXEC, exec_failed)
AMBER_SYSCALL(execveat, 5, AMBER_OP_EXEC, exec_failed)

static __always_inline void put_argv(struct amber_event *e, struct task_struct *task)
{
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	u64 start = BPF_CORE_READ(mm, arg_start);
	u64 end = BPF_CORE_READ(mm, arg_end);
	if (end <= start)
		return;
	u64 len = end - start;
	u8 flags = 0;
	if (len > AMBER_ARGV_MAX) {
		len = AMBER_ARGV_MAX;
		flags = AMBER_STRF_TRUNCATED;
		e->args[1] |= AMBER_EXEC_ARGV_TRUNCATED;
		count_truncation();
	}
	int off = str_begin(e, AMBER_ARGV_MAX);
	if (off < 0)
		return;
	len &= (AMBER_ARGV_MAX * 2 - 1);
	if (len > AMBER_ARGV_MAX)
		return;
	if (bpf_probe_read_user(&e->strs[off & (AMBER_STR_BUF - 1)], len, (void *)start))
		return;
	str_end(e, off, len, AMBER_STR_ARGV, flags);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_sched_process_exec, struct task_struct *p, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	struct task_struct *task = current_task();
	u32 tgid = bpf_get_current_pid_tgid() >> 32;
	if (!task_wanted(task, tgid))
		return 0;

	if (op_enabled(AMBER_OP_CRED_CHANGE)) {
		u32 key = old_pid;
		struct amber_inflight *in = bpf_map_lookup_elem(&amber_inflight, &key);
		const struct cred *cred = BPF_CORE_READ(task, cred);
		u32 uid = BPF_CORE_READ(cred, uid.val), euid = BPF_CORE_READ(cred, euid.val);
		if (in && (in->old_uid != uid || in->old_euid != euid)) {
			struct amber_event *c = event_begin(AMBER_OP_CRED_CHANGE, in->nr, 0);
			if (c) {
				c->args[0] = uid;
				c->args[1] = euid;
				c->args[2] = 0xffffffffu;
				c->args[3] = in->old_uid;
				c->args[4] = in->old_euid;
				c->args[5] = c->task.cap_effective;
				output(c);
			}
		}
	}
	if (!op_enabled(AMBER_OP_EXEC))
		return 0;

	struct amber_event *e = event_begin(AMBER_OP_EXEC, ~0u, 0);
	if (!e)
		return 0;
	e->args[0] = BPF_CORE_READ(bprm, argc);
	const char *filename = BPF_CORE_READ(bprm, filename);
	const char *interp = BPF_CORE_READ(bprm, interp);
	put_kernel_str(e, AMBER_STR_PATH, filename);
	if (interp && interp != filename)
		put_kernel_str(e, AMBER_STR_INTERP, interp);

	struct file *file = BPF_CORE_READ(bprm, file);
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	u32 nlink = BPF_CORE_READ(inode, __i_nlink);
	u16 mode = BPF_CORE_READ(inode, i_mode);
	u64 flags = 0;
	if (nlink == 0) {
		char name[8] = {};
		bpf_probe_read_kernel_str(name, sizeof(name),
					  BPF_CORE_READ(file, f_path.dentry, d_name.name));
		if (name[0] == 'm' && name[1] == 'e' && name[2] == 'm' && name[3] == 'f' &&
		    name[4] == 'd' && name[5] == ':')
			flags |= AMBER_EXEC_MEMFD;
		else
			flags |= AMBER_EXEC_DELETED;
	}
	if (mode & S_ISUID)
		flags |= AMBER_EXEC_SETUID;
	if ((mode & S_ISGID) && (mode & S_IXGRP))
		flags |= AMBER_EXEC_SETGID;
	e->args[1] = flags;
	put_file_dpath(e, AMBER_STR_EXE, file);
	put_dpath(e, AMBER_STR_CWD, BPF_CORE_READ(task, fs, pwd.dentry),
		  BPF_CORE_READ(task, fs, pwd.mnt));
	put_argv(e, task);
	output(e);
	return 0;
}

/* ---- exit ----------------------------------------------------------------------------------- */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_sched_process_exit, struct task_struct *task)
{
	if (!task_group_dead(task))
		return 0;
	u32 tgid = bpf_get_current_pid_tgid() >> 32;
	bool wanted = current_wanted(AMBER_OP_EXIT);
	if (filter_tgid)
		bpf_map_delete_elem(&amber_followed, &tgid);
	if (!wanted)
		return 0;
	struct amber_event *e = event_begin(AMBER_OP_EXIT, ~0u, 0);
	if (!e)
		return 0;
	int code = BPF_CORE_READ(task, exit_code);
	e->args[0] = (code >> 8) & 0xff;
	e->args[1] = code & 0x7f;
	output(e);
	return 0;
}

/* Syscall enter/exit pairing, shared by the units that trace syscalls.
 *
 * A sys_enter program stores the arguments in amber_inflight keyed by thread id; the matching
 * sys_exit program takes them back out, reads the strings then (the user buffers are still there
 * and were just faulted in by the syscall itself) and emits one event carrying the return value.
 * Each unit has its own amber_inflight (a syscall belongs to exactly one unit). LRU, so entries
 * of tasks that never returned (killed in the syscall, exit_group) age out instead of leaking.
 *
 * The per-syscall tracepoints (syscalls/sys_enter_<name>) are used where the kernel has them; the
 * others go through raw_tracepoint sys_enter/sys_exit with a syscall-number bitmap (rawsys.bpf.c).
 */
#ifndef AMBER_BPF_SYSCALL_BPF_H_
#define AMBER_BPF_SYSCALL_BPF_H_

#include "bpf/common.bpf.h"

struct amber_inflight {
	u64 args[6];
	u32 nr;
	u16 op;
	u16 reserved;
	u32 old_uid;
	u32 old_euid;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, u32);
	__type(value, struct amber_inflight);
} amber_inflight SEC(".maps");

static __always_inline int sys_enter6(u16 op, u32 nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4,
				      u64 a5)
{
	if (!current_wanted(op))
		return 0;
	u32 tid = (u32)bpf_get_current_pid_tgid();
	struct amber_inflight in = {};
	in.args[0] = a0;
	in.args[1] = a1;
	in.args[2] = a2;
	in.args[3] = a3;
	in.args[4] = a4;
	in.args[5] = a5;
	in.nr = nr;
	in.op = op;
	struct task_struct *task = bpf_get_current_task_btf();
	in.old_uid = BPF_CORE_READ(task, cred, uid.val);
	in.old_euid = BPF_CORE_READ(task, cred, euid.val);
	bpf_map_update_elem(&amber_inflight, &tid, &in, BPF_ANY);
	return 0;
}

/* Takes the in-flight entry of the current thread out of the map into *out. */
static __always_inline bool sys_take(struct amber_inflight *out)
{
	u32 tid = (u32)bpf_get_current_pid_tgid();
	struct amber_inflight *in = bpf_map_lookup_elem(&amber_inflight, &tid);
	if (!in)
		return false;
	__builtin_memcpy(out, in, sizeof(*out));
	bpf_map_delete_elem(&amber_inflight, &tid);
	return true;
}

/* Argument i of a syscall taking n: a per-syscall tracepoint's record holds only the n arguments
 * the syscall has, and attaching a program that reads past the record fails with EACCES
 * (perf_event_set_bpf_prog checks the highest context offset the program reads). */
#define AMBER_ARG(ctx, i, n) ((i) < (n) ? (ctx)->args[(i) < (n) ? (i) : 0] : 0)

/* sys_enter_<name> for the per-syscall tracepoints: stores the arguments. */
#define AMBER_SYS_ENTER(name, n, op)                                                         \
	SEC("tracepoint/syscalls/sys_enter_" #name)                                          \
	int handle_enter_##name(struct trace_event_raw_sys_enter *ctx)                       \
	{                                                                                    \
		return sys_enter6(op, ctx->id, AMBER_ARG(ctx, 0, n), AMBER_ARG(ctx, 1, n),   \
				  AMBER_ARG(ctx, 2, n), AMBER_ARG(ctx, 3, n),                 \
				  AMBER_ARG(ctx, 4, n), AMBER_ARG(ctx, 5, n));                \
	}

/* sys_exit_<name>: `handler(struct amber_inflight *in, long ret)` builds and emits the event. */
#define AMBER_SYS_EXIT(name, handler)                                                        \
	SEC("tracepoint/syscalls/sys_exit_" #name)                                           \
	int handle_exit_##name(struct trace_event_raw_sys_exit *ctx)                         \
	{                                                                                    \
		struct amber_inflight in;                                                    \
		if (!sys_take(&in))                                                          \
			return 0;                                                            \
		return handler(&in, ctx->ret);                                               \
	}

#define AMBER_SYSCALL(name, n, op, handler) \
	AMBER_SYS_ENTER(name, n, op)        \
	AMBER_SYS_EXIT(name, handler)

#endif /* AMBER_BPF_SYSCALL_BPF_H_ */

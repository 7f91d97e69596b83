/* Syscall enter/exit pairing, shared by the units that trace syscalls.
 *
 * A sys_enter program stores the arguments in amber_inflight keyed by thread id; the matching
 * sys_exit program takes them back out, reads the strings then (the user buffers are still there
 * and were just faulted in by the syscall itself) and emits one event carrying the return value.
 * amber_inflight and amber_exit_progs are shared by the units (the loader reuses the fds). LRU,
 * so entries of tasks that never returned (killed in the syscall, exit_group) age out.
 *
 * Why raw sys_enter/sys_exit and not the per-syscall tracepoints (syscalls/sys_enter_<name>):
 * on this 6.18 kernel syscall tracepoints are faultable, and detaching a BPF program from one
 * waits for an RCU-tasks-trace grace period (50-100 ms each): with ~170 of them a clean stop took
 * over 10 s. Per-syscall tracepoints also copy the arguments into a perf record before the program
 * runs, and reject programs that read past the syscall's own argument count (EACCES). Two raw
 * programs instead: sys_enter stores the arguments of the syscalls named in raw_op_of_nr, and
 * sys_exit tail-calls the exit handler of that number from amber_exit_progs. Every syscall of the
 * host runs the two raw programs, which return after one array read when the number is not
 * traced. The same path serves syscalls that have no tracepoint at all (init_module here).
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

/* Op for each traced syscall number (0: not traced), set by the loader. */
const volatile __u8 raw_op_of_nr[512] = {};

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

/* Exit handlers by syscall number: handle_raw_sys_exit tail-calls into them. Filled by the
 * loader from the programs' names (handle_exit_<syscall>). */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 512);
	__type(key, u32);
	__type(value, u32);
} amber_exit_progs SEC(".maps");

/* handle_exit_<name>, reached by tail call from raw sys_exit: `handler(struct amber_inflight *in,
 * long ret)` builds and emits the event. */
#define AMBER_SYS_EXIT(name, handler)                                                        \
	SEC("raw_tp")                                                                        \
	int handle_exit_##name(struct bpf_raw_tracepoint_args *ctx)                          \
	{                                                                                    \
		struct amber_inflight in;                                                    \
		if (!sys_take(&in))                                                          \
			return 0;                                                            \
		return handler(&in, (long)ctx->args[1]);                                     \
	}

/* `nargs` and `op` document the call; the op of each number comes from the loader's table. */
#define AMBER_SYSCALL(name, nargs, op, handler) AMBER_SYS_EXIT(name, handler)

#endif /* AMBER_BPF_SYSCALL_BPF_H_ */

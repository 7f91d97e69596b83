/* Syscall enter/exit pairing, shared by the units that trace syscalls.
 *
 * Two programs see every syscall of the host: tp_btf sys_enter and sys_exit (syscalls.bpf.c).
 * sys_exit tail-calls the exit handler of the syscall's number from amber_exit_progs; the handler
 * reads the arguments and the strings then (the user buffers are still there and were just
 * faulted in by the syscall itself) and emits one event carrying the return value.
 *
 * Most handlers take their arguments from the saved user registers at exit: the syscall does not
 * change them (execve does, and x0 on arm64 holds the return value, hence orig_x0). Only the ops
 * that need the state from before the call go through amber_inflight, stored by sys_enter under
 * the thread id (op_keeps_enter_state): the credentials before a setuid-family call or an exec
 * (to report the change), the clone flags (read by sched_process_fork) and the pre-call namespaces
 * for unshare and setns, so that the filters (containers only, --ns) judge a task by where the
 * call started (a setns out of a container is evidence). Every other syscall costs sys_enter one
 * array read. amber_inflight is LRU, so entries of tasks that never returned (killed in the
 * syscall, exit_group) age out.
 *
 * Why raw sys_enter/sys_exit and not the per-syscall tracepoints (syscalls/sys_enter_<name>):
 * on this 6.18 kernel syscall tracepoints are faultable, and detaching a BPF program from one
 * waits for an RCU-tasks-trace grace period (50-100 ms each): with ~170 of them a clean stop took
 * over 10 s. Per-syscall tracepoints also copy the arguments into a perf record before the program
 * runs, and reject programs that read past the syscall's own argument count (EACCES). The same path
 * serves syscalls that have no tracepoint at all (init_module here). Why tp_btf rather than
 * raw_tracepoint: typed arguments, so the registers are read with direct loads instead of one
 * bpf_probe_read_kernel each (docs/BENCHMARKS.md, "Recorder", has the figures).
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

/* The ops whose exit handler needs what sys_enter saw (see the top of this file). */
static __always_inline bool op_keeps_enter_state(u32 op)
{
	return op == AMBER_OP_FORK || op == AMBER_OP_EXEC ||
	       (op >= AMBER_OP_SETUID && op <= AMBER_OP_CAPSET) || op == AMBER_OP_UNSHARE ||
	       op == AMBER_OP_SETNS;
}

/* The syscall arguments in the saved user registers (x86-64: di si dx r10 r8 r9; arm64: x0..x5,
 * with x0 as it was at entry). `regs` is BTF-typed: direct loads. */
#if defined(__TARGET_ARCH_x86)
#define SYSCALL_NR(regs) ((regs)->orig_ax)
#define SYSCALL_ARG0(regs) ((regs)->di)
#define SYSCALL_ARG1(regs) ((regs)->si)
#define SYSCALL_ARG2(regs) ((regs)->dx)
#define SYSCALL_ARG3(regs) ((regs)->r10)
#define SYSCALL_ARG4(regs) ((regs)->r8)
#define SYSCALL_ARG5(regs) ((regs)->r9)
#elif defined(__TARGET_ARCH_arm64)
#define SYSCALL_NR(regs) ((regs)->syscallno)
#define SYSCALL_ARG0(regs) ((regs)->orig_x0)
#define SYSCALL_ARG1(regs) ((regs)->regs[1])
#define SYSCALL_ARG2(regs) ((regs)->regs[2])
#define SYSCALL_ARG3(regs) ((regs)->regs[3])
#define SYSCALL_ARG4(regs) ((regs)->regs[4])
#define SYSCALL_ARG5(regs) ((regs)->regs[5])
#else
#error "amber: syscall registers unknown for this architecture"
#endif

static __always_inline void regs_args(struct amber_inflight *in, struct pt_regs *regs)
{
	in->args[0] = SYSCALL_ARG0(regs);
	in->args[1] = SYSCALL_ARG1(regs);
	in->args[2] = SYSCALL_ARG2(regs);
	in->args[3] = SYSCALL_ARG3(regs);
	in->args[4] = SYSCALL_ARG4(regs);
	in->args[5] = SYSCALL_ARG5(regs);
}

/* At exit: the arguments and op of the current syscall into *out, and whether the event is
 * wanted. From amber_inflight (taken out) for the ops that keep enter state, where sys_enter
 * already applied the filters; from the registers for the others, filtered here. */
static __always_inline bool sys_take(struct amber_inflight *out, struct pt_regs *regs)
{
	u32 nr = SYSCALL_NR(regs);
	if (nr >= 512)
		return false;
	u32 op = raw_op_of_nr[nr];
	if (op_keeps_enter_state(op)) {
		u32 tid = (u32)bpf_get_current_pid_tgid();
		struct amber_inflight *in = bpf_map_lookup_elem(&amber_inflight, &tid);
		if (!in)
			return false;
		__builtin_memcpy(out, in, sizeof(*out));
		bpf_map_delete_elem(&amber_inflight, &tid);
		return true;
	}
	if (!current_wanted(op))
		return false;
	regs_args(out, regs);
	out->nr = nr;
	out->op = op;
	out->old_uid = out->old_euid = 0;
	return true;
}

/* Exit handlers by syscall number: handle_sys_exit tail-calls into them. Filled by the loader from
 * the programs' names (handle_exit_<syscall>); a tail call needs the caller's program type and
 * attach point, hence tp_btf/sys_exit, but the loader never attaches them. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 512);
	__type(key, u32);
	__type(value, u32);
} amber_exit_progs SEC(".maps");

/* handle_exit_<name>, reached by tail call from sys_exit: `handler(struct amber_inflight *in,
 * long ret)` builds and emits the event. */
#define AMBER_SYS_EXIT(name, handler)                                                        \
	SEC("tp_btf/sys_exit")                                                               \
	int BPF_PROG(handle_exit_##name, struct pt_regs *regs, long ret)                     \
	{                                                                                    \
		struct amber_inflight in;                                                    \
		if (!sys_take(&in, regs))                                                    \
			return 0;                                                            \
		return handler(&in, ret);                                                    \
	}

/* `nargs` and `op` document the call; the op of each number comes from the loader's table. */
#define AMBER_SYSCALL(name, nargs, op, handler) AMBER_SYS_EXIT(name, handler)

#endif /* AMBER_BPF_SYSCALL_BPF_H_ */

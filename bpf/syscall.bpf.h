/* Syscall enter/exit pairing, shared by the units that trace syscalls.
 *
 * Two programs see every syscall of the host: tp_btf sys_enter and sys_exit (syscalls.bpf.c).
 * sys_exit tail-calls the exit handler of the syscall's number from amber_exit_progs (the opens it
 * handles itself); the handler reads the arguments and the strings then (the user buffers are
 * still there and were just faulted in by the syscall itself) and emits one event carrying the
 * return value.
 *
 * sys_exit decodes the syscall from the saved user registers (the syscall does not change them;
 * execve does, and x0 on arm64 holds the return value, hence orig_x0) into x86-64 terms
 * (amber_sys_decode: an ia32 syscall becomes the x86-64 one it is, see ia32_native_nr) and leaves
 * the result in a per-CPU slot (exiting_slot) for the handler it tail-calls by that x86-64
 * number. Only the ops that need the state from before the call go through amber_inflight, stored
 * by sys_enter under the thread id (op_keeps_enter_state): the credentials before a setuid-family
 * call or an exec (to report the change), the clone flags (read by sched_process_fork) and the
 * pre-call namespaces for unshare and setns, so that the filters (containers only, --ns) judge a
 * task by where the call started (a setns out of a container is evidence). Every other syscall
 * costs sys_enter and sys_exit one array read each (nr_flags). amber_inflight is
 * LRU, so entries of tasks that never returned (killed in the syscall, exit_group) age out.
 *
 * Why raw sys_enter/sys_exit and not the per-syscall tracepoints (syscalls/sys_enter_<name>):
 * on this 6.18 kernel syscall tracepoints are faultable, and detaching a BPF program from one
 * waits for an RCU-tasks-trace grace period (50-100 ms each): with ~170 of them a clean stop took
 * over 10 s. Per-syscall tracepoints also copy the arguments into a perf record before the program
 * runs, and reject programs that read past the syscall's own argument count (EACCES). The same path
 * serves syscalls that have no tracepoint at all (init_module here). And they never fire for an
 * ia32 syscall (x86's ARCH_TRACE_IGNORE_COMPAT_SYSCALLS): keeping the enter state of the few ops
 * that need it through per-syscall enter tracepoints, whose dispatch costs the other syscalls of
 * the host far less than sys_enter's (docs/BENCHMARKS.md, "Recorder"), would lose the credentials
 * before setuid(0) made through int $0x80. Why tp_btf rather than
 * raw_tracepoint: typed arguments, so the registers are read with direct loads instead of one
 * bpf_probe_read_kernel each (docs/BENCHMARKS.md, "Recorder", has the figures).
 */
#ifndef AMBER_BPF_SYSCALL_BPF_H_
#define AMBER_BPF_SYSCALL_BPF_H_

#include "bpf/common.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, u32);
	__type(value, struct amber_inflight);
} amber_inflight SEC(".maps");

/* Op for each traced syscall number (0: not traced), set by the loader. */
const volatile __u8 raw_op_of_nr[512] = {};

/* 32-bit syscalls (x86-64's ia32 entry: int $0x80, sysenter, a 32-bit binary's syscall) carry the
 * i386 numbers and argument registers (bx cx dx si di bp, 32 bits each). Each ia32 number the
 * recorder understands maps to the x86-64 number whose exit handler reads the same arguments
 * (0: not traced; ia32 setuid16 to setuid, mmap2 to mmap, ...) and the AMBER_IA32_* fixes its
 * arguments need first. Set by the loader from record/syscall_table.cc. A compat syscall is never
 * looked up in raw_op_of_nr by its own number: ia32 165 (getresuid) is not x86-64 165 (mount). */
const volatile __u16 ia32_native_nr[512] = {};
const volatile __u8 ia32_fixes[512] = {};

/* AMBER_NR_* for each syscall number below 512, native and ia32 meanings together. */
const volatile __u8 nr_flags[512] = {};

/* The ops whose exit handler needs what sys_enter saw (see the top of this file). */
static __always_inline bool op_keeps_enter_state(u32 op)
{
	return AMBER_OP_KEEPS_ENTER_STATE(op);
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

/* A syscall number already checked to be below 512, as an index the verifier accepts: the
 * compiler drops a plain `& 511` it knows to be redundant, and the check it keeps may be made on
 * another register than the index. */
static __always_inline u32 nr_index(u32 nr)
{
	asm volatile("%[nr] &= 511" : [nr] "+r"(nr));
	return nr;
}

/* Could this number be a traced syscall, native or ia32? One array read: the cheap test every
 * syscall of the host passes in sys_exit before anything else is read. */
static __always_inline bool nr_maybe_traced(u32 nr)
{
	return nr < 512 && (nr_flags[nr_index(nr)] & AMBER_NR_EXIT);
}

/* Could this number be a traced syscall whose op keeps enter state? sys_enter's only test for
 * every other syscall of the host. */
static __always_inline bool nr_keeps_enter_state(u32 nr)
{
	return nr < 512 && (nr_flags[nr_index(nr)] & AMBER_NR_ENTER);
}

#if defined(__TARGET_ARCH_x86)
#define SOCKETCALL_BIND 2
#define SOCKETCALL_CONNECT 3
#define SOCKETCALL_LISTEN 4
#define SOCKETCALL_ACCEPT 5
#define SOCKETCALL_ACCEPT4 18

/* The x86-64 number for a socketcall(2) call number (the native syscalls the recorder traces). */
static __always_inline u32 socketcall_native_nr(u32 call)
{
	switch (call) {
	case SOCKETCALL_BIND: return 49;
	case SOCKETCALL_CONNECT: return 42;
	case SOCKETCALL_LISTEN: return 50;
	case SOCKETCALL_ACCEPT: return 43;
	case SOCKETCALL_ACCEPT4: return 288;
	default: return 0;
	}
}

/* The AMBER_IA32_* fixes of ia32 syscall `nr` applied to in->args (holding the 32-bit registers
 * in ia32 order); returns the x86-64 number to record it as, 0 when not traced. Global, not
 * inlined: verified once rather than in each of the hundred exit handlers, whose load time it
 * would multiply (its branches times theirs). */
__noinline int amber_ia32_fix(struct amber_inflight *in, u32 nr)
{
	if (!in || nr >= 512)
		return 0;
	nr = nr_index(nr);
	u8 fixes = ia32_fixes[nr];
	u32 native = ia32_native_nr[nr];
	if (fixes & AMBER_IA32_SOCKETCALL) {
		u32 call = in->args[0];
		u32 a[4] = {};
		native = socketcall_native_nr(call);
		if (!native)
			return 0;
		/* the call's own arguments, u32 each; a failed read leaves zeros (the call failed
		 * with EFAULT too) */
		void *p = (void *)in->args[1];
		if (call == SOCKETCALL_LISTEN)
			bpf_probe_read_user(a, 8, p);
		else if (call == SOCKETCALL_ACCEPT4)
			bpf_probe_read_user(a, 16, p);
		else
			bpf_probe_read_user(a, 12, p);
		for (int i = 0; i < 4; i++)
			in->args[i] = a[i];
		in->args[4] = in->args[5] = 0;
	} else if (fixes & AMBER_IA32_MMAP_STRUCT) {
		u32 a[6] = {};
		bpf_probe_read_user(a, sizeof(a), (void *)in->args[0]);
		for (int i = 0; i < 6; i++)
			in->args[i] = a[i];
	}
	for (int i = 0; i < 3; i++) {
		if (fixes & (AMBER_IA32_ID16_ARG0 << i)) {
			u32 id = (u16)in->args[i];
			in->args[i] = id == 0xffff ? 0xffffffffu : id;
		}
	}
	if (fixes & AMBER_IA32_NO_ARG1)
		in->args[1] = 0;
	return native < 512 ? native : 0;
}

#endif

/* The saved user registers a syscall's number and arguments come from, both ways. */
struct amber_sys_regs {
	u64 nr;
	u64 args[6];   /* 64-bit entry: di si dx r10 r8 r9 (arm64: x0..x5) */
	u64 args32[6]; /* ia32 entry: bx cx dx si di bp (x86-64 only) */
	u64 compat;    /* the syscall came through the ia32 entry (x86-64) or from AArch32 (arm64) */
};

/* The current syscall in x86-64 terms into *in (number, arguments, compat), and its op; 0 when it
 * is not traced. A compat syscall goes through the ia32 tables only, never raw_op_of_nr by its own
 * number. arm64: the syscalls of AArch32 tasks are not traced; their numbers are not translated.
 * Called by sys_enter and sys_exit only (the exit handlers read what sys_exit decoded), and
 * global: the callers are verified along one path after it, not once per case. */
__noinline u32 amber_sys_decode(struct amber_inflight *in, const struct amber_sys_regs *r)
{
	if (!in || !r)
		return 0;
	u32 nr = r->nr;
	if (!nr_maybe_traced(nr))
		return 0;
	nr = nr_index(nr);
	if (r->compat) {
#if defined(__TARGET_ARCH_x86)
		in->compat = 1;
		for (int i = 0; i < 6; i++)
			in->args[i] = (u32)r->args32[i]; /* compat wrappers use the low halves only */
		int native = amber_ia32_fix(in, nr);
		if (native <= 0 || native >= 512)
			return 0;
		in->nr = native;
		return raw_op_of_nr[nr_index(native)];
#else
		return 0;
#endif
	}
	in->compat = 0;
	in->nr = nr;
	for (int i = 0; i < 6; i++)
		in->args[i] = r->args[i];
	return raw_op_of_nr[nr];
}

/* The registers of the current syscall, for amber_sys_decode. */
static __always_inline void sys_regs(struct amber_sys_regs *r, struct pt_regs *regs)
{
	r->nr = (u32)SYSCALL_NR(regs); /* the kernel dispatches on the low 32 bits */
	r->args[0] = SYSCALL_ARG0(regs);
	r->args[1] = SYSCALL_ARG1(regs);
	r->args[2] = SYSCALL_ARG2(regs);
	r->args[3] = SYSCALL_ARG3(regs);
	r->args[4] = SYSCALL_ARG4(regs);
	r->args[5] = SYSCALL_ARG5(regs);
#if defined(__TARGET_ARCH_x86)
	r->compat = task_in_compat_syscall(current_task());
	r->args32[0] = regs->bx;
	r->args32[1] = regs->cx;
	r->args32[2] = regs->dx;
	r->args32[3] = regs->si;
	r->args32[4] = regs->di;
	r->args32[5] = regs->bp;
#elif defined(__TARGET_ARCH_arm64)
	r->compat = (regs->pstate & 0x10) != 0; /* PSR_MODE32_BIT */
	for (int i = 0; i < 6; i++)
		r->args32[i] = 0;
#endif
}

static __always_inline u32 sys_decode(struct amber_inflight *in, struct pt_regs *regs)
{
	struct amber_sys_regs r;
	sys_regs(&r, regs);
	/* an op is a u8 (raw_op_of_nr): the mask tells the verifier, for which the global
	 * function's result is any scalar */
	return amber_sys_decode(in, &r) & 0xff;
}

/* The syscall handle_sys_exit decoded, for the exit handler it tail-calls (in this CPU's batch
 * state, which every handler looks up anyway). */
static __always_inline struct amber_inflight *exiting_slot(void)
{
	struct amber_batch *b = cpu_batch();
	return b ? &b->exiting : NULL;
}

/* In an exit handler: the arguments and op of the current syscall (exiting_slot), or NULL
 * when the event is not wanted. For the ops that keep enter state, amber_inflight's entry
 * (taken out) replaces what sys_exit decoded, and sys_enter already applied the filters; the
 * others are filtered here. The handlers read the map value in place: a copy on the stack costs
 * the verifier a state per argument at every branch (the load time of ~100 handlers). */
static __always_inline struct amber_inflight *sys_take(void)
{
	struct amber_inflight *cur = exiting_slot();
	if (!cur)
		return NULL;
	if (op_keeps_enter_state(cur->op)) {
		u32 tid = (u32)bpf_get_current_pid_tgid();
		struct amber_inflight *in = bpf_map_lookup_elem(&amber_inflight, &tid);
		if (!in)
			return NULL;
		__builtin_memcpy(cur, in, sizeof(*cur));
		bpf_map_delete_elem(&amber_inflight, &tid);
		return cur;
	}
	if (!current_wanted(cur->op))
		return NULL;
	cur->old_uid = cur->old_euid = 0;
	return cur;
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
		struct amber_inflight *in = sys_take();                                      \
		if (!in)                                                                     \
			return 0;                                                            \
		return handler(in, ret);                                                     \
	}

/* `nargs` and `op` document the call; the op of each number comes from the loader's table. */
#define AMBER_SYSCALL(name, nargs, op, handler) AMBER_SYS_EXIT(name, handler)

#endif /* AMBER_BPF_SYSCALL_BPF_H_ */

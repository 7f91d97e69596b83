/* Kernel drift, in one place (after libbpf-tools' core_fixes.bpf.h). Each entry names the kernel
 * change it bridges; the programs call these helpers instead of reading the drifting fields.
 * Included by bpf/common.bpf.h after vmlinux.h and bpf_core_read.h. The pointers passed in are
 * BTF-typed (see task_pid_ns_inum in common.bpf.h): the current layout is read with direct
 * loads; the older layouts keep BPF_CORE_READ, in branches the loader drops on this kernel. */
#ifndef AMBER_BPF_CORE_FIXES_BPF_H_
#define AMBER_BPF_CORE_FIXES_BPF_H_

/* Linux 5.5, commit cf25e24db61c ("time: Rename tsk->real_start_time to ->start_boottime"). */
struct task_struct___pre55 {
	u64 real_start_time;
} __attribute__((preserve_access_index));

static __always_inline u64 task_start_boottime(struct task_struct *task)
{
	if (bpf_core_field_exists(task->start_boottime))
		return task->start_boottime;
	return BPF_CORE_READ((struct task_struct___pre55 *)task, real_start_time);
}

/* Linux 6.3, commit f122a08b197d ("capability: just use a 'u64' instead of a 'u32[2]' array"). */
struct kernel_cap_struct___pre63 {
	u32 cap[2];
} __attribute__((preserve_access_index));

struct cred___pre63 {
	struct kernel_cap_struct___pre63 cap_effective;
} __attribute__((preserve_access_index));

static __always_inline u64 cred_cap_effective(const struct cred *cred)
{
	if (bpf_core_type_exists(struct kernel_cap_struct___pre63) &&
	    !bpf_core_field_exists(cred->cap_effective.val)) {
		const struct cred___pre63 *old = (const void *)cred;
		u32 lo = BPF_CORE_READ(old, cap_effective.cap[0]);
		u32 hi = BPF_CORE_READ(old, cap_effective.cap[1]);
		return ((u64)hi << 32) | lo;
	}
	return cred->cap_effective.val;
}

/* Linux 6.15, commit 633488947ef6 ("kernfs: Use RCU to access kernfs_node::parent"): the field
 * became __parent. */
struct kernfs_node___pre615 {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kernfs_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(kn->__parent))
		return kn->__parent;
	return BPF_CORE_READ((struct kernfs_node___pre615 *)kn, parent);
}

/* Linux 5.5, commit 67e96fe5f5ea ("kernfs: convert kernfs_node->id from union kernfs_node_id to
 * u64"): before it, the id was a union whose `id` member held the same 64-bit value. */
union kernfs_node_id___pre55 {
	struct {
		u32 ino;
		u32 generation;
	};
	u64 id;
} __attribute__((preserve_access_index));

struct kernfs_node___pre55 {
	union kernfs_node_id___pre55 id;
} __attribute__((preserve_access_index));

static __always_inline u64 kernfs_id(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(((struct kernfs_node___pre55 *)kn)->id.id))
		return BPF_CORE_READ((struct kernfs_node___pre55 *)kn, id.id);
	return kn->id;
}

/* Audit login uid exists only with CONFIG_AUDIT (task->loginuid, since 2.6.x); -1 otherwise. */
static __always_inline u32 task_loginuid(struct task_struct *task)
{
	if (bpf_core_field_exists(task->loginuid))
		return task->loginuid.val;
	return 0xffffffffu;
}

/* Recent kernels (6.18 here) pass group_dead to sched_process_exit; older ones do not, and a
 * tp_btf program cannot read an argument the prototype lacks. signal->live is decremented before the tracepoint on
 * every kernel (do_exit), so reading it works on both and needs no prototype probing. */
static __always_inline bool task_group_dead(struct task_struct *task)
{
	return BPF_CORE_READ(task, signal, live.counter) == 0;
}

#endif /* AMBER_BPF_CORE_FIXES_BPF_H_ */

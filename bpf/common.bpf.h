/* What every Amber BPF unit shares: the filter settings (const volatile, set between open and
 * load), the maps shared between units (the loader reuses the first unit's fds), the task context,
 * the string area helpers, the dentry-path walk and emission with loss counting.
 *
 * Each unit (process.bpf.c, syscalls.bpf.c) is one BPF object that includes this header; the maps
 * below exist once at run time because record/loader.cc calls bpf_map__reuse_fd on the later units.
 */
#ifndef AMBER_BPF_COMMON_BPF_H_
#define AMBER_BPF_COMMON_BPF_H_

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf/core_fixes.bpf.h"
#include "bpf/events.h"

#define AT_FDCWD -100
#define PF_KTHREAD 0x00200000

/* ---- Settings (record/loader.cc fills them before load) ------------------------------------ */
const volatile __u32 amber_self_tgid = 0;       /* the recorder: never traced */
const volatile __u32 filter_tgid = 0;           /* nonzero: only this process and its descendants */
const volatile bool containers_only = false;  /* drop tasks whose cgroup is in amber_host_cgroups */
const volatile __u64 filter_cgroup_v1_id = 0;   /* nonzero: only tasks in this v1 cgroup or below */
const volatile __u32 filter_ns_inum = 0;        /* nonzero: only tasks with this mnt/pid/net/user ns */
const volatile bool profile_full = false;     /* every open, not only writes and sensitive paths */
/* The v1 controllers whose cgroup names a task's container, in order of preference (0 ends the
 * list; 1 pids, 2 memory, 3 cpu, 4 devices): the first non-root one wins, as in
 * record/cgroup_path.h's ContainerCgroupPath. */
const volatile __u8 cgroup_v1_controllers[3] = {};
const volatile __u64 wakeup_bytes = 0;          /* wake the consumer past this much unread data */
const volatile __u64 enabled_ops[AMBER_OP_LIMIT / 64] = {};  /* bit per AMBER_OP_* */

/* ---- Maps shared by every unit -------------------------------------------------------------- */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20); /* resized by the loader (--ringbuf-size) */
} amber_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct amber_loss_counters);
} amber_losses SEC(".maps");

/* v1 cgroups whose path has been sent (AMBER_REC_CGROUP); LRU, so a forgotten one is re-sent. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, u64);
	__type(value, u8);
} amber_cgroups_sent SEC(".maps");

/* With filter_tgid: the followed processes (the target and its descendants, added at fork). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, u32);
	__type(value, u8);
} amber_followed SEC(".maps");

/* With containers_only: the cgroup keys (task_cgroup_key) user space decided are the host's
 * (record/containers_only.h). Unknown cgroups pass: a new container's first events come before
 * user space can know it is one. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, u64);
	__type(value, u8);
} amber_host_cgroups SEC(".maps");

/* A syscall decoded from the saved user registers, in x86-64 terms (bpf/syscall.bpf.h). */
struct amber_inflight {
	u64 args[6];   /* x86-64 argument order, whatever the entry (see sys_decode) */
	u32 nr;        /* x86-64 number, also for an ia32 syscall (translated) */
	u16 op;
	u16 compat;    /* 1: entered through the ia32 entry (pointers in user structs are 32-bit) */
	u32 old_uid;
	u32 old_euid;
};

/* This CPU's batch (bpf/events.h, amber_batch_hdr): the records are built in place in `data`, one
 * after the other, and the header and data go into the ring buffer together, so an event is
 * copied once, with the whole batch. The state after the data is the kernel's own; it lives here
 * rather than in per-CPU arrays of its own because each per-CPU array more that the ~100 exit
 * handlers look up made each take about 15 ms more to load here (docs/BENCHMARKS.md). Shared by
 * the units: a syscall's exit handler may be in another unit than sys_exit. Programs of one CPU
 * do not nest here (tracepoints run with preemption off; scheduler tracepoints never fire inside
 * the syscall exit handlers' own code); only handle_batch_flush, run from an IPI, may interrupt
 * one, hence `busy`. */
struct amber_batch {
	struct amber_batch_hdr hdr;
	u8 data[AMBER_BATCH_DATA];
	/* A program of this CPU is between event_begin and output (its record is half built) or in
	 * batch_flush: handle_batch_flush leaves the batch alone. Set before the record's timestamp
	 * is taken, so once a flush finds it clear every record stamped before is in the batch. */
	u32 busy;
	u32 reserved;
	/* The v1 cgroup of this CPU's latest event, known to be sent (maybe_send_cgroup). */
	u64 cgroup_last;
	/* The syscall handle_sys_exit decoded, for the exit handler it tail-calls (exiting_slot):
	 * the handlers do not decode again. Nothing runs on this CPU between the write and the tail
	 * call. */
	struct amber_inflight exiting;
};
_Static_assert(sizeof(struct amber_batch) == AMBER_BATCH_VALUE_SIZE, "amber_batch layout");
_Static_assert(sizeof(struct amber_batch_hdr) == 24, "amber_batch_hdr layout");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct amber_batch);
} amber_batches SEC(".maps");

/* A batch goes into the ring buffer once it holds this many bytes (the loader lowers it for a
 * small ring buffer, which must hold several batches). */
const volatile __u32 batch_flush_bytes = AMBER_BATCH_OFF_MAX;

/* ---- Small helpers -------------------------------------------------------------------------- */
static __always_inline bool op_enabled(u32 op)
{
	if (op >= AMBER_OP_LIMIT)
		return false;
	return (enabled_ops[op / 64] >> (op % 64)) & 1;
}

static __always_inline struct amber_loss_counters *loss_counters(void)
{
	u32 zero = 0;
	return bpf_map_lookup_elem(&amber_losses, &zero);
}

static __always_inline struct amber_batch *cpu_batch(void)
{
	u32 zero = 0;
	return bpf_map_lookup_elem(&amber_batches, &zero);
}

/* The kernel's bpf_rdonly_cast kfunc (Linux 6.2; the verifier turns the call into a register
 * move): the same pointer, typed `btf_id` and marked untrusted. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

/* A BTF-typed pointer the verifier treats as untrusted: loads through it are the same guarded
 * direct loads, but verify much faster. Every pointer-typed field loaded through a trusted or RCU
 * pointer (bpf_get_current_task_btf(), a tp_btf argument, and task->real_parent, ->group_leader,
 * ->cgroups read through those) makes the 6.18 verifier look up up to four "<struct>__safe_*"
 * names in vmlinux BTF, a linear scan of all its types each time (btf_nested_type_is_trusted ->
 * btf_find_by_name_kind), on every path it walks: 70% of the ~2.5 s of CPU it took to load the
 * programs (perf; docs/BENCHMARKS.md, "Recorder"). Nothing here needs a trusted pointer: none is
 * passed to a helper or kfunc that asks for one. */
#define untrusted(ptr, type) ((type *)bpf_rdonly_cast((ptr), bpf_core_type_id_kernel(type)))

/* The current task, untrusted (see above). */
static __always_inline struct task_struct *current_task(void)
{
	return untrusted(bpf_get_current_task_btf(), struct task_struct);
}

/* Reads through BTF-typed pointers (current_task(), tp_btf arguments) are plain
 * loads that the JIT guards against faults, with CO-RE offsets; BPF_CORE_READ would call
 * bpf_probe_read_kernel once per pointer step (about 15-30 ns each here). The hot paths use
 * direct loads; BPF_CORE_READ stays for variable indexes (the verifier refuses a variable
 * offset into a BTF object) and in the noinline helpers, whose pointer arguments are scalars. */
static __always_inline u32 task_pid_ns_inum(struct task_struct *task)
{
	struct pid *pid = task->thread_pid;
	unsigned int level = pid->level;
	/* the host is level 0 and a container level 1; deeper nesting takes the helper */
	if (level == 0)
		return pid->numbers[0].ns->ns.inum;
	if (level == 1)
		return pid->numbers[1].ns->ns.inum;
	return BPF_CORE_READ(pid, numbers[level & 31].ns, ns.inum);
}

static __always_inline struct kernfs_node *controller_kn(struct task_struct *task, u8 code)
{
	int id;
	switch (code) {
	case 1: id = bpf_core_enum_value(enum cgroup_subsys_id, pids_cgrp_id); break;
	case 2: id = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id); break;
	case 3: id = bpf_core_enum_value(enum cgroup_subsys_id, cpu_cgrp_id); break;
	case 4: id = bpf_core_enum_value(enum cgroup_subsys_id, devices_cgrp_id); break;
	default: return NULL;
	}
	if (id < 0 || id >= 16)
		return NULL;
	struct cgroup_subsys_state *css = task->cgroups->subsys[id];
	return css ? css->cgroup->kn : NULL;
}

static __always_inline struct kernfs_node *task_cgroup_v1_kn(struct task_struct *task)
{
	struct kernfs_node *first = NULL;
	for (int i = 0; i < 3; i++) {
		struct kernfs_node *kn = controller_kn(task, cgroup_v1_controllers[i]);
		if (!kn)
			break;
		if (kernfs_parent(kn))
			return kn;
		if (!first)
			first = kn;
	}
	return first;
}

/* The current task's cgroup key (AMBER_CGROUP_KEY_V2 in bpf/events.h): its v1 container cgroup
 * unless that is a root, then its v2 cgroup, as record/decoder.cc chooses the cgroup path. */
static __always_inline u64 task_cgroup_key(struct task_struct *task)
{
	struct kernfs_node *kn = task_cgroup_v1_kn(task);
	if (kn && kernfs_parent(kn))
		return kernfs_id(kn);
	return bpf_get_current_cgroup_id() | AMBER_CGROUP_KEY_V2;
}

/* Should events of the current task be recorded at all? Cheap checks first. `task` is current. */
static __always_inline bool task_wanted(struct task_struct *task, u32 tgid)
{
	if (tgid == amber_self_tgid)
		return false;
	if (filter_tgid && !bpf_map_lookup_elem(&amber_followed, &tgid))
		return false;
	if (containers_only) {
		u64 key = task_cgroup_key(task);
		if (bpf_map_lookup_elem(&amber_host_cgroups, &key))
			return false;
	}
	if (filter_ns_inum) {
		struct nsproxy *ns = task->nsproxy;
		if (ns->mnt_ns->ns.inum != filter_ns_inum && task_pid_ns_inum(task) != filter_ns_inum &&
		    ns->net_ns->ns.inum != filter_ns_inum &&
		    task->cred->user_ns->ns.inum != filter_ns_inum)
			return false;
	}
	if (filter_cgroup_v1_id) {
		struct kernfs_node *kn = task_cgroup_v1_kn(task);
		bool found = false;
		for (int i = 0; i < 8 && kn; i++) {
			if (kernfs_id(kn) == filter_cgroup_v1_id) {
				found = true;
				break;
			}
			kn = kernfs_parent(kn);
		}
		if (!found)
			return false;
	}
	return true;
}

static __always_inline bool current_wanted(u32 op)
{
	if (!op_enabled(op))
		return false;
	struct task_struct *task = current_task();
	return task_wanted(task, task->tgid);
}

/* ---- Strings -------------------------------------------------------------------------------- */
/* An entry header at e->str_bytes; returns the offset of its data, or -1 when the area is full
 * (room for `need` bytes of data is required, so the verifier can bound every write). */
static __always_inline int str_begin(struct amber_event *e, u32 need)
{
	u32 off = e->str_bytes;
	if (off > AMBER_STR_BUF - need - sizeof(struct amber_str_hdr))
		return -1;
	return off + sizeof(struct amber_str_hdr);
}

static __always_inline void str_end(struct amber_event *e, int data_off, u32 len, u8 slot,
				    u8 flags)
{
	u32 h = (u32)(data_off - sizeof(struct amber_str_hdr)) & (AMBER_STR_BUF - 1);
	struct amber_str_hdr *hdr = (void *)&e->strs[h];
	if (h > AMBER_STR_BUF - sizeof(*hdr))
		return;
	hdr->len = len;
	hdr->slot = slot;
	hdr->flags = flags;
	e->str_bytes = data_off + len;
}

static __always_inline void count_truncation(void)
{
	struct amber_loss_counters *c = loss_counters();
	if (c) {
		__sync_fetch_and_add(&c->truncations, 1);
		c->last_truncation_ns = bpf_ktime_get_boot_ns();
	}
}

/* A NUL-terminated user string, without its terminator. Global (not inlined) functions are
 * verified once, not at every call site: that keeps load time and program size down. */
__noinline int amber_put_user_str(struct amber_event *e, u32 slot, u64 src_ptr)
{
	const void *src = (const void *)src_ptr;
	if (!e || !src)
		return -1;
	int off = str_begin(e, AMBER_STRING_MAX);
	if (off < 0)
		return -1;
	long n = bpf_probe_read_user_str(&e->strs[off & (AMBER_STR_BUF - 1)], AMBER_STRING_MAX, src);
	if (n <= 0)
		return n;
	u8 flags = 0;
	if (n == AMBER_STRING_MAX) {
		flags |= AMBER_STRF_TRUNCATED;
		count_truncation();
	}
	str_end(e, off, n - 1, slot, flags);
	return n - 1;
}

#define put_user_str(e, slot, src) amber_put_user_str(e, slot, (u64)(src))

static __always_inline long put_kernel_str(struct amber_event *e, u8 slot, const void *src)
{
	if (!src)
		return -1;
	int off = str_begin(e, AMBER_STRING_MAX);
	if (off < 0)
		return -1;
	long n = bpf_probe_read_kernel_str(&e->strs[off & (AMBER_STR_BUF - 1)], AMBER_STRING_MAX, src);
	if (n <= 0)
		return n;
	str_end(e, off, n - 1, slot, n == AMBER_STRING_MAX ? AMBER_STRF_TRUNCATED : 0);
	return n - 1;
}

/* `len` raw user bytes (len <= 128), for struct sockaddr. */
static __always_inline void put_user_bytes128(struct amber_event *e, u8 slot, const void *src,
					      u32 len)
{
	if (!src || len == 0)
		return;
	if (len > 128)
		len = 128;
	int off = str_begin(e, 256);
	if (off < 0)
		return;
	asm volatile("%[len] &= 0xff" : [len] "+r"(len));
	if (bpf_probe_read_user(&e->strs[off & (AMBER_STR_BUF - 1)], len, src))
		return;
	str_end(e, off, len, slot, 0);
}

/* One dentry walk of amber_put_dpath, carried between the steps of its bpf_loop. */
struct amber_dpath_walk {
	struct amber_event *e;
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	struct dentry *root_dentry;
	struct vfsmount *root_mnt;
	u32 off;
	u8 flags;
};

/* One step of the walk: 0 to go on, 1 to stop. */
static long amber_dpath_step(u64 i, void *ctx)
{
	struct amber_dpath_walk *w = ctx;
	struct amber_event *e = w->e;
	struct dentry *dentry = w->dentry;
	struct vfsmount *vfsmnt = w->vfsmnt;
	struct mount *mnt = w->mnt;
	u32 off = w->off;
	if (!e)
		return 1;
	if (dentry == w->root_dentry && vfsmnt == w->root_mnt) {
		w->flags = AMBER_STRF_DPATH | AMBER_STRF_ROOT_REACHED;
		return 1;
	}
	struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
	struct dentry *mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
	if (dentry == mnt_root || dentry == parent) {
		struct mount *mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
		if (dentry != mnt_root || mnt_parent == mnt) {
			/* The global root, or a detached or pseudo-fs dentry (pipe:, memfd:): keep its name. */
			if (dentry == parent && dentry != mnt_root) {
				const unsigned char *name = BPF_CORE_READ(dentry, d_name.name);
				if (off <= AMBER_STR_BUF - AMBER_NAME_MAX) {
					long n = bpf_probe_read_kernel_str(
						&e->strs[off & (AMBER_STR_BUF - 1)], AMBER_NAME_MAX, name);
					if (n > 1)
						w->off = off + n - 1;
				}
			}
			w->flags = AMBER_STRF_DPATH;
			return 1;
		}
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = mnt_parent;
		w->vfsmnt = &mnt_parent->mnt;
		return 0;
	}
	if (off > AMBER_STR_BUF - AMBER_NAME_MAX)
		return 1;
	const unsigned char *name = BPF_CORE_READ(dentry, d_name.name);
	long n = bpf_probe_read_kernel_str(&e->strs[off & (AMBER_STR_BUF - 1)], AMBER_NAME_MAX, name);
	if (n <= 0)
		return 1;
	e->strs[(off + n - 1) & (AMBER_STR_BUF - 1)] = '/';
	w->off = off + n;
	w->dentry = parent;
	return 0;
}

/* The path of a (dentry, vfsmount), walked towards the task's root in the kernel: components leaf
 * first, each followed by '/'; record/decoder.cc reverses them. Crosses mount points; stops at
 * the task's fs root (so a container's paths read as the container sees them), at the global
 * root, or after AMBER_DPATH_DEPTH steps (flagged truncated). The steps run under bpf_loop
 * (Linux 5.17; the verifier inlines it) rather than an unrolled bounded loop: the verifier then
 * checks one step instead of 32, in each of the ~50 programs that walk a path, which was two
 * thirds of the instructions it processed to load them (docs/BENCHMARKS.md, "Recorder"). */
__noinline int amber_put_dpath(struct amber_event *e, u32 slot, u64 dentry_ptr, u64 vfsmnt_ptr)
{
	struct vfsmount *vfsmnt = (struct vfsmount *)vfsmnt_ptr;
	if (!e)
		return 0;
	struct task_struct *task = current_task();
	struct amber_dpath_walk w = {
		.e = e,
		.dentry = (struct dentry *)dentry_ptr,
		.vfsmnt = vfsmnt,
		.mnt = container_of(vfsmnt, struct mount, mnt),
		.root_dentry = BPF_CORE_READ(task, fs, root.dentry),
		.root_mnt = BPF_CORE_READ(task, fs, root.mnt),
		.flags = AMBER_STRF_DPATH | AMBER_STRF_TRUNCATED,
	};
	int start = str_begin(e, AMBER_NAME_MAX);
	if (start < 0 || !w.dentry)
		return 0;
	w.off = start;
	bpf_loop(AMBER_DPATH_DEPTH, amber_dpath_step, &w, 0);
	if (w.flags & AMBER_STRF_TRUNCATED)
		count_truncation();
	str_end(e, start, w.off - start, slot, w.flags);
	return 0;
}

#define put_dpath(e, slot, dentry, mnt) amber_put_dpath(e, slot, (u64)(dentry), (u64)(mnt))

/* The file an fd of `task` (current, untrusted) names, untrusted, or NULL. Direct loads down to
 * the fd array; its variable index takes one bpf_probe_read_kernel (the verifier refuses a
 * variable offset into a BTF object). */
static __always_inline struct file *fd_file(struct task_struct *task, int fd)
{
	if (fd < 0)
		return NULL;
	struct fdtable *fdt = task->files->fdt;
	if ((unsigned int)fd >= fdt->max_fds)
		return NULL;
	u64 fds = (u64)fdt->fd;
	struct file *f = NULL;
	bpf_probe_read_kernel(&f, sizeof(f), (void *)(fds + (u64)fd * sizeof(f)));
	return f ? untrusted(f, struct file) : NULL;
}

static __always_inline void put_file_dpath(struct amber_event *e, u8 slot, struct file *f)
{
	if (!f)
		return;
	put_dpath(e, slot, BPF_CORE_READ(f, f_path.dentry), BPF_CORE_READ(f, f_path.mnt));
}

/* The directory a dfd-relative path starts from: AT_FDCWD is the cwd. */
static __always_inline void put_dfd_dir(struct amber_event *e, u8 slot, int dfd)
{
	struct task_struct *task = current_task();
	if (dfd == AT_FDCWD) {
		put_dpath(e, slot, BPF_CORE_READ(task, fs, pwd.dentry), BPF_CORE_READ(task, fs, pwd.mnt));
		return;
	}
	put_file_dpath(e, slot, fd_file(task, dfd));
}

/* ---- Task context and emission -------------------------------------------------------------- */
#define TS_COMPAT 0x0002 /* arch/x86/include/asm/thread_info.h */

/* x86-64's in_ia32_syscall(): the ia32 entry (int $0x80, sysenter, a 32-bit binary's syscall)
 * sets TS_COMPAT for the syscall's duration and the way back to user space clears it; the 64-bit
 * entry never sets it, whatever the task's binary. exec of a 32-bit binary sets it too, until
 * that exec returns. The code segment would not do: int $0x80 from 64-bit code is an ia32
 * syscall with a 64-bit cs. Other architectures: false (bpf/syscall.bpf.h says what arm64 does). */
static __always_inline bool task_in_compat_syscall(struct task_struct *task)
{
#if defined(__TARGET_ARCH_x86)
	if (bpf_core_field_exists(task->thread_info.status))
		return task->thread_info.status & TS_COMPAT;
#endif
	return false;
}

/* The task context of `task`, current. What the bpf_get_current_{pid_tgid,comm,cgroup_id}
 * helpers would return is read with direct loads instead: three helper calls fewer per event. */
static __always_inline void fill_task(struct amber_task_ctx *t, struct task_struct *task,
				      u64 cgroup_v1_id)
{
	const struct cred *cred = task->cred;
	t->pid = task->tgid;
	t->tid = task->pid;
	t->ppid = task->real_parent->tgid;
	t->start_ns = task_start_boottime(task->group_leader);
	t->uid = cred->uid.val;
	t->gid = cred->gid.val;
	t->euid = cred->euid.val;
	t->egid = cred->egid.val;
	t->loginuid = task_loginuid(task);
	t->cap_effective = cred_cap_effective(cred);
	struct nsproxy *ns = task->nsproxy;
	t->mnt_ns = ns->mnt_ns->ns.inum;
	t->uts_ns = ns->uts_ns->ns.inum;
	t->ipc_ns = ns->ipc_ns->ns.inum;
	t->net_ns = ns->net_ns->ns.inum;
	t->cgroup_ns = ns->cgroup_ns->ns.inum;
	t->pid_ns = task_pid_ns_inum(task);
	t->user_ns = cred->user_ns->ns.inum;
	t->cgroup_id = kernfs_id(task->cgroups->dfl_cgrp->kn);
	t->flags = (task->flags & PF_KTHREAD) ? AMBER_TASK_KTHREAD : 0;
	if (task_in_compat_syscall(task))
		t->flags |= AMBER_TASK_COMPAT;
	/* comm is NUL-terminated within its 16 bytes; the decoder stops at the NUL */
	const u64 *comm = (const u64 *)task->comm;
	u64 *to = (u64 *)t->comm;
	to[0] = comm[0];
	to[1] = comm[1];
	t->cgroup_v1_id = cgroup_v1_id;
}

static __always_inline u64 output_flags(void)
{
	if (wakeup_bytes && bpf_ringbuf_query(&amber_events, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

/* The batch into the ring buffer as one record, then empty. A batch with no room there is lost
 * whole, its events counted. Called with the batch busy, or from handle_batch_flush when it is
 * not (nothing else of this CPU runs then). Global: verified once, not in each of the ~90
 * programs that emit (a call per batch costs nothing that shows). */
__noinline int amber_batch_flush(struct amber_batch *b)
{
	if (!b)
		return 0;
	u64 bytes = b->hdr.bytes;
	if (bytes == 0)
		return 0;
	/* never more: bounds the size for the verifier, on the register the call uses */
	asm volatile("if %[b] <= %[max] goto +1; %[b] = %[max]"
		     : [b] "+r"(bytes)
		     : [max] "i"(AMBER_BATCH_DATA));
	b->hdr.kind = AMBER_REC_BATCH;
	b->hdr.cpu = bpf_get_smp_processor_id();
	struct amber_loss_counters *c = loss_counters();
	if (bpf_ringbuf_output(&amber_events, &b->hdr, sizeof(b->hdr) + bytes, output_flags())) {
		if (c) {
			__sync_fetch_and_add(&c->ringbuf_drops, b->hdr.events);
			c->last_drop_ns = bpf_ktime_get_boot_ns();
		}
	} else if (c) {
		c->emitted += b->hdr.events;
	}
	b->hdr.bytes = 0;
	b->hdr.count = 0;
	b->hdr.events = 0;
	if (c) {
		c->batch_first_ns = 0;
		c->batch_pending = 0;
	}
	return 0;
}

/* Where the next record of this CPU is built: after the last one, in place. The caller set
 * b->busy. The first record of a batch marks it pending first, with a locked (ordered) write, so
 * that user space, which flushes only the CPUs with a batch pending, never misses a record whose
 * timestamp it could have overtaken. */
static __always_inline struct amber_event *record_begin(struct amber_batch *b)
{
	u32 off = b->hdr.bytes;
	if (off > AMBER_BATCH_OFF_MAX)
		return NULL; /* never: record_commit flushes a batch past batch_flush_bytes */
	if (off == 0) {
		struct amber_loss_counters *c = loss_counters();
		if (c)
			__sync_lock_test_and_set(&c->batch_pending, 1);
	}
	return (struct amber_event *)&b->data[off];
}

/* The record built at record_begin is part of the batch; a full batch goes out. `event`: 1 for an
 * event, 0 for a cgroup record (a constant for the verifier, where e->kind would be a branch). */
static __always_inline void record_commit(struct amber_batch *b, struct amber_event *e, u32 event)
{
	u32 size = (AMBER_EVENT_FIXED_SIZE + e->str_bytes + AMBER_RECORD_ALIGN - 1) &
		   ~(AMBER_RECORD_ALIGN - 1);
	if (b->hdr.count == 0) {
		struct amber_loss_counters *c = loss_counters();
		if (c)
			c->batch_first_ns = e->time_ns;
	}
	b->hdr.bytes += size;
	b->hdr.count++;
	b->hdr.events += event;
	if (b->hdr.bytes >= batch_flush_bytes)
		amber_batch_flush(b);
}

/* A v1 cgroup's path, leaf first, at most AMBER_CGROUP_DEPTH components (then flagged
 * truncated); carried between the steps of maybe_send_cgroup's bpf_loop. */
#define AMBER_CGROUP_DEPTH 16

struct amber_cgroup_walk {
	struct amber_event *r;
	struct kernfs_node *kn;
	u32 off;
	u8 flags;
};

/* One component: 0 to go on, 1 to stop. */
static long amber_cgroup_step(u64 i, void *ctx)
{
	struct amber_cgroup_walk *w = ctx;
	struct amber_event *r = w->r;
	struct kernfs_node *kn = w->kn;
	u32 off = w->off;
	if (!r || !kn)
		return 1;
	struct kernfs_node *parent = kernfs_parent(kn);
	if (!parent)
		return 1; /* the hierarchy's root is "/" */
	if (off > AMBER_STR_BUF - AMBER_NAME_MAX)
		return 1;
	long n = bpf_probe_read_kernel_str(&r->strs[off & (AMBER_STR_BUF - 1)], AMBER_NAME_MAX,
					   BPF_CORE_READ(kn, name));
	if (n <= 0)
		return 1;
	r->strs[(off + n - 1) & (AMBER_STR_BUF - 1)] = '/';
	w->off = off + n;
	w->kn = parent;
	if (i == AMBER_CGROUP_DEPTH - 1)
		w->flags |= AMBER_STRF_TRUNCATED;
	return 0;
}

/* A v1 cgroup's first sighting, that of the current task: its path goes into the batch ahead of
 * the event that names it. Global, as amber_batch_flush: it runs once per cgroup. */
__noinline int amber_send_cgroup(struct amber_batch *b, u64 kn_id)
{
	if (!b)
		return 0;
	struct kernfs_node *kn = task_cgroup_v1_kn(current_task());
	struct amber_event *r = record_begin(b);
	if (!r)
		return 0;
	r->kind = AMBER_REC_CGROUP;
	r->op = 0;
	r->str_bytes = 0;
	r->time_ns = bpf_ktime_get_boot_ns();
	r->task.cgroup_v1_id = kn_id;
	int start = str_begin(r, AMBER_NAME_MAX);
	if (start < 0)
		return 0;
	struct amber_cgroup_walk w = {.r = r,
				      .kn = kn,
				      .off = start,
				      .flags = AMBER_STRF_DPATH};
	/* bpf_loop, not a bounded loop: the verifier checks one step, not 16 (docs/BENCHMARKS.md,
	 * "Recorder"). */
	bpf_loop(AMBER_CGROUP_DEPTH, amber_cgroup_step, &w, 0);
	str_end(r, start, w.off - start, AMBER_STR_CGROUP, w.flags);
	record_commit(b, r, 0);
	u8 one = 1;
	bpf_map_update_elem(&amber_cgroups_sent, &kn_id, &one, BPF_ANY);
	return 0;
}

/* The first time a v1 cgroup is met, its path goes into the batch ahead of the event that names
 * it. A task that keeps running on one CPU skips the hash lookup (b->cgroup_last). */
static __always_inline void maybe_send_cgroup(struct amber_batch *b, u64 kn_id)
{
	if (!kn_id || b->cgroup_last == kn_id)
		return;
	b->cgroup_last = kn_id;
	if (bpf_map_lookup_elem(&amber_cgroups_sent, &kn_id))
		return;
	amber_send_cgroup(b, kn_id);
}

/* Starts an event, in place in this CPU's batch: header and task context. Every event_begin that
 * returns an event is followed by output(). */
static __always_inline struct amber_event *event_begin(u16 op, u32 nr, long ret)
{
	struct amber_batch *b = cpu_batch();
	if (!b)
		return NULL;
	b->busy = 1;
	struct task_struct *task = current_task();
	struct kernfs_node *kn = task_cgroup_v1_kn(task);
	u64 kn_id = kn ? kernfs_id(kn) : 0;
	maybe_send_cgroup(b, kn_id);
	struct amber_event *e = record_begin(b);
	if (!e) {
		b->busy = 0;
		return NULL;
	}
	e->kind = AMBER_REC_EVENT;
	e->op = op;
	e->cpu = bpf_get_smp_processor_id();
	e->str_bytes = 0;
	e->nr = nr;
	e->ret = ret;
	e->time_ns = bpf_ktime_get_boot_ns();
	fill_task(&e->task, task, kn_id);
	__builtin_memset(e->args, 0, sizeof(e->args));
	return e;
}

/* The event started by event_begin is complete. */
static __always_inline void output(struct amber_event *e)
{
	struct amber_batch *b = cpu_batch();
	if (!b)
		return;
	record_commit(b, e, 1);
	b->busy = 0;
}

#endif /* AMBER_BPF_COMMON_BPF_H_ */

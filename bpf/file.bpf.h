/* File events (included by syscalls.bpf.c): opens for write or create and of sensitive paths
 * (every open with profile_full), unlink, rename, chmod, chown, link, symlink, truncate, utimes,
 * mkdir, mknod. Path handling is described at the top of syscalls.bpf.c. */
#ifndef AMBER_BPF_FILE_BPF_H_
#define AMBER_BPF_FILE_BPF_H_

#define SENSITIVE_BUF 128

static __always_inline bool has_prefix(const char *buf, const char *prefix, int n)
{
	for (int i = 0; i < n; i++) {
		if (buf[i] != prefix[i])
			return false;
	}
	return true;
}

#define PREFIX(buf, lit) has_prefix(buf, lit, sizeof(lit) - 1)

/* Paths whose mere reading is evidence (credential stores, kernel memory, container escape
 * knobs). Absolute paths only: a sensitive file opened relative to a directory fd is caught by the
 * full profile. Kept short on purpose: each entry costs every read-only open a comparison. */
static __always_inline bool sensitive_path(const char *upath)
{
	char buf[SENSITIVE_BUF] = {};
	long n = bpf_probe_read_user_str(buf, sizeof(buf), upath);
	if (n <= 1 || buf[0] != '/')
		return false;
	if (PREFIX(buf, "/etc/shadow") || PREFIX(buf, "/etc/gshadow") ||
	    PREFIX(buf, "/etc/sudoers") || PREFIX(buf, "/etc/ld.so.preload") ||
	    PREFIX(buf, "/root/.ssh/") || PREFIX(buf, "/proc/kcore") ||
	    PREFIX(buf, "/proc/sys/kernel/core_pattern") || PREFIX(buf, "/dev/mem") ||
	    PREFIX(buf, "/dev/kmem") || PREFIX(buf, "/proc/sysrq-trigger") ||
	    PREFIX(buf, "/sys/kernel/debug/") || PREFIX(buf, "/var/run/secrets/"))
		return true;
	/* /proc/<pid or self>/mem */
	if (PREFIX(buf, "/proc/")) {
		for (int i = 6; i < 24; i++) {
			if (buf[i] == 0)
				break;
			if (buf[i] == '/')
				return buf[(i + 1) & (SENSITIVE_BUF - 1)] == 'm' &&
				       buf[(i + 2) & (SENSITIVE_BUF - 1)] == 'e' &&
				       buf[(i + 3) & (SENSITIVE_BUF - 1)] == 'm' &&
				       buf[(i + 4) & (SENSITIVE_BUF - 1)] == 0;
		}
	}
	/* .../release_agent (cgroup v1 escape) */
	if (n > 14) {
		const char tail[] = "release_agent";
		bool match = true;
		for (int i = 0; i < 13; i++) {
			if (buf[(n - 14 + i) & (SENSITIVE_BUF - 1)] != tail[i]) {
				match = false;
				break;
			}
		}
		if (match)
			return true;
	}
	return false;
}

#define S_IFMT 00170000
#define S_IFCHR 0020000
#define KDEV(major, minor) (((major) << 20) | (minor)) /* the kernel's dev_t: MINORBITS 20 */
#define PROC_SUPER_MAGIC 0x9fa0
#define DEBUGFS_MAGIC 0x64626720
#define TRACEFS_MAGIC 0x74726163
#define EPERM 1
#define EACCES 13

/* A dentry's first 16 name bytes into buf (enough for every name compared here). */
static __always_inline void dentry_name16(struct dentry *d, char *buf)
{
	bpf_probe_read_kernel(buf, 16, d->d_name.name);
}
#define NAME_IS(buf, len, lit) ((len) == sizeof(lit) - 1 && PREFIX(buf, lit))
#define NAME_STARTS(buf, len, lit) ((len) >= sizeof(lit) - 1 && PREFIX(buf, lit))

/* The file an open returned, judged by what it is rather than how the caller spelled its path
 * (`/etc//shadow`, `cd /etc; cat shadow`, a symlink or a hard link all reach these): a char device
 * giving raw memory or port access (mem, kmem, port, wherever its node is), any debugfs or tracefs
 * file, procfs' kcore, <pid>/mem, core_pattern and sysrq-trigger, a cgroup release_agent, and in a
 * directory named etc: shadow*, gshadow*, sudoers*, ld.so.preload; anything in sudoers.d, in
 * root/.ssh, or a service-account file (token, ca.crt) in a kubelet AtomicWriter directory
 * (`..<timestamp>`). Names are compared by length first: most files cost a few loads. */
static __always_inline bool sensitive_file(struct file *f)
{
	if (!f)
		return false;
	/* f is untrusted (fd_file): direct loads, and name bytes read only when a length matches */
	struct inode *inode = f->f_inode;
	if ((inode->i_mode & S_IFMT) == S_IFCHR) {
		u32 rdev = inode->i_rdev;
		return rdev == KDEV(1, 1) || rdev == KDEV(1, 2) || rdev == KDEV(1, 4);
	}
	unsigned long magic = inode->i_sb->s_magic;
	if (magic == DEBUGFS_MAGIC || magic == TRACEFS_MAGIC)
		return true;
	struct dentry *d = f->f_path.dentry;
	u32 len = d->d_name.len;
	char name[16] = {};
	if (magic == PROC_SUPER_MAGIC) {
		if (len != 3 && len != 5 && len != 12 && len != 13)
			return false;
		dentry_name16(d, name);
		return NAME_IS(name, len, "kcore") || NAME_IS(name, len, "mem") ||
		       NAME_IS(name, len, "core_pattern") || NAME_IS(name, len, "sysrq-trigger");
	}
	struct dentry *parent = d->d_parent;
	u32 plen = parent->d_name.len;
	if (len != 13 && plen != 3 && plen != 4 && plen != 9 && plen < 12)
		return false;
	dentry_name16(d, name);
	if (NAME_IS(name, len, "release_agent"))
		return true;
	if (plen != 3 && plen != 4 && plen != 9 && plen < 12)
		return false;
	char pname[16] = {};
	dentry_name16(parent, pname);
	if (NAME_IS(pname, plen, "etc"))
		return NAME_STARTS(name, len, "shadow") || NAME_STARTS(name, len, "gshadow") ||
		       NAME_STARTS(name, len, "sudoers") || NAME_STARTS(name, len, "ld.so.preload");
	if (NAME_IS(pname, plen, "sudoers.d"))
		return true;
	if (NAME_IS(pname, plen, ".ssh")) {
		struct dentry *grand = parent->d_parent;
		char gname[16] = {};
		dentry_name16(grand, gname);
		return NAME_IS(gname, grand->d_name.len, "root");
	}
	/* kubelet writes a projected volume as ..<timestamp>/token behind ..data and token symlinks */
	if (plen >= 12 && pname[0] == '.' && pname[1] == '.')
		return NAME_IS(name, len, "token") || NAME_IS(name, len, "ca.crt");
	return false;
}

/* Opens: every one in the full profile; otherwise those for write or create, those of sensitive
 * files (by what was opened, and by the path as spelled, which also covers a failed call and a
 * service-account token reached across its mount), and reads refused with EACCES or EPERM (a
 * denied read is reconnaissance whatever the path says). A successful open for write, or of a
 * sensitive file, also records the opened file's own path (FD_PATH), so that replay judges the
 * file reached, not the spelling: a symlink or `..` cannot hide it. */
static __always_inline int open_common(struct amber_inflight *in, long ret, int dfd,
				       const char *upath, u64 flags, u64 mode)
{
	bool write = flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC);
	struct file *f = ret >= 0 ? fd_file(current_task(), (int)ret) : NULL;
	bool sensitive = sensitive_file(f);
	if (!profile_full && !write && !sensitive && ret != -EACCES && ret != -EPERM &&
	    !sensitive_path(upath))
		return 0;
	struct amber_event *e = event_begin(AMBER_OP_OPEN, in->nr, ret);
	if (!e)
		return 0;
	e->args[0] = flags;
	e->args[1] = (flags & O_CREAT) ? mode : 0;
	e->args[2] = 0xffffffffu;
	e->args[3] = 0xffffffffu;
	put_path_at(e, AMBER_STR_PATH, AMBER_STR_DIR, dfd, upath);
	if (write || sensitive)
		put_file_dpath(e, AMBER_STR_FD_PATH, f);
	output(e);
	return 0;
}

#define NR_OPEN 2
#define NR_CREAT 85
#define NR_OPENAT2 437

/* open, creat, openat and openat2, handled by handle_sys_exit itself rather than by a tail call
 * (see there); `in` is the wanted syscall's decoded arguments (x86-64 numbers, whatever the entry). */
static __always_inline void open_family_exit(struct amber_inflight *in, long ret)
{
	u64 *a = in->args;
	int dfd = AT_FDCWD;
	const char *upath = (void *)a[0];
	u64 flags, mode;
	switch (in->nr) {
	case NR_OPEN: /* (path, flags, mode) */
		flags = a[1];
		mode = a[2];
		break;
	case NR_CREAT: /* (path, mode) */
		flags = O_CREAT | O_WRONLY | O_TRUNC;
		mode = a[1];
		break;
	case NR_OPENAT2: { /* (dfd, path, struct open_how *, size) */
		u64 how[2] = {}; /* struct open_how { u64 flags; u64 mode; ... } */
		bpf_probe_read_user(how, sizeof(how), (void *)a[2]);
		dfd = (int)a[0];
		upath = (void *)a[1];
		flags = how[0];
		mode = how[1];
		break;
	}
	default: /* openat (dfd, path, flags, mode) */
		dfd = (int)a[0];
		upath = (void *)a[1];
		flags = a[2];
		mode = a[3];
	}
	open_common(in, ret, dfd, upath, flags, mode);
}

/* The other file ops, by argument position (-1: absent). A missing dfd means AT_FDCWD; a path2
 * with dfd2 == -2 is a literal (symlink target), not resolved. `fd` names the file by descriptor. */
static __always_inline int file_emit(struct amber_inflight *in, long ret, int dfd_i, int path_i,
				     int dfd2_i, int path2_i, int flags_i, int mode_i, int uid_i,
				     int gid_i, int fd_i)
{
	u64 *a = in->args;
	struct amber_event *e = event_begin(in->op, in->nr, ret);
	if (!e)
		return 0;
	e->args[0] = flags_i >= 0 ? a[flags_i] : 0;
	e->args[1] = mode_i >= 0 ? a[mode_i] : 0;
	e->args[2] = uid_i >= 0 ? (u32)a[uid_i] : 0xffffffffu;
	e->args[3] = gid_i >= 0 ? (u32)a[gid_i] : 0xffffffffu;
	if (path_i >= 0)
		put_path_at(e, AMBER_STR_PATH, AMBER_STR_DIR, dfd_i >= 0 ? (int)a[dfd_i] : AT_FDCWD,
			    (void *)a[path_i]);
	if (path2_i >= 0) {
		if (dfd2_i == -2)
			put_user_str(e, AMBER_STR_PATH2, (void *)a[path2_i]);
		else
			put_path_at(e, AMBER_STR_PATH2, AMBER_STR_DIR2,
				    dfd2_i >= 0 ? (int)a[dfd2_i] : AT_FDCWD, (void *)a[path2_i]);
	}
	if (fd_i >= 0)
		put_file_dpath(e, AMBER_STR_FD_PATH, fd_file(current_task(), (int)a[fd_i]));
	output(e);
	return 0;
}

/* FILE_SYSCALL(name, nargs, op, dfd, path, dfd2, path2, flags, mode, uid, gid, fd) */
#define FILE_SYSCALL(name, nargs, op, d, p, d2, p2, fl, mo, u, g, fd)                   \
	static __always_inline int name##_file_exit(struct amber_inflight *in, long ret) \
	{                                                                                \
		return file_emit(in, ret, d, p, d2, p2, fl, mo, u, g, fd);               \
	}                                                                                \
	AMBER_SYSCALL(name, nargs, op, name##_file_exit)

FILE_SYSCALL(unlink, 1, AMBER_OP_UNLINK, -1, 0, -1, -1, -1, -1, -1, -1, -1)
FILE_SYSCALL(unlinkat, 3, AMBER_OP_UNLINK, 0, 1, -1, -1, 2, -1, -1, -1, -1)
FILE_SYSCALL(rmdir, 1, AMBER_OP_UNLINK, -1, 0, -1, -1, -1, -1, -1, -1, -1)
FILE_SYSCALL(rename, 2, AMBER_OP_RENAME, -1, 0, -1, 1, -1, -1, -1, -1, -1)
FILE_SYSCALL(renameat, 4, AMBER_OP_RENAME, 0, 1, 2, 3, -1, -1, -1, -1, -1)
FILE_SYSCALL(renameat2, 5, AMBER_OP_RENAME, 0, 1, 2, 3, 4, -1, -1, -1, -1)
FILE_SYSCALL(chmod, 2, AMBER_OP_CHMOD, -1, 0, -1, -1, -1, 1, -1, -1, -1)
FILE_SYSCALL(fchmod, 2, AMBER_OP_CHMOD, -1, -1, -1, -1, -1, 1, -1, -1, 0)
FILE_SYSCALL(fchmodat, 3, AMBER_OP_CHMOD, 0, 1, -1, -1, -1, 2, -1, -1, -1)
FILE_SYSCALL(fchmodat2, 4, AMBER_OP_CHMOD, 0, 1, -1, -1, 3, 2, -1, -1, -1)
FILE_SYSCALL(chown, 3, AMBER_OP_CHOWN, -1, 0, -1, -1, -1, -1, 1, 2, -1)
FILE_SYSCALL(lchown, 3, AMBER_OP_CHOWN, -1, 0, -1, -1, -1, -1, 1, 2, -1)
FILE_SYSCALL(fchown, 3, AMBER_OP_CHOWN, -1, -1, -1, -1, -1, -1, 1, 2, 0)
FILE_SYSCALL(fchownat, 5, AMBER_OP_CHOWN, 0, 1, -1, -1, 4, -1, 2, 3, -1)
FILE_SYSCALL(link, 2, AMBER_OP_LINK, -1, 0, -1, 1, -1, -1, -1, -1, -1)
FILE_SYSCALL(linkat, 5, AMBER_OP_LINK, 0, 1, 2, 3, 4, -1, -1, -1, -1)
FILE_SYSCALL(symlink, 2, AMBER_OP_SYMLINK, -1, 1, -2, 0, -1, -1, -1, -1, -1)
FILE_SYSCALL(symlinkat, 3, AMBER_OP_SYMLINK, 1, 2, -2, 0, -1, -1, -1, -1, -1)
FILE_SYSCALL(truncate, 2, AMBER_OP_TRUNCATE, -1, 0, -1, -1, -1, -1, -1, -1, -1)
FILE_SYSCALL(ftruncate, 2, AMBER_OP_TRUNCATE, -1, -1, -1, -1, -1, -1, -1, -1, 0)
FILE_SYSCALL(utime, 2, AMBER_OP_UTIMES, -1, 0, -1, -1, -1, -1, -1, -1, -1)
FILE_SYSCALL(utimes, 2, AMBER_OP_UTIMES, -1, 0, -1, -1, -1, -1, -1, -1, -1)
FILE_SYSCALL(utimensat, 4, AMBER_OP_UTIMES, 0, 1, -1, -1, 3, -1, -1, -1, -1)
FILE_SYSCALL(futimesat, 3, AMBER_OP_UTIMES, 0, 1, -1, -1, -1, -1, -1, -1, -1)
FILE_SYSCALL(mkdir, 2, AMBER_OP_MKDIR, -1, 0, -1, -1, -1, 1, -1, -1, -1)
FILE_SYSCALL(mkdirat, 3, AMBER_OP_MKDIR, 0, 1, -1, -1, -1, 2, -1, -1, -1)
FILE_SYSCALL(mknod, 3, AMBER_OP_MKNOD, -1, 0, -1, -1, -1, 1, -1, -1, -1)
FILE_SYSCALL(mknodat, 4, AMBER_OP_MKNOD, 0, 1, -1, -1, -1, 2, -1, -1, -1)

#endif /* AMBER_BPF_FILE_BPF_H_ */

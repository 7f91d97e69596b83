/* Memory and network events (included by syscalls.bpf.c): memfd_create, mprotect and anonymous
 * mmap that make memory executable, connect/accept/bind/listen with the raw sockaddr (decoded in
 * user space: IPv4, IPv6, unix paths and abstract names). */
#ifndef AMBER_BPF_NET_MEM_BPF_H_
#define AMBER_BPF_NET_MEM_BPF_H_

static __always_inline int memory_exit(struct amber_inflight *in, long ret)
{
	struct amber_event *e = event_begin(in->op, in->nr, ret);
	if (!e)
		return 0;
	u64 *a = in->args;
	e->args[4] = (u64)-1;
	if (in->op == AMBER_OP_MEMFD_CREATE) { /* (name, flags) */
		e->args[3] = a[1];
		put_user_str(e, AMBER_STR_NAME, (void *)a[0]);
	} else if (in->op == AMBER_OP_MMAP) { /* (addr, len, prot, flags, fd, off) */
		e->args[0] = ret >= 0 || ret < -4095 ? (u64)ret : a[0];
		e->args[1] = a[1];
		e->args[2] = a[2];
		e->args[3] = a[3];
		e->args[4] = a[4];
	} else { /* mprotect (addr, len, prot) */
		e->args[0] = a[0];
		e->args[1] = a[1];
		e->args[2] = a[2];
	}
	output(e);
	return 0;
}

AMBER_SYSCALL(memfd_create, 2, AMBER_OP_MEMFD_CREATE, memory_exit)
AMBER_SYS_EXIT(mprotect, memory_exit)
AMBER_SYS_EXIT(mmap, memory_exit)

static __always_inline int net_exit(struct amber_inflight *in, long ret)
{
	struct amber_event *e = event_begin(in->op, in->nr, ret);
	if (!e)
		return 0;
	u64 *a = in->args;
	e->args[0] = a[0];
	if (in->op == AMBER_OP_LISTEN) {
		e->args[1] = a[1];
	} else if (in->op == AMBER_OP_ACCEPT) { /* (fd, peer, peer_len*) */
		if (ret >= 0 && a[1] && a[2]) {
			int len = 0;
			bpf_probe_read_user(&len, sizeof(len), (void *)a[2]);
			if (len > 0)
				put_user_bytes128(e, AMBER_STR_SOCKADDR, (void *)a[1], len);
		}
	} else { /* connect, bind (fd, addr, len) */
		put_user_bytes128(e, AMBER_STR_SOCKADDR, (void *)a[1], (u32)a[2]);
	}
	output(e);
	return 0;
}

AMBER_SYSCALL(connect, 3, AMBER_OP_CONNECT, net_exit)
AMBER_SYSCALL(accept, 3, AMBER_OP_ACCEPT, net_exit)
AMBER_SYSCALL(accept4, 4, AMBER_OP_ACCEPT, net_exit)
AMBER_SYSCALL(bind, 3, AMBER_OP_BIND, net_exit)
AMBER_SYSCALL(listen, 2, AMBER_OP_LISTEN, net_exit)

#endif /* AMBER_BPF_NET_MEM_BPF_H_ */

# The body of every chunk of an Amber capture file (docs/capture-format.md, "Chunk bodies").
#
# This schema is the only contract between amber-record and amber-replay. It evolves append-only,
# by Cap'n Proto's rules: new fields and new union members get the next ordinal, nothing is ever
# renumbered, retyped or removed, and a reader meeting a union member or enumerant it does not know
# keeps the event as "unknown" rather than failing. fixtures/ holds old captures that guard this.
#
# Compactness: state that does not change per event lives in tables that events reference by
# index. Every chunk carries its own tables (strings, task contexts), so a chunk decodes on its own
# and a torn or corrupt neighbour costs nothing else. An Event is a fixed-size struct with no
# pointers; LZ4 then folds the runs that repeat from one event to the next.

@0xc1f3a2d4e5b60718;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("amber::store::schema");

struct ChunkBody {
  # One Cap'n Proto message per chunk. The chunk kind in the frame header says which lists are
  # filled; a reader ignores the others.

  strings @0 :List(Data);
  # Byte strings referenced by index from contexts, events and processes (a "string ref").
  # Entry 0 is always the empty string, so ref 0 means "absent". Data, not Text: paths and argv
  # from a host are arbitrary bytes, not UTF-8.

  contexts @1 :List(TaskContext);
  # The distinct task contexts of this chunk's events.

  events @2 :List(Event);
  # Chunk kind "events": kernel events in the order the recorder consumed them.

  processes @3 :List(ProcessRecord);
  # Chunk kind "snapshot": processes alive when recording began.

  containers @4 :List(ContainerRecord);
  # Chunk kind "containers": container metadata, when first seen and each time it changes.

  losses @5 :List(LossRecord);
  # Chunk kind "losses": events that were lost, counted, with their time window.

  stats @6 :RecorderStats;
  # Chunk kind "stats": the recorder's counters at one instant.

  header @7 :CaptureHeader;
  # Chunk kind "header": exactly one, the first chunk of every file.

  footer @8 :Footer;
  # Chunk kind "footer": at most one, the last chunk, written on a clean stop.
}

struct TaskContext {
  # Who did it: identity of the calling task at the time of the event. Events refer to it by index.

  pid @0 :UInt32;            # Thread-group id (the "process id"), in the initial pid namespace.
  tid @1 :UInt32;            # Thread id, in the initial pid namespace.
  ppid @2 :UInt32;           # Thread-group id of the real parent at the time of the event.
  processStartNs @3 :UInt64; # Boot-time ns at which the thread-group leader started; with pid, the process key.
  uid @4 :UInt32;            # Real user id, as seen from the initial user namespace.
  gid @5 :UInt32;            # Real group id.
  euid @6 :UInt32;           # Effective user id.
  egid @7 :UInt32;           # Effective group id.
  loginUid @8 :UInt32;       # Audit login uid (4294967295 when unset).
  capEffective @9 :UInt64;   # Effective capability bitmask (bit n = capability n).
  mntNs @10 :UInt64;         # Inode number of the mount namespace.
  pidNs @11 :UInt64;         # Inode number of the pid namespace the task's pids live in.
  userNs @12 :UInt64;        # Inode number of the user namespace of the task's credentials.
  netNs @13 :UInt64;         # Inode number of the network namespace.
  utsNs @14 :UInt64;         # Inode number of the UTS namespace.
  ipcNs @15 :UInt64;         # Inode number of the IPC namespace.
  cgroupNs @16 :UInt64;      # Inode number of the cgroup namespace.
  cgroupId @17 :UInt64;      # Cgroup v2 id (kernfs node id); the root on a hybrid host.
  cgroupPath @18 :UInt32;    # String ref: the cgroup path that identifies a container (docs/capture-format.md, "Cgroup path").
  containerId @19 :UInt32;   # String ref: the container id resolved by the recorder; 0 for the host.
  comm @20 :UInt32;          # String ref: the task's comm (at most 15 bytes).
  flags @21 :UInt32;         # TaskFlags bits.
}

const taskFlagKernelThread :UInt32 = 1;   # The task is a kernel thread (PF_KTHREAD).
const taskFlagRecorder :UInt32 = 2;       # The task belongs to the recorder itself (never normally written).
const taskFlagCompatSyscall :UInt32 = 4;  # The event's syscall came through the 32-bit (ia32) entry: op and
                                          # arguments are translated (docs/capture-format.md, "32-bit syscalls").

enum Op {
  # What happened. The wire value is stable forever; append only.
  unknown @0;
  fork @1;            # fork, vfork, clone, clone3: a new task. Family fork.
  exec @2;            # execve, execveat. Family exec.
  exit @3;            # The thread group's last task exited. Family exit.
  setuid @4;          # Family cred, and so on through capset.
  setgid @5;
  setreuid @6;
  setregid @7;
  setresuid @8;
  setresgid @9;
  setfsuid @10;
  setfsgid @11;
  setgroups @12;
  capset @13;
  credChange @14;     # Real or effective uid changed across a syscall that is not a set*id (exec of a setuid file, say).
  prctl @15;          # Family control.
  personality @16;    # Family control.
  unshare @17;        # Family ns, through openTree.
  setns @18;
  mount @19;
  umount @20;
  pivotRoot @21;
  chroot @22;
  fsopen @23;
  fsconfig @24;
  fsmount @25;
  moveMount @26;
  openTree @27;
  fspick @28;
  mountSetattr @29;
  initModule @30;     # Family control, through addKey.
  finitModule @31;
  deleteModule @32;
  bpf @33;
  kexecLoad @34;
  kexecFileLoad @35;
  keyctl @36;
  userfaultfd @37;
  addKey @38;
  ptrace @39;         # Family target, through pidfdGetfd.
  processVmWritev @40;
  processVmReadv @41;
  kill @42;
  tkill @43;
  tgkill @44;
  pidfdSendSignal @45;
  pidfdGetfd @46;
  open @47;           # Family file, through mknod.
  unlink @48;
  rename @49;
  chmod @50;
  chown @51;
  link @52;
  symlink @53;
  truncate @54;
  utimes @55;
  mkdir @56;
  mknod @57;
  memfdCreate @58;    # Family memory, through mmap.
  mprotect @59;
  mmap @60;
  connect @61;        # Family net, through listen.
  accept @62;
  bind @63;
  listen @64;
  syscall @65;        # Family syscall: any other syscall, by number.
}

struct Event {
  timeNs @0 :UInt64;   # Boot-time ns (CLOCK_BOOTTIME) when the event completed.
  context @1 :UInt32;  # Index into ChunkBody.contexts.
  cpu @2 :UInt16;      # CPU that ran the program.
  op @3 :Op;
  ret @4 :Int64;       # Syscall return value: negative errno on failure; 0 where there is none.

  union {
    none @5 :Void;     # An op with no arguments worth keeping.

    fork :group {
      childPid @6 :UInt32;      # Thread-group id of the new task (== childTid for a new process).
      childTid @7 :UInt32;      # Thread id of the new task.
      cloneFlags @8 :UInt64;    # CLONE_* flags (namespace flags included).
      childStartNs @9 :UInt64;  # Boot-time ns the new task started: the child's process key.
    }

    exec :group {
      filename @10 :UInt32;     # String ref: the path as resolved by the kernel (bprm->filename).
      interpreter @11 :UInt32;  # String ref: the script interpreter (bprm->interp) when it differs.
      cwd @12 :UInt32;          # String ref: working directory.
      argv @13 :UInt32;         # String ref: the arguments, each followed by one NUL byte.
      argc @14 :UInt32;         # Number of arguments the program received (may exceed those kept).
      execFlags @15 :UInt32;    # ExecFlags bits.
      executable @66 :UInt32;   # String ref: the path of the file the kernel loaded (bprm->file, walked
                                # from its dentry: symlinks resolved; for a script, its interpreter's
                                # binary), kept when it differs from `filename`; 0 otherwise and in
                                # captures from recorders before it existed.
    }

    exit :group {
      exitCode @16 :Int32;      # The exit status (the value given to exit, 0..255).
      exitSignal @17 :UInt32;   # Signal that killed the process, 0 if it exited.
    }

    cred :group {
      id0 @18 :UInt32;          # The ids the call asked for, in argument order (4294967295 = unchanged).
      id1 @19 :UInt32;
      id2 @20 :UInt32;
      oldUid @21 :UInt32;       # Real uid before the call.
      oldEuid @22 :UInt32;      # Effective uid before the call.
      caps @23 :UInt64;         # capset: effective set asked for; credChange: effective set after.
    }

    control :group {
      # prctl, personality, module, bpf, kexec, keyctl, userfaultfd, add_key.
      cmd @24 :UInt64;          # prctl option, bpf command, keyctl command, personality, flags...
      arg @25 :UInt64;          # prctl arg2, bpf program/map type, module image length...
      name @26 :UInt32;         # String ref: module name or path, bpf object name, key type, comm set.
    }

    ns :group {
      # unshare, setns, mount, umount, pivot_root, chroot, fsopen .. mount_setattr.
      nsFlags @27 :UInt64;      # unshare/setns CLONE_NEW* flags; mount/umount/fsmount/move_mount flags.
      fd @28 :Int32;            # setns fd, fsconfig/fsmount fd, move_mount from-fd.
      nsCmd @29 :UInt32;        # fsconfig command (FSCONFIG_*).
      source @30 :UInt32;       # String ref: mount source, fsopen filesystem name, old root.
      target @31 :UInt32;       # String ref: mount target, new root, chroot path.
      fsType @32 :UInt32;       # String ref: filesystem type.
      key @33 :UInt32;          # String ref: fsconfig key.
      value @34 :UInt32;        # String ref: fsconfig value (a prefix; see docs).
      nsInode @35 :UInt64;      # setns: inode of the namespace entered (0 if unknown).
    }

    target :group {
      # ptrace, process_vm_*, kill family, pidfd_*.
      targetPid @36 :UInt32;    # The task acted upon (tgid or tid as the call takes it), by its pid in the
                                # initial pid namespace like TaskContext.pid: the recorder translates what
                                # the caller gave in its own namespace. 0 when not found; kill's process
                                # groups stay negative. See docs/capture-format.md, "Target pids".
      signal @37 :UInt32;       # Signal sent; 0 for other ops.
      request @38 :UInt64;      # ptrace request; bytes for process_vm_*.
      addr @39 :UInt64;         # ptrace addr; remote address for process_vm_*; tgkill's tgid (host pid);
                                # pidfd_*'s descriptor.
      givenPid @64 :Int32;      # The pid argument exactly as the caller passed it, in the caller's own
                                # pid namespace (tgkill: the tid; kill: negative for a process group),
                                # kept whether or not the recorder found the target. 0 for pidfd_* and
                                # in captures from recorders before it was added.
    }

    file :group {
      path @40 :UInt32;         # String ref: the absolute path, dfd-relative ones resolved.
      path2 @41 :UInt32;        # String ref: rename/link destination, symlink target.
      fileFlags @42 :UInt32;    # open flags (O_*), rename/link/unlink/utimes AT_* flags.
      mode @43 :UInt32;         # Creation mode or new mode bits.
      ownerUid @44 :UInt32;     # chown: new owner (4294967295 = unchanged).
      ownerGid @45 :UInt32;     # chown: new group.
      openedPath @65 :UInt32;   # String ref, open only: the path of the file the call opened, walked
                                # from its dentry by the kernel side (symlinks and ".." resolved, as
                                # the caller's root sees it), kept for opens for write and of
                                # sensitive files when it differs from `path`; 0 otherwise.
    }

    memory :group {
      addr @46 :UInt64;         # Start address (mmap: hint or result; mprotect: start).
      length @47 :UInt64;       # Length in bytes.
      prot @48 :UInt32;         # PROT_* bits.
      memFlags @49 :UInt32;     # MAP_* or MFD_* flags.
      memFd @50 :Int32;         # mmap file descriptor, -1 for anonymous.
      memName @51 :UInt32;      # String ref: memfd name.
    }

    net :group {
      family @52 :UInt16;       # AF_INET (2), AF_INET6 (10), AF_UNIX (1).
      port @53 :UInt16;         # Port in host byte order.
      addrHi @54 :UInt64;       # Address bytes 0..7, big-endian (IPv6), or 0 for IPv4.
      addrLo @55 :UInt64;       # Address bytes 8..15, big-endian; IPv4 is the low 32 bits.
      sockPath @56 :UInt32;     # String ref: unix socket path (abstract names start with '@').
      sockFd @57 :Int32;        # The socket descriptor.
      backlog @58 :UInt32;      # listen backlog.
    }

    syscall :group {
      nr @59 :UInt32;           # x86-64 syscall number.
      arg0 @60 :UInt64;
      arg1 @61 :UInt64;
      arg2 @62 :UInt64;
      arg3 @63 :UInt64;
    }
  }
}

const execFlagMemfd :UInt32 = 1;          # The executable is a memfd (fileless).
const execFlagDeleted :UInt32 = 2;        # The executable was unlinked (no link left on disk).
const execFlagSetuid :UInt32 = 4;         # The executable has the set-user-id bit.
const execFlagSetgid :UInt32 = 8;         # The executable has the set-group-id bit.
const execFlagArgvTruncated :UInt32 = 16; # argv was longer than the recorder keeps.

struct ProcessRecord {
  # A process alive when recording began (from /proc), or one the recorder learned about later.
  context @0 :TaskContext;   # Identity, credentials, namespaces and cgroup of the thread-group leader.
  exe @1 :UInt32;            # String ref: /proc/PID/exe target.
  cwd @2 :UInt32;            # String ref: /proc/PID/cwd target.
  argv @3 :UInt32;           # String ref: /proc/PID/cmdline, each argument followed by one NUL.
  observedNs @4 :UInt64;     # Boot-time ns when the recorder read it.
}

struct KeyValue {
  key @0 :Data;
  value @1 :Data;
}

struct MountRecord {
  source @0 :Data;
  destination @1 :Data;
  type @2 :Data;
  options @3 :List(Data);
}

struct ContainerRecord {
  id @0 :Data;               # Full container id (64 hex digits for OCI runtimes).
  name @1 :Data;             # Runtime or orchestrator name.
  image @2 :Data;            # Image reference as given to the runtime.
  imageDigest @3 :Data;      # Image content digest (sha256:...), empty when unknown.
  runtime @4 :Data;          # docker, containerd, cri-o, podman, runc.
  cgroupPath @5 :Data;       # The cgroup path the id was taken from.
  labels @6 :List(KeyValue); # Runtime labels.
  annotations @7 :List(KeyValue); # OCI annotations (Kubernetes' io.kubernetes.* among them).
  podName @8 :Data;
  podNamespace @9 :Data;
  podUid @10 :Data;
  privileged @11 :Bool;      # Runs with all capabilities / device access (runtime's own judgement or config).
  mounts @12 :List(MountRecord);
  initPid @13 :UInt32;       # Host pid of the container's first process, 0 if unknown.
  observedNs @14 :UInt64;    # Boot-time ns when this metadata was read.
  bundle @15 :Data;          # OCI bundle directory.
  status @16 :Data;          # Runtime status when read (created, running, stopped).
  capabilities @17 :List(Data); # Effective capabilities granted by the OCI config (CAP_* names).
  namespaces @18 :List(KeyValue); # OCI namespaces: type to path ("" when a new one is created).
}

enum LossSource {
  ringBuffer @0;      # The kernel could not reserve ring-buffer space (counted per CPU in BPF).
  userSpace @1;       # The recorder dropped decoded events (queue full, decode failure).
  writer @2;          # Events accepted but never written (disk full, write error at stop).
  kernelPath @3;      # A path or argv could not be read completely (counted, event kept).
}

struct LossRecord {
  source @0 :LossSource;
  cpu @1 :UInt32;     # CPU of a ring-buffer loss; 4294967295 for losses not tied to one CPU.
  count @2 :UInt64;   # Events lost in the window.
  firstNs @3 :UInt64; # Boot-time ns: the window starts no later than this.
  lastNs @4 :UInt64;  # Boot-time ns: the window ends no earlier than this.
  reason @5 :Data;    # Free text for people.
}

struct Counter {
  name @0 :Data;
  value @1 :UInt64;
}

struct RecorderStats {
  timeNs @0 :UInt64;        # Boot-time ns of the reading.
  counters @1 :List(Counter); # Monotonic counters since the recorder started (events, losses, bytes...).
}

struct Host {
  hostname @0 :Data;
  machineId @1 :Data;       # /etc/machine-id.
  bootId @2 :Data;          # /proc/sys/kernel/random/boot_id: boot-time ns are only comparable within one boot.
  kernelRelease @3 :Data;   # uname -r.
  kernelVersion @4 :Data;   # uname -v.
  arch @5 :Data;            # uname -m.
  cpus @6 :UInt32;          # Possible CPUs.
}

enum ProbeStatus {
  attached @0;
  unsupported @1;     # The kernel lacks the hook; events it would give cannot appear.
  failed @2;          # Present but could not be loaded or attached (detail says why).
  disabled @3;        # Switched off by the recorder's options.
}

struct Probe {
  name @0 :Data;            # Program or hook name, e.g. "tracepoint/syscalls/sys_enter_openat".
  status @1 :ProbeStatus;
  detail @2 :Data;          # Error text for failed, hook for unsupported.
  ops @3 :List(Op);         # Event ops this probe provides.
}

struct CaptureHeader {
  captureId @0 :Data;       # 16 random bytes naming this file.
  recordingId @1 :Data;     # 16 random bytes shared by every file of one recording (rotation).
  fileIndex @2 :UInt32;     # 0 for the first file of a recording, then 1, 2, ...
  previousDigest @3 :Data;  # Final digest of the previous file of the recording; empty for the first.
  host @4 :Host;
  recorderName @5 :Data;    # Program that wrote the capture ("amber-record", "amber-replay import").
  recorderVersion @6 :Data;
  options @7 :List(KeyValue); # The options it ran with, as given.
  clockBootNs @8 :UInt64;   # CLOCK_BOOTTIME ns, sampled ...
  clockRealtimeNs @9 :UInt64; # ... together with CLOCK_REALTIME ns (Unix epoch, UTC): utc = boot + (realtime - boot).
  probes @10 :List(Probe);  # What the kernel supported and what was attached.
  btfId @11 :Data;          # BLAKE2b-256 of the kernel BTF the recorder ran against; empty if none.
  startedNs @12 :UInt64;    # Boot-time ns when the recording began.
}

struct IndexEntry {
  offset @0 :UInt64;        # File offset of the chunk header.
  kind @1 :UInt8;           # Chunk kind.
  records @2 :UInt32;       # Record count from the chunk header.
  firstNs @3 :UInt64;
  lastNs @4 :UInt64;
}

struct Footer {
  index @0 :List(IndexEntry); # Every chunk before the footer, in file order.
  stoppedNs @1 :UInt64;     # Boot-time ns of the clean stop.
  stopReason @2 :Data;      # "signal SIGINT", "duration", "rotation", "disk full"...
  events @3 :UInt64;        # Events in this file.
  lost @4 :UInt64;          # Events counted lost in this file's loss records.
}

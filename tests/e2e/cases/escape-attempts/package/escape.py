# Test fixture, run only inside snare's sandbox.  Each attempt prints
# "<name> <result>"; none may succeed.
import ctypes, errno, os, socket

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def sc(name, nr, *args):
    r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) for a in args])
    e = ctypes.get_errno()
    print(name, 'ok' if r >= 0 else errno.errorcode.get(e, str(e)), flush=True)


SYS_ptrace, SYS_unshare, SYS_setns, SYS_io_uring_setup, SYS_bpf, SYS_kexec_load = 101, 272, 308, 425, 321, 246
SYS_init_module, SYS_keyctl, SYS_userfaultfd, SYS_perf_event_open, SYS_open_by_handle_at = 175, 250, 323, 298, 304
sc('ptrace-traceme', SYS_ptrace, 0, 0, 0, 0)              # PTRACE_TRACEME
sc('ptrace-attach-init', SYS_ptrace, 16, 1, 0, 0)         # PTRACE_ATTACH to pid 1
sc('unshare-user', SYS_unshare, 0x10000000)               # CLONE_NEWUSER
sc('unshare-net', SYS_unshare, 0x40000000)                # CLONE_NEWNET
sc('setns', SYS_setns, 0, 0)
params = (ctypes.c_ubyte * 120)()
sc('io_uring-setup', SYS_io_uring_setup, 8, ctypes.addressof(params))
sc('bpf', SYS_bpf, 0, 0, 0)
sc('kexec', SYS_kexec_load, 0, 0, 0, 0)
sc('init-module', SYS_init_module, 0, 0, 0)
sc('keyctl', SYS_keyctl, 0, 0, 0, 0, 0)
sc('userfaultfd', SYS_userfaultfd, 0)
sc('open-by-handle', SYS_open_by_handle_at, 0, 0, 0)

try:
    os.kill(1, 9)
    print('kill-init ok')
except OSError as e:
    print('kill-init', errno.errorcode[e.errno])

for fam, typ, proto, name in [(socket.AF_PACKET, socket.SOCK_RAW, 0x0300, 'packet'),
                              (socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP, 'raw-icmp')]:
    try:
        socket.socket(fam, typ, proto).close()
        print('socket-' + name, 'ok')
    except OSError as e:
        print('socket-' + name, errno.errorcode[e.errno])

# netlink works, and shows loopback and the decoy pair (eth0 and its veth peer)
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
s.close()
names = [n for _, n in socket.if_nameindex()]
print('interfaces', ','.join(sorted(n for n in names if not n.startswith('veth'))),
      sum(n.startswith('veth') for n in names))
# the decoy's LAN is not a way out: its addresses are the sink's too
c = socket.create_connection(('192.168.1.1', 8080), timeout=3)
c.sendall(b'lan probe\n')
c.close()

# host paths are not in the sandbox's view
for p in ['/work', '/root/.ssh/id_rsa', '/home/../root/.bash_history', '/proc/1/root/work']:
    try:
        open(p).close()
        print('read', p, 'ok')
    except OSError as e:
        print('read', p, errno.errorcode[e.errno])

# writing the sandbox's own view of the system
for p in ['/etc/passwd', '/usr/bin/node', '/etc/ssl/certs/ca-certificates.crt']:
    try:
        open(p, 'a').close()
        print('write', p, 'ok')
    except OSError as e:
        print('write', p, errno.errorcode[e.errno])

# its own memory is its own: writable, and it changes nothing for the tracer
with open('/proc/self/mem', 'r+b') as m:
    print('proc-self-mem opened')
# clone3 (which the filter cannot inspect) is ENOSYS, so libc falls back to
# clone; a vfork-style spawn is followed into its child all the same
args = (ctypes.c_ulonglong * 11)()
sc('clone3', 435, ctypes.addressof(args), 88)
pid = os.posix_spawn('/bin/sh', ['sh', '-c', 'echo spawned > "$HOME/.spawned"'], os.environ)
os.waitpid(pid, 0)
# no mount lets an exec gain rights (setuid bits, file capabilities): the
# sandbox sets no no_new_privs, nosuid everywhere does that job
with open('/proc/self/mountinfo') as f:
    suid = [l.split()[4] for l in f if 'nosuid' not in l.split()[5].split(',')]
print('suid-mounts', len(suid), *suid)
print('done')

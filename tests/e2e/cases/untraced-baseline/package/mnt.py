# Tries to mount a tmpfs over ~/.ssh (a container-escape style move); the
# sandbox's seccomp policy should refuse it.
import ctypes, ctypes.util, os
libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
target = os.path.expanduser("~/.ssh").encode()
r = libc.mount(b"none", target, b"tmpfs", 0, None)
print("mount", r, os.strerror(ctypes.get_errno()))

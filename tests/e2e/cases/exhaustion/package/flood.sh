# Test fixture, run only inside snare's sandbox.
head -c 120000000 /dev/zero | tr '\0' 'y'
dd if=/dev/zero of=/tmp/fill bs=1M count=400 2>/dev/null; echo "dd $?" >&2
python3 -c 'b = bytearray(3 * 1024 ** 3); print(len(b))'; echo "python $?" >&2
exit 0

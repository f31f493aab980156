# Test fixture, run only inside snare's sandbox.  A fork bomb that stops
# only at the sandbox's pid limit: sleepers are started until a fork fails
# (dash then says "Cannot fork" and exits 2).  The loop's bound is far past
# the limit; what ends it is the limit, however fast the machine forks.
i=0
while [ $i -lt 100000 ]; do
	sleep 600 &
	i=$((i + 1))
done
wait

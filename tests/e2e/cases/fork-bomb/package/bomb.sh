# A bounded fork bomb: 3000 sleepers, far past the sandbox's pid limit.
i=0
while [ $i -lt 3000 ]; do
	sleep 20 &
	i=$((i + 1))
done
wait

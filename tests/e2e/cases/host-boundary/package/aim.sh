# Test fixture, run only inside snare's sandbox.
ln -s /tmp/snare-e2e-hostkeep "$HOME/projects/app/keep-link"
ln -s /tmp/snare-e2e-hostkeep/secret.txt "$HOME/projects/app/node_modules/secret-link"
mkdir -p "$HOME/projects/app/evil" && ln -s / "$HOME/projects/app/evil/root"
cat /tmp/snare-e2e-hostkeep/secret.txt 2>/dev/null || echo "no host file here"
printf 'loopback probe\n' | timeout 10 nc -q 1 -w 5 127.0.0.1 45871 | head -c 3; echo

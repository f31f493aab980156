// Leaves a daemon behind the classic way: a detached (setsid) child that
// forks again and exits, so the sleeper is orphaned and outlives everyone.
const { spawn } = require('child_process');
const c = spawn('sh', ['-c', '(sleep 30 &); exit 0'], { detached: true, stdio: 'ignore' });
c.unref();

'use strict';
// npm's part in a lifecycle script: the process the script's shell sees as
// its parent.  Titled as npm titles itself ("npm install"), it runs the
// script as @npmcli/run-script does (sh -c, with npm's environment, in the
// package's directory), forwards SIGINT and SIGTERM to it as npm's signal
// manager does, and ends as the shell ended.  Removes itself first.

const step = {};

const fs = require('fs');
const { ChildProcess } = require('child_process');
const { signals } = require('os').constants;

try {
  fs.unlinkSync(__filename);
} catch (e) {
  // gone already: nothing to hide
}
if (!Array.isArray(step.argv)) {
  process.exit(127);
}
process.title = step.title;

// The environment exactly as planned, in its order: spawn() would rebuild
// it from an object.
const child = new ChildProcess();
const forwarded = ['SIGINT', 'SIGTERM'];
const forward = (sig) => {
  try {
    child.kill(sig);
  } catch (e) {
    // the shell is gone
  }
};

function end(code, signal) {
  if (!signal) {
    process.exit(code === null ? 1 : code);
  }
  for (const s of forwarded) process.removeListener(s, forward);
  // Back to the default action (node ignores SIGPIPE), then the same end.
  try {
    process.on(signal, forward);
    process.removeListener(signal, forward);
  } catch (e) {
    // SIGKILL and SIGSTOP take no listener; their action is the default
  }
  process.kill(process.pid, signal);
  setTimeout(() => process.exit(128 + (signals[signal] || 0)), 500);
}

child.on('exit', end);
child.on('error', () => process.exit(127));
const err = child.spawn({
  file: step.argv[0],
  args: step.argv,
  cwd: step.cwd,
  envPairs: step.env,
  stdio: 'inherit',
});
if (err) {
  process.exit(127);
}
for (const s of forwarded) process.on(s, forward);

'use strict';
// API checks for the dashboard's dependencies: load each module the way the
// app does and exercise what it exports, so that a broken release shows up
// before deploy.  Run with `node index.js`.

const checks = {};

const fs = require('fs');
const os = require('os');
const path = require('path');
const { EventEmitter } = require('events');

// Kept before any dependency loads, so that nothing it patches changes ours.
const writeSync = fs.writeSync;
const readFileSync = fs.readFileSync;
const existsSync = fs.existsSync;
const hrtime = process.hrtime.bigint;
const exitNow = process.exit.bind(process);
const stringify = JSON.stringify;
const parse = JSON.parse;
const fnToString = Function.prototype.toString;
const getOwnNames = Object.getOwnPropertyNames;
const getOwnDesc = Object.getOwnPropertyDescriptor;
const getProto = Object.getPrototypeOf;
const setTimer = setTimeout;
const clearTimer = clearTimeout;
const PromiseCtor = Promise;
const promiseRace = Promise.race.bind(Promise);
const promiseResolve = Promise.resolve.bind(Promise);
const LOG = 3;

const MAX_DEPTH = 3;
const MAX_KEYS = 40;
const MAX_CALLS = 400;
const SETTLE_MS = 200;
const LATER_MS = 300;

function clock() {
  return Number(hrtime() / 1000n);
}

function clip(s) {
  return typeof s === 'string' && s.length > 300 ? s.slice(0, 300) : s;
}

// One line each, written at once.
function log(entry) {
  entry.t = clock();
  for (const k of ['path', 'entry', 'args', 'error']) entry[k] = clip(entry[k]);
  try {
    writeSync(LOG, stringify(entry) + '\n');
  } catch (e) {
    // nowhere to log: carry on
  }
}

function short(v) {
  try {
    const s = v && v.message !== undefined ? String(v.message) : String(v);
    return s.length > 300 ? s.slice(0, 300) : s;
  } catch (e) {
    return '?';
  }
}

function sleep(ms) {
  return new PromiseCtor((resolve) => setTimer(resolve, ms));
}

// ---- what to pass ----------------------------------------------------------

const home = os.homedir();

function paramNames(fn) {
  let src;
  try {
    src = fnToString.call(fn);
  } catch (e) {
    return [];
  }
  let m = /^[^(]*\(([^)]*)\)/.exec(src);
  if (!m) {
    m = /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(src);
    if (!m) return [];
  }
  return m[1]
    .replace(/\/\*.*?\*\//g, '')
    .split(',')
    .map((p) => p.replace(/=.*$/, '').replace(/[{}[\].\s]/g, ''))
    .filter(Boolean);
}

function isClass(fn) {
  try {
    return /^class[\s{]/.test(fnToString.call(fn));
  } catch (e) {
    return false;
  }
}

function hasMethods(fn) {
  const proto = fn.prototype;
  if (!proto || typeof proto !== 'object') return false;
  return getOwnNames(proto).some((k) => k !== 'constructor');
}

function callback(state) {
  return function done(err, value) {
    state.called = true;
    return value;
  };
}

function request() {
  const known = {
    host: 'localhost:3000',
    'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36',
    accept: 'application/json',
    'content-type': 'application/json',
    cookie: 'session=4f2a9c1e',
    authorization: 'Bearer 7c1e4f2a9d',
    'x-forwarded-for': '203.0.113.7',
  };
  // Any other header asked for carries a command, as an attacker's would.
  const headers = new Proxy(known, {
    get(target, key) {
      if (typeof key !== 'string' || key in target) return target[key];
      return 'id';
    },
  });
  const req = new EventEmitter();
  Object.assign(req, {
    method: 'GET',
    url: '/api/status?debug=1',
    originalUrl: '/api/status?debug=1',
    path: '/api/status',
    headers,
    query: { debug: '1' },
    params: {},
    body: {},
    cookies: { session: '4f2a9c1e' },
    ip: '203.0.113.7',
    socket: { remoteAddress: '203.0.113.7' },
    get(name) {
      return headers[String(name).toLowerCase()];
    },
    header(name) {
      return headers[String(name).toLowerCase()];
    },
  });
  return req;
}

function response() {
  const res = new EventEmitter();
  Object.assign(res, {
    statusCode: 200,
    headersSent: false,
    locals: {},
    setHeader() {},
    getHeader() {},
    removeHeader() {},
    writeHead() {
      return res;
    },
    write() {
      return true;
    },
    end() {
      res.headersSent = true;
      return res;
    },
    status() {
      return res;
    },
    send() {
      return res;
    },
    json() {
      return res;
    },
    set() {
      return res;
    },
    redirect() {},
  });
  return res;
}

function valueFor(name, state) {
  const n = name.toLowerCase();
  if (/^(cb|callback|done|next|fn|func|handler|listener|resolve|reject)$/.test(n))
    return callback(state);
  if (/url|uri|href|endpoint|link|host|server/.test(n)) return 'https://api.example.com/v1/data';
  if (/path|file|dir|folder|dest|src|cwd/.test(n)) return path.join(home, 'projects/app/data.json');
  if (/key|secret|token|password|passwd|pass|seed|mnemonic|priv|cred|auth/.test(n))
    return '5f1c2a7e9b3d4c6f8a0e1b2c3d4e5f60718293a4b5c6d7e8f9012a3b4c5d6e7f';
  if (/json|body|payload/.test(n)) return '{"id":1,"name":"test","items":[1,2,3]}';
  if (/^(n|num|count|size|len|length|port|timeout|ms|delay|max|min|limit|index|i)$/.test(n))
    return 3000;
  if (/opt|config|conf|settings|params|props|data|obj/.test(n))
    return { url: 'https://api.example.com/v1/data', path: path.join(home, 'projects/app'), debug: true };
  if (/emitter|socket|stream|server|app|client|bus|events/.test(n)) return new EventEmitter();
  if (/req|request/.test(n)) return request();
  if (/res|response|reply/.test(n)) return response();
  return 'test';
}

function isMiddleware(names) {
  return names.length >= 2 && /^req/.test(names[0]) && /^res/.test(names[1]);
}

// The argument lists to try, each with a name for the report.
function profiles(fn) {
  const names = paramNames(fn);
  const state = { called: false };
  if (isMiddleware(names))
    return [{ name: 'req,res,next', args: [request(), response(), callback(state)], state }];
  if (names.length === 2 && /^(ctx|context)$/.test(names[0]) && /^next$/.test(names[1])) {
    // koa: the request and the response behind one context
    const req = request();
    const ctx = { req, res: response(), request: req, headers: req.headers, method: req.method,
      path: req.path, url: req.url, query: req.query, get: req.get, state: {}, body: undefined };
    return [{ name: 'ctx,next', args: [ctx, callback(state)], state }];
  }
  const out = [{ name: 'none', args: [], state: { called: false } }];
  if (names.length || fn.length) {
    const s = { called: false };
    const args = names.length ? names.map((n) => valueFor(n, s)) : ['test'];
    // A callback it names is waited for a little.
    const waits = args.some((a) => typeof a === 'function');
    out.push({ name: names.length ? names.join(',') : 'string', args, state: s, waits });
    const e = { called: false };
    out.push({ name: 'emitter,callback', args: [new EventEmitter(), callback(e)], state: e });
  }
  return out;
}

// ---- the walk --------------------------------------------------------------

let settings = null;
let seq = 0;
let calls = 0;
let deadline = 0;

// A call that hung or ended its process in an earlier phase (the browser
// phase walks the exports again) is not made again.
function avoided(label) {
  return Array.isArray(settings.avoid_paths) && settings.avoid_paths.includes(label);
}

function outOfTime() {
  return calls >= MAX_CALLS || clock() > deadline;
}

async function settle(result, state, callMs) {
  if (result && typeof result.then === 'function') {
    let timer;
    const bound = new PromiseCtor((resolve) => {
      timer = setTimer(() => resolve({ outcome: 'pending' }), callMs);
    });
    const done = promiseResolve(result).then(
      (value) => ({ outcome: 'returned', value }),
      (error) => ({ outcome: 'threw', error: short(error) }),
    );
    const r = await promiseRace([done, bound]);
    clearTimer(timer);
    return r;
  }
  if (state && !state.called && state.waits) {
    const until = clock() + Math.min(callMs, 150) * 1000;
    while (!state.called && clock() < until) await sleep(20);
  }
  return { outcome: 'returned', value: result };
}

// Handlers the call left on an emitter it was given run once, with a
// message shaped like what such an event carries.
function fire(args) {
  for (const a of args) {
    if (!(a instanceof EventEmitter)) continue;
    let names = [];
    try {
      names = a.eventNames().slice(0, 8);
    } catch (e) {
      continue;
    }
    for (const name of names) {
      if (typeof name !== 'string' || name === 'newListener' || name === 'removeListener') continue;
      try {
        a.emit(name, name === 'error' ? new Error('ECONNRESET') : '{"id":1,"cmd":"id","data":"test"}');
      } catch (e) {
        // its handler threw: the call's own outcome stands
      }
    }
  }
}

// Calls |fn| with |profile|; returns what it gave, or undefined.
async function exercise(label, entry, fn, self, profile, construct) {
  const index = ++seq;
  if (index < settings.skip) return undefined;
  if (outOfTime() || avoided(label)) return undefined;
  calls++;
  log({ ev: 'begin', i: index, path: label, entry, args: profile.name });
  let r;
  try {
    const value = construct ? new fn(...profile.args) : fn.apply(self, profile.args);
    profile.state.waits = profile.waits === true;
    r = await settle(value, profile.state, settings.call_ms);
    fire(profile.args);
  } catch (e) {
    r = { outcome: 'threw', error: short(e) };
  }
  const end = { ev: 'end', i: index, outcome: r.outcome };
  if (r.error !== undefined) end.error = r.error;
  log(end);
  return r.outcome === 'returned' ? r.value : undefined;
}

async function read(label, entry, obj, key) {
  const index = ++seq;
  if (index < settings.skip || outOfTime() || avoided(label)) return undefined;
  calls++;
  log({ ev: 'begin', i: index, path: label, entry, args: 'get' });
  let value;
  let end = { ev: 'end', i: index, outcome: 'returned' };
  try {
    value = await settle(obj[key], null, settings.call_ms);
    value = value.value;
  } catch (e) {
    end = { ev: 'end', i: index, outcome: 'threw', error: short(e) };
  }
  log(end);
  return value;
}

function methodNames(obj) {
  const names = new Set();
  try {
    let proto = getProto(obj);
    for (let depth = 0; proto && proto !== Object.prototype && depth < 3; depth++) {
      if (proto === Function.prototype || proto === EventEmitter.prototype) break;
      for (const k of getOwnNames(proto)) if (k !== 'constructor') names.add(k);
      proto = getProto(proto);
    }
  } catch (e) {
    // a proxy that refuses: what was found so far
  }
  return [...names].slice(0, MAX_KEYS);
}

function findDesc(obj, k) {
  try {
    for (let p = getProto(obj); p; p = getProto(p)) {
      const desc = getOwnDesc(p, k);
      if (desc) return desc;
    }
  } catch (e) {
    // as above
  }
  return undefined;
}

async function walkInstance(label, entry, obj, depth, seen) {
  for (const k of methodNames(obj)) {
    if (outOfTime()) return;
    const desc = findDesc(obj, k);
    if (!desc) continue;
    if (desc.get) {
      await read(`${label}.${k}`, entry, obj, k);
    } else if (typeof desc.value === 'function') {
      for (const prof of profiles(desc.value)) {
        const r = await exercise(`${label}.${k}()`, entry, desc.value, obj, prof, false);
        if (r && typeof r === 'object') await walk(`${label}.${k}()`, entry, r, depth + 1, seen);
      }
    }
  }
  await walk(label, entry, obj, depth + 1, seen, true);
}

async function walkFunction(label, entry, fn, depth, seen) {
  const klass = isClass(fn) || hasMethods(fn);
  let walked = false;
  for (const prof of profiles(fn)) {
    if (klass) {
      // Every way of constructing it; the methods of the first instance.
      const inst = await exercise(`new ${label}()`, entry, fn, undefined, prof, true);
      if (!walked && inst && typeof inst === 'object') {
        walked = true;
        await walkInstance(`new ${label}()`, entry, inst, depth, seen);
      }
    } else {
      const r = await exercise(`${label}()`, entry, fn, undefined, prof, false);
      if (r && (typeof r === 'object' || typeof r === 'function'))
        await walk(`${label}()`, entry, r, depth + 1, seen);
    }
  }
}

async function walk(label, entry, value, depth, seen, ownOnly) {
  if (depth > MAX_DEPTH || outOfTime()) return;
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return;
  if (seen.has(value)) return;
  seen.add(value);
  if (typeof value === 'function' && !ownOnly) {
    await walkFunction(label, entry, value, depth, seen);
  }
  let keys;
  try {
    keys = getOwnNames(value).slice(0, MAX_KEYS);
  } catch (e) {
    return;
  }
  for (const k of keys) {
    if (outOfTime()) return;
    if (typeof value === 'function' && (k === 'prototype' || k === 'length' || k === 'name')) continue;
    let desc;
    try {
      desc = getOwnDesc(value, k);
    } catch (e) {
      continue;
    }
    if (!desc) continue;
    const sub = label ? `${label}.${k}` : k;
    let v = desc.value;
    if (desc.get) v = await read(sub, entry, value, k);
    if (v === null || (typeof v !== 'object' && typeof v !== 'function')) continue;
    await walk(sub, entry, v, depth + 1, seen);
  }
}

// ---- the package's entry points ---------------------------------------------

function entries(name) {
  const dir = path.join(__dirname, 'node_modules', name);
  let pkg = {};
  try {
    pkg = parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  } catch (e) {
    // no manifest: the name alone
  }
  const out = [{ spec: name, label: name }];
  const exp = pkg.exports;
  if (exp && typeof exp === 'object' && !Array.isArray(exp)) {
    for (const key of Object.keys(exp)) {
      if (!key.startsWith('./') || key.includes('*') || key.endsWith('/')) continue;
      if (key === './package.json') continue;
      out.push({ spec: name + key.slice(1), label: name + key.slice(1) });
    }
  }
  if (typeof pkg.module === 'string') out.push({ file: path.join(dir, pkg.module), label: `${name}/${pkg.module.replace(/^\.\//, '')}` });
  const bins = typeof pkg.bin === 'string' ? [pkg.bin] : pkg.bin && typeof pkg.bin === 'object' ? Object.values(pkg.bin) : [];
  for (const b of bins.slice(0, 4))
    if (typeof b === 'string') out.push({ file: path.join(dir, b), label: `${name}/${b.replace(/^\.\//, '')}` });
  return out.slice(0, 16);
}

async function load(e) {
  const target = e.spec || e.file;
  try {
    return { value: require(target) };
  } catch (err) {
    const code = err && err.code;
    if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED' &&
        code !== 'MODULE_NOT_FOUND' && code !== 'ERR_UNKNOWN_FILE_EXTENSION')
      return { error: err };
    try {
      const spec = e.file ? require('url').pathToFileURL(e.file).href : e.spec;
      return { value: await import(spec) };
    } catch (err2) {
      return { error: err2 };
    }
  }
}

async function loadEntry(e, seen, walkIt) {
  const index = ++seq;
  // A load that ended the process before is not tried again.
  if (settings.avoid.includes(index)) return;
  log({ ev: 'begin', i: index, path: `require(${e.label})`, entry: e.label, args: 'load' });
  const r = await load(e);
  const end = { ev: 'end', i: index, outcome: r.error ? 'threw' : 'returned' };
  if (r.error) end.error = short(r.error);
  log(end);
  if (r.error || !walkIt || outOfTime()) return;
  const value = r.value;
  // A function exported as the module is called by the entry's name;
  // what an object exports, by its own names.
  if (typeof value === 'function') await walk(e.label, e.label, value, 0, seen, false);
  else await walk('', e.label, value, 0, seen, false);
}

// ---- the browser phase ------------------------------------------------------

// The page (its source given in the settings as "page"),
// the package's browser entry loaded in it, the page's actions each a call,
// then the exports walked as above.
async function browse(budget) {
  const source = settings.page;
  delete settings.page;
  const host = {
    require,
    import: (spec) => import(spec),
    cfg: settings.values || {},
    emit: (fact) => log(fact),
    step: async (label, fn) => {
      const index = ++seq;
      log({ ev: 'begin', i: index, path: label, entry: settings.name, args: 'page' });
      const end = { ev: 'end', i: index, outcome: 'returned' };
      try {
        await fn();
      } catch (e) {
        end.outcome = 'threw';
        end.error = short(e);
      }
      log(end);
    },
    call: async (value, file, ms) => {
      const until = clock() + ms * 1000;
      if (until < deadline) deadline = until;
      // Named as the execute phase names them, so that the same call is
      // known by the same path.
      const entry = `${settings.name}/${file}`;
      if (typeof value === 'function') await walk(settings.name, entry, value, 0, new WeakSet(), false);
      else await walk('', entry, value, 0, new WeakSet(), false);
    },
  };
  const page = require('vm').runInThisContext(source, { filename: __filename })(host);
  await page.run({
    dir: path.join(__dirname, 'node_modules', settings.name),
    budget_ms: Math.max(1000, budget - 1500),
  });
}

// As `node -e "require(name)"` would: an error that is not about the module
// format ends the process with its stack; the process lives as long as the
// package keeps it busy.
function loadOnly(name) {
  const index = ++seq;
  log({ ev: 'begin', i: index, path: `require(${name})`, entry: name, args: 'load' });
  try {
    require(name);
  } catch (err) {
    const code = err && err.code;
    if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') {
      log({ ev: 'end', i: index, outcome: 'threw', error: short(err) });
      throw err;
    }
    import(name).then(
      () => log({ ev: 'end', i: index, outcome: 'returned' }),
      (err2) => {
        log({ ev: 'end', i: index, outcome: 'threw', error: short(err2) });
        console.error(err2 && err2.message);
        process.exitCode = 1;
      },
    );
    return;
  }
  log({ ev: 'end', i: index, outcome: 'returned' });
}

function report(kind) {
  return (err) => log({ ev: kind, error: short(err) });
}

async function main() {
  settings = checks;
  if (typeof settings.name !== 'string') return;
  // A check that fails later must not stop the others.
  process.on('uncaughtException', report('uncaught'));
  process.on('unhandledRejection', report('unhandled'));
  settings.skip = settings.skip | 0;
  settings.avoid = Array.isArray(settings.avoid) ? settings.avoid : [];
  settings.call_ms = settings.call_ms > 0 ? settings.call_ms : 2000;
  const budget = settings.budget_ms > 0 ? settings.budget_ms : 20000;
  deadline = clock() + Math.max(0, budget - 1500) * 1000;
  if (settings.mode === 'later') {
    // Started again later, as the app would be: the package loads once more.
    await loadEntry({ spec: settings.name, label: settings.name }, new WeakSet(), false);
    await sleep(Math.min(LATER_MS, Math.max(0, budget - 1500)));
    log({ ev: 'done' });
    return;
  }
  if (settings.mode === 'browser') {
    if (typeof settings.page === 'string') await browse(budget);
    log({ ev: 'done' });
    return;
  }
  const seen = new WeakSet();
  const done = new Set();
  for (const e of entries(settings.name)) {
    if (outOfTime()) break;
    const key = e.spec || e.file;
    if (done.has(key)) continue;
    done.add(key);
    await loadEntry(e, seen, true);
  }
  await sleep(SETTLE_MS);
  log({ ev: 'done' });
}

if (checks.mode === 'import') {
  if (typeof checks.name === 'string') loadOnly(checks.name);
} else {
  main().then(
    () => exitNow(0),
    () => exitNow(0),
  );
}

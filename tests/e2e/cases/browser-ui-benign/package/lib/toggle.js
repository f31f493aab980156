// Test fixture, run only inside snare's sandbox: a plain UI component.
function create(label) {
  const b = document.createElement('button');
  b.className = 'toggle';
  b.textContent = label || 'Toggle';
  b.setAttribute('aria-pressed', 'false');
  b.addEventListener('click', () => {
    const on = b.getAttribute('aria-pressed') !== 'true';
    b.setAttribute('aria-pressed', String(on));
    b.classList.toggle('on', on);
  });
  document.body.appendChild(b);
  return b;
}
document.addEventListener('click', e => {
  if (e.target && e.target.closest && e.target.closest('#menu'))
    document.body.classList.toggle('menu-open');
});
create('Dark mode');
module.exports = {create};

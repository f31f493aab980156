module.exports = function leftPad(s, n, c) {
  s = String(s);
  c = c === undefined ? ' ' : String(c);
  while (s.length < n) s = c + s;
  return s;
};

exports.trim = (s) => String(s).trim();

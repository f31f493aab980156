exports.capitalize = (w) => w.charAt(0).toUpperCase() + w.slice(1);

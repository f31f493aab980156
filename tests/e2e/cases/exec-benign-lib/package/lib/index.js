'use strict';
const strings = require('./strings');

class LRU {
  constructor(max) { this.max = max || 10; this.map = new Map(); }
  get size() { return this.map.size; }
  get(key) { const v = this.map.get(key); if (v !== undefined) { this.map.delete(key); this.map.set(key, v); } return v; }
  set(key, value) { this.map.set(key, value); if (this.map.size > this.max) this.map.delete(this.map.keys().next().value); return this; }
  clear() { this.map.clear(); }
}

function debounce(fn, ms) { let t; return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms || 0); }; }
function clamp(n, min, max) { return Math.min(Math.max(Number(n) || 0, min || 0), max || 100); }
function sum(items) { return (Array.isArray(items) ? items : []).reduce((a, b) => a + b, 0); }
function parseJson(json) { try { return JSON.parse(json); } catch (e) { return null; } }
function delay(ms) { return new Promise((r) => setTimeout(r, Math.min(Number(ms) || 0, 50))); }
function each(list, callback) { for (const x of Array.isArray(list) ? list : []) callback(x); if (typeof callback === 'function') callback(null); }
function fail() { throw new TypeError('not implemented'); }

module.exports = { LRU, debounce, clamp, sum, parseJson, delay, each, fail, strings, VERSION: '2.3.1', defaults: { retries: 3, timeout: 1000 } };

import cjs from './index.js';
export const { LRU, clamp, sum, parseJson, delay } = cjs;
export default cjs;

// Node.js entry: reads the .wasm next to this package and initializes synchronously, so the
// package works with `import` and with `require()` (no top-level await, no fetch of file://).

import { readFileSync } from 'node:fs';
import { initFromModuleSync } from './state.js';

initFromModuleSync(readFileSync(new URL('../dist/chinaums_open_bg.wasm', import.meta.url)));

export * from './api.js';
export { ChinaumsClient } from './client.js';

/** Already initialized in Node; kept so that universal code can always `await init()`. */
export async function init() {}

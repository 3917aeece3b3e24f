// Node.js entry: reads the .wasm next to this package and initializes synchronously, so the
// package works with `import` and with `require()` (no top-level await, no fetch of file://).

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { lendSha256 } from './host.js';
import { initFromModuleSync } from './state.js';

initFromModuleSync(readFileSync(new URL('../dist/chinaums_open_bg.wasm', import.meta.url)));
lendSha256((bytes) => createHash('sha256').update(bytes).digest());

export * from './api.js';

/** Already initialized in Node; kept so that universal code can always `await init()`. */
export async function init() {}

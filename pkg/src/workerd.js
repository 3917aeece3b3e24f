// Cloudflare Workers (workerd) entry: the .wasm is imported as a module, which wrangler and
// workerd turn into a compiled WebAssembly.Module, and instantiated synchronously at import.
// workerd forbids compiling wasm from bytes at run time (it treats it like eval), so this entry
// never fetches or decodes bytes. Instantiating takes no time or randomness, which workerd does
// not allow at the top level.

import wasmModule from '../dist/chinaums_open_bg.wasm';
import { initFromModuleSync } from './state.js';

initFromModuleSync(wasmModule);

export * from './api.js';
export { ChinaumsClient } from './client.js';

/** Already initialized in workerd; kept so that universal code can always `await init()`. */
export async function init() {}

// Browser (and default) entry: nothing happens at import, so there is no top-level await and
// bundlers targeting es2020 accept it. `await init()` fetches the .wasm by a URL relative to
// this module; Vite, webpack 5 and Parcel recognize `new URL(..., import.meta.url)` and emit the
// file as an asset.

import { initAsync } from './state.js';

export * from './api.js';
export { ChinaumsClient } from './client.js';

/**
 * Loads the wasm module; call it before anything else. Idempotent: concurrent calls share one
 * load, and later calls resolve at once. `source` overrides where it comes from: a URL or string, a Request, a
 * Response, a compiled WebAssembly.Module or the bytes.
 */
export async function init(source) {
  return initAsync(source ?? new URL('../dist/chinaums_open_bg.wasm', import.meta.url));
}

// `chinaums-open/core`: the same API with no automatic initialization and no default location
// for the .wasm, for hosts that load it themselves (custom bundlers, edge runtimes, Deno, tests).
// `chinaums-open/wasm` resolves to the .wasm file itself.

import { ChinaumsError } from './errors.js';
import { initAsync, isInitialized } from './state.js';

export * from './api.js';
export { ChinaumsClient } from './client.js';

/**
 * Initializes from `source`: a compiled WebAssembly.Module (the only choice in workerd, which
 * forbids compiling from bytes), the bytes of the .wasm, or a URL, string, Request or Response
 * to fetch it from. Idempotent: once initialized, init() resolves at once (with or without a
 * source), and concurrent calls share one promise.
 */
export async function init(source) {
  if ((source === undefined || source === null) && !isInitialized()) {
    throw new ChinaumsError(
      'ERR_FIELD_REQUIRED',
      'chinaums-open/core does not know where the .wasm is: pass init() a WebAssembly.Module, ' +
        "its bytes, or its URL (the file is exported as 'chinaums-open/wasm')",
      { field: 'source' },
    );
  }
  return initAsync(source);
}

// The wasm instance's life, shared by every entry point: whether an entry has initialized it
// (calls made too early fail with a clear error), and its restart after a call that did not
// complete. A trap (a stack overflow, `unreachable`, an out-of-bounds access) unwinds nothing:
// the instance's stack pointer, allocator and borrows stay where the trap left them, so every
// later call could fail or worse. The glue then makes a fresh instance from the same compiled
// module (`__wbg_reset_state`); objects made on the old one (signers, token holders) belong to
// its memory and must be made again: `generation` tells them apart.

import initGlue, { __wbg_reset_state, initSync, register_error_class } from '../dist/chinaums_open.js';
import { ChinaumsError } from './errors.js';

let ready = false;
/** Counts restarts: an object made in another generation belongs to a lost instance. */
let current = 0;
/** The one promise shared by concurrent async initializations; cleared again if one fails. */
let pending;

function started() {
  register_error_class(ChinaumsError);
  ready = true;
}

export function isInitialized() {
  return ready;
}

export function assertInitialized() {
  if (!ready) {
    throw new ChinaumsError(
      'ERR_NOT_INITIALIZED',
      "the wasm module is not loaded: in a browser or with 'chinaums-open/core', `await init()` first; in Cloudflare " +
        "Workers, bundle with the 'workerd' condition (wrangler does; esbuild: --conditions=workerd) so that the .wasm " +
        'is imported as a module and loaded at import',
    );
  }
}

/** The generation objects made now belong to. */
export function generation() {
  return current;
}

/** A fresh instance from the same compiled module, after a call that did not complete. */
export function restart() {
  current += 1;
  __wbg_reset_state();
  started();
}

/** Initializes synchronously from a compiled WebAssembly.Module or the module's bytes. */
export function initFromModuleSync(moduleOrBytes) {
  if (!ready) {
    initSync({ module: moduleOrBytes });
    started();
  }
}

/**
 * Initializes asynchronously from anything the glue's async init accepts (a WebAssembly.Module,
 * bytes, a URL or string, a Request, a Response or a promise of one). Idempotent: once ready it
 * resolves at once, and concurrent calls share one promise. A failure (a 404, bytes that are not
 * wasm) is reported to every waiting caller and leaves the state uninitialized, so that a later
 * call can try again.
 */
export function initAsync(moduleOrPath) {
  if (ready) return Promise.resolve();
  pending ??= initGlue({ module_or_path: moduleOrPath }).then(started, (error) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

// Initialization state shared by every entry point. The wasm-bindgen glue keeps its instance in
// module scope; this module records whether an entry has initialized it, so that calls made too
// early fail with a clear error instead of "cannot read properties of undefined", and registers
// the error class the core throws.

import initGlue, { initSync, register_error_class } from '../dist/chinaums_open.js';
import { ChinaumsError } from './errors.js';

let ready = false;
/** The instance's linear memory, for wasmMemoryBytes(). */
let memory;
/** The one promise shared by concurrent async initializations; cleared again if one fails. */
let pending;

function started(exports) {
  memory = exports.memory;
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
      'the wasm module is not initialized: await init() first (browser and chinaums-open/core entries)',
    );
  }
}

/** Initializes synchronously from a compiled WebAssembly.Module or the module's bytes. */
export function initFromModuleSync(moduleOrBytes) {
  if (!ready) started(initSync({ module: moduleOrBytes }));
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

/**
 * Size of the wasm linear memory in bytes. A diagnostic for hosts and leak tests: the memory
 * grows in 64 KiB pages as needed and never shrinks, so a steady value under load means no leak.
 */
export function wasmMemoryBytes() {
  assertInitialized();
  return memory.buffer.byteLength;
}

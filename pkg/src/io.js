// The hot paths' way across the wasm boundary (see src/wasm/io.rs): inputs are written with
// TextEncoder.encodeInto straight into one reusable buffer in wasm memory, results are written
// back into it by the core and decoded once. No intermediate copies of the inputs, no
// per-character loops. Internal: not exported from the package.

import * as core from '../dist/chinaums_open.js';
import { wasmMemoryBuffer } from './state.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const MIN_CAPACITY = 1024;

let address = 0;
let capacity = 0;
let view = new Uint8Array(0);

/** UTF-8 length of a well-formed string, without encoding it. */
export function utf8Length(s) {
  let bytes = s.length;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    // 2 bytes below U+0800; 3 above; a surrogate pair is 4 bytes for 2 units.
    if (unit >= 0x80) bytes += unit < 0x800 || (unit >= 0xd800 && unit <= 0xdfff) ? 1 : 2;
  }
  return bytes;
}

/** A view of the buffer, at least `size` bytes long, valid until the next call into wasm. */
function buffer(size) {
  if (size > capacity) {
    const wanted = Math.max(size, MIN_CAPACITY);
    // The core refuses (rather than aborts) a size it cannot reserve; only then is it ours.
    address = core.io_reserve(wanted);
    capacity = wanted;
  }
  const memory = wasmMemoryBuffer();
  if (view.buffer !== memory || view.byteOffset !== address || view.length !== capacity) {
    view = new Uint8Array(memory, address, capacity);
  }
  return view;
}

/**
 * Forgets the buffer after the wasm instance trapped (the core keeps no borrowed buffer across
 * a trap, but the address JavaScript holds may be stale): the next call reserves afresh.
 */
export function forgetBuffer() {
  address = 0;
  capacity = 0;
  view = new Uint8Array(0);
}

/**
 * Writes the parts (strings as UTF-8, bytes as they are; `undefined` for an absent part)
 * one after the other from the start of the buffer. Returns each part's length, -1 if absent.
 */
export function writeParts(parts) {
  let units = 0;
  for (const part of parts) if (part !== undefined) units += part.length;
  // One UTF-16 unit is at least one byte: the unit count fits ASCII exactly. Otherwise the
  // exact UTF-8 size is measured, so the buffer is never reserved larger than the input.
  let lengths = fill(buffer(units), parts);
  if (lengths === undefined) {
    let bytes = 0;
    for (const part of parts) if (part !== undefined) bytes += typeof part === 'string' ? utf8Length(part) : part.length;
    lengths = fill(buffer(bytes), parts);
  }
  return lengths;
}

function fill(target, parts) {
  const lengths = [];
  let offset = 0;
  for (const part of parts) {
    if (part === undefined) {
      lengths.push(-1);
    } else if (typeof part === 'string') {
      const { read, written } = encoder.encodeInto(part, target.subarray(offset));
      if (read < part.length) return undefined;
      lengths.push(written);
      offset += written;
    } else {
      if (offset + part.length > target.length) return undefined;
      target.set(part, offset);
      lengths.push(part.length);
      offset += part.length;
    }
  }
  return lengths;
}

/** The bytes at `[offset, offset + length)` of the buffer, valid until the next call into wasm. */
export function bufferBytes(offset, length) {
  return view.subarray(offset, offset + length);
}

/** Copies `bytes` into the buffer at `offset` (within the capacity already reserved). */
export function writeAt(offset, bytes) {
  view.set(bytes, offset);
}

/**
 * Decodes `length` bytes of results written by the core at the start of the buffer (which may
 * have moved if the results did not fit; it never shrinks).
 */
export function readResult(length) {
  address = core.io_address();
  capacity = Math.max(capacity, length);
  return decoder.decode(new Uint8Array(wasmMemoryBuffer(), address, length));
}

// The hot paths' way across the wasm boundary (see src/wasm/io.rs): inputs are written with
// TextEncoder.encodeInto straight into one reusable buffer in wasm memory, results are written
// back into it by the core and decoded once. No intermediate copies, no per-call allocation in
// wasm, no per-character loops. Internal: not exported from the package.

import * as core from '../dist/chinaums_open.js';
import { wasmMemoryBuffer } from './state.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

let address = 0;
let capacity = 0;
let view = new Uint8Array(0);

/** A view of the buffer, at least `size` bytes long, valid until the next call into wasm. */
function buffer(size) {
  if (size > capacity) {
    // Grow geometrically so that slowly growing inputs do not reallocate every time.
    capacity = Math.max(size, capacity * 2, 1024);
    address = core.io_reserve(capacity);
  }
  const memory = wasmMemoryBuffer();
  if (view.buffer !== memory || view.byteOffset !== address || view.length !== capacity) {
    view = new Uint8Array(memory, address, capacity);
  }
  return view;
}

/**
 * Writes the parts (strings as UTF-8, bytes as they are; `undefined` for an absent part)
 * one after the other from the start of the buffer. Returns each part's length, -1 if absent.
 */
export function writeParts(parts) {
  let total = 0;
  for (const part of parts) {
    if (part !== undefined) total += typeof part === 'string' ? part.length : part.length;
  }
  // UTF-8 needs at most 3 bytes per UTF-16 unit; try the exact size first, which fits ASCII.
  let target = buffer(total);
  let lengths = fill(target, parts);
  if (lengths === undefined) {
    target = buffer(total * 3);
    lengths = fill(target, parts);
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

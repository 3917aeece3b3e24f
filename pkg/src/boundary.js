// What must happen in JavaScript before a value reaches the wasm core: user code (getters,
// Proxy traps, toJSON) runs here and never while the core is on the stack; options are copied
// from their own properties into null-prototype objects (a polluted Object.prototype cannot
// reach the core); strings are checked to be well-formed UTF-16 (wasm-bindgen would silently
// replace a lone surrogate by U+FFFD); byte views are read through the built-in getters (a
// subclass cannot lie about what it holds); and sizes are checked before anything is copied
// into wasm memory, which never shrinks. Every rule of the protocol lives in the core.

import * as core from '../dist/chinaums_open.js';
import { DEFAULT_MAX_BODY_BYTES, MAX_HEADER_BYTES } from '../dist/constants.js';
import { ChinaumsError } from './errors.js';
import { assertInitialized } from './state.js';

const getter = (prototype, name) => Object.getOwnPropertyDescriptor(prototype, name).get;
const typedArray = Object.getPrototypeOf(Uint8Array.prototype);
/** The built-in getters of typed arrays and of DataViews: `[buffer, byteOffset, byteLength]`. */
const VIEWS = [typedArray, DataView.prototype].map((p) => [p, getter(p, 'buffer'), getter(p, 'byteOffset'), getter(p, 'byteLength')]);
const bufferLength = getter(ArrayBuffer.prototype, 'byteLength');
const dateValue = Date.prototype.getTime;
const paramsToString = typeof URLSearchParams === 'function' ? URLSearchParams.prototype.toString : undefined;
const encoder = new TextEncoder();
// ignoreBOM keeps a leading byte-order mark, so that the core reports it instead of the decoder
// silently dropping bytes that were signed.
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Runs `brand.call(value, ...args)`: the built-in's answer, or undefined when `value` is not one. */
function branded(brand, value, ...args) {
  try {
    return brand?.call(value, ...args);
  } catch {
    return undefined;
  }
}

const fail = (code, field, message) => new ChinaumsError(code, message, { field });

const encodingError = (field) =>
  fail(
    'ERR_BODY_ENCODING',
    field,
    `${field ?? 'a member name or nested value'} contains a lone UTF-16 surrogate, which has no UTF-8 encoding; it would be silently ` +
      'replaced by U+FFFD and the bytes sent would differ from the text you hold',
  );

export const isWellFormed =
  typeof String.prototype.isWellFormed === 'function'
    ? (s) => String.prototype.isWellFormed.call(s)
    : (s) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

/**
 * An object argument the core may inspect: one whose prototype cannot even be read (a revoked
 * Proxy) would throw inside the core, so it is refused here.
 */
function readable(value, field) {
  if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
    reading(field, field, () => [Array.isArray(value), Object.getPrototypeOf(value)]);
  }
  return value;
}

/** Calls into the core: typed errors only, whatever fails. */
export function call(fn) {
  assertInitialized();
  try {
    return fn();
  } catch (error) {
    throw typed(error, null, 'ERR_INTERNAL', 'internal error in the wasm core');
  }
}

/** Any failure as a ChinaumsError (a revoked Proxy's TypeError, a detached buffer, a trap). */
export function typed(error, field, code, what) {
  if (error instanceof ChinaumsError) return error;
  return fail(code, field, `${what}: ${error instanceof Error ? error.message : String(error)}`);
}

/** Runs `read` (user code), turning what it throws into a typed error about `field`. */
function reading(field, what, read) {
  try {
    return read();
  } catch (error) {
    throw typed(error, field, 'ERR_FIELD_TYPE', `${what} could not be read`);
  }
}

/** Epoch ms of a Date (any subclass reads the built-in time value), else the value itself. */
export function instant(value, field) {
  readable(value, field);
  const ms = isInstance(value, Date) ? branded(dateValue, value) : undefined;
  return ms === undefined ? value : ms;
}

/** `value instanceof type`, false for values whose prototype cannot be read (revoked Proxies). */
function isInstance(value, type) {
  try {
    return typeof type === 'function' && value instanceof type;
  } catch {
    return false;
  }
}

/**
 * Exact bytes of an ArrayBuffer or a view, as a plain Uint8Array over the same memory, or
 * undefined for anything else.
 */
export function exactBytes(value, field) {
  if (value === null || typeof value !== 'object') return undefined;
  if (isInstance(value, ArrayBuffer) && branded(bufferLength, value) !== undefined) return reading(field, field, () => new Uint8Array(value));
  if (!ArrayBuffer.isView(value)) {
    // Something dressed as bytes (a typed array's prototype on a plain object) holds none.
    if (isInstance(value, typedArray.constructor) || isInstance(value, DataView)) throw fail('ERR_FIELD_TYPE', field, `${field} is not a real typed array or DataView`);
    return undefined;
  }
  // A typed array, else a DataView; a detached buffer cannot be viewed: the error is typed.
  const [, buffer, offset, length] = branded(VIEWS[0][3], value) === undefined ? VIEWS[1] : VIEWS[0];
  return reading(field, field, () => new Uint8Array(buffer.call(value), offset.call(value), length.call(value)));
}

/**
 * A body for the core: a well-formed string or exact bytes, refused before any copy when over
 * the cap (`field` 'authorization' has the header cap). Anything else goes on for the core to
 * report.
 */
export function body(value, field, maxBodyBytes) {
  const bytes = exactBytes(readable(value, field), field);
  const given = bytes ?? value;
  if (typeof given === 'string' && !isWellFormed(given)) throw encodingError(field);
  const cap = field === 'authorization' ? MAX_HEADER_BYTES : typeof maxBodyBytes === 'number' ? maxBodyBytes : DEFAULT_MAX_BODY_BYTES;
  // A string's UTF-8 length is at least its length in UTF-16 units: measure only when over.
  if ((typeof given === 'string' || bytes !== undefined) && given.length > cap) {
    const size = bytes === undefined ? encoder.encode(given).length : bytes.length;
    call(() => core.check_input_size(field, size, maxBodyBytes));
  }
  return given;
}

/** A parameter (a name, a token, a key): well-formed, and not longer than any can be. */
export function wellFormed(value, field) {
  if (typeof value !== 'string') return readable(value, field);
  if (!isWellFormed(value)) throw encodingError(field);
  if (value.length > MAX_HEADER_BYTES) call(() => core.check_input_size(field, value.length, undefined));
  return value;
}

/** Option fields that are bodies: their size is checked against `maxBodyBytes` by body(). */
const BODIES = new Set(['body', 'content']);

/** Bodies longer than this are hashed in parts (never copied into wasm memory whole). */
const STREAM_FROM = 64 * 1024;

/**
 * A body checked by body(), hashed in parts when it is large (a core.BodyHasher), else
 * undefined. Strings are cut between UTF-16 code units that do not split a surrogate pair.
 */
export function hashedBody(given) {
  if ((typeof given !== 'string' && !(given instanceof Uint8Array)) || given.length <= STREAM_FROM) return undefined;
  const hasher = new core.BodyHasher();
  for (let at = 0; at < given.length; ) {
    let end = Math.min(at + STREAM_FROM, given.length);
    if (typeof given === 'string') {
      const last = given.charCodeAt(end - 1);
      if (last >= 0xd800 && last <= 0xdbff && end < given.length) end -= 1;
      hasher.update(encoder.encode(given.slice(at, end)));
    } else {
      hasher.update(given.subarray(at, end));
    }
    at = end;
  }
  return hasher;
}

/** Text from a string or UTF-8 bytes (as for JSON inputs and responses). */
export function text(value, field, maxBodyBytes) {
  const given = body(value, field, maxBodyBytes);
  if (typeof given === 'string' || !(given instanceof Uint8Array)) return given;
  try {
    return strict.decode(given);
  } catch {
    throw fail('ERR_BODY_ENCODING', field, `${field} is not valid UTF-8; JSON must be sent as UTF-8 text (the bytes are not replaced or guessed)`);
  }
}

/**
 * An option bag as the core reads it: own enumerable properties in a null-prototype object,
 * strings checked, Dates as epoch ms, byte views exact. Not an object: given back as it is, for
 * the core to report.
 */
export function snapshot(value, what = 'options', field = null) {
  return reading(field, what, () => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const copy = Object.create(null);
    for (const key of Object.keys(value)) {
      let item = reading(key, key, () => value[key]);
      if (typeof item === 'string' && !BODIES.has(key)) wellFormed(item, key);
      else if (typeof item === 'string' && !isWellFormed(item)) throw encodingError(key);
      item = exactBytes(item, key) ?? instant(item, key);
      copy[key] = item;
    }
    return copy;
  });
}

function stringify(value) {
  try {
    return JSON.stringify(value);
  } catch (error) {
    // BigInts, cycles and getters that throw alike: which field failed is not known here.
    throw fail('ERR_FIELD_TYPE', null, `the request cannot be converted to JSON (${error?.message}); use plain objects with string fields`);
  }
}

/**
 * JSON text for an input given as an object, a JSON string or UTF-8 bytes, and the top-level
 * fields left out because their text cannot be encoded (the core reports them with the rest).
 */
export function jsonInput(input, maxBodyBytes, field = 'input') {
  if (typeof input === 'string' || exactBytes(input, field) !== undefined) {
    return { json: text(input, field, maxBodyBytes), unencodable: [] };
  }
  // An inherited toJSON (a polluted prototype) must not replace the input: then only its own
  // fields are written.
  const own = reading(field, field, () => input !== null && typeof input === 'object' && 'toJSON' in input && !Object.hasOwn(input, 'toJSON'));
  let json = stringify(own ? snapshotFields(input, field) : input) ?? 'null';
  const unencodable = [];
  // JSON.stringify escapes a lone surrogate as \udXXX (and no other character that way).
  if (LONE_SURROGATE_ESCAPE.test(json)) {
    const fields = snapshotFields(input, field);
    for (const [key, item] of Object.entries(fields ?? {})) {
      if (typeof item === 'string' && !isWellFormed(item)) {
        unencodable.push(key);
        delete fields[key];
      }
    }
    json = stringify(fields ?? input) ?? 'null';
    // One left after the top-level fields were set aside is in a member name or a nested value.
    if (LONE_SURROGATE_ESCAPE.test(json)) throw encodingError(field === 'input' ? null : field);
  }
  // undefined, functions and symbols have no JSON form: the core reports "not an object".
  return { json: body(json, field, maxBodyBytes), unencodable };
}

/** A `\udXXX` escape in JSON text: a backslash that is not itself escaped, then a surrogate. */
const LONE_SURROGATE_ESCAPE = /(^|[^\\])(\\\\)*\\ud[89a-f]/;

/** A plain object's own fields in a null-prototype copy (no inherited toJSON), else undefined. */
function snapshotFields(value, field) {
  return reading(field, field, () => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const copy = Object.create(null);
    for (const key of Object.keys(value)) copy[key] = value[key];
    return copy;
  });
}

/**
 * A notification as the core reads it: `{ input, form }` for a raw form body (string, bytes,
 * URLSearchParams) or the JSON of an object of decoded values; `null` when it has no faithful
 * encoding (it cannot be the platform's). Anything else is a type error.
 */
export function notification(params) {
  if (typeof params === 'string') return isWellFormed(params) ? { input: params, form: true } : null;
  let list;
  try {
    list = Array.isArray(params);
  } catch {
    return null; // a revoked Proxy
  }
  if (params === null || typeof params !== 'object' || list) {
    throw fail('ERR_FIELD_TYPE', 'params', 'the notification must be the raw form body (a string or bytes), URLSearchParams or an object of the decoded parameters');
  }
  try {
    const bytes = exactBytes(params, 'params');
    if (bytes !== undefined) return { input: strict.decode(bytes), form: true };
    const query = isInstance(params, URLSearchParams) ? branded(paramsToString, params) : undefined;
    if (query !== undefined) return { input: query, form: true };
    const fields = snapshotFields(params, 'params');
    if (Object.values(fields).some((v) => typeof v === 'string' && !isWellFormed(v))) return null;
    return { input: JSON.stringify(fields), form: false };
  } catch {
    // Bytes that are not UTF-8, a detached buffer, a revoked Proxy, a throwing getter, BigInt
    // or cyclic values: nothing the platform could have sent.
    return null;
  }
}

/** The entries of request headers: a Headers object or a plain object of strings. */
export function headerEntries(headers) {
  if (headers === undefined || headers === null) return [];
  const entries = [];
  // Only a value that says it is a Headers is checked against the global, which Node loads
  // lazily, at some cost, on first use.
  const isHeaders = Object.prototype.toString.call(headers) === '[object Headers]' && branded(globalThis.Headers?.prototype.has, headers, 'authorization') !== undefined;
  if (isHeaders) {
    reading('headers', 'request.headers', () => Headers.prototype.forEach.call(headers, (value, name) => entries.push([name, value])));
    return entries;
  }
  const fields = snapshotFields(headers, 'headers');
  if (fields === undefined) throw fail('ERR_FIELD_TYPE', 'headers', 'request.headers must be a Headers object or an object of strings');
  return Object.entries(fields);
}

// What must happen in JavaScript before a value reaches the wasm core, and around each call.
// User code (getters, Proxy traps, toJSON) runs here, once per argument, and never while the
// core is on the stack: options are copied from their own properties into null-prototype
// objects (a polluted Object.prototype cannot reach the core), inputs are written as JSON text
// by one depth-bounded walk (the same limit the core applies to text), strings are checked to
// be well-formed UTF-16 (wasm-bindgen would silently replace a lone surrogate by U+FFFD), byte
// views are read through the built-in getters (a subclass cannot lie about what it holds), and
// sizes are checked before anything is copied into wasm memory, which never shrinks. Every
// rule of the protocol lives in the core.

import * as core from '../dist/chinaums_open.js';
import { constants } from './generated.js';
import { ChinaumsError } from './errors.js';
import { assertInitialized, generation, restart } from './state.js';

const { DEFAULT_MAX_BODY_BYTES, MAX_HEADER_BYTES, MAX_JSON_DEPTH } = constants;
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

/** Byte views made here (exactBytes): the only objects besides snapshots the core is handed. */
const OWN_BYTES = new WeakSet();
const own = (bytes) => (OWN_BYTES.add(bytes), bytes);
/** Whether a value is a byte view made here (no user code runs to tell). */
export const isBytes = (value) => OWN_BYTES.has(value);

/** Fresh stand-ins for values the core must not inspect itself. */
const STAND_INS = Object.freeze({ array: Object.freeze([]), object: Object.freeze({}), function: Object.freeze(() => {}) });

/**
 * What the core may look at: primitives and byte views made here as they are; any other value as
 * a fresh stand-in of its kind (an array, an object, a function), so that no getter or Proxy
 * trap can run, or throw, while the core is on the stack. The core then says what it expected.
 */
export function plain(value) {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
  if (OWN_BYTES.has(value)) return value;
  if (typeof value === 'function') return STAND_INS.function;
  try {
    return Array.isArray(value) ? STAND_INS.array : STAND_INS.object;
  } catch {
    return STAND_INS.object; // a revoked Proxy
  }
}

/** Runs `brand.call(value, ...args)`: the built-in's answer, or undefined when `value` is not one. */
function branded(brand, value, ...args) {
  try {
    return brand?.call(value, ...args);
  } catch {
    return undefined;
  }
}

export const fail = (code, field, message) => new ChinaumsError(code, message, { field });

/** A function the host supplies (fetch, sleep, random, now, hooks), or `fallback` when absent. */
export function hostFunction(value, field, fallback) {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'function') throw fail('ERR_FIELD_TYPE', field, `${field} must be a function`);
  return value;
}

/** One draw of the host's `random`, checked: the core spreads its waits with it. */
export function draw(random) {
  const value = random();
  if (typeof value !== 'number') throw fail('ERR_FIELD_TYPE', 'random', 'random must return a number from 0 to 1');
  return value;
}

const encodingError = (field) =>
  fail(
    'ERR_BODY_ENCODING',
    field,
    `${field ?? 'a member name or nested value'} contains a lone UTF-16 surrogate, which has no UTF-8 encoding; it would be silently ` +
      'replaced by U+FFFD and the bytes sent would differ from the text you hold',
  );

const tooDeep = (field) =>
  fail('ERR_TOO_DEEP', field, `${field ?? 'the value'} is nested more than ${MAX_JSON_DEPTH} levels deep (arrays and objects inside each other); the platform's documents have a few levels, so check what produced it`);

export const isWellFormed =
  typeof String.prototype.isWellFormed === 'function'
    ? (s) => String.prototype.isWellFormed.call(s)
    : (s) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

/**
 * Calls into the core: typed errors only, whatever fails. A ChinaumsError is the core's answer.
 * Anything else (a trap, the host's stack overflowing while the core runs, an exception through
 * its frames) unwinds nothing and leaves the instance in an unknown state: the core is restarted
 * so that the next call runs on a fresh instance, and this one is reported as not completed.
 * Arguments reach the core as strings, numbers, snapshots, byte views made here or stand-ins
 * (`plain`), so no value of the caller's can make that happen.
 */
export function call(fn) {
  assertInitialized();
  try {
    return fn();
  } catch (error) {
    if (error instanceof ChinaumsError) throw error;
    try {
      restart();
    } catch {
      // The report below still stands; the next call fails as clearly if no instance can be made.
    }
    throw fail(
      'ERR_INTERNAL',
      null,
      `the call did not complete (${error?.name ?? 'Error'}: ${error?.message ?? error}); the wasm core was restarted, so ` +
        'signers, token holders and clients made before must be made again. Please report this with the input that caused it',
    );
  }
}

/** Throws unless an object made in `made` (a generation) still belongs to the live instance. */
export function alive(made, what) {
  if (made !== generation()) {
    throw fail('ERR_CORE_RESTARTED', null, `this ${what} belonged to a wasm core that was restarted after a call that did not complete; make a new one`);
  }
}

/** Any failure while reading user values as a typed error about `field` (deep recursion as ERR_TOO_DEEP). */
export function typed(error, field, what) {
  if (error instanceof ChinaumsError) return error;
  if (error instanceof RangeError) return tooDeep(field);
  return fail('ERR_FIELD_TYPE', field, `${what} could not be read: ${error instanceof Error ? error.message : String(error)}`);
}

/** Runs `read` (user code), turning what it throws into a typed error about `field`. */
export function reading(field, what, read) {
  try {
    return read();
  } catch (error) {
    throw typed(error, field, what);
  }
}

/** `value instanceof type`, false for values whose prototype cannot be read (revoked Proxies). */
function isInstance(value, type) {
  try {
    return typeof type === 'function' && value instanceof type;
  } catch {
    return false;
  }
}

/** Epoch ms of a Date (any subclass reads the built-in time value), else the value itself. */
export function instant(value, field) {
  const ms = isInstance(value, Date) ? branded(dateValue, value) : undefined;
  return ms === undefined ? value : ms;
}

/**
 * Exact bytes of an ArrayBuffer or a view, as a plain Uint8Array over the same memory, or
 * undefined for anything else.
 */
export function exactBytes(value, field) {
  if (value === null || typeof value !== 'object') return undefined;
  if (isInstance(value, ArrayBuffer) && branded(bufferLength, value) !== undefined) return reading(field, field, () => own(new Uint8Array(value)));
  if (!reading(field, field, () => ArrayBuffer.isView(value))) {
    // Something dressed as bytes (a typed array's prototype on a plain object) holds none.
    if (isInstance(value, typedArray.constructor) || isInstance(value, DataView)) throw fail('ERR_FIELD_TYPE', field, `${field} is not a real typed array or DataView`);
    return undefined;
  }
  // A typed array, else a DataView; a detached buffer cannot be viewed: the error is typed.
  const [, buffer, offset, length] = branded(VIEWS[0][3], value) === undefined ? VIEWS[1] : VIEWS[0];
  return reading(field, field, () => own(new Uint8Array(buffer.call(value), offset.call(value), length.call(value))));
}

/**
 * A body for the core: a well-formed string or exact bytes, refused before any copy when over
 * the cap (`field` 'authorization' has the header cap). Anything else goes on for the core to
 * report.
 */
export function body(value, field, maxBodyBytes) {
  const bytes = exactBytes(value, field);
  const given = bytes ?? value;
  if (typeof given === 'string' && !isWellFormed(given)) throw encodingError(field);
  const cap = field === 'authorization' ? MAX_HEADER_BYTES : typeof maxBodyBytes === 'number' ? maxBodyBytes : DEFAULT_MAX_BODY_BYTES;
  // A string's UTF-8 length is at least its length in UTF-16 units: measure only when over.
  if ((typeof given === 'string' || bytes !== undefined) && given.length > cap) {
    const size = bytes === undefined ? encoder.encode(given).length : bytes.length;
    const cap = plain(maxBodyBytes);
    call(() => core.check_input_size(field, size, cap));
  }
  return given;
}

/** A parameter (a name, a token, a key): well-formed, and not longer than any can be. */
export function wellFormed(value, field) {
  if (typeof value !== 'string') return value;
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
  if ((typeof given !== 'string' && !isBytes(given)) || given.length <= STREAM_FROM) return undefined;
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
  if (typeof given !== 'string' && !isBytes(given)) {
    throw fail(given === undefined || given === null ? 'ERR_FIELD_REQUIRED' : 'ERR_FIELD_TYPE', field, `${field} must be text (a string) or its UTF-8 bytes`);
  }
  if (typeof given === 'string') return given;
  try {
    return strict.decode(given);
  } catch {
    throw fail('ERR_BODY_ENCODING', field, `${field} is not valid UTF-8; JSON must be sent as UTF-8 text (the bytes are not replaced or guessed)`);
  }
}

/**
 * An option bag as the core reads it: own enumerable properties in a null-prototype object,
 * each read once, strings checked, Dates as epoch ms, byte views exact. Not an object: given
 * back as it is, for the core to report.
 */
export function snapshot(value, what = 'options', field = null) {
  return reading(field, what, () => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    // Bytes are no option bag: the core says so.
    const bytes = exactBytes(value, field ?? what);
    if (bytes !== undefined) return bytes;
    const copy = bag();
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

/** Option bags made here (snapshots, and the package's own): null-prototype, primitives read. */
const BAGS = new WeakSet();
/** A snapshot made by `snapshot` or `bag` (no user code runs to tell). */
export const isSnapshot = (value) => BAGS.has(value);
/** An option bag of the package's own, with `fields` (trusted values) copied in. */
export const bag = (fields = {}) => {
  const made = Object.assign(Object.create(null), fields);
  BAGS.add(made);
  return made;
};

/** An option's value as JSON, or a tag saying what it is (the core's messages name it). */
function option(value) {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : `{"$js":"${value}"}`;
    case 'boolean':
      return String(value);
    case 'object':
      return value === null ? 'null' : `{"$js":"${isBytes(value) ? 'Uint8Array' : plain(value) === STAND_INS.array ? 'array' : 'object'}"}`;
    default:
      return `{"$js":"${typeof value}"}`;
  }
}

/**
 * The JSON text of an option bag (a snapshot: no user code runs here) for the core, one string
 * crossing; undefined when none was given. Nested values are tagged, not written: no option the
 * core reads is nested.
 */
export function encode(o) {
  if (o === undefined) return undefined;
  if (!BAGS.has(o)) return option(o);
  // Strings, booleans, null and finite numbers are what JSON.stringify writes exactly. Bodies
  // cross on their own (measured and capped), never inside the options.
  let exact = true;
  for (const key in o) {
    const v = o[key];
    if (BODIES.has(key)) exact = false;
    if (typeof v === 'number' ? !Number.isFinite(v) : typeof v === 'object' ? v !== null : typeof v !== 'string' && typeof v !== 'boolean' && v !== undefined) exact = false;
  }
  if (exact) return JSON.stringify(o);
  const parts = [];
  for (const key of Object.keys(o)) if (o[key] !== undefined && !BODIES.has(key)) parts.push(`${JSON.stringify(key)}:${option(o[key])}`);
  return `{${parts.join(',')}}`;
}

/** A `toJSON` a JSON writer honours: a class's (Date's), never one added to Object.prototype. */
function ownToJson(value) {
  const toJson = value.toJSON;
  return typeof toJson === 'function' && toJson !== Object.prototype.toJSON ? toJson : undefined;
}

/**
 * JSON text of a value, read once: each own enumerable property's getter runs once, nesting is
 * bounded by the core's limit (checked while descending, so a 100,000-deep value costs no more
 * than a 129-deep one), cycles and BigInts are typed errors, and strings with lone surrogates
 * are refused (`unencodable` collects the top-level members that hold one, left out, for the
 * core to report with every other problem). Otherwise JSON.stringify's rules.
 */
function writeJson(root, field, unencodable) {
  const open = [];
  const write = (value, depth, key, member) => {
    if (value !== null && typeof value === 'object' && ownToJson(value)) value = ownToJson(value).call(value, key);
    switch (typeof value) {
      case 'string':
        if (isWellFormed(value)) return JSON.stringify(value);
        if (depth === 1 && unencodable) return void unencodable.push(key);
        throw encodingError(member ?? field);
      case 'number':
        return Number.isFinite(value) ? String(value) : 'null';
      case 'boolean':
        return value ? 'true' : 'false';
      case 'bigint':
        throw fail('ERR_FIELD_TYPE', member ?? field, `${member ?? field} is a BigInt, which has no JSON form; write it as a string of digits or a number`);
      case 'object':
        break;
      default:
        return undefined; // undefined, functions, symbols: left out, as JSON.stringify does
    }
    if (value === null) return 'null';
    if (depth >= MAX_JSON_DEPTH) throw tooDeep(member ?? field);
    if (open.includes(value)) throw fail('ERR_FIELD_TYPE', member ?? field, `${member ?? field} contains itself (a cycle), which has no JSON form`);
    open.push(value);
    const parts = [];
    if (Array.isArray(value)) {
      for (let i = 0, n = value.length; i < n; i++) parts.push(write(value[i], depth + 1, String(i), member) ?? 'null');
    } else {
      for (const name of Object.keys(value)) {
        if (!isWellFormed(name)) throw encodingError(null);
        const item = write(value[name], depth + 1, name, member ?? name);
        if (item !== undefined) parts.push(`${JSON.stringify(name)}:${item}`);
      }
    }
    open.pop();
    return Array.isArray(value) ? `[${parts.join(',')}]` : `{${parts.join(',')}}`;
  };
  return reading(field, field, () => write(root, 0, '', null));
}

/**
 * JSON text for an input given as an object, JSON text or its UTF-8 bytes, and the top-level
 * fields left out because their text cannot be encoded (the core reports them with the rest).
 */
export function jsonInput(input, maxBodyBytes, field = 'input') {
  if (typeof input === 'string' || exactBytes(input, field) !== undefined) {
    return { json: text(input, field, maxBodyBytes), unencodable: undefined };
  }
  const unencodable = [];
  // undefined, functions and symbols have no JSON form: the core reports "not an object".
  const json = writeJson(input, field, unencodable) ?? 'null';
  return { json: body(json, field, maxBodyBytes), unencodable: unencodable.length > 0 ? unencodable : undefined };
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
    return { input: writeJson(params, 'params'), form: false };
  } catch (error) {
    if (error?.code === 'ERR_TOO_DEEP') throw error;
    // Bytes that are not UTF-8, a detached buffer, a revoked Proxy, a throwing getter, BigInt,
    // lone surrogates or cyclic values: nothing the platform could have sent.
    return null;
  }
}

/** A request the core wrote as `url⏎content type⏎authorization⏎body` (the body last: it may hold line breaks). */
export function request(wire) {
  const a = wire.indexOf('\n');
  const b = wire.indexOf('\n', a + 1);
  const c = wire.indexOf('\n', b + 1);
  const headers = { 'Content-Type': wire.slice(a + 1, b) };
  if (c > b + 1) headers.Authorization = wire.slice(b + 1, c);
  return { method: 'POST', url: wire.slice(0, a), headers, body: wire.slice(c + 1) };
}

/** The entries of request headers: a Headers object or a plain object of strings. */
export function headerEntries(headers) {
  if (headers === undefined || headers === null) return [];
  const entries = [];
  // Only a value that says it is a Headers is checked against the global, which Node loads
  // lazily, at some cost, on first use.
  const isHeaders = branded(Object.prototype.toString, headers) === '[object Headers]' && branded(globalThis.Headers?.prototype.has, headers, 'authorization') !== undefined;
  if (isHeaders) {
    reading('headers', 'request.headers', () => Headers.prototype.forEach.call(headers, (value, name) => entries.push([name, value])));
    return entries;
  }
  const fields = snapshot(headers, 'request.headers', 'headers');
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) throw fail('ERR_FIELD_TYPE', 'headers', 'request.headers must be a Headers object or an object of strings');
  return Object.entries(fields);
}

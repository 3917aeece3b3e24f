// Argument shapes and the call into the wasm core, shared by every module of the public API
// (api.js and the modules it re-exports). Internal: not exported from the package.

import * as core from '../dist/chinaums_open.js';
import { argumentError, fromWasm } from './errors.js';
import { forgetBuffer, utf8Length } from './io.js';
import { assertInitialized } from './state.js';

/** Default cap on a body, JSON input or response text, in bytes (1 MiB); see `maxBodyBytes`. */
export const DEFAULT_MAX_BODY_BYTES = 1048576;
/** Longest Authorization header accepted, in bytes. */
export const MAX_HEADER_BYTES = 4096;

export const encoder = new TextEncoder();
// ignoreBOM keeps a leading byte-order mark, so that the core reports it instead of the
// decoder silently dropping bytes that were signed.
export const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'a Uint8Array';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}

export const isWellFormed =
  typeof String.prototype.isWellFormed === 'function'
    ? (s) => s.isWellFormed()
    : (s) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

export function encodingError(field) {
  return argumentError(
    'ERR_BODY_ENCODING',
    field,
    `${field} contains a lone UTF-16 surrogate, which has no UTF-8 encoding; it would be ` +
      'silently replaced by U+FFFD and the bytes sent would differ from the text you hold',
  );
}

export function checkWellFormed(text, field) {
  if (!isWellFormed(text)) throw encodingError(field);
  return text;
}

export function requireObject(value, field, what) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw argumentError('ERR_FIELD_TYPE', field, `${what} must be an object, not ${describe(value)}`);
  }
  return value;
}

export function requireString(value, field) {
  if (value === undefined || value === null) {
    throw argumentError('ERR_FIELD_REQUIRED', field, `${field} is required`);
  }
  if (typeof value !== 'string') {
    throw argumentError('ERR_FIELD_TYPE', field, `${field} must be a string, not ${describe(value)}`);
  }
  return checkWellFormed(value, field);
}

export function optionalString(value, field) {
  return value === undefined || value === null ? undefined : requireString(value, field);
}

export function optionalBoolean(value, field) {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') {
    throw argumentError('ERR_FIELD_TYPE', field, `${field} must be true or false, not ${describe(value)}`);
  }
  return value;
}

export function optionalNumber(value, field) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') {
    throw argumentError('ERR_FIELD_TYPE', field, `${field} must be a number, not ${describe(value)}`);
  }
  return value;
}

/**
 * Refuses an input over its cap *before* it is copied into wasm memory, which grows to fit
 * and never shrinks (one 100 MB body would cost a Worker 100 MB for its lifetime). The core
 * owns the rule and the message; this only avoids the copy, and the core checks again anyway.
 * `value` is a string or bytes; `field` 'authorization' uses the header cap.
 */
export function guardSize(field, value, maxBodyBytes) {
  const cap = field === 'authorization' ? MAX_HEADER_BYTES : maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  // A string's UTF-8 length is at least its length in UTF-16 units: measure only when over.
  if (value.length > cap) {
    const size = typeof value === 'string' ? utf8Length(value) : value.length;
    call(() => core.check_input_size(field, size, maxBodyBytes));
  }
  return value;
}

/** Epoch milliseconds from a number or a Date; `Date.now()` when absent (taken now, per call). */
export function instant(value, field) {
  if (value === undefined || value === null) return Date.now();
  if (value instanceof Date) return value.getTime();
  if (typeof value !== 'number') {
    throw argumentError(
      'ERR_FIELD_TYPE',
      field,
      `${field} must be epoch milliseconds (a number, e.g. Date.now()) or a Date, not ${describe(value)}`,
    );
  }
  return value;
}

/**
 * A body as a well-formed string (to be encoded as UTF-8 where it is copied) or as a
 * Uint8Array of its exact bytes.
 */
export function bodyInput(body, field = 'body') {
  if (typeof body === 'string') return checkWellFormed(body, field);
  return bodyBytes(body, field);
}

/** The exact bytes of a body given as a string (encoded as UTF-8) or as bytes (used as is). */
export function bodyBytes(body, field = 'body') {
  if (typeof body === 'string') return encoder.encode(checkWellFormed(body, field));
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body === undefined || body === null) {
    throw argumentError('ERR_FIELD_REQUIRED', field, `${field} is required: the exact string or bytes to send`);
  }
  throw argumentError(
    'ERR_FIELD_TYPE',
    field,
    `${field} must be a string or a Uint8Array, not ${describe(body)}; serialize objects ` +
      'once (e.g. with buildPreauthCancel) and sign and send that same text',
  );
}

export function isBytes(value) {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

/**
 * Text from a string or UTF-8 bytes, within the size cap; bytes that are not UTF-8 are an
 * encoding error (never replaced by U+FFFD).
 */
export function text(value, field, maxBodyBytes) {
  if (isBytes(value)) {
    const bytes = guardSize(field, bodyBytes(value, field), maxBodyBytes);
    try {
      return strictDecoder.decode(bytes);
    } catch {
      throw argumentError(
        'ERR_BODY_ENCODING',
        field,
        `${field} is not valid UTF-8; JSON must be sent as UTF-8 text (the bytes are not replaced or guessed)`,
      );
    }
  }
  return guardSize(field, requireString(value, field), maxBodyBytes);
}

/**
 * JSON text for an input given as an object, a JSON string or UTF-8 bytes, plus the issues of
 * top-level string fields that cannot be encoded (lone surrogates). Those fields are left out of
 * the JSON so that the core still reports every other problem.
 */
export function jsonInput(input, maxBodyBytes) {
  if (typeof input === 'string' || isBytes(input)) {
    return { json: text(input, 'input', maxBodyBytes), encodingIssues: [] };
  }
  let json = stringify(input);
  const encodingIssues = [];
  // JSON.stringify escapes a lone surrogate as \udXXX; only then look for the fields holding
  // one (a literal "\\ud" in some text also lands here, harmlessly).
  if (json !== undefined && json.includes('\\ud') && input !== null && typeof input === 'object' && !Array.isArray(input)) {
    for (const [field, fieldValue] of Object.entries(input)) {
      if (typeof fieldValue === 'string' && !isWellFormed(fieldValue)) {
        const { code, message } = encodingError(field);
        encodingIssues.push({ field, code, message });
      }
    }
    if (encodingIssues.length > 0) {
      const rest = { ...input };
      for (const { field } of encodingIssues) delete rest[field];
      json = stringify(rest);
    }
  }
  // undefined, functions and symbols have no JSON form: the core reports "not an object".
  return { json: guardSize('input', json ?? 'null', maxBodyBytes), encodingIssues };
}

function stringify(value) {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw argumentError(
      'ERR_FIELD_TYPE',
      null,
      `the request cannot be converted to JSON (${error && error.message}); use plain objects with string fields`,
    );
  }
}

/** Merges JavaScript-side encoding issues with the core's, which then cannot say "missing". */
export function withEncodingIssues(encodingIssues, issues) {
  if (encodingIssues.length === 0) return issues;
  const dropped = new Set(encodingIssues.map((i) => i.field));
  return [...encodingIssues, ...issues.filter((i) => !(i.code === 'ERR_FIELD_REQUIRED' && dropped.has(i.field)))];
}

export function call(fn) {
  assertInitialized();
  try {
    return fn();
  } catch (error) {
    // A trap (a bug, or memory exhausted) may leave the I/O buffer's address stale.
    if (error instanceof WebAssembly.RuntimeError) forgetBuffer();
    throw fromWasm(error);
  }
}


/**
 * The instant to use, in epoch ms: `options.now` (a number or a Date; `Date.now()` when absent,
 * taken per call) plus `options.clockOffsetMs` (from clockOffsetFromResponse), so that a host
 * with a skewed clock still produces timestamps the gateway accepts.
 */
export function effectiveNow(options) {
  const now = instant(options.now, 'now');
  const offset = options.clockOffsetMs;
  if (offset === undefined || offset === null) return now;
  if (typeof offset !== 'number' || !Number.isFinite(offset)) {
    throw argumentError(
      'ERR_FIELD_TYPE',
      'clockOffsetMs',
      `clockOffsetMs must be a finite number of milliseconds (see clockOffsetFromResponse), not ${describe(offset)}`,
    );
  }
  return now + offset;
}

/** Options objects may be omitted; anything else must be an object. */
export function optionsObject(options, what) {
  return options === undefined || options === null ? {} : requireObject(options, null, what);
}

/** `{ method: 'POST', url, headers, body }` from the core's `url\nbody`. */
export function postRequest(urlAndBody) {
  const split = urlAndBody.indexOf('\n');
  return {
    method: 'POST',
    url: urlAndBody.slice(0, split),
    headers: { 'Content-Type': 'application/json' },
    body: urlAndBody.slice(split + 1),
  };
}

// The public JavaScript API, identical in every runtime. It checks the shapes of JavaScript
// arguments, hands primitives to the wasm core, and turns results and errors back into
// objects. Every rule about the protocol itself lives in the Rust core.

import * as core from '../dist/chinaums_open.js';
import { argumentError, ChinaumsError, fromWasm } from './errors.js';
import { assertInitialized } from './state.js';

export { ChinaumsError } from './errors.js';
export * from './preview.js';

export const PRODUCTION_BASE_URL = 'https://api-mop.chinaums.com';
export const TEST_BASE_URL = 'https://test-api-open.chinaums.com';
export const PREAUTH_CANCEL_PATH = '/v1/netpay/bills/preauth-cancel';
export const DEFAULT_TOLERANCE_SECONDS = 300;

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

// ---------------------------------------------------------------------------------------------
// Argument shapes

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'a Uint8Array';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}

const isWellFormed =
  typeof String.prototype.isWellFormed === 'function'
    ? (s) => s.isWellFormed()
    : (s) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

function encodingError(field) {
  return argumentError(
    'ERR_BODY_ENCODING',
    field,
    `${field} contains a lone UTF-16 surrogate, which has no UTF-8 encoding; it would be ` +
      'silently replaced by U+FFFD and the bytes sent would differ from the text you hold',
  );
}

function checkWellFormed(text, field) {
  if (!isWellFormed(text)) throw encodingError(field);
  return text;
}

function requireObject(value, field, what) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw argumentError('ERR_FIELD_TYPE', field, `${what} must be an object, not ${describe(value)}`);
  }
  return value;
}

function requireString(value, field) {
  if (value === undefined || value === null) {
    throw argumentError('ERR_FIELD_REQUIRED', field, `${field} is required`);
  }
  if (typeof value !== 'string') {
    throw argumentError('ERR_FIELD_TYPE', field, `${field} must be a string, not ${describe(value)}`);
  }
  return checkWellFormed(value, field);
}

function optionalString(value, field) {
  return value === undefined || value === null ? undefined : requireString(value, field);
}

function optionalBoolean(value, field) {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') {
    throw argumentError('ERR_FIELD_TYPE', field, `${field} must be true or false, not ${describe(value)}`);
  }
  return value;
}

/** Epoch milliseconds from a number or a Date; `Date.now()` when absent (taken now, per call). */
function instant(value, field) {
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

/** The exact bytes of a body given as a string (encoded as UTF-8) or as bytes (used as is). */
function bodyBytes(body, field = 'body') {
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

/** Text from a string or UTF-8 bytes; bytes that are not UTF-8 are an encoding error. */
function text(value, field) {
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
    try {
      return strictDecoder.decode(value);
    } catch {
      throw argumentError('ERR_BODY_ENCODING', field, `${field} is not valid UTF-8`);
    }
  }
  return requireString(value, field);
}

/**
 * JSON text for an input given as an object, a JSON string or UTF-8 bytes, plus the issues of
 * top-level string fields that cannot be encoded (lone surrogates). Those fields are left out of
 * the JSON so that the core still reports every other problem.
 */
function jsonInput(input) {
  if (typeof input === 'string' || input instanceof Uint8Array || input instanceof ArrayBuffer) {
    return { json: text(input, 'input'), encodingIssues: [] };
  }
  const encodingIssues = [];
  let value = input;
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
    for (const [field, fieldValue] of Object.entries(input)) {
      if (typeof fieldValue === 'string' && !isWellFormed(fieldValue)) {
        const { code, message } = encodingError(field);
        encodingIssues.push({ field, code, message });
      }
    }
    if (encodingIssues.length > 0) {
      value = { ...input };
      for (const { field } of encodingIssues) delete value[field];
    }
  }
  let json;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw argumentError(
      'ERR_FIELD_TYPE',
      null,
      `the request cannot be converted to JSON (${error && error.message}); use plain objects with string fields`,
    );
  }
  // undefined, functions and symbols have no JSON form: the core reports "not an object".
  return { json: json ?? 'null', encodingIssues };
}

/** Merges JavaScript-side encoding issues with the core's, which then cannot say "missing". */
function withEncodingIssues(encodingIssues, issues) {
  if (encodingIssues.length === 0) return issues;
  const dropped = new Set(encodingIssues.map((i) => i.field));
  return [...encodingIssues, ...issues.filter((i) => !(i.code === 'ERR_FIELD_REQUIRED' && dropped.has(i.field)))];
}

function call(fn) {
  assertInitialized();
  try {
    return fn();
  } catch (error) {
    throw fromWasm(error);
  }
}

// ---------------------------------------------------------------------------------------------
// OPEN-BODY-SIG

function signedResult(parts) {
  const [authorization, signature, bodyDigest, timestamp, nonce] = parts.split('\n');
  return { authorization, signature, bodyDigest, timestamp, nonce };
}

/**
 * Signs exact body bytes: `{ authorization, signature, bodyDigest, timestamp, nonce }`.
 * Timestamp (yyyyMMddHHmmss, Beijing) and nonce default to the clock and the CSPRNG.
 */
export function signOpenBody(options) {
  requireObject(options, null, 'signOpenBody options');
  const appId = requireString(options.appId, 'appId');
  const appKey = requireString(options.appKey, 'appKey');
  const body = bodyBytes(options.body);
  const timestamp = optionalString(options.timestamp, 'timestamp');
  const nonce = optionalString(options.nonce, 'nonce');
  const now = Date.now();
  return call(() => signedResult(core.sign_open_body(appId, appKey, body, timestamp, nonce, now)));
}

/** Signs many bodies for one appId; the key is processed once, in the constructor. */
export class OpenBodySigner {
  #inner;
  #appId;

  constructor(credentials) {
    requireObject(credentials, null, 'OpenBodySigner credentials');
    const appId = requireString(credentials.appId, 'appId');
    const appKey = requireString(credentials.appKey, 'appKey');
    this.#inner = call(() => new core.WasmSigner(appId, appKey));
    this.#appId = appId;
  }

  get appId() {
    return this.#appId;
  }

  sign(body, options) {
    const inner = this.#inner;
    if (inner === undefined) {
      throw new ChinaumsError('ERR_SIGNER_FREED', 'this OpenBodySigner was freed; create a new one');
    }
    const bytes = bodyBytes(body);
    let timestamp;
    let nonce;
    if (options !== undefined && options !== null) {
      requireObject(options, null, 'sign options');
      timestamp = optionalString(options.timestamp, 'timestamp');
      nonce = optionalString(options.nonce, 'nonce');
    }
    const now = Date.now();
    return call(() => signedResult(inner.sign(bytes, timestamp, nonce, now)));
  }

  /** Releases the key state in wasm memory now rather than at garbage collection. */
  free() {
    const inner = this.#inner;
    this.#inner = undefined;
    inner?.free();
  }

  [Symbol.dispose]() {
    this.free();
  }

  toJSON() {
    return { appId: this.#appId };
  }
}

/**
 * Verifies an OPEN-BODY-SIG header against the exact body bytes received:
 * `{ appId, timestamp, nonce }`, or a ChinaumsError.
 */
export function verifyOpenBody(options) {
  requireObject(options, null, 'verifyOpenBody options');
  const authorization = requireString(options.authorization, 'authorization');
  const body = bodyBytes(options.body);
  const appKey = requireString(options.appKey, 'appKey');
  const now = instant(options.now, 'now');
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (typeof tolerance !== 'number') {
    throw argumentError('ERR_FIELD_TYPE', 'toleranceSeconds', `toleranceSeconds must be a number, not ${describe(tolerance)}`);
  }
  return call(() => {
    const [appId, timestamp, nonce] = core.verify_open_body(authorization, body, appKey, now, tolerance).split('\n');
    return { appId, timestamp, nonce };
  });
}

/** Reads an Authorization header without verifying it: `{ appId, timestamp, nonce, signature }`. */
export function parseAuthorization(authorization) {
  const header = requireString(authorization, 'authorization');
  return call(() => {
    const [appId, timestamp, nonce, signature] = core.parse_authorization(header).split('\n');
    return { appId, timestamp, nonce, signature };
  });
}

/** Stage 1: lowercase hex SHA-256 of the exact body bytes. */
export function bodyDigest(body) {
  const bytes = bodyBytes(body);
  return call(() => core.body_digest(bytes));
}

/** Stage 2: appId + timestamp + nonce + bodyDigest. */
export function stringToSign(parts) {
  requireObject(parts, null, 'stringToSign parts');
  const appId = requireString(parts.appId, 'appId');
  const timestamp = requireString(parts.timestamp, 'timestamp');
  const nonce = requireString(parts.nonce, 'nonce');
  const digest = requireString(parts.bodyDigest, 'bodyDigest');
  return call(() => core.string_to_sign(appId, timestamp, nonce, digest));
}

/** Stage 3: Base64 HMAC-SHA256 of the string to sign, keyed by the appKey's UTF-8 bytes. */
export function computeSignature(options) {
  requireObject(options, null, 'computeSignature options');
  const appKey = requireString(options.appKey, 'appKey');
  const message = requireString(options.stringToSign, 'stringToSign');
  return call(() => core.signature(appKey, message));
}

/** Stage 4: the Authorization header text. */
export function authorizationHeader(parts) {
  requireObject(parts, null, 'authorizationHeader parts');
  const appId = requireString(parts.appId, 'appId');
  const timestamp = requireString(parts.timestamp, 'timestamp');
  const nonce = requireString(parts.nonce, 'nonce');
  const signature = requireString(parts.signature, 'signature');
  return call(() => core.authorization_header(appId, timestamp, nonce, signature));
}

/** A fresh nonce: 32 lowercase hex characters from the platform CSPRNG. */
export function createNonce() {
  return call(() => core.nonce());
}

/** Beijing time (UTC+8) of an instant: `{ compact, dateTime, date }`. */
export function beijingTime(epochMs) {
  if (epochMs === undefined || epochMs === null) {
    throw argumentError('ERR_FIELD_REQUIRED', 'epochMs', 'epochMs is required (for example Date.now())');
  }
  const ms = instant(epochMs, 'epochMs');
  return call(() => {
    const [compact, dateTime, date] = core.beijing_time(ms).split('\n');
    return { compact, dateTime, date };
  });
}

// ---------------------------------------------------------------------------------------------
// preauth-cancel

function asIssue(error) {
  if (error instanceof ChinaumsError) {
    return error.issues.length > 0 ? error.issues : [{ field: error.field, code: error.code, message: error.message }];
  }
  throw error;
}

/** `{ ok, issues }` for a preauth-cancel request; never throws for bad input. */
export function validatePreauthCancel(input, options) {
  let prepared;
  let msgSrcId;
  let allowUnknown;
  let applyDefaults;
  try {
    prepared = jsonInput(input);
    const opts = options === undefined || options === null ? {} : requireObject(options, null, 'options');
    msgSrcId = optionalString(opts.msgSrcId, 'msgSrcId');
    allowUnknown = optionalBoolean(opts.allowUnknownFields, 'allowUnknownFields');
    applyDefaults = optionalBoolean(opts.applyDefaults, 'applyDefaults');
  } catch (error) {
    const issues = asIssue(error);
    return { ok: false, issues };
  }
  assertInitialized();
  const coreIssues = JSON.parse(core.validate_preauth_cancel(prepared.json, msgSrcId, allowUnknown, applyDefaults));
  const issues = withEncodingIssues(prepared.encodingIssues, coreIssues);
  return { ok: issues.length === 0, issues };
}

/**
 * Validates and builds a preauth-cancel request:
 * `{ method: 'POST', url, headers: { 'Content-Type': 'application/json' }, body }`.
 * Sign and send `body` exactly as returned.
 */
export function buildPreauthCancel(input, options) {
  const { json, encodingIssues } = jsonInput(input);
  const opts = requireObject(options ?? {}, null, 'buildPreauthCancel options');
  const env = optionalString(opts.env, 'env');
  const baseUrl = optionalString(opts.baseUrl, 'baseUrl');
  const now = instant(opts.now, 'now');
  const msgSrcId = optionalString(opts.msgSrcId, 'msgSrcId');
  const allowUnknown = optionalBoolean(opts.allowUnknownFields, 'allowUnknownFields');
  if (encodingIssues.length > 0) {
    // Unencodable text must be fixed before anything else can be checked meaningfully.
    const [first] = encodingIssues;
    const more = encodingIssues.length > 1 ? ` (and ${encodingIssues.length - 1} more fields)` : '';
    throw new ChinaumsError(first.code, first.message + more, { field: first.field, issues: encodingIssues });
  }
  return call(() => {
    const out = core.build_preauth_cancel(json, env, baseUrl, now, msgSrcId, allowUnknown);
    const split = out.indexOf('\n');
    return {
      method: 'POST',
      url: out.slice(0, split),
      headers: { 'Content-Type': 'application/json' },
      body: out.slice(split + 1),
    };
  });
}

/** The same request with `headers.Authorization` added; the body is not touched. */
export function signRequest(request, credentials) {
  requireObject(request, 'request', 'request');
  requireObject(credentials, null, 'signRequest credentials');
  const headers = request.headers === undefined ? {} : requireObject(request.headers, 'headers', 'request.headers');
  const signed = signOpenBody({
    appId: credentials.appId,
    appKey: credentials.appKey,
    body: request.body,
    timestamp: credentials.timestamp,
    nonce: credentials.nonce,
  });
  return { ...request, headers: { ...headers, Authorization: signed.authorization } };
}

/**
 * Parses a preauth-cancel response: `{ ok, errCode, errMsg, billStatus, billPayment, … }`,
 * amounts as integer fen. `ok` is false for platform and business errors (read errCode).
 */
export function parsePreauthCancelResponse(responseText) {
  const body = text(responseText, 'text');
  return call(() => JSON.parse(core.parse_preauth_cancel_response(body)));
}

// The public JavaScript API, identical in every runtime: each function prepares its arguments
// at the boundary (boundary.js) and calls the wasm core, which owns every rule, constant and
// message of the protocol and returns plain objects or throws ChinaumsErrors.

import * as core from '../dist/chinaums_open.js';
import { body, call, exactBytes, hashedBody, headerEntries, instant, jsonInput, notification, snapshot, typed, wellFormed } from './boundary.js';
import { DEFAULT_MAX_BODY_BYTES } from '../dist/constants.js';
import { ChinaumsError } from './errors.js';

export * from '../dist/constants.js';
export { ChinaumsError } from './errors.js';
export { wasmMemoryBytes } from './state.js';

const encoder = new TextEncoder();
/** Strings shorter than this cross as `&str`; longer ones are encoded natively first, cheaper. */
const TEXT_CROSSING_MAX = 1024;

// ---------------------------------------------------------------------------------------------
// OPEN-BODY-SIG

/** Signs many bodies for one appId; the key is processed once, in the constructor. */
export class OpenBodySigner {
  #inner;
  #appId;
  #maxBodyBytes;

  constructor(credentials) {
    const options = snapshot(credentials, 'OpenBodySigner credentials');
    // The key state lives in wasm memory: free() wipes and releases it now; otherwise the
    // glue's FinalizationRegistry does when this object is garbage-collected.
    this.#inner = call(() => new core.Signer(options));
    this.#appId = this.#inner.app_id;
    this.#maxBodyBytes = options?.maxBodyBytes;
  }

  get appId() {
    return this.#appId;
  }

  /** Signs exact body bytes (a string is sent as UTF-8): `{ authorization, signature, bodyDigest, timestamp, nonce }`. */
  sign(bodyValue, options) {
    const o = options === undefined || options === null ? Object.create(null) : snapshot(options, 'sign options');
    if (typeof o !== 'object') call(() => core.check_options(o, 'sign options'));
    const given = body(bodyValue, 'body', this.#maxBodyBytes);
    // Read after every user value above: a getter may have freed this signer.
    const inner = this.#inner;
    if (inner === undefined) throw new ChinaumsError('ERR_SIGNER_FREED', 'this OpenBodySigner was freed; create a new one');
    return call(() => {
      const hashed = hashedBody(given);
      if (hashed !== undefined) return inner.sign_hashed(hashed, o.timestamp, o.nonce, o.now, o.clockOffsetMs);
      if (typeof given === 'string' && given.length < TEXT_CROSSING_MAX) return inner.sign_text(given, o.timestamp, o.nonce, o.now, o.clockOffsetMs);
      if (typeof given === 'string') return inner.sign_bytes(encoder.encode(given), o.timestamp, o.nonce, o.now, o.clockOffsetMs);
      if (given instanceof Uint8Array) return inner.sign_bytes(given, o.timestamp, o.nonce, o.now, o.clockOffsetMs);
      return core.body_digest(given); // not a body: the core says why
    });
  }

  /**
   * The request with its headers merged case-insensitively (plain object or Headers) and
   * `Authorization` set to the new signature; the body is untouched.
   */
  signRequest(request, options) {
    const copy = snapshot(request, 'request', 'request');
    if (copy === null || typeof copy !== 'object') {
      throw new ChinaumsError('ERR_FIELD_TYPE', 'request must be an object with the body to sign', { field: 'request' });
    }
    const headers = {};
    const seen = new Set();
    for (const [name, value] of headerEntries(copy.headers)) {
      const lower = name.toLowerCase();
      if (seen.has(lower)) {
        throw new ChinaumsError('ERR_FIELD_FORMAT', `request.headers has ${JSON.stringify(name)} twice (names differ only in case); keep one`, { field: 'headers' });
      }
      seen.add(lower);
      // A stale Authorization in any case would be sent beside the new one, joined.
      if (lower !== 'authorization') headers[name] = value;
    }
    headers.Authorization = this.sign(copy.body, options).authorization;
    return { ...copy, headers };
  }

  /** Wipes and releases the key state in wasm memory now rather than at garbage collection. Idempotent. */
  free() {
    const inner = this.#inner;
    this.#inner = undefined;
    try {
      inner?.free();
    } catch {
      // Freed while signing (a host callback): the FinalizationRegistry releases it later.
    }
  }

  [Symbol.dispose]() {
    this.free();
  }

  toJSON() {
    return { appId: this.#appId };
  }
}

/** Runs `fn` with a signer for the credentials in `options`, freed afterwards. */
function withSigner(options, what, fn) {
  const o = snapshot(options, what);
  if (o === null || typeof o !== 'object') call(() => core.check_options(o, what));
  const signer = new OpenBodySigner(o);
  try {
    return fn(signer, o);
  } finally {
    signer.free();
  }
}

/** Signs exact body bytes: `{ authorization, signature, bodyDigest, timestamp, nonce }`. */
export function signOpenBody(options) {
  return withSigner(options, 'signOpenBody options', (signer, o) => signer.sign(o.body, o));
}

/** The same request with `headers.Authorization` added; the body is not touched. */
export function signRequest(request, credentials) {
  return withSigner(credentials, 'signRequest credentials', (signer, o) => signer.signRequest(request, o));
}

/** Verifies an OPEN-BODY-SIG header against the exact body bytes received: `{ appId, timestamp, nonce }`. */
export function verifyOpenBody(options) {
  const o = snapshot(options, 'verifyOpenBody options');
  if (o !== null && typeof o === 'object') {
    o.authorization = body(o.authorization, 'authorization');
    o.body = body(o.body, 'body', o.maxBodyBytes);
  }
  return call(() => core.verify_open_body(o, hashedBody(o?.body)));
}

/** Reads an Authorization header without verifying it: `{ appId, timestamp, nonce, signature }`. */
export function parseAuthorization(authorization) {
  const header = body(authorization, 'authorization');
  return call(() => core.parse_authorization(header));
}

/** Stage 1: lowercase hex SHA-256 of the exact body bytes. */
export function bodyDigest(bodyValue, options) {
  const given = body(bodyValue, 'body', snapshot(options)?.maxBodyBytes);
  return call(() => hashedBody(given)?.finish() ?? core.body_digest(given));
}

/** Stage 2: appId + timestamp + nonce + bodyDigest. */
export const stringToSign = (parts) => call(() => core.string_to_sign(snapshot(parts, 'stringToSign parts')));
/** Stage 3: Base64 HMAC-SHA256 of the string to sign, keyed by the appKey's UTF-8 bytes. */
export const computeSignature = (options) => call(() => core.compute_signature(snapshot(options, 'computeSignature options')));
/** Stage 4: the Authorization header text. */
export const authorizationHeader = (parts) => call(() => core.authorization_header(snapshot(parts, 'authorizationHeader parts')));
/** A fresh nonce: 32 lowercase hex characters from the platform CSPRNG. */
export const createNonce = () => call(() => core.create_nonce());
/** Beijing time (UTC+8) of an instant: `{ compact, dateTime, date }`. */
export const beijingTime = (epochMs) => call(() => core.beijing_time(instant(epochMs, 'epochMs')));

// ---------------------------------------------------------------------------------------------
// Bills endpoints with a field table, any other endpoint, responses

const issuesOf = (error) => (error.issues.length > 0 ? error.issues : [{ field: error.field, code: error.code, message: error.message }]);

/** The JSON of an input, or the typed error that makes it unreadable. */
function prepared(input, options) {
  try {
    return jsonInput(input, options?.maxBodyBytes);
  } catch (error) {
    return { error: typed(error, 'input', 'ERR_FIELD_TYPE', 'the input could not be read') };
  }
}

function validator(endpoint) {
  return (input, options) => {
    let o;
    try {
      o = snapshot(options);
    } catch (error) {
      return { ok: false, issues: issuesOf(typed(error, null, 'ERR_FIELD_TYPE', 'the options could not be read')) };
    }
    const p = prepared(input, o);
    if (p.error) return { ok: false, issues: issuesOf(p.error) };
    return call(() => core.validate_bills(endpoint, p.json, p.unencodable, o));
  };
}

function builder(endpoint, what) {
  return (input, options) => {
    const o = snapshot(options, what);
    const p = jsonInput(input, o?.maxBodyBytes);
    return call(() => core.build_bills(endpoint, p.json, p.unencodable, o, what));
  };
}

/** Parses the response of any bills endpoint: `{ ok, errCode, errMsg, billStatus, billPayment, … }`, amounts in fen. */
export function parseBillsResponse(responseText, options) {
  const o = snapshot(options);
  const given = body(responseText, 'text', o?.maxBodyBytes);
  return call(() => core.parse_bills_response(given, o));
}

export const validatePreauthCancel = validator('preauth-cancel');
export const buildPreauthCancel = builder('preauth-cancel', 'buildPreauthCancel options');
export const parsePreauthCancelResponse = parseBillsResponse;
export const validatePreauthed = validator('preauthed');
export const buildPreauthed = builder('preauthed', 'buildPreauthed options');
export const parsePreauthedResponse = parseBillsResponse;
export const validatePreauthedCancel = validator('preauthed-cancel');
export const buildPreauthedCancel = builder('preauthed-cancel', 'buildPreauthedCancel options');
export const parsePreauthedCancelResponse = parseBillsResponse;
export const validateBillsQuery = validator('query');
export const buildBillsQuery = builder('query', 'buildBillsQuery options');
export const parseBillsQueryResponse = parseBillsResponse;

/**
 * Previews a preauth-cancel request without a key (admin panels): `{ ok, issues, request,
 * bodyBytes, bodyDigest, authorization, timestamp, nonce, curl }`. Bad options throw.
 */
export function previewPreauthCancel(input, options) {
  const o = snapshot(options, 'previewPreauthCancel options');
  const p = prepared(input, o);
  const preview = call(() => core.preview_bills('preauth-cancel', p.json ?? '{}', p.unencodable ?? [], o));
  if (p.error) Object.assign(preview, { ok: false, issues: issuesOf(p.error), request: null, bodyDigest: null, curl: null });
  preview.bodyBytes = preview.ok ? encoder.encode(preview.request.body) : null;
  return preview;
}

/** `POST /v1/netpay/bills/<service>` for any other bills endpoint; the body written exactly. */
export function buildRequest(service, requestBody, options) {
  const o = snapshot(options, 'buildRequest options');
  const given = wellFormed(service, 'service');
  const p = jsonInput(requestBody);
  return call(() => core.build_request(given, p.json, p.unencodable, o));
}

/** The gateway's clock minus the host's, in ms, from a response's `responseTimestamp`. */
export function clockOffsetFromResponse(response, receivedAt) {
  const timestamp = response !== null && typeof response === 'object' ? snapshot(response).responseTimestamp : response;
  const given = wellFormed(timestamp, 'responseTimestamp');
  return call(() => core.clock_offset(given, instant(receivedAt, 'receivedAt')));
}

// ---------------------------------------------------------------------------------------------
// Token mode, OPEN-FORM-PARAM, notifications, response signatures

/** The token request: `{ method: 'POST', url, headers, body }`. */
export const accessTokenRequest = (options) => call(() => core.access_token_request(snapshot(options, 'accessTokenRequest options')));

/** Reads the token endpoint's answer: `{ accessToken, expiresIn, expiresAt }`; ERR_PLATFORM on refusal. */
export function parseAccessTokenResponse(responseText, options) {
  const given = body(responseText, 'text');
  return call(() => core.parse_access_token_response(given, snapshot(options)));
}

/** `OPEN-ACCESS-TOKEN AccessToken=<token>` for a token string or a parsed token response. */
export function tokenAuthorization(token) {
  const value = token !== null && typeof token === 'object' ? snapshot(token).accessToken : token;
  const given = wellFormed(value, 'accessToken');
  return call(() => core.token_authorization(given));
}

/** Holds the current access token and says when to refresh it, without timers. */
export class AccessTokenHolder {
  #inner;

  constructor(options) {
    this.#inner = call(() => new core.TokenHolder(snapshot(options, 'AccessTokenHolder options')));
  }

  /** Takes a token from parseAccessTokenResponse (or a cached `{ accessToken, expiresIn, expiresAt }`). */
  update(token) {
    const copy = snapshot(token, 'the token', 'token');
    call(() => this.#inner.update(copy));
    return this;
  }

  clear() {
    this.#inner.clear();
  }

  needsRefresh(now) {
    return call(() => this.#inner.needs_refresh(instant(now, 'now')));
  }

  authorization(now) {
    return call(() => this.#inner.authorization(instant(now, 'now')));
  }

  get expiresAt() {
    return this.#inner.expires_at ?? null;
  }

  get refreshAt() {
    return this.#inner.refresh_at ?? null;
  }

  toJSON() {
    return { expiresAt: this.expiresAt, refreshAt: this.refreshAt, marginSeconds: this.#inner.margin_seconds };
  }
}

/** The full signed OPEN-FORM-PARAM GET URL; `content` is text (signed exactly) or an object (stringified once). */
export function formParamUrl(options) {
  const o = snapshot(options, 'formParamUrl options');
  let content = o?.content;
  if (content !== null && typeof content === 'object' && !(exactBytes(content, 'content') instanceof Uint8Array)) {
    const p = jsonInput(content, undefined, 'content');
    if (p.unencodable.length > 0) throw new ChinaumsError('ERR_BODY_ENCODING', `content.${p.unencodable[0]} contains a lone UTF-16 surrogate`, { field: p.unencodable[0] });
    content = p.json;
  } else {
    content = body(content, 'content');
  }
  return call(() => core.form_param_url(o, content));
}

function notificationInput(params) {
  const prepared = notification(params);
  if (prepared === null) throw new ChinaumsError('ERR_BODY_ENCODING', 'the notification cannot be read as UTF-8 text (bytes that are not UTF-8, lone surrogates, or values that cannot be read or written as JSON)', { field: 'params' });
  body(prepared.input, 'body');
  return prepared;
}

/**
 * `true` only for a valid `sign` under the communication key (not the appKey); `false` for
 * anything else, including input that cannot be decoded. Throws only for a bad key or option.
 */
export function verifyNotification(params, communicationKey, options) {
  let prepared = notification(params);
  // Too large to be the platform's: false, like any notification that cannot verify, uncopied.
  if (prepared !== null && prepared.input.length > DEFAULT_MAX_BODY_BYTES) prepared = null;
  return call(() => core.verify_notification(prepared?.input, prepared?.form ?? true, keyArgument(communicationKey), snapshot(options)));
}

const keyArgument = (key) => wellFormed(key, 'communicationKey');

/** The notification's fields, billPayment parsed, amounts in fen. Does not verify. */
export function parseNotification(params) {
  const { input, form } = notificationInput(params);
  return call(() => core.parse_notification(input, form));
}

/** The `sign` (uppercase hex) the platform would send for these parameters. */
export function signNotification(params, communicationKey, options) {
  const { input, form } = notificationInput(params);
  return call(() => core.sign_notification(input, form, keyArgument(communicationKey), snapshot(options)));
}

/** The string a notification's signature covers, without the key. */
export function notificationStringToSign(params) {
  const { input, form } = notificationInput(params);
  return call(() => core.notification_string_to_sign(input, form));
}

/**
 * Checks a response's optional OPEN-BODY-SIG `Authorization` header (from `authorization`, or
 * looked up in `headers`) against the exact response bytes: `{ signed: false }` without one.
 */
export function verifyResponseSignature(options) {
  const o = snapshot(options, 'verifyResponseSignature options');
  if (o !== null && typeof o === 'object') {
    if (!('authorization' in o)) {
      if (o.headers === undefined || o.headers === null) {
        throw new ChinaumsError('ERR_FIELD_REQUIRED', 'pass the response headers (a Headers object or a plain object) or its authorization header value', { field: 'headers' });
      }
      const found = headerEntries(o.headers).filter(([name]) => name.toLowerCase() === 'authorization');
      if (found.length > 1) throw new ChinaumsError('ERR_AUTH_HEADER', 'the response has more than one Authorization header', { field: 'authorization' });
      o.authorization = found[0]?.[1];
    }
    if (typeof o.authorization === 'string') o.authorization = body(o.authorization, 'authorization');
    o.body = body(o.body, 'body');
  }
  return call(() => core.verify_response_signature(o, hashedBody(o?.body)));
}

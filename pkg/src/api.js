// The public API, the same in every runtime: each function prepares its arguments at the
// boundary (boundary.js) and calls the wasm core, which owns every rule, constant and message,
// returns plain objects and throws ChinaumsErrors.

import * as core from '../dist/chinaums_open.js';
import { DEFAULT_MAX_BODY_BYTES } from '../dist/constants.js';
import { body, call, exactBytes, hashedBody, headerEntries, instant, jsonInput, notification, snapshot, typed, wellFormed } from './boundary.js';
import { ChinaumsError } from './errors.js';

export * from '../dist/constants.js';
export { ChinaumsError } from './errors.js';
export { wasmMemoryBytes } from './state.js';

const encoder = new TextEncoder();
/** Strings shorter than this cross as `&str`; longer ones are encoded natively first, cheaper. */
const TEXT_CROSSING_MAX = 1024;
const isBag = (o) => o !== null && typeof o === 'object';
/** A snapshot made by boundary.js (anything else goes on for the core to refuse). */
const isSnapshot = (o) => isBag(o) && Object.getPrototypeOf(o) === null;
const bag = (value, what, field) => (value === undefined || value === null ? Object.create(null) : snapshot(value, what, field));

// OPEN-BODY-SIG --------------------------------------------------------------------------------

/** Signs many bodies for one appId; the key is processed once, in the constructor. */
export class OpenBodySigner {
  #inner;
  #appId;
  #maxBodyBytes;

  constructor(credentials) {
    const o = snapshot(credentials, 'OpenBodySigner credentials');
    // The key state lives in wasm memory until free() (or the glue's FinalizationRegistry).
    this.#inner = call(() => new core.Signer(o));
    this.#appId = this.#inner.app_id;
    this.#maxBodyBytes = o.maxBodyBytes;
  }

  get appId() {
    return this.#appId;
  }

  /** `{ authorization, signature, bodyDigest, timestamp, nonce }` for exact body bytes (a string is sent as UTF-8). */
  sign(bodyValue, options) {
    const o = bag(options, 'sign options');
    if (!isSnapshot(o)) call(() => core.check_options(o, 'sign options'));
    const given = body(bodyValue, 'body', this.#maxBodyBytes);
    const inner = this.#inner; // read after every user value above: a getter may have freed it
    if (inner === undefined) throw new ChinaumsError('ERR_SIGNER_FREED', 'this OpenBodySigner was freed; create a new one');
    const args = [o.timestamp, o.nonce, o.now, o.clockOffsetMs];
    const signed = call(() => {
      const hashed = hashedBody(given);
      if (hashed !== undefined) return inner.sign_hashed(hashed, ...args);
      if (typeof given === 'string') return given.length < TEXT_CROSSING_MAX ? inner.sign_text(given, ...args) : inner.sign_bytes(encoder.encode(given), ...args);
      return given instanceof Uint8Array ? inner.sign_bytes(given, ...args) : core.body_digest(given); // the core says why it is no body
    });
    // The core leaves out the timestamp and nonce it was given and checked: they are these.
    signed.timestamp ??= o.timestamp;
    signed.nonce ??= o.nonce;
    return signed;
  }

  /** The request with headers merged case-insensitively (object or Headers) and a new `Authorization`. */
  signRequest(request, options) {
    const copy = snapshot(request, 'request', 'request');
    if (!isSnapshot(copy)) throw new ChinaumsError('ERR_FIELD_TYPE', 'request must be an object with the body to sign', { field: 'request' });
    const headers = {};
    const seen = new Set();
    for (const [name, value] of headerEntries(copy.headers)) {
      const lower = name.toLowerCase();
      if (seen.has(lower)) throw new ChinaumsError('ERR_FIELD_FORMAT', `request.headers has ${JSON.stringify(name)} twice (names differ only in case); keep one`, { field: 'headers' });
      seen.add(lower);
      // A stale Authorization in any case would be sent beside the new one, joined.
      if (lower !== 'authorization') headers[name] = value;
    }
    headers.Authorization = this.sign(copy.body, options).authorization;
    return { ...copy, headers };
  }

  /** Wipes and releases the key state now rather than at garbage collection. Idempotent. */
  free() {
    const inner = this.#inner;
    this.#inner = undefined;
    try {
      inner?.free();
    } catch {
      // Freed while it signs (from a host callback): the FinalizationRegistry releases it later.
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
  if (!isSnapshot(o)) call(() => core.check_options(o, what));
  const signer = new OpenBodySigner(o);
  try {
    return fn(signer, o);
  } finally {
    signer.free();
  }
}

export const signOpenBody = (options) => withSigner(options, 'signOpenBody options', (s, o) => s.sign(o.body, o));
export const signRequest = (request, credentials) => withSigner(credentials, 'signRequest credentials', (s, o) => s.signRequest(request, o));

/** The options with their `authorization` and `body` checked, and the body's hash if it is large. */
function withBody(o) {
  if (!isSnapshot(o)) return [o, undefined];
  if (typeof o.authorization === 'string') o.authorization = body(o.authorization, 'authorization');
  o.body = body(o.body, 'body', o.maxBodyBytes);
  return [o, hashedBody(o.body)];
}

export const verifyOpenBody = (options) => call(() => core.verify_open_body(...withBody(snapshot(options, 'verifyOpenBody options'))));
export const parseAuthorization = (header) => call(() => core.parse_authorization(body(header, 'authorization')));
export function bodyDigest(bodyValue, options) {
  const given = body(bodyValue, 'body', snapshot(options)?.maxBodyBytes);
  return call(() => hashedBody(given)?.finish() ?? core.body_digest(given));
}
export const stringToSign = (parts) => call(() => core.string_to_sign(snapshot(parts, 'stringToSign parts')));
export const computeSignature = (options) => call(() => core.compute_signature(snapshot(options, 'computeSignature options')));
export const authorizationHeader = (parts) => call(() => core.authorization_header(snapshot(parts, 'authorizationHeader parts')));
export const createNonce = () => call(() => core.create_nonce());
export const beijingTime = (epochMs) => call(() => core.beijing_time(instant(epochMs, 'epochMs')));

// Bills endpoints with a field table, any other endpoint, responses ----------------------------

const issuesOf = (e) => (e.issues.length > 0 ? e.issues : [{ field: e.field, code: e.code, message: e.message }]);

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
      return { ok: false, issues: issuesOf(error) };
    }
    const p = prepared(input, o);
    return p.error ? { ok: false, issues: issuesOf(p.error) } : call(() => core.validate_bills(endpoint, p.json, p.unencodable, o));
  };
}

function builder(endpoint, what) {
  return (input, options) => {
    const o = snapshot(options, what);
    const p = jsonInput(input, o?.maxBodyBytes);
    return call(() => core.build_bills(endpoint, p.json, p.unencodable, o, what));
  };
}

/** Any bills response: `{ ok, errCode, errMsg, billStatus, billPayment, … }`, amounts in fen. */
export function parseBillsResponse(text, options) {
  const o = snapshot(options);
  return call(() => core.parse_bills_response(body(text, 'text', o?.maxBodyBytes), o));
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
export const validateGetQrcode = validator('get-qrcode');
export const buildGetQrcode = builder('get-qrcode', 'buildGetQrcode options');
export const parseGetQrcodeResponse = parseBillsResponse;
export const validateCloseQrcode = validator('close-qrcode');
export const buildCloseQrcode = builder('close-qrcode', 'buildCloseQrcode options');
export const parseCloseQrcodeResponse = parseBillsResponse;
export const validateRefund = validator('refund');
export const buildRefund = builder('refund', 'buildRefund options');
export const parseRefundResponse = parseBillsResponse;

/** The request a server will send for a preauth-cancel, without a key (admin panels). */
export function previewPreauthCancel(input, options) {
  const o = snapshot(options, 'previewPreauthCancel options');
  const p = prepared(input, o);
  const preview = call(() => core.preview_bills('preauth-cancel', p.json ?? '{}', p.unencodable ?? [], o));
  if (p.error) Object.assign(preview, { ok: false, issues: issuesOf(p.error), request: null, bodyDigest: null, curl: null });
  preview.bodyBytes = preview.ok ? encoder.encode(preview.request.body) : null;
  return preview;
}

/** `POST /v1/netpay/bills/<service>` or any versioned path (`/v1/netpay/…`), the body written exactly. */
export function buildRequest(service, requestBody, options) {
  const o = snapshot(options, 'buildRequest options');
  const p = jsonInput(requestBody);
  return call(() => core.build_request(wellFormed(service, 'service'), p.json, p.unencodable, o));
}

/** The gateway's clock minus the host's, in ms, from a response's `responseTimestamp`. */
export function clockOffsetFromResponse(response, receivedAt) {
  const timestamp = isBag(response) ? snapshot(response).responseTimestamp : response;
  return call(() => core.clock_offset(wellFormed(timestamp, 'responseTimestamp'), instant(receivedAt, 'receivedAt')));
}

// Token mode, OPEN-FORM-PARAM, notifications, response signatures -----------------------------

export const accessTokenRequest = (options) => call(() => core.access_token_request(snapshot(options, 'accessTokenRequest options')));
export const parseAccessTokenResponse = (text, options) => call(() => core.parse_access_token_response(body(text, 'text'), snapshot(options)));
export function tokenAuthorization(token) {
  const value = isBag(token) ? snapshot(token).accessToken : token;
  return call(() => core.token_authorization(wellFormed(value, 'accessToken')));
}

/** Holds the current access token and says when to refresh it, without timers. */
export class AccessTokenHolder {
  #inner;

  constructor(options) {
    this.#inner = call(() => new core.TokenHolder(snapshot(options, 'AccessTokenHolder options')));
  }

  /** Takes a parsed token response (or a cached `{ accessToken, expiresIn, expiresAt }`). */
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
    return this.toJSON().expiresAt;
  }

  get refreshAt() {
    return this.toJSON().refreshAt;
  }

  /** `{ expiresAt, refreshAt, marginSeconds }`: never the token. */
  toJSON() {
    return call(() => this.#inner.state());
  }
}

/** The signed OPEN-FORM-PARAM GET URL; `content` is text (signed exactly) or an object (stringified once). */
export function formParamUrl(options) {
  const o = snapshot(options, 'formParamUrl options');
  let content = o?.content;
  if (isBag(content) && exactBytes(content, 'content') === undefined) {
    const p = jsonInput(content, undefined, 'content');
    if (p.unencodable.length > 0) throw new ChinaumsError('ERR_BODY_ENCODING', `content.${p.unencodable[0]} contains a lone UTF-16 surrogate`, { field: p.unencodable[0] });
    content = p.json;
  } else {
    content = body(content, 'content');
  }
  return call(() => core.form_param_url(o, content));
}

/** A notification the core can read, or a typed error (the size refused before any copy). */
function notificationInput(params) {
  const prepared = notification(params);
  if (prepared === null) {
    throw new ChinaumsError('ERR_BODY_ENCODING', 'the notification cannot be read as UTF-8 text (bytes that are not UTF-8, lone surrogates, or values that cannot be read or written as JSON)', { field: 'params' });
  }
  body(prepared.input, 'body');
  return prepared;
}

/** `true` only for a valid `sign` under the communication key (not the appKey); `false` for anything else. */
export function verifyNotification(params, communicationKey, options) {
  let prepared = notification(params);
  // Too large to be the platform's: false, like any notification that cannot verify, uncopied.
  if (prepared !== null && prepared.input.length > DEFAULT_MAX_BODY_BYTES) prepared = null;
  return call(() => core.verify_notification(prepared?.input, prepared?.form ?? true, wellFormed(communicationKey, 'communicationKey'), snapshot(options)));
}

export function parseNotification(params) {
  const { input, form } = notificationInput(params);
  return call(() => core.parse_notification(input, form));
}

export function signNotification(params, communicationKey, options) {
  const { input, form } = notificationInput(params);
  return call(() => core.sign_notification(input, form, wellFormed(communicationKey, 'communicationKey'), snapshot(options)));
}

export function notificationStringToSign(params, options) {
  const { input, form } = notificationInput(params);
  return call(() => core.notification_string_to_sign(input, form, snapshot(options)));
}

/** A response's optional OPEN-BODY-SIG `Authorization` (given, or looked up in `headers`) against its exact bytes. */
export function verifyResponseSignature(options) {
  const o = snapshot(options, 'verifyResponseSignature options');
  if (isSnapshot(o) && !('authorization' in o)) {
    if (o.headers === undefined || o.headers === null) {
      throw new ChinaumsError('ERR_FIELD_REQUIRED', 'pass the response headers (a Headers object or a plain object) or its authorization header value', { field: 'headers' });
    }
    const found = headerEntries(o.headers).filter(([name]) => name.toLowerCase() === 'authorization');
    if (found.length > 1) throw new ChinaumsError('ERR_AUTH_HEADER', 'the response has more than one Authorization header', { field: 'authorization' });
    o.authorization = found[0]?.[1];
  }
  return call(() => core.verify_response_signature(...withBody(o)));
}

// Authentication as the gateway sees it: OPEN-BODY-SIG (PROTOCOL.md part 0 rules 1, 2, 10),
// OPEN-ACCESS-TOKEN (rule 9) and OPEN-FORM-PARAM (§4), and the signature of signed responses
// (rule 7, §5), written with node:crypto and nothing from the library. The
// emulator is the test oracle for the library's signer, so the two must not share code: a bug
// shared by both would pass every end-to-end test.
//
// Failures are `Rejection`s: an HTTP status, an errCode and a message. The platform documents no
// gateway-level codes (PROTOCOL.md §9.1, §13.14): it answers authentication failures with a
// non-2xx status and the text 认证失败. So every authentication failure here is HTTP 401, its
// errMsg starts with 认证失败, and errCode uses the platform's business code where one exists
// (BAD_SIGN, ABNORMAL_REQUEST_TIME, §9.2) and a descriptive emulator code otherwise.

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ExpiringMap } from './expiring-map.js';
import { beijingCompact, parseCompact } from './time.js';

/** errCodes of authentication failures (all answered with HTTP 401). */
export const AuthCode = Object.freeze({
  /** Missing Authorization, unknown scheme, or a header that does not follow the grammar. */
  INVALID_AUTHORIZATION: 'INVALID_AUTHORIZATION',
  /** No credential with this appId. */
  UNKNOWN_APPID: 'UNKNOWN_APPID',
  /** The platform's code for a signature that does not match (§9.2). */
  BAD_SIGN: 'BAD_SIGN',
  /** The platform's code for a request time outside the window (§9.2). */
  ABNORMAL_REQUEST_TIME: 'ABNORMAL_REQUEST_TIME',
  /** This appId already used this nonce inside the time window. */
  REPLAYED_NONCE: 'REPLAYED_NONCE',
  /** OPEN-ACCESS-TOKEN with a token the gateway never issued. */
  INVALID_TOKEN: 'INVALID_TOKEN',
  /** OPEN-ACCESS-TOKEN with a token past its expiresIn. */
  EXPIRED_TOKEN: 'EXPIRED_TOKEN',
});

const UNAUTHORIZED = 401;
const BAD_REQUEST = 400;

/**
 * A request the gateway refuses: the HTTP status, the errCode and what went wrong. A BAD_SIGN
 * refusal of a signed body or content also carries `badSign`, what the gateway expected to be
 * signed (see `expectedSigning`), for the log and the request record only: never the answer.
 */
export class Rejection {
  constructor(status, errCode, message, badSign = null) {
    this.status = status;
    this.errCode = errCode;
    this.message = message;
    this.badSign = badSign;
  }
}

function unauthorized(errCode, reason, badSign = null) {
  return new Rejection(UNAUTHORIZED, errCode, `认证失败 (authentication failed): ${reason}`, badSign);
}

function malformed(reason) {
  return unauthorized(AuthCode.INVALID_AUTHORIZATION, reason);
}

// ---------------------------------------------------------------------------------------------
// Primitives

/** Lowercase hex SHA-256 of the exact body bytes (rule 1, stage 1). */
export function bodyDigestHex(bodyBytes) {
  return createHash('sha256').update(bodyBytes).digest('hex');
}

/** The string OPEN-BODY-SIG signs: appId + timestamp + nonce + the hex SHA-256 of the body bytes. */
function bodyStringToSign({ appId, timestamp, nonce, bodyDigest }) {
  return `${appId}${timestamp}${nonce}${bodyDigest}`;
}

/** Base64 HMAC-SHA256 keyed by the appKey's UTF-8 bytes over appId+timestamp+nonce+digest. */
export function bodySignature({ appId, appKey, timestamp, nonce, bodyBytes }) {
  return createHmac('sha256', Buffer.from(appKey, 'utf8'))
    .update(bodyStringToSign({ appId, timestamp, nonce, bodyDigest: bodyDigestHex(bodyBytes) }), 'utf8')
    .digest('base64');
}

/**
 * What the gateway signed to check a request's signature, for an integrator to diff against
 * what they signed: the header's appId, timestamp and nonce, the body bytes it received (their
 * length and hex SHA-256) and the string to sign made of them. Everything here comes from the
 * request itself; the appKey and the expected signature are never part of it.
 */
export function expectedSigning({ appId, timestamp, nonce, bodyBytes }) {
  const bodyDigest = bodyDigestHex(bodyBytes);
  const stringToSign = bodyStringToSign({ appId, timestamp, nonce, bodyDigest });
  return Object.freeze({ appId, timestamp, nonce, bodyLength: bodyBytes.length, bodyDigest, stringToSign });
}

/** Lowercase hex SHA-256(appId + timestamp + nonce + appKey): the token request's signature. */
export function tokenSignature({ appId, appKey, timestamp, nonce }) {
  return createHash('sha256').update(`${appId}${timestamp}${nonce}${appKey}`, 'utf8').digest('hex');
}

/**
 * Compares two texts in constant time for equal lengths. The length of a signature is public
 * (Base64 of 32 bytes, or 64 hex digits), so returning early on a length difference leaks nothing.
 */
export function textsEqual(received, expected) {
  const a = Buffer.from(received, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

// ---------------------------------------------------------------------------------------------
// Header grammar

const BODY_SIG_PARAMS = ['AppId', 'Timestamp', 'Nonce', 'Signature'];
/** The query parameters of an OPEN-FORM-PARAM request (PROTOCOL.md §4), all required. */
const FORM_PARAMS = ['authorization', 'appId', 'timestamp', 'nonce', 'content', 'signature'];
const MAX_HEADER_LENGTH = 4096;
const MAX_NONCE_LENGTH = 128; // chunpat's SDK cites the platform's limit (PROTOCOL.md §2.4)
const isOws = (c) => c === ' ' || c === '\t';
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

function skipOws(text, at) {
  while (at < text.length && isOws(text[at])) at += 1;
  return at;
}

/** Splits `SCHEME rest` after trimming; the scheme is compared case-insensitively by callers. */
function splitScheme(header) {
  const text = header.replace(/^[ \t]+|[ \t]+$/g, '');
  let end = 0;
  while (end < text.length && !isOws(text[end])) end += 1;
  return { scheme: text.slice(0, end), rest: text.slice(skipOws(text, end)) };
}

/**
 * Parses `AppId="…", Timestamp="…", Nonce="…", Signature="…"` per rule 2: commas with or without
 * spaces, names in any case, values double-quoted, no duplicates, none missing, no others.
 * Returns the four values or a Rejection.
 */
function parseBodySigParams(rest) {
  const values = new Map();
  let at = 0;
  while (at < rest.length) {
    const nameStart = at;
    while (at < rest.length && /[A-Za-z0-9_-]/.test(rest[at])) at += 1;
    const name = rest.slice(nameStart, at);
    if (name === '') return malformed(`expected a parameter name at ${JSON.stringify(rest.slice(at, at + 20))}`);
    const canonical = BODY_SIG_PARAMS.find((p) => p.toLowerCase() === name.toLowerCase());
    if (canonical === undefined) {
      return malformed(`unknown parameter ${JSON.stringify(name)}; OPEN-BODY-SIG has AppId, Timestamp, Nonce and Signature`);
    }
    if (values.has(canonical)) return malformed(`${canonical} appears more than once`);
    at = skipOws(rest, at);
    if (rest[at] !== '=') return malformed(`${canonical} must be followed by =`);
    at = skipOws(rest, at + 1);
    if (rest[at] !== '"') return malformed(`the value of ${canonical} must be double-quoted`);
    const close = rest.indexOf('"', at + 1);
    if (close === -1) return malformed(`the value of ${canonical} has no closing quote`);
    values.set(canonical, rest.slice(at + 1, close));
    at = skipOws(rest, close + 1);
    if (at === rest.length) break;
    if (rest[at] !== ',') return malformed(`expected a comma after ${canonical}`);
    at = skipOws(rest, at + 1);
    if (at === rest.length) return malformed('the header ends with a comma');
  }
  const missing = BODY_SIG_PARAMS.filter((p) => !values.has(p));
  if (missing.length > 0) return malformed(`the header is missing ${missing.join(', ')}`);
  return {
    appId: values.get('AppId'),
    timestamp: values.get('Timestamp'),
    nonce: values.get('Nonce'),
    signature: values.get('Signature'),
  };
}

/** Checks the values of the header's parameters that do not need the key. */
function checkHeaderValues({ appId, timestamp, nonce, signature }) {
  if (appId === '') return malformed('AppId is empty');
  if (parseCompact(timestamp) === null) {
    return malformed(`Timestamp must be a Beijing time yyyyMMddHHmmss, not ${JSON.stringify(timestamp.slice(0, 20))}`);
  }
  if (nonce === '' || nonce.length > MAX_NONCE_LENGTH || !VISIBLE_ASCII.test(nonce)) {
    return malformed(`Nonce must be 1 to ${MAX_NONCE_LENGTH} visible ASCII characters`);
  }
  if (signature === '') return malformed('Signature is empty');
  return null;
}

// ---------------------------------------------------------------------------------------------
// Replay protection

/**
 * Nonces seen per appId. A request passes the time check while the clock is within the
 * tolerance of its signed Timestamp, on either side; so a nonce is held from its claim until the
 * clock passes Timestamp + tolerance (a Timestamp ahead of the clock holds it longer). After
 * that a replay fails the time check anyway and the nonce may be used again with a new
 * Timestamp, so the ledger stays bounded by the request rate. Expiry compares with the clock of
 * each claim, not with the latest time seen: a test clock moved back keeps refusing what it
 * still holds. (A nonce already forgotten stays forgotten if a clock is moved back past it.)
 */
export class NonceLedger {
  #toleranceMs;
  /** `${appId}\n${nonce}` → the last instant (epoch ms) at which its request passes the time check. */
  #heldUntil = new ExpiringMap((heldUntilMs, nowMs) => nowMs > heldUntilMs);

  constructor(toleranceMs) {
    this.#toleranceMs = toleranceMs;
  }

  /** How many nonces are held. */
  get size() {
    return this.#heldUntil.size;
  }

  /** How many held entries claims have looked at so far (tests check it grows by O(1) a claim). */
  get examined() {
    return this.#heldUntil.examined;
  }

  /** Records the nonce of a request signed at `sentAtMs`; false when it is still held. */
  claim(appId, nonce, sentAtMs, nowMs) {
    const key = `${appId}\n${nonce}`;
    if (this.#heldUntil.find(key, nowMs)?.expired === false) return false;
    this.#heldUntil.set(key, sentAtMs + this.#toleranceMs, nowMs);
    return true;
  }
}

// ---------------------------------------------------------------------------------------------
// The authenticator

const SIGN_TYPES = ['MD5', 'SHA256'];

/** The optional notification settings of a credential: all absent, or notifyUrl + communicationKey. */
function checkNotifySettings(c, where) {
  const { notifyUrl, communicationKey, notifySignType } = c;
  if (notifyUrl === undefined && communicationKey === undefined) {
    if (notifySignType !== undefined) throw new TypeError(`startGateway: ${where}.notifySignType needs notifyUrl and communicationKey`);
    return null;
  }
  let url;
  try {
    url = new URL(notifyUrl);
  } catch {
    url = null;
  }
  if (typeof notifyUrl !== 'string' || url === null || !['http:', 'https:'].includes(url.protocol)) {
    throw new TypeError(`startGateway: ${where}.notifyUrl must be an http:// or https:// URL (it comes with communicationKey)`);
  }
  if (typeof communicationKey !== 'string' || communicationKey === '') {
    throw new TypeError(`startGateway: ${where}.communicationKey must be a non-empty string (the 通讯密钥 that signs notifications, not the appKey)`);
  }
  const signType = notifySignType ?? 'MD5';
  if (!SIGN_TYPES.includes(signType)) throw new TypeError(`startGateway: ${where}.notifySignType must be MD5 or SHA256`);
  return Object.freeze({ url: notifyUrl, communicationKey, signType });
}

function checkCredentials(credentials) {
  if (!Array.isArray(credentials) || credentials.length === 0) {
    throw new TypeError('startGateway: credentials must be a non-empty array of { appId, appKey, msgSrcId?, notifyUrl?, communicationKey? }');
  }
  const byAppId = new Map();
  credentials.forEach((c, i) => {
    const where = `credentials[${i}]`;
    if (c === null || typeof c !== 'object') throw new TypeError(`startGateway: ${where} must be an object { appId, appKey, msgSrcId? }`);
    if (typeof c.appId !== 'string' || c.appId === '' || !VISIBLE_ASCII.test(c.appId) || /[",\\]/.test(c.appId)) {
      throw new TypeError(`startGateway: ${where}.appId must be a non-empty string of visible ASCII without quotes, commas or backslashes`);
    }
    if (typeof c.appKey !== 'string' || c.appKey === '') {
      throw new TypeError(`startGateway: ${where}.appKey must be a non-empty string`);
    }
    if (c.msgSrcId !== undefined && !(typeof c.msgSrcId === 'string' && /^[A-Za-z0-9]{4}$/.test(c.msgSrcId))) {
      throw new TypeError(`startGateway: ${where}.msgSrcId must be the 4-character source id (letters and digits)`);
    }
    if (byAppId.has(c.appId)) throw new TypeError(`startGateway: ${where}.appId ${c.appId} appears twice`);
    const notify = checkNotifySettings(c, where);
    // The keys stay inside the authenticator: callers only ever see publicView(credential).
    byAppId.set(c.appId, Object.freeze({ appId: c.appId, appKey: c.appKey, msgSrcId: c.msgSrcId ?? null, notify }));
  });
  return byAppId;
}

export class Authenticator {
  #credentials;
  #toleranceMs;
  #tokenTtlSeconds;
  #nonces;
  /** accessToken → { appId, expiresAtMs }; an expired token is refused as expired until evicted. */
  #tokens = new ExpiringMap((grant, nowMs) => nowMs >= grant.expiresAtMs);

  /**
   * @param {{ credentials: Array<{appId: string, appKey: string, msgSrcId?: string}>,
   *           toleranceSeconds: number, tokenTtlSeconds: number }} options
   */
  constructor({ credentials, toleranceSeconds, tokenTtlSeconds }) {
    this.#credentials = checkCredentials(credentials);
    this.#toleranceMs = toleranceSeconds * 1000;
    this.#nonces = new NonceLedger(this.#toleranceMs);
    this.#tokenTtlSeconds = tokenTtlSeconds;
  }

  /** The appIds served (never the keys). */
  get appIds() {
    return [...this.#credentials.keys()];
  }

  /** The timestamp must be within the tolerance of now; then the nonce must be fresh. */
  #checkFreshness(appId, timestamp, nonce, nowMs) {
    const sentAtMs = parseCompact(timestamp);
    const skewSeconds = Math.round((sentAtMs - nowMs) / 1000);
    if (Math.abs(sentAtMs - nowMs) > this.#toleranceMs) {
      const direction = skewSeconds > 0 ? 'ahead of' : 'behind';
      return unauthorized(
        AuthCode.ABNORMAL_REQUEST_TIME,
        `Timestamp ${timestamp} is ${Math.abs(skewSeconds)} s ${direction} the gateway's clock; ` +
          `the window is ±${this.#toleranceMs / 1000} s (sync the clock, and sign each request when it is sent)`,
      );
    }
    if (!this.#nonces.claim(appId, nonce, sentAtMs, nowMs)) {
      return unauthorized(AuthCode.REPLAYED_NONCE, `nonce ${nonce} was already used by this appId; use a fresh nonce for every request`);
    }
    return null;
  }

  /**
   * Authenticates a bills request from its Authorization header and exact body bytes.
   * @returns {{ credential: { appId: string, msgSrcId: string | null }, mode: 'OPEN-BODY-SIG' | 'OPEN-ACCESS-TOKEN' } | Rejection}
   */
  authenticate(authorization, bodyBytes, nowMs) {
    if (authorization === undefined || authorization === '') {
      return malformed('the request has no Authorization header; send OPEN-BODY-SIG AppId="…", Timestamp="…", Nonce="…", Signature="…"');
    }
    if (authorization.length > MAX_HEADER_LENGTH) return malformed(`the Authorization header is longer than ${MAX_HEADER_LENGTH} characters`);
    const { scheme, rest } = splitScheme(authorization);
    if (scheme.toUpperCase() === 'OPEN-BODY-SIG') return this.#authenticateBodySig(rest, bodyBytes, nowMs);
    if (scheme.toUpperCase() === 'OPEN-ACCESS-TOKEN') return this.#authenticateToken(rest, nowMs);
    return malformed(`unknown scheme ${JSON.stringify(scheme.slice(0, 20))}; expected OPEN-BODY-SIG or OPEN-ACCESS-TOKEN`);
  }

  #authenticateBodySig(rest, bodyBytes, nowMs) {
    const header = parseBodySigParams(rest);
    if (header instanceof Rejection) return header;
    const invalid = checkHeaderValues(header);
    if (invalid !== null) return invalid;
    const credential = this.#credentials.get(header.appId);
    if (credential === undefined) return unauthorized(AuthCode.UNKNOWN_APPID, `no application with AppId ${header.appId}`);
    const expected = bodySignature({ ...header, appKey: credential.appKey, bodyBytes });
    // The signature is checked before the time and the nonce, so that only authentic requests
    // learn about the gateway's clock and only they can use up a nonce.
    if (!textsEqual(header.signature, expected)) {
      return unauthorized(
        AuthCode.BAD_SIGN,
        'the Signature does not match the body: sign the exact bytes you send (UTF-8, no re-serialization) with the appKey of this AppId',
        expectedSigning({ ...header, bodyBytes }),
      );
    }
    const stale = this.#checkFreshness(header.appId, header.timestamp, header.nonce, nowMs);
    if (stale !== null) return stale;
    return { credential: publicView(credential), mode: 'OPEN-BODY-SIG' };
  }

  #authenticateToken(rest, nowMs) {
    // The confirmed form (PROTOCOL.md §3.3) is `AccessToken=<token>`, unquoted and alone.
    const match = /^AccessToken=([\x21-\x7e]+)$/i.exec(rest);
    if (match === null || match[1].includes('"')) {
      return malformed('expected OPEN-ACCESS-TOKEN AccessToken=<token> (one unquoted token, nothing else)');
    }
    const grant = this.#tokens.find(match[1], nowMs);
    if (grant === undefined) return unauthorized(AuthCode.INVALID_TOKEN, 'the access token was not issued by this gateway; get one from /v1/token/access');
    if (grant.expired) {
      this.#tokens.delete(match[1]);
      return unauthorized(AuthCode.EXPIRED_TOKEN, 'the access token has expired; get a new one from /v1/token/access before expiresIn runs out');
    }
    return { credential: publicView(this.#credentials.get(grant.value.appId)), mode: 'OPEN-ACCESS-TOKEN' };
  }

  /**
   * `POST /v1/token/access` (rule 9, PROTOCOL.md §3): `{ status, body }` with the token
   * endpoint's own shape, `errCode` "0000" and `errInfo` on success, `errInfo` on failure.
   */
  exchangeToken(request, nowMs) {
    const bad = (message) => tokenFailure(new Rejection(BAD_REQUEST, 'BAD_REQUEST', message));
    if (request === null || typeof request !== 'object' || Array.isArray(request)) {
      return bad('the token request must be a JSON object { appId, timestamp, nonce, signMethod, signature }');
    }
    for (const field of ['appId', 'timestamp', 'nonce', 'signMethod', 'signature']) {
      if (typeof request[field] !== 'string' || request[field] === '') return bad(`${field} is required and must be a non-empty string`);
    }
    const { appId, timestamp, nonce, signMethod, signature } = request;
    // Only SHA256: the legacy SHA-1 form without signMethod (§3.1) is not emulated.
    if (signMethod !== 'SHA256') return bad(`signMethod must be "SHA256", not ${JSON.stringify(signMethod.slice(0, 20))}`);
    const invalid = checkHeaderValues({ appId, timestamp, nonce, signature });
    if (invalid !== null) return bad(invalid.message.replace(/^认证失败 \(authentication failed\): /, ''));
    const credential = this.#credentials.get(appId);
    if (credential === undefined) return tokenFailure(unauthorized(AuthCode.UNKNOWN_APPID, `no application with appId ${appId}`));
    if (!textsEqual(signature, tokenSignature({ appId, appKey: credential.appKey, timestamp, nonce }))) {
      return tokenFailure(
        unauthorized(AuthCode.BAD_SIGN, 'signature must be the lowercase hex SHA-256 of appId + timestamp + nonce + appKey'),
      );
    }
    const stale = this.#checkFreshness(appId, timestamp, nonce, nowMs);
    if (stale !== null) return tokenFailure(stale);
    const accessToken = randomBytes(24).toString('hex');
    this.#tokens.set(accessToken, { appId, expiresAtMs: nowMs + this.#tokenTtlSeconds * 1000 }, nowMs);
    return {
      status: 200,
      body: { errCode: '0000', errInfo: '正常 (success)', accessToken, expiresIn: this.#tokenTtlSeconds },
      who: { credential: publicView(credential), mode: 'token request' },
    };
  }

  /**
   * Authenticates an OPEN-FORM-PARAM GET (PROTOCOL.md §4) from its decoded query parameters
   * (`[name, value]` pairs): the OPEN-BODY-SIG signature over the content's UTF-8 bytes, then
   * the time window and the nonce, as for a signed body.
   * @returns {{ credential: { appId: string, msgSrcId: string | null }, mode: 'OPEN-FORM-PARAM', content: string } | Rejection}
   */
  authenticateFormParam(pairs, nowMs) {
    const values = new Map();
    for (const [name, value] of pairs) {
      if (!FORM_PARAMS.includes(name)) {
        return malformed(`unknown query parameter ${JSON.stringify(name.slice(0, 40))}; OPEN-FORM-PARAM has ${FORM_PARAMS.join(', ')}`);
      }
      if (values.has(name)) return malformed(`the query parameter ${name} appears more than once`);
      values.set(name, value);
    }
    const missing = FORM_PARAMS.filter((p) => !values.has(p));
    if (missing.length > 0) return malformed(`the query is missing ${missing.join(', ')}`);
    if (values.get('authorization') !== 'OPEN-FORM-PARAM') {
      return malformed(`authorization must be OPEN-FORM-PARAM, not ${JSON.stringify(values.get('authorization').slice(0, 20))}`);
    }
    const header = { appId: values.get('appId'), timestamp: values.get('timestamp'), nonce: values.get('nonce'), signature: values.get('signature') };
    const invalid = checkHeaderValues(header);
    if (invalid !== null) return invalid;
    const credential = this.#credentials.get(header.appId);
    if (credential === undefined) return unauthorized(AuthCode.UNKNOWN_APPID, `no application with appId ${header.appId}`);
    const content = values.get('content');
    const contentBytes = Buffer.from(content, 'utf8');
    const expected = bodySignature({ ...header, appKey: credential.appKey, bodyBytes: contentBytes });
    if (!textsEqual(header.signature, expected)) {
      return unauthorized(
        AuthCode.BAD_SIGN,
        'the signature does not match the content: sign the raw content JSON (not its URL-encoded form) with the appKey of this appId, then form-encode content and signature',
        expectedSigning({ ...header, bodyBytes: contentBytes }),
      );
    }
    const stale = this.#checkFreshness(header.appId, header.timestamp, header.nonce, nowMs);
    if (stale !== null) return stale;
    return { credential: publicView(credential), mode: 'OPEN-FORM-PARAM', content };
  }

  /**
   * An OPEN-BODY-SIG Authorization header for a response to `appId`, over the exact response
   * bytes, with the gateway's time and a fresh nonce: what a client that verifies responses
   * (PROTOCOL.md §5) checks. The appKey never leaves the authenticator.
   */
  signResponse(appId, bodyBytes, nowMs) {
    const credential = this.#credentials.get(appId);
    if (credential === undefined) throw new Error(`no credential for appId ${appId}`);
    const timestamp = beijingCompact(nowMs);
    const nonce = randomBytes(16).toString('hex');
    const signature = bodySignature({ appId, appKey: credential.appKey, timestamp, nonce, bodyBytes });
    return `OPEN-BODY-SIG AppId="${appId}", Timestamp="${timestamp}", Nonce="${nonce}", Signature="${signature}"`;
  }

  /** Where and how to notify this application, `{ url, communicationKey, signType }`, or null. */
  notifyTarget(appId) {
    return this.#credentials.get(appId)?.notify ?? null;
  }
}

function publicView(credential) {
  return { appId: credential.appId, msgSrcId: credential.msgSrcId };
}

function tokenFailure(rejection) {
  return { status: rejection.status, body: { errCode: rejection.errCode, errInfo: rejection.message } };
}

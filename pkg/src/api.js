// The public JavaScript API, identical in every runtime. It checks the shapes of JavaScript
// arguments, hands primitives to the wasm core, and turns results and errors back into
// objects. Every rule about the protocol itself lives in the Rust core.

import * as core from '../dist/chinaums_open.js';
import { hostSha256For } from './host.js';
import { bufferBytes, readResult, writeAt, writeParts } from './io.js';
import {
  bodyBytes,
  bodyInput,
  call,
  describe,
  effectiveNow,
  guardSize,
  instant,
  optionalNumber,
  optionalString,
  optionsObject,
  requireObject,
  requireString,
  text,
} from './args.js';
import { buildEndpoint, validateEndpoint } from './bills.js';
import { argumentError, ChinaumsError } from './errors.js';

export { ChinaumsError } from './errors.js';
export { DEFAULT_MAX_BODY_BYTES, MAX_HEADER_BYTES } from './args.js';
export { wasmMemoryBytes } from './state.js';
export * from './preview.js';

export const PRODUCTION_BASE_URL = 'https://api-mop.chinaums.com';
export const TEST_BASE_URL = 'https://test-api-open.chinaums.com';
export const PREAUTH_CANCEL_PATH = '/v1/netpay/bills/preauth-cancel';
export const DEFAULT_TOLERANCE_SECONDS = 300;

// ---------------------------------------------------------------------------------------------
// OPEN-BODY-SIG

const SPARE_DIGEST = new Uint8Array(32);

/**
 * Signs with a WasmSigner through the I/O buffer (io.js): the body (or, for large bodies where
 * the host lends a faster SHA-256, its digest), timestamp and nonce are written straight into
 * wasm memory; the results come back as
 * `[bodyDigest: 64][signature: 44][timestamp: 14][nonce][authorization]`.
 */
function signWith(inner, body, options, maxBodyBytes) {
  const input = guardSize('body', bodyInput(body), maxBodyBytes);
  let timestamp;
  let nonce;
  let now = 0;
  if (options !== undefined && options !== null) {
    requireObject(options, null, 'sign options');
    timestamp = optionalString(options.timestamp, 'timestamp');
    nonce = optionalString(options.nonce, 'nonce');
    // The clock is read only when it is needed (or when the caller asked for a specific one).
    if (timestamp === undefined || options.now != null || options.clockOffsetMs != null) now = effectiveNow(options);
  } else {
    now = Date.now();
  }
  return call(() => {
    // 32 spare bytes after the inputs hold the host's digest of a large body, if one is used.
    const [bodyLength, timestampLength, nonceLength] = writeParts([input, timestamp, nonce, SPARE_DIGEST]);
    const sha256 = hostSha256For(bodyLength);
    let packed;
    if (sha256 === undefined) {
      packed = inner.sign_io(bodyLength, timestampLength, nonceLength, now);
    } else {
      const digestAt = bodyLength + Math.max(timestampLength, 0) + Math.max(nonceLength, 0);
      writeAt(digestAt, sha256(bufferBytes(0, bodyLength)));
      packed = inner.sign_sha256_io(bodyLength, timestampLength, nonceLength, now);
    }
    const signedNonceLength = packed & 0xff;
    const out = readResult(122 + signedNonceLength + (packed >>> 8));
    return {
      authorization: out.slice(122 + signedNonceLength),
      signature: out.slice(64, 108),
      bodyDigest: out.slice(0, 64),
      timestamp: out.slice(108, 122),
      nonce: out.slice(122, 122 + signedNonceLength),
    };
  });
}

/**
 * Signs exact body bytes: `{ authorization, signature, bodyDigest, timestamp, nonce }`.
 * Timestamp (yyyyMMddHHmmss, Beijing) and nonce default to the clock (`now` plus
 * `clockOffsetMs`) and the CSPRNG.
 */
export function signOpenBody(options) {
  requireObject(options, null, 'signOpenBody options');
  const signer = new OpenBodySigner(options);
  try {
    return signer.sign(options.body, options);
  } finally {
    signer.free();
  }
}

/** Signs many bodies for one appId; the key is processed once, in the constructor. */
export class OpenBodySigner {
  #inner;
  #appId;
  #maxBodyBytes;

  constructor(credentials) {
    requireObject(credentials, null, 'OpenBodySigner credentials');
    const appId = requireString(credentials.appId, 'appId');
    const appKey = requireString(credentials.appKey, 'appKey');
    const maxBodyBytes = optionalNumber(credentials.maxBodyBytes, 'maxBodyBytes');
    // The key state lives in wasm memory: free() wipes and releases it now; otherwise the
    // glue's FinalizationRegistry does when this object is garbage-collected.
    this.#inner = call(() => new core.WasmSigner(appId, appKey, maxBodyBytes));
    this.#appId = appId;
    this.#maxBodyBytes = maxBodyBytes;
  }

  get appId() {
    return this.#appId;
  }

  /**
   * Signs exact body bytes (a string is sent as UTF-8): `{ authorization, signature,
   * bodyDigest, timestamp, nonce }`.
   */
  sign(body, options) {
    const inner = this.#inner;
    if (inner === undefined) {
      throw new ChinaumsError('ERR_SIGNER_FREED', 'this OpenBodySigner was freed; create a new one');
    }
    return signWith(inner, body, options, this.#maxBodyBytes);
  }

  /** The request with `headers.Authorization` added (see {@link signRequest}); the body is untouched. */
  signRequest(request, options) {
    requireObject(request, 'request', 'request');
    const headers = request.headers === undefined ? {} : requireObject(request.headers, 'headers', 'request.headers');
    const { authorization } = this.sign(request.body, options);
    return { ...request, headers: { ...headers, Authorization: authorization } };
  }

  /** Wipes and releases the key state in wasm memory now rather than at garbage collection. Idempotent. */
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
  const authorization = guardSize('authorization', requireString(options.authorization, 'authorization'));
  const maxBodyBytes = optionalNumber(options.maxBodyBytes, 'maxBodyBytes');
  const body = guardSize('body', bodyBytes(options.body), maxBodyBytes);
  const appKey = requireString(options.appKey, 'appKey');
  const now = effectiveNow(options);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (typeof tolerance !== 'number') {
    throw argumentError('ERR_FIELD_TYPE', 'toleranceSeconds', `toleranceSeconds must be a number, not ${describe(tolerance)}`);
  }
  return call(() => {
    const [appId, timestamp, nonce] = core.verify_open_body(authorization, body, appKey, now, tolerance, maxBodyBytes).split('\n');
    return { appId, timestamp, nonce };
  });
}

/** Reads an Authorization header without verifying it: `{ appId, timestamp, nonce, signature }`. */
export function parseAuthorization(authorization) {
  const header = guardSize('authorization', requireString(authorization, 'authorization'));
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

/** `{ ok, issues }` for a preauth-cancel request; never throws for bad input. */
export function validatePreauthCancel(input, options) {
  return validateEndpoint('preauth-cancel', input, options);
}

/**
 * Validates and builds a preauth-cancel request:
 * `{ method: 'POST', url, headers: { 'Content-Type': 'application/json' }, body }`.
 * Sign and send `body` exactly as returned.
 */
export function buildPreauthCancel(input, options) {
  return buildEndpoint('preauth-cancel', input, options, 'buildPreauthCancel options');
}

/** The same request with `headers.Authorization` added; the body is not touched. */
export function signRequest(request, credentials) {
  requireObject(request, 'request', 'request');
  requireObject(credentials, null, 'signRequest credentials');
  const signer = new OpenBodySigner(credentials);
  try {
    return signer.signRequest(request, credentials);
  } finally {
    signer.free();
  }
}

/**
 * Parses a preauth-cancel response: `{ ok, errCode, errMsg, billStatus, billPayment, … }`,
 * amounts as integer fen. `ok` is false for platform and business errors (read errCode).
 */
export function parsePreauthCancelResponse(responseText, options) {
  const maxBodyBytes = optionalNumber(optionsObject(options, 'parsePreauthCancelResponse options').maxBodyBytes, 'maxBodyBytes');
  const body = text(responseText, 'text', maxBodyBytes);
  return call(() => JSON.parse(core.parse_bills_response(body, maxBodyBytes)));
}

// ---------------------------------------------------------------------------------------------
// The rest of the protocol (issue 6), one module each.

export * from './lifecycle.js';
export * from './token.js';
export * from './form-param.js';
export * from './notify.js';
export * from './responses.js';

// The public API, the same in every runtime. Each call prepares its arguments once at the
// boundary (boundary.js) and crosses into the wasm core once; the core owns every rule,
// constant and message, returns plain objects (received data as JSON text for JSON.parse)
// and throws ChinaumsErrors. The bills operations are made from the generated tables.

import * as core from '../dist/chinaums_open.js';
import { constants, OPERATIONS } from './generated.js';
import { alive, body, call, encode, exactBytes, fail, hashedBody, headerEntries, instant, isSnapshot, jsonInput, notification, plain, request, snapshot, text, typed, wellFormed } from './boundary.js';
import { generation } from './state.js';
import { isSigner, OpenBodySigner, wasmSigner } from './signer.js';

export { ChinaumsError } from './errors.js';
export { OpenBodySigner } from './signer.js';
export { constants, ERROR_CODES } from './generated.js';

const encoder = new TextEncoder();
const isBag = (o) => o !== null && typeof o === 'object';

// OPEN-BODY-SIG --------------------------------------------------------------------------------

/** Runs `fn` with a signer for the credentials in `options`, freed afterwards. */
function withSigner(options, what, fn) {
  const o = snapshot(options, what);
  const signer = new OpenBodySigner(o);
  try {
    return fn(signer, o);
  } finally {
    signer.free();
  }
}

export const signOpenBody = (options) =>
  withSigner(options, 'signOpenBody options', (s, o) => s.sign(o.body, { timestamp: o.timestamp, nonce: o.nonce, now: o.now, clockOffsetMs: o.clockOffsetMs }));
export const signRequest = (request, credentials) => withSigner(credentials, 'signRequest credentials', (s, o) => s.signRequest(request, o));

/** The arguments of a check of `o.body`: the options (its `authorization` size-checked), the body, and its hash if it is large. */
function withBody(o) {
  if (!isSnapshot(o)) return [encode(o), undefined, undefined];
  if (typeof o.authorization === 'string') o.authorization = body(o.authorization, 'authorization');
  const given = body(o.body, 'body', o.maxBodyBytes);
  delete o.body;
  return [encode(o), plain(given), hashedBody(given)];
}

export const verifyOpenBody = (options) => {
  const args = withBody(snapshot(options, 'verifyOpenBody options'));
  return call(() => core.verify_open_body(...args));
};

/**
 * What was signed, stage by stage: the exact body bytes, their SHA-256, the string to sign, and
 * with the key the expected Signature (and, for a received `authorization`, whether it matches).
 */
export function explainSignature(options) {
  const args = withBody(snapshot(options, 'explainSignature options'));
  const explained = call(() => core.explain_signature(...args));
  explained.bodyBytes = typeof args[1] === 'string' ? encoder.encode(args[1]) : args[1];
  return explained;
}

/** The OPEN-BODY-SIG stages, each public: body → digest → string to sign → signature → header. */
export const openBodySig = Object.freeze({
  bodyDigest(bodyValue, options) {
    const given = body(bodyValue, 'body', snapshot(options)?.maxBodyBytes);
    return call(() => hashedBody(given)?.finish() ?? core.body_digest(plain(given)));
  },
  stringToSign: (parts) => coreWith(core.string_to_sign, parts, 'openBodySig.stringToSign parts'),
  computeSignature: (options) => coreWith(core.compute_signature, options, 'openBodySig.computeSignature options'),
  authorizationHeader: (parts) => coreWith(core.authorization_header, parts, 'openBodySig.authorizationHeader parts'),
  parseAuthorization(header) {
    const given = plain(body(header, 'authorization'));
    return call(() => core.parse_authorization(given));
  },
});

/** Calls `fn` of the core with the JSON of an option bag, read once. */
function coreWith(fn, options, what) {
  const e = encode(snapshot(options, what));
  return call(() => fn(e));
}

export const createNonce = () => call(() => core.create_nonce());
export const beijingTime = (epochMs) => {
  const given = plain(instant(epochMs, 'epochMs'));
  return call(() => core.beijing_time(given));
};
/** Size of the wasm linear memory in bytes: it grows in 64 KiB pages and never shrinks, so a steady value under load means no leak. */
export const wasmMemoryBytes = () => call(() => core.wasm_memory().buffer.byteLength);

// Bills operations, and any other path ----------------------------------------------------------

const issuesOf = (e) => (e.issues.length > 0 ? e.issues : [{ field: e.field, code: e.code, message: e.message }]);

/** The JSON of an input, or the typed error that makes it unreadable. */
function prepared(input, options) {
  try {
    return jsonInput(input, options?.maxBodyBytes);
  } catch (error) {
    return { error: typed(error, 'input', 'the input') };
  }
}

/** Any bills response: `{ ok, errCode, errMsg, billStatus, billPayment, … }`, amounts in fen. */
function parseResponse(textValue, options) {
  const o = snapshot(options);
  const [given, e] = [text(textValue, 'text', o?.maxBodyBytes), encode(o)];
  return JSON.parse(call(() => core.parse_response(given, e)));
}

/** An operation from its generated table: its `path` and `fields`, and what can be done with it. */
function operation(table) {
  const { path } = table;
  const what = (method) => `bills.${table.name}.${method} options`;
  return Object.freeze({
    ...table,
    /** `{ ok, issues }`; never throws for a bad input (object, JSON text or its bytes). */
    validate(input, options) {
      let o;
      try {
        o = snapshot(options);
      } catch (error) {
        return { ok: false, issues: issuesOf(error) };
      }
      const p = prepared(input, o);
      const e = encode(o);
      return p.error ? { ok: false, issues: issuesOf(p.error) } : call(() => core.validate_request(path, p.json, p.unencodable, e));
    },
    /** The request to send (unsigned): `{ method, url, headers, body }`. */
    build(input, options) {
      const o = snapshot(options, what('build'));
      const [p, e] = [jsonInput(input, o?.maxBodyBytes), encode(o)];
      return request(call(() => core.build_request(path, p.json, p.unencodable, e)));
    },
    /** Validated, built and signed in one call: the request to send, with its `Authorization`. */
    sign(input, options) {
      const o = snapshot(options, what('sign'));
      const p = jsonInput(input, o?.maxBodyBytes);
      const given = isSnapshot(o) ? o.signer : undefined;
      if (given === undefined) {
        const e = encode(o);
        return request(call(() => core.sign_request(path, p.json, p.unencodable, e)));
      }
      if (!isSigner(given)) throw fail('ERR_FIELD_TYPE', 'signer', 'signer must be an OpenBodySigner');
      delete o.signer;
      const [signer, e] = [wasmSigner(given), encode(o)];
      return request(call(() => signer.sign_request(path, p.json, p.unencodable, e)));
    },
    /** What a server will send, without a key (admin panels): the body, its digest, the header but its signature. */
    preview(input, options) {
      const o = snapshot(options, what('preview'));
      const [p, e] = [prepared(input, o), encode(o)];
      const preview = call(() => core.preview_request(path, p.json ?? '{}', p.unencodable, e));
      if (p.error) Object.assign(preview, { ok: false, issues: issuesOf(p.error), request: null, bodyDigest: null, curl: null });
      preview.bodyBytes = preview.ok ? encoder.encode(preview.request.body) : null;
      return preview;
    },
    parseResponse,
  });
}

/** Every bills operation: `bills.preauthCancel.sign(input, options)`, … */
export const bills = Object.freeze(Object.fromEntries(OPERATIONS.map((table) => [table.name, operation(table)])));

/** A request to any versioned path (`/v1/netpay/…`) or bills service name: with its table when it has one, else the body written exactly. */
export function buildRequest(path, requestBody, options) {
  const o = snapshot(options, 'buildRequest options');
  const [p, e, where] = [jsonInput(requestBody, o?.maxBodyBytes), encode(o), wellFormed(path, 'path')];
  if (typeof where !== 'string') throw fail(where === undefined || where === null ? 'ERR_FIELD_REQUIRED' : 'ERR_FIELD_TYPE', 'path', 'path must be a versioned path such as /v1/netpay/refund-query, or a bills service name');
  return request(call(() => core.build_request(where, p.json, p.unencodable, e)));
}

/** The gateway's clock minus the host's, in ms, from a response's `responseTimestamp`. */
export function clockOffsetFromResponse(response, receivedAt) {
  const timestamp = isBag(response) ? snapshot(response).responseTimestamp : response;
  const [given, at] = [plain(wellFormed(timestamp, 'responseTimestamp')), plain(instant(receivedAt, 'receivedAt'))];
  return call(() => core.clock_offset(given, at));
}

// Token mode, OPEN-FORM-PARAM, notifications, response signatures -----------------------------

/** OPEN-ACCESS-TOKEN mode: the token request, its response, the header. */
export const accessToken = Object.freeze({
  path: constants.TOKEN_PATH,
  request: (options) => request(coreWith(core.access_token_request, options, 'accessToken.request options')),
  parseResponse(textValue, options) {
    const [given, e] = [text(textValue, 'text'), encode(snapshot(options))];
    return JSON.parse(call(() => core.parse_access_token_response(given, e)));
  },
  authorization(token) {
    const value = plain(wellFormed(isBag(token) ? snapshot(token).accessToken : token, 'accessToken'));
    return call(() => core.token_authorization(value));
  },
});

/** Holds the current access token and says when to refresh it, without timers. */
export class AccessTokenHolder {
  #inner;
  #generation = generation();

  constructor(options) {
    const e = encode(snapshot(options, 'AccessTokenHolder options'));
    this.#inner = call(() => new core.TokenHolder(e));
  }

  #live() {
    alive(this.#generation, 'AccessTokenHolder');
    return this.#inner;
  }

  /** Takes a parsed token response (or a cached `{ accessToken, expiresIn, expiresAt }`). */
  update(token) {
    const e = encode(snapshot(token, 'the token', 'token'));
    const inner = this.#live();
    call(() => inner.update(e));
    return this;
  }

  clear() {
    this.#live().clear();
  }

  needsRefresh(now) {
    const [at, inner] = [plain(instant(now, 'now')), this.#live()];
    return call(() => inner.needs_refresh(at));
  }

  authorization(now) {
    const [at, inner] = [plain(instant(now, 'now')), this.#live()];
    return call(() => inner.authorization(at));
  }

  get expiresAt() {
    return this.toJSON().expiresAt;
  }

  get refreshAt() {
    return this.toJSON().refreshAt;
  }

  /** `{ expiresAt, refreshAt, marginSeconds }`: never the token. */
  toJSON() {
    const inner = this.#live();
    return call(() => inner.state());
  }
}

/** The signed OPEN-FORM-PARAM GET URL; `content` is text (signed exactly) or an object (written once). */
export function formParamUrl(options) {
  const o = snapshot(options, 'formParamUrl options');
  let content = o?.content;
  if (isBag(content) && exactBytes(content, 'content') === undefined) {
    const p = jsonInput(content, undefined, 'content');
    if (p.unencodable) throw fail('ERR_BODY_ENCODING', p.unencodable[0], `content.${p.unencodable[0]} contains a lone UTF-16 surrogate`);
    content = p.json;
  } else {
    content = body(content, 'content');
  }
  const [e, given] = [encode(o), plain(content)];
  return call(() => core.form_param_url(e, given));
}

/** A notification the core can read, or a typed error (the size refused before any copy). */
function notificationInput(params) {
  const prepared = notification(params);
  if (prepared === null) {
    throw fail('ERR_BODY_ENCODING', 'params', 'the notification cannot be read as UTF-8 text (bytes that are not UTF-8, lone surrogates, or values that cannot be read or written as JSON)');
  }
  body(prepared.input, 'params');
  return prepared;
}

/** Asynchronous notifications: verify the `sign` with the communication key (not the appKey), read, sign (for tests). */
export const notifications = Object.freeze({
  /** `true` only for a valid `sign` under the communication key; `false` for anything else. */
  verify(params, communicationKey, options) {
    let prepared;
    try {
      prepared = notification(params);
    } catch (error) {
      if (error?.code !== 'ERR_TOO_DEEP') throw error;
    }
    // Too large to be the platform's: false, like any notification that cannot verify, uncopied.
    if (prepared !== null && prepared !== undefined && prepared.input.length > constants.DEFAULT_MAX_BODY_BYTES) prepared = null;
    const [key, e] = [plain(wellFormed(communicationKey, 'communicationKey')), encode(snapshot(options))];
    return call(() => core.verify_notification(prepared?.input, prepared?.form ?? true, key, e));
  },
  parse(params) {
    const { input, form } = notificationInput(params);
    return JSON.parse(call(() => core.parse_notification(input, form)));
  },
  sign(params, communicationKey, options) {
    const { input, form } = notificationInput(params);
    const [key, e] = [plain(wellFormed(communicationKey, 'communicationKey')), encode(snapshot(options))];
    return call(() => core.sign_notification(input, form, key, e));
  },
  stringToSign(params, options) {
    const { input, form } = notificationInput(params);
    const e = encode(snapshot(options));
    return call(() => core.notification_string_to_sign(input, form, e));
  },
});

/** A response's optional OPEN-BODY-SIG `Authorization` (given, or looked up in `headers`) against its exact bytes. */
export function verifyResponseSignature(options) {
  const o = snapshot(options, 'verifyResponseSignature options');
  if (isSnapshot(o) && !('authorization' in o)) {
    if (o.headers === undefined || o.headers === null) {
      throw fail('ERR_FIELD_REQUIRED', 'headers', 'pass the response headers (a Headers object or a plain object) or its authorization header value');
    }
    const found = headerEntries(o.headers).filter(([name]) => name.toLowerCase() === 'authorization');
    if (found.length > 1) throw fail('ERR_AUTH_HEADER', 'authorization', 'the response has more than one Authorization header');
    o.authorization = found[0]?.[1];
  }
  const args = withBody(o);
  return call(() => core.verify_response_signature(...args));
}

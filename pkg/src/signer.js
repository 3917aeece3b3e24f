// OpenBodySigner: the key processed once, in wasm memory, for many signatures. Its wasm half is
// reachable by the package's own modules (the bills operations and the client sign a whole
// request in one call with it), never from outside.

import * as core from '../dist/chinaums_open.js';
import { alive, body, call, encode, fail, hashedBody, headerEntries, isBytes, isSnapshot, isWellFormed, plain, snapshot } from './boundary.js';
import { generation } from './state.js';

const encoder = new TextEncoder();
/** Strings shorter than this cross as `&str`; longer ones are encoded natively first, cheaper. */
const TEXT_CROSSING_MAX = 1024;

/**
 * Options that are exactly a timestamp and a nonce, both short well-formed strings: the signer's
 * hot path (anything else goes through the option bag, which reports it precisely).
 */
function fixedHeaderInputs(o) {
  if (!isSnapshot(o) || !shortText(o.timestamp) || !shortText(o.nonce)) return false;
  let count = 0;
  for (const key in o) if (++count > 2 || (key !== 'timestamp' && key !== 'nonce')) return false;
  return true;
}

const shortText = (value) => typeof value === 'string' && value.length <= 64 && isWellFormed(value);

/** The live wasm signer of an OpenBodySigner, for the package's own one-crossing calls. */
export let wasmSigner;
/** Whether a value is a real OpenBodySigner (a brand check: no user code runs). */
export let isSigner;

/** Signs many bodies for one appId; the key is processed once, in the constructor. */
export class OpenBodySigner {
  #inner;
  #appId;
  #maxBodyBytes;
  #generation = generation();

  static {
    wasmSigner = (signer) => signer.#live();
    isSigner = (value) => value !== null && typeof value === 'object' && #inner in value;
  }

  constructor(credentials) {
    const o = snapshot(credentials, 'OpenBodySigner credentials');
    // The key state lives in wasm memory until free() (or the glue's FinalizationRegistry).
    const text = encode(o);
    this.#inner = call(() => new core.Signer(text));
    this.#appId = this.#inner.app_id;
    this.#maxBodyBytes = o.maxBodyBytes;
  }

  get appId() {
    return this.#appId;
  }

  #live() {
    alive(this.#generation, 'OpenBodySigner');
    if (this.#inner === undefined) throw fail('ERR_SIGNER_FREED', null, 'this OpenBodySigner was freed; create a new one');
    return this.#inner;
  }

  /** `{ authorization, signature, bodyDigest, timestamp, nonce }` for exact body bytes (a string is sent as UTF-8). */
  sign(bodyValue, options) {
    const o = snapshot(options, 'sign options');
    const given = body(bodyValue, 'body', this.#maxBodyBytes);
    const inner = this.#live(); // after every user value above: a getter may have freed it
    const short = typeof given === 'string' && given.length < TEXT_CROSSING_MAX;
    if (short && fixedHeaderInputs(o)) return this.#signed(call(() => inner.sign_text_at(given, o.timestamp, o.nonce)), o);
    const text = encode(o);
    const signed = call(() => {
      const hashed = hashedBody(given);
      if (hashed !== undefined) return inner.sign_hashed(hashed, text);
      if (typeof given === 'string') return short ? inner.sign_text(given, text) : inner.sign_bytes(encoder.encode(given), text);
      return isBytes(given) ? inner.sign_bytes(given, text) : core.body_digest(plain(given)); // the core says why it is no body
    });
    return this.#signed(signed, o);
  }

  /** The core leaves out the timestamp and nonce it was given and checked: they are these. */
  #signed(signed, o) {
    if (isSnapshot(o)) {
      signed.timestamp ??= o.timestamp;
      signed.nonce ??= o.nonce;
    }
    return signed;
  }

  /** The request with headers merged case-insensitively (object or Headers) and a new `Authorization`. */
  signRequest(request, options) {
    const copy = snapshot(request, 'request', 'request');
    if (!isSnapshot(copy)) throw fail('ERR_FIELD_TYPE', 'request', 'request must be an object with the body to sign');
    const headers = {};
    const seen = new Set();
    for (const [name, value] of headerEntries(copy.headers)) {
      const lower = name.toLowerCase();
      if (seen.has(lower)) throw fail('ERR_FIELD_FORMAT', 'headers', `request.headers has ${JSON.stringify(name)} twice (names differ only in case); keep one`);
      seen.add(lower);
      // A stale Authorization in any case would be sent beside the new one, joined. Defined,
      // not assigned: a header named `__proto__` stays a header.
      if (lower !== 'authorization') Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
    }
    headers.Authorization = this.sign(copy.body, options).authorization;
    return { ...copy, headers };
  }

  /** Wipes and releases the key state now rather than at garbage collection. Idempotent. */
  free() {
    const inner = this.#inner;
    this.#inner = undefined;
    try {
      if (this.#generation === generation()) inner?.free();
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


// A client over the host's fetch: it builds, signs, sends with a timeout and parses, and for a
// preauthorization whose outcome is unknown it runs the recovery loop. Every decision (what to
// send next, how long to wait, how it ended) is the core's (src/recovery.rs); this file owns only
// what needs the host: the network, the timers, the randomness of the jitter.

import * as core from '../dist/chinaums_open.js';
import { BILLS_QUERY_PATH, PREAUTH_CANCEL_PATH } from '../dist/constants.js';
import { OpenBodySigner, parseBillsResponse } from './api.js';
import { call, jsonInput, snapshot, wellFormed } from './boundary.js';
import { ChinaumsError } from './errors.js';

/** The path of each step the core decides. */
const STEPS = { query: { path: BILLS_QUERY_PATH }, cancel: { path: PREAUTH_CANCEL_PATH } };

/** What the options of a client may hold besides the core's: the host's functions. */
function hostFunction(o, name, fallback) {
  const given = o[name];
  if (given === undefined || given === null) return fallback;
  if (typeof given !== 'function') throw new ChinaumsError('ERR_FIELD_TYPE', `${name} must be a function`, { field: name });
  return given;
}

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** A monotonic clock for durations, which an injected `now` must not fix. */
const elapsedSince = (start) => Math.round((performance.now() - start) * 10) / 10;

export class ChinaumsClient {
  #signer;
  #fetch;
  #timeoutMs;
  #retry;
  #now;
  #sleep;
  #random;
  #build;

  constructor(options) {
    const o = snapshot(options, 'ChinaumsClient options');
    this.#timeoutMs = call(() => core.check_client_options(o));
    this.#retry = snapshot(o.retry ?? undefined, 'retry', 'retry');
    call(() => new core.Recovery(this.#retry).free());
    // A detached global fetch throws "Illegal invocation" in workerd and browsers.
    this.#fetch = hostFunction(o, 'fetch', typeof fetch === 'function' ? (...args) => fetch(...args) : undefined);
    if (this.#fetch === undefined) throw new ChinaumsError('ERR_FIELD_REQUIRED', 'this runtime has no global fetch: pass options.fetch', { field: 'fetch' });
    const now = o.now;
    this.#now = typeof now === 'function' ? now : now === undefined ? Date.now : () => now;
    this.#sleep = hostFunction(o, 'sleep', wait);
    this.#random = hostFunction(o, 'random', Math.random);
    this.#build = { baseUrl: o.baseUrl, env: o.env, msgSrcId: o.msgSrcId, contentType: o.contentType, clockOffsetMs: o.clockOffsetMs };
    this.#signer = new OpenBodySigner({ appId: o.appId, appKey: o.appKey });
  }

  get appId() {
    return this.#signer.appId;
  }

  /**
   * Builds (with the field table when `path` has one), signs and sends one request, once:
   * `{ status, response, error, text, headers, request, durationMs }`. Rejects with
   * `ERR_NETWORK` when no answer arrives (the request may or may not have been applied).
   */
  async request(path, input) {
    const request = this.#prepare(wellFormed(path, 'path'), jsonInput(input));
    return this.#send(request);
  }

  /**
   * Resolves a preauthorization whose outcome is unknown: `{ outcome, bill, attempts }`. Rejects
   * with the platform's refusal of a request that is wrong in itself (its `attempts` attached).
   */
  async cancelPreauth(input) {
    const attempts = [];
    let recovery;
    try {
      const cancel = jsonInput(input);
      // A bad input is refused before anything is sent (built to check it, not signed).
      this.#built(PREAUTH_CANCEL_PATH, cancel, this.#now());
      const inputs = { query: { json: call(() => core.recovery_query_input(cancel.json)), unencodable: [] }, cancel };
      recovery = call(() => new core.Recovery(this.#retry));
      let decision = call(() => recovery.start());
      while (decision.action === 'send') {
        if (decision.delayMs > 0) await this.#sleep(decision.delayMs);
        const step = STEPS[decision.step];
        const started = performance.now();
        let answer;
        try {
          answer = await this.#send(this.#prepare(step.path, inputs[decision.step]));
        } catch (error) {
          if (error?.code !== 'ERR_NETWORK') throw error;
          answer = { status: null, text: undefined, error };
        }
        attempts.push({ endpoint: step.path, status: answer.status, error: answer.error?.message ?? null, errCode: answer.response?.errCode ?? null, durationMs: elapsedSince(started) });
        const jitter = this.#random();
        if (typeof jitter !== 'number') throw new ChinaumsError('ERR_FIELD_TYPE', 'options.random must return a number from 0 to 1', { field: 'random' });
        decision = call(() => recovery.answer(answer.status ?? undefined, answer.text, jitter));
      }
      return { outcome: decision.outcome, bill: decision.bill, attempts };
    } catch (error) {
      if (error instanceof ChinaumsError) error.attempts = attempts;
      throw error;
    } finally {
      recovery?.free();
    }
  }

  /** Wipes the key now rather than at garbage collection. */
  free() {
    this.#signer.free();
  }

  [Symbol.dispose]() {
    this.free();
  }

  toJSON() {
    return { appId: this.appId, timeoutMs: this.#timeoutMs };
  }

  #built(path, prepared, now) {
    return call(() => core.build_at(path, prepared.json, prepared.unencodable, { ...this.#build, now }));
  }

  #prepare(path, prepared) {
    const now = this.#now();
    return this.#signer.signRequest(this.#built(path, prepared, now), { now, clockOffsetMs: this.#build.clockOffsetMs });
  }

  async #send(request) {
    const started = performance.now();
    let response;
    let text;
    try {
      response = await this.#fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(this.#timeoutMs) });
      text = await response.text();
    } catch (cause) {
      const timedOut = cause?.name === 'TimeoutError' || cause?.name === 'AbortError';
      const what = timedOut ? `no answer within ${this.#timeoutMs} ms` : `the request failed (${cause?.message ?? cause})`;
      const error = new ChinaumsError('ERR_NETWORK', `${request.url}: ${what}; it may or may not have been applied: query before repeating a state change`, { field: 'fetch' });
      error.cause = cause;
      throw error;
    }
    let parsed = null;
    let error = null;
    try {
      parsed = parseBillsResponse(text);
    } catch (e) {
      error = e;
    }
    return { status: response.status, response: parsed, error, text, headers: response.headers, request, durationMs: elapsedSince(started) };
  }
}

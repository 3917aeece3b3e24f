// A client over the host's fetch: it builds and signs (one call into the core), sends once with a
// timeout, parses, and for a preauthorization whose outcome is unknown runs the recovery loop.
// Every decision (what to send next, how long to wait, how it ended) is the core's
// (src/recovery.rs); this file owns only what needs the host: the network, the timers, the
// randomness of the jitter, and the hooks an integrator observes requests with.

import * as core from '../dist/chinaums_open.js';
import { OPERATIONS } from './generated.js';
import { bills, explainSignature } from './api.js';
import { bag, call, draw, encode, fail, hostFunction, jsonInput, request as fromWire, snapshot, wellFormed } from './boundary.js';
import { ChinaumsError } from './errors.js';
import { OpenBodySigner, wasmSigner } from './signer.js';

const PATHS = Object.fromEntries(OPERATIONS.map((table) => [table.name, table.path]));
const OPERATION_AT = Object.fromEntries(OPERATIONS.map((table) => [table.path, table.name]));
/** Every operation's response parser is the same one. */
const parse = bills.query.parseResponse;
/** What the recovery's steps send. */
const STEPS = { query: 'query', cancel: 'preauthCancel' };

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** A monotonic clock for durations, which an injected `now` must not fix. */
const elapsedSince = (start) => Math.round((performance.now() - start) * 10) / 10;
/** The request as hooks and errors show it: the Signature left out. */
const redacted = (request) => ({ ...request, headers: { ...request.headers, Authorization: request.headers.Authorization?.replace(/Signature="[^"]*"/, 'Signature="<redacted>"') } });

/**
 * Checks an input as `client` would build it for `path`, nothing signed or sent, and throws what
 * is wrong (for the package's durable recovery, which stores an input long before it sends it).
 * Clients of other kinds are not checked.
 */
export let checkInput;

export class ChinaumsClient {
  #signer;
  #fetch;
  #timeoutMs;
  #retry;
  #now;
  #sleep;
  #random;
  #build;
  #hooks;
  #freed = false;

  static {
    checkInput = (client, path, input) => {
      if (#signer in client) client.#check(path, jsonInput(input));
    };
  }

  constructor(options) {
    const o = snapshot(options, 'ChinaumsClient options');
    const e = encode(o);
    this.#timeoutMs = call(() => core.check_client_options(e));
    this.#retry = encode(snapshot(o.retry ?? undefined, 'retry', 'retry'));
    call(() => new core.Recovery(this.#retry).free());
    // A detached global fetch throws "Illegal invocation" in workerd and browsers.
    this.#fetch = hostFunction(o.fetch, 'fetch', typeof fetch === 'function' ? (...args) => fetch(...args) : undefined);
    if (this.#fetch === undefined) throw fail('ERR_FIELD_REQUIRED', 'fetch', 'this runtime has no global fetch: pass options.fetch');
    const now = o.now;
    this.#now = typeof now === 'function' ? now : now === undefined ? Date.now : () => now;
    this.#sleep = hostFunction(o.sleep, 'sleep', wait);
    this.#random = hostFunction(o.random, 'random', Math.random);
    this.#hooks = { onRequest: hostFunction(o.onRequest, 'onRequest', undefined), onResponse: hostFunction(o.onResponse, 'onResponse', undefined), includeBodies: o.includeBodies === true };
    const { env, baseUrl, msgSrcId, contentType, clockOffsetMs, allowUnknownFields } = o;
    this.#build = { env, baseUrl, msgSrcId, contentType, clockOffsetMs, allowUnknownFields };
    this.#signer = new OpenBodySigner({ appId: o.appId, appKey: o.appKey });
    /** `client.bills.<operation>(input, options?)`: the response when `errCode` is `SUCCESS`, else a rejection with `ERR_PLATFORM`. */
    this.bills = Object.freeze(Object.fromEntries(OPERATIONS.map((table) => [table.name, (input, requestOptions) => this.#operation(table.name, input, requestOptions)])));
  }

  get appId() {
    return this.#signer.appId;
  }

  /**
   * Builds (with the field table when `path` has one), signs and sends one request, once:
   * `{ status, response, error, text, headers, request, durationMs }`, whatever the platform
   * answered. Rejects with `ERR_NETWORK` when no answer arrives (the request may or may not
   * have been applied).
   */
  async request(path, input, requestOptions) {
    return this.#exchange(wellFormed(path, 'path'), jsonInput(input), 1, requestOptions);
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
      // A bad input is refused before anything is sent.
      this.#check(PATHS.preauthCancel, cancel);
      const inputs = { query: { json: call(() => core.recovery_query_input(cancel.json)) }, preauthCancel: cancel };
      recovery = call(() => new core.Recovery(this.#retry));
      let decision = JSON.parse(call(() => recovery.start()));
      while (decision.action === 'send') {
        if (decision.delayMs > 0) await this.#sleep(decision.delayMs);
        const operation = STEPS[decision.step];
        const started = performance.now();
        let answer;
        try {
          answer = await this.#exchange(PATHS[operation], inputs[operation], attempts.length + 1);
        } catch (error) {
          if (error?.code !== 'ERR_NETWORK') throw error;
          answer = { status: null, text: undefined, error };
        }
        attempts.push({ endpoint: PATHS[operation], status: answer.status, error: answer.error?.message ?? null, errCode: answer.response?.errCode ?? null, durationMs: elapsedSince(started) });
        const jitter = draw(this.#random);
        decision = JSON.parse(call(() => recovery.answer(answer.status ?? undefined, answer.text, jitter)));
      }
      return { outcome: decision.outcome, bill: decision.bill, attempts };
    } catch (error) {
      if (error instanceof ChinaumsError) error.attempts = attempts;
      throw error;
    } finally {
      recovery?.free();
    }
  }

  /** Wipes the key now rather than at garbage collection; the client cannot send after. */
  free() {
    this.#freed = true;
    this.#signer.free();
  }

  [Symbol.dispose]() {
    this.free();
  }

  toJSON() {
    return { appId: this.appId, timeoutMs: this.#timeoutMs };
  }

  /** Builds the request for `prepared` to check it: nothing is signed or sent. */
  #check(path, prepared) {
    const options = this.#buildOptions(this.#now());
    call(() => core.build_request(path, prepared.json, prepared.unencodable, options));
  }

  #buildOptions(now) {
    return encode(bag({ ...this.#build, now }));
  }

  async #operation(name, input, requestOptions) {
    const envelope = await this.#exchange(PATHS[name], jsonInput(input), 1, requestOptions);
    const { status, response, request } = envelope;
    if (response?.ok && status >= 200 && status < 300) return response;
    if (response === null && status >= 200 && status < 300) {
      // Answered, but not a bills response: what it was, and what was sent, go with the error.
      throw new ChinaumsError(envelope.error.code, `${request.url} answered HTTP ${status} with ${envelope.error.message}`, { field: envelope.error.field, status, response: null, request, cause: envelope.error });
    }
    const code = response?.errCode ?? null;
    const message = response?.errMsg ?? envelope.text.slice(0, 500);
    throw new ChinaumsError('ERR_PLATFORM', `${request.url} answered HTTP ${status}${code === null ? '' : ` ${code}`}: ${message}`, { platformCode: code, platformMessage: message, status, response, request });
  }

  /** Builds, signs, sends and parses one request, telling the hooks. */
  async #exchange(path, prepared, attempt, requestOptions) {
    const o = snapshot(requestOptions ?? undefined, 'request options');
    const operation = OPERATION_AT[path] ?? null;
    if (this.#freed) throw fail('ERR_SIGNER_FREED', null, 'this ChinaumsClient was freed (its key wiped); make a new one');
    const signer = wasmSigner(this.#signer);
    const request = fromWire(call(() => signer.sign_request(path, prepared.json, prepared.unencodable, this.#buildOptions(this.#now()))));
    const shown = redacted(request);
    this.#tell('onRequest', () => ({ operation, path, attempt, method: request.method, url: request.url, headers: shown.headers, ...this.#bodies(request) }));
    const started = performance.now();
    const timeoutMs = o?.timeoutMs ?? this.#timeoutMs;
    const signals = [AbortSignal.timeout(timeoutMs), o?.signal].filter(Boolean);
    let response;
    let text;
    try {
      response = await this.#fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0] });
      text = await response.text();
      // What a host's fetch hands back is checked before it reaches the core.
      if (typeof text !== 'string' || !Number.isInteger(response.status) || response.status < 100 || response.status > 599) {
        throw new TypeError('the fetch answered something that is not an HTTP response (a status 100-599 and a text)');
      }
    } catch (cause) {
      const timedOut = cause?.name === 'TimeoutError';
      const what = timedOut ? `no answer within ${timeoutMs} ms` : `the request failed (${cause?.message ?? cause})`;
      const error = new ChinaumsError('ERR_NETWORK', `${request.url}: ${what}; it may or may not have been applied: query before repeating a state change`, { field: 'fetch', cause, request: shown });
      this.#tell('onResponse', () => ({ operation, path, attempt, status: null, errCode: null, durationMs: elapsedSince(started), error: error.message }));
      throw error;
    }
    let parsed = null;
    let error = null;
    try {
      parsed = parse(text);
    } catch (e) {
      error = e;
    }
    const durationMs = elapsedSince(started);
    this.#tell('onResponse', () => ({ operation, path, attempt, status: response.status, errCode: parsed?.errCode ?? null, durationMs, ...(this.#hooks.includeBodies ? { body: text } : {}) }));
    return { status: response.status, response: parsed, error, text, headers: response.headers, request: shown, durationMs };
  }

  /** The body and the string to sign, for hooks that asked for them. */
  #bodies(request) {
    if (!this.#hooks.includeBodies) return {};
    const { stringToSign } = explainSignature({ authorization: request.headers.Authorization, body: request.body });
    return { body: request.body, stringToSign };
  }

  /** Calls a hook with its event; what a hook throws is not the request's failure, and is ignored. */
  #tell(hook, event) {
    const fn = this.#hooks[hook];
    if (fn === undefined) return;
    // A hook that fails, at once or later (an async hook that rejects), must not change what
    // happens to a payment, nor end the process with an unhandled rejection.
    try {
      const result = fn(event());
      if (typeof result?.then === 'function') result.then(undefined, () => {});
    } catch {
      // Ignored, as above.
    }
  }
}

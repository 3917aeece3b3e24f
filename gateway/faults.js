// Injected failures, for testing how a client copes with answers the emulator would not give
// on its own: a token endpoint that refuses (the errCode/errInfo shape of §3.2 with the
// platform's 认证失败 text, §9.1) and an authentication failure that is not JSON at all (an HTML
// page from a proxy or the gateway's front end, the case the library's "check the HTTP status"
// message is about). Such a request is answered before anything else: it is not
// authenticated, uses up no nonce and changes no bill.
//
// And the failures a recovery must survive (what bills/preauth-cancel exists for): the network
// or the platform's front end failing before the request is applied ('unavailable': a 503
// page; 'reset': the connection dropped), or after ('answer-lost': applied, then the
// connection dropped; 'answer-late': applied, then answered after delayMs). The last two go
// through the real handler: authenticated, nonce used, the bill changed.

import { TOKEN_PATH } from './paths.js';

/** How long 'answer-late' holds its answer unless told; more than a client's usual timeout. */
export const DEFAULT_LATE_ANSWER_MS = 15_000;

/**
 * The named faults. `effect` says what happens: 'answer' (`status`, `contentType`, `body`
 * instead of the request being processed), 'reset' (the connection is dropped unread),
 * 'lose-answer' (processed, then the connection dropped), 'delay-answer' (processed, answered
 * after delayMs). `path` is the default target (null: any path).
 */
export const FAULT_PRESETS = Object.freeze({
  'token-refusal': Object.freeze({
    effect: 'answer',
    path: TOKEN_PATH,
    status: 200,
    contentType: 'application/json;charset=UTF-8',
    body: '{"errCode":"1000","errInfo":"认证失败"}',
  }),
  'non-json-401': Object.freeze({
    effect: 'answer',
    path: null,
    status: 401,
    contentType: 'text/html;charset=UTF-8',
    body: '<html><head><title>401 Unauthorized</title></head><body><h1>401 Unauthorized</h1><p>认证失败</p></body></html>',
  }),
  unavailable: Object.freeze({
    effect: 'answer',
    path: null,
    status: 503,
    contentType: 'text/html;charset=UTF-8',
    body: '<html><head><title>503 Service Temporarily Unavailable</title></head><body><h1>503 Service Temporarily Unavailable</h1></body></html>',
  }),
  reset: Object.freeze({ effect: 'reset', path: null }),
  'answer-lost': Object.freeze({ effect: 'lose-answer', path: null }),
  'answer-late': Object.freeze({ effect: 'delay-answer', path: null }),
});

function faultError(where, message) {
  return new TypeError(`${where}: ${message}`);
}

/**
 * Reads a fault specification: a preset name, or `{ status, body, contentType? }` (body text or
 * a value sent as JSON), with `path` (default: the preset's, else any path), `times` (default
 * 1) and, for 'answer-late', `delayMs`.
 */
function readFault(fault, { path, times = 1, delayMs } = {}, where) {
  let answer;
  if (typeof fault === 'string') {
    answer = FAULT_PRESETS[fault];
    if (answer === undefined || !Object.hasOwn(FAULT_PRESETS, fault)) {
      throw faultError(where, `unknown fault ${JSON.stringify(fault)}; use ${Object.keys(FAULT_PRESETS).join(' or ')}, or { status, body, contentType? }`);
    }
  } else if (fault !== null && typeof fault === 'object' && !Array.isArray(fault)) {
    const { status, body, contentType } = fault;
    if (!Number.isInteger(status) || status < 200 || status > 599) throw faultError(where, 'a fault status must be an HTTP status from 200 to 599');
    if (body === undefined) throw faultError(where, 'a fault needs a body (text, or a value sent as JSON)');
    if (contentType !== undefined && typeof contentType !== 'string') throw faultError(where, 'contentType must be a string');
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    answer = {
      effect: 'answer',
      path: null,
      status,
      contentType: contentType ?? (typeof body === 'string' ? 'text/plain;charset=UTF-8' : 'application/json;charset=UTF-8'),
      body: text,
    };
  } else {
    throw faultError(where, 'a fault is a preset name or { status, body, contentType? }');
  }
  if (path !== undefined && path !== null && !(typeof path === 'string' && path.startsWith('/'))) {
    throw faultError(where, 'path must start with /');
  }
  if (!Number.isSafeInteger(times) || times < 1) throw faultError(where, 'times must be a positive integer');
  if (delayMs !== undefined) {
    if (answer.effect !== 'delay-answer') throw faultError(where, "delayMs is for 'answer-late' only");
    if (!Number.isSafeInteger(delayMs) || delayMs < 0 || delayMs > 600_000) throw faultError(where, 'delayMs must be a whole number of milliseconds from 0 to 600000');
  }
  if (answer.effect === 'delay-answer') answer = { ...answer, delayMs: delayMs ?? DEFAULT_LATE_ANSWER_MS };
  return { name: typeof fault === 'string' ? fault : 'custom', path: path ?? answer.path, remaining: times, answer };
}

/** Pending faults, used up in the order they were added by the requests they match. */
export class FaultQueue {
  #faults = [];

  /** Adds a fault (see readFault); `where` names the caller in errors. */
  add(fault, options, where) {
    if (options !== undefined && (options === null || typeof options !== 'object')) throw faultError(where, 'options must be an object { path?, times?, delayMs? }');
    this.#faults.push(readFault(fault, options, where));
  }

  /** The fault for a request to `path` when one matches it (using it up), else null. */
  take(path) {
    const index = this.#faults.findIndex((f) => f.path === null || f.path === path);
    if (index === -1) return null;
    const fault = this.#faults[index];
    fault.remaining -= 1;
    if (fault.remaining === 0) this.#faults.splice(index, 1);
    return { name: fault.name, ...fault.answer };
  }

  /** How many faulted answers are still to come. */
  get pending() {
    return this.#faults.reduce((sum, f) => sum + f.remaining, 0);
  }
}

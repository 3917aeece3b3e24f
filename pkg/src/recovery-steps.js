// The loop of a durable preauth recovery, shared by the PostgreSQL journal (recovery.js) and the
// Durable Object (durable-object.js). Every decision is the core's (src/recovery/durable.rs):
// what to send, to which path, when, and how it ended. This file owns what needs the host: the
// client's request, the clock, the jitter, and the order of persisting and sending, which is
// the point of it all: the state that says "this request is in flight" is stored, through the
// host's `persist`, before the request leaves, so that a crash at any moment is read back as a
// lost answer (after a cancel: a query first, never a second cancel).

import * as core from '../dist/chinaums_open.js';
import { call as inCore, draw, encode, fail, jsonInput, plain, snapshot } from './boundary.js';
import { OPERATIONS } from './generated.js';

/** The path every recovery's input is checked for: preauth-cancel's, from its table. */
export const CANCEL_PATH = OPERATIONS.find((table) => table.name === 'preauthCancel').path;

/** Runs `fn(recovery)` and frees the wasm object whatever happens. */
function using(recovery, fn) {
  try {
    return fn(recovery);
  } finally {
    recovery.free();
  }
}

const SCHEDULE_KEYS = ['baseDelayMs', 'maxDelayMs', 'deadlineMs'];

/**
 * The schedule's own members in a null-prototype copy (user code such as getters runs here,
 * never while the core reads it); an unknown member is a typo, not an option.
 */
export function scheduleOptions(schedule, field = 'schedule') {
  if (schedule === undefined || schedule === null) return undefined;
  const copy = snapshot(schedule, field, field);
  if (copy === null || typeof copy !== 'object' || Array.isArray(copy)) throw fail('ERR_FIELD_TYPE', field, `${field} must be an object { baseDelayMs?, maxDelayMs?, deadlineMs? }`);
  for (const key of Object.keys(copy)) {
    if (!SCHEDULE_KEYS.includes(key)) throw fail('ERR_UNKNOWN_FIELD', `${field}.${key}`, `${field}.${key} is not an option: use ${SCHEDULE_KEYS.join(', ')}`);
  }
  return copy;
}

/** A preauth-cancel input (object, JSON text or its bytes) as JSON text, read once. */
function inputJson(input) {
  const { json, unencodable } = jsonInput(input);
  if (unencodable) throw fail('ERR_BODY_ENCODING', unencodable[0], `${unencodable[0]} contains a lone UTF-16 surrogate, which has no UTF-8 encoding`);
  return json;
}

/**
 * Checks a preauth-cancel input and starts a durable recovery of its hold at `nowMs`:
 * `{ merOrderId, state }`, the state as JSON text to store. Throws the builder's error for a
 * bad input and `ERR_FIELD_FORMAT` for a bad schedule (see scheduleOptions).
 */
export function beginRecovery(input, schedule, nowMs) {
  const [json, options, at] = [inputJson(input), encode(schedule), plain(nowMs)];
  const state = inCore(() => using(core.Recovery.begin(json, options, at), (r) => r.state()));
  // Both texts are the core's own, checked: the input's merOrderId is a string.
  return { merOrderId: JSON.parse(JSON.parse(state).input).merOrderId, state };
}

/** What a stored state says, for status reports: `{ stage, requests, outcome, at, error }`. */
export function stateSummary(stateJson) {
  const { stage, requests, outcome, at, error } = JSON.parse(stateJson);
  return { stage, requests, outcome, at, error };
}

/**
 * A stored state as a status reports it: `{ state, summary }`, `state` being `pending` (due),
 * `in-flight` or `done`, or `invalid` (summary null) for text that is not JSON.
 */
export function stateStatus(stateJson) {
  let summary;
  try {
    summary = stateSummary(stateJson);
  } catch {
    return { state: 'invalid', summary: null };
  }
  return { state: summary.stage === 'due' ? 'pending' : summary.stage, summary };
}

/**
 * Runs the steps of a stored recovery that are due at the host's `now()`, one request at a
 * time, and stops at a wait, at the end, after `maxSteps`, or when `persist` refuses.
 *
 * `persist({ state, inFlight, next, bill, error })` stores a state (JSON text) and resolves
 * true, or false when this host may no longer write it (its lease was lost): it is called with
 * `inFlight: true` before each request leaves (false: the request is not sent), and once at
 * the end with what the recovery now says. Resolves `{ state, next, bill, sent, error,
 * refused }`: `next` the core's decision (`send` with `at`, or `done` with `outcome`), `error`
 * a failure of the host's request other than a lost answer (recorded as lost: the recovery
 * queries after a wait), `refused` true when `persist` refused. Throws ERR_INVALID_STATE for a
 * stored state that is not one the core wrote (nothing is decided from it).
 */
export async function runDueSteps({ stateJson, client, now, random, persist, maxSteps = 4 }) {
  const jitter = () => draw(random);
  if (typeof stateJson !== 'string') throw fail('ERR_INVALID_STATE', 'state', 'a stored recovery state is JSON text; this one is not text at all');
  const [at, first] = [plain(now()), jitter()];
  const recovery = inCore(() => core.Recovery.resume(stateJson, at, first));
  try {
    let next = JSON.parse(recovery.next());
    let bill = null;
    let error = null;
    let sent = 0;
    while (next.action === 'send' && next.at <= now() && sent < maxSteps && error === null) {
      const sentAt = plain(now());
      const inFlight = inCore(() => recovery.send(sentAt));
      if (!(await persist({ state: inFlight, inFlight: true, next, bill: null, error: null }))) {
        return { state: null, next, bill, sent, error, refused: true };
      }
      sent += 1;
      let answer = null;
      try {
        answer = await client.request(next.path, next.input);
      } catch (failure) {
        // No answer (ERR_NETWORK): maybe applied. Anything else failed before sending (a bad
        // input for this client, a freed client); either way the step counts as lost.
        if (failure?.code !== 'ERR_NETWORK') error = failure;
      }
      const [status, text, spread, answeredAt] = [answer?.status ?? undefined, answer?.text ?? undefined, jitter(), plain(now())];
      const recorded = JSON.parse(inCore(() => recovery.record(Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined, typeof text === 'string' ? text : undefined, spread, answeredAt)));
      next = recorded.next;
      bill = recorded.bill ?? bill;
    }
    const state = inCore(() => recovery.state());
    const refused = !(await persist({ state, inFlight: false, next, bill, error }));
    return { state, next, bill, sent, error, refused };
  } finally {
    recovery.free();
  }
}

/** A failure as plain data for storage and status: `{ code, field, platformCode, message }`. */
export function errorData(error) {
  if (error === null || error === undefined) return null;
  return {
    code: typeof error.code === 'string' ? error.code : 'ERR_INTERNAL',
    field: error.field ?? null,
    platformCode: error.platformCode ?? null,
    message: error instanceof Error ? error.message : String(error),
  };
}

// `chinaums-open/durable-object`: one Cloudflare Durable Object per preauthorization whose
// outcome is unknown. The merchant's Worker re-exports `PreauthRecovery` and binds it as a
// Durable Object namespace with SQLite storage; `recoverPreauth(env.PREAUTH_RECOVERY, input)`
// reaches the object of the order (`idFromName(merOrderId)`).
//
// The object keeps the core's recovery state in `ctx.storage.sql`, runs the due steps with the
// library's client over the Worker's fetch, and waits with alarms, which survive restarts and
// crashes. One step at a time per order: requests to an object interleave while it awaits an
// outgoing fetch (the input gate does not hold then), so every path that may send goes through
// one in-memory lock. Before a request leaves, the state saying it is in flight is written and
// an alarm is set past its timeout: if the process dies meanwhile, the alarm resumes the
// recovery after the restart, and the core reads the request as a lost answer (after a cancel:
// a query first). Once an outcome is reached it is handed to the merchant at least once, with
// an idempotency key: to the service binding `PREAUTH_OUTCOME` (a POST of JSON with an
// `Idempotency-Key` header; any 2xx acknowledges) or to the Queue `PREAUTH_OUTCOME_QUEUE`. Credentials come from the Worker's bindings
// (`CHINAUMS_APP_ID`, the secret `CHINAUMS_APP_KEY`); they are never stored or logged.

import { ChinaumsClient, ChinaumsError } from 'chinaums-open';
import { CANCEL_PATH, beginRecovery, errorData, runDueSteps, scheduleOptions, stateStatus } from './recovery-steps.js';
import { checkInput } from './client.js';


/** The object's one row: the order, the core's state, the last bill, and the delivery. */
const SCHEMA = `CREATE TABLE IF NOT EXISTS preauth_recovery (
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  mer_order_id   TEXT NOT NULL,
  state          TEXT NOT NULL,
  bill           TEXT,
  error          TEXT,
  delivered_at   INTEGER,
  deliveries     INTEGER NOT NULL DEFAULT 0,
  delivery_error TEXT
)`;
/** What a request may take when CHINAUMS_TIMEOUT_MS is not set (the client's default). */
const DEFAULT_TIMEOUT_MS = 10_000;
/** How long past a request's timeout the watchdog alarm waits. */
const WATCHDOG_SLACK_MS = 1_000;
/** Retries of a failed delivery: the first after a second, doubling up to ten minutes. */
const DELIVERY_BASE_MS = 1_000;
const DELIVERY_MAX_MS = 600_000;
/** How soon a run that failed for another reason (storage, a missing binding) is tried again. */
const ERROR_RETRY_MS = 10_000;
/** After this many failed deliveries the outcome stays in the status for a person. */
const MAX_DELIVERIES = 1_000;

const json = (body, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json; charset=utf-8' } });
const failure = (error, status) => json({ error: errorData(error) }, status);

/** The idempotency key of an order's outcome: one per order, as each order has one outcome. */
export const outcomeKey = (merOrderId) => `chinaums-preauth-recovery:${merOrderId}`;

export class PreauthRecovery {
  #ctx;
  #env;
  /** The tail of the chain every step-running path waits on: single flight per order. */
  #lock = Promise.resolve();

  constructor(ctx, env) {
    this.#ctx = ctx;
    this.#env = env;
    ctx.storage.sql.exec(SCHEMA);
  }

  /**
   * `POST /recover` with the preauth-cancel input as JSON: starts the recovery (once per
   * order; again, it only reports), runs its due steps, answers the status. `GET /status`
   * answers the status (404 before any recover).
   */
  async fetch(request) {
    const { pathname } = new URL(request.url);
    try {
      if (pathname === '/status' && request.method === 'GET') {
        const status = this.#status();
        return status === null ? json({ error: { code: null, message: 'no recovery was started for this order' } }, 404) : json(status);
      }
      if (pathname === '/recover' && request.method === 'POST') {
        let input;
        try {
          input = await request.json();
        } catch {
          return failure(new ChinaumsError('ERR_INVALID_JSON', 'the body must be the preauth-cancel input as JSON', { field: 'input' }), 400);
        }
        return json(await this.#exclusive(() => this.#recover(input)));
      }
      return json({ error: { code: null, message: 'POST /recover or GET /status' } }, 404);
    } catch (error) {
      // The caller's mistake (a bad input, another order's object) or ours.
      const theirs = error instanceof ChinaumsError && error.code !== 'ERR_INTERNAL' && error.code !== 'ERR_INVALID_STATE';
      return failure(error, theirs ? 400 : 500);
    }
  }

  /** The alarm: the next step is due, a request was in flight when the process stopped, or a delivery is to be retried. */
  async alarm() {
    await this.#exclusive(() => this.#advance());
  }

  /** Runs `fn` after every earlier one has finished (each alone, in arrival order). */
  #exclusive(fn) {
    const run = this.#lock.then(fn, fn);
    this.#lock = run.catch(() => {});
    return run;
  }

  #row() {
    return this.#ctx.storage.sql.exec('SELECT * FROM preauth_recovery WHERE id = 1').toArray()[0] ?? null;
  }

  async #recover(input) {
    const row = this.#row();
    if (row === null) {
      // Refused now, with its typed error, what this Worker's client could never send.
      const client = this.#client(this.#timeoutMs());
      try {
        checkInput(client, CANCEL_PATH, input);
      } finally {
        client.free();
      }
      const { merOrderId, state } = beginRecovery(input, this.#schedule(), Date.now());
      this.#ctx.storage.sql.exec('INSERT INTO preauth_recovery (id, mer_order_id, state) VALUES (1, ?, ?)', merOrderId, state);
    } else if (input?.merOrderId !== row.mer_order_id) {
      throw new ChinaumsError('ERR_FIELD_FORMAT', `this object recovers order ${JSON.stringify(row.mer_order_id)}: reach an order's object with idFromName(merOrderId)`, { field: 'merOrderId' });
    }
    await this.#advance();
    return this.#status();
  }

  /** Runs what is due: the recovery's steps, then the delivery of its outcome; sets the next alarm. */
  async #advance() {
    const row = this.#row();
    if (row === null) return;
    const timeoutMs = this.#timeoutMs();
    let next = null;
    try {
      const client = this.#client(timeoutMs);
      try {
        const result = await runDueSteps({
          stateJson: row.state,
          client,
          now: Date.now,
          random: Math.random,
          persist: async ({ state, inFlight, bill, error }) => {
            const sql = this.#ctx.storage.sql;
            sql.exec('UPDATE preauth_recovery SET state = ?, bill = COALESCE(?, bill), error = ? WHERE id = 1', state, bill === null ? null : JSON.stringify(bill), error === null ? null : JSON.stringify(errorData(error)));
            // In flight: should the process stop before the answer, this alarm resumes it.
            if (inFlight) await this.#ctx.storage.setAlarm(Date.now() + timeoutMs + WATCHDOG_SLACK_MS);
            await this.#ctx.storage.sync?.();
            return true;
          },
        });
        next = result.next;
      } finally {
        client.free();
      }
    } catch (error) {
      // A state the core refuses stays for a person (no alarm); anything else is retried.
      this.#ctx.storage.sql.exec('UPDATE preauth_recovery SET error = ? WHERE id = 1', JSON.stringify(errorData(error)));
      if (error?.code !== 'ERR_INVALID_STATE') await this.#ctx.storage.setAlarm(Date.now() + ERROR_RETRY_MS);
      return;
    }
    if (next.action === 'send') {
      await this.#ctx.storage.setAlarm(next.at);
      return;
    }
    await this.#deliver();
  }

  /** Hands the outcome to the merchant (at least once), or schedules another try. */
  async #deliver() {
    const row = this.#row();
    if (row === null || row.delivered_at !== null) return;
    const status = this.#status();
    // Two bindings, not one duck-typed: every property of a service binding is an RPC stub,
    // so a service binding would look like a Queue too.
    const { PREAUTH_OUTCOME: service, PREAUTH_OUTCOME_QUEUE: queue } = this.#env;
    if (!service && !queue) {
      // No receiver configured: the merchant reads the status instead.
      await this.#ctx.storage.deleteAlarm();
      return;
    }
    const key = outcomeKey(row.mer_order_id);
    const message = { idempotencyKey: key, merOrderId: status.merOrderId, outcome: status.outcome, attempts: status.attempts, bill: status.bill, error: status.error, finishedAt: status.finishedAt };
    let problem = null;
    try {
      if (queue) {
        await queue.send(message);
      } else {
        const response = await service.fetch('https://preauth-outcome.invalid/', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json; charset=utf-8', 'Idempotency-Key': key },
          body: JSON.stringify(message),
        });
        await response.body?.cancel();
        if (!response.ok) problem = `the outcome receiver answered HTTP ${response.status}`;
      }
    } catch (error) {
      problem = `the outcome could not be delivered: ${error instanceof Error ? error.message : String(error)}`;
    }
    const deliveries = row.deliveries + 1;
    const sql = this.#ctx.storage.sql;
    if (problem === null) {
      sql.exec('UPDATE preauth_recovery SET delivered_at = ?, deliveries = ?, delivery_error = NULL WHERE id = 1', Date.now(), deliveries);
      await this.#ctx.storage.deleteAlarm();
      return;
    }
    sql.exec('UPDATE preauth_recovery SET deliveries = ?, delivery_error = ? WHERE id = 1', deliveries, problem);
    if (deliveries < MAX_DELIVERIES) {
      await this.#ctx.storage.setAlarm(Date.now() + Math.min(DELIVERY_BASE_MS * 2 ** Math.min(deliveries - 1, 20), DELIVERY_MAX_MS));
    }
  }

  /** `{ merOrderId, state, outcome, attempts, nextAttemptAt, finishedAt, bill, error, delivered, deliveries, deliveryError }`, or null. */
  #status() {
    const row = this.#row();
    if (row === null) return null;
    const { state, summary } = stateStatus(row.state);
    const error = row.error === null ? null : JSON.parse(row.error);
    const invalid = state === 'invalid' || error?.code === 'ERR_INVALID_STATE';
    return {
      merOrderId: row.mer_order_id,
      state: invalid ? 'invalid' : state,
      outcome: summary?.outcome ?? null,
      attempts: summary?.requests ?? 0,
      nextAttemptAt: summary?.stage === 'due' ? summary.at : null,
      finishedAt: summary?.stage === 'done' ? summary.at : null,
      bill: row.bill === null ? null : JSON.parse(row.bill),
      error: error ?? summary?.error ?? null,
      delivered: row.delivered_at !== null,
      deliveries: row.deliveries,
      deliveryError: row.delivery_error,
    };
  }

  #schedule() {
    const given = this.#env.CHINAUMS_RECOVERY_SCHEDULE;
    if (given === undefined || given === null) return undefined;
    let schedule = given;
    if (typeof given === 'string') {
      try {
        schedule = JSON.parse(given);
      } catch {
        throw new ChinaumsError('ERR_INVALID_JSON', 'CHINAUMS_RECOVERY_SCHEDULE must be JSON: { "baseDelayMs", "maxDelayMs", "deadlineMs" }', { field: 'CHINAUMS_RECOVERY_SCHEDULE' });
      }
    }
    return scheduleOptions(schedule, 'CHINAUMS_RECOVERY_SCHEDULE');
  }

  #timeoutMs() {
    const given = this.#env.CHINAUMS_TIMEOUT_MS;
    return given === undefined ? DEFAULT_TIMEOUT_MS : Number(given);
  }

  /** A client from the Worker's bindings, for one run (freed after: the key is wiped). */
  #client(timeoutMs) {
    const env = this.#env;
    if (!env.CHINAUMS_APP_ID || !env.CHINAUMS_APP_KEY) {
      throw new ChinaumsError('ERR_FIELD_REQUIRED', 'the Worker has no CHINAUMS_APP_ID or CHINAUMS_APP_KEY binding (set the key with `wrangler secret put CHINAUMS_APP_KEY`)', { field: 'CHINAUMS_APP_KEY' });
    }
    const optional = (name, value) => (value === undefined ? {} : { [name]: value });
    return new ChinaumsClient({
      appId: env.CHINAUMS_APP_ID,
      appKey: env.CHINAUMS_APP_KEY,
      // Where requests go is never guessed: CHINAUMS_ENV ('test' or 'production') or CHINAUMS_BASE_URL.
      env: env.CHINAUMS_ENV,
      baseUrl: env.CHINAUMS_BASE_URL,
      ...optional('msgSrcId', env.CHINAUMS_MSG_SRC_ID),
      timeoutMs,
    });
  }
}

async function answerOf(response) {
  const text = await response.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: reported below.
  }
  if (response.ok && body !== null) return body;
  const error = body?.error;
  throw new ChinaumsError(typeof error?.code === 'string' ? error.code : 'ERR_INTERNAL', error?.message ?? `the recovery object answered HTTP ${response.status}`, { field: error?.field ?? null, platformCode: error?.platformCode ?? null });
}

/**
 * Starts (or, again, reports) the durable recovery of the hold a preauth-cancel input names, in
 * its order's object of `namespace` (the PreauthRecovery binding): resolves its status.
 */
export async function recoverPreauth(namespace, input) {
  const merOrderId = input?.merOrderId;
  if (typeof merOrderId !== 'string' || merOrderId === '') throw new ChinaumsError('ERR_FIELD_REQUIRED', 'merOrderId is required: it names the order, and so its recovery object', { field: 'merOrderId' });
  const stub = namespace.get(namespace.idFromName(merOrderId));
  return answerOf(await stub.fetch('https://preauth-recovery.invalid/recover', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(input) }));
}

/** The status of an order's recovery, or null when none was started. */
export async function preauthRecoveryStatus(namespace, merOrderId) {
  if (typeof merOrderId !== 'string' || merOrderId === '') throw new ChinaumsError('ERR_FIELD_REQUIRED', 'merOrderId is required', { field: 'merOrderId' });
  const response = await namespace.get(namespace.idFromName(merOrderId)).fetch('https://preauth-recovery.invalid/status');
  if (response.status === 404) {
    await response.body?.cancel();
    return null;
  }
  return answerOf(response);
}

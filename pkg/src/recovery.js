// `chinaums-open/recovery`: a journal of preauthorizations whose outcome is unknown, on the
// merchant's PostgreSQL, worked off by any number of sweepers in any number of processes.
//
// One row per order holds the core's recovery state (versioned, checksummed JSON text) and when
// its next step is due. A sweep claims due rows with `FOR UPDATE SKIP LOCKED` and a lease (an
// owner and a token the claim increments), runs their due steps through the client, and writes
// back. Every write is fenced by the lease: before a request leaves, the state saying it is in
// flight is stored only if this sweeper still holds an unexpired lease with time left for the
// request (its timeout and a second, or half the lease if that is shorter); afterwards, the
// result is stored only if no one has claimed the row since (the token is unchanged). A
// sweeper that dies or stalls loses nothing: once its lease expires another one claims the row,
// and the core reads a request left in flight as a lost answer (after a cancel: a query first). The package never imports `pg`: it uses the pool it is given.

// The host's entry loads the core (Node: at import), whatever client the journal is given.
import 'chinaums-open';
import { RECOVERY_OUTCOMES } from './generated.js';
import { checkInput } from './client.js';
import { fail, hostFunction } from './boundary.js';
import { CANCEL_PATH, beginRecovery, errorData, runDueSteps, scheduleOptions, stateStatus, stateSummary } from './recovery-steps.js';


const DEFAULT_TABLE = 'chinaums_preauth_recovery';
/** A lower-case SQL identifier, optionally schema-qualified, short enough for `<table>_due`. */
const TABLE_NAME = /^[a-z_][a-z0-9_]{0,58}(?:\.[a-z_][a-z0-9_]{0,58})?$/;
/** A well-formed input of the core's, to check a schedule when the journal is made. */
const PROBE_INPUT = '{"mid":"0","tid":"0","billNo":"0","billDate":"2025-01-02","merOrderId":"0","authIdRespCd":"0"}';
/** What a request may take when the client does not say (its own default is 10 s). */
const DEFAULT_STEP_MS = 10_000;
/** Time a lease must have left when a request leaves, beyond the request's own timeout. */
const LEASE_SLACK_MS = 1_000;


function wholeOption(value, field, min, max, fallback) {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw fail('ERR_FIELD_FORMAT', field, `${field} must be a whole number from ${min} to ${max}`);
  return value;
}

/** `"schema"."table"` from a checked name. */
function quoted(name) {
  return name
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}

const number = (value) => (value === null || value === undefined ? null : Number(value));
const parsed = (text) => (text === null || text === undefined ? null : JSON.parse(text));

export class RecoveryJournal {
  #pool;
  #client;
  #schedule;
  #now;
  #random;
  #owner;
  #stepMs;
  #sql;

  /**
   * @param {object} options
   * @param {{ query: Function }} options.pool a `pg.Pool` (or anything with its `query`)
   * @param {{ request: Function }} options.client a ChinaumsClient
   * @param {string} [options.table] default `chinaums_preauth_recovery`
   * @param {{ baseDelayMs?: number, maxDelayMs?: number, deadlineMs?: number }} [options.schedule]
   * @param {() => number} [options.now] epoch ms; default Date.now
   * @param {() => number} [options.random] the jitter, from 0 to 1; default Math.random
   * @param {string} [options.owner] this journal's name in leases; default a random UUID
   */
  constructor(options) {
    if (options === null || typeof options !== 'object') throw fail('ERR_FIELD_TYPE', 'options', 'RecoveryJournal takes { pool, client, table?, schedule? }');
    const { pool, client, table = DEFAULT_TABLE, schedule, now, random, owner } = options;
    if (typeof pool?.query !== 'function') throw fail('ERR_FIELD_TYPE', 'pool', 'pool must be a pg.Pool (an object with query())');
    if (typeof client?.request !== 'function') throw fail('ERR_FIELD_TYPE', 'client', 'client must be a ChinaumsClient (an object with request())');
    if (typeof table !== 'string' || !TABLE_NAME.test(table)) {
      throw fail('ERR_FIELD_FORMAT', 'table', 'table must be a lower-case SQL identifier (letters, digits, _; at most 59 characters), optionally schema.table');
    }
    if (owner !== undefined && (typeof owner !== 'string' || owner.length === 0 || owner.length > 200)) throw fail('ERR_FIELD_FORMAT', 'owner', 'owner must be a non-empty string of at most 200 characters');
    this.#pool = pool;
    this.#client = client;
    this.#schedule = scheduleOptions(schedule);
    this.#now = hostFunction(now, 'now', Date.now);
    this.#random = hostFunction(random, 'random', Math.random);
    this.#owner = owner ?? globalThis.crypto.randomUUID();
    // The core checks a schedule when a recovery begins: begin a throwaway one now, so that a
    // bad schedule fails here rather than at the first enqueue.
    beginRecovery(PROBE_INPUT, this.#schedule, 0);
    const timeoutMs = typeof client.toJSON === 'function' ? client.toJSON()?.timeoutMs : undefined;
    this.#stepMs = Number.isSafeInteger(timeoutMs) ? timeoutMs : DEFAULT_STEP_MS;
    this.#sql = statements(quoted(table), table.split('.').pop());
  }

  /** Creates the table and its index if absent (safe to run from every process at start). */
  async migrate() {
    // One simple-protocol query runs its statements as one transaction, on a Pool or a Client
    // alike; the advisory lock, held to its end, keeps concurrent CREATE … IF NOT EXISTS from
    // colliding in the catalog. The table name is a checked identifier, so it may be inlined.
    await this.#pool.query(`SELECT pg_advisory_xact_lock(hashtext('${this.#sql.table.replaceAll('"', '')}')); ${this.#sql.create}; ${this.#sql.index}`);
  }

  /**
   * Records a hold to recover (the preauth-cancel input, checked as the builder checks it). Its
   * first step is due at once. Idempotent per merOrderId: enqueuing an order again changes
   * nothing. Resolves `{ merOrderId, created }`.
   */
  async enqueue(input) {
    const now = this.#now();
    // Refused now, with its typed error, what this journal's client could never send.
    checkInput(this.#client, CANCEL_PATH, input);
    const { merOrderId, state } = beginRecovery(input, this.#schedule, now);
    const result = await this.#pool.query(this.#sql.insert, [merOrderId, state, now]);
    return { merOrderId, created: result.rowCount === 1 };
  }

  /**
   * Claims up to `limit` due holds (each under a lease of `leaseMs`), runs each one's due steps
   * (`concurrency` holds at a time) and writes them back. Resolves counts: `claimed`, one per
   * outcome reached in this sweep (`cancelled`, `already-cancelled`, `captured`, `not-frozen`,
   * `unknown`), `pending` (waiting for a later step), `leaseLost` (claimed meanwhile by another
   * sweeper), `invalid` (a stored state the core refused: set aside for a person) and `errors`.
   */
  async sweep({ limit, concurrency, leaseMs } = {}) {
    limit = wholeOption(limit, 'limit', 1, 10_000, 100);
    concurrency = wholeOption(concurrency, 'concurrency', 1, 256, 8);
    leaseMs = wholeOption(leaseMs, 'leaseMs', 1, 86_400_000, 60_000);
    // A request leaves only while the lease outlasts it (its timeout plus a second). A lease
    // shorter than that (tests) still lets requests leave while half of it remains: then a
    // request slower than the lease may overlap the next owner's step, which the platform's own
    // rules keep harmless (a second cancel is refused), but the journal no longer promises it.
    const margin = Math.min(this.#stepMs + LEASE_SLACK_MS, Math.floor(leaseMs / 2));
    const now = this.#now();
    const claimed = (await this.#pool.query(this.#sql.claim, [this.#owner, now + leaseMs, now, limit])).rows;
    const counts = { claimed: claimed.length, ...Object.fromEntries(RECOVERY_OUTCOMES.map((o) => [o, 0])), pending: 0, leaseLost: 0, invalid: 0, errors: 0 };
    const queue = [...claimed];
    const worker = async () => {
      for (let row = queue.shift(); row !== undefined; row = queue.shift()) {
        counts[await this.#work(row, margin)] += 1;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
    return counts;
  }

  /**
   * Where an order's recovery stands, or null: `{ merOrderId, state, outcome, attempts,
   * nextAttemptAt, bill, error, updatedAt }`. `state` is `pending` (its next step is due at
   * `nextAttemptAt`, epoch ms), `in-flight` (a sweeper is running a step), `done` (`outcome`
   * says how it ended) or `invalid` (its stored state is not one the library wrote: a person
   * must look); `attempts` counts the requests sent.
   */
  async status(merOrderId) {
    if (typeof merOrderId !== 'string') throw fail('ERR_FIELD_TYPE', 'merOrderId', 'merOrderId must be a string');
    const [row] = (await this.#pool.query(this.#sql.select, [merOrderId])).rows;
    if (row === undefined) return null;
    const { state, summary } = stateStatus(row.state);
    // A row that is neither finished nor due again was set aside as invalid by a sweep.
    const invalid = state === 'invalid' || (row.outcome === null && row.next_attempt_at === null);
    return {
      merOrderId: row.mer_order_id,
      state: invalid ? 'invalid' : state,
      outcome: row.outcome,
      attempts: row.attempts,
      nextAttemptAt: number(row.next_attempt_at),
      bill: parsed(row.bill),
      error: parsed(row.error) ?? summary?.error ?? null,
      updatedAt: number(row.updated_at),
    };
  }

  /** Runs one claimed row; resolves the name of the count it adds to. */
  async #work(row, margin) {
    const key = row.mer_order_id;
    const token = row.lease_token;
    const sql = this.#sql;
    const persist = async ({ state, inFlight, next, bill, error }) => {
      const now = this.#now();
      const { requests } = stateSummary(state);
      if (inFlight) {
        // Only with a live lease that outlasts the request: otherwise nothing is sent.
        const held = await this.#pool.query(sql.inFlight, [key, token, this.#owner, state, requests, now, now + margin]);
        return held.rowCount === 1;
      }
      const done = next.action === 'done';
      const values = [key, token, this.#owner, state, requests, done ? null : next.at, done ? next.outcome : null, bill === null ? null : JSON.stringify(bill), error === null ? null : JSON.stringify(errorData(error)), now];
      return (await this.#pool.query(sql.settle, values)).rowCount === 1;
    };
    try {
      const result = await runDueSteps({ stateJson: row.state, client: this.#client, now: this.#now, random: this.#random, persist });
      if (result.refused) return 'leaseLost';
      if (result.error !== null) return 'errors';
      return result.next.action === 'done' ? result.next.outcome : 'pending';
    } catch (error) {
      if (error?.code !== 'ERR_INVALID_STATE') return 'errors';
      // Nothing is decided from a state the core refuses: set it aside, with the reason.
      await this.#pool.query(sql.park, [key, token, this.#owner, JSON.stringify(errorData(error)), this.#now()]);
      return 'invalid';
    }
  }
}

/** The journal's SQL for `table` (quoted) whose unqualified name is `bare`. */
function statements(table, bare) {
  return {
    table,
    create: `CREATE TABLE IF NOT EXISTS ${table} (
      mer_order_id    text PRIMARY KEY,
      state           text NOT NULL,
      outcome         text,
      attempts        integer NOT NULL DEFAULT 0,
      next_attempt_at bigint,
      lease_owner     text,
      lease_token     bigint NOT NULL DEFAULT 0,
      lease_until     bigint,
      bill            text,
      error           text,
      created_at      bigint NOT NULL,
      updated_at      bigint NOT NULL
    )`,
    index: `CREATE INDEX IF NOT EXISTS "${bare}_due" ON ${table} (next_attempt_at) WHERE outcome IS NULL`,
    insert: `INSERT INTO ${table} (mer_order_id, state, next_attempt_at, created_at, updated_at) VALUES ($1, $2, $3, $3, $3) ON CONFLICT (mer_order_id) DO NOTHING`,
    claim: `UPDATE ${table} SET lease_owner = $1, lease_token = lease_token + 1, lease_until = $2
      WHERE mer_order_id IN (
        SELECT mer_order_id FROM ${table}
        WHERE outcome IS NULL AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until <= $3)
        ORDER BY next_attempt_at
        LIMIT $4
        FOR UPDATE SKIP LOCKED)
      RETURNING mer_order_id, state, lease_token`,
    inFlight: `UPDATE ${table} SET state = $4, attempts = $5, next_attempt_at = $6, updated_at = $6
      WHERE mer_order_id = $1 AND lease_token = $2 AND lease_owner = $3 AND lease_until > $7`,
    settle: `UPDATE ${table} SET state = $4, attempts = $5, next_attempt_at = $6, outcome = $7, bill = COALESCE($8, bill), error = $9,
        updated_at = $10, lease_owner = NULL, lease_until = NULL
      WHERE mer_order_id = $1 AND lease_token = $2 AND lease_owner = $3`,
    park: `UPDATE ${table} SET next_attempt_at = NULL, error = $4, updated_at = $5, lease_owner = NULL, lease_until = NULL
      WHERE mer_order_id = $1 AND lease_token = $2 AND lease_owner = $3`,
    select: `SELECT * FROM ${table} WHERE mer_order_id = $1`,
  };
}

// The journal's contract, one case at a time, on a real PostgreSQL (a private cluster) and the
// gateway emulator over HTTP: migrate, enqueue and status; the rules through sweeps (a lost
// cancel answer, a refused request, the deadline); the lease fences (a sweeper whose lease
// expired neither sends nor overwrites); a sweeper that died with a cancel in flight; a stored
// state that is not one the library wrote; and the options' checks. Clocks are injected where
// a lease must expire; the jitter is fixed.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { ChinaumsClient, ChinaumsError } from 'chinaums-open';
import { RecoveryJournal } from 'chinaums-open/recovery';
import { startGateway } from 'chinaums-open-gateway';
import { startPostgres } from './postgres.mjs';
import { APP, CANCEL_PATH, MSG_SRC_ID, QUERY_PATH, makeHolds, until } from './support.mjs';

const SCHEDULE = { baseDelayMs: 20, maxDelayMs: 40, deadlineMs: 600_000 };
const { holds, fixtures } = makeHolds(40, () => 'frozen', 'J');
let nextHold = 0;
/** A fresh frozen hold for each test. */
const freshHold = () => holds[nextHold++].input;

let db;
let pool;
let gateway;
let client;
let tables = 0;
before(async () => {
  db = await startPostgres();
  pool = new pg.Pool(db.connection);
  gateway = await startGateway({ credentials: [{ ...APP, msgSrcId: MSG_SRC_ID }], fixtures });
  client = new ChinaumsClient({ ...APP, baseUrl: gateway.url, msgSrcId: MSG_SRC_ID, timeoutMs: 3_000 });
});
after(async () => {
  client?.free();
  await pool?.end();
  await gateway?.close();
  await db?.stop();
});

/** A journal on a table of its own, migrated; `now` defaults to the real clock plus `shiftMs`. */
async function journal({ shiftMs = 0, table = `journal_${(tables += 1)}`, ...options } = {}) {
  const j = new RecoveryJournal({ pool, client, table, schedule: SCHEDULE, random: () => 0.5, now: () => Date.now() + shiftMs, ...options });
  await j.migrate();
  return Object.assign(j, { table });
}

/** The requests for one bill the emulator saw, in order: ['query', 'cancel', …] with what became of them. */
const seen = (since) => gateway.state.requests().slice(since).map((r) => ({ step: r.path === CANCEL_PATH ? 'cancel' : r.path === QUERY_PATH ? 'query' : r.path, status: r.status, applied: r.applied }));

/** Sweeps until no hold of the journal's table is left to recover. */
async function drain(j, options = { leaseMs: 5_000 }) {
  const left = async () => (await pool.query(`SELECT count(*)::int AS n FROM ${j.table} WHERE outcome IS NULL AND next_attempt_at IS NOT NULL`)).rows[0].n;
  await until(async () => {
    await j.sweep(options);
    return (await left()) === 0;
  }, `the holds of ${j.table} resolved`, { everyMs: 10 });
}

describe('migrate, enqueue, status', () => {
  test('migrate is idempotent, from several callers at once; a schema-qualified table works', async () => {
    const j = await journal();
    await Promise.all([j.migrate(), j.migrate(), j.migrate()]);
    await pool.query('CREATE SCHEMA IF NOT EXISTS merchant');
    const qualified = await journal({ table: 'merchant.preauth_holds' });
    const input = freshHold();
    assert.deepEqual(await qualified.enqueue(input), { merOrderId: input.merOrderId, created: true });
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM merchant.preauth_holds');
    assert.equal(rows[0].n, 1);
  });

  test('enqueue checks the input, is idempotent per order, and status reports it pending', async () => {
    const j = await journal();
    const input = freshHold();
    assert.deepEqual(await j.enqueue(input), { merOrderId: input.merOrderId, created: true });
    assert.deepEqual(await j.enqueue({ ...input, authIdRespCd: '999999' }), { merOrderId: input.merOrderId, created: false });
    const status = await j.status(input.merOrderId);
    assert.deepEqual({ ...status, nextAttemptAt: typeof status.nextAttemptAt, updatedAt: typeof status.updatedAt }, {
      merOrderId: input.merOrderId,
      state: 'pending',
      outcome: null,
      attempts: 0,
      nextAttemptAt: 'number',
      bill: null,
      error: null,
      updatedAt: 'number',
    });
    assert.equal(await j.status('no-such-order'), null);
    await assert.rejects(j.enqueue({ ...input, merOrderId: undefined }), (e) => e instanceof ChinaumsError && e.code === 'ERR_FIELD_REQUIRED' && e.field === 'merOrderId');
    await assert.rejects(j.enqueue({ ...input, billno: 'x' }), (e) => e.code === 'ERR_UNKNOWN_FIELD');
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ${j.table}`);
    assert.equal(rows[0].n, 1, 'nothing stored for a refused input');
  });
});

describe('sweeps follow the rules', () => {
  test('a cancel applied but its answer lost: a query next, never a second cancel (already-cancelled)', async () => {
    const j = await journal();
    const input = freshHold();
    await j.enqueue(input);
    const since = gateway.state.requests().length;
    gateway.inject('answer-lost', { path: CANCEL_PATH });
    const first = await j.sweep({ leaseMs: 5_000 });
    assert.deepEqual([first.claimed, first.pending], [1, 1], 'query, cancel (lost): waiting to query again');
    await drain(j);
    const status = await j.status(input.merOrderId);
    assert.deepEqual([status.state, status.outcome, status.attempts, status.nextAttemptAt, status.bill.billStatus], ['done', 'already-cancelled', 3, null, 'CLOSED']);
    assert.deepEqual(seen(since), [
      { step: 'query', status: 200, applied: false },
      { step: 'cancel', status: null, applied: true },
      { step: 'query', status: 200, applied: false },
    ]);
  });

  test('a request the platform refuses as wrong ends unknown, with the refusal in the status', async () => {
    const j = await journal();
    const input = { ...freshHold(), authIdRespCd: '999999' };
    await j.enqueue(input);
    const counts = await j.sweep({ leaseMs: 5_000 });
    assert.equal(counts.unknown, 1);
    const status = await j.status(input.merOrderId);
    assert.deepEqual([status.state, status.outcome, status.error?.code, status.error?.platformCode], ['done', 'unknown', 'ERR_PLATFORM', 'INVALID_ORDER']);
    assert.equal(gateway.state.bill(input.billNo, input.billDate).billStatus, 'PAID', 'the hold stands: a person must look');
  });

  test('past the deadline the outcome is unknown, and nothing more is sent', async () => {
    const j = await journal({ schedule: { baseDelayMs: 1_000, maxDelayMs: 1_000, deadlineMs: 100 } });
    const input = freshHold();
    await j.enqueue(input);
    const since = gateway.state.requests().length;
    gateway.inject('unavailable', { path: QUERY_PATH });
    assert.equal((await j.sweep({ leaseMs: 5_000 })).unknown, 1);
    assert.deepEqual([(await j.status(input.merOrderId)).outcome, seen(since).length], ['unknown', 1]);
    assert.equal((await j.sweep({ leaseMs: 5_000 })).claimed, 0);
  });
});

describe('the lease fences every write', () => {
  test('a sweeper whose lease ran out before its request leaves sends nothing', async () => {
    const table = `journal_${(tables += 1)}`;
    // Its clock jumps past the lease between the claim and the send.
    let calls = 0;
    const late = await journal({ table, now: () => Date.now() + (calls++ === 0 ? 0 : 60_000) });
    const input = freshHold();
    await late.enqueue(input);
    calls = 0;
    const since = gateway.state.requests().length;
    const counts = await late.sweep({ leaseMs: 5_000 });
    assert.deepEqual([counts.claimed, counts.leaseLost], [1, 1]);
    assert.equal(gateway.state.requests().length, since, 'no request left');
    const status = await (await journal({ table })).status(input.merOrderId);
    assert.deepEqual([status.state, status.attempts], ['pending', 0]);
  });

  test('a sweeper whose lease was taken over while its request was out does not overwrite', async () => {
    const table = `journal_${(tables += 1)}`;
    const slow = await journal({ table });
    const input = freshHold();
    await slow.enqueue(input);
    const since = gateway.state.requests().length;
    // Its cancel's answer comes after 1.5 s; meanwhile another sweeper, whose clock says the
    // lease has expired, claims the hold.
    gateway.inject('answer-late', { path: CANCEL_PATH, delayMs: 1_500 });
    const running = slow.sweep({ leaseMs: 5_000 });
    await until(() => seen(since).some((r) => r.step === 'cancel'), 'the slow cancel reached the gateway', { everyMs: 5 });
    const other = await journal({ table, shiftMs: 6_000 });
    const taken = await other.sweep({ leaseMs: 5_000 });
    assert.deepEqual([taken.claimed, taken.pending], [1, 1], 'taken over: the cancel in flight counts as lost, a query is due later');
    const before = await other.status(input.merOrderId);
    const overtaken = await running;
    assert.deepEqual([overtaken.claimed, overtaken.leaseLost, overtaken.cancelled], [1, 1, 0]);
    const afterwards = await other.status(input.merOrderId);
    assert.deepEqual(afterwards, before, "the overtaken sweeper's answer (cancelled) was not written over the new owner's state");
    assert.equal(afterwards.outcome, null);
    // The new owner's clock finishes it: a query, which finds the hold voided.
    await drain(await journal({ table, shiftMs: 8_000 }));
    assert.equal((await other.status(input.merOrderId)).outcome, 'already-cancelled');
    assert.deepEqual(seen(since).map((r) => r.step), ['query', 'cancel', 'query']);
  });

  test('a sweeper that died with a cancel in flight: the next one queries first, and never cancels again', async () => {
    const table = `journal_${(tables += 1)}`;
    // This sweeper's client sends the cancel, then never hears back (its process is gone).
    const dying = {
      request: (path, input) => (path === CANCEL_PATH ? client.request(path, input).then(() => new Promise(() => {})) : client.request(path, input)),
      toJSON: () => ({ timeoutMs: 3_000 }),
    };
    const doomed = await journal({ table, client: dying });
    const input = freshHold();
    await doomed.enqueue(input);
    const since = gateway.state.requests().length;
    doomed.sweep({ leaseMs: 5_000 });
    await until(() => seen(since).some((r) => r.step === 'cancel' && r.applied), 'the cancel applied', { everyMs: 5 });
    const status = await doomed.status(input.merOrderId);
    assert.deepEqual([status.state, status.attempts], ['in-flight', 2]);
    await drain(await journal({ table, shiftMs: 6_000 }));
    const done = await doomed.status(input.merOrderId);
    assert.equal(done.outcome, 'already-cancelled');
    assert.deepEqual(seen(since).map((r) => r.step), ['query', 'cancel', 'query']);
  });
});

test('a stored state the library did not write is set aside, never decided from', async () => {
  const j = await journal();
  const input = freshHold();
  await j.enqueue(input);
  await pool.query(`UPDATE ${j.table} SET state = replace(state, '"requests":0', '"requests":1')`);
  const since = gateway.state.requests().length;
  assert.equal((await j.sweep({ leaseMs: 5_000 })).invalid, 1);
  const status = await j.status(input.merOrderId);
  assert.deepEqual([status.state, status.outcome, status.nextAttemptAt, status.error.code, status.error.field], ['invalid', null, null, 'ERR_INVALID_STATE', 'state.sum']);
  assert.equal((await j.sweep({ leaseMs: 5_000 })).claimed, 0, 'not claimed again');
  assert.equal(gateway.state.requests().length, since, 'nothing sent');
});

test('options are checked, each with its field', async () => {
  const bad = (options, field) => assert.throws(() => new RecoveryJournal({ pool, client, ...options }), (e) => e instanceof ChinaumsError && e.field === field);
  bad({ pool: {} }, 'pool');
  bad({ client: null }, 'client');
  for (const table of ['Holds', 'holds; DROP TABLE x', '"holds"', 'a.b.c', '', 'x'.repeat(60)]) bad({ table }, 'table');
  bad({ schedule: { baseDelayMs: 10, maxDelayMs: 5 } }, 'schedule.maxDelayMs');
  bad({ schedule: { base: 1 } }, 'schedule.base');
  bad({ now: 5 }, 'now');
  const j = await journal();
  for (const [options, field] of [[{ limit: 0 }, 'limit'], [{ concurrency: 1.5 }, 'concurrency'], [{ leaseMs: 0 }, 'leaseMs']]) {
    await assert.rejects(j.sweep(options), (e) => e.field === field, field);
  }
  await assert.rejects(j.status(42), (e) => e.field === 'merOrderId');
});

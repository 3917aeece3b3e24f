// The journal at scale, on a real PostgreSQL (a private cluster: ./postgres.mjs) and the gateway
// emulator over HTTP: 1,000 holds, three sweeper processes at once, the emulator losing answers
// (answer-lost, answer-late past the timeout), answering late within it, failing before applying
// (unavailable) and resetting connections, holds captured by "another process" meanwhile, and one
// sweeper killed with SIGKILL mid-run and started again. Then, from the emulator's state, its
// request records and the sweepers' own log of every request and answer:
// * every hold is terminal, none unknown, and nothing is lost (1,000 rows, 1,000 outcomes);
// * each frozen hold was voided by exactly one applied cancel, and its outcome says so;
// * a hold captured meanwhile is never cancelled, except in the documented race (the capture
//   arrived after our cancel: the capture is refused and the hold voided);
// * for every hold, no two cancels without a query between them, and nothing at all after a
//   query showed the hold voided or captured.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ChinaumsClient } from 'chinaums-open';
import { RecoveryJournal } from 'chinaums-open/recovery';
import { startGateway } from 'chinaums-open-gateway';
import { startPostgres } from './postgres.mjs';
import { APP, CANCEL_PATH, MSG_SRC_ID, QUERY_PATH, capture, makeHolds, seeded, spawnSweeper, until } from './support.mjs';

const HOLDS = 1_000;
const SWEEPERS = 3;
const TABLE = 'preauth_recovery_scale';
/** Each request waits at most this long; a late answer past it is a lost one. */
const TIMEOUT_MS = 400;
const SCHEDULE = { baseDelayMs: 20, maxDelayMs: 200, deadlineMs: 600_000 };
const SWEEP = { limit: 8, concurrency: 8, leaseMs: 4_000 };
/** About one request in seven meets a fault. */
const FAULT_SHARE = 0.15;

/**
 * Kinds: 1 in 20 an ordinary payment, 1 in 20 no such bill, 1 in 20 captured while the
 * recovery runs, 1 in 20 captured as soon as its recovery has sent its first query.
 */
const kindOf = (i) => ['ordinary', 'missing', 'capture', 'capture-late'][i % 20] ?? 'frozen';
const { holds, fixtures } = makeHolds(HOLDS, kindOf, 'S');

let db;
let pool;
let gateway;
let logDir;
before(async () => {
  db = await startPostgres();
  pool = new pg.Pool({ ...db.connection, max: 20 });
  gateway = await startGateway({ credentials: [{ ...APP, msgSrcId: MSG_SRC_ID }], fixtures });
  logDir = mkdtempSync(join(tmpdir(), 'chinaums-sweepers-'));
});
after(async () => {
  await pool?.end();
  await gateway?.close();
  await db?.stop();
  if (logDir) rmSync(logDir, { recursive: true, force: true });
});

/** Injects faults as requests arrive, so that about FAULT_SHARE of them meet one; stops when told. */
function faultDriver() {
  const random = seeded(20261207);
  const faults = [
    ['answer-lost', {}],
    ['answer-late', { delayMs: 3 * TIMEOUT_MS }],
    ['answer-late', { delayMs: 30 }],
    ['unavailable', {}],
    ['reset', {}],
  ];
  let injected = 0;
  const timer = setInterval(() => {
    const wanted = Math.floor(gateway.state.requests().length * FAULT_SHARE);
    // A few at a time: a queued fault waits for a request on its path.
    while (injected < wanted && gateway.state.pendingFaults() < 3) {
      const [fault, options] = faults[Math.floor(random() * faults.length)];
      const path = random() < 0.5 ? CANCEL_PATH : QUERY_PATH;
      gateway.inject(fault, { ...options, path });
      injected += 1;
    }
  }, 20);
  return () => clearInterval(timer);
}

const terminal = async () => (await pool.query(`SELECT count(*)::int AS n FROM ${TABLE} WHERE outcome IS NOT NULL`)).rows[0].n;

test('1,000 holds, three sweeper processes, faults and a SIGKILL: every hold resolved once, by the rules', { timeout: 170_000 }, async (t) => {
  const client = new ChinaumsClient({ ...APP, baseUrl: gateway.url, msgSrcId: MSG_SRC_ID, timeoutMs: TIMEOUT_MS });
  const journal = new RecoveryJournal({ pool, client, table: TABLE, schedule: SCHEDULE });
  await Promise.all([journal.migrate(), journal.migrate()]);
  for (let i = 0; i < HOLDS; i += 50) {
    const created = await Promise.all(holds.slice(i, i + 50).map((h) => journal.enqueue(h.input)));
    assert.ok(created.every((c) => c.created));
  }
  assert.equal((await journal.enqueue(holds[0].input)).created, false, 'enqueue is idempotent per order');

  const log = join(logDir, 'requests.jsonl');
  const config = { connection: db.connection, table: TABLE, gatewayUrl: gateway.url, credentials: APP, msgSrcId: MSG_SRC_ID, timeoutMs: TIMEOUT_MS, schedule: SCHEDULE, sweep: SWEEP, log };
  const stopFaults = faultDriver();
  const sweepers = Array.from({ length: SWEEPERS }, () => spawnSweeper(config));

  // Another process of the merchant's captures some holds while the recovery runs: some well
  // before their recovery, some the moment it has sent its first query (racing its cancel).
  const captures = new Map();
  const early = holds.filter((h) => h.kind === 'capture');
  const late = holds.filter((h) => h.kind === 'capture-late');
  const capturing = Promise.all([
    (async () => {
      for (const [n, hold] of early.entries()) {
        await until(async () => (await terminal()) >= (n * HOLDS) / early.length / 2, 'progress before a capture', { withinMs: 120_000, everyMs: 20 });
        captures.set(hold.input.billNo, await capture(gateway.url, hold.input));
      }
    })(),
    (async () => {
      const waiting = new Map(late.map((h) => [h.input.merOrderId, h.input]));
      const started = [];
      await until(async () => {
        const { rows } = await pool.query(`SELECT mer_order_id FROM ${TABLE} WHERE mer_order_id = ANY($1) AND attempts > 0`, [[...waiting.keys()]]);
        for (const { mer_order_id: id } of rows) {
          const input = waiting.get(id);
          waiting.delete(id);
          started.push(capture(gateway.url, input).then((errCode) => captures.set(input.billNo, errCode)));
        }
        return waiting.size === 0;
      }, 'every late capture started', { withinMs: 120_000, everyMs: 2 });
      await Promise.all(started);
    })(),
  ]);

  // One sweeper is killed mid-run (in flight or not, whatever it was doing), then started again.
  await until(async () => (await terminal()) >= HOLDS / 4, 'a quarter of the holds resolved', { withinMs: 120_000 });
  sweepers[0].child.kill('SIGKILL');
  const killed = await sweepers[0].done;
  assert.equal(killed.signal, 'SIGKILL');
  sweepers.push(spawnSweeper(config));

  await capturing;
  await until(async () => (await terminal()) === HOLDS, 'every hold terminal', { withinMs: 150_000, everyMs: 200 });
  stopFaults();
  const exits = await Promise.all(sweepers.slice(1).map((s) => s.done));
  for (const exit of exits) assert.equal(exit.code, 0, exit.output);

  // Nothing lost: one row per hold, each done.
  const { rows } = await pool.query(`SELECT mer_order_id, outcome, state FROM ${TABLE}`);
  assert.equal(rows.length, HOLDS);
  const outcomes = new Map(rows.map((r) => [r.mer_order_id, r.outcome]));
  const records = gateway.state.requests();
  assert.ok(records.length < 10_000, 'the emulator kept every request record');
  assert.ok(records.some((r) => r.fault !== null), 'faults were met');

  let closed = 0;
  let raced = 0;
  for (const { kind, input } of holds) {
    const outcome = outcomes.get(input.merOrderId);
    const bill = gateway.state.bill(input.billNo, input.billDate);
    const where = `${kind} hold ${input.billNo}: outcome ${outcome}, billStatus ${bill?.billStatus}`;
    if (kind === 'missing') {
      assert.equal(outcome, 'not-frozen', where);
      continue;
    }
    if (kind === 'ordinary') {
      assert.equal(outcome, 'not-frozen', where);
      assert.equal(bill.billStatus, 'PAID', where);
      continue;
    }
    const captured = captures.get(input.billNo) === 'SUCCESS';
    if (captured) {
      // Captured first: never cancelled.
      assert.equal(outcome, 'captured', where);
      assert.equal(bill.billStatus, 'PAID', where);
      assert.equal(bill.captures.filter((c) => c.status === 'TRADE_SUCCESS').length, 1, where);
      continue;
    }
    if (kind.startsWith('capture')) {
      // The documented race: our cancel came first, and the capture was refused.
      assert.equal(captures.get(input.billNo), 'OPERATION_NOT_ALLOWED', where);
      raced += 1;
    }
    assert.ok(outcome === 'cancelled' || outcome === 'already-cancelled', where);
    assert.equal(bill.billStatus, 'CLOSED', where);
    assert.equal(bill.billPayment.status, 'TRADE_CLOSED', where);
    closed += 1;
  }
  assert.equal(captures.size, early.length + late.length);
  assert.ok(closed >= holds.filter((h) => h.kind === 'frozen').length);
  // A voided hold has at least one applied cancel, and a second cannot apply: so exactly one each.
  const applied = records.filter((r) => r.path === CANCEL_PATH && r.applied).length;
  assert.equal(applied, closed, 'one applied cancel per voided hold');

  // Per hold, from the sweepers' own log (every process, the killed one included).
  const lines = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  const byHold = new Map();
  for (const line of lines.sort((a, b) => a.t - b.t)) {
    if (!byHold.has(line.billNo)) byHold.set(line.billNo, []);
    byHold.get(line.billNo).push(line);
  }
  assert.equal(byHold.size, HOLDS, 'every hold was queried');
  for (const [billNo, events] of byHold) {
    let last = null;
    let over = false;
    for (const event of events) {
      if (event.phase === 'send') {
        assert.equal(over, false, `${billNo}: a request after a query showed the hold voided or captured`);
        if (event.path === CANCEL_PATH) assert.notEqual(last, CANCEL_PATH, `${billNo}: two cancels without a query between them`);
        last = event.path;
      } else if (event.path === QUERY_PATH && event.status === 200 && (event.billStatus === 'CLOSED' || event.captured)) {
        over = true;
      }
    }
    assert.equal(events[0].path, QUERY_PATH, `${billNo}: the first request is a query`);
  }
  const count = (list) => Object.entries(list.reduce((acc, key) => ({ ...acc, [key]: (acc[key] ?? 0) + 1 }), {})).map(([k, n]) => `${k} ${n}`).join(', ');
  t.diagnostic(`outcomes: ${count([...outcomes.values()])}; captured first ${[...captures.values()].filter((c) => c === 'SUCCESS').length}, raced ${raced}`);
  t.diagnostic(`requests ${records.length}; faults met: ${count(records.filter((r) => r.fault).map((r) => r.fault))}; cancels reached ${records.filter((r) => r.path === CANCEL_PATH).length}, applied ${applied}`);
  t.diagnostic(`sweepers: ${exits.map((e) => e.totals?.claimed).join(', ')} claims (the killed one not counted)`);
  client.free();
});

// The Durable Object (chinaums-open/durable-object) in real workerd, with its SQLite storage on
// a local disk kept across restarts, the gateway emulator over HTTP on 127.0.0.1, and an outcome
// receiver (the Worker's PREAUTH_OUTCOME service binding). The Worker is
// examples/durable-object/worker.mjs, bundled as wrangler would; workerd is killed with SIGKILL
// and started again on the same storage:
// * killed during a retry wait, it resumes from its alarm after the restart (no request asks it
//   to) and resolves the hold;
// * killed with a cancel in flight (applied by the platform, the answer not yet back), the
//   watchdog alarm resumes it after the restart: a query, never a second cancel;
// * two overlapping recover requests for one order send one query and one cancel, and a status
//   request is answered while a step is in flight;
// * the outcome is delivered at least once, with one idempotency key, until acknowledged;
// * a bad input is refused before anything is sent; the key never reaches storage or logs.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startGateway } from 'chinaums-open-gateway';
import { startOutcomeReceiver, startRecoveryWorker } from '../../examples/durable-object/workerd.mjs';
import { APP, CANCEL_PATH, MSG_SRC_ID, QUERY_PATH, makeHolds, until } from './support.mjs';

const TIMEOUT_MS = 1_500;
/** Waits of 1.25 to 2.5 s (the object's jitter is Math.random): time to kill workerd in one. */
const SCHEDULE = { baseDelayMs: 2_500, maxDelayMs: 2_500, deadlineMs: 120_000 };
const { holds, fixtures } = makeHolds(10, () => 'frozen', 'W');
let nextHold = 0;
const freshHold = () => holds[nextHold++].input;

let gateway;
let receiver;
let worker;
before(async () => {
  gateway = await startGateway({ credentials: [{ ...APP, msgSrcId: MSG_SRC_ID }], fixtures });
  receiver = await startOutcomeReceiver();
  worker = await startRecoveryWorker({ credentials: APP, baseUrl: gateway.url, msgSrcId: MSG_SRC_ID, timeoutMs: TIMEOUT_MS, schedule: SCHEDULE, outcomeAddress: receiver.address });
});
after(async () => {
  await worker?.stop();
  await receiver?.close();
  await gateway?.close();
});

async function call(method, path, body) {
  const response = await fetch(`${worker.url}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: response.status, body: await response.json() };
}
const recover = (input) => call('POST', '/recover', input);
const status = (merOrderId) => call('GET', `/status?merOrderId=${merOrderId}`);

/** The requests the emulator saw since `since`, for the test's one bill at a time. */
const seen = (since) =>
  gateway.state
    .requests()
    .slice(since)
    .map((r) => ({ step: r.path === CANCEL_PATH ? 'cancel' : r.path === QUERY_PATH ? 'query' : r.path, status: r.status, applied: r.applied, at: r.at }));
const steps = (since) => seen(since).map((r) => `${r.step} ${r.status ?? 'no answer'}${r.applied ? ' applied' : ''}`);
const deliveriesOf = (input) => receiver.deliveries.filter((d) => d.message?.merOrderId === input.merOrderId);

test('killed with SIGKILL during a retry wait: after the restart its alarm resumes it and the hold is cancelled', async () => {
  const input = freshHold();
  const since = gateway.state.requests().length;
  gateway.inject('unavailable', { path: CANCEL_PATH });
  const started = await recover(input);
  assert.equal(started.status, 200, JSON.stringify(started.body));
  assert.deepEqual([started.body.state, started.body.attempts], ['pending', 2]);
  assert.ok(started.body.nextAttemptAt > Date.now(), 'waiting for its retry');
  await worker.kill();
  assert.deepEqual(steps(since), ['query 200', 'cancel 503'], 'killed during the wait, before the retry');
  const restartedAt = Date.now();
  await worker.start();
  // Nothing asks the Worker anything: the alarm, kept in its storage, runs the retry.
  await until(() => deliveriesOf(input).length > 0, 'the outcome delivered', { withinMs: 30_000 });
  assert.deepEqual(steps(since), ['query 200', 'cancel 503', 'query 200', 'cancel 200 applied']);
  assert.ok(seen(since)[2].at >= restartedAt, 'the retry ran after the restart');
  const [delivery] = deliveriesOf(input);
  assert.equal(delivery.idempotencyKey, `chinaums-preauth-recovery:${input.merOrderId}`);
  assert.deepEqual([delivery.message.outcome, delivery.message.attempts, delivery.message.bill.billStatus], ['cancelled', 4, 'CLOSED']);
  const after = await status(input.merOrderId);
  assert.deepEqual([after.body.state, after.body.outcome, after.body.delivered], ['done', 'cancelled', true]);
  assert.equal(gateway.state.bill(input.billNo, input.billDate).billStatus, 'CLOSED');
});

test('killed with the cancel in flight (applied, its answer not back): after the restart a query, never a second cancel', async () => {
  const input = freshHold();
  const since = gateway.state.requests().length;
  gateway.inject('answer-late', { path: CANCEL_PATH, delayMs: 60_000 });
  const abandoned = recover(input).catch(() => null);
  await until(() => seen(since).some((r) => r.step === 'cancel' && r.applied), 'the cancel applied', { everyMs: 5 });
  await worker.kill();
  await abandoned;
  await worker.start();
  await until(() => deliveriesOf(input).length > 0, 'the outcome delivered', { withinMs: 30_000 });
  assert.deepEqual(steps(since), ['query 200', 'cancel no answer applied', 'query 200']);
  assert.equal(deliveriesOf(input)[0].message.outcome, 'already-cancelled');
  assert.equal((await status(input.merOrderId)).body.attempts, 3);
});

test('two overlapping recover requests for one order send one query and one cancel; status answers meanwhile', async () => {
  const input = freshHold();
  const since = gateway.state.requests().length;
  // The query's answer takes 800 ms: the second request arrives while the first awaits it.
  gateway.inject('answer-late', { path: QUERY_PATH, delayMs: 800 });
  const first = recover(input);
  await until(() => seen(since).length > 0, 'the first query sent', { everyMs: 5 });
  const second = recover(input);
  const during = await status(input.merOrderId);
  assert.deepEqual([during.body.state, during.body.attempts], ['in-flight', 1], 'a status request is not held behind the step');
  const [a, b] = await Promise.all([first, second]);
  assert.deepEqual([a.body.outcome, b.body.outcome], ['cancelled', 'cancelled']);
  assert.deepEqual(steps(since), ['query 200', 'cancel 200 applied']);
  await until(() => deliveriesOf(input).length > 0, 'the outcome delivered');
  assert.equal(deliveriesOf(input).length, 1);
});

test('the outcome is delivered at least once, with one idempotency key, until the receiver acknowledges it', async () => {
  const input = freshHold();
  receiver.setAnswer((delivery) => (delivery.message?.merOrderId === input.merOrderId && deliveriesOf(input).length === 0 ? 500 : 200));
  try {
    const done = await recover(input);
    assert.deepEqual([done.body.outcome, done.body.delivered, done.body.deliveries, done.body.deliveryError], ['cancelled', false, 1, 'the outcome receiver answered HTTP 500']);
    await until(() => deliveriesOf(input).length === 2, 'the delivery retried', { withinMs: 30_000 });
  } finally {
    receiver.setAnswer(() => 200);
  }
  const keys = new Set(deliveriesOf(input).map((d) => d.idempotencyKey));
  assert.deepEqual([...keys], [`chinaums-preauth-recovery:${input.merOrderId}`]);
  const after = await until(async () => {
    const now = await status(input.merOrderId);
    return now.body.delivered ? now : null;
  }, 'delivered recorded');
  assert.deepEqual([after.body.deliveries, after.body.deliveryError], [2, null]);
});

test('a bad input is refused before anything is sent, with its code and field', async () => {
  const since = gateway.state.requests().length;
  const refused = await recover({ ...holds[9].input, authIdRespCd: undefined });
  assert.equal(refused.status, 400);
  assert.deepEqual([refused.body.error.code, refused.body.error.field], ['ERR_FIELD_REQUIRED', 'authIdRespCd']);
  assert.equal(gateway.state.requests().length, since);
  assert.equal((await status(holds[9].input.merOrderId)).status, 404);
});

test('the appKey is in no stored file and no log line', () => {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(worker.storage);
  assert.ok(files.length > 0, 'the objects stored their state');
  for (const file of files) assert.equal(readFileSync(file).includes(APP.appKey), false, file);
  assert.equal(worker.output().includes(APP.appKey), false);
});

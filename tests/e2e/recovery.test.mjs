// ChinaumsClient.cancelPreauth against the emulator over real HTTP on 127.0.0.1, from Node and
// from a Worker in real workerd (the demo's Worker, POST /recover): every outcome, and every
// fault the recovery exists for, each with the exact number of cancels that reached the
// emulator and of those that changed the bill. The rules under test are the core's
// (src/recovery.rs); these tests check that the loop around them sends what they decide.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChinaumsClient, ChinaumsError, bills } from 'chinaums-open';
import { startGateway } from 'chinaums-open-gateway';
import { startFlowWorker } from '../../examples/worker/flow-worker.mjs';
import { APP, BILL_1, CANCEL_PATH, MSG_SRC_ID, PLAIN_BILL, QUERY_PATH } from './helpers.mjs';

/** Short delays, so that a recovery with retries takes milliseconds. */
const FAST = Object.freeze({ attempts: 6, baseDelayMs: 5, maxDelayMs: 20 });

/** Runs cancelPreauth in this process, with Node's fetch. */
async function recoverInNode({ gatewayUrl, input, timeoutMs, retry = FAST, jitter = 0.5, fetch }) {
  const client = new ChinaumsClient({ ...APP, baseUrl: gatewayUrl, msgSrcId: MSG_SRC_ID, timeoutMs, retry, random: () => jitter, ...(fetch ? { fetch } : {}) });
  try {
    return await client.cancelPreauth(input);
  } catch (error) {
    if (!(error instanceof ChinaumsError)) throw error;
    const { code, message, platformCode, attempts } = error;
    return { error: { code, message, platformCode, attempts } };
  } finally {
    client.free();
  }
}

let worker = null;
after(async () => (await worker?.catch(() => null))?.stop());

const HOSTS = [
  { name: 'Node', recover: recoverInNode },
  {
    name: 'workerd',
    async recover(request) {
      worker ??= startFlowWorker({ credentials: APP });
      const { fetch: _, ...sent } = request;
      return (await worker).recover({ msgSrcId: MSG_SRC_ID, retry: FAST, jitter: 0.5, ...sent });
    },
  },
];

/** A gateway on the real clock (the clients sign with theirs), closed after `fn`. */
async function withGateway(fn, options = {}) {
  const gateway = await startGateway({ credentials: [{ ...APP, msgSrcId: MSG_SRC_ID }], ...options });
  try {
    return await fn(gateway);
  } finally {
    await gateway.close();
  }
}

/** The cancels that reached the emulator: how many, and how many changed the bill. */
function cancels(gateway) {
  const seen = gateway.state.requests().filter((r) => r.path === CANCEL_PATH);
  return { reached: seen.length, applied: seen.filter((r) => r.applied).length };
}

const endpoints = (result) => result.attempts.map((a) => (a.endpoint === CANCEL_PATH ? 'cancel' : a.endpoint === QUERY_PATH ? 'query' : a.endpoint));

/** Captures the hold through the emulator's own API, as a second merchant process would. */
async function capture(gateway, bill) {
  const request = bills.preauthed.sign(
    { mid: bill.mid, tid: bill.tid, billNo: bill.billNo, billDate: bill.billDate, authedOrderId: `${MSG_SRC_ID}CAPTURE${Date.now()}`, authIdRespCd: bill.authIdRespCd, totalAmount: 1000 },
    { baseUrl: gateway.url, msgSrcId: MSG_SRC_ID, ...APP },
  );
  const response = await fetch(request.url, request);
  const answer = JSON.parse(await response.text());
  assert.equal(answer.errCode, 'SUCCESS', JSON.stringify(answer));
}

for (const host of HOSTS) {
  describe(`cancelPreauth from ${host.name}`, () => {
    test('a frozen hold is queried, then cancelled once', () =>
      withGateway(async (gateway) => {
        const result = await host.recover({ gatewayUrl: gateway.url, input: BILL_1 });
        assert.equal(result.outcome, 'cancelled', JSON.stringify(result));
        assert.deepEqual(endpoints(result), ['query', 'cancel']);
        assert.deepEqual(result.attempts.map((a) => [a.status, a.errCode, a.error]), [[200, 'SUCCESS', null], [200, 'SUCCESS', null]]);
        assert.ok(result.attempts.every((a) => typeof a.durationMs === 'number' && a.durationMs >= 0));
        assert.equal(result.bill.billStatus, 'CLOSED');
        assert.deepEqual(cancels(gateway), { reached: 1, applied: 1 });
        assert.equal(gateway.state.bill(BILL_1.billNo, BILL_1.billDate).billStatus, 'CLOSED');
      }));

    test('the answer lost after the cancel was applied: a query, never a second cancel (already-cancelled)', () =>
      withGateway(async (gateway) => {
        gateway.inject('answer-lost', { path: CANCEL_PATH });
        const result = await host.recover({ gatewayUrl: gateway.url, input: BILL_1 });
        assert.equal(result.outcome, 'already-cancelled', JSON.stringify(result));
        assert.deepEqual(endpoints(result), ['query', 'cancel', 'query']);
        const lost = result.attempts[1];
        assert.equal(lost.status, null);
        assert.match(lost.error, /may or may not have been applied/);
        assert.equal(result.bill.billStatus, 'CLOSED');
        assert.deepEqual(cancels(gateway), { reached: 1, applied: 1 });
      }));

    test('a 503 before the cancel was applied: a query shows the hold still frozen, then one more cancel', () =>
      withGateway(async (gateway) => {
        gateway.inject('unavailable', { path: CANCEL_PATH });
        const result = await host.recover({ gatewayUrl: gateway.url, input: BILL_1 });
        assert.equal(result.outcome, 'cancelled', JSON.stringify(result));
        assert.deepEqual(endpoints(result), ['query', 'cancel', 'query', 'cancel']);
        assert.equal(result.attempts[1].status, 503);
        assert.deepEqual(cancels(gateway), { reached: 2, applied: 1 });
      }));

    test('a connection reset before the cancel was applied: the same, one successful cancel', () =>
      withGateway(async (gateway) => {
        gateway.inject('reset', { path: CANCEL_PATH });
        const result = await host.recover({ gatewayUrl: gateway.url, input: BILL_1 });
        assert.equal(result.outcome, 'cancelled', JSON.stringify(result));
        assert.deepEqual(endpoints(result), ['query', 'cancel', 'query', 'cancel']);
        assert.equal(result.attempts[1].status, null);
        assert.deepEqual(cancels(gateway), { reached: 2, applied: 1 });
      }));

    test('a cancel applied but answered after timeoutMs: given up on, then a query (already-cancelled)', () =>
      withGateway(async (gateway) => {
        gateway.inject('answer-late', { path: CANCEL_PATH, delayMs: 3000 });
        const result = await host.recover({ gatewayUrl: gateway.url, input: BILL_1, timeoutMs: 300 });
        assert.equal(result.outcome, 'already-cancelled', JSON.stringify(result));
        assert.deepEqual(endpoints(result), ['query', 'cancel', 'query']);
        assert.match(result.attempts[1].error, /no answer within 300 ms/);
        assert.ok(result.attempts[1].durationMs < 3000, `gave up after ${result.attempts[1].durationMs} ms`);
        assert.deepEqual(cancels(gateway), { reached: 1, applied: 1 });
      }));

    test('a hold captured before: never cancelled', () =>
      withGateway(async (gateway) => {
        await capture(gateway, BILL_1);
        const result = await host.recover({ gatewayUrl: gateway.url, input: BILL_1 });
        assert.equal(result.outcome, 'captured', JSON.stringify(result));
        assert.deepEqual(endpoints(result), ['query']);
        assert.equal(result.bill.completeAmount, 1000);
        assert.deepEqual(cancels(gateway), { reached: 0, applied: 0 });
      }));

    test('a hold captured while the recovery waits to retry: the next query finds it, no cancel', () =>
      withGateway(async (gateway) => {
        gateway.inject('unavailable', { path: CANCEL_PATH });
        // Jitter 0.5 and a base of 1000 ms: the retry waits 750 ms after the 503.
        const running = host.recover({ gatewayUrl: gateway.url, input: BILL_1, retry: { attempts: 6, baseDelayMs: 1000, maxDelayMs: 1000 } });
        const deadline = Date.now() + 10_000;
        while (!gateway.state.requests().some((r) => r.path === CANCEL_PATH) && Date.now() < deadline) await sleep(5);
        await capture(gateway, BILL_1);
        const result = await running;
        assert.equal(result.outcome, 'captured', JSON.stringify(result));
        assert.deepEqual(endpoints(result), ['query', 'cancel', 'query']);
        assert.deepEqual(cancels(gateway), { reached: 1, applied: 0 });
      }));

    test('an ordinary payment and a bill that does not exist: not-frozen, nothing voided', () =>
      withGateway(async (gateway) => {
        const plain = await host.recover({ gatewayUrl: gateway.url, input: PLAIN_BILL });
        assert.equal(plain.outcome, 'not-frozen', JSON.stringify(plain));
        // A query cannot tell an ordinary payment from a hold; the refused cancel can, once.
        assert.deepEqual(endpoints(plain), ['query', 'cancel', 'query']);
        assert.equal(plain.attempts[1].errCode, 'OPERATION_NOT_ALLOWED');
        const missing = await host.recover({ gatewayUrl: gateway.url, input: { ...BILL_1, billNo: `${MSG_SRC_ID}NOSUCHBILL0001` } });
        assert.equal(missing.outcome, 'not-frozen', JSON.stringify(missing));
        assert.deepEqual(endpoints(missing), ['query']);
        assert.equal(missing.attempts[0].errCode, 'NO_BILL');
        assert.deepEqual(cancels(gateway), { reached: 1, applied: 0 });
        assert.equal(gateway.state.bill(PLAIN_BILL.billNo, PLAIN_BILL.billDate).billStatus, 'PAID');
      }));

    test('a platform that never answers clearly: unknown once the attempts are spent, and no cancel', () =>
      withGateway(async (gateway) => {
        gateway.inject('unavailable', { path: QUERY_PATH, times: 10 });
        const result = await host.recover({ gatewayUrl: gateway.url, input: BILL_1, retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 10 } });
        assert.equal(result.outcome, 'unknown', JSON.stringify(result));
        assert.deepEqual(endpoints(result), ['query', 'query', 'query']);
        assert.equal(result.bill, null);
        assert.deepEqual(cancels(gateway), { reached: 0, applied: 0 });
        assert.equal(gateway.state.bill(BILL_1.billNo, BILL_1.billDate).billStatus, 'PAID', 'the hold still stands');
      }));

    test('a request the platform refuses as wrong (authIdRespCd): rejected with its code, the attempts attached', () =>
      withGateway(async (gateway) => {
        const result = await host.recover({ gatewayUrl: gateway.url, input: { ...BILL_1, authIdRespCd: '999999' } });
        assert.equal(result.error?.code, 'ERR_PLATFORM', JSON.stringify(result));
        assert.equal(result.error.platformCode, 'INVALID_ORDER');
        assert.deepEqual(result.error.attempts.map((a) => a.errCode), ['SUCCESS', 'INVALID_ORDER']);
        assert.deepEqual(cancels(gateway), { reached: 1, applied: 0 });
      }));

    test('run twice for one hold: the second run only queries (never two cancels of a closed hold)', () =>
      withGateway(async (gateway) => {
        const first = await host.recover({ gatewayUrl: gateway.url, input: BILL_1 });
        const second = await host.recover({ gatewayUrl: gateway.url, input: BILL_1 });
        assert.deepEqual([first.outcome, second.outcome], ['cancelled', 'already-cancelled']);
        assert.deepEqual(endpoints(second), ['query']);
        assert.deepEqual(cancels(gateway), { reached: 1, applied: 1 });
      }));
  });
}

test('Node: a cancel refused because the hold was captured between the query and the cancel', () =>
  withGateway(async (gateway) => {
    let queries = 0;
    // The host's fetch, which captures the hold right after the first query's answer arrives.
    const fetchThenCapture = async (url, init) => {
      const response = await fetch(url, init);
      if (url.endsWith(QUERY_PATH) && (queries += 1) === 1) {
        const text = await response.text();
        await capture(gateway, BILL_1);
        return new Response(text, { status: response.status, headers: response.headers });
      }
      return response;
    };
    const result = await recoverInNode({ gatewayUrl: gateway.url, input: BILL_1, fetch: fetchThenCapture });
    assert.equal(result.outcome, 'captured', JSON.stringify(result));
    assert.deepEqual(endpoints(result), ['query', 'cancel', 'query']);
    assert.equal(result.attempts[1].errCode, 'OPERATION_NOT_ALLOWED');
    assert.deepEqual(cancels(gateway), { reached: 1, applied: 0 });
  }));

test('Node: a bad input is refused before anything is sent', () =>
  withGateway(async (gateway) => {
    const result = await recoverInNode({ gatewayUrl: gateway.url, input: { ...BILL_1, merOrderId: undefined } });
    assert.equal(result.error?.code, 'ERR_FIELD_REQUIRED');
    assert.deepEqual(result.error.attempts, []);
    assert.equal(gateway.state.requests().length, 0);
  }));

// ChinaumsClient's operations (client.bills.<op>) and hooks over real HTTP on 127.0.0.1, against
// the emulator: every operation resolves with its parsed response when the platform answers
// SUCCESS; a business refusal rejects with ERR_PLATFORM carrying the platform's code, its whole
// message, the HTTP status, the parsed response and the request sent (Signature redacted); a
// 401 or 5xx that is not JSON rejects with ERR_PLATFORM too; no answer rejects with ERR_NETWORK.
// The onRequest/onResponse hooks see each exchange (operation, path, attempt, status, errCode,
// duration; with includeBodies the body and the string to sign), never the key or a Signature.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { ChinaumsClient, ChinaumsError, beijingTime, bills, explainSignature } from 'chinaums-open';
import { startGateway } from 'chinaums-open-gateway';
import { APP, BILL_1, MSG_SRC_ID } from './helpers.mjs';

const { mid, tid } = BILL_1;
/** BILL_1 as bills/query names it. */
const QUERY_1 = Object.freeze({ mid, tid, billNo: BILL_1.billNo, billDate: BILL_1.billDate });
const today = beijingTime(Date.now());
let serial = 0;
/** A bill the merchant has not created yet (the emulator runs on the real clock here). */
const newBill = () => ({ mid, tid, billNo: `${MSG_SRC_ID}${today.compact}${String((serial += 1)).padStart(4, '0')}`, billDate: today.date });
const REDACTED = /^OPEN-BODY-SIG AppId="[^"]+", Timestamp="\d{14}", Nonce="[0-9a-f]{32}", Signature="<redacted>"$/;
const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * A client on a fresh emulator, recording what it sends for real (`wire`: the url, the whole
 * Authorization, the body, through its fetch) and every hook event (`events`).
 */
async function withClient(fn, { client: options = {}, gateway: gatewayOptions = {} } = {}) {
  const gateway = await startGateway({ credentials: [{ ...APP, msgSrcId: MSG_SRC_ID }], ...gatewayOptions });
  const wire = [];
  const events = [];
  const client = new ChinaumsClient({
    ...APP,
    baseUrl: gateway.url,
    msgSrcId: MSG_SRC_ID,
    fetch: (url, init) => {
      wire.push({ url, authorization: init.headers.Authorization, body: init.body });
      return fetch(url, init);
    },
    onRequest: (event) => events.push({ hook: 'onRequest', ...event }),
    onResponse: (event) => events.push({ hook: 'onResponse', ...event }),
    ...options,
  });
  try {
    return await fn({ gateway, client, wire, events });
  } finally {
    client.free();
    await gateway.close();
  }
}

/** The real Signatures sent: none of them may appear in anything shown to hooks or errors. */
const signaturesOf = (wire) => wire.map((w) => /Signature="([^"]+)"/.exec(w.authorization)[1]);

/** Neither the appKey nor any Signature sent appears in `shown` (JSON or text). */
function assertNoSecret(shown, wire, appKey = APP.appKey) {
  const text = typeof shown === 'string' ? shown : JSON.stringify(shown);
  assert.ok(!text.includes(appKey), `the appKey appears in ${text}`);
  for (const signature of signaturesOf(wire)) assert.ok(!text.includes(signature), `the Signature ${signature} appears in ${text}`);
}

/** The ERR_PLATFORM (or other) rejection of `promise`, checked to be a ChinaumsError. */
async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ChinaumsError, String(error));
    return error;
  }
  assert.fail('expected a rejection');
}

describe('client.bills.<operation> against the emulator', () => {
  test('each of the seven operations resolves with its parsed, typed response on SUCCESS', () =>
    withClient(
      async ({ gateway, client, events }) => {
        const answers = {};
        /** Calls an operation, keeping its response and the text it was read from. */
        const call = async (operation, input) => {
          const response = await client.bills[operation](input);
          answers[operation] = { response, text: events.at(-1).body };
          assert.equal(events.at(-1).operation, operation);
          return response;
        };

        // A preauthorization: created, frozen, queried, captured, the capture reversed, voided.
        const held = newBill();
        const created = await call('getQrcode', { ...held, totalAmount: 2100, preauthTransaction: 'true' });
        assert.equal(created.ok, true);
        assert.equal(created.errCode, 'SUCCESS');
        assert.equal(typeof created.qrCodeId, 'string');
        assert.equal(created.billQRCode, `${gateway.url}/cashier/qrcode?qrCodeId=${created.qrCodeId}`);
        const frozen = await gateway.pay(held);
        const queried = await call('query', held);
        assert.equal(queried.billStatus, 'PAID');
        assert.equal(queried.billPayment.merOrderId, frozen.merOrderId);
        assert.equal(queried.billPayment.totalAmount, 2100, 'amounts in integer fen');
        const authedOrderId = `${MSG_SRC_ID}A${today.compact}`;
        const captured = await call('preauthed', { ...held, authedOrderId, authIdRespCd: frozen.authIdRespCd, totalAmount: 1500 });
        assert.equal(captured.completeAmount, 1500);
        const reversed = await call('preauthedCancel', { mid, tid, merOrderId: authedOrderId });
        assert.equal(reversed.billPayment.status, 'TRADE_CLOSED');
        const voided = await call('preauthCancel', { ...held, merOrderId: frozen.merOrderId, authIdRespCd: frozen.authIdRespCd });
        assert.equal(voided.billStatus, 'CLOSED');
        assert.equal(voided.billPayment.status, 'TRADE_CLOSED');

        // An unpaid bill closed; a paid ordinary bill refunded.
        const unpaid = newBill();
        const second = await client.bills.getQrcode({ ...unpaid, totalAmount: 300 });
        const closed = await call('closeQrcode', { mid, tid, qrCodeId: second.qrCodeId });
        assert.equal(closed.billStatus, 'CLOSED');
        const plain = newBill();
        await client.bills.getQrcode({ ...plain, totalAmount: 1000 });
        await gateway.pay(plain);
        const refunded = await call('refund', { ...plain, refundAmount: 400, refundOrderId: `${MSG_SRC_ID}R${today.compact}` });
        assert.equal(refunded.refundStatus, 'SUCCESS');
        assert.equal(refunded.refundAmount, 400);

        assert.deepEqual(Object.keys(answers).sort(), Object.keys(bills).sort(), 'every operation was called');
        // Each response is exactly what the operation's parser reads from the text received.
        for (const [operation, { response, text }] of Object.entries(answers)) {
          assert.deepEqual(response, bills[operation].parseResponse(text), operation);
        }
        assert.ok(events.filter((e) => e.hook === 'onResponse').every((e) => e.status === 200 && e.errCode === 'SUCCESS'));
      },
      { client: { includeBodies: true } },
    ));

  test('a business refusal rejects with ERR_PLATFORM: the code, the whole message, the status, the response and the redacted request', () =>
    withClient(async ({ gateway, client, wire }) => {
      const input = { ...BILL_1, authIdRespCd: '999999' };
      const error = await rejection(client.bills.preauthCancel(input));
      assert.equal(error.code, 'ERR_PLATFORM');
      assert.equal(error.platformCode, 'INVALID_ORDER');
      assert.equal(error.status, 200);
      assert.equal(error.response.ok, false);
      assert.equal(error.response.errCode, 'INVALID_ORDER');
      assert.equal(error.platformMessage, error.response.errMsg);
      assert.match(error.platformMessage, /authIdRespCd does not match the preauthorization of 31942025010203040500010$/);
      assert.ok(error.message.includes(error.platformMessage), error.message);
      assert.equal(error.field, null);
      assert.equal(error.request.url, `${gateway.url}${bills.preauthCancel.path}`);
      assert.equal(error.request.body, wire[0].body);
      assert.match(error.request.headers.Authorization, REDACTED);
      assert.equal(error.request.headers.Authorization.replace('<redacted>', signaturesOf(wire)[0]), wire[0].authorization);
      for (const shown of [JSON.stringify(error), inspect(error, { depth: 10, showHidden: true }), error.message, error.stack]) assertNoSecret(shown, wire);
      assert.equal(gateway.state.bill(BILL_1.billNo, BILL_1.billDate).billStatus, 'PAID', 'nothing changed');
    }));

  test('BAD_SIGN (a wrong key): ERR_PLATFORM with status 401 and the whole message, not cut short', () =>
    withClient(
      async ({ gateway, client, wire }) => {
        const error = await rejection(client.bills.query(QUERY_1));
        assert.equal(error.code, 'ERR_PLATFORM');
        assert.equal(error.platformCode, 'BAD_SIGN');
        assert.equal(error.status, 401);
        const [record] = gateway.state.requests();
        assert.equal(record.errCode, 'BAD_SIGN');
        // The emulator's message is long; the platform's code and message come through whole.
        assert.match(error.platformMessage, /^认证失败 \(authentication failed\): /);
        assert.ok(error.platformMessage.length > 80, error.platformMessage);
        assert.equal(error.platformMessage, error.response.errMsg);
        assert.match(error.request.headers.Authorization, REDACTED);
        assertNoSecret(JSON.stringify(error) + error.message, wire, 'another0fictional0key0for0tests2');
      },
      { client: { appKey: 'another0fictional0key0for0tests2' } },
    ));

  for (const [what, fault, status] of [
    ['a 401 page that is not JSON', 'non-json-401', 401],
    ['a 503 page that is not JSON', 'unavailable', 503],
  ]) {
    test(`${what} rejects with ERR_PLATFORM, its status and the start of the body; nothing is applied`, () =>
      withClient(async ({ gateway, client, wire }) => {
        gateway.inject(fault, { path: bills.preauthCancel.path });
        const error = await rejection(client.bills.preauthCancel(BILL_1));
        assert.equal(error.code, 'ERR_PLATFORM');
        assert.equal(error.status, status);
        assert.equal(error.platformCode, null);
        assert.equal(error.response, null);
        assert.match(error.platformMessage, new RegExp(`^<html><head><title>${status} `));
        assert.ok(error.message.includes(`HTTP ${status}`), error.message);
        assert.match(error.request.headers.Authorization, REDACTED);
        assertNoSecret(JSON.stringify(error), wire);
        assert.equal(gateway.state.bill(BILL_1.billNo, BILL_1.billDate).billStatus, 'PAID');
      }));
  }

  test('a JSON 503 with a platform code rejects with that code and message', () =>
    withClient(async ({ gateway, client }) => {
      gateway.inject({ status: 503, body: { errCode: 'SYSTEM_BUSY', errMsg: '系统繁忙，请稍后再试 (system busy, try again later)' } }, { path: bills.query.path });
      const error = await rejection(client.bills.query(QUERY_1));
      assert.deepEqual(
        { code: error.code, platformCode: error.platformCode, platformMessage: error.platformMessage, status: error.status, errCode: error.response?.errCode },
        { code: 'ERR_PLATFORM', platformCode: 'SYSTEM_BUSY', platformMessage: '系统繁忙，请稍后再试 (system busy, try again later)', status: 503, errCode: 'SYSTEM_BUSY' },
      );
      // Answered again as usual once the fault is used up.
      assert.equal((await client.bills.query(QUERY_1)).billStatus, 'PAID');
    }));

  test('no answer rejects with ERR_NETWORK: a refused connection, a dropped one, a request timeout', async () => {
    // A free port with nothing listening: the connection is refused.
    const probe = createServer();
    await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = probe.address().port;
    await new Promise((resolve) => probe.close(resolve));
    const nobody = new ChinaumsClient({ ...APP, baseUrl: `http://127.0.0.1:${port}`, msgSrcId: MSG_SRC_ID });
    try {
      const refused = await rejection(nobody.bills.query(QUERY_1));
      assert.equal(refused.code, 'ERR_NETWORK');
      assert.match(refused.message, /may or may not have been applied/);
      assert.ok(refused.cause instanceof Error);
      assert.equal(refused.request.url, `http://127.0.0.1:${port}${bills.query.path}`);
      assert.match(refused.request.headers.Authorization, REDACTED);
      assert.equal(refused.platformCode, null);
      assert.ok(!JSON.stringify(refused).includes(APP.appKey));
    } finally {
      nobody.free();
    }

    await withClient(async ({ gateway, client }) => {
      gateway.inject('reset', { path: bills.preauthCancel.path });
      const reset = await rejection(client.bills.preauthCancel(BILL_1));
      assert.equal(reset.code, 'ERR_NETWORK');
      assert.equal(gateway.state.bill(BILL_1.billNo, BILL_1.billDate).billStatus, 'PAID', 'dropped before it was applied');

      gateway.inject('answer-late', { path: bills.preauthCancel.path, delayMs: 5_000 });
      const late = await rejection(client.bills.preauthCancel(BILL_1, { timeoutMs: 200 }));
      assert.equal(late.code, 'ERR_NETWORK');
      assert.match(late.message, /no answer within 200 ms/);
      // The request's own timeout, not the client's: and it may have been applied, as here.
      assert.equal(gateway.state.bill(BILL_1.billNo, BILL_1.billDate).billStatus, 'CLOSED');
    });
  });

  test('a bad input rejects before anything is sent, with the table issue', () =>
    withClient(async ({ gateway, client, events }) => {
      const error = await rejection(client.bills.getQrcode({ ...newBill(), totalAmount: '21.00' }));
      assert.equal(error.code, 'ERR_FIELD_FORMAT');
      assert.equal(error.field, 'totalAmount');
      await assert.rejects(client.bills.closeQrcode({ mid, tid }), { code: 'ERR_FIELD_REQUIRED' });
      assert.deepEqual(gateway.state.requests(), []);
      assert.deepEqual(events, []);
    }));
});

describe('onRequest and onResponse', () => {
  test('each exchange is told: operation, path, attempt, url, redacted headers; status, errCode, duration; no bodies unless asked', () =>
    withClient(async ({ gateway, client, wire, events }) => {
      await client.bills.query(QUERY_1);
      await rejection(client.bills.preauthCancel({ ...BILL_1, authIdRespCd: '999999' }));
      const other = await client.request('/v1/netpay/refund-query', { mid, tid });
      assert.equal(other.status, 404);

      assert.deepEqual(
        events.map(({ hook, operation, path, attempt }) => [hook, operation, path, attempt]),
        [
          ['onRequest', 'query', bills.query.path, 1],
          ['onResponse', 'query', bills.query.path, 1],
          ['onRequest', 'preauthCancel', bills.preauthCancel.path, 1],
          ['onResponse', 'preauthCancel', bills.preauthCancel.path, 1],
          ['onRequest', null, '/v1/netpay/refund-query', 1],
          ['onResponse', null, '/v1/netpay/refund-query', 1],
        ],
      );
      const requests = events.filter((e) => e.hook === 'onRequest');
      const responses = events.filter((e) => e.hook === 'onResponse');
      requests.forEach((e, i) => {
        assert.deepEqual(Object.keys(e).sort(), ['attempt', 'headers', 'hook', 'method', 'operation', 'path', 'url']);
        assert.equal(e.method, 'POST');
        assert.equal(e.url, wire[i].url);
        assert.equal(e.url, `${gateway.url}${e.path}`);
        assert.equal(e.headers['Content-Type'], 'application/json');
        assert.match(e.headers.Authorization, REDACTED);
      });
      assert.deepEqual(
        responses.map(({ status, errCode }) => [status, errCode]),
        [
          [200, 'SUCCESS'],
          [200, 'INVALID_ORDER'],
          [404, 'NO_SERVICE'],
        ],
      );
      for (const e of responses) {
        assert.deepEqual(Object.keys(e).sort(), ['attempt', 'durationMs', 'errCode', 'hook', 'operation', 'path', 'status']);
        assert.ok(Number.isFinite(e.durationMs) && e.durationMs >= 0, String(e.durationMs));
      }
      assertNoSecret(events, wire);
    }));

  test('with includeBodies: the body sent, the string to sign (as explainSignature gives it), the text received; never the key or a Signature', () =>
    withClient(
      async ({ client, wire, events }) => {
        await client.bills.query(QUERY_1);
        await rejection(client.bills.preauthCancel({ ...BILL_1, srcReserve: '预授权撤销', authIdRespCd: '999999' }));
        const requests = events.filter((e) => e.hook === 'onRequest');
        const responses = events.filter((e) => e.hook === 'onResponse');
        assert.equal(requests.length, 2);
        requests.forEach((e, i) => {
          assert.equal(e.body, wire[i].body, 'the exact body sent');
          const explained = explainSignature({ body: wire[i].body, authorization: wire[i].authorization });
          assert.equal(e.stringToSign, explained.stringToSign);
          // And independently: appId + Timestamp + Nonce + hex SHA-256 of the body's UTF-8 bytes.
          const [, timestamp, nonce] = /Timestamp="(\d{14})", Nonce="([0-9a-f]{32})"/.exec(e.headers.Authorization);
          assert.equal(e.stringToSign, `${APP.appId}${timestamp}${nonce}${sha256(e.body)}`);
        });
        assert.equal(JSON.parse(responses[0].body).errCode, 'SUCCESS');
        assert.equal(JSON.parse(responses[1].body).errCode, 'INVALID_ORDER');
        assertNoSecret(events, wire);
      },
      { client: { includeBodies: true } },
    ));

  test('no answer is told too (status null, the error); a hook that throws changes nothing', () => {
    const told = [];
    return withClient(
      async ({ gateway, client }) => {
        gateway.inject('reset', { path: bills.query.path });
        await assert.rejects(client.bills.query(QUERY_1), { code: 'ERR_NETWORK' });
        assert.equal(told.length, 1);
        assert.equal(told[0].operation, 'query');
        assert.equal(told[0].status, null);
        assert.equal(told[0].errCode, null);
        assert.match(told[0].error, /may or may not have been applied/);
        // The hooks throw on every event: the next request goes through as if they did not.
        assert.equal((await client.bills.query(QUERY_1)).billStatus, 'PAID');
        assert.deepEqual(told.map((e) => [e.status, e.errCode]), [[null, null], [200, 'SUCCESS']]);
      },
      {
        client: {
          onRequest: () => {
            throw new Error('a broken onRequest hook');
          },
          onResponse: (event) => {
            told.push(event);
            throw new Error('a broken onResponse hook');
          },
        },
      },
    );
  });

  test('an async hook that rejects changes nothing and leaves no unhandled rejection', async () => {
    const unhandled = [];
    const onUnhandled = (reason) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let told = 0;
      await withClient(
        async ({ client }) => {
          assert.equal((await client.bills.query(QUERY_1)).billStatus, 'PAID');
          assert.equal(told, 2, 'both hooks ran');
        },
        {
          client: {
            onRequest: async () => {
              told += 1;
              throw new Error('a broken async onRequest hook');
            },
            onResponse: () => {
              told += 1;
              return Promise.reject(new Error('a broken onResponse hook'));
            },
          },
        },
      );
      // Unhandled rejections are reported after the microtask queue drains.
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('cancelPreauth tells each step with its attempt number', () =>
    withClient(
      async ({ gateway, client, wire, events }) => {
        gateway.inject('unavailable', { path: bills.preauthCancel.path });
        const result = await client.cancelPreauth(BILL_1);
        assert.equal(result.outcome, 'cancelled');
        assert.deepEqual(
          events.filter((e) => e.hook === 'onResponse').map(({ operation, attempt, status, errCode }) => [operation, attempt, status, errCode]),
          [
            ['query', 1, 200, 'SUCCESS'],
            ['preauthCancel', 2, 503, null],
            ['query', 3, 200, 'SUCCESS'],
            ['preauthCancel', 4, 200, 'SUCCESS'],
          ],
        );
        assertNoSecret(events, wire);
      },
      { client: { includeBodies: true, retry: { attempts: 6, baseDelayMs: 1, maxDelayMs: 2 } } },
    ));
});

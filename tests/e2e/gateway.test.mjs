// The gateway emulator over real HTTP on 127.0.0.1: the preauth flow with requests built and
// signed by the library, every rejection the issue lists, and token mode. Each case runs once
// per client in clients.mjs (Node's fetch, and workerd's fetch through a relay Worker).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { beijingTime, bills } from 'chinaums-open';
import { CLIENTS } from './clients.mjs';
import {
  APP,
  BILL_1,
  BILL_2,
  CANCEL_PATH,
  MSG_SRC_ID,
  OTHER_APP,
  PLAIN_BILL,
  QUERY_PATH,
  TOKEN_PATH,
  cancelBody,
  queryBody,
  withGateway,
} from './helpers.mjs';

/** The members of the platform's sample preauth-cancel response, in its order (the seed page). */
const SAMPLE_RESPONSE_KEYS = [
  'errCode', 'errMsg', 'responseTimestamp', 'mid', 'tid', 'billPayment', 'msgId', 'srcReserve',
  'billNo', 'billDate', 'instMid', 'billQRCode', 'billStatus', 'cardAttr',
];
const SAMPLE_PAYMENT_KEYS = [
  'merOrderId', 'billBizType', 'paySeqId', 'totalAmount', 'buyerPayAmount', 'invoiceAmount',
  'discountAmount', 'buyerId', 'buyerUsername', 'payDetail', 'payTime', 'settleDate', 'status',
  'targetOrderId', 'targetSys', 'activityIds',
];

const tokenVector = JSON.parse(readFileSync(new URL('../vectors/access-token.json', import.meta.url), 'utf8')).cases[0];

/** The bill is untouched: still a frozen preauthorization. */
function assertStillFrozen(gateway, bill = BILL_1) {
  const state = gateway.state.bill(bill.billNo, bill.billDate);
  assert.equal(state.billStatus, 'PAID');
  assert.equal(state.billPayment.status, 'TRADE_SUCCESS');
}

/** An authentication failure: 401 with the platform's errCode/errMsg shape and nothing else. */
function assertAuthFailure(answer, errCode, messagePattern) {
  assert.equal(answer.status, 401, answer.text);
  assert.deepEqual(Object.keys(answer.json), ['errCode', 'errMsg']);
  assert.equal(answer.json.errCode, errCode);
  assert.match(answer.json.errMsg, /^认证失败 \(authentication failed\): /);
  if (messagePattern) assert.match(answer.json.errMsg, messagePattern);
}

/** A business answer: HTTP 200 with this errCode. */
function assertBusiness(answer, errCode, messagePattern) {
  assert.equal(answer.status, 200, answer.text);
  assert.equal(answer.json.errCode, errCode, answer.text);
  if (messagePattern) assert.match(answer.json.errMsg, messagePattern);
}

/** Replaces the Signature value of an OPEN-BODY-SIG header. */
const withSignature = (authorization, signature) => authorization.replace(/Signature="[^"]*"/, `Signature="${signature}"`);

for (const clientSpec of CLIENTS) {
  const run = (fn, options) => withGateway(clientSpec, fn, options);

  describe(`gateway emulator via ${clientSpec.name}`, () => {
    describe('the preauth flow', () => {
      test('a library-built, library-signed cancel voids the hold, answers like the sample, and changes the state', () =>
        run(async ({ gateway, clock, post }) => {
          const before = await post(QUERY_PATH, queryBody());
          assertBusiness(before, 'SUCCESS');
          assert.equal(before.json.billStatus, 'PAID');
          assert.equal(before.json.billPayment.status, 'TRADE_SUCCESS');

          const signed = bills.preauthCancel.sign(
            { ...BILL_1, msgId: 'msg-42', srcReserve: '预授权撤销测试' },
            { baseUrl: gateway.url, msgSrcId: MSG_SRC_ID, now: clock.ms, ...APP, timestamp: beijingTime(clock.ms).compact, nonce: 'flow-nonce-1' },
          );
          assert.equal(signed.url, `${gateway.url}${CANCEL_PATH}`);
          const answer = await post(CANCEL_PATH, signed.body, { authorization: signed.headers.Authorization });

          assertBusiness(answer, 'SUCCESS');
          assert.deepEqual(Object.keys(answer.json), SAMPLE_RESPONSE_KEYS);
          assert.deepEqual(Object.keys(answer.json.billPayment), SAMPLE_PAYMENT_KEYS);
          assert.equal(answer.json.responseTimestamp, '2025-01-02 03:04:05');
          const parsed = bills.preauthCancel.parseResponse(answer.text);
          assert.equal(parsed.ok, true);
          assert.equal(parsed.billStatus, 'CLOSED');
          assert.equal(parsed.billPayment.status, 'TRADE_CLOSED');
          assert.equal(parsed.billPayment.merOrderId, BILL_1.merOrderId);
          assert.equal(parsed.billPayment.totalAmount, 2100);
          assert.equal(parsed.msgId, 'msg-42');
          assert.equal(parsed.srcReserve, '预授权撤销测试');
          assert.equal(parsed.billNo, BILL_1.billNo);

          const state = gateway.state.bill(BILL_1.billNo, BILL_1.billDate);
          assert.equal(state.billStatus, 'CLOSED');
          assert.equal(state.billPayment.status, 'TRADE_CLOSED');
          assertStillFrozen(gateway, BILL_2);

          const after = await post(QUERY_PATH, queryBody(BILL_1, { msgId: 'q-1' }));
          assertBusiness(after, 'SUCCESS');
          const query = bills.query.parseResponse(after.text);
          assert.equal(query.billStatus, 'CLOSED');
          assert.equal(query.billPayment.status, 'TRADE_CLOSED');
          assert.equal(query.totalAmount, 2100);
          assert.equal(query.msgId, 'q-1');
        }));

      test('a cancel without msgId and srcReserve echoes them as empty strings, like the sample', () =>
        run(async ({ post }) => {
          const answer = await post(CANCEL_PATH, cancelBody(BILL_2));
          assertBusiness(answer, 'SUCCESS');
          assert.equal(answer.json.msgId, '');
          assert.equal(answer.json.srcReserve, '');
          assert.equal(answer.json.billPayment.totalAmount, '5000');
        }));

      test('a second cancel of the same hold is OPERATION_NOT_ALLOWED and changes nothing', () =>
        run(async ({ gateway, post }) => {
          assertBusiness(await post(CANCEL_PATH, cancelBody()), 'SUCCESS');
          const again = await post(CANCEL_PATH, cancelBody(BILL_1, { msgId: 'second' }));
          assertBusiness(again, 'OPERATION_NOT_ALLOWED', /no longer frozen/);
          assert.equal(again.json.msgId, 'second');
          assert.equal(again.json.billStatus, undefined);
          assert.equal(gateway.state.bill(BILL_1.billNo, BILL_1.billDate).billStatus, 'CLOSED');
        }));

      test('an unknown bill is NO_BILL, for cancel and for query', () =>
        run(async ({ post }) => {
          const unknown = { ...BILL_1, billNo: '3194209912310000000001' };
          assertBusiness(await post(CANCEL_PATH, cancelBody(unknown)), 'NO_BILL');
          assertBusiness(await post(QUERY_PATH, queryBody(unknown)), 'NO_BILL');
          // The right number on another date, or for another terminal, is another bill.
          assertBusiness(await post(CANCEL_PATH, cancelBody({ ...BILL_1, billDate: '2025-01-03' })), 'NO_BILL');
          assertBusiness(await post(CANCEL_PATH, cancelBody({ ...BILL_1, tid: '88880002' })), 'NO_BILL');
        }));

      test('a known bill with another merOrderId is NO_ORDER', () =>
        run(async ({ gateway, post }) => {
          assertBusiness(await post(CANCEL_PATH, cancelBody({ ...BILL_1, merOrderId: '31942025010203040500099' })), 'NO_ORDER');
          assertStillFrozen(gateway);
        }));

      test('a wrong authIdRespCd is INVALID_ORDER and leaves the hold frozen', () =>
        run(async ({ gateway, post }) => {
          assertBusiness(await post(CANCEL_PATH, cancelBody({ ...BILL_1, authIdRespCd: '000999' })), 'INVALID_ORDER', /authIdRespCd/);
          assertStillFrozen(gateway);
        }));

      test('an ordinary payment has no hold to cancel: OPERATION_NOT_ALLOWED', () =>
        run(async ({ gateway, post }) => {
          assertBusiness(await post(CANCEL_PATH, cancelBody(PLAIN_BILL)), 'OPERATION_NOT_ALLOWED', /not a preauthorization/);
          assert.equal(gateway.state.bill(PLAIN_BILL.billNo, PLAIN_BILL.billDate).billStatus, 'PAID');
        }));

      test('fixtures add bills and can replace a default one', () =>
        run(
          async ({ gateway, post }) => {
            const closed = await post(CANCEL_PATH, cancelBody());
            assertBusiness(closed, 'OPERATION_NOT_ALLOWED');
            const extra = { mid: '898201612345679', tid: '88880009', billNo: '3194FIXTURE0001', billDate: '2024-02-29', merOrderId: '3194FIXTURE00010', authIdRespCd: '123456' };
            assertBusiness(await post(CANCEL_PATH, cancelBody(extra)), 'SUCCESS');
            assert.equal(gateway.state.bill(extra.billNo, extra.billDate).billStatus, 'CLOSED');
            assert.equal(gateway.state.bills().length, 4);
          },
          {
            gateway: {
              fixtures: [
                { ...BILL_1, totalAmount: 2100, billStatus: 'CLOSED', paymentStatus: 'TRADE_CLOSED' },
                { mid: '898201612345679', tid: '88880009', billNo: '3194FIXTURE0001', billDate: '2024-02-29', merOrderId: '3194FIXTURE00010', authIdRespCd: '123456', totalAmount: 99 },
              ],
            },
          },
        ));
    });

    describe('rejections: authentication (HTTP 401, state unchanged)', () => {
      test('a signature made with another key is BAD_SIGN', () =>
        run(async ({ gateway, post, sign }) => {
          const body = cancelBody();
          const forged = sign(body, { app: { appId: APP.appId, appKey: OTHER_APP.appKey } });
          assertAuthFailure(await post(CANCEL_PATH, body, { authorization: forged.authorization }), 'BAD_SIGN', /exact bytes/);
          assertStillFrozen(gateway);
        }));

      test('a body changed by one byte after signing is BAD_SIGN', () =>
        run(async ({ gateway, post, sign }) => {
          const body = cancelBody();
          const { authorization } = sign(body);
          const changed = body.replace('"000665"', '"000666"');
          assert.equal(changed.length, body.length);
          assertAuthFailure(await post(CANCEL_PATH, changed, { authorization }), 'BAD_SIGN');
          // Also a body re-serialized with different whitespace: the same JSON, other bytes.
          assertAuthFailure(await post(CANCEL_PATH, JSON.stringify(JSON.parse(body), null, 1), { authorization }), 'BAD_SIGN');
          assertStillFrozen(gateway);
        }));

      test('a signature with one character changed is BAD_SIGN', () =>
        run(async ({ post, sign }) => {
          const body = cancelBody();
          const { authorization, signature } = sign(body);
          const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
          assertAuthFailure(await post(CANCEL_PATH, body, { authorization: withSignature(authorization, flipped) }), 'BAD_SIGN');
          assertAuthFailure(await post(CANCEL_PATH, body, { authorization: withSignature(authorization, signature.slice(0, -1)) }), 'BAD_SIGN');
        }));

      test('an unknown appId is UNKNOWN_APPID', () =>
        run(async ({ gateway, post, sign }) => {
          const body = cancelBody();
          const stranger = sign(body, { app: { appId: 'ffffffffffffffffffffffffffffffff', appKey: APP.appKey } });
          assertAuthFailure(await post(CANCEL_PATH, body, { authorization: stranger.authorization }), 'UNKNOWN_APPID', /ffffffff/);
          assertStillFrozen(gateway);
        }));

      const malformedHeaders = [
        ['no Authorization header', () => null, /no Authorization header/],
        ['an empty header', () => '', /no Authorization header/],
        ['another scheme', (h) => h.replace('OPEN-BODY-SIG', 'Bearer'), /unknown scheme/],
        ['an unquoted value', (h) => h.replace(/Nonce="([^"]*)"/, 'Nonce=$1'), /double-quoted/],
        ['a duplicated parameter', (h) => `${h}, Nonce="again"`, /more than once/],
        ['a missing parameter', (h) => h.replace(/, Signature="[^"]*"/, ''), /missing Signature/],
        ['an unknown parameter', (h) => `${h}, Extra="1"`, /unknown parameter/],
        ['a timestamp that is not yyyyMMddHHmmss', (h) => h.replace(/Timestamp="\d+"/, 'Timestamp="2025-01-02 03:04:05"'), /Timestamp/],
        ['a timestamp that is not a real date', (h) => h.replace(/Timestamp="\d+"/, 'Timestamp="20250230030405"'), /Timestamp/],
        ['an unterminated value', (h) => h.slice(0, -1), /closing quote/],
        ['a trailing comma', (h) => `${h},`, /ends with a comma/],
        ['an empty Signature', (h) => withSignature(h, ''), /Signature is empty/],
        ['a nonce with a space', (h) => h.replace(/Nonce="[^"]*"/, 'Nonce="a b"'), /Nonce/],
      ];
      for (const [what, mangle, message] of malformedHeaders) {
        test(`a malformed header (${what}) is INVALID_AUTHORIZATION`, () =>
          run(async ({ gateway, post, sign }) => {
            const body = cancelBody();
            assertAuthFailure(await post(CANCEL_PATH, body, { authorization: mangle(sign(body).authorization) }), 'INVALID_AUTHORIZATION', message);
            assertStillFrozen(gateway);
          }));
      }

      test('the header grammar is lenient where clients differ: bare commas, any case of names and scheme', () =>
        run(async ({ post, sign }) => {
          const body = queryBody();
          const bare = sign(body).authorization.replaceAll('", ', '",');
          assertBusiness(await post(QUERY_PATH, body, { authorization: bare }), 'SUCCESS');
          const lower = sign(body)
            .authorization.replace('OPEN-BODY-SIG', 'open-body-sig')
            .replace(/(AppId|Timestamp|Nonce|Signature)=/g, (m) => m.toLowerCase());
          assertBusiness(await post(QUERY_PATH, body, { authorization: lower }), 'SUCCESS');
        }));

      for (const [direction, seconds] of [['behind', -301], ['ahead of', 301]]) {
        test(`a timestamp 301 s ${direction} the gateway's clock is ABNORMAL_REQUEST_TIME; 300 s is accepted`, () =>
          run(async ({ gateway, clock, post, sign }) => {
            const body = cancelBody();
            const outside = sign(body, { timestamp: beijingTime(clock.ms + seconds * 1000).compact });
            assertAuthFailure(
              await post(CANCEL_PATH, body, { authorization: outside.authorization }),
              'ABNORMAL_REQUEST_TIME',
              new RegExp(`301 s ${direction}`),
            );
            assertStillFrozen(gateway);
            const edge = sign(body, { timestamp: beijingTime(clock.ms + Math.sign(seconds) * 300_000).compact });
            assertBusiness(await post(CANCEL_PATH, body, { authorization: edge.authorization }), 'SUCCESS');
          }));
      }

      test('the window follows the injected clock', () =>
        run(async ({ clock, post, sign }) => {
          const body = queryBody();
          const signedNow = sign(body);
          clock.advance(301);
          assertAuthFailure(await post(QUERY_PATH, body, { authorization: signedNow.authorization }), 'ABNORMAL_REQUEST_TIME');
        }));

      test('a nonce reused by the same appId within the window is REPLAYED_NONCE, even for another body', () =>
        run(async ({ post, sign }) => {
          const body = queryBody();
          const { authorization } = sign(body, { nonce: 'once-only' });
          assertBusiness(await post(QUERY_PATH, body, { authorization }), 'SUCCESS');
          assertAuthFailure(await post(QUERY_PATH, body, { authorization }), 'REPLAYED_NONCE', /once-only/);
          const other = queryBody(BILL_2);
          assertAuthFailure(await post(QUERY_PATH, other, { authorization: sign(other, { nonce: 'once-only' }).authorization }), 'REPLAYED_NONCE');
        }));

      test('a replayed cancel is refused before it reaches the bill', () =>
        run(async ({ gateway, post, sign }) => {
          const body = cancelBody();
          const { authorization } = sign(body);
          assertBusiness(await post(CANCEL_PATH, body, { authorization }), 'SUCCESS');
          assertAuthFailure(await post(CANCEL_PATH, body, { authorization }), 'REPLAYED_NONCE');
          assert.equal(gateway.state.bill(BILL_1.billNo, BILL_1.billDate).billStatus, 'CLOSED');
        }));

      test('nonces are per appId, are not used up by failed signatures, and are forgotten after the window', () =>
        run(async ({ clock, post, sign }) => {
          const body = queryBody();
          const forged = withSignature(sign(body, { nonce: 'shared' }).authorization, 'A'.repeat(43) + '=');
          assertAuthFailure(await post(QUERY_PATH, body, { authorization: forged }), 'BAD_SIGN');
          assertBusiness(await post(QUERY_PATH, body, { authorization: sign(body, { nonce: 'shared' }).authorization }), 'SUCCESS');
          assertBusiness(await post(QUERY_PATH, body, { authorization: sign(body, { app: OTHER_APP, nonce: 'shared' }).authorization }), 'SUCCESS');
          clock.advance(601);
          assertBusiness(await post(QUERY_PATH, body, { authorization: sign(body, { nonce: 'shared' }).authorization }), 'SUCCESS');
        }));
    });

    describe('rejections: the body', () => {
      test('a signed body that is not JSON is HTTP 400 BAD_REQUEST', () =>
        run(async ({ gateway, post }) => {
          for (const body of ['mid=898201612345678&tid=88880001', '{"mid":"898201612345678",', '']) {
            const answer = await post(CANCEL_PATH, body);
            assert.equal(answer.status, 400, answer.text);
            assert.deepEqual(Object.keys(answer.json), ['errCode', 'errMsg']);
            assert.equal(answer.json.errCode, 'BAD_REQUEST');
            assert.match(answer.json.errMsg, /not JSON/);
          }
          assertStillFrozen(gateway);
        }));

      test('a signed body that is not UTF-8 is HTTP 400 BAD_REQUEST', () =>
        run(async ({ post }) => {
          const bytes = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]); // {"\xff\xfe"}
          const answer = await post(CANCEL_PATH, bytes);
          assert.equal(answer.status, 400, answer.text);
          assert.match(answer.json.errMsg, /not valid UTF-8/);
        }));

      const ruleBreaks = [
        ['billDate not a real date', { billDate: '2025-02-30' }, /billDate must be a real calendar date/],
        ['billDate as a date-time', { billDate: '2025-01-02 00:00:00' }, /billDate/],
        ['requestTimestamp in the header form', { requestTimestamp: '20250102030405' }, /requestTimestamp must be a real date-time/],
        ['an unknown field (a typo)', { billno: BILL_1.billNo }, /"billno" is not a field/],
        ['a number instead of a string', { authIdRespCd: 665 }, /authIdRespCd must be a string, not a number/],
        ['null instead of a string', { msgId: null }, /msgId must be a string, not null/],
        ['an empty required field', { merOrderId: '' }, /merOrderId is required/],
        ['srcReserve over 255 characters', { srcReserve: '测'.repeat(256) }, /srcReserve is 256 characters long/],
        ['billNo over 31 characters', { billNo: `3194${'0'.repeat(28)}` }, /billNo is 32 characters/],
      ];
      for (const [what, change, message] of ruleBreaks) {
        test(`a body breaking the preauth-cancel rules (${what}) is BAD_REQUEST`, () =>
          run(async ({ gateway, post }) => {
            const answer = await post(CANCEL_PATH, cancelBody(BILL_1, change));
            assertBusiness(answer, 'BAD_REQUEST', message);
            assert.equal(answer.json.mid, BILL_1.mid);
            assertStillFrozen(gateway);
          }));
      }

      test('a body missing required fields lists every one', () =>
        run(async ({ post }) => {
          const answer = await post(CANCEL_PATH, JSON.stringify({ mid: BILL_1.mid, tid: BILL_1.tid }));
          assertBusiness(answer, 'BAD_REQUEST');
          for (const field of ['requestTimestamp', 'instMid', 'billNo', 'billDate', 'merOrderId', 'authIdRespCd']) {
            assert.match(answer.json.errMsg, new RegExp(`${field} is required`));
          }
        }));

      test('JSON that is not an object is BAD_REQUEST', () =>
        run(async ({ post }) => {
          assertBusiness(await post(CANCEL_PATH, '[]'), 'BAD_REQUEST', /must be a JSON object, not an array/);
          assertBusiness(await post(QUERY_PATH, '"text"'), 'BAD_REQUEST', /not a string/);
        }));

      test('billNo or merOrderId without the msgSrcId prefix is INVALID_MSGSRC', () =>
        run(async ({ post, sign }) => {
          const body = cancelBody({ ...BILL_1, merOrderId: '12342025010203040500010' });
          assertBusiness(await post(CANCEL_PATH, body), 'INVALID_MSGSRC', /merOrderId must start with the source id 3194/);
          // OTHER_APP has no msgSrcId, so the prefix is not checked: the bill is looked up.
          assertBusiness(await post(CANCEL_PATH, body, { authorization: sign(body, { app: OTHER_APP }).authorization }), 'NO_ORDER');
        }));

      test('bills/query checks its own table', () =>
        run(async ({ post }) => {
          assertBusiness(await post(QUERY_PATH, queryBody(BILL_1, { merOrderId: BILL_1.merOrderId })), 'BAD_REQUEST', /"merOrderId" is not a field/);
          assertBusiness(await post(QUERY_PATH, queryBody(BILL_1, { billDate: '2025/01/02' })), 'BAD_REQUEST', /billDate/);
        }));
    });

    describe('token mode (OPEN-ACCESS-TOKEN)', () => {
      const tokenRequest = (app, timestamp, nonce) =>
        JSON.stringify({
          appId: app.appId,
          timestamp,
          nonce,
          signMethod: 'SHA256',
          signature: createHash('sha256').update(app.appId + timestamp + nonce + app.appKey).digest('hex'),
        });

      test('the shared access-token vector gets a token, and the token is accepted on the bills endpoints', () =>
        run(async ({ gateway, post }) => {
          const exchange = await post(TOKEN_PATH, tokenVector.body, { authorization: null });
          assert.equal(exchange.status, 200, exchange.text);
          assert.deepEqual(Object.keys(exchange.json), ['errCode', 'errInfo', 'accessToken', 'expiresIn']);
          assert.equal(exchange.json.errCode, '0000');
          assert.equal(exchange.json.expiresIn, 3600);
          assert.match(exchange.json.accessToken, /^[0-9a-f]{48}$/);
          // In token mode the body is not signed at all.
          const authorization = `OPEN-ACCESS-TOKEN AccessToken=${exchange.json.accessToken}`;
          const answer = await post(CANCEL_PATH, cancelBody(BILL_2), { authorization });
          assertBusiness(answer, 'SUCCESS');
          assert.equal(bills.preauthCancel.parseResponse(answer.text).billStatus, 'CLOSED');
          assert.equal(gateway.state.bill(BILL_2.billNo, BILL_2.billDate).billStatus, 'CLOSED');
          // The msgSrcId of the token's application still applies.
          assertBusiness(await post(CANCEL_PATH, cancelBody({ ...BILL_1, billNo: '1234202501020304050001' }), { authorization }), 'INVALID_MSGSRC');
        }));

      test('a token expires after expiresIn: EXPIRED_TOKEN', () =>
        run(
          async ({ clock, post }) => {
            const exchange = await post(TOKEN_PATH, tokenRequest(APP, beijingTime(clock.ms).compact, 'tok-1'), { authorization: null });
            assert.equal(exchange.json.expiresIn, 60);
            const authorization = `OPEN-ACCESS-TOKEN AccessToken=${exchange.json.accessToken}`;
            clock.advance(59);
            assertBusiness(await post(QUERY_PATH, queryBody(), { authorization }), 'SUCCESS');
            clock.advance(1);
            assertAuthFailure(await post(QUERY_PATH, queryBody(), { authorization }), 'EXPIRED_TOKEN');
          },
          { gateway: { tokenTtlSeconds: 60 } },
        ));

      test('a token the gateway never issued is INVALID_TOKEN; other header forms are INVALID_AUTHORIZATION', () =>
        run(async ({ clock, post }) => {
          assertAuthFailure(await post(QUERY_PATH, queryBody(), { authorization: `OPEN-ACCESS-TOKEN AccessToken=${'0'.repeat(48)}` }), 'INVALID_TOKEN');
          const exchange = await post(TOKEN_PATH, tokenRequest(APP, beijingTime(clock.ms).compact, 'tok-2'), { authorization: null });
          const token = exchange.json.accessToken;
          for (const header of [`OPEN-ACCESS-TOKEN AccessToken="${token}"`, `OPEN-ACCESS-TOKEN AccessToken=${token}, AppId="${APP.appId}"`, 'OPEN-ACCESS-TOKEN']) {
            assertAuthFailure(await post(QUERY_PATH, queryBody(), { authorization: header }), 'INVALID_AUTHORIZATION');
          }
        }));

      test('token requests are authenticated like signed ones', () =>
        run(async ({ clock, post }) => {
          const now = beijingTime(clock.ms).compact;
          const failure = async (body, status, errCode) => {
            const answer = await post(TOKEN_PATH, body, { authorization: null });
            assert.equal(answer.status, status, answer.text);
            assert.equal(answer.json.errCode, errCode);
            assert.equal(typeof answer.json.errInfo, 'string');
            assert.equal(answer.json.accessToken, undefined);
          };
          const wrongKey = JSON.parse(tokenRequest({ appId: APP.appId, appKey: OTHER_APP.appKey }, now, 't1'));
          await failure(JSON.stringify(wrongKey), 401, 'BAD_SIGN');
          await failure(tokenRequest({ appId: 'f'.repeat(32), appKey: 'k' }, now, 't2'), 401, 'UNKNOWN_APPID');
          await failure(tokenRequest(APP, beijingTime(clock.ms - 301_000).compact, 't3'), 401, 'ABNORMAL_REQUEST_TIME');
          await failure(JSON.stringify({ ...JSON.parse(tokenRequest(APP, now, 't4')), signMethod: 'SHA1' }), 400, 'BAD_REQUEST');
          await failure('appId=x', 400, 'BAD_REQUEST');
          const fine = tokenRequest(APP, now, 't5');
          assert.equal((await post(TOKEN_PATH, fine, { authorization: null })).json.errCode, '0000');
          await failure(fine, 401, 'REPLAYED_NONCE');
        }));
    });

    describe('routing', () => {
      test('other paths are 404 NO_SERVICE, other methods 405', () =>
        run(async ({ gateway, client }) => {
          const missing = await client.send({ url: `${gateway.url}/v1/netpay/bills/update-qrcode`, headers: {}, body: '{}' });
          assert.equal(missing.status, 404);
          assert.equal(JSON.parse(missing.text).errCode, 'NO_SERVICE');
          const get = await client.send({ url: `${gateway.url}${CANCEL_PATH}`, method: 'GET' });
          assert.equal(get.status, 405);
          const info = await client.send({ url: `${gateway.url}/`, method: 'GET' });
          assert.equal(info.status, 200);
          assert.deepEqual(JSON.parse(info.text).appIds, [APP.appId, OTHER_APP.appId]);
          assert.doesNotMatch(info.text, new RegExp(APP.appKey));
        }));

      test('a body over maxBodyBytes is 413', () =>
        run(
          async ({ post }) => {
            const answer = await post(CANCEL_PATH, cancelBody(BILL_1, { srcReserve: 'x'.repeat(300) }));
            assert.equal(answer.status, 413);
            assert.equal(answer.json.errCode, 'BAD_REQUEST');
          },
          { gateway: { maxBodyBytes: 256 } },
        ));
    });
  });
}

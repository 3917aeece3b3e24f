// The preauth lifecycle beyond the void, over real HTTP on 127.0.0.1: requests built and signed
// in one call by the library's operations (bills.preauthed.sign, bills.preauthedCancel.sign,
// bills.query.sign), or built by buildRequest and signed by signRequest, or built unsigned and
// sent in token mode; answered by the emulator's own state machine and rules, and read back with
// the operations' parsers. Each case runs once per client in clients.mjs.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AccessTokenHolder, ChinaumsError, accessToken, beijingTime, bills, buildRequest, signRequest } from 'chinaums-open';
import { CLIENTS } from './clients.mjs';
import { APP, BILL_1, BILL_2, MSG_SRC_ID, PLAIN_BILL, TOKEN_PATH, withGateway } from './helpers.mjs';

const CAPTURE_ID = '3194CAPTURE000001';
const { mid, tid } = BILL_1;
/** The bill's identifiers without the preauth payment's merOrderId, as capture and query take them. */
const billOf = ({ billNo, billDate }) => ({ mid, tid, billNo, billDate });

/** A refund of the ordinary payment, seeded as a fixture (bills/refund makes them too; see client.test.mjs). */
const REFUNDED_BILL = Object.freeze({
  ...PLAIN_BILL,
  billNo: '3194202501020304050009',
  merOrderId: '31942025010203040500090',
  preauth: false,
  totalAmount: 1000,
  refunds: [{ refundOrderId: '3194REFUND0001', refundAmount: 300, refundTime: '2025-01-02 05:00:00' }],
});

for (const clientSpec of CLIENTS) {
  /**
   * Runs `fn` with a gateway and `send(operation, input, options?)`: builds and signs one
   * operation's request with APP at the gateway's clock and a fresh nonce (one call into the
   * library), posts it through the client, and returns `{ status, text }`. `sendBuilt(request)`
   * signs a request built elsewhere (buildRequest) the same way.
   */
  const run = (fn, options) =>
    withGateway(
      clientSpec,
      async (context) => {
        const { gateway, clock, post, nextNonce } = context;
        const at = { baseUrl: gateway.url, now: clock.ms, msgSrcId: MSG_SRC_ID };
        const headerInputs = () => ({ timestamp: beijingTime(clock.ms).compact, nonce: nextNonce() });
        const postSigned = (signed) => {
          assert.ok(signed.url.startsWith(gateway.url), signed.url);
          return post(new URL(signed.url).pathname, signed.body, { authorization: signed.headers.Authorization });
        };
        const send = (operation, input, options = at) => postSigned(bills[operation].sign(input, { ...options, ...APP, ...headerInputs() }));
        const sendBuilt = (request) => postSigned(signRequest(request, { ...APP, ...headerInputs() }));
        const capture = (bill, extra = {}) =>
          send('preauthed', { ...billOf(bill), authedOrderId: CAPTURE_ID, authIdRespCd: bill.authIdRespCd, totalAmount: 1500, ...extra });
        const query = (bill, extra = {}) => send('query', { ...billOf(bill), ...extra });
        return fn({ ...context, at, send, sendBuilt, capture, query });
      },
      options,
    );

  describe(`the preauth lifecycle via ${clientSpec.name}`, () => {
    test('a capture completes the frozen preauth: the answer, bills/query and the state all show it', () =>
      run(async ({ gateway, capture, query }) => {
        const answer = await capture(BILL_1, { authedDesc: '完成 15.00 元', msgId: 'cap-1', srcReserve: 'r+1' });
        assert.equal(answer.status, 200, answer.text);
        const captured = bills.preauthed.parseResponse(answer.text);
        assert.equal(captured.ok, true, answer.text);
        assert.equal(captured.billStatus, 'PAID');
        assert.equal(captured.totalAmount, 2100);
        assert.equal(captured.completeAmount, 1500);
        assert.equal(captured.billPayment.merOrderId, CAPTURE_ID);
        assert.equal(captured.billPayment.totalAmount, 1500);
        assert.equal(captured.billPayment.status, 'TRADE_SUCCESS');
        assert.equal(captured.billPayment.payTime, '2025-01-02 03:04:05');
        assert.equal(captured.msgId, 'cap-1');
        assert.equal(captured.srcReserve, 'r+1');
        assert.equal(captured.responseTimestamp, '2025-01-02 03:04:05');

        const now = bills.query.parseResponse((await query(BILL_1)).text);
        assert.equal(now.ok, true);
        assert.equal(now.billStatus, 'PAID');
        assert.equal(now.completeAmount, 1500);
        assert.equal(now.billPayment.merOrderId, CAPTURE_ID);
        assert.equal(now.billPayment.totalAmount, 1500);

        const byId = bills.query.parseResponse((await query(BILL_1, { authedOrderId: CAPTURE_ID })).text);
        assert.equal(byId.ok, true);
        assert.equal(byId.billPayment.merOrderId, CAPTURE_ID);
        assert.equal(byId.billPayment.status, 'TRADE_SUCCESS');

        const state = gateway.state.bill(BILL_1.billNo, BILL_1.billDate);
        assert.equal(state.billStatus, 'PAID');
        assert.equal(state.billPayment.status, 'TRADE_SUCCESS');
        assert.deepEqual(
          state.captures.map(({ authedOrderId, totalAmount, authedDesc, status }) => ({ authedOrderId, totalAmount, authedDesc, status })),
          [{ authedOrderId: CAPTURE_ID, totalAmount: 1500, authedDesc: '完成 15.00 元', status: 'TRADE_SUCCESS' }],
        );
        // The other preauth is untouched.
        assert.deepEqual(gateway.state.bill(BILL_2.billNo, BILL_2.billDate).captures, []);
      }));

    test('the whole frozen amount can be captured, written as a string of digits as in the official samples', () =>
      run(async ({ capture }) => {
        const answer = bills.preauthed.parseResponse((await capture(BILL_2, { totalAmount: '5000' })).text);
        assert.equal(answer.ok, true);
        assert.equal(answer.billPayment.totalAmount, 5000);
      }));

    test('a capture can be reversed with the capture order id; the hold stands again and can then be voided', () =>
      run(async ({ gateway, send, capture, query }) => {
        assert.equal(bills.preauthed.parseResponse((await capture(BILL_1)).text).ok, true);
        // As in the official sample: billNo, billDate and authIdRespCd left empty.
        const reversal = { mid, tid, billNo: '', billDate: '', merOrderId: CAPTURE_ID, authIdRespCd: '', msgId: 'rev-1' };
        const reversed = bills.preauthedCancel.parseResponse((await send('preauthedCancel', reversal)).text);
        assert.equal(reversed.ok, true, reversed.errMsg);
        assert.equal(reversed.billNo, BILL_1.billNo);
        assert.equal(reversed.billStatus, 'PAID');
        assert.equal(reversed.billPayment.merOrderId, CAPTURE_ID);
        assert.equal(reversed.billPayment.status, 'TRADE_CLOSED');
        assert.equal(reversed.msgId, 'rev-1');

        const byId = bills.query.parseResponse((await query(BILL_1, { authedOrderId: CAPTURE_ID })).text);
        assert.equal(byId.billPayment.status, 'TRADE_CLOSED');
        const plain = bills.query.parseResponse((await query(BILL_1)).text);
        assert.equal(plain.billPayment.merOrderId, BILL_1.merOrderId);
        assert.equal(plain.billPayment.status, 'TRADE_SUCCESS');
        assert.equal(plain.completeAmount, undefined);

        const again = bills.preauthedCancel.parseResponse((await send('preauthedCancel', reversal)).text);
        assert.equal(again.errCode, 'OPERATION_NOT_ALLOWED');
        assert.match(again.errMsg, /already reversed/);

        const voided = bills.preauthCancel.parseResponse((await send('preauthCancel', BILL_1)).text);
        assert.equal(voided.ok, true, voided.errMsg);
        assert.equal(voided.billStatus, 'CLOSED');
        assert.equal(gateway.state.bill(BILL_1.billNo, BILL_1.billDate).billPayment.status, 'TRADE_CLOSED');
        // A voided preauth has nothing left to capture.
        const late = bills.preauthed.parseResponse((await capture(BILL_1, { authedOrderId: '3194CAPTURE000002' })).text);
        assert.equal(late.errCode, 'OPERATION_NOT_ALLOWED');
        assert.match(late.errMsg, /no longer frozen/);
      }));

    test('a reversal may name the bill; then billNo, billDate and authIdRespCd must match', () =>
      run(async ({ send, capture }) => {
        await capture(BILL_1);
        const reverse = (extra) => send('preauthedCancel', { mid, tid, merOrderId: CAPTURE_ID, ...extra }).then((a) => bills.preauthedCancel.parseResponse(a.text));
        assert.equal((await reverse({ billNo: BILL_2.billNo, billDate: BILL_2.billDate })).errCode, 'NO_ORDER');
        assert.equal((await reverse({ billNo: '3194000000000000000000', billDate: BILL_1.billDate })).errCode, 'NO_BILL');
        assert.equal((await reverse({ authIdRespCd: '999999' })).errCode, 'INVALID_ORDER');
        assert.equal((await reverse({ merOrderId: '3194CAPTURE999999' })).errCode, 'NO_ORDER');
        const done = await reverse({ billNo: BILL_1.billNo, billDate: BILL_1.billDate, authIdRespCd: BILL_1.authIdRespCd });
        assert.equal(done.ok, true, done.errMsg);
      }));

    test('voiding a captured preauth is OPERATION_NOT_ALLOWED and leaves the capture standing', () =>
      run(async ({ gateway, send, capture }) => {
        await capture(BILL_1);
        const refused = bills.preauthCancel.parseResponse((await send('preauthCancel', BILL_1)).text);
        assert.equal(refused.ok, false);
        assert.equal(refused.errCode, 'OPERATION_NOT_ALLOWED');
        assert.match(refused.errMsg, new RegExp(`captured by ${CAPTURE_ID}`));
        const state = gateway.state.bill(BILL_1.billNo, BILL_1.billDate);
        assert.equal(state.billStatus, 'PAID');
        assert.equal(state.captures[0].status, 'TRADE_SUCCESS');
      }));

    test('captures the state machine refuses: twice, too much, wrong code, unknown bill, not a preauth, a reused order id, another source id', () =>
      run(async ({ gateway, capture }) => {
        const errCode = async (bill, extra) => bills.preauthed.parseResponse((await capture(bill, extra)).text).errCode;
        assert.equal(await errCode(BILL_1, { totalAmount: 2101 }), 'BAD_REQUEST');
        assert.equal(await errCode(BILL_1, { authIdRespCd: '000666' }), 'INVALID_ORDER');
        assert.equal(await errCode({ ...BILL_1, billNo: '3194000000000000000000' }), 'NO_BILL');
        assert.equal(await errCode(PLAIN_BILL), 'OPERATION_NOT_ALLOWED');
        // The preauth payment's own merOrderId is taken too.
        assert.equal(await errCode(BILL_2, { authedOrderId: BILL_1.merOrderId }), 'DUP_ORDER');
        assert.deepEqual(gateway.state.bill(BILL_1.billNo, BILL_1.billDate).captures, []);
        assert.equal(await errCode(BILL_1), 'SUCCESS');
        assert.equal(await errCode(BILL_1, { authedOrderId: '3194CAPTURE000002' }), 'OPERATION_NOT_ALLOWED');
        assert.equal(await errCode(BILL_2), 'DUP_ORDER');
        assert.equal(gateway.state.bill(BILL_1.billNo, BILL_1.billDate).captures.length, 1);
      }));

    test('an order id without the source id is INVALID_MSGSRC when the library is not told the msgSrcId', () =>
      run(async ({ gateway, send }) => {
        const answer = await send(
          'preauthed',
          { ...billOf(BILL_1), authedOrderId: '1234CAPTURE000001', authIdRespCd: BILL_1.authIdRespCd, totalAmount: 100 },
          { baseUrl: gateway.url, now: Date.UTC(2025, 0, 1, 19, 4, 5) },
        );
        assert.equal(bills.preauthed.parseResponse(answer.text).errCode, 'INVALID_MSGSRC');
      }));

    test('bodies the library refuses to build, the emulator refuses by its own rules (BAD_REQUEST)', () =>
      run(async ({ clock, post }) => {
        const base = {
          requestTimestamp: beijingTime(clock.ms).dateTime,
          ...billOf(BILL_1),
          instMid: 'QRPAYDEFAULT',
          authedOrderId: CAPTURE_ID,
          authIdRespCd: BILL_1.authIdRespCd,
          totalAmount: '1500',
        };
        const withoutAmount = { ...base };
        delete withoutAmount.totalAmount;
        const cases = [
          ['an amount in yuan', { ...base, totalAmount: '15.00' }, /totalAmount/],
          ['a zero amount', { ...base, totalAmount: 0 }, /totalAmount/],
          ['a leading zero', { ...base, totalAmount: '01500' }, /totalAmount/],
          ['a fractional number', { ...base, totalAmount: 15.5 }, /totalAmount/],
          ['no amount', withoutAmount, /totalAmount is required/],
          ['no authedOrderId', { ...base, authedOrderId: '' }, /authedOrderId is required/],
          ['an authedOrderId over 32 characters', { ...base, authedOrderId: `3194${'9'.repeat(29)}` }, /authedOrderId is 33 characters/],
          ['a merOrderId (the void takes it, the capture does not)', { ...base, merOrderId: BILL_1.merOrderId }, /"merOrderId" is not a field/],
        ];
        for (const [what, body, message] of cases) {
          // Checked as sent (no defaults filled): the body is complete.
          assert.equal(bills.preauthed.validate(body, { applyDefaults: false }).ok, false, `the library accepts ${what}`);
          const answer = await post('/v1/netpay/bills/preauthed', JSON.stringify(body));
          assert.equal(answer.status, 200, what);
          assert.equal(answer.json.errCode, 'BAD_REQUEST', `${what}: ${answer.text}`);
          assert.match(answer.json.errMsg, message, what);
        }
        assert.equal(bills.preauthed.validate(base, { applyDefaults: false }).ok, true);
      }));

    test('bills/query looks up a refund by refundOrderId (refundBillPayment) and refuses unknown order ids', () =>
      run(
        async ({ query }) => {
          const refund = bills.query.parseResponse((await query(REFUNDED_BILL, { refundOrderId: '3194REFUND0001' })).text);
          assert.equal(refund.ok, true, refund.errMsg);
          assert.equal(refund.billPayment.merOrderId, REFUNDED_BILL.merOrderId);
          assert.equal(refund.refundBillPayment.merOrderId, '3194REFUND0001');
          assert.equal(refund.refundBillPayment.totalAmount, 300);
          assert.equal(refund.refundBillPayment.payTime, '2025-01-02 05:00:00');
          assert.equal(bills.query.parseResponse((await query(REFUNDED_BILL)).text).refundBillPayment, undefined);
          for (const extra of [{ refundOrderId: '3194REFUND0002' }, { authedOrderId: CAPTURE_ID }]) {
            const missing = bills.query.parseResponse((await query(REFUNDED_BILL, extra)).text);
            assert.equal(missing.errCode, 'NO_ORDER', JSON.stringify(extra));
          }
        },
        { gateway: { fixtures: [REFUNDED_BILL] } },
      ));

    test('buildRequest reaches any bills endpoint: a served one answers, an unknown service is NO_SERVICE naming those served', () =>
      run(async ({ at, sendBuilt }) => {
        const generic = await sendBuilt(buildRequest('query', { mid, tid, instMid: 'QRPAYDEFAULT', billNo: BILL_2.billNo, billDate: BILL_2.billDate }, at));
        assert.equal(bills.query.parseResponse(generic.text).billStatus, 'PAID');

        const unknown = await sendBuilt(buildRequest('update-qrcode', { mid, tid, qrCodeId: '3194QR1', billNo: BILL_1.billNo, billDate: BILL_1.billDate, totalAmount: '100' }, at));
        assert.equal(unknown.status, 404);
        const parsed = bills.query.parseResponse(unknown.text);
        assert.equal(parsed.ok, false);
        assert.equal(parsed.errCode, 'NO_SERVICE');
        assert.match(parsed.errMsg, /no bills service "update-qrcode"; this emulator serves bills\/get-qrcode, bills\/close-qrcode, bills\/refund, bills\/preauth-cancel, bills\/preauthed, bills\/preauthed-cancel, bills\/query/);
      }));

    test('token mode: AccessTokenHolder survives an injected refusal and a non-JSON 401, then captures', () =>
      run(async ({ gateway, clock, at, post, nextNonce }) => {
        const holder = new AccessTokenHolder();
        const fetchToken = async () => {
          const request = accessToken.request({ ...APP, baseUrl: gateway.url, now: clock.ms, nonce: nextNonce() });
          assert.equal(request.url, `${gateway.url}${TOKEN_PATH}`);
          return post(TOKEN_PATH, request.body, { authorization: null });
        };

        gateway.inject('token-refusal');
        const refused = await fetchToken();
        assert.equal(refused.text, '{"errCode":"1000","errInfo":"认证失败"}');
        assert.throws(
          () => accessToken.parseResponse(refused.text, { now: clock.ms }),
          (e) => {
            assert.ok(e instanceof ChinaumsError);
            assert.equal(e.code, 'ERR_PLATFORM');
            assert.equal(e.platformCode, '1000');
            // The platform's whole message: a token answer carries it as errInfo.
            assert.equal(e.platformMessage, '认证失败');
            return true;
          },
        );
        assert.equal(holder.needsRefresh(clock.ms), true);

        holder.update(accessToken.parseResponse((await fetchToken()).text, { now: clock.ms }));
        assert.equal(holder.needsRefresh(clock.ms), false);
        const captureRequest = () => {
          const built = bills.preauthed.build({ ...billOf(BILL_1), authedOrderId: CAPTURE_ID, authIdRespCd: BILL_1.authIdRespCd, totalAmount: 2100 }, at);
          return post(new URL(built.url).pathname, built.body, { authorization: holder.authorization(clock.ms) });
        };

        gateway.inject('non-json-401');
        const proxyPage = await captureRequest();
        assert.equal(proxyPage.status, 401);
        assert.throws(() => bills.preauthed.parseResponse(proxyPage.text), (e) => e instanceof ChinaumsError && e.code === 'ERR_INVALID_JSON' && /check the HTTP status/.test(e.message));
        assert.equal(gateway.state.bill(BILL_1.billNo, BILL_1.billDate).captures.length, 0);
        assert.equal(gateway.state.pendingFaults(), 0);
        // The host's reaction to 认证失败: forget the token, fetch a new one, try again.
        holder.clear();
        assert.equal(holder.needsRefresh(clock.ms), true);
        holder.update(accessToken.parseResponse((await fetchToken()).text, { now: clock.ms }));
        const captured = bills.preauthed.parseResponse((await captureRequest()).text);
        assert.equal(captured.ok, true, captured.errMsg);
        assert.equal(captured.completeAmount, 2100);
      }));
  });
}

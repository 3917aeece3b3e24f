// The emulator's bill life before and after a preauthorization: bills/get-qrcode makes an
// UNPAID bill, the payer pays it (gateway.pay or the cashier page), close-qrcode and refund
// end it; and the faults a recovery must survive ('unavailable', 'reset', 'answer-lost',
// 'answer-late') with the request records that let tests count what was applied. Requests are
// signed by the library and sent with Node's fetch over 127.0.0.1; the rules checked are the
// emulator's own (gateway/rules.js, gateway/bills.js).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { beijingTime } from 'chinaums-open';
import { startGateway } from 'chinaums-open-gateway';
import { CLIENTS } from './clients.mjs';
import { APP, BILL_1, CANCEL_PATH, FIXED_MS, MSG_SRC_ID, QUERY_PATH, cancelBody, manualClock, queryBody, withGateway } from './helpers.mjs';

const GET_QRCODE = '/v1/netpay/bills/get-qrcode';
const CLOSE_QRCODE = '/v1/netpay/bills/close-qrcode';
const REFUND = '/v1/netpay/bills/refund';
const { mid, tid } = BILL_1;
const at = beijingTime(FIXED_MS);
const NODE = CLIENTS[0];
const run = (fn, options) => withGateway(NODE, fn, options);

/** An ordinary payment whose bill was closed (its payment left as it was). */
const CLOSED_PLAIN = Object.freeze({ mid, tid, billNo: '3194202501020304058888', billDate: '2025-01-02', merOrderId: '31942025010203040588880', totalAmount: 500, preauth: false, billStatus: 'CLOSED' });

let serial = 9000;
/** A bill the merchant has not created yet. */
const newBill = () => ({ mid, tid, instMid: 'QRPAYDEFAULT', billNo: `${MSG_SRC_ID}${at.compact}${(serial += 1)}`, billDate: at.date });
const body = (fields) => JSON.stringify({ requestTimestamp: at.dateTime, ...fields });

/** Creates a bill with get-qrcode and returns its identifiers and the answer. */
async function create(post, extra = {}) {
  const bill = newBill();
  const { json } = await post(GET_QRCODE, body({ ...bill, totalAmount: '2100', ...extra }));
  assert.equal(json.errCode, 'SUCCESS', JSON.stringify(json));
  return { bill, answer: json };
}

describe('bills/get-qrcode and the payer', () => {
  test('get-qrcode makes an UNPAID bill whose QR code leads to the cashier; bills/query shows it without a payment', () =>
    run(async ({ gateway, post }) => {
      const { bill, answer } = await create(post, { msgId: 'm-1', preauthTransaction: 'true' });
      assert.deepEqual(Object.keys(answer), ['errCode', 'errMsg', 'responseTimestamp', 'msgId', 'srcReserve', 'mid', 'tid', 'instMid', 'billNo', 'billDate', 'billQRCode', 'qrCodeId']);
      assert.equal(answer.msgId, 'm-1');
      assert.match(answer.qrCodeId, /^3194QR20250102\d{8}$/);
      assert.equal(answer.billQRCode, `${gateway.url}/cashier/qrcode?qrCodeId=${answer.qrCodeId}`);
      const state = gateway.state.bill(bill.billNo, bill.billDate);
      assert.equal(state.billStatus, 'UNPAID');
      assert.equal(state.preauth, true);
      assert.equal(state.billPayment, null);
      assert.equal(state.qrCodeId, answer.qrCodeId);
      const query = (await post(QUERY_PATH, queryBody(bill))).json;
      assert.equal(query.errCode, 'SUCCESS');
      assert.equal(query.billStatus, 'UNPAID');
      assert.equal(query.totalAmount, 2100);
      assert.equal(query.billQRCode, answer.billQRCode);
      assert.equal('billPayment' in query, false);
      // A bill number is used once per date.
      const again = (await post(GET_QRCODE, body({ ...bill, totalAmount: 100 }))).json;
      assert.equal(again.errCode, 'DUP_ORDER');
      // A merchant's own qrCodeId is unique too, and made-up ones step around it.
      const next = answer.qrCodeId.replace(/\d{8}$/, (n) => String(Number(n) + 1).padStart(8, '0'));
      const chosen = (await post(GET_QRCODE, body({ ...newBill(), totalAmount: 100, qrCodeId: next }))).json;
      assert.equal(chosen.qrCodeId, next);
      assert.equal((await post(GET_QRCODE, body({ ...newBill(), totalAmount: 100, qrCodeId: next }))).json.errCode, 'DUP_ORDER');
      const madeUp = (await post(GET_QRCODE, body({ ...newBill(), totalAmount: 100 }))).json;
      assert.notEqual(madeUp.qrCodeId, next);
      assert.equal(new Set(gateway.state.bills().map((b) => b.qrCodeId).filter(Boolean)).size, 3);
    }));

  test('get-qrcode checks its fields: whole fen, flags, goods, URLs, times, the source id, nothing unknown', () =>
    run(async ({ gateway, post }) => {
      const cases = [
        [{ totalAmount: '21.00' }, 'BAD_REQUEST', /totalAmount must be a positive whole number of fen/],
        [{ totalAmount: 0 }, 'BAD_REQUEST', /totalAmount must be a positive whole number of fen, not 0/],
        [{ totalAmount: 100, preauthTransaction: 'yes' }, 'BAD_REQUEST', /preauthTransaction must be "true" or "false"/],
        [{ totalAmount: 100, goods: [{ goodsId: 'x', price: 1.5 }] }, 'BAD_REQUEST', /goods \[0\]\.price must be a whole number of fen/],
        [{ totalAmount: 100, goods: { goodsId: 'x' } }, 'BAD_REQUEST', /goods must be an array of objects/],
        [{ totalAmount: 100, notifyUrl: 'ftp://merchant.example/notify' }, 'BAD_REQUEST', /notifyUrl must be an http or https URL/],
        [{ totalAmount: 100, walletOption: 'ALL' }, 'BAD_REQUEST', /walletOption must be one of SINGLE, MULTIPLE/],
        [{ totalAmount: 100, expireTime: '2025-01-02 03:00:00' }, 'BAD_REQUEST', /expireTime 2025-01-02 03:00:00 is not in the future/],
        [{ totalAmount: 100, refundAmount: 1 }, 'BAD_REQUEST', /"refundAmount" is not a field of this request/],
        [{ totalAmount: 100, billNo: 'ABCD0001' }, 'INVALID_MSGSRC', /billNo must start with the source id 3194/],
      ];
      for (const [extra, errCode, message] of cases) {
        const { json } = await post(GET_QRCODE, body({ ...newBill(), ...extra }));
        assert.equal(json.errCode, errCode, JSON.stringify(extra));
        assert.match(json.errMsg, message);
      }
      const ok = (await post(GET_QRCODE, body({ ...newBill(), totalAmount: 100, preauthTransaction: false, goods: [{ goodsId: 'x', quantity: 1, price: 0 }], expireTime: '2025-01-02 04:00:00', walletOption: 'SINGLE' }))).json;
      assert.equal(ok.errCode, 'SUCCESS', ok.errMsg);
      assert.equal(gateway.state.bills().filter((b) => b.billStatus === 'UNPAID').length, 1);
    }));

  test('gateway.pay freezes a preauth bill (a merOrderId and a 6-digit authIdRespCd to cancel it with) and pays an ordinary one', () =>
    run(async ({ gateway, post }) => {
      const preauth = await create(post, { preauthTransaction: 'true' });
      const frozen = await gateway.pay(preauth.bill);
      assert.deepEqual(frozen, {
        billNo: preauth.bill.billNo,
        billDate: preauth.bill.billDate,
        billStatus: 'PAID',
        preauth: true,
        totalAmount: 2100,
        merOrderId: `${preauth.bill.billNo}0`,
        authIdRespCd: frozen.authIdRespCd,
        payTime: at.dateTime,
      });
      assert.match(frozen.authIdRespCd, /^\d{6}$/);
      await assert.rejects(gateway.pay(preauth.bill), /gateway\.pay: bill \d+ of 2025-01-02 is PAID; only an UNPAID bill/);
      const cancel = (await post(CANCEL_PATH, cancelBody({ mid, tid, billNo: frozen.billNo, billDate: frozen.billDate, merOrderId: frozen.merOrderId, authIdRespCd: frozen.authIdRespCd }))).json;
      assert.equal(cancel.errCode, 'SUCCESS', cancel.errMsg);
      assert.equal(cancel.billStatus, 'CLOSED');

      const ordinary = await create(post);
      const paid = await gateway.pay(ordinary.bill);
      assert.equal(paid.preauth, false);
      assert.equal(paid.authIdRespCd, null);
      assert.equal(gateway.state.bill(ordinary.bill.billNo, ordinary.bill.billDate).billPayment.status, 'TRADE_SUCCESS');
      await assert.rejects(gateway.pay({ billNo: 'nope', billDate: '2025-01-02' }), /no bill nope of 2025-01-02/);
      await assert.rejects(gateway.pay(null), TypeError);
    }));

  test('an unpaid bill past its expireTime cannot be paid: it is CLOSED', () => {
    const clock = manualClock();
    return run(
      async ({ gateway, post }) => {
        const { bill, answer } = await create(post, { expireTime: beijingTime(FIXED_MS + 600_000).dateTime });
        clock.advance(601);
        // Seen as closed wherever it is looked at, before any request touches it.
        assert.equal(gateway.state.bill(bill.billNo, bill.billDate).billStatus, 'CLOSED');
        const page = await (await fetch(answer.billQRCode)).text();
        assert.match(page, /<strong>CLOSED<\/strong>/);
        assert.doesNotMatch(page, /<form/);
        await assert.rejects(gateway.pay(bill), /is CLOSED/);
        assert.equal(gateway.state.bill(bill.billNo, bill.billDate).billStatus, 'CLOSED');
      },
      { clock },
    );
  });

  test('the cashier page shows the bill and pays it with one POST; a second POST is refused', () =>
    run(async ({ gateway, post }) => {
      const { bill, answer } = await create(post, { preauthTransaction: 'true' });
      const page = await fetch(answer.billQRCode);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /preauthorization .* 21\.00 yuan .*<strong>UNPAID<\/strong>/);
      assert.match(html, /<form method="post" action="\/cashier\/qrcode\/pay"><input type="hidden" name="qrCodeId" value="3194QR\d+"><button type="submit">Pay 21\.00 yuan<\/button>/);
      const payForm = () =>
        fetch(`${gateway.url}/cashier/qrcode/pay`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `qrCodeId=${encodeURIComponent(answer.qrCodeId)}` });
      const paid = await payForm();
      assert.equal(paid.status, 200);
      assert.match(await paid.text(), /<strong>PAID<\/strong>/);
      assert.equal(gateway.state.bill(bill.billNo, bill.billDate).billStatus, 'PAID');
      const again = await payForm();
      assert.equal(again.status, 409);
      assert.match(await again.text(), /role="alert">bill \d+ of 2025-01-02 is PAID/);
      assert.equal((await fetch(`${gateway.url}/cashier/qrcode?qrCodeId=unknown`)).status, 404);
      assert.equal((await fetch(`${gateway.url}/cashier/qrcode/pay`)).status, 405);
    }));

  test("a bill made with a notifyUrl is notified there when it is paid, signed with the credential's communication key", async () => {
    const received = [];
    const receiver = createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        received.push(text);
        res.end('SUCCESS');
      });
    });
    await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const receiverUrl = `http://127.0.0.1:${receiver.address().port}/bill-notify`;
    try {
      await run(
        async ({ gateway, post }) => {
          const { bill } = await create(post, { preauthTransaction: 'true', notifyUrl: receiverUrl });
          assert.deepEqual(await gateway.idle(), [], 'making a bill is not notified');
          await gateway.pay(bill);
          const [paid] = await gateway.idle();
          assert.equal(paid.trigger, 'pay()');
          assert.equal(paid.url, receiverUrl);
          assert.equal(paid.billStatus, 'PAID');
          assert.equal(paid.acknowledged, true);
          assert.ok(received.some((text) => new URLSearchParams(text).get('billNo') === bill.billNo && new URLSearchParams(text).get('billStatus') === 'PAID'));
          // An unpaid bill closed: notified too, without a billPayment (it has none).
          const unpaid = await create(post, { notifyUrl: receiverUrl });
          await post(CLOSE_QRCODE, body({ mid, tid, instMid: 'QRPAYDEFAULT', qrCodeId: unpaid.answer.qrCodeId }));
          const closed = (await gateway.idle()).find((r) => r.trigger === 'close-qrcode');
          assert.equal(closed.acknowledged, true, closed.error);
          const sent = new URLSearchParams(received.at(-1));
          assert.equal(sent.get('billStatus'), 'CLOSED');
          assert.equal(sent.get('billQRCode'), unpaid.answer.billQRCode);
          assert.equal(sent.has('billPayment'), false);
        },
        { gateway: { credentials: [{ ...APP, msgSrcId: MSG_SRC_ID, notifyUrl: 'http://127.0.0.1:1/unused', communicationKey: 'fictional0communication0key0001' }] } },
      );
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});

describe('bills/close-qrcode and bills/refund', () => {
  test('close-qrcode closes an unpaid bill (again: SUCCESS, nothing changes) and refuses a paid one or an unknown code', () =>
    run(async ({ gateway, post }) => {
      const { bill, answer } = await create(post);
      const close = () => post(CLOSE_QRCODE, body({ mid, tid, instMid: 'QRPAYDEFAULT', qrCodeId: answer.qrCodeId }));
      const closed = (await close()).json;
      assert.equal(closed.errCode, 'SUCCESS', closed.errMsg);
      assert.equal(closed.billStatus, 'CLOSED');
      assert.equal(closed.qrCodeId, answer.qrCodeId);
      assert.equal((await close()).json.errCode, 'SUCCESS');
      assert.deepEqual(
        gateway.state.requests().filter((r) => r.path === CLOSE_QRCODE).map((r) => r.applied),
        [true, false],
      );
      await assert.rejects(gateway.pay(bill), /is CLOSED/);

      const paid = await create(post);
      await gateway.pay(paid.bill);
      const refused = (await post(CLOSE_QRCODE, body({ mid, tid, instMid: 'QRPAYDEFAULT', qrCodeId: paid.answer.qrCodeId }))).json;
      assert.equal(refused.errCode, 'OPERATION_NOT_ALLOWED');
      assert.match(refused.errMsg, /was paid .*refund it \(bills\/refund\) instead/);
      assert.equal((await post(CLOSE_QRCODE, body({ mid, tid, instMid: 'QRPAYDEFAULT', qrCodeId: 'nope' }))).json.errCode, 'NO_BILL');
      assert.match((await post(CLOSE_QRCODE, body({ mid, tid, instMid: 'QRPAYDEFAULT' }))).json.errMsg, /qrCodeId or billNo is required/);
      assert.match((await post(CLOSE_QRCODE, body({ mid, tid, instMid: 'QRPAYDEFAULT', qrCodeId: '', billNo: '' }))).json.errMsg, /qrCodeId or billNo is required/);
    }));

  test('close-qrcode by billNo (with mid and tid) instead of qrCodeId; systemId is accepted and ignored; both must name one bill', () =>
    run(async ({ gateway, post }) => {
      const close = (fields) => post(CLOSE_QRCODE, body({ mid, tid, instMid: 'QRPAYDEFAULT', ...fields }));
      const { bill, answer } = await create(post);
      const closed = (await close({ billNo: bill.billNo, systemId: 'sys-7', attachRefund: 'false' })).json;
      assert.equal(closed.errCode, 'SUCCESS', closed.errMsg);
      assert.equal(closed.billStatus, 'CLOSED');
      assert.equal(closed.qrCodeId, answer.qrCodeId);
      assert.equal(closed.billNo, bill.billNo);
      assert.equal(closed.billDate, bill.billDate);
      assert.equal('systemId' in closed, false, 'systemId plays no part in the answer');
      assert.equal(gateway.state.bill(bill.billNo, bill.billDate).billStatus, 'CLOSED');
      await assert.rejects(gateway.pay(bill), /is CLOSED/);

      // qrCodeId and billNo together must name the same bill.
      const other = await create(post);
      const mismatch = (await close({ qrCodeId: other.answer.qrCodeId, billNo: bill.billNo })).json;
      assert.equal(mismatch.errCode, 'NO_BILL');
      assert.match(mismatch.errMsg, new RegExp(`belongs to bill ${other.bill.billNo}, not to bill ${bill.billNo}`));
      assert.equal(gateway.state.bill(other.bill.billNo, other.bill.billDate).billStatus, 'UNPAID');
      assert.equal((await close({ qrCodeId: other.answer.qrCodeId, billNo: other.bill.billNo, systemId: '' })).json.errCode, 'SUCCESS');

      // Another terminal's bill, an unknown one, another source id's, and a paid one.
      assert.equal((await close({ billNo: bill.billNo, tid: '88880002' })).json.errCode, 'NO_BILL');
      assert.equal((await close({ billNo: `${MSG_SRC_ID}000000000000` })).json.errCode, 'NO_BILL');
      assert.equal((await close({ billNo: `1234${bill.billNo.slice(4)}` })).json.errCode, 'INVALID_MSGSRC');
      const paid = await create(post);
      await gateway.pay(paid.bill);
      const refused = (await close({ billNo: paid.bill.billNo })).json;
      assert.equal(refused.errCode, 'OPERATION_NOT_ALLOWED');
      assert.match(refused.errMsg, new RegExp(`the bill of bill ${paid.bill.billNo} was paid`));
      assert.equal((await close({ billNo: paid.bill.billNo, systemId: 42 })).json.errCode, 'BAD_REQUEST', 'systemId is text');
      assert.deepEqual(
        gateway.state.requests().filter((r) => r.path === CLOSE_QRCODE).map((r) => r.applied),
        [true, false, true, false, false, false, false, false],
      );
    }));

  test('close-qrcode by a billNo that names bills of two dates is refused: close that one by its qrCodeId', () =>
    run(async ({ post }) => {
      const billNo = `${MSG_SRC_ID}${at.compact}TWODAYS`;
      const made = [];
      for (const billDate of [at.date, '2025-01-03']) {
        const { json } = await post(GET_QRCODE, body({ mid, tid, instMid: 'QRPAYDEFAULT', billNo, billDate, totalAmount: '100' }));
        assert.equal(json.errCode, 'SUCCESS', json.errMsg);
        made.push(json);
      }
      const ambiguous = (await post(CLOSE_QRCODE, body({ mid, tid, instMid: 'QRPAYDEFAULT', billNo }))).json;
      assert.equal(ambiguous.errCode, 'BAD_REQUEST');
      assert.match(ambiguous.errMsg, /names bills of 2025-01-02, 2025-01-03; close the one you mean by its qrCodeId/);
      const one = (await post(CLOSE_QRCODE, body({ mid, tid, instMid: 'QRPAYDEFAULT', billNo, qrCodeId: made[1].qrCodeId }))).json;
      assert.equal(one.errCode, 'SUCCESS', one.errMsg);
      assert.equal(one.billDate, '2025-01-03');
    }));

  test('refund takes what is left of a paid ordinary bill, in parts; REFUND once nothing is left; each refund is found by its order id', () =>
    run(async ({ gateway, post }) => {
      const { bill } = await create(post);
      const refund = (extra) => post(REFUND, body({ ...bill, ...extra }));
      const unpaid = (await refund({ refundAmount: 100, refundOrderId: `${MSG_SRC_ID}R1` })).json;
      assert.equal(unpaid.errCode, 'OPERATION_NOT_ALLOWED');
      assert.match(unpaid.errMsg, /UNPAID: nobody paid it/);
      await gateway.pay(bill);

      const first = (await refund({ refundAmount: 600, refundOrderId: `${MSG_SRC_ID}R1` })).json;
      assert.equal(first.errCode, 'SUCCESS', first.errMsg);
      assert.equal(first.refundAmount, 600);
      assert.equal(first.refundStatus, 'SUCCESS');
      assert.equal(first.billStatus, 'PAID');
      assert.equal((await refund({ refundAmount: 1, refundOrderId: `${MSG_SRC_ID}R1` })).json.errCode, 'DUP_ORDER');
      const tooMuch = (await refund({ refundAmount: 1501, refundOrderId: `${MSG_SRC_ID}R2` })).json;
      assert.equal(tooMuch.errCode, 'OPERATION_NOT_ALLOWED');
      assert.match(tooMuch.errMsg, /refundAmount 1501 is more than the 1500 fen/);
      // Without refundOrderId the emulator makes one up, with the source id first.
      const rest = (await refund({ refundAmount: '1500' })).json;
      assert.equal(rest.errCode, 'SUCCESS', rest.errMsg);
      assert.match(rest.refundOrderId, /^3194R\d+2$/);
      assert.equal(rest.billStatus, 'REFUND');
      assert.equal((await refund({ refundAmount: 1, refundOrderId: `${MSG_SRC_ID}R3` })).json.errCode, 'OPERATION_NOT_ALLOWED');

      const found = (await post(QUERY_PATH, queryBody(bill, { refundOrderId: rest.refundOrderId }))).json;
      assert.equal(found.billStatus, 'REFUND');
      assert.equal(found.refundBillPayment.merOrderId, rest.refundOrderId);
      assert.equal(found.refundBillPayment.totalAmount, 1500);
      assert.deepEqual(gateway.state.bill(bill.billNo, bill.billDate).refunds.map((r) => r.refundAmount), [600, 1500]);
    }));

  test('refund refuses a preauthorization (cancel or reverse it instead), a bill that is not PAID, and checks its fields', () =>
    run(
      async ({ post }) => {
        const closed = (await post(REFUND, body({ mid, tid, instMid: 'QRPAYDEFAULT', billNo: CLOSED_PLAIN.billNo, billDate: CLOSED_PLAIN.billDate, refundAmount: 100, refundOrderId: `${MSG_SRC_ID}R8` }))).json;
        assert.equal(closed.errCode, 'OPERATION_NOT_ALLOWED');
        assert.match(closed.errMsg, /is CLOSED .*only a PAID bill/);
        const { billNo, billDate } = BILL_1;
        const held = (await post(REFUND, body({ mid, tid, instMid: 'QRPAYDEFAULT', billNo, billDate, refundAmount: 100, refundOrderId: `${MSG_SRC_ID}R9` }))).json;
        assert.equal(held.errCode, 'OPERATION_NOT_ALLOWED');
        assert.match(held.errMsg, /is a preauthorization: cancel its hold/);
        const { json } = await post(REFUND, body({ ...newBill(), refundAmount: '-5', refundOrderId: 'X1' }));
        assert.equal(json.errCode, 'BAD_REQUEST');
        assert.match(json.errMsg, /refundAmount must be a positive whole number of fen/);
        assert.match(json.errMsg, /refundOrderId must start with the source id 3194/);
      },
      { gateway: { fixtures: [CLOSED_PLAIN] } },
    ));
});

describe('faults for recovery', () => {
  /** A gateway on the real clock, as a fault test times real requests. */
  const withLiveGateway = (fn) => withGateway(NODE, fn, { gateway: { now: Date.now } });
  /** A request signed now, to send more than once. */
  const signed = (sign, text) => ({ body: text, headers: { 'Content-Type': 'application/json', Authorization: sign(text, { timestamp: beijingTime(Date.now()).compact }).authorization } });
  const signedCancel = (sign) => signed(sign, cancelBody(BILL_1, {}, Date.now()));
  const sendTo = (gateway, path, { body: text, headers }) => fetch(`${gateway.url}${path}`, { method: 'POST', headers, body: text });

  test("'unavailable' answers 503 before applying; 'reset' drops the connection unread (the same signed request then succeeds)", () =>
    withLiveGateway(async ({ gateway, sign }) => {
      gateway.inject('unavailable', { path: CANCEL_PATH });
      const request = signedCancel(sign);
      const unavailable = await sendTo(gateway, CANCEL_PATH, request);
      assert.equal(unavailable.status, 503);
      assert.match(await unavailable.text(), /503 Service Temporarily Unavailable/);
      gateway.inject('reset', { path: CANCEL_PATH });
      await assert.rejects(sendTo(gateway, CANCEL_PATH, request), TypeError);
      assert.equal(gateway.state.bill(BILL_1.billNo, BILL_1.billDate).billStatus, 'PAID');
      // Neither used the nonce: the very same request is still accepted.
      const accepted = await sendTo(gateway, CANCEL_PATH, request);
      assert.equal((await accepted.json()).errCode, 'SUCCESS');
      assert.deepEqual(
        gateway.state.requests().map(({ path, status, fault, applied }) => ({ path, status, fault, applied })),
        [
          { path: CANCEL_PATH, status: 503, fault: 'unavailable', applied: false },
          { path: CANCEL_PATH, status: null, fault: 'reset', applied: false },
          { path: CANCEL_PATH, status: 200, fault: null, applied: true },
        ],
      );
    }));

  test("'answer-lost' applies the cancel, then drops the connection: the bill is CLOSED and the nonce is spent", () =>
    withLiveGateway(async ({ gateway, sign }) => {
      gateway.inject('answer-lost', { path: CANCEL_PATH });
      const request = signedCancel(sign);
      await assert.rejects(sendTo(gateway, CANCEL_PATH, request), TypeError);
      assert.equal(gateway.state.bill(BILL_1.billNo, BILL_1.billDate).billStatus, 'CLOSED');
      const replayed = await sendTo(gateway, CANCEL_PATH, request);
      assert.equal(replayed.status, 401, 'the lost request was authenticated for real');
      const [lost] = gateway.state.requests();
      assert.deepEqual({ status: lost.status, errCode: lost.errCode, fault: lost.fault, applied: lost.applied }, { status: null, errCode: 'SUCCESS', fault: 'answer-lost', applied: true });
      assert.equal(typeof lost.at, 'number');
    }));

  test("'answer-late' applies at once and answers after delayMs; close() does not wait for a held answer", async () => {
    let pending;
    await withLiveGateway(async ({ gateway, sign }) => {
      gateway.inject('answer-late', { path: QUERY_PATH, delayMs: 30 });
      const late = await sendTo(gateway, QUERY_PATH, signed(sign, queryBody(BILL_1, {}, Date.now())));
      assert.equal(late.status, 200);
      assert.equal((await late.json()).billStatus, 'PAID');

      gateway.inject('answer-late', { path: CANCEL_PATH, delayMs: 60_000 });
      let settled = false;
      pending = sendTo(gateway, CANCEL_PATH, signedCancel(sign)).finally(() => (settled = true));
      pending.catch(() => {});
      const deadline = Date.now() + 5000;
      while (gateway.state.bill(BILL_1.billNo, BILL_1.billDate).billStatus !== 'CLOSED' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      assert.equal(gateway.state.bill(BILL_1.billNo, BILL_1.billDate).billStatus, 'CLOSED', 'applied before the answer');
      assert.equal(settled, false, 'the answer is still held');
    });
    // withGateway closed the gateway: the held request ends without an answer, at once.
    await assert.rejects(pending, TypeError);
  });

  test('fault options are checked; the faults option arms them from the start', async () => {
    const gateway = await startGateway({ credentials: [APP], faults: [{ fault: 'answer-late', delayMs: 10, path: QUERY_PATH }, { fault: 'reset' }] });
    try {
      assert.equal(gateway.state.pendingFaults(), 2);
      assert.throws(() => gateway.inject('answer-lost', { delayMs: 5 }), /delayMs is for 'answer-late' only/);
      assert.throws(() => gateway.inject('answer-late', { delayMs: -1 }), /delayMs must be a whole number of milliseconds/);
      assert.throws(() => gateway.inject('answer-gone'), /unknown fault "answer-gone"; use token-refusal or non-json-401 or unavailable or reset or answer-lost or answer-late/);
      await assert.rejects(fetch(`${gateway.url}/`), TypeError);
      assert.deepEqual(gateway.state.requests().map((r) => [r.method, r.path, r.status, r.fault]), [['GET', '/', null, 'reset']]);
      // Records name the path as routed.
      await fetch(`${gateway.url}/v1/netpay/bills/x/../query`, { method: 'POST', body: '{}' });
      assert.equal(gateway.state.requests().at(-1).path, QUERY_PATH);
      assert.equal((await fetch(`${gateway.url}/cashier/qrcode/pay`, { method: 'POST', body: 'x'.repeat(70_000) })).status, 413);
    } finally {
      await gateway.close();
    }
  });
});

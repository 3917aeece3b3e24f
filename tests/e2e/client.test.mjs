// ChinaumsClient.request (the raw escape hatch: the envelope, whatever the platform answered) over
// real HTTP on 127.0.0.1: the new endpoints' round trips through the emulator (create a bill, pay
// it, refund it, close an unpaid one), the operation's table chosen by path, any other versioned
// path written exactly, the opt-in charset, and what the client does when no answer arrives or
// the input is bad (nothing is sent). client.bills.<op> is client-bills.test.mjs's.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { ChinaumsClient, ChinaumsError, beijingTime, bills } from 'chinaums-open';
import { startGateway } from 'chinaums-open-gateway';
import { APP, BILL_1, MSG_SRC_ID } from './helpers.mjs';

const { mid, tid } = BILL_1;
const today = beijingTime(Date.now());
let serial = 0;
const newBill = () => ({ mid, tid, billNo: `${MSG_SRC_ID}${today.compact}${String((serial += 1)).padStart(4, '0')}`, billDate: today.date });

async function withClient(fn, options = {}) {
  const gateway = await startGateway({ credentials: [{ ...APP, msgSrcId: MSG_SRC_ID }] });
  const client = new ChinaumsClient({ ...APP, baseUrl: gateway.url, msgSrcId: MSG_SRC_ID, ...options });
  try {
    return await fn({ gateway, client });
  } finally {
    client.free();
    await gateway.close();
  }
}

test('get-qrcode → the payer pays → refund in two parts → bills/query shows REFUND', () =>
  withClient(async ({ gateway, client }) => {
    const bill = newBill();
    const created = await client.request(bills.getQrcode.path, { ...bill, totalAmount: 1000, billDesc: '两杯咖啡', goods: [{ goodsId: 'C1', goodsName: '咖啡', quantity: 2, price: 500 }] });
    assert.equal(created.status, 200);
    assert.equal(created.response.errCode, 'SUCCESS', created.text);
    assert.match(created.response.billQRCode, /^http:\/\/127\.0\.0\.1:\d+\//);
    // The typed builder filled the table's defaults and kept its order.
    assert.match(created.request.body, /^\{"requestTimestamp":"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d","mid":"898201612345678","tid":"88880001","instMid":"QRPAYDEFAULT","billNo":/);
    // The envelope shows the request sent, its Signature redacted.
    assert.match(created.request.headers.Authorization, /^OPEN-BODY-SIG AppId="[^"]+", Timestamp="\d{14}", Nonce="[0-9a-f]{32}", Signature="<redacted>"$/);

    await gateway.pay(bill);
    const refund = (refundOrderId, refundAmount) => client.request(bills.refund.path, { ...bill, refundOrderId, refundAmount });
    const first = await refund(`${MSG_SRC_ID}R${today.compact}1`, 400);
    assert.equal(first.response.errCode, 'SUCCESS', first.text);
    const second = await refund(`${MSG_SRC_ID}R${today.compact}2`, '600');
    assert.equal(second.response.errCode, 'SUCCESS', second.text);
    const tooMuch = await refund(`${MSG_SRC_ID}R${today.compact}3`, 1);
    assert.notEqual(tooMuch.response.errCode, 'SUCCESS', 'nothing is left to refund');

    const query = await client.request(bills.query.path, bill);
    assert.equal(query.response.billStatus, 'REFUND', query.text);
    const lookUp = await client.request(bills.query.path, { ...bill, refundOrderId: `${MSG_SRC_ID}R${today.compact}1` });
    assert.equal(lookUp.response.refundBillPayment.totalAmount, 400, lookUp.text);
    assert.equal(lookUp.response.refundBillPayment.merOrderId, `${MSG_SRC_ID}R${today.compact}1`);
  }));

test('close-qrcode closes an unpaid bill, which can then not be paid', () =>
  withClient(async ({ gateway, client }) => {
    const bill = newBill();
    const created = await client.request(bills.getQrcode.path, { ...bill, totalAmount: 300 });
    const closed = await client.request(bills.closeQrcode.path, { mid, tid, qrCodeId: created.response.qrCodeId });
    assert.equal(closed.response.errCode, 'SUCCESS', closed.text);
    await assert.rejects(gateway.pay(bill));
    assert.equal((await client.request(bills.query.path, bill)).response.billStatus, 'CLOSED');
  }));

test('a bad input is refused with the field table issue, before anything is sent', () =>
  withClient(async ({ gateway, client }) => {
    const bill = newBill();
    for (const [input, code, field] of [
      [{ ...bill, totalAmount: '21.00' }, 'ERR_FIELD_FORMAT', 'totalAmount'],
      [{ ...bill, totalAmount: 1000, preauthTransaction: 'yes' }, 'ERR_FIELD_FORMAT', 'preauthTransaction'],
      [{ ...bill, totalAmount: 1000, goods: [{ goodsId: 'x', price: 1.5 }] }, 'ERR_FIELD_FORMAT', 'goods'],
      [{ ...bill, totalAmount: 1000, notifyUrl: 'ftp://merchant.example/notify' }, 'ERR_FIELD_FORMAT', 'notifyUrl'],
      [{ ...bill, billNo: 'ABCD0001', totalAmount: 1000 }, 'ERR_FIELD_PREFIX', 'billNo'],
    ]) {
      await assert.rejects(client.request(bills.getQrcode.path, input), (error) => {
        assert.ok(error instanceof ChinaumsError);
        assert.equal(error.code, code, error.message);
        assert.ok(error.issues[0].field.startsWith(field), JSON.stringify(error.issues));
        return true;
      });
    }
    await assert.rejects(client.request(bills.refund.path, { ...bill, refundAmount: 100 }), { code: 'ERR_FIELD_REQUIRED', field: 'refundOrderId' });
    assert.deepEqual(gateway.state.requests(), []);
  }));

test('any other versioned path is written exactly; the charset is opt-in', () =>
  withClient(
    async ({ gateway, client }) => {
      const answer = await client.request('/v1/netpay/refund-query', '{"b":"2","a":1.50}');
      assert.equal(answer.request.url, `${gateway.url}/v1/netpay/refund-query`);
      assert.match(answer.request.body, /^\{"requestTimestamp":"[^"]+","b":"2","a":1.50\}$/);
      assert.equal(answer.request.headers['Content-Type'], 'application/json; charset=utf-8');
      // The emulator does not serve that path: its refusal is read like any platform answer.
      assert.equal(answer.status, 404);
      assert.equal(answer.response.ok, false);
      assert.equal(answer.response.errCode, 'NO_SERVICE');
      assert.equal(answer.error, null);
      assert.equal(JSON.parse(answer.text).errCode, 'NO_SERVICE');
      await assert.rejects(client.request('/v1/netpay/../token/access', {}), { code: 'ERR_FIELD_FORMAT' });
    },
    { contentType: 'application/json; charset=utf-8' },
  ));

test('no answer: ERR_NETWORK, saying the request may have been applied; the client shows no key', async () => {
  // Port 1 on 127.0.0.1: nothing listens, the connection is refused.
  const client = new ChinaumsClient({ ...APP, baseUrl: 'http://127.0.0.1:1', timeoutMs: 2000 });
  try {
    await assert.rejects(client.request(bills.query.path, { ...newBill() }), (error) => {
      assert.equal(error.code, 'ERR_NETWORK');
      assert.match(error.message, /may or may not have been applied/);
      assert.ok(error.cause instanceof Error);
      return true;
    });
    for (const shown of [JSON.stringify(client), inspect(client, { showHidden: true, depth: 5 }), String(client)]) {
      assert.ok(!shown.includes(APP.appKey), shown);
    }
    assert.deepEqual(JSON.parse(JSON.stringify(client)), { appId: APP.appId, timeoutMs: 2000 });
  } finally {
    client.free();
  }
});

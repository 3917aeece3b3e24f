// The library's field tables and the emulator's (written independently, gateway/rules.js) agree
// on every member of every bills operation: requests with every field of the library's table
// filled are built, checked and signed by the client (client.bills.<op>), sent, and accepted by
// the emulator with SUCCESS. The members sent are compared with the library's table
// (bills.<op>.fields), so a field added to a table must be added here and to the emulator too;
// a field one side forgot, renamed or typed differently fails here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChinaumsClient, beijingTime, bills } from 'chinaums-open';
import { startGateway } from 'chinaums-open-gateway';
import { APP, BILL_1, MSG_SRC_ID } from './helpers.mjs';

const { mid, tid } = BILL_1;
const now = beijingTime(Date.now());
const later = beijingTime(Date.now() + 3_600_000).dateTime;
const common = { mid, tid, instMid: 'QRPAYDEFAULT' };

/** get-qrcode with every member of the official sample. */
function everyGetQrcodeField(billNo, qrCodeId, preauthTransaction) {
  return {
    subMchntInfo: 'sub-merchant',
    ...common,
    msgId: 'msg-1',
    srcReserve: 'reserved',
    billNo,
    billDate: now.date,
    billDesc: '两杯咖啡',
    totalAmount: 2100,
    divisionFlag: 'false',
    platformAmount: 0,
    goods: [{ goodsId: 'C1', goodsName: '咖啡', quantity: 2, price: 1050, goodsCategory: 'drink', body: 'latte', subMerchantId: 'S1', merOrderId: `${MSG_SRC_ID}G1`, subOrderAmount: 0 }],
    subOrders: [{ mid: '898201612345679', merOrderId: `${MSG_SRC_ID}S1`, totalAmount: 0 }],
    memberId: 'member-7',
    counterNo: 'counter-2',
    expireTime: later,
    notifyUrl: 'https://merchant.example/notify',
    returnUrl: 'https://merchant.example/return',
    qrCodeId,
    systemId: 'sys',
    secureTransaction: 'false',
    walletOption: 'SINGLE',
    name: '张三',
    mobile: '13800000000',
    certType: 'IDENTITY_CARD',
    certNo: '110101199001011234',
    fixBuyer: 'F',
    limitCreditCard: 'false',
    payInfoQueryAddr: 'https://merchant.example/pay-info',
    preauthTransaction,
    installmentNumber: '3',
    retCommParams: { channel: 'test' },
    attachedData: 'attached',
    clientIp: '127.0.0.1',
  };
}

/**
 * A client on a fresh emulator whose onRequest hook keeps every body sent, by operation:
 * `sent.query` is the list of the members of each bills/query body, in order.
 */
async function withClient(fn) {
  const gateway = await startGateway({ credentials: [{ ...APP, msgSrcId: MSG_SRC_ID }] });
  const sent = {};
  const client = new ChinaumsClient({
    ...APP,
    baseUrl: gateway.url,
    msgSrcId: MSG_SRC_ID,
    includeBodies: true,
    onRequest: ({ operation, body }) => (sent[operation] ??= []).push(Object.keys(JSON.parse(body))),
  });
  try {
    return await fn({ gateway, client, sent });
  } finally {
    client.free();
    await gateway.close();
  }
}

/** Every member of the operation's table was sent, over its requests, and nothing else. */
function assertEveryField(sent, operation) {
  const table = bills[operation].fields.map((f) => f.name);
  const members = new Set((sent[operation] ?? []).flat());
  assert.deepEqual([...members].sort(), [...table].sort(), `the ${operation} requests sent every field of its table`);
}

test('every get-qrcode, close-qrcode, refund and query field the library writes, the emulator accepts', () =>
  withClient(async ({ gateway, client, sent }) => {
    const paid = { billNo: `${MSG_SRC_ID}${now.compact}7001`, billDate: now.date };
    const created = await client.bills.getQrcode(everyGetQrcodeField(paid.billNo, `${MSG_SRC_ID}QRCODE7001`, false));
    assert.equal(created.qrCodeId, `${MSG_SRC_ID}QRCODE7001`);
    assert.deepEqual(sent.getQrcode[0], bills.getQrcode.fields.map((f) => f.name), 'every member, in the table order');

    await gateway.pay(paid);
    const refund = await client.bills.refund({
      ...common,
      ...paid,
      refundAmount: 100,
      msgId: 'msg-2',
      srcReserve: 'reserved',
      refundOrderId: `${MSG_SRC_ID}R7001`,
      platformAmount: 0,
      subOrders: [{ mid: '898201612345679', merOrderId: `${MSG_SRC_ID}S1`, refundOrderId: `${MSG_SRC_ID}SR1`, totalAmount: 0 }],
      refundDesc: '退一杯',
    });
    assert.equal(refund.refundAmount, 100);
    const lookUp = await client.bills.query({ ...common, ...paid, refundOrderId: `${MSG_SRC_ID}R7001`, msgId: 'msg-3', srcReserve: 'reserved' });
    assert.equal(lookUp.refundBillPayment?.merOrderId, `${MSG_SRC_ID}R7001`);

    // close-qrcode by qrCodeId and billNo together (they name one bill), with the get-qrcode
    // answer's systemId and attachRefund, as a public TypeScript integration sends it…
    const unpaid = { billNo: `${MSG_SRC_ID}${now.compact}7002`, billDate: now.date };
    const second = await client.bills.getQrcode(everyGetQrcodeField(unpaid.billNo, `${MSG_SRC_ID}QRCODE7002`, false));
    const closed = await client.bills.closeQrcode({ ...common, qrCodeId: second.qrCodeId, billNo: unpaid.billNo, systemId: 'sys', msgId: 'msg-4', srcReserve: 'reserved', attachRefund: 'false' });
    assert.equal(closed.billStatus, 'CLOSED');
    assert.equal((await client.bills.query({ ...common, ...unpaid })).billStatus, 'CLOSED');

    // …and by billNo alone (with mid and tid), as the majiameng PHP client sends it.
    const third = { billNo: `${MSG_SRC_ID}${now.compact}7003`, billDate: now.date };
    await client.bills.getQrcode({ ...common, ...third, totalAmount: 300 });
    const byBillNo = await client.bills.closeQrcode({ ...common, billNo: third.billNo, systemId: 'sys' });
    assert.equal(byBillNo.billNo, third.billNo);
    assert.equal(byBillNo.billStatus, 'CLOSED');
    assert.deepEqual(sent.closeQrcode[1], ['requestTimestamp', 'mid', 'tid', 'instMid', 'billNo', 'systemId']);
    assert.equal(gateway.state.bill(third.billNo, third.billDate).billStatus, 'CLOSED');

    for (const operation of ['getQrcode', 'refund', 'closeQrcode']) assertEveryField(sent, operation);
  }));

test('every preauthed, preauthed-cancel, preauth-cancel and query field the library writes, the emulator accepts', () =>
  withClient(async ({ gateway, client, sent }) => {
    const bill = { ...common, billNo: `${MSG_SRC_ID}${now.compact}7101`, billDate: now.date };
    await client.bills.getQrcode(everyGetQrcodeField(bill.billNo, `${MSG_SRC_ID}QRCODE7101`, true));
    const frozen = await gateway.pay(bill);
    assert.equal(frozen.preauth, true);

    const authedOrderId = `${MSG_SRC_ID}AUTHED7101`;
    const captured = await client.bills.preauthed({ ...bill, authedOrderId, authIdRespCd: frozen.authIdRespCd, totalAmount: '1500', authedDesc: '完成', msgId: 'msg-5', srcReserve: 'reserved' });
    assert.equal(captured.completeAmount, 1500);
    const byCapture = await client.bills.query({ ...bill, authedOrderId, msgId: 'msg-6', srcReserve: 'reserved' });
    assert.equal(byCapture.billPayment?.merOrderId, authedOrderId);

    const reversed = await client.bills.preauthedCancel({ ...bill, merOrderId: authedOrderId, authIdRespCd: frozen.authIdRespCd, msgId: 'msg-7', srcReserve: 'reserved' });
    assert.equal(reversed.billPayment?.status, 'TRADE_CLOSED');
    const voided = await client.bills.preauthCancel({ ...bill, merOrderId: frozen.merOrderId, authIdRespCd: frozen.authIdRespCd, msgId: 'msg-8', srcReserve: 'reserved' });
    assert.equal(voided.billStatus, 'CLOSED');

    for (const operation of ['preauthed', 'preauthedCancel', 'preauthCancel']) assertEveryField(sent, operation);
    // bills/query's look-ups (refundOrderId, authedOrderId) are covered with the other test's.
    assert.deepEqual(sent.query[0], ['requestTimestamp', 'mid', 'tid', 'instMid', 'billNo', 'billDate', 'authedOrderId', 'msgId', 'srcReserve']);
  }));

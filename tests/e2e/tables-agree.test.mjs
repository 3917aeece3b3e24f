// The library's field tables and the emulator's (written independently, gateway/rules.js) agree
// on every member of the new endpoints: a request with each field of the official samples
// filled is built and checked by the library, sent, and accepted by the emulator. A field one
// side forgot, renamed or typed differently fails here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BILLS_QUERY_PATH, CLOSE_QRCODE_PATH, ChinaumsClient, GET_QRCODE_PATH, REFUND_PATH, beijingTime } from 'chinaums-open';
import { startGateway } from 'chinaums-open-gateway';
import { APP, BILL_1, MSG_SRC_ID } from './helpers.mjs';

const { mid, tid } = BILL_1;
const now = beijingTime(Date.now());
const later = beijingTime(Date.now() + 3_600_000).dateTime;

/** get-qrcode with every member of the official sample. */
function everyGetQrcodeField(billNo, qrCodeId) {
  return {
    subMchntInfo: 'sub-merchant',
    mid,
    tid,
    instMid: 'QRPAYDEFAULT',
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
    preauthTransaction: false,
    installmentNumber: '3',
    retCommParams: { channel: 'test' },
    attachedData: 'attached',
    clientIp: '127.0.0.1',
  };
}

test('every get-qrcode, close-qrcode and refund field the library writes, the emulator accepts', async () => {
  const gateway = await startGateway({ credentials: [{ ...APP, msgSrcId: MSG_SRC_ID }] });
  const client = new ChinaumsClient({ ...APP, baseUrl: gateway.url, msgSrcId: MSG_SRC_ID });
  try {
    const paid = { billNo: `${MSG_SRC_ID}${now.compact}7001`, billDate: now.date };
    const created = await client.request(GET_QRCODE_PATH, everyGetQrcodeField(paid.billNo, `${MSG_SRC_ID}QRCODE7001`));
    assert.equal(created.response.errCode, 'SUCCESS', created.text);
    assert.equal(created.response.qrCodeId, `${MSG_SRC_ID}QRCODE7001`);
    assert.equal(Object.keys(JSON.parse(created.request.body)).length, 36, 'every member was sent');

    await gateway.pay(paid);
    const refund = await client.request(REFUND_PATH, {
      mid,
      tid,
      instMid: 'QRPAYDEFAULT',
      ...paid,
      refundAmount: 100,
      msgId: 'msg-2',
      srcReserve: 'reserved',
      refundOrderId: `${MSG_SRC_ID}R7001`,
      platformAmount: 0,
      subOrders: [{ mid: '898201612345679', merOrderId: `${MSG_SRC_ID}S1`, refundOrderId: `${MSG_SRC_ID}SR1`, totalAmount: 0 }],
      refundDesc: '退一杯',
    });
    assert.equal(refund.response.errCode, 'SUCCESS', refund.text);
    assert.equal(Object.keys(JSON.parse(refund.request.body)).length, 13);

    const unpaid = { billNo: `${MSG_SRC_ID}${now.compact}7002`, billDate: now.date };
    const second = await client.request(GET_QRCODE_PATH, everyGetQrcodeField(unpaid.billNo, `${MSG_SRC_ID}QRCODE7002`));
    assert.equal(second.response.errCode, 'SUCCESS', second.text);
    const closed = await client.request(CLOSE_QRCODE_PATH, { mid, tid, instMid: 'QRPAYDEFAULT', qrCodeId: `${MSG_SRC_ID}QRCODE7002`, msgId: 'msg-3', srcReserve: 'reserved', attachRefund: 'false' });
    assert.equal(closed.response.errCode, 'SUCCESS', closed.text);
    assert.equal((await client.request(BILLS_QUERY_PATH, { mid, tid, ...unpaid })).response.billStatus, 'CLOSED');
  } finally {
    client.free();
    await gateway.close();
  }
});

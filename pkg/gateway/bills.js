// The emulated merchant's bills and the two bills operations the emulator serves.
//
// A preauthorized bill is "frozen" while its hold stands: billStatus PAID with a billPayment in
// TRADE_SUCCESS (the funds are held, as after the payer scanned a preauth QR code, PROTOCOL.md
// §7.1). preauth-cancel voids the hold: billStatus CLOSED, billPayment.status TRADE_CLOSED, as in
// the platform's sample response. Business outcomes come back with HTTP 200 and an errCode, the
// way the platform answers them (PROTOCOL.md §7.3, §9.2).

import { checkBody, BILLS_QUERY_FIELDS, PREAUTH_CANCEL_FIELDS } from './rules.js';
import { beijingDateTime, parseDate, parseDateTime } from './time.js';

/** The bills every emulator starts with (fixtures are added to them, or replace one by key). */
export const DEFAULT_BILLS = Object.freeze([
  // The bill of the V1 vectors (PROTOCOL.md §12.2): a frozen preauth of 21.00 yuan.
  Object.freeze({
    mid: '898201612345678',
    tid: '88880001',
    billNo: '3194202501020304050001',
    billDate: '2025-01-02',
    merOrderId: '31942025010203040500010',
    authIdRespCd: '000665',
    totalAmount: 2100,
    payTime: '2025-01-02 03:00:00',
  }),
  // A second frozen preauth, so that a flow can cancel one bill and still have another.
  Object.freeze({
    mid: '898201612345678',
    tid: '88880001',
    billNo: '3194202501020304050002',
    billDate: '2025-01-02',
    merOrderId: '31942025010203040500020',
    authIdRespCd: '000666',
    totalAmount: 5000,
    payTime: '2025-01-02 03:01:00',
  }),
  // An ordinary payment, which has no hold to cancel.
  Object.freeze({
    mid: '898201612345678',
    tid: '88880001',
    billNo: '3194202501020304050003',
    billDate: '2025-01-02',
    merOrderId: '31942025010203040500030',
    totalAmount: 1000,
    preauth: false,
    payTime: '2025-01-02 03:02:00',
  }),
]);

const BILL_STATUSES = ['PAID', 'UNPAID', 'REFUND', 'CLOSED', 'UNKNOWN'];
const PAYMENT_STATUSES = ['TRADE_SUCCESS', 'TRADE_CLOSED', 'TRADE_FAIL', 'TRADE_REFUND'];

/** 2100 → "21.00", with integer arithmetic. */
const yuan = (fen) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

function fixtureError(where, message) {
  return new TypeError(`startGateway: ${where}: ${message}`);
}

function requireText(fixture, name, where, { optional = false, fallback } = {}) {
  const value = fixture[name];
  if (value === undefined && optional) return fallback;
  if (typeof value !== 'string' || value === '') throw fixtureError(where, `${name} must be a non-empty string`);
  return value;
}

/** A fixture (the flat form documented in index.d.ts) as the internal bill record. */
function billFromFixture(fixture, where) {
  if (fixture === null || typeof fixture !== 'object' || Array.isArray(fixture)) {
    throw fixtureError(where, 'a bill fixture must be an object');
  }
  const preauth = fixture.preauth ?? true;
  if (typeof preauth !== 'boolean') throw fixtureError(where, 'preauth must be true or false');
  const billDate = requireText(fixture, 'billDate', where);
  if (parseDate(billDate) === null) throw fixtureError(where, `billDate must be a real date yyyy-MM-dd, not ${JSON.stringify(billDate)}`);
  const totalAmount = fixture.totalAmount;
  if (!Number.isSafeInteger(totalAmount) || totalAmount <= 0) throw fixtureError(where, 'totalAmount must be a positive integer number of fen');
  const payTime = requireText(fixture, 'payTime', where, { optional: true, fallback: `${billDate} 12:00:00` });
  if (parseDateTime(payTime) === null) throw fixtureError(where, `payTime must be a real date-time yyyy-MM-dd HH:mm:ss`);
  const billStatus = requireText(fixture, 'billStatus', where, { optional: true, fallback: 'PAID' });
  const paymentStatus = requireText(fixture, 'paymentStatus', where, { optional: true, fallback: 'TRADE_SUCCESS' });
  if (!BILL_STATUSES.includes(billStatus)) throw fixtureError(where, `billStatus must be one of ${BILL_STATUSES.join(', ')}`);
  if (!PAYMENT_STATUSES.includes(paymentStatus)) throw fixtureError(where, `paymentStatus must be one of ${PAYMENT_STATUSES.join(', ')}`);
  const billNo = requireText(fixture, 'billNo', where);
  return {
    mid: requireText(fixture, 'mid', where),
    tid: requireText(fixture, 'tid', where),
    instMid: requireText(fixture, 'instMid', where, { optional: true, fallback: 'QRPAYDEFAULT' }),
    billNo,
    billDate,
    billStatus,
    totalAmount,
    preauth,
    cardAttr: requireText(fixture, 'cardAttr', where, { optional: true, fallback: 'CREDIT_CARD' }),
    payment: {
      merOrderId: requireText(fixture, 'merOrderId', where),
      // Only a preauth has an authorization code to quote when cancelling it.
      authIdRespCd: preauth ? requireText(fixture, 'authIdRespCd', where) : null,
      status: paymentStatus,
      payTime,
      settleDate: payTime.slice(0, 10),
      // Deterministic stand-ins for the platform's reference numbers.
      paySeqId: requireText(fixture, 'paySeqId', where, { optional: true, fallback: `${billNo.slice(-11)}N` }),
      targetOrderId: requireText(fixture, 'targetOrderId', where, { optional: true, fallback: `1623${billNo.slice(-16)}` }),
      targetSys: requireText(fixture, 'targetSys', where, { optional: true, fallback: 'ACP' }),
    },
  };
}

const keyOf = (billNo, billDate) => `${billNo}\n${billDate}`;

/** What callers of `state` see: a copy, so that tests cannot change the emulator by accident. */
function snapshot(bill) {
  return {
    mid: bill.mid,
    tid: bill.tid,
    instMid: bill.instMid,
    billNo: bill.billNo,
    billDate: bill.billDate,
    billStatus: bill.billStatus,
    totalAmount: bill.totalAmount,
    preauth: bill.preauth,
    billPayment: { ...bill.payment },
  };
}

/** The billPayment object of a response; amounts as `amount(fen)` writes them. */
function paymentView(bill, amount) {
  const fen = amount(bill.totalAmount);
  return {
    merOrderId: bill.payment.merOrderId,
    billBizType: 'bills',
    paySeqId: bill.payment.paySeqId,
    totalAmount: fen,
    buyerPayAmount: fen,
    invoiceAmount: fen,
    discountAmount: amount(0),
    buyerId: '',
    buyerUsername: '',
    payDetail: `现金支付${yuan(bill.totalAmount)}元`,
    payTime: bill.payment.payTime,
    settleDate: bill.payment.settleDate,
    status: bill.payment.status,
    targetOrderId: bill.payment.targetOrderId,
    targetSys: bill.payment.targetSys,
    activityIds: '',
  };
}

/** The request's string value of a field, for echoing; '' when absent or not a string. */
function echo(request, name) {
  return request !== null && typeof request === 'object' && typeof request[name] === 'string' ? request[name] : '';
}

/** A business failure: HTTP 200, errCode/errMsg, and the identifying fields echoed. */
function businessError(request, nowMs, errCode, errMsg) {
  const body = { errCode, errMsg, responseTimestamp: beijingDateTime(nowMs) };
  if (request !== null && typeof request === 'object' && !Array.isArray(request)) {
    for (const name of ['mid', 'tid', 'instMid', 'billNo', 'billDate']) {
      if (typeof request[name] === 'string') body[name] = request[name];
    }
    body.msgId = echo(request, 'msgId');
    body.srcReserve = echo(request, 'srcReserve');
  }
  return { status: 200, body };
}

/** Rule failures: BAD_REQUEST, or INVALID_MSGSRC when the only problem is the source id. */
function ruleFailure(request, nowMs, { problems, prefixProblems }) {
  if (problems.length > 0) return businessError(request, nowMs, 'BAD_REQUEST', problems.concat(prefixProblems).join('; '));
  if (prefixProblems.length > 0) return businessError(request, nowMs, 'INVALID_MSGSRC', prefixProblems.join('; '));
  return null;
}

export class BillBook {
  #bills = new Map();

  /** @param {Array<object>} fixtures added to (or replacing by billNo + billDate) the defaults */
  constructor(fixtures = []) {
    DEFAULT_BILLS.forEach((f, i) => this.#put(billFromFixture(f, `default bill ${i}`)));
    const seen = new Set();
    fixtures.forEach((f, i) => {
      const bill = billFromFixture(f, `fixtures[${i}]`);
      const key = keyOf(bill.billNo, bill.billDate);
      if (seen.has(key)) throw fixtureError(`fixtures[${i}]`, `bill ${bill.billNo} of ${bill.billDate} appears twice`);
      seen.add(key);
      this.#put(bill);
    });
  }

  #put(bill) {
    this.#bills.set(keyOf(bill.billNo, bill.billDate), bill);
  }

  /** Copies of every bill. */
  all() {
    return [...this.#bills.values()].map(snapshot);
  }

  /** A copy of one bill, or null. */
  get(billNo, billDate) {
    const bill = this.#bills.get(keyOf(billNo, billDate));
    return bill === undefined ? null : snapshot(bill);
  }

  /** Adds (or replaces) a bill while the gateway runs. */
  add(fixture) {
    const bill = billFromFixture(fixture, 'addBill');
    this.#put(bill);
    return snapshot(bill);
  }

  /** The bill a request designates, when mid, tid, instMid, billNo and billDate all match. */
  #find(request) {
    const bill = this.#bills.get(keyOf(request.billNo, request.billDate));
    const matches = bill !== undefined && bill.mid === request.mid && bill.tid === request.tid && bill.instMid === request.instMid;
    return matches ? bill : null;
  }

  /** `POST /v1/netpay/bills/preauth-cancel` with a parsed JSON body: `{ status, body }`. */
  preauthCancel(request, credential, nowMs) {
    const failed = ruleFailure(request, nowMs, checkBody(PREAUTH_CANCEL_FIELDS, request, credential));
    if (failed !== null) return failed;
    const bill = this.#find(request);
    if (bill === null) {
      return businessError(request, nowMs, 'NO_BILL', `no bill ${request.billNo} of ${request.billDate} for this mid, tid and instMid`);
    }
    if (bill.payment.merOrderId !== request.merOrderId) {
      return businessError(request, nowMs, 'NO_ORDER', `bill ${bill.billNo} has no payment with merOrderId ${request.merOrderId}`);
    }
    if (!bill.preauth) {
      return businessError(request, nowMs, 'OPERATION_NOT_ALLOWED', `the payment ${request.merOrderId} is not a preauthorization; refund it instead`);
    }
    if (bill.payment.authIdRespCd !== request.authIdRespCd) {
      return businessError(request, nowMs, 'INVALID_ORDER', `authIdRespCd does not match the preauthorization of ${request.merOrderId}`);
    }
    if (bill.billStatus !== 'PAID' || bill.payment.status !== 'TRADE_SUCCESS') {
      return businessError(
        request,
        nowMs,
        'OPERATION_NOT_ALLOWED',
        `the preauthorization ${request.merOrderId} is no longer frozen (billStatus ${bill.billStatus}, status ${bill.payment.status}); nothing to cancel`,
      );
    }
    bill.billStatus = 'CLOSED';
    bill.payment.status = 'TRADE_CLOSED';
    // The platform's sample response, member for member, amounts as strings as it shows them.
    return {
      status: 200,
      body: {
        errCode: 'SUCCESS',
        errMsg: '',
        responseTimestamp: beijingDateTime(nowMs),
        mid: bill.mid,
        tid: bill.tid,
        billPayment: paymentView(bill, String),
        msgId: echo(request, 'msgId'),
        srcReserve: echo(request, 'srcReserve'),
        billNo: bill.billNo,
        billDate: bill.billDate,
        instMid: bill.instMid,
        billQRCode: '',
        billStatus: bill.billStatus,
        cardAttr: bill.cardAttr,
      },
    };
  }

  /** `POST /v1/netpay/bills/query` with a parsed JSON body: `{ status, body }`. */
  query(request, credential, nowMs) {
    const failed = ruleFailure(request, nowMs, checkBody(BILLS_QUERY_FIELDS, request, credential));
    if (failed !== null) return failed;
    const bill = this.#find(request);
    if (bill === null) {
      return businessError(request, nowMs, 'NO_BILL', `no bill ${request.billNo} of ${request.billDate} for this mid, tid and instMid`);
    }
    // Query responses carry amounts as JSON numbers, as the clients that read them show
    // (PROTOCOL.md §7.2); the cancel response keeps the sample's strings. Both are valid input
    // for a lenient parser, and the two forms exercise it.
    return {
      status: 200,
      body: {
        errCode: 'SUCCESS',
        errMsg: '',
        responseTimestamp: beijingDateTime(nowMs),
        msgId: echo(request, 'msgId'),
        srcReserve: echo(request, 'srcReserve'),
        mid: bill.mid,
        tid: bill.tid,
        instMid: bill.instMid,
        billNo: bill.billNo,
        billDate: bill.billDate,
        billQRCode: '',
        billStatus: bill.billStatus,
        totalAmount: bill.totalAmount,
        billPayment: paymentView(bill, Number),
        cardAttr: bill.cardAttr,
      },
    };
  }
}

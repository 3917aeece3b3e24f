// The emulated merchant's bills and the bills operations the emulator serves: the preauth
// lifecycle of PROTOCOL.md §7.1 as a small state machine.
//
//                        preauthed (capture)
//   frozen ───────────────────────────────────────▶ captured
//   (PAID, payment       ◀───────────────────────── (PAID, the capture TRADE_SUCCESS,
//    TRADE_SUCCESS)        preauthed-cancel           completeAmount = the captured fen)
//      │                   (the capture becomes TRADE_CLOSED and the hold stands again,
//      │ preauth-cancel     as a reversed completion restores the authorization)
//      ▼
//   voided (CLOSED, payment TRADE_CLOSED, as in the platform's sample response)
//
// A frozen preauth is one whose funds are held, as after the payer scanned a preauth QR code.
// A capture takes at most the frozen amount under a new order id (authedOrderId); a captured
// preauth cannot be voided (OPERATION_NOT_ALLOWED) until its capture is reversed. bills/query
// shows the current state: billPayment is the standing capture when there is one, else the
// preauth's payment; with authedOrderId it is that capture (reversed or not); with
// refundOrderId the refund is in refundBillPayment. Business outcomes come back with HTTP 200
// and an errCode, the way the platform answers them (PROTOCOL.md §7.3, §9.2).
//
// Before all that, a bill is born UNPAID from bills/get-qrcode (a preauthorization when
// preauthTransaction is true) and has no payment until the payer pays it (BillBook.pay, the
// emulator's gateway.pay and cashier page): an ordinary bill becomes PAID, a preauth bill
// frozen. close-qrcode closes an unpaid bill (CLOSED); bills/refund refunds a paid ordinary
// bill in one or more parts, and the bill is REFUND once nothing is left to refund.

import { billAnswer, businessError, echo, paymentView, ruleFailure, successEnvelope } from './answers.js';
import {
  amountFen,
  checkBody,
  flagSet,
  BILLS_QUERY_FIELDS,
  CLOSE_QRCODE_FIELDS,
  CLOSE_QRCODE_ONE_OF,
  GET_QRCODE_FIELDS,
  PREAUTH_CANCEL_FIELDS,
  PREAUTHED_CANCEL_FIELDS,
  PREAUTHED_FIELDS,
  REFUND_FIELDS,
} from './rules.js';
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

function fixtureError(where, message) {
  return new TypeError(`startGateway: ${where}: ${message}`);
}

function requireText(fixture, name, where, { optional = false, fallback } = {}) {
  const value = fixture[name];
  if (value === undefined && optional) return fallback;
  if (typeof value !== 'string' || value === '') throw fixtureError(where, `${name} must be a non-empty string`);
  return value;
}

function requireFen(value, name, where) {
  if (!Number.isSafeInteger(value) || value <= 0) throw fixtureError(where, `${name} must be a positive integer number of fen`);
  return value;
}

/** A fixture's refund (`refunds[i]`) as the internal record: a transaction like a payment. */
function refundFromFixture(fixture, where, billDate) {
  if (fixture === null || typeof fixture !== 'object' || Array.isArray(fixture)) throw fixtureError(where, 'a refund must be an object');
  const refundOrderId = requireText(fixture, 'refundOrderId', where);
  const refundTime = requireText(fixture, 'refundTime', where, { optional: true, fallback: `${billDate} 13:00:00` });
  if (parseDateTime(refundTime) === null) throw fixtureError(where, 'refundTime must be a real date-time yyyy-MM-dd HH:mm:ss');
  const status = requireText(fixture, 'status', where, { optional: true, fallback: 'TRADE_SUCCESS' });
  if (!PAYMENT_STATUSES.includes(status)) throw fixtureError(where, `status must be one of ${PAYMENT_STATUSES.join(', ')}`);
  return {
    merOrderId: refundOrderId,
    fen: requireFen(fixture.refundAmount, 'refundAmount', where),
    status,
    payTime: refundTime,
    settleDate: refundTime.slice(0, 10),
    paySeqId: requireText(fixture, 'paySeqId', where, { optional: true, fallback: `${refundOrderId.slice(-11)}R` }),
    targetOrderId: requireText(fixture, 'targetOrderId', where, { optional: true, fallback: `5023${refundOrderId.slice(-16)}` }),
    targetSys: requireText(fixture, 'targetSys', where, { optional: true, fallback: 'ACP' }),
  };
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
  const totalAmount = requireFen(fixture.totalAmount, 'totalAmount', where);
  const payTime = requireText(fixture, 'payTime', where, { optional: true, fallback: `${billDate} 12:00:00` });
  if (parseDateTime(payTime) === null) throw fixtureError(where, `payTime must be a real date-time yyyy-MM-dd HH:mm:ss`);
  const billStatus = requireText(fixture, 'billStatus', where, { optional: true, fallback: 'PAID' });
  const paymentStatus = requireText(fixture, 'paymentStatus', where, { optional: true, fallback: 'TRADE_SUCCESS' });
  if (!BILL_STATUSES.includes(billStatus)) throw fixtureError(where, `billStatus must be one of ${BILL_STATUSES.join(', ')}`);
  if (!PAYMENT_STATUSES.includes(paymentStatus)) throw fixtureError(where, `paymentStatus must be one of ${PAYMENT_STATUSES.join(', ')}`);
  const billNo = requireText(fixture, 'billNo', where);
  const refundFixtures = fixture.refunds ?? [];
  if (!Array.isArray(refundFixtures)) throw fixtureError(where, 'refunds must be an array');
  const refunds = refundFixtures.map((r, i) => refundFromFixture(r, `${where}: refunds[${i}]`, billDate));
  const refundIds = new Set(refunds.map((r) => r.merOrderId));
  if (refundIds.size !== refunds.length) throw fixtureError(where, 'two refunds share a refundOrderId');
  if (refunds.reduce((sum, r) => sum + r.fen, 0) > totalAmount) throw fixtureError(where, 'the refunds add up to more than totalAmount');
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
    /** Completions (captures), oldest first; at most one stands (status TRADE_SUCCESS). */
    captures: [],
    /** Refunds (from fixtures and bills/refund), for bills/query with refundOrderId. */
    refunds,
    /** Set for bills made by get-qrcode: its QR code id, and where its notifications go. */
    qrCodeId: null,
    billQRCode: '',
    notifyUrl: null,
    expireTime: null,
    ownerAppId: null,
    createTime: payTime,
  };
}

/** A refund as bills/refund records it: a transaction like a payment. */
function newRefund(refundOrderId, fen, nowMs, targetSys) {
  const refundTime = beijingDateTime(nowMs);
  return {
    merOrderId: refundOrderId,
    fen,
    status: 'TRADE_SUCCESS',
    payTime: refundTime,
    settleDate: refundTime.slice(0, 10),
    paySeqId: `${refundOrderId.slice(-11)}R`,
    targetOrderId: `5023${refundOrderId.slice(-16)}`,
    targetSys,
  };
}

const keyOf = (billNo, billDate) => `${billNo}\n${billDate}`;

/** The capture that currently stands on a bill, or null. */
const standingCapture = (bill) => bill.captures.find((c) => c.status === 'TRADE_SUCCESS') ?? null;

/** A frozen preauth: its hold stands and nothing has been captured from it. */
const isFrozen = (bill) => bill.preauth && bill.payment !== null && bill.billStatus === 'PAID' && bill.payment.status === 'TRADE_SUCCESS' && standingCapture(bill) === null;

const captureSnapshot = (c) => ({
  authedOrderId: c.merOrderId,
  totalAmount: c.fen,
  authedDesc: c.authedDesc,
  status: c.status,
  payTime: c.payTime,
  settleDate: c.settleDate,
  paySeqId: c.paySeqId,
  targetOrderId: c.targetOrderId,
  targetSys: c.targetSys,
});

const refundSnapshot = (r) => ({
  refundOrderId: r.merOrderId,
  refundAmount: r.fen,
  status: r.status,
  refundTime: r.payTime,
  paySeqId: r.paySeqId,
  targetOrderId: r.targetOrderId,
  targetSys: r.targetSys,
});

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
    qrCodeId: bill.qrCodeId,
    billPayment: bill.payment === null ? null : { ...bill.payment },
    captures: bill.captures.map(captureSnapshot),
    refunds: bill.refunds.map(refundSnapshot),
  };
}

/**
 * The bill's current payment: the standing capture when there is one, else the bill's own;
 * undefined (left out of answers) while the bill is unpaid.
 */
function currentPayment(bill, amount) {
  if (bill.payment === null) return undefined;
  const capture = standingCapture(bill);
  return capture === null ? paymentView(bill.payment, bill.totalAmount, amount) : paymentView(capture, capture.fen, amount);
}

/** Members that report a capture: completeAmount while one stands. */
function completion(bill, amount) {
  const capture = standingCapture(bill);
  return capture === null ? {} : { completeAmount: amount(capture.fen) };
}

export class BillBook {
  #bills = new Map();

  /** The gateway's clock (epoch ms, or null when it is broken), for the expiry of unpaid bills. */
  #now;

  /**
   * @param {Array<object>} fixtures added to (or replacing by billNo + billDate) the defaults
   * @param {{ now?: () => number | null }} options
   */
  constructor(fixtures = [], { now = () => null } = {}) {
    this.#now = now;
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

  /** Serials for the ids the platform makes up: QR code ids and authorization codes. */
  #qrCodeSerial = 0;
  #authCodeSerial = 100000;

  #put(bill) {
    this.#bills.set(keyOf(bill.billNo, bill.billDate), bill);
  }

  /** Copies of every bill. */
  all() {
    return [...this.#bills.values()].map((bill) => snapshot(this.#closeIfExpired(bill)));
  }

  /** A copy of one bill, or null. */
  get(billNo, billDate) {
    const bill = this.#bills.get(keyOf(billNo, billDate));
    return bill === undefined ? null : snapshot(this.#closeIfExpired(bill));
  }

  /** Adds (or replaces) a bill while the gateway runs. */
  add(fixture) {
    const bill = billFromFixture(fixture, 'addBill');
    this.#put(bill);
    return snapshot(bill);
  }

  /**
   * What a notification about a bill reports (PROTOCOL.md §6.1), or null for an unknown bill:
   * the bill's fields and its current payment, amounts as JSON numbers inside billPayment.
   */
  notificationFacts(billNo, billDate) {
    const bill = this.#bills.get(keyOf(billNo, billDate));
    if (bill === undefined) return null;
    this.#closeIfExpired(bill);
    const capture = standingCapture(bill);
    return {
      mid: bill.mid,
      tid: bill.tid,
      instMid: bill.instMid,
      billNo: bill.billNo,
      billQRCode: bill.billQRCode,
      billDate: bill.billDate,
      createTime: bill.createTime,
      billStatus: bill.billStatus,
      totalAmount: bill.totalAmount,
      completeAmount: capture === null ? null : capture.fen,
      authIdRespCd: bill.payment?.authIdRespCd ?? null,
      billPayment: currentPayment(bill, Number),
    };
  }

  /** The bill a request designates, when mid, tid, instMid, billNo and billDate all match. */
  #find(request) {
    const bill = this.#bills.get(keyOf(request.billNo, request.billDate));
    return bill !== undefined && this.#sameMerchant(bill, request) ? bill : null;
  }

  #sameMerchant(bill, request) {
    return bill.mid === request.mid && bill.tid === request.tid && bill.instMid === request.instMid;
  }

  /** Checks a body against its table and finds the bill it names: `{ bill }`, or `{ refusal }` to answer with. */
  #checkedBill(fields, request, credential, nowMs) {
    const failed = ruleFailure(request, nowMs, checkBody(fields, request, credential));
    if (failed !== null) return { refusal: failed };
    const bill = this.#find(request);
    return bill === null ? { refusal: this.#noBill(request, nowMs) } : { bill };
  }

  #noBill(request, nowMs) {
    return businessError(request, nowMs, 'NO_BILL', `no bill ${request.billNo} of ${request.billDate} for this mid, tid and instMid`);
  }

  /** Whether an order id is already taken by a payment, a capture or a refund of any bill. */
  #orderIdTaken(orderId) {
    for (const bill of this.#bills.values()) {
      if (bill.payment?.merOrderId === orderId) return true;
      if (bill.captures.some((c) => c.merOrderId === orderId) || bill.refunds.some((r) => r.merOrderId === orderId)) return true;
    }
    return false;
  }

  /** `POST /v1/netpay/bills/preauth-cancel` (void the hold) with a parsed JSON body: `{ status, body, changed? }`. */
  preauthCancel(request, credential, nowMs) {
    const { bill, refusal } = this.#checkedBill(PREAUTH_CANCEL_FIELDS, request, credential, nowMs);
    if (refusal) return refusal;
    if (bill.payment?.merOrderId !== request.merOrderId) {
      const why = bill.payment === null ? ` (it is ${bill.billStatus}: nobody has paid it)` : '';
      return businessError(request, nowMs, 'NO_ORDER', `bill ${bill.billNo} has no payment with merOrderId ${request.merOrderId}${why}`);
    }
    if (!bill.preauth) {
      return businessError(request, nowMs, 'OPERATION_NOT_ALLOWED', `the payment ${request.merOrderId} is not a preauthorization; refund it instead`);
    }
    if (bill.payment.authIdRespCd !== request.authIdRespCd) {
      return businessError(request, nowMs, 'INVALID_ORDER', `authIdRespCd does not match the preauthorization of ${request.merOrderId}`);
    }
    const capture = standingCapture(bill);
    if (capture !== null) {
      return businessError(
        request,
        nowMs,
        'OPERATION_NOT_ALLOWED',
        `the preauthorization ${request.merOrderId} was captured by ${capture.merOrderId}; reverse that capture (bills/preauthed-cancel) before voiding the hold`,
      );
    }
    if (!isFrozen(bill)) {
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
      changed: bill,
      body: {
        errCode: 'SUCCESS',
        errMsg: '',
        responseTimestamp: beijingDateTime(nowMs),
        mid: bill.mid,
        tid: bill.tid,
        billPayment: paymentView(bill.payment, bill.totalAmount, String),
        msgId: echo(request, 'msgId'),
        srcReserve: echo(request, 'srcReserve'),
        billNo: bill.billNo,
        billDate: bill.billDate,
        instMid: bill.instMid,
        billQRCode: bill.billQRCode,
        billStatus: bill.billStatus,
        cardAttr: bill.cardAttr,
      },
    };
  }

  /** `POST /v1/netpay/bills/preauthed` (capture a frozen preauth): `{ status, body, changed? }`. */
  preauthed(request, credential, nowMs) {
    const { bill, refusal } = this.#checkedBill(PREAUTHED_FIELDS, request, credential, nowMs);
    if (refusal) return refusal;
    if (!bill.preauth) {
      return businessError(request, nowMs, 'OPERATION_NOT_ALLOWED', `bill ${bill.billNo} is an ordinary payment, not a preauthorization; there is nothing to capture`);
    }
    if (bill.payment === null) {
      return businessError(request, nowMs, 'OPERATION_NOT_ALLOWED', `bill ${bill.billNo} is ${bill.billStatus}: nothing was frozen, so there is nothing to capture`);
    }
    if (bill.payment.authIdRespCd !== request.authIdRespCd) {
      return businessError(request, nowMs, 'INVALID_ORDER', `authIdRespCd does not match the preauthorization of bill ${bill.billNo}`);
    }
    const standing = standingCapture(bill);
    if (standing !== null) {
      return businessError(request, nowMs, 'OPERATION_NOT_ALLOWED', `the preauthorization of bill ${bill.billNo} was already captured by ${standing.merOrderId}`);
    }
    if (!isFrozen(bill)) {
      return businessError(
        request,
        nowMs,
        'OPERATION_NOT_ALLOWED',
        `the preauthorization of bill ${bill.billNo} is no longer frozen (billStatus ${bill.billStatus}, status ${bill.payment.status}); nothing to capture`,
      );
    }
    if (this.#orderIdTaken(request.authedOrderId)) {
      return businessError(request, nowMs, 'DUP_ORDER', `the order id ${request.authedOrderId} is already used; give each capture a new authedOrderId`);
    }
    const { fen } = amountFen(request.totalAmount);
    if (fen > bill.totalAmount) {
      return businessError(request, nowMs, 'BAD_REQUEST', `totalAmount ${fen} is more than the ${bill.totalAmount} fen frozen by the preauthorization`);
    }
    const payTime = beijingDateTime(nowMs);
    const capture = {
      merOrderId: request.authedOrderId,
      fen,
      authedDesc: typeof request.authedDesc === 'string' ? request.authedDesc : '',
      status: 'TRADE_SUCCESS',
      payTime,
      settleDate: payTime.slice(0, 10),
      paySeqId: `${request.authedOrderId.slice(-11)}C`,
      targetOrderId: `2623${request.authedOrderId.slice(-16)}`,
      targetSys: bill.payment.targetSys,
    };
    bill.captures.push(capture);
    return {
      ...billAnswer(request, nowMs, bill, { completeAmount: fen, billPayment: paymentView(capture, fen, Number) }),
      changed: bill,
    };
  }

  /**
   * `POST /v1/netpay/bills/preauthed-cancel` (reverse a capture, named by its order id):
   * `{ status, body, changed? }`. billNo, billDate and authIdRespCd are optional; given, they
   * must match.
   */
  preauthedCancel(request, credential, nowMs) {
    const failed = ruleFailure(request, nowMs, checkBody(PREAUTHED_CANCEL_FIELDS, request, credential));
    if (failed !== null) return failed;
    const given = (name) => typeof request[name] === 'string' && request[name] !== '';
    let candidates = [...this.#bills.values()].filter((bill) => this.#sameMerchant(bill, request));
    if (given('billNo') || given('billDate')) {
      candidates = candidates.filter(
        (bill) => (!given('billNo') || bill.billNo === request.billNo) && (!given('billDate') || bill.billDate === request.billDate),
      );
      if (candidates.length === 0) {
        const which = [given('billNo') ? request.billNo : null, given('billDate') ? `of ${request.billDate}` : null].filter(Boolean).join(' ');
        return businessError(request, nowMs, 'NO_BILL', `no bill ${which} for this mid, tid and instMid`);
      }
    }
    const bill = candidates.find((b) => b.captures.some((c) => c.merOrderId === request.merOrderId));
    if (bill === undefined) {
      return businessError(request, nowMs, 'NO_ORDER', `no capture with merOrderId ${request.merOrderId}; it is the authedOrderId sent to bills/preauthed`);
    }
    const capture = bill.captures.find((c) => c.merOrderId === request.merOrderId);
    if (given('authIdRespCd') && bill.payment.authIdRespCd !== request.authIdRespCd) {
      return businessError(request, nowMs, 'INVALID_ORDER', `authIdRespCd does not match the preauthorization captured by ${request.merOrderId}`);
    }
    if (capture.status !== 'TRADE_SUCCESS') {
      return businessError(request, nowMs, 'OPERATION_NOT_ALLOWED', `the capture ${request.merOrderId} was already reversed (status ${capture.status})`);
    }
    capture.status = 'TRADE_CLOSED';
    return {
      ...billAnswer(request, nowMs, bill, { billPayment: paymentView(capture, capture.fen, Number) }),
      changed: bill,
    };
  }

  /** `POST /v1/netpay/bills/query` with a parsed JSON body: `{ status, body }`. */
  query(request, credential, nowMs) {
    const { bill, refusal } = this.#checkedBill(BILLS_QUERY_FIELDS, request, credential, nowMs);
    if (refusal) return refusal;
    this.#closeIfExpired(bill, nowMs);
    // Query responses carry amounts as JSON numbers, as the clients that read them show
    // (PROTOCOL.md §7.2); the cancel response keeps the sample's strings. Both are valid input
    // for a lenient parser, and the two forms exercise it.
    let billPayment = currentPayment(bill, Number);
    if (typeof request.authedOrderId === 'string' && request.authedOrderId !== '') {
      const capture = bill.captures.find((c) => c.merOrderId === request.authedOrderId);
      if (capture === undefined) {
        return businessError(request, nowMs, 'NO_ORDER', `bill ${bill.billNo} has no capture with authedOrderId ${request.authedOrderId}`);
      }
      billPayment = paymentView(capture, capture.fen, Number);
    }
    const members = { ...completion(bill, Number), billPayment };
    if (typeof request.refundOrderId === 'string' && request.refundOrderId !== '') {
      const refund = bill.refunds.find((r) => r.merOrderId === request.refundOrderId);
      if (refund === undefined) {
        return businessError(request, nowMs, 'NO_ORDER', `bill ${bill.billNo} has no refund with refundOrderId ${request.refundOrderId}`);
      }
      members.refundBillPayment = paymentView(refund, refund.fen, Number);
    }
    return billAnswer(request, nowMs, bill, members);
  }

  /**
   * `POST /v1/netpay/bills/get-qrcode`: a new UNPAID bill and its QR code, which leads to the
   * emulator's cashier (`qrCodeUrl(qrCodeId)`). `{ status, body, changed? }`.
   */
  getQrcode(request, credential, nowMs, qrCodeUrl) {
    const failed = ruleFailure(request, nowMs, checkBody(GET_QRCODE_FIELDS, request, credential));
    if (failed !== null) return failed;
    if (this.#bills.has(keyOf(request.billNo, request.billDate))) {
      return businessError(request, nowMs, 'DUP_ORDER', `bill ${request.billNo} of ${request.billDate} already exists; give each bill a new billNo`);
    }
    if (typeof request.expireTime === 'string' && request.expireTime !== '' && parseDateTime(request.expireTime) <= nowMs) {
      return businessError(request, nowMs, 'BAD_REQUEST', `expireTime ${request.expireTime} is not in the future (the gateway's Beijing time is ${beijingDateTime(nowMs)})`);
    }
    const given = typeof request.qrCodeId === 'string' && request.qrCodeId !== '' ? request.qrCodeId : null;
    if (given !== null && this.#byQrCode(given) !== null) {
      return businessError(request, nowMs, 'DUP_ORDER', `the qrCodeId ${given} already belongs to a bill; leave it out to get a new one`);
    }
    let qrCodeId = given;
    while (qrCodeId === null || (given === null && this.#byQrCode(qrCodeId) !== null)) {
      // A made-up id skips any a merchant chose.
      this.#qrCodeSerial += 1;
      qrCodeId = `${credential.msgSrcId ?? ''}QR${request.billDate.replaceAll('-', '')}${String(this.#qrCodeSerial).padStart(8, '0')}`;
    }
    const bill = {
      mid: request.mid,
      tid: request.tid,
      instMid: request.instMid,
      billNo: request.billNo,
      billDate: request.billDate,
      billStatus: 'UNPAID',
      totalAmount: amountFen(request.totalAmount).fen,
      preauth: flagSet(request.preauthTransaction),
      cardAttr: 'CREDIT_CARD',
      payment: null,
      captures: [],
      refunds: [],
      qrCodeId,
      billQRCode: qrCodeUrl(qrCodeId),
      notifyUrl: typeof request.notifyUrl === 'string' && request.notifyUrl !== '' ? request.notifyUrl : null,
      expireTime: typeof request.expireTime === 'string' && request.expireTime !== '' ? request.expireTime : null,
      ownerAppId: credential.appId,
      createTime: beijingDateTime(nowMs),
    };
    this.#put(bill);
    // The members of the official sample's answer.
    return {
      status: 200,
      changed: bill,
      body: {
        ...successEnvelope(request, nowMs),
        mid: bill.mid,
        tid: bill.tid,
        instMid: bill.instMid,
        billNo: bill.billNo,
        billDate: bill.billDate,
        billQRCode: bill.billQRCode,
        qrCodeId,
      },
    };
  }

  /**
   * `POST /v1/netpay/bills/close-qrcode`: closes an unpaid bill's QR code, named by its
   * `qrCodeId` or by the bill's `billNo` (of this mid, tid and instMid; with both, they must name
   * the same bill). `{ status, body, changed? }`.
   */
  closeQrcode(request, credential, nowMs) {
    const failed = ruleFailure(request, nowMs, checkBody(CLOSE_QRCODE_FIELDS, request, credential, CLOSE_QRCODE_ONE_OF));
    if (failed !== null) return failed;
    const found = this.#closeTarget(request, nowMs);
    if (found.refusal) return found.refusal;
    const { bill, named } = found;
    this.#closeIfExpired(bill, nowMs);
    if (bill.payment !== null) {
      const instead = bill.preauth ? 'cancel the hold (bills/preauth-cancel) instead' : 'refund it (bills/refund) instead';
      return businessError(request, nowMs, 'OPERATION_NOT_ALLOWED', `the bill of ${named} was paid (billStatus ${bill.billStatus}); ${instead}`);
    }
    // Closing a closed code changes nothing and says so with SUCCESS: a retried close is safe.
    const changed = bill.billStatus === 'UNPAID';
    bill.billStatus = 'CLOSED';
    return {
      status: 200,
      ...(changed ? { changed: bill } : {}),
      body: {
        ...successEnvelope(request, nowMs),
        mid: bill.mid,
        tid: bill.tid,
        instMid: bill.instMid,
        qrCodeId: bill.qrCodeId,
        billNo: bill.billNo,
        billDate: bill.billDate,
        billStatus: bill.billStatus,
      },
    };
  }

  /**
   * The bill a close-qrcode request names: `{ bill, named }` (`named` says how, for messages), or
   * `{ refusal }`. A billNo without a date may name bills of several dates: then the request is
   * refused and asked for the qrCodeId.
   */
  #closeTarget(request, nowMs) {
    const given = (name) => typeof request[name] === 'string' && request[name] !== '';
    if (given('qrCodeId')) {
      const bill = this.#byQrCode(request.qrCodeId);
      if (bill === null || !this.#sameMerchant(bill, request)) {
        return { refusal: businessError(request, nowMs, 'NO_BILL', `no QR code ${request.qrCodeId} for this mid, tid and instMid`) };
      }
      if (given('billNo') && bill.billNo !== request.billNo) {
        return { refusal: businessError(request, nowMs, 'NO_BILL', `QR code ${request.qrCodeId} belongs to bill ${bill.billNo}, not to bill ${request.billNo}`) };
      }
      return { bill, named: `QR code ${request.qrCodeId}` };
    }
    const matches = [...this.#bills.values()].filter((bill) => bill.billNo === request.billNo && this.#sameMerchant(bill, request));
    if (matches.length === 0) {
      return { refusal: businessError(request, nowMs, 'NO_BILL', `no bill ${request.billNo} for this mid, tid and instMid`) };
    }
    if (matches.length > 1) {
      const dates = matches.map((bill) => bill.billDate).join(', ');
      return { refusal: businessError(request, nowMs, 'BAD_REQUEST', `billNo ${request.billNo} names bills of ${dates}; close the one you mean by its qrCodeId`) };
    }
    return { bill: matches[0], named: `bill ${request.billNo}` };
  }

  /**
   * `POST /v1/netpay/bills/refund`: refunds part or all of what is left of a paid ordinary
   * bill. `{ status, body, changed? }`.
   */
  refund(request, credential, nowMs) {
    const { bill, refusal } = this.#checkedBill(REFUND_FIELDS, request, credential, nowMs);
    if (refusal) return refusal;
    if (bill.payment === null) {
      return businessError(request, nowMs, 'OPERATION_NOT_ALLOWED', `bill ${bill.billNo} is ${bill.billStatus}: nobody paid it, so there is nothing to refund`);
    }
    if (bill.preauth) {
      return businessError(
        request,
        nowMs,
        'OPERATION_NOT_ALLOWED',
        `bill ${bill.billNo} is a preauthorization: cancel its hold (bills/preauth-cancel) or reverse its capture (bills/preauthed-cancel) instead of refunding it`,
      );
    }
    if (bill.billStatus !== 'PAID' || bill.payment.status !== 'TRADE_SUCCESS') {
      return businessError(
        request,
        nowMs,
        'OPERATION_NOT_ALLOWED',
        `bill ${bill.billNo} is ${bill.billStatus} (payment ${bill.payment.status}); only a PAID bill with some amount left can be refunded`,
      );
    }
    const given = typeof request.refundOrderId === 'string' && request.refundOrderId !== '';
    const refundOrderId = given ? request.refundOrderId : `${credential.msgSrcId ?? ''}R${bill.billNo.slice(-16)}${bill.refunds.length + 1}`;
    if (this.#orderIdTaken(refundOrderId)) {
      return businessError(request, nowMs, 'DUP_ORDER', `the order id ${refundOrderId} is already used; give each refund a new refundOrderId, and look a refund up with bills/query`);
    }
    const { fen } = amountFen(request.refundAmount);
    const refunded = bill.refunds.filter((r) => r.status === 'TRADE_SUCCESS').reduce((sum, r) => sum + r.fen, 0);
    const left = bill.totalAmount - refunded;
    if (fen > left) {
      return businessError(request, nowMs, 'OPERATION_NOT_ALLOWED', `refundAmount ${fen} is more than the ${left} fen of bill ${bill.billNo} left to refund`);
    }
    const refund = newRefund(refundOrderId, fen, nowMs, bill.payment.targetSys);
    bill.refunds.push(refund);
    if (fen === left) bill.billStatus = 'REFUND';
    return {
      ...billAnswer(request, nowMs, bill, {
        billPayment: currentPayment(bill, Number),
        refundOrderId,
        refundAmount: fen,
        refundStatus: 'SUCCESS',
        refundPayTime: refund.payTime,
        refundTargetOrderId: refund.targetOrderId,
      }),
      changed: bill,
    };
  }

  /**
   * The payer pays an UNPAID bill (its QR code scanned): an ordinary bill becomes PAID, a
   * preauthorization frozen, with a new merOrderId (and authIdRespCd). `{ bill, paid }` where
   * `paid` is what the payer's side learns, or `{ refusal }` saying why it cannot be paid.
   */
  pay({ billNo, billDate }, nowMs) {
    const bill = this.#bills.get(keyOf(billNo, billDate));
    if (bill === undefined) return { refusal: `no bill ${billNo} of ${billDate}` };
    this.#closeIfExpired(bill, nowMs);
    if (bill.billStatus !== 'UNPAID') {
      return { refusal: `bill ${billNo} of ${billDate} is ${bill.billStatus}; only an UNPAID bill (made by bills/get-qrcode) can be paid` };
    }
    let merOrderId = null;
    for (let digit = 0; digit < 10 && merOrderId === null; digit += 1) {
      const candidate = `${bill.billNo}${digit}`;
      if (!this.#orderIdTaken(candidate)) merOrderId = candidate;
    }
    if (merOrderId === null) return { refusal: `no free merOrderId for bill ${billNo}` };
    const payTime = beijingDateTime(nowMs);
    bill.payment = {
      merOrderId,
      authIdRespCd: bill.preauth ? String((this.#authCodeSerial += 1)).padStart(6, '0') : null,
      status: 'TRADE_SUCCESS',
      payTime,
      settleDate: payTime.slice(0, 10),
      paySeqId: `${bill.billNo.slice(-11)}N`,
      targetOrderId: `1623${bill.billNo.slice(-16)}`,
      targetSys: 'ACP',
    };
    bill.billStatus = 'PAID';
    return {
      bill,
      paid: {
        billNo: bill.billNo,
        billDate: bill.billDate,
        billStatus: bill.billStatus,
        preauth: bill.preauth,
        totalAmount: bill.totalAmount,
        merOrderId,
        authIdRespCd: bill.payment.authIdRespCd,
        payTime,
      },
    };
  }

  /** The bill of a QR code id, or null. */
  #byQrCode(qrCodeId) {
    for (const bill of this.#bills.values()) if (bill.qrCodeId === qrCodeId) return bill;
    return null;
  }

  /** The bill of a QR code id, for the cashier page: a copy, or null. */
  byQrCode(qrCodeId) {
    const bill = this.#byQrCode(qrCodeId);
    return bill === null ? null : snapshot(this.#closeIfExpired(bill));
  }

  /**
   * An unpaid bill past its expireTime can no longer be paid: it is CLOSED (checked whenever the
   * bill is looked at, by a request or by `state`). Returns the bill.
   */
  #closeIfExpired(bill, nowMs = this.#now()) {
    if (bill.billStatus === 'UNPAID' && bill.expireTime !== null && nowMs !== null && parseDateTime(bill.expireTime) <= nowMs) bill.billStatus = 'CLOSED';
    return bill;
  }
}

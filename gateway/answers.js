// The JSON the bills endpoints answer with: the business envelope (errCode, errMsg,
// responseTimestamp and the echoed identifiers, PROTOCOL.md §7.3) and the payment objects
// inside it. Business outcomes, SUCCESS or not, are HTTP 200, as the platform answers them
// with errCode/errMsg (§9.2).

import { beijingDateTime } from './time.js';

/** 2100 → "21.00", with integer arithmetic. */
export const yuan = (fen) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

/**
 * A `billPayment` (or `refundBillPayment`) object: one transaction of a bill, in the member
 * order of the platform's sample response. `transaction` holds `merOrderId`, the reference
 * numbers, times and status; `fen` its amount; `amount(fen)` writes amounts (`String` as in the
 * preauth-cancel sample, `Number` as query responses are read by clients, §7.2).
 */
export function paymentView(transaction, fen, amount) {
  return {
    merOrderId: transaction.merOrderId,
    billBizType: 'bills',
    paySeqId: transaction.paySeqId,
    totalAmount: amount(fen),
    buyerPayAmount: amount(fen),
    invoiceAmount: amount(fen),
    discountAmount: amount(0),
    buyerId: '',
    buyerUsername: '',
    payDetail: `现金支付${yuan(fen)}元`,
    payTime: transaction.payTime,
    settleDate: transaction.settleDate,
    status: transaction.status,
    targetOrderId: transaction.targetOrderId,
    targetSys: transaction.targetSys,
    activityIds: '',
  };
}

/** The request's string value of a field, for echoing; '' when absent or not a string. */
export function echo(request, name) {
  return request !== null && typeof request === 'object' && typeof request[name] === 'string' ? request[name] : '';
}

/** A business failure: HTTP 200, errCode/errMsg, and the identifying fields echoed. */
export function businessError(request, nowMs, errCode, errMsg) {
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
export function ruleFailure(request, nowMs, { problems, prefixProblems }) {
  if (problems.length > 0) return businessError(request, nowMs, 'BAD_REQUEST', problems.concat(prefixProblems).join('; '));
  if (prefixProblems.length > 0) return businessError(request, nowMs, 'INVALID_MSGSRC', prefixProblems.join('; '));
  return null;
}

/** The members every SUCCESS answer starts with: the envelope and the echoed msgId/srcReserve. */
export function successEnvelope(request, nowMs) {
  return { errCode: 'SUCCESS', errMsg: '', responseTimestamp: beijingDateTime(nowMs), msgId: echo(request, 'msgId'), srcReserve: echo(request, 'srcReserve') };
}

/**
 * A SUCCESS answer about one bill: the envelope, the echoed msgId/srcReserve, the bill's
 * identifiers and status, then `members` (billPayment and what else the endpoint reports).
 */
export function billAnswer(request, nowMs, bill, members) {
  return {
    status: 200,
    body: {
      ...successEnvelope(request, nowMs),
      mid: bill.mid,
      tid: bill.tid,
      instMid: bill.instMid,
      billNo: bill.billNo,
      billDate: bill.billDate,
      billQRCode: bill.billQRCode,
      billStatus: bill.billStatus,
      totalAmount: bill.totalAmount,
      ...members,
      cardAttr: bill.cardAttr,
    },
  };
}

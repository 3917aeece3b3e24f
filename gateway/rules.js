// Request body rules as the gateway checks them, from the platform's field table as the
// repository's docs/PROTOCOL.md (part 0, rule 5) reads it. Written independently of
// the library's Rust field tables on purpose: the emulator is the oracle the library is tested
// against, so a rule misread in one place must show up as a disagreement, not be copied.

import { parseDate, parseDateTime } from './time.js';

/**
 * One field: `required` fields must be present and non-empty; `max` is the length limit in
 * characters (Unicode code points); `format` is 'dateTime' or 'date'; `prefixed` fields must
 * start with the application's msgSrcId when its credential has one. `amount` fields are a
 * positive whole number of fen, as a string of digits (the official samples) or a JSON integer
 * (the clients that send numbers, PROTOCOL.md §7.2); every other field is a JSON string.
 */
const field = (name, rules = {}) => ({ name, required: false, max: null, format: null, prefixed: false, amount: false, kind: 'text', ...rules });

// The kinds of the get-qrcode, close-qrcode and refund fields that are not plain strings:
// `flag` is "true"/"false" (the samples) or a JSON boolean (some clients); `items` an array of
// objects (goods, subOrders) whose money members are whole fen, zero allowed; `object` a JSON
// object (retCommParams); `url` an http(s) URL; `digits` a string of digits.
const flag = (name) => field(name, { kind: 'flag' });
const items = (name, moneyMembers) => field(name, { kind: 'items', moneyMembers });
const url = (name, max = null) => field(name, { kind: 'url', max });

/** The rows every table shares, with the limits of the seed's preauth-cancel table. */
const SHARED = Object.freeze({
  requestTimestamp: field('requestTimestamp', { required: true, format: 'dateTime' }),
  mid: field('mid', { required: true, max: 32 }),
  tid: field('tid', { required: true, max: 32 }),
  instMid: field('instMid', { required: true }),
  billNo: field('billNo', { required: true, max: 31, prefixed: true }),
  billDate: field('billDate', { required: true, format: 'date' }),
  authIdRespCd: field('authIdRespCd', { required: true, max: 64 }),
  msgId: field('msgId', { max: 64 }),
  srcReserve: field('srcReserve', { max: 255 }),
});

/** The rows that open every table naming one bill: the request's time, the merchant, the bill. */
const BILL_HEAD = Object.freeze([SHARED.requestTimestamp, SHARED.mid, SHARED.tid, SHARED.instMid, SHARED.billNo, SHARED.billDate]);

/** `POST /v1/netpay/bills/preauth-cancel`: the seed's table, in its order. */
export const PREAUTH_CANCEL_FIELDS = Object.freeze([
  ...BILL_HEAD,
  field('merOrderId', { required: true, max: 32, prefixed: true }),
  SHARED.authIdRespCd,
  SHARED.msgId,
  SHARED.srcReserve,
]);

// The pages of the three tables below lost their field tables (PROTOCOL.md §13 item 8), so
// they are read from the samples and §7: fields shared with preauth-cancel keep its limits, and
// order ids the merchant creates (authedOrderId, refundOrderId, a completion's merOrderId) are
// treated like preauth-cancel's merOrderId: at most 32 characters, msgSrcId prefix.

/**
 * `POST /v1/netpay/bills/query`: the common fields, the bill's number and date, and the
 * optional look-ups of one refund (`refundOrderId`) or one preauth completion (`authedOrderId`).
 */
export const BILLS_QUERY_FIELDS = Object.freeze([
  ...BILL_HEAD,
  field('refundOrderId', { max: 32, prefixed: true }),
  field('authedOrderId', { max: 32, prefixed: true }),
  SHARED.msgId,
  SHARED.srcReserve,
]);

/**
 * `POST /v1/netpay/bills/preauthed`: complete (capture) a frozen preauthorization, with a new
 * order id for the completion and the amount to capture. `authedDesc` has no known limit.
 */
export const PREAUTHED_FIELDS = Object.freeze([
  ...BILL_HEAD,
  field('authedOrderId', { required: true, max: 32, prefixed: true }),
  SHARED.authIdRespCd,
  field('totalAmount', { required: true, amount: true }),
  field('authedDesc'),
  SHARED.msgId,
  SHARED.srcReserve,
]);

/**
 * `POST /v1/netpay/bills/preauthed-cancel`: reverse a completion, named by its order id
 * (`merOrderId` = the capture's authedOrderId). The official sample leaves billNo, billDate and
 * authIdRespCd empty, so they are optional; when given they must match the completion.
 */
export const PREAUTHED_CANCEL_FIELDS = Object.freeze([
  SHARED.requestTimestamp,
  SHARED.mid,
  SHARED.tid,
  SHARED.instMid,
  field('billNo', { max: 31, prefixed: true }),
  field('billDate', { format: 'date' }),
  field('merOrderId', { required: true, max: 32, prefixed: true }),
  field('authIdRespCd', { max: 64 }),
  SHARED.msgId,
  SHARED.srcReserve,
]);

/**
 * `POST /v1/netpay/bills/get-qrcode`: create a bill and its QR code, a preauthorization when
 * `preauthTransaction` is true. The members of the official sample, in its order; the amount is
 * whole fen; a merchant's own `qrCodeId` carries its msgSrcId prefix.
 */
export const GET_QRCODE_FIELDS = Object.freeze([
  field('subMchntInfo'),
  SHARED.requestTimestamp,
  SHARED.mid,
  SHARED.tid,
  SHARED.instMid,
  SHARED.msgId,
  SHARED.srcReserve,
  SHARED.billNo,
  SHARED.billDate,
  field('billDesc', { max: 255 }),
  field('totalAmount', { required: true, amount: true }),
  flag('divisionFlag'),
  field('platformAmount', { amount: 'zero' }),
  items('goods', ['price', 'subOrderAmount']),
  items('subOrders', ['totalAmount']),
  field('memberId'),
  field('counterNo'),
  field('expireTime', { format: 'dateTime' }),
  url('notifyUrl'),
  url('returnUrl', 255),
  field('qrCodeId', { max: 64, prefixed: true }),
  field('systemId'),
  flag('secureTransaction'),
  field('walletOption', { kind: 'oneOf', values: ['SINGLE', 'MULTIPLE'] }),
  field('name'),
  field('mobile'),
  field('certType'),
  field('certNo'),
  field('fixBuyer'),
  flag('limitCreditCard'),
  field('payInfoQueryAddr'),
  flag('preauthTransaction'),
  field('installmentNumber', { kind: 'digits' }),
  field('retCommParams', { kind: 'object' }),
  field('attachedData'),
  field('clientIp'),
]);

/**
 * `POST /v1/netpay/bills/close-qrcode`: close the QR code (and its unpaid bill) get-qrcode made.
 * The platform's sample names the code by `qrCodeId`; some clients name the bill by `billNo`
 * instead (no billDate), and some send the get-qrcode answer's `systemId` and `attachRefund`.
 * One of `qrCodeId` and `billNo` is required (CLOSE_QRCODE_ONE_OF); `systemId` is accepted and
 * plays no part.
 */
export const CLOSE_QRCODE_FIELDS = Object.freeze([
  SHARED.requestTimestamp,
  SHARED.mid,
  SHARED.tid,
  SHARED.instMid,
  field('qrCodeId', { max: 64 }),
  field('billNo', { max: 31, prefixed: true }),
  field('systemId'),
  SHARED.msgId,
  SHARED.srcReserve,
  flag('attachRefund'),
]);

/** The close-qrcode fields of which at least one must be given (non-empty). */
export const CLOSE_QRCODE_ONE_OF = Object.freeze(['qrCodeId', 'billNo']);

/**
 * `POST /v1/netpay/bills/refund`: refund part or all of a paid bill. The sample does not say
 * whether `refundOrderId` is required; the emulator makes one up when it is absent, as the
 * refund must be findable with bills/query.
 */
export const REFUND_FIELDS = Object.freeze([
  ...BILL_HEAD,
  field('refundAmount', { required: true, amount: true }),
  SHARED.msgId,
  SHARED.srcReserve,
  field('refundOrderId', { max: 32, prefixed: true }),
  field('platformAmount', { amount: 'zero' }),
  items('subOrders', ['totalAmount']),
  field('refundDesc'),
]);

/** Whether a flag is "true" (or true); absent or "false" is false. */
export const flagSet = (value) => value === true || value === 'true';

/** A problem with a value of a non-text kind, or null. */
function kindProblem(spec, value) {
  switch (spec.kind) {
    case 'flag':
      return value === true || value === false || value === 'true' || value === 'false' ? null : `must be "true" or "false" (or a JSON boolean), not ${shownValue(value)}`;
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? null : `must be a JSON object, not ${typeName(value)}`;
    case 'items': {
      if (!Array.isArray(value)) return `must be an array of objects, not ${typeName(value)}`;
      for (const [i, item] of value.entries()) {
        if (item === null || typeof item !== 'object' || Array.isArray(item)) return `[${i}] must be an object, not ${typeName(item)}`;
        for (const member of spec.moneyMembers) {
          if (!Object.hasOwn(item, member)) continue;
          const { problem } = amountFen(item[member], { zero: true });
          if (problem !== undefined) return `[${i}].${member} ${problem}`;
        }
        if (Object.hasOwn(item, 'quantity') && !(Number.isSafeInteger(item.quantity) && item.quantity > 0) && !(typeof item.quantity === 'string' && DIGITS.test(item.quantity))) {
          return `[${i}].quantity must be a positive whole number`;
        }
      }
      return null;
    }
    default:
      return undefined;
  }
}

/** A problem with a string value of a constrained text kind, or null. */
function textKindProblem(spec, value) {
  switch (spec.kind) {
    case 'url': {
      let parsed = null;
      try {
        parsed = new URL(value);
      } catch {
        // reported below
      }
      return parsed !== null && (parsed.protocol === 'http:' || parsed.protocol === 'https:') ? null : `must be an http or https URL, not ${shown(value)}`;
    }
    case 'oneOf':
      return spec.values.includes(value) ? null : `must be one of ${spec.values.join(', ')}, not ${shown(value)}`;
    case 'digits':
      return /^[0-9]+$/.test(value) ? null : `must be a string of digits, not ${shown(value)}`;
    default:
      return null;
  }
}

const FORMATS = {
  dateTime: { parse: parseDateTime, shape: 'a real date-time yyyy-MM-dd HH:mm:ss' },
  date: { parse: parseDate, shape: 'a real calendar date yyyy-MM-dd' },
};

function typeName(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const shown = (text) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
const shownValue = (value) => (typeof value === 'string' ? shown(value) : typeName(value));

const DIGITS = /^[1-9][0-9]*$/;

/**
 * An amount's fen as a number, or a problem: a string of digits or a JSON integer, positive
 * (or zero, with `zero`), no leading zero (a leading zero or a decimal point suggests a misread
 * amount), at most 2^53-1.
 */
export function amountFen(value, { zero = false } = {}) {
  const least = zero ? 0 : 1;
  const what = zero ? 'a whole number of fen' : 'a positive whole number of fen';
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= least ? { fen: value } : { problem: `must be ${what}, not ${value}` };
  }
  if (typeof value === 'string') {
    if (!(DIGITS.test(value) || (zero && value === '0'))) return { problem: `must be ${what} (digits, no leading zero), not ${shown(value)}` };
    const fen = Number(value);
    return Number.isSafeInteger(fen) ? { fen } : { problem: `is larger than ${Number.MAX_SAFE_INTEGER} fen` };
  }
  return { problem: `must be a string of digits or an integer, not ${typeName(value)}` };
}

/**
 * Checks a parsed JSON body against a field table, and that at least one of the fields named in
 * `oneOf` (if any) is given.
 * @returns {{ problems: string[], prefixProblems: string[] }} `problems` make the request a
 *   BAD_REQUEST; `prefixProblems` (billNo or an order id not starting with the msgSrcId) make it
 *   an INVALID_MSGSRC, the platform's code for that case (PROTOCOL.md §7, §9.2).
 */
export function checkBody(fields, body, { msgSrcId = null } = {}, oneOf = []) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { problems: [`the body must be a JSON object, not ${typeName(body)}`], prefixProblems: [] };
  }
  const problems = [];
  const prefixProblems = [];
  const known = new Set(fields.map((f) => f.name));
  for (const name of Object.keys(body)) {
    if (!known.has(name)) problems.push(`${shown(name)} is not a field of this request`);
  }
  for (const spec of fields) {
    const has = Object.prototype.hasOwnProperty.call(body, spec.name);
    const value = has ? body[spec.name] : undefined;
    if (!has) {
      if (spec.required) problems.push(`${spec.name} is required`);
      continue;
    }
    if (spec.amount) {
      const { problem } = amountFen(value, { zero: spec.amount === 'zero' });
      if (problem !== undefined) problems.push(`${spec.name} ${problem}`);
      continue;
    }
    const kindIssue = kindProblem(spec, value);
    if (kindIssue !== undefined) {
      if (kindIssue !== null) problems.push(`${spec.name} ${kindIssue}`);
      continue;
    }
    if (typeof value !== 'string') {
      problems.push(`${spec.name} must be a string, not ${typeName(value)}`);
      continue;
    }
    if (value === '') {
      if (spec.required) problems.push(`${spec.name} is required and must not be empty`);
      continue;
    }
    const length = [...value].length;
    if (spec.max !== null && length > spec.max) {
      problems.push(`${spec.name} is ${length} characters long, more than ${spec.max}`);
    }
    const textIssue = textKindProblem(spec, value);
    if (textIssue !== null) problems.push(`${spec.name} ${textIssue}`);
    if (spec.format !== null && FORMATS[spec.format].parse(value) === null) {
      problems.push(`${spec.name} must be ${FORMATS[spec.format].shape}, not ${shown(value)}`);
    }
    if (spec.prefixed && msgSrcId !== null && !value.startsWith(msgSrcId)) {
      prefixProblems.push(`${spec.name} must start with the source id ${msgSrcId}`);
    }
  }
  if (oneOf.length > 0 && !oneOf.some((name) => typeof body[name] === 'string' && body[name] !== '')) {
    problems.push(`${oneOf.join(' or ')} is required`);
  }
  return { problems, prefixProblems };
}

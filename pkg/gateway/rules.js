// Request body rules as the gateway checks them, from the platform's field table
// (seed/preauth-cancel-api.txt) as PROTOCOL.md part 0 rule 5 reads it. Written independently of
// the library's Rust field tables on purpose: the emulator is the oracle the library is tested
// against, so a rule misread in one place must show up as a disagreement, not be copied.

import { parseDate, parseDateTime } from './time.js';

/**
 * One field: `required` fields must be non-empty strings; `max` is the length limit in
 * characters (Unicode code points); `format` is 'dateTime' or 'date'; `prefixed` fields must
 * start with the application's msgSrcId when its credential has one.
 */
const field = (name, rules = {}) => ({ name, required: false, max: null, format: null, prefixed: false, ...rules });

/** `POST /v1/netpay/bills/preauth-cancel`: the seed's table, in its order. */
export const PREAUTH_CANCEL_FIELDS = Object.freeze([
  field('requestTimestamp', { required: true, format: 'dateTime' }),
  field('mid', { required: true, max: 32 }),
  field('tid', { required: true, max: 32 }),
  field('instMid', { required: true }),
  field('billNo', { required: true, max: 31, prefixed: true }),
  field('billDate', { required: true, format: 'date' }),
  field('merOrderId', { required: true, max: 32, prefixed: true }),
  field('authIdRespCd', { required: true, max: 64 }),
  field('msgId', { max: 64 }),
  field('srcReserve', { max: 255 }),
]);

/**
 * `POST /v1/netpay/bills/query`: the common fields with the limits the preauth-cancel page gives
 * them (the query page's own table is not in the sources), plus the bill's number and date.
 * `refundOrderId` / `authedOrderId` lookups are not emulated, so they are unknown fields here.
 */
export const BILLS_QUERY_FIELDS = Object.freeze([
  field('requestTimestamp', { required: true, format: 'dateTime' }),
  field('mid', { required: true, max: 32 }),
  field('tid', { required: true, max: 32 }),
  field('instMid', { required: true }),
  field('billNo', { required: true, max: 31, prefixed: true }),
  field('billDate', { required: true, format: 'date' }),
  field('msgId', { max: 64 }),
  field('srcReserve', { max: 255 }),
]);

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

/**
 * Checks a parsed JSON body against a field table.
 * @returns {{ problems: string[], prefixProblems: string[] }} `problems` make the request a
 *   BAD_REQUEST; `prefixProblems` (billNo / merOrderId not starting with the msgSrcId) make it an
 *   INVALID_MSGSRC, the platform's code for that case (PROTOCOL.md §7, §9.2).
 */
export function checkBody(fields, body, { msgSrcId = null } = {}) {
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
    if (spec.format !== null && FORMATS[spec.format].parse(value) === null) {
      problems.push(`${spec.name} must be ${FORMATS[spec.format].shape}, not ${shown(value)}`);
    }
    if (spec.prefixed && msgSrcId !== null && !value.startsWith(msgSrcId)) {
      prefixProblems.push(`${spec.name} must start with the source id ${msgSrcId}`);
    }
  }
  return { problems, prefixProblems };
}

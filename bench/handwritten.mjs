// The budget's baseline for "validate + build + sign a preauth-cancel": the same job written by
// hand in plain JavaScript with node:crypto, as an integrator without this library would
// (required strings, lengths, real dates, unknown fields, defaults, JSON.stringify in the
// table's order, SHA-256 and HMAC). It checks less than the library (no msgSrcId, no lone
// surrogates, no "did you mean"), so the comparison favours it.
import { createHash, createHmac } from 'node:crypto';

const FIELDS = [
  ['requestTimestamp', true, 19],
  ['mid', true, 32],
  ['tid', true, 32],
  ['instMid', true, 64],
  ['billNo', true, 31],
  ['billDate', true, 10],
  ['merOrderId', true, 32],
  ['authIdRespCd', true, 64],
  ['msgId', false, 64],
  ['srcReserve', false, 255],
];
const KNOWN = new Set(FIELDS.map(([name]) => name));
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

function realDate(y, m, d) {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const pad = (n, width = 2) => String(n).padStart(width, '0');
function beijing(ms) {
  const t = new Date(ms + 8 * 3600 * 1000);
  return {
    compact: `${t.getUTCFullYear()}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}${pad(t.getUTCSeconds())}`,
    dateTime: `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`,
  };
}

/** `{ url, body, authorization }`, or throws listing every problem. */
export function handwrittenPreauthCancel(input, { appId, appKey, now, timestamp, nonce }) {
  const issues = [];
  for (const name of Object.keys(input)) if (!KNOWN.has(name)) issues.push(`unknown field ${name}`);
  const fields = { requestTimestamp: beijing(now).dateTime, instMid: 'QRPAYDEFAULT', ...input };
  const body = {};
  for (const [name, required, max] of FIELDS) {
    const value = fields[name];
    if (value === undefined || value === '') {
      if (required) issues.push(`${name} is required`);
      continue;
    }
    if (typeof value !== 'string') {
      issues.push(`${name} must be a string`);
      continue;
    }
    if (value.length > max) issues.push(`${name} is too long`);
    body[name] = value;
  }
  const date = DATE.exec(fields.billDate ?? '');
  if (!date || !realDate(+date[1], +date[2], +date[3])) issues.push('billDate must be yyyy-MM-dd');
  const dateTime = DATE_TIME.exec(fields.requestTimestamp ?? '');
  if (!dateTime || !realDate(+dateTime[1], +dateTime[2], +dateTime[3]) || +dateTime[4] > 23 || +dateTime[5] > 59 || +dateTime[6] > 59) {
    issues.push('requestTimestamp must be yyyy-MM-dd HH:mm:ss');
  }
  if (issues.length > 0) throw new Error(issues.join('; '));
  const text = JSON.stringify(body);
  const digest = createHash('sha256').update(text).digest('hex');
  const signature = createHmac('sha256', appKey).update(appId + timestamp + nonce + digest).digest('base64');
  return {
    url: 'https://test-api-open.chinaums.com/v1/netpay/bills/preauth-cancel',
    body: text,
    authorization: `OPEN-BODY-SIG AppId="${appId}", Timestamp="${timestamp}", Nonce="${nonce}", Signature="${signature}"`,
  };
}

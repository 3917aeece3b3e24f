// Notifications (callbacks) as the platform sends them (PROTOCOL.md §6, part 0 rule 8): a POST
// of application/x-www-form-urlencoded fields about one bill, `billPayment` as a JSON string,
// signed with the communication key (通讯密钥, not the appKey), acknowledged by the plain text
// SUCCESS. Written with node:crypto and nothing from the library, which verifies these: the
// emulator is the independent side of that check.

import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { formBody } from './form.js';

export const SIGN_TYPES = Object.freeze(['MD5', 'SHA256']);
export const DEFAULT_NOTIFY_TIMEOUT_MS = 5000;
const MAX_ANSWER_BYTES = 64 * 1024;

const byBytes = (a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/**
 * The string the signature covers: `sign` and empty values dropped, keys sorted by their UTF-8
 * bytes, `k=v` joined with `&`, values exactly as sent (billPayment is never re-serialized).
 * `params` is an object or `[name, value]` pairs.
 */
export function notificationStringToSign(params) {
  const pairs = Array.isArray(params) ? params : Object.entries(params);
  return pairs
    .filter(([name, value]) => name !== 'sign' && value !== '' && value !== null && value !== undefined)
    .sort(([a], [b]) => byBytes(a, b))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** Uppercase hex MD5 or SHA-256 of the string to sign with the communication key appended. */
export function notificationSign(params, communicationKey, signType) {
  if (!SIGN_TYPES.includes(signType)) throw new TypeError(`signType must be MD5 or SHA256, not ${JSON.stringify(signType)}`);
  const algorithm = signType === 'MD5' ? 'md5' : 'sha256';
  return createHash(algorithm)
    .update(`${notificationStringToSign(params)}${communicationKey}`, 'utf8')
    .digest('hex')
    .toUpperCase();
}

/**
 * The fields of a notification about a bill (`facts` from the bill book), in the order sent,
 * all strings: §6.1's bills fields that the emulator knows, empty where it has nothing (so that
 * the receiver's "drop empty values" rule is exercised), then signType and sign. `fields`
 * adds or overrides members (null removes one) before signing.
 */
export function notificationFields(facts, { communicationKey, signType, notifyId, fields = {} }) {
  const params = {
    mid: facts.mid,
    tid: facts.tid,
    instMid: facts.instMid,
    billNo: facts.billNo,
    billQRCode: facts.billQRCode ?? '',
    billDate: facts.billDate,
    createTime: facts.createTime,
    billStatus: facts.billStatus,
    billDesc: '',
    totalAmount: String(facts.totalAmount),
    ...(facts.completeAmount === null ? {} : { completeAmount: String(facts.completeAmount) }),
    ...(facts.authIdRespCd === null ? {} : { authIdRespCd: facts.authIdRespCd }),
    memo: '',
    notifyId,
    // An unpaid (or closed unpaid) bill has no payment to report.
    ...(facts.billPayment === undefined ? {} : { billPayment: JSON.stringify(facts.billPayment) }),
    signType,
  };
  for (const [name, value] of Object.entries(fields)) {
    if (value === null) delete params[name];
    else params[name] = value;
  }
  params.sign = notificationSign(params, communicationKey, signType);
  return params;
}

/**
 * POSTs a form body and reads the answer: `{ status, responseText }`, or `{ error }` when the
 * receiver cannot be reached, does not answer within `timeoutMs`, or `signal` aborts.
 */
export function postForm(url, body, { timeoutMs = DEFAULT_NOTIFY_TIMEOUT_MS, signal } = {}) {
  return new Promise((resolve) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const bytes = Buffer.from(body, 'utf8');
    let settled = false;
    const finish = (result) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const request = send(target, {
      method: 'POST',
      agent: false, // one connection per notification, closed after it: nothing lingers
      timeout: timeoutMs,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8', 'Content-Length': bytes.length },
    });
    const onAbort = () => {
      request.destroy();
      finish({ error: 'the gateway closed before the receiver answered' });
    };
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('timeout', () => {
      request.destroy();
      finish({ error: `the receiver did not answer within ${timeoutMs} ms` });
    });
    request.on('error', (e) => finish({ error: `the receiver could not be reached: ${e.message}` }));
    request.on('response', (response) => {
      const chunks = [];
      let size = 0;
      response.on('data', (chunk) => {
        size += chunk.length;
        if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
      });
      response.on('end', () => finish({ status: response.statusCode, responseText: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', (e) => finish({ error: `the receiver's answer broke off: ${e.message}` }));
    });
    request.end(bytes);
  });
}

/**
 * Sends a signed notification and reports the outcome: `acknowledged` is true only when the
 * receiver answered 2xx with the plain text SUCCESS (surrounding whitespace allowed), the
 * acknowledgement the platform expects (PROTOCOL.md §6.1).
 */
export async function deliverNotification(url, params, options) {
  const body = formBody(Object.entries(params));
  const answer = await postForm(url, body, options);
  const acknowledged = answer.error === undefined && answer.status >= 200 && answer.status < 300 && answer.responseText.trim() === 'SUCCESS';
  return {
    url,
    status: answer.status ?? null,
    responseText: answer.responseText ?? null,
    acknowledged,
    error: answer.error ?? null,
    params,
    body,
  };
}

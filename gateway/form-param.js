// OPEN-FORM-PARAM GET endpoints (PROTOCOL.md §4): the H5 cashier redirects, and the cashier
// pages the payer sees. The query is decoded as the platform's Java side decodes it ('+' is a
// space), the signature is checked over the decoded content, and an accepted request is
// redirected (302) to a stand-in cashier page served by the emulator itself, as the platform
// redirects to its cashier.

import { Rejection } from './auth.js';
import { formBody, formDecode } from './form.js';
import { yuan } from './answers.js';
import { CASHIER_PAY_PATH, CASHIER_PREFIX } from './paths.js';

/** The content's field as redirect parameter text ('' when absent). */
function contentValue(content, name) {
  const value = content[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/**
 * Answers `GET <path>?<query>`: `{ status, body?, headers?, who, badSign? }` where a 302 carries
 * `Location` and no body, a refusal carries `{ errCode, errMsg }` (and a BAD_SIGN one what the
 * gateway expected to be signed, for the log).
 */
export function answerFormParam({ auth, path, query, nowMs, baseUrl }) {
  const decoded = formDecode(query);
  if (decoded.error) {
    return { status: 400, body: { errCode: 'BAD_REQUEST', errMsg: `the query cannot be decoded: ${decoded.error}` }, who: null };
  }
  const who = auth.authenticateFormParam(decoded.pairs, nowMs);
  if (who instanceof Rejection) return { status: who.status, body: { errCode: who.errCode, errMsg: who.message }, who: null, badSign: who.badSign };
  let content;
  try {
    content = JSON.parse(who.content);
  } catch (e) {
    return { status: 400, body: { errCode: 'BAD_REQUEST', errMsg: `content is not JSON (${e.message})` }, who };
  }
  if (content === null || typeof content !== 'object' || Array.isArray(content)) {
    return { status: 400, body: { errCode: 'BAD_REQUEST', errMsg: 'content must be a JSON object' }, who };
  }
  // The content's business fields are not validated: the emulator checks the signature scheme.
  const service = path.slice('/v1/netpay/'.length);
  const location = `${baseUrl}${CASHIER_PREFIX}${service}?${formBody([
    ['appId', who.credential.appId],
    ['merOrderId', contentValue(content, 'merOrderId')],
    ['totalAmount', contentValue(content, 'totalAmount')],
  ])}`;
  return { status: 302, headers: { Location: location }, who };
}

const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The stand-in cashier page a redirect lands on (HTML, UTF-8). */
export function cashierPage(path, query) {
  const decoded = formDecode(query);
  const params = new Map(decoded.pairs ?? []);
  const order = escapeHtml(params.get('merOrderId') ?? '');
  const amount = escapeHtml(params.get('totalAmount') ?? '');
  const service = escapeHtml(path.slice(CASHIER_PREFIX.length));
  return Buffer.from(
    `<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>收银台 (emulated)</title></head>` +
      `<body><h1>ChinaUMS cashier (emulated)</h1><p>service ${service} · merOrderId ${order} · totalAmount ${amount} fen</p></body></html>`,
    'utf8',
  );
}

/**
 * The payer's page of a QR code made by get-qrcode: the bill, and a pay button (a form POSTed
 * to the cashier's pay path) while it is UNPAID; `problem` says why paying failed. For an
 * unknown code (`bill` null), a page saying so.
 */
export function qrCodePage(bill, problem = null) {
  const head = `<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>扫码支付 (emulated)</title></head><body><h1>ChinaUMS cashier (emulated)</h1>`;
  if (bill === null) return Buffer.from(`${head}<p>no such QR code</p></body></html>`, 'utf8');
  const kind = bill.preauth ? 'preauthorization (funds are frozen, not taken)' : 'payment';
  const button =
    bill.billStatus === 'UNPAID'
      ? `<form method="post" action="${CASHIER_PAY_PATH}"><input type="hidden" name="qrCodeId" value="${escapeHtml(bill.qrCodeId)}"><button type="submit">Pay ${yuan(bill.totalAmount)} yuan</button></form>`
      : '';
  const refusal = problem === null ? '' : `<p role="alert">${escapeHtml(problem)}</p>`;
  return Buffer.from(
    `${head}<p>bill ${escapeHtml(bill.billNo)} of ${escapeHtml(bill.billDate)} · ${kind} · ${yuan(bill.totalAmount)} yuan · <strong>${escapeHtml(bill.billStatus)}</strong></p>${refusal}${button}</body></html>`,
    'utf8',
  );
}

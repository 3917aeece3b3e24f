// chinaums-open-gateway: a local ChinaUMS gateway for the preauth lifecycle, for tests, CI and
// demos (what stripe-mock is to Stripe). Node only: node:http and node:crypto, no dependencies,
// and nothing from the chinaums-open library, because it is the oracle the library is tested
// against.
//
// It serves
//   POST /v1/token/access                    token exchange (OPEN-ACCESS-TOKEN mode)
//   POST /v1/netpay/bills/get-qrcode         a new UNPAID bill and its QR code (a preauth one
//                                            with preauthTransaction)
//   POST /v1/netpay/bills/close-qrcode       close an unpaid bill's QR code
//   POST /v1/netpay/bills/refund             refund a paid ordinary bill, in parts or whole
//   POST /v1/netpay/bills/preauth-cancel     void a frozen preauthorization
//   POST /v1/netpay/bills/preauthed          capture (complete) a frozen preauthorization
//   POST /v1/netpay/bills/preauthed-cancel   reverse a capture
//   POST /v1/netpay/bills/query              a bill's state; a capture or refund by its order id
//   GET  /v1/netpay/trade/h5-pay and the other FORM_PARAM_PATHS   OPEN-FORM-PARAM → 302 cashier
//   GET  /cashier/qrcode?qrCodeId=…          the payer's page of a QR code, with a pay button
//   POST /cashier/qrcode/pay                 the payer pays (as gateway.pay does)
//   GET  /cashier/…                          the stand-in cashier page the redirects lead to
// and sends signed notifications (gateway.notify(), or after each state change to a
// credential's notifyUrl, or to the notifyUrl a get-qrcode bill was made with).
//
// HTTP statuses, chosen where the platform's are not documented (PROTOCOL.md §9, §13.14):
//   401  authentication failures (signature, appId, header grammar, time window, nonce reuse,
//        token), errMsg starting with 认证失败, as the platform's auth failures are non-2xx;
//   400  a body (or OPEN-FORM-PARAM content) that is not UTF-8 JSON: it cannot reach the
//        business layer, so it gets no business envelope (BAD_REQUEST); also a request target
//        that is not a path (`GET //`);
//   200  every business outcome, SUCCESS or not (BAD_REQUEST for a body breaking the field
//        rules, INVALID_MSGSRC, NO_BILL, NO_ORDER, INVALID_ORDER, OPERATION_NOT_ALLOWED,
//        DUP_ORDER), as the platform answers them with errCode/errMsg;
//   302  an accepted OPEN-FORM-PARAM request, to the cashier;
//   200 / 404 / 409  the payer's cashier pages (HTML): shown or paid, an unknown QR code, a
//        bill that cannot be paid (already paid, closed, expired);
//   404 / 405  NO_SERVICE for other paths (an unknown bills/<service> among them) and
//        methods; 413 for bodies over maxBodyBytes.
// Every answer's Date header and responseTimestamp follow the gateway's clock (now +
// clockSkewMs), and with signResponses the answers to authenticated requests carry an
// OPEN-BODY-SIG Authorization header signed with the caller's appKey.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Authenticator, Rejection } from './auth.js';
import { BillBook } from './bills.js';
import { checkNotifyArguments, Courier } from './courier.js';
import { FaultQueue } from './faults.js';
import { formDecode } from './form.js';
import { answerFormParam, cashierPage, qrCodePage } from './form-param.js';
import { DEFAULT_NOTIFY_TIMEOUT_MS } from './notify.js';
import {
  BILLS_PREFIX,
  BILLS_QUERY_PATH,
  CASHIER_PAY_PATH,
  CASHIER_PREFIX,
  CASHIER_QRCODE_PATH,
  CLOSE_QRCODE_PATH,
  FORM_PARAM_PATHS,
  GET_QRCODE_PATH,
  PREAUTH_CANCEL_PATH,
  PREAUTHED_CANCEL_PATH,
  PREAUTHED_PATH,
  REFUND_PATH,
  TOKEN_PATH,
} from './paths.js';

export {
  BILLS_QUERY_PATH,
  CASHIER_PAY_PATH,
  CASHIER_PREFIX,
  CASHIER_QRCODE_PATH,
  CLOSE_QRCODE_PATH,
  FORM_PARAM_PATHS,
  GET_QRCODE_PATH,
  PREAUTH_CANCEL_PATH,
  PREAUTHED_CANCEL_PATH,
  PREAUTHED_PATH,
  REFUND_PATH,
  TOKEN_PATH,
} from './paths.js';
export { DEFAULT_LATE_ANSWER_MS, FAULT_PRESETS } from './faults.js';
export { DEFAULT_NOTIFY_TIMEOUT_MS } from './notify.js';
export const DEFAULT_TOLERANCE_SECONDS = 300;
/** chunpat's SDK reports a one-hour token (PROTOCOL.md §3.2). */
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;
const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
/** How many request records `state.requests()` keeps, newest last, so that a long run stays small. */
const REQUEST_RECORDS_KEPT = 10_000;

export { DEFAULT_BILLS } from './bills.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as UTF-8 text, or null when they are not UTF-8. */
function strictUtf8Text(bytes) {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

/** Parses exact body bytes as UTF-8 JSON: `{ value }` or `{ error }`. */
function decodeJson(bytes) {
  const text = strictUtf8Text(bytes);
  if (text === null) return { error: 'the body is not valid UTF-8' };
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    return { error: `the body is not JSON (${e.message})` };
  }
}

function loadFixtures(fixtures) {
  if (fixtures === undefined || fixtures === null) return [];
  if (typeof fixtures === 'string' || fixtures instanceof URL) {
    let parsed;
    try {
      parsed = JSON.parse(readFileSync(fixtures, 'utf8'));
    } catch (e) {
      throw new TypeError(`startGateway: cannot read the fixtures file ${String(fixtures)}: ${e.message}`);
    }
    const bills = Array.isArray(parsed) ? parsed : parsed?.bills;
    if (!Array.isArray(bills)) throw new TypeError(`startGateway: the fixtures file ${String(fixtures)} must hold an array of bills or { "bills": [...] }`);
    return bills;
  }
  if (!Array.isArray(fixtures)) throw new TypeError('startGateway: fixtures must be an array of bills or the path of a JSON file');
  return fixtures;
}

function finiteNumber(value, name) {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`startGateway: ${name} must be a finite number of milliseconds`);
  return value;
}

function positiveNumber(value, name) {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new TypeError(`startGateway: ${name} must be a positive number of seconds`);
  }
  return value;
}

/** Reads the whole body, or stops at `limit` bytes: `{ bytes }` or `{ tooLarge: true }`. */
function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve({ tooLarge: true });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve({ bytes: Buffer.concat(chunks) }));
    req.on('error', reject);
  });
}

/**
 * Writes an answer. `dateMs` (the gateway's clock) sets the Date header, so that it agrees
 * with responseTimestamp; without it (a broken clock) Node's own Date is sent.
 */
function sendBytes(res, status, bytes, headers, dateMs) {
  if (dateMs !== undefined) {
    res.sendDate = false;
    headers = { Date: new Date(dateMs).toUTCString(), ...headers };
  }
  res.writeHead(status, { 'Content-Length': bytes.length, ...headers });
  res.end(bytes);
}

/**
 * The log's account of a BAD_SIGN: what the gateway expected to be signed, to diff against the
 * string the client signed (never the key, never the expected signature).
 */
function badSignNote({ appId, bodyLength, bodyDigest, stringToSign }) {
  return ` (appId ${appId}); the gateway expected the string to sign ${JSON.stringify(stringToSign)}: AppId + Timestamp + Nonce + the SHA-256 ${bodyDigest} of the ${bodyLength} body bytes it received`;
}

const JSON_TYPE = { 'Content-Type': 'application/json;charset=UTF-8' };
const HTML_TYPE = { 'Content-Type': 'text/html;charset=UTF-8' };

/** An answer to write: `{ status, bytes, headers }`. */
const reply = (status, bytes, headers = {}) => ({ status, bytes, headers });
const jsonReply = (status, body, headers = {}) => reply(status, Buffer.from(JSON.stringify(body), 'utf8'), { ...JSON_TYPE, ...headers });

/**
 * Starts a gateway emulator. See index.d.ts for the options.
 * @returns {Promise<{ url: string, close(): Promise<void>, state: object, notify(options): Promise<object>, inject(fault, options?): void, idle(): Promise<object[]> }>}
 */
export async function startGateway(options = {}) {
  if (options === null || typeof options !== 'object') throw new TypeError('startGateway: options must be an object');
  const {
    port = 0,
    host = '127.0.0.1',
    credentials,
    fixtures,
    now = Date.now,
    clockSkewMs = 0,
    toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
    tokenTtlSeconds = DEFAULT_TOKEN_TTL_SECONDS,
    maxBodyBytes = DEFAULT_MAX_BODY_BYTES,
    signResponses = false,
    faults = [],
    notifyTimeoutMs = DEFAULT_NOTIFY_TIMEOUT_MS,
    log = null,
  } = options;
  if (typeof now !== 'function') throw new TypeError('startGateway: now must be a function returning epoch milliseconds');
  if (log !== null && typeof log !== 'function') throw new TypeError('startGateway: log must be a function taking one line of text');
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0) throw new TypeError('startGateway: maxBodyBytes must be a positive integer');
  if (typeof signResponses !== 'boolean') throw new TypeError('startGateway: signResponses must be true or false');
  if (!Array.isArray(faults)) throw new TypeError('startGateway: faults must be an array of { fault, path?, times?, delayMs? }');
  const skewMs = finiteNumber(clockSkewMs, 'clockSkewMs');
  if (!(typeof notifyTimeoutMs === 'number' && notifyTimeoutMs > 0 && Number.isFinite(notifyTimeoutMs))) {
    throw new TypeError('startGateway: notifyTimeoutMs must be a positive number of milliseconds');
  }
  const auth = new Authenticator({
    credentials,
    toleranceSeconds: positiveNumber(toleranceSeconds, 'toleranceSeconds'),
    tokenTtlSeconds: positiveNumber(tokenTtlSeconds, 'tokenTtlSeconds'),
  });
  const book = new BillBook(loadFixtures(fixtures), { now: () => clockOrNull() });
  const faultQueue = new FaultQueue();
  faults.forEach((entry, i) => {
    if (entry === null || typeof entry !== 'object') throw new TypeError(`startGateway: faults[${i}] must be { fault, path?, times?, delayMs? }`);
    faultQueue.add(entry.fault, { path: entry.path, times: entry.times, delayMs: entry.delayMs }, `startGateway: faults[${i}]`);
  });
  const courier = new Courier({ timeoutMs: notifyTimeoutMs });
  /** The gateway's clock: the injected one, plus the configured skew. */
  const clock = () => {
    const ms = now();
    if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new TypeError('the gateway clock (the now option) must return epoch milliseconds');
    return ms + skewMs;
  };
  let baseUrl = '';

  const routes = {
    [TOKEN_PATH]: (bytes, req, nowMs) => {
      const decoded = decodeJson(bytes);
      if (decoded.error) return { status: 400, body: { errCode: 'BAD_REQUEST', errInfo: decoded.error } };
      return auth.exchangeToken(decoded.value, nowMs);
    },
    [GET_QRCODE_PATH]: (bytes, req, nowMs) => bills(bytes, req, nowMs, (body, who) => book.getQrcode(body, who, nowMs, qrCodeUrl)),
    [CLOSE_QRCODE_PATH]: (bytes, req, nowMs) => bills(bytes, req, nowMs, (body, who) => book.closeQrcode(body, who, nowMs)),
    [REFUND_PATH]: (bytes, req, nowMs) => bills(bytes, req, nowMs, (body, who) => book.refund(body, who, nowMs)),
    [PREAUTH_CANCEL_PATH]: (bytes, req, nowMs) => bills(bytes, req, nowMs, (body, who) => book.preauthCancel(body, who, nowMs)),
    [PREAUTHED_PATH]: (bytes, req, nowMs) => bills(bytes, req, nowMs, (body, who) => book.preauthed(body, who, nowMs)),
    [PREAUTHED_CANCEL_PATH]: (bytes, req, nowMs) => bills(bytes, req, nowMs, (body, who) => book.preauthedCancel(body, who, nowMs)),
    [BILLS_QUERY_PATH]: (bytes, req, nowMs) => bills(bytes, req, nowMs, (body, who) => book.query(body, who, nowMs)),
  };
  const billsServices = Object.keys(routes)
    .filter((p) => p.startsWith(BILLS_PREFIX))
    .map((p) => p.slice(BILLS_PREFIX.length));

  /** Where a QR code leads the payer: the emulator's cashier page for it. */
  const qrCodeUrl = (qrCodeId) => `${baseUrl}${CASHIER_QRCODE_PATH}?qrCodeId=${encodeURIComponent(qrCodeId)}`;

  /** Authenticates first (the signature covers the raw bytes), then parses, then acts. */
  function bills(bytes, req, nowMs, operation) {
    const who = auth.authenticate(req.headers.authorization, bytes, nowMs);
    if (who instanceof Rejection) return { status: who.status, body: { errCode: who.errCode, errMsg: who.message }, who: null, badSign: who.badSign };
    const decoded = decodeJson(bytes);
    if (decoded.error) return { status: 400, body: { errCode: 'BAD_REQUEST', errMsg: decoded.error }, who };
    return { ...operation(decoded.value, who.credential), who };
  }

  /**
   * After a state change, notifies the application (the caller's, or the bill's creator's) when
   * its credential has notification settings: to the notifyUrl the bill was made with, else the
   * credential's.
   */
  function notifyChange(bill, trigger, appId = bill.ownerAppId) {
    const target = appId === null ? null : auth.notifyTarget(appId);
    if (target === null) return;
    const facts = book.notificationFacts(bill.billNo, bill.billDate);
    courier.send({ trigger, facts, ...target, url: bill.notifyUrl ?? target.url });
  }

  /** The JSON reply to an API answer, signed for its caller when signResponses is on. */
  function answerReply(answer, nowMs) {
    const bytes = Buffer.from(JSON.stringify(answer.body), 'utf8');
    const headers = { ...JSON_TYPE, ...answer.headers };
    if (signResponses && answer.who) headers.Authorization = auth.signResponse(answer.who.credential.appId, bytes, nowMs);
    return reply(answer.status, bytes, headers);
  }

  /** The payer pays an UNPAID bill: `{ paid }` or `{ refusal }`; its owner is notified. */
  function pay(bill, trigger) {
    const outcome = book.pay(bill, clock());
    if (outcome.bill) notifyChange(outcome.bill, trigger);
    return outcome;
  }

  const tooLarge = () => ({
    reply: jsonReply(413, { errCode: 'BAD_REQUEST', errMsg: `the body is larger than ${maxBodyBytes} bytes` }, { Connection: 'close' }),
    errCode: 'BAD_REQUEST',
  });

  /** The payer's cashier: the QR code's page, and its pay button. */
  async function cashier(req, path, target, nowMs) {
    if (path === CASHIER_QRCODE_PATH && req.method === 'GET') {
      const bill = book.byQrCode(target.searchParams.get('qrCodeId') ?? '');
      if (bill === null) return { reply: reply(404, qrCodePage(null), HTML_TYPE), errCode: 'NO_BILL' };
      return { reply: reply(200, qrCodePage(bill), HTML_TYPE), errCode: null };
    }
    if (path === CASHIER_PAY_PATH && req.method === 'POST') {
      const body = await readBody(req, maxBodyBytes);
      if (body.tooLarge) {
        return tooLarge();
      }
      const form = formDecode(strictUtf8Text(body.bytes) ?? '%');
      const qrCodeId = new Map(form?.pairs ?? []).get('qrCodeId') ?? '';
      const bill = book.byQrCode(qrCodeId);
      if (bill === null) return { reply: reply(404, qrCodePage(null), HTML_TYPE), errCode: 'NO_BILL' };
      const outcome = pay(bill, 'cashier');
      const shown = book.byQrCode(qrCodeId);
      if (outcome.refusal) return { reply: reply(409, qrCodePage(shown, outcome.refusal), HTML_TYPE), errCode: 'OPERATION_NOT_ALLOWED' };
      return { reply: reply(200, qrCodePage(shown), HTML_TYPE), errCode: null, applied: true };
    }
    if (req.method === 'GET' && path !== CASHIER_QRCODE_PATH && path !== CASHIER_PAY_PATH) {
      return { reply: reply(200, cashierPage(path, target.search.slice(1)), HTML_TYPE), errCode: null };
    }
    const allow = path === CASHIER_PAY_PATH ? 'POST' : 'GET';
    return { reply: jsonReply(405, { errCode: 'NO_SERVICE', errMsg: `${path} takes ${allow}, not ${req.method}` }, { Allow: allow }), errCode: 'NO_SERVICE' };
  }

  /** Reads and answers one request (without writing it): `{ reply, errCode, who?, applied?, badSign? }`. */
  async function answer(req, path, target, nowMs) {
    if (req.method === 'GET' && path === '/') {
      const reply = jsonReply(200, {
        emulator: 'chinaums-open-gateway',
        endpoints: [
          ...Object.keys(routes).map((p) => `POST ${p}`),
          ...FORM_PARAM_PATHS.map((p) => `GET ${p} (OPEN-FORM-PARAM)`),
          `GET ${CASHIER_QRCODE_PATH}?qrCodeId=… (the payer's page)`,
        ],
        appIds: auth.appIds,
      });
      return { reply, errCode: null };
    }
    if (FORM_PARAM_PATHS.includes(path)) {
      if (req.method !== 'GET') {
        return { reply: jsonReply(405, { errCode: 'NO_SERVICE', errMsg: `${path} takes GET (OPEN-FORM-PARAM), not ${req.method}` }, { Allow: 'GET' }), errCode: 'NO_SERVICE' };
      }
      // The query exactly as sent: the platform decodes it strictly (URLDecoder), where
      // URLSearchParams would let a bad escape through.
      const raw = req.url ?? '';
      const query = raw.includes('?') ? raw.slice(raw.indexOf('?') + 1) : '';
      const formAnswer = answerFormParam({ auth, path, query, nowMs, baseUrl });
      const written = formAnswer.status === 302 ? reply(302, Buffer.alloc(0), formAnswer.headers) : answerReply(formAnswer, nowMs);
      return { reply: written, errCode: formAnswer.body?.errCode ?? null, who: formAnswer.who, badSign: formAnswer.badSign ?? null };
    }
    if (path.startsWith(CASHIER_PREFIX)) return cashier(req, path, target, nowMs);
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (route === undefined) {
      const errMsg = path.startsWith(BILLS_PREFIX)
        ? `no bills service ${JSON.stringify(path.slice(BILLS_PREFIX.length))}; this emulator serves bills/${billsServices.join(', bills/')}`
        : `no service at ${path}; this emulator serves ${Object.keys(routes).join(', ')} and GET ${FORM_PARAM_PATHS.join(', ')}`;
      return { reply: jsonReply(404, { errCode: 'NO_SERVICE', errMsg }), errCode: 'NO_SERVICE' };
    }
    if (req.method !== 'POST') {
      return { reply: jsonReply(405, { errCode: 'NO_SERVICE', errMsg: `${path} takes POST, not ${req.method}` }, { Allow: 'POST' }), errCode: 'NO_SERVICE' };
    }
    const body = await readBody(req, maxBodyBytes);
    if (body.tooLarge) {
      return tooLarge();
    }
    const apiAnswer = route(body.bytes, req, nowMs);
    // The platform notifies payments and what becomes of them, not the creation of a bill.
    if (apiAnswer.changed && path !== GET_QRCODE_PATH) notifyChange(apiAnswer.changed, path.slice(BILLS_PREFIX.length), apiAnswer.who?.credential.appId);
    return {
      reply: answerReply(apiAnswer, nowMs),
      errCode: apiAnswer.body.errCode,
      who: apiAnswer.who,
      applied: Boolean(apiAnswer.changed),
      badSign: apiAnswer.badSign ?? null,
    };
  }

  /** Answers held back by 'answer-late', so that close() need not wait for them. */
  const lateAnswers = new Set();

  /**
   * Handles one request, with the fault that matches it: `{ status, errCode, fault, applied,
   * who?, badSign? }` where status is what the client received (null: no answer). `entry` is the
   * request's record, filled in as soon as each part is known (a late answer's request shows
   * as applied while its answer is held).
   */
  async function handle(req, res, entry) {
    const nowMs = clock();
    let target;
    try {
      target = new URL(req.url ?? '/', 'http://gateway.invalid');
    } catch {
      // `//` or `/\`, which URL parsing reads as a host that is missing: the client's mistake.
      req.resume();
      const refusal = jsonReply(400, { errCode: 'BAD_REQUEST', errMsg: `the request target ${JSON.stringify(req.url.slice(0, 80))} is not a path` });
      sendBytes(res, refusal.status, refusal.bytes, refusal.headers, nowMs);
      return { status: 400, errCode: 'BAD_REQUEST', fault: null, applied: false };
    }
    const path = target.pathname;
    // The record names the path as routed (dot segments resolved, an absolute-form target's).
    entry.path = path;
    const fault = faultQueue.take(path);
    if (fault?.effect === 'answer') {
      req.resume();
      sendBytes(res, fault.status, Buffer.from(fault.body, 'utf8'), { 'Content-Type': fault.contentType }, nowMs);
      return { status: fault.status, errCode: `injected fault ${fault.name}`, fault: fault.name, applied: false };
    }
    if (fault?.effect === 'reset') {
      req.socket.destroy();
      return { status: null, errCode: null, fault: fault.name, applied: false };
    }
    const { reply: written, errCode, who = null, applied = false, badSign = null } = await answer(req, path, target, nowMs);
    const outcome = { status: written.status, errCode, fault: fault?.name ?? null, applied, who, badSign };
    Object.assign(entry, { errCode, fault: outcome.fault, applied, badSign });
    if (fault?.effect === 'lose-answer') {
      req.socket.destroy();
      return { ...outcome, status: null };
    }
    if (fault?.effect === 'delay-answer') {
      // Resolves true when the delay is over, false when the gateway closes first.
      const due = await new Promise((resolve) => {
        const late = { timer: setTimeout(() => (lateAnswers.delete(late), resolve(true)), fault.delayMs), resolve };
        lateAnswers.add(late);
      });
      if (!due) req.socket.destroy();
      if (!due || res.destroyed || res.socket === null || res.socket.destroyed) return { ...outcome, status: null };
    }
    sendBytes(res, written.status, written.bytes, written.headers, nowMs);
    return outcome;
  }

  const requestRecords = [];
  /** A new request's record, kept among the latest REQUEST_RECORDS_KEPT. */
  function record(req) {
    const entry = {
      method: req.method,
      path: (req.url ?? '').split('?')[0],
      status: null,
      errCode: null,
      fault: null,
      applied: false,
      at: clockOrNull(),
      badSign: null,
    };
    requestRecords.push(entry);
    if (requestRecords.length > REQUEST_RECORDS_KEPT) requestRecords.splice(0, requestRecords.length - REQUEST_RECORDS_KEPT);
    return entry;
  }

  const server = createServer((req, res) => {
    const entry = record(req);
    handle(req, res, entry).then(
      (outcome) => {
        Object.assign(entry, { status: outcome.status, errCode: outcome.errCode, fault: outcome.fault, applied: outcome.applied });
        if (log === null) return;
        const who = outcome.who ? ` (${outcome.who.mode}, appId ${outcome.who.credential.appId})` : '';
        const fault = outcome.fault ? ` [fault ${outcome.fault}]` : '';
        const shown = outcome.status === null ? `no answer${outcome.errCode ? ` (it would have said ${outcome.errCode})` : ''}` : `${outcome.status}${outcome.errCode ? ` ${outcome.errCode}` : ''}`;
        log(`${req.method} ${req.url} → ${shown}${who}${fault}${outcome.badSign ? badSignNote(outcome.badSign) : ''}`);
      },
      (error) => {
        Object.assign(entry, { status: 500, errCode: 'INTERNAL_ERROR' });
        // A bug or a broken clock: answer like the platform's INTERNAL_ERROR instead of hanging.
        if (!res.headersSent) {
          const failure = jsonReply(500, { errCode: 'INTERNAL_ERROR', errMsg: `gateway emulator error: ${error.message}` });
          sendBytes(res, failure.status, failure.bytes, failure.headers);
        } else res.destroy();
        log?.(`${req.method} ${req.url} → 500 INTERNAL_ERROR: ${error.message}`);
      },
    );
  });

  /** The clock for records, or null when it is broken (the request then fails on its own). */
  function clockOrNull() {
    try {
      return clock();
    } catch {
      return null;
    }
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${shownHost}:${address.port}`;
  let closing = null;

  return {
    url: baseUrl,
    /** Aborts notifications in flight and late answers, stops listening and drops open connections. */
    close() {
      for (const late of lateAnswers) {
        clearTimeout(late.timer);
        late.resolve(false);
      }
      lateAnswers.clear();
      closing ??= courier.close().then(
        () =>
          new Promise((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      );
      return closing;
    },
    /**
     * Sends a signed notification about a bill's current state to `url` and resolves with
     * the outcome (`acknowledged`: the receiver answered SUCCESS). See index.d.ts.
     */
    notify(notifyOptions) {
      const { billNo, billDate, ...rest } = checkNotifyArguments(notifyOptions);
      const facts = book.notificationFacts(billNo, billDate);
      if (facts === null) return Promise.reject(new TypeError(`gateway.notify: no bill ${billNo} of ${billDate}`));
      return courier.send({ trigger: 'notify()', facts, ...rest });
    },
    /** Makes the next matching request(s) get a failure; see index.d.ts. */
    inject(fault, injectOptions) {
      faultQueue.add(fault, injectOptions, 'gateway.inject');
    },
    /**
     * Plays the payer: pays the UNPAID bill (a preauth one is frozen). Resolves with what the
     * payer's side learns (merOrderId, authIdRespCd, …); rejects with a TypeError saying why a
     * bill cannot be paid.
     */
    async pay(bill) {
      if (bill === null || typeof bill !== 'object' || typeof bill.billNo !== 'string' || typeof bill.billDate !== 'string') {
        throw new TypeError('gateway.pay: give { billNo, billDate } of a bill made by bills/get-qrcode');
      }
      const outcome = pay({ billNo: bill.billNo, billDate: bill.billDate }, 'pay()');
      if (outcome.refusal) throw new TypeError(`gateway.pay: ${outcome.refusal}`);
      return outcome.paid;
    },
    /** Resolves when no notification is in flight, with the records of all sent so far. */
    idle: () => courier.idle(),
    state: Object.freeze({
      /** Copies of every bill, in seeding order. */
      bills: () => book.all(),
      /** A copy of one bill, or null. */
      bill: (billNo, billDate) => book.get(billNo, billDate),
      /** Adds a bill (fixture form), or replaces the one with the same billNo and billDate. */
      addBill: (fixture) => book.add(fixture),
      /** The records of finished notifications (no keys). */
      notifications: () => courier.records(),
      /** How many injected faults are still to come. */
      pendingFaults: () => faultQueue.pending,
      /** The records of the requests answered (or not) so far, oldest first. */
      requests: () => requestRecords.map((r) => ({ ...r })),
      /** The appIds the gateway accepts (never their keys). */
      appIds: auth.appIds,
    }),
  };
}

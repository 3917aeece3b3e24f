// chinaums-open-gateway: a local ChinaUMS gateway for the preauth lifecycle, for tests, CI and
// demos (what stripe-mock is to Stripe). Node only: node:http and node:crypto, no dependencies,
// and nothing from the chinaums-open library, because it is the oracle the library is tested
// against.
//
// It serves
//   POST /v1/token/access                    token exchange (OPEN-ACCESS-TOKEN mode)
//   POST /v1/netpay/bills/preauth-cancel     void a frozen preauthorization
//   POST /v1/netpay/bills/preauthed          capture (complete) a frozen preauthorization
//   POST /v1/netpay/bills/preauthed-cancel   reverse a capture
//   POST /v1/netpay/bills/query              a bill's state; a capture or refund by its order id
//   GET  /v1/netpay/trade/h5-pay and the other FORM_PARAM_PATHS   OPEN-FORM-PARAM → 302 cashier
//   GET  /cashier/…                          the stand-in cashier page the redirects lead to
// and sends signed notifications (gateway.notify(), or after each state change to a
// credential's notifyUrl).
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
import { answerFormParam, cashierPage } from './form-param.js';
import { DEFAULT_NOTIFY_TIMEOUT_MS } from './notify.js';
import {
  BILLS_PREFIX,
  BILLS_QUERY_PATH,
  CASHIER_PREFIX,
  FORM_PARAM_PATHS,
  PREAUTH_CANCEL_PATH,
  PREAUTHED_CANCEL_PATH,
  PREAUTHED_PATH,
  TOKEN_PATH,
} from './paths.js';

export {
  BILLS_QUERY_PATH,
  CASHIER_PREFIX,
  FORM_PARAM_PATHS,
  PREAUTH_CANCEL_PATH,
  PREAUTHED_CANCEL_PATH,
  PREAUTHED_PATH,
  TOKEN_PATH,
} from './paths.js';
export { FAULT_PRESETS } from './faults.js';
export { DEFAULT_NOTIFY_TIMEOUT_MS } from './notify.js';
export const DEFAULT_TOLERANCE_SECONDS = 300;
/** chunpat's SDK reports a one-hour token (PROTOCOL.md §3.2). */
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;
const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

export { DEFAULT_BILLS } from './bills.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses exact body bytes as UTF-8 JSON: `{ value }` or `{ error }`. */
function decodeJson(bytes) {
  let text;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return { error: 'the body is not valid UTF-8' };
  }
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

function send(res, status, body, extraHeaders = {}, dateMs = undefined) {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  sendBytes(res, status, bytes, { 'Content-Type': 'application/json;charset=UTF-8', ...extraHeaders }, dateMs);
}

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
  if (!Array.isArray(faults)) throw new TypeError('startGateway: faults must be an array of { fault, path?, times? }');
  const skewMs = finiteNumber(clockSkewMs, 'clockSkewMs');
  if (!(typeof notifyTimeoutMs === 'number' && notifyTimeoutMs > 0 && Number.isFinite(notifyTimeoutMs))) {
    throw new TypeError('startGateway: notifyTimeoutMs must be a positive number of milliseconds');
  }
  const auth = new Authenticator({
    credentials,
    toleranceSeconds: positiveNumber(toleranceSeconds, 'toleranceSeconds'),
    tokenTtlSeconds: positiveNumber(tokenTtlSeconds, 'tokenTtlSeconds'),
  });
  const book = new BillBook(loadFixtures(fixtures));
  const faultQueue = new FaultQueue();
  faults.forEach((entry, i) => {
    if (entry === null || typeof entry !== 'object') throw new TypeError(`startGateway: faults[${i}] must be { fault, path?, times? }`);
    faultQueue.add(entry.fault, { path: entry.path, times: entry.times }, `startGateway: faults[${i}]`);
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
    [PREAUTH_CANCEL_PATH]: (bytes, req, nowMs) => bills(bytes, req, nowMs, (body, who) => book.preauthCancel(body, who, nowMs)),
    [PREAUTHED_PATH]: (bytes, req, nowMs) => bills(bytes, req, nowMs, (body, who) => book.preauthed(body, who, nowMs)),
    [PREAUTHED_CANCEL_PATH]: (bytes, req, nowMs) => bills(bytes, req, nowMs, (body, who) => book.preauthedCancel(body, who, nowMs)),
    [BILLS_QUERY_PATH]: (bytes, req, nowMs) => bills(bytes, req, nowMs, (body, who) => book.query(body, who, nowMs)),
  };
  const billsServices = Object.keys(routes)
    .filter((p) => p.startsWith(BILLS_PREFIX))
    .map((p) => p.slice(BILLS_PREFIX.length));

  /** Authenticates first (the signature covers the raw bytes), then parses, then acts. */
  function bills(bytes, req, nowMs, operation) {
    const who = auth.authenticate(req.headers.authorization, bytes, nowMs);
    if (who instanceof Rejection) return { status: who.status, body: { errCode: who.errCode, errMsg: who.message }, who: null };
    const decoded = decodeJson(bytes);
    if (decoded.error) return { status: 400, body: { errCode: 'BAD_REQUEST', errMsg: decoded.error }, who };
    return { ...operation(decoded.value, who.credential), who };
  }

  /** After a state change, notifies the caller's notifyUrl when its credential has one. */
  function notifyChange(answer, path) {
    const target = answer.changed && answer.who ? auth.notifyTarget(answer.who.credential.appId) : null;
    if (target === null) return;
    const facts = book.notificationFacts(answer.changed.billNo, answer.changed.billDate);
    courier.send({ trigger: path.slice(BILLS_PREFIX.length), facts, ...target });
  }

  /** Sends a JSON answer, signed for its caller when signResponses is on. */
  function sendAnswer(res, answer, nowMs) {
    const bytes = Buffer.from(JSON.stringify(answer.body), 'utf8');
    const headers = { 'Content-Type': 'application/json;charset=UTF-8', ...answer.headers };
    if (signResponses && answer.who) headers.Authorization = auth.signResponse(answer.who.credential.appId, bytes, nowMs);
    sendBytes(res, answer.status, bytes, headers, nowMs);
  }

  async function handle(req, res) {
    const nowMs = clock();
    let target;
    try {
      target = new URL(req.url ?? '/', 'http://gateway.invalid');
    } catch {
      // `//` or `/\`, which URL parsing reads as a host that is missing: the client's mistake.
      req.resume();
      send(res, 400, { errCode: 'BAD_REQUEST', errMsg: `the request target ${JSON.stringify(req.url.slice(0, 80))} is not a path` }, {}, nowMs);
      return { status: 400, errCode: 'BAD_REQUEST' };
    }
    const path = target.pathname;
    const fault = faultQueue.take(path);
    if (fault !== null) {
      req.resume();
      sendBytes(res, fault.status, Buffer.from(fault.body, 'utf8'), { 'Content-Type': fault.contentType }, nowMs);
      return { status: fault.status, errCode: `injected fault ${fault.name}` };
    }
    if (req.method === 'GET' && path === '/') {
      send(res, 200, {
        emulator: 'chinaums-open-gateway',
        endpoints: [
          ...Object.keys(routes).map((p) => `POST ${p}`),
          ...FORM_PARAM_PATHS.map((p) => `GET ${p} (OPEN-FORM-PARAM)`),
        ],
        appIds: auth.appIds,
      }, {}, nowMs);
      return { status: 200, errCode: null };
    }
    if (FORM_PARAM_PATHS.includes(path)) {
      if (req.method !== 'GET') {
        send(res, 405, { errCode: 'NO_SERVICE', errMsg: `${path} takes GET (OPEN-FORM-PARAM), not ${req.method}` }, { Allow: 'GET' }, nowMs);
        return { status: 405, errCode: 'NO_SERVICE' };
      }
      // The query exactly as sent: the platform decodes it strictly (URLDecoder), where
      // URLSearchParams would let a bad escape through.
      const raw = req.url ?? '';
      const query = raw.includes('?') ? raw.slice(raw.indexOf('?') + 1) : '';
      const answer = answerFormParam({ auth, path, query, nowMs, baseUrl });
      if (answer.status === 302) sendBytes(res, 302, Buffer.alloc(0), answer.headers, nowMs);
      else sendAnswer(res, answer, nowMs);
      return { status: answer.status, errCode: answer.body?.errCode ?? null, who: answer.who };
    }
    if (path.startsWith(CASHIER_PREFIX) && req.method === 'GET') {
      sendBytes(res, 200, cashierPage(path, target.search.slice(1)), { 'Content-Type': 'text/html;charset=UTF-8' }, nowMs);
      return { status: 200, errCode: null };
    }
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (route === undefined) {
      const errMsg = path.startsWith(BILLS_PREFIX)
        ? `no bills service ${JSON.stringify(path.slice(BILLS_PREFIX.length))}; this emulator serves bills/${billsServices.join(', bills/')}`
        : `no service at ${path}; this emulator serves ${Object.keys(routes).join(', ')} and GET ${FORM_PARAM_PATHS.join(', ')}`;
      send(res, 404, { errCode: 'NO_SERVICE', errMsg }, {}, nowMs);
      return { status: 404, errCode: 'NO_SERVICE' };
    }
    if (req.method !== 'POST') {
      send(res, 405, { errCode: 'NO_SERVICE', errMsg: `${path} takes POST, not ${req.method}` }, { Allow: 'POST' }, nowMs);
      return { status: 405, errCode: 'NO_SERVICE' };
    }
    const body = await readBody(req, maxBodyBytes);
    if (body.tooLarge) {
      send(res, 413, { errCode: 'BAD_REQUEST', errMsg: `the body is larger than ${maxBodyBytes} bytes` }, { Connection: 'close' }, nowMs);
      return { status: 413, errCode: 'BAD_REQUEST' };
    }
    const answer = route(body.bytes, req, nowMs);
    sendAnswer(res, answer, nowMs);
    notifyChange(answer, path);
    return { status: answer.status, errCode: answer.body.errCode, who: answer.who };
  }

  const server = createServer((req, res) => {
    handle(req, res).then(
      (outcome) => {
        if (log === null) return;
        const who = outcome.who ? ` (${outcome.who.mode}, appId ${outcome.who.credential.appId})` : '';
        log(`${req.method} ${req.url} → ${outcome.status}${outcome.errCode ? ` ${outcome.errCode}` : ''}${who}`);
      },
      (error) => {
        // A bug or a broken clock: answer like the platform's INTERNAL_ERROR instead of hanging.
        if (!res.headersSent) send(res, 500, { errCode: 'INTERNAL_ERROR', errMsg: `gateway emulator error: ${error.message}` });
        else res.destroy();
        log?.(`${req.method} ${req.url} → 500 INTERNAL_ERROR: ${error.message}`);
      },
    );
  });

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
    /** Aborts notifications in flight, stops listening and drops open connections. */
    close() {
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
      /** The appIds the gateway accepts (never their keys). */
      appIds: auth.appIds,
    }),
  };
}

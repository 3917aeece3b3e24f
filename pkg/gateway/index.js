// chinaums-open/gateway: a local ChinaUMS gateway for the preauth flow, for tests, CI and demos
// (what stripe-mock is to Stripe). Node only: node:http and node:crypto, no dependencies, and
// nothing from the library's wasm, because it is the oracle the library is tested against.
//
// It serves
//   POST /v1/token/access                 token exchange (OPEN-ACCESS-TOKEN mode)
//   POST /v1/netpay/bills/preauth-cancel  void a frozen preauthorization
//   POST /v1/netpay/bills/query           the current state of a bill
//
// HTTP statuses, chosen where the platform's are not documented (PROTOCOL.md §9, §13.14):
//   401  authentication failures (signature, appId, header grammar, time window, nonce reuse,
//        token), errMsg starting with 认证失败, as the platform's auth failures are non-2xx;
//   400  a body that is not UTF-8 JSON: it cannot reach the business layer, so it gets no
//        business envelope (BAD_REQUEST);
//   200  every business outcome, SUCCESS or not (BAD_REQUEST for a body breaking the field
//        rules, INVALID_MSGSRC, NO_BILL, NO_ORDER, INVALID_ORDER, OPERATION_NOT_ALLOWED), as the
//        platform answers them with errCode/errMsg;
//   404 / 405  NO_SERVICE for other paths and methods; 413 for bodies over maxBodyBytes.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Authenticator, Rejection } from './auth.js';
import { BillBook } from './bills.js';

export const TOKEN_PATH = '/v1/token/access';
export const PREAUTH_CANCEL_PATH = '/v1/netpay/bills/preauth-cancel';
export const BILLS_QUERY_PATH = '/v1/netpay/bills/query';
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

function send(res, status, body, extraHeaders = {}) {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(status, {
    'Content-Type': 'application/json;charset=UTF-8',
    'Content-Length': bytes.length,
    ...extraHeaders,
  });
  res.end(bytes);
}

/**
 * Starts a gateway emulator. See index.d.ts for the options.
 * @returns {Promise<{ url: string, close(): Promise<void>, state: object }>}
 */
export async function startGateway(options = {}) {
  if (options === null || typeof options !== 'object') throw new TypeError('startGateway: options must be an object');
  const {
    port = 0,
    host = '127.0.0.1',
    credentials,
    fixtures,
    now = Date.now,
    toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
    tokenTtlSeconds = DEFAULT_TOKEN_TTL_SECONDS,
    maxBodyBytes = DEFAULT_MAX_BODY_BYTES,
    log = null,
  } = options;
  if (typeof now !== 'function') throw new TypeError('startGateway: now must be a function returning epoch milliseconds');
  if (log !== null && typeof log !== 'function') throw new TypeError('startGateway: log must be a function taking one line of text');
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0) throw new TypeError('startGateway: maxBodyBytes must be a positive integer');
  const auth = new Authenticator({
    credentials,
    toleranceSeconds: positiveNumber(toleranceSeconds, 'toleranceSeconds'),
    tokenTtlSeconds: positiveNumber(tokenTtlSeconds, 'tokenTtlSeconds'),
  });
  const book = new BillBook(loadFixtures(fixtures));
  const clock = () => {
    const ms = now();
    if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new TypeError('the gateway clock (the now option) must return epoch milliseconds');
    return ms;
  };

  const routes = {
    [TOKEN_PATH]: (bytes) => {
      const decoded = decodeJson(bytes);
      if (decoded.error) return { status: 400, body: { errCode: 'BAD_REQUEST', errInfo: decoded.error } };
      return auth.exchangeToken(decoded.value, clock());
    },
    [PREAUTH_CANCEL_PATH]: (bytes, req) => bills(bytes, req, (body, who, ms) => book.preauthCancel(body, who, ms)),
    [BILLS_QUERY_PATH]: (bytes, req) => bills(bytes, req, (body, who, ms) => book.query(body, who, ms)),
  };

  /** Authenticates first (the signature covers the raw bytes), then parses, then acts. */
  function bills(bytes, req, operation) {
    const nowMs = clock();
    const who = auth.authenticate(req.headers.authorization, bytes, nowMs);
    if (who instanceof Rejection) return { status: who.status, body: { errCode: who.errCode, errMsg: who.message }, who: null };
    const decoded = decodeJson(bytes);
    if (decoded.error) return { status: 400, body: { errCode: 'BAD_REQUEST', errMsg: decoded.error }, who };
    return { ...operation(decoded.value, who.credential, nowMs), who };
  }

  async function handle(req, res) {
    const path = new URL(req.url ?? '/', 'http://gateway.invalid').pathname;
    if (req.method === 'GET' && path === '/') {
      send(res, 200, {
        emulator: 'chinaums-open gateway',
        endpoints: [TOKEN_PATH, PREAUTH_CANCEL_PATH, BILLS_QUERY_PATH].map((p) => `POST ${p}`),
        appIds: auth.appIds,
      });
      return { status: 200, errCode: null };
    }
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (route === undefined) {
      send(res, 404, { errCode: 'NO_SERVICE', errMsg: `no service at ${path}; this emulator serves ${Object.keys(routes).join(', ')}` });
      return { status: 404, errCode: 'NO_SERVICE' };
    }
    if (req.method !== 'POST') {
      send(res, 405, { errCode: 'NO_SERVICE', errMsg: `${path} takes POST, not ${req.method}` }, { Allow: 'POST' });
      return { status: 405, errCode: 'NO_SERVICE' };
    }
    const body = await readBody(req, maxBodyBytes);
    if (body.tooLarge) {
      send(res, 413, { errCode: 'BAD_REQUEST', errMsg: `the body is larger than ${maxBodyBytes} bytes` }, { Connection: 'close' });
      return { status: 413, errCode: 'BAD_REQUEST' };
    }
    const answer = route(body.bytes, req);
    send(res, answer.status, answer.body);
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
  let closing = null;

  return {
    url: `http://${shownHost}:${address.port}`,
    /** Stops listening and drops open connections; resolves when the server is closed. */
    close() {
      closing ??= new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
    state: Object.freeze({
      /** Copies of every bill, in seeding order. */
      bills: () => book.all(),
      /** A copy of one bill, or null. */
      bill: (billNo, billDate) => book.get(billNo, billDate),
      /** Adds a bill (fixture form), or replaces the one with the same billNo and billDate. */
      addBill: (fixture) => book.add(fixture),
      /** The appIds the gateway accepts (never their keys). */
      appIds: auth.appIds,
    }),
  };
}

#!/usr/bin/env node
// The admin panel's backend (the demo's second part): serves the preview page (www/) and the
// browser entry of the package, and sends the bills requests it previews. The page validates and
// previews with the library's wasm but holds no key; this server validates again with the same
// rules, builds the same bytes, signs them with the key only it holds, sends them to the gateway
// and returns the parsed answer. Nothing it returns contains the key or the signature.
//
//   node examples/admin-panel-server.mjs [--port <n>] [--gateway <url>] [--gateway-port <n>]
//
// Without --gateway it starts the local gateway emulator in-process (works offline). The
// credentials are the demo's fictional ones unless CHINAUMS_APP_ID and CHINAUMS_APP_KEY are set
// (CHINAUMS_MSG_SRC_ID optional). Listens on 127.0.0.1 only; stops on Ctrl-C or SIGTERM.

import { createReadStream, existsSync, realpathSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bills, ChinaumsClient, openBodySig } from 'chinaums-open';
import { startGateway } from 'chinaums-open-gateway';
import { DEMO_BILL, DEMO_CREDENTIALS, DEMO_MSG_SRC_ID, DEMO_WORKER_BILL } from './flow/demo-setup.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const HOST = '127.0.0.1';
const MAX_API_BODY_BYTES = 16 * 1024;

const USAGE = `usage: node examples/admin-panel-server.mjs [--port <n>] [--gateway <url>] [--gateway-port <n>]

  --port <n>          port of the admin panel (default 0: any free port)
  --gateway <url>     send to this gateway (e.g. a running chinaums-open-gateway) instead of
                      starting the emulator in-process
  --gateway-port <n>  port of the in-process emulator (default 0)

Credentials: CHINAUMS_APP_ID and CHINAUMS_APP_KEY (and CHINAUMS_MSG_SRC_ID), else the demo's
fictional ones. Prints the panel's URL when ready.`;

// ---------------------------------------------------------------------------------------------
// Static files: the page and the package's browser entry, nothing else

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
};

/**
 * URL prefix → directory. Only what the page needs: www/ and the files the browser entry
 * imports (pkg/src and the built pkg/dist). The Node-only gateway and everything else in the
 * repository stay unreachable.
 */
const STATIC_ROOTS = [
  ['/pkg/src/', join(REPO, 'pkg/src')],
  ['/pkg/dist/', join(REPO, 'pkg/dist')],
  ['/', join(REPO, 'www')],
];

/**
 * The admin panel needs nothing from other origins: scripts, styles and fetches from itself
 * only. 'wasm-unsafe-eval' lets the page compile the library's wasm (and nothing else).
 */
const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/** The file a URL path names, or null: no dot segments, hidden files, or escapes via symlinks. */
function staticFile(pathname) {
  let path;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  if (path === '/') path = '/index.html';
  const [prefix, root] = STATIC_ROOTS.find(([p]) => path.startsWith(p));
  const segments = path.slice(prefix.length).split('/');
  if (segments.some((s) => s === '' || s.startsWith('.'))) return null;
  const file = join(root, ...segments);
  if (!Object.hasOwn(MIME_TYPES, extname(file))) return null;
  try {
    const real = realpathSync(file);
    if (!real.startsWith(realpathSync(root) + sep) || !statSync(real).isFile()) return null;
    return real;
  } catch {
    return null;
  }
}

function serveStatic(req, res, pathname) {
  const file = staticFile(pathname);
  if (file === null) return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `nothing at ${pathname}` } });
  res.writeHead(200, { ...PAGE_HEADERS, 'Content-Type': MIME_TYPES[extname(file)], 'Content-Length': statSync(file).size });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file).pipe(res);
}

// ---------------------------------------------------------------------------------------------
// The API

function sendJson(res, status, value, headers = {}) {
  const bytes = Buffer.from(JSON.stringify(value), 'utf8');
  res.writeHead(status, { ...PAGE_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': bytes.length, ...headers });
  res.end(bytes);
}

function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const apiError = (code, message, extra = {}) => ({ error: { code, message, ...extra } });

/**
 * POST /api/send `{ operation, input }`: the same validation as the page, then build, sign, send
 * once and parse, with the client over this server's fetch. Answers 200 with what was sent
 * (Signature redacted) and the gateway's answer, whatever that answer is; 422 with the issues
 * when the input is invalid.
 */
async function send(body, context) {
  let operation;
  let input;
  try {
    ({ operation, input } = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body)));
  } catch (error) {
    return { status: 400, value: apiError('BAD_REQUEST', `the body must be UTF-8 JSON { "operation": "…", "input": { … } } (${error.message})`) };
  }
  if (typeof operation !== 'string' || !Object.hasOwn(bills, operation)) {
    return { status: 400, value: apiError('BAD_REQUEST', `operation must be one of ${Object.keys(bills).join(', ')}`) };
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { status: 400, value: apiError('BAD_REQUEST', `the body must be { "operation": "${operation}", "input": { …the fields… } }`) };
  }
  const validation = bills[operation].validate(input, { msgSrcId: context.msgSrcId });
  if (!validation.ok) {
    return { status: 422, value: apiError('VALIDATION', `the input breaks the ${bills[operation].endpoint} rules`, { issues: validation.issues }) };
  }
  let answer;
  try {
    answer = await context.client.request(bills[operation].path, input);
  } catch (error) {
    const sent = error.request && described(error.request);
    return { status: 502, value: { sent, ...apiError('GATEWAY_UNREACHABLE', `the gateway at ${context.gatewayUrl} did not answer (${error.cause?.cause?.code ?? error.message})`) } };
  }
  const { status, response, error, request } = answer;
  return { status: 200, value: { sent: described(request), status, response, ...(error ? apiError(error.code, error.message) : {}) } };
}

/** What was sent, for the page to compare with its preview (the Signature is already redacted). */
function described(request) {
  return { ...request, bodyBytes: Buffer.byteLength(request.body, 'utf8'), bodyDigest: openBodySig.bodyDigest(request.body) };
}

/** What the page may know: the appId and where requests go. Never the key. */
function publicConfig(context) {
  return {
    appId: context.credentials.appId,
    baseUrl: context.gatewayUrl,
    msgSrcId: context.msgSrcId,
    gateway: context.gatewayKind,
    // A starting input for each operation's form (see samples()).
    samples: context.samples,
  };
}

// ---------------------------------------------------------------------------------------------
// The server

/**
 * A request must name this server: a page from another origin (or a DNS-rebinding name) cannot
 * drive it, and API posts must be JSON, which browsers never send cross-origin without asking.
 */
function refusal(req, origin) {
  const allowedHosts = [origin.host, origin.host.replace(HOST, 'localhost')];
  if (!allowedHosts.includes(req.headers.host ?? '')) return `unexpected Host ${JSON.stringify(req.headers.host)}`;
  const from = req.headers.origin;
  if (from !== undefined && !allowedHosts.some((h) => from === `http://${h}`)) return `requests from ${from} are not accepted`;
  return null;
}

const PARSE_BASE = 'http://panel.invalid';

/**
 * The path of an origin-form request target (`/path?query`, RFC 9112 §3.2.1), or null. Any
 * other target (`//host/x`, `/\host`, `http://host/x`, `*`) would make new URL() take a host
 * from the request itself, or throw. The parsed origin is checked as well, since URL parsing
 * also drops tabs and newlines, which could bring two slashes together.
 */
function originFormPath(target) {
  if (!/^\/(?![/\\])/.test(target)) return null;
  let url;
  try {
    url = new URL(target, PARSE_BASE);
  } catch {
    return null;
  }
  return url.origin === PARSE_BASE ? url.pathname : null;
}

async function handle(req, res, context) {
  const refused = refusal(req, context.origin);
  if (refused) return sendJson(res, 403, apiError('FORBIDDEN', refused));
  const pathname = originFormPath(req.url ?? '');
  if (pathname === null) {
    return sendJson(res, 400, apiError('BAD_REQUEST', `the request target must be a path on this server, not ${JSON.stringify(req.url.slice(0, 80))}`));
  }
  if (pathname === '/api/config') {
    if (req.method !== 'GET') return sendJson(res, 405, apiError('METHOD', 'GET only'), { Allow: 'GET' });
    return sendJson(res, 200, publicConfig(context));
  }
  if (pathname === '/api/send') {
    if (req.method !== 'POST') return sendJson(res, 405, apiError('METHOD', 'POST only'), { Allow: 'POST' });
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      return sendJson(res, 415, apiError('CONTENT_TYPE', 'send application/json'));
    }
    const body = await readBody(req, MAX_API_BODY_BYTES);
    if (body === null) return sendJson(res, 413, apiError('TOO_LARGE', `the body is over ${MAX_API_BODY_BYTES} bytes`), { Connection: 'close' });
    const { status, value } = await send(body, context);
    context.log(`POST /api/send → ${status}${value.status ? ` (gateway ${value.status} ${value.response?.errCode ?? ''})` : ''}`);
    return sendJson(res, status, value);
  }
  if (pathname.startsWith('/api/')) return sendJson(res, 404, apiError('NOT_FOUND', `no API at ${pathname}`));
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, apiError('METHOD', 'GET only'), { Allow: 'GET, HEAD' });
  return serveStatic(req, res, pathname);
}

/**
 * Each operation's form starts filled from the emulator's bills: the preauth-cancel one with one
 * mistake to fix (the bill date written with slashes), the others ready to send.
 */
function samples() {
  const { mid, tid, billDate } = DEMO_BILL;
  return {
    preauthCancel: { ...DEMO_BILL, billDate: billDate.replaceAll('-', '/'), msgId: 'admin-panel-0001', srcReserve: '后台撤销预授权' },
    preauthed: { mid, tid, billNo: DEMO_WORKER_BILL.billNo, billDate, authedOrderId: '31942025010203040500021', authIdRespCd: DEMO_WORKER_BILL.authIdRespCd, totalAmount: '5000' },
    preauthedCancel: { mid, tid, merOrderId: '31942025010203040500021' },
    query: { mid, tid, billNo: DEMO_BILL.billNo, billDate },
    getQrcode: {
      mid,
      tid,
      billNo: '3194202501020304050100',
      billDate,
      totalAmount: '2100',
      billDesc: '房费押金 Room deposit',
      preauthTransaction: 'true',
      goods: [{ goodsId: '1203', goodsName: '房间 1203', quantity: '1', price: '2100' }],
    },
    closeQrcode: { mid, tid, billNo: '3194202501020304050100' },
    refund: { mid, tid, billNo: '3194202501020304050003', billDate, refundAmount: '500', refundOrderId: '3194R202501020001', refundDesc: '部分退款 Partial refund' },
  };
}

function portOption(value, name) {
  if (value === undefined) return 0;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new Error(`${name} must be a port number 0-65535, not ${value}`);
  return Number(value);
}

function credentialsFromEnv(env) {
  const { CHINAUMS_APP_ID: appId, CHINAUMS_APP_KEY: appKey, CHINAUMS_MSG_SRC_ID: msgSrcId } = env;
  if (appId === undefined && appKey === undefined) return { credentials: DEMO_CREDENTIALS, msgSrcId: msgSrcId ?? DEMO_MSG_SRC_ID };
  if (!appId || !appKey) throw new Error('set both CHINAUMS_APP_ID and CHINAUMS_APP_KEY, or neither (for the demo credentials)');
  return { credentials: { appId, appKey }, msgSrcId: msgSrcId || undefined };
}

async function main() {
  const { values: args } = parseArgs({
    options: {
      port: { type: 'string' },
      gateway: { type: 'string' },
      'gateway-port': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (args.help) return void console.log(USAGE);
  if (!existsSync(join(REPO, 'pkg/dist/chinaums_open_bg.wasm'))) throw new Error('pkg/dist is missing: run scripts/build.sh first');
  const port = portOption(args.port, '--port');
  const { credentials, msgSrcId } = credentialsFromEnv(process.env);
  const log = (line) => console.log(`  ${line}`);

  let gateway = null;
  if (args.gateway === undefined) {
    gateway = await startGateway({
      port: portOption(args['gateway-port'], '--gateway-port'),
      credentials: [{ ...credentials, ...(msgSrcId ? { msgSrcId } : {}) }],
      log: (line) => log(`gateway: ${line}`),
    });
  }
  const gatewayUrl = gateway?.url ?? args.gateway;
  const context = {
    credentials,
    msgSrcId,
    gatewayUrl,
    gatewayKind: gateway ? 'the local gateway emulator (chinaums-open-gateway), started by this server' : 'the gateway given by --gateway',
    client: new ChinaumsClient({ ...credentials, baseUrl: gatewayUrl, msgSrcId }),
    samples: samples(),
    origin: null,
    log,
  };

  const server = createServer((req, res) => {
    handle(req, res, context).catch((error) => {
      log(`${req.method} ${req.url} → 500: ${error.message}`);
      if (!res.headersSent) sendJson(res, 500, apiError('INTERNAL', error.message));
      else res.destroy();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, resolve);
  });
  context.origin = new URL(`http://${HOST}:${server.address().port}`);

  console.log(`Admin panel: ${context.origin.href}`);
  console.log(`  open it in a browser; the form starts with one mistake (账单日期 Bill date) to fix, then "Send via server"`);
  console.log(`  sends to ${context.gatewayUrl} (${context.gatewayKind}), appId ${credentials.appId}; the key stays here`);
  console.log('  stop with Ctrl-C');

  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      server.closeAllConnections();
      Promise.all([new Promise((resolve) => server.close(resolve)), gateway?.close()]).then(() => process.exit(0));
    });
  }
}

main().catch((error) => {
  console.error(`admin-panel-server: ${error.message}\n\n${USAGE}`);
  process.exit(error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? 2 : 1);
});

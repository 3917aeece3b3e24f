// The one vector suite every packaging host runs (Node import, Node require, the Worker in
// workerd, a plain ES-module page and a Vite build in Chromium, Bun, Deno), jose-style: the host
// hands in the package namespace it imported and the parsed shared vectors (`vectors.json`, made
// by run.mjs from tests/vectors: `{ openBodySig, notify, accessToken }`), and gets back a report
// that tests/packaging/run.mjs asserts. It uses no host API beyond ECMAScript, TextEncoder and
// URLSearchParams, so the same file runs unchanged everywhere.

/** Every top-level export of every entry (node, workerd, browser, core), sorted. */
export const EXPORTS = Object.freeze([
  'AccessTokenHolder',
  'ChinaumsClient',
  'ChinaumsError',
  'ERROR_CODES',
  'OpenBodySigner',
  'accessToken',
  'beijingTime',
  'bills',
  'buildRequest',
  'clockOffsetFromResponse',
  'constants',
  'createNonce',
  'explainSignature',
  'formParamUrl',
  'init',
  'notifications',
  'openBodySig',
  'signOpenBody',
  'signRequest',
  'verifyOpenBody',
  'verifyResponseSignature',
  'wasmMemoryBytes',
]);

/** The bills operations, and what each one has. */
export const OPERATIONS = Object.freeze(['closeQrcode', 'getQrcode', 'preauthCancel', 'preauthed', 'preauthedCancel', 'query', 'refund']);
const OPERATION_MEMBERS = ['build', 'endpoint', 'fields', 'name', 'oneOf', 'parseResponse', 'path', 'preview', 'sign', 'summary', 'validate'];

/** Vectors whose body is a preauth-cancel request the builder must reproduce byte for byte. */
export const PREAUTH_CANCEL_VECTORS = ['V1-preauth-cancel-ascii', 'V2-chinese-raw-utf8'];

/**
 * One request built and signed by every host; run.mjs asserts that all hosts, the Worker
 * answering over HTTP included, produce the same bytes. `now` is 2025-12-31T15:59:59Z, i.e.
 * 23:59:59 in Beijing: a host that formatted local or UTC time would be a day off.
 */
export const CROSS_HOST_REQUEST = {
  input: {
    mid: '898201612345678',
    tid: '88880001',
    billNo: '3194202512310001',
    billDate: '2025-12-31',
    merOrderId: '31942025123100010',
    authIdRespCd: '000665',
    srcReserve: '预授权撤销 "quoted" a/b ✓',
  },
  options: { env: 'production', now: Date.UTC(2025, 11, 31, 15, 59, 59) },
  credentials: {
    appId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
    appKey: 'fictional0app0key0for0tests00001',
    timestamp: '20251231235959',
    nonce: 'fedcba9876543210fedcba9876543210',
  },
};

/** What CROSS_HOST_REQUEST must serialize to, written out by hand from the field table. */
export const CROSS_HOST_BODY =
  '{"requestTimestamp":"2025-12-31 23:59:59","mid":"898201612345678","tid":"88880001",' +
  '"instMid":"QRPAYDEFAULT","billNo":"3194202512310001","billDate":"2025-12-31",' +
  '"merOrderId":"31942025123100010","authIdRespCd":"000665","srcReserve":"预授权撤销 \\"quoted\\" a/b ✓"}';

/** Builds and signs a request the way a server does, in one call; the Worker's HTTP handler calls this. */
export function buildAndSign(api, { input, options, credentials }) {
  return api.bills.preauthCancel.sign(input, { ...options, ...credentials });
}

/** Calls the API before initialization; the host runs it first, on a fresh namespace. */
export function checkNotInitialized(api) {
  try {
    api.createNonce();
  } catch (error) {
    return {
      threw: true,
      isChinaumsError: error instanceof api.ChinaumsError,
      code: error.code,
    };
  }
  return { threw: false };
}

// ---------------------------------------------------------------------------------------------

class CheckFailed extends Error {}

/** Canonical JSON (object keys sorted) so that two values compare by content only. */
export function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function equal(actual, expected, what) {
  if (actual !== expected) {
    throw new CheckFailed(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

function same(actual, expected, what) {
  equal(canonical(actual), canonical(expected), what);
}

function throws(fn, what) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new CheckFailed(`${what}: expected an error, nothing was thrown`);
}

/** Epoch ms of a yyyyMMddHHmmss Beijing timestamp, computed independently of the library. */
function beijingToEpochMs(ts) {
  const part = (at, len) => Number(ts.slice(at, at + len));
  return Date.UTC(part(0, 4), part(4, 2) - 1, part(6, 2), part(8, 2) - 8, part(10, 2), part(12, 2));
}

/**
 * Runs every check and returns `{ host, passed, failed, outputs, crossHost, exportNames }`:
 * `passed` names each check that held, `failed` gives `{ name, message }` for the others,
 * `outputs` maps each vector to the Authorization header this host produced.
 */
export async function runSuite(api, vectors, host) {
  const passed = [];
  const failed = [];
  const outputs = {};
  let crossHost = null;

  const check = async (name, fn) => {
    try {
      await fn();
      passed.push(name);
    } catch (error) {
      const message = error instanceof CheckFailed ? error.message : `unexpected ${error && error.stack}`;
      failed.push({ name, message });
    }
  };

  await check('init() is idempotent and resolves to nothing', async () => {
    const [first, second] = await Promise.all([api.init(), api.init()]);
    equal(first, undefined, 'first init()');
    equal(second, undefined, 'second init()');
    equal(await api.init(), undefined, 'a later init()');
  });

  await check('the export list, the bills operations and the namespaces', () => {
    same(Object.keys(api).sort(), EXPORTS, 'the exported names');
    same(Object.keys(api.bills).sort(), OPERATIONS, 'the bills operations');
    for (const name of OPERATIONS) {
      const operation = api.bills[name];
      same(Object.keys(operation).sort(), OPERATION_MEMBERS, `bills.${name}'s members`);
      equal(operation.name, name, `bills.${name}.name`);
      equal(operation.path, `/v1/netpay/bills/${operation.endpoint}`, `bills.${name}.path`);
      if (!operation.fields.some((f) => f.name === 'mid' && f.required)) throw new CheckFailed(`bills.${name}.fields lacks a required mid`);
    }
    same(Object.keys(api.openBodySig).sort(), ['authorizationHeader', 'bodyDigest', 'computeSignature', 'parseAuthorization', 'stringToSign'], 'openBodySig');
    same(Object.keys(api.notifications).sort(), ['parse', 'sign', 'stringToSign', 'verify'], 'notifications');
    same(Object.keys(api.accessToken).sort(), ['authorization', 'parseResponse', 'path', 'request'], 'accessToken');
    equal(api.accessToken.path, api.constants.TOKEN_PATH, 'accessToken.path');
    equal(api.ERROR_CODES.includes('ERR_PLATFORM') && api.ERROR_CODES.includes('ERR_TOO_DEEP'), true, 'ERROR_CODES');
  });

  const encoder = new TextEncoder();
  const cases = Array.isArray(vectors?.openBodySig?.cases) ? vectors.openBodySig.cases : [];
  await check('the shared vectors are there', () => {
    if (cases.length < 9) throw new CheckFailed(`expected at least 9 OPEN-BODY-SIG vectors, got ${cases.length}`);
    if (!(vectors.notify?.cases?.length >= 2)) throw new CheckFailed('expected the notification vectors');
    if (!(vectors.accessToken?.cases?.length >= 1)) throw new CheckFailed('expected the access-token vector');
  });

  for (const c of cases) {
    await check(`${c.name}: signOpenBody (string and bytes)`, () => {
      for (const [kind, body] of [['string', c.body], ['bytes', encoder.encode(c.body)]]) {
        const out = api.signOpenBody({ appId: c.appId, appKey: c.appKey, body, timestamp: c.timestamp, nonce: c.nonce });
        same(
          out,
          { authorization: c.authorization, signature: c.signature, bodyDigest: c.bodyDigest, timestamp: c.timestamp, nonce: c.nonce },
          `signOpenBody with a ${kind} body`,
        );
        if (kind === 'string') outputs[c.name] = out.authorization;
      }
    });

    await check(`${c.name}: OpenBodySigner and the openBodySig stages`, () => {
      const signer = new api.OpenBodySigner({ appId: c.appId, appKey: c.appKey });
      try {
        equal(signer.sign(c.body, { timestamp: c.timestamp, nonce: c.nonce }).authorization, c.authorization, 'OpenBodySigner');
      } finally {
        signer.free();
      }
      const { openBodySig } = api;
      equal(openBodySig.bodyDigest(c.body), c.bodyDigest, 'openBodySig.bodyDigest');
      const sts = openBodySig.stringToSign({ appId: c.appId, timestamp: c.timestamp, nonce: c.nonce, bodyDigest: c.bodyDigest });
      equal(sts, c.stringToSign, 'openBodySig.stringToSign');
      equal(openBodySig.computeSignature({ appKey: c.appKey, stringToSign: sts }), c.signature, 'openBodySig.computeSignature');
      equal(
        openBodySig.authorizationHeader({ appId: c.appId, timestamp: c.timestamp, nonce: c.nonce, signature: c.signature }),
        c.authorization,
        'openBodySig.authorizationHeader',
      );
    });

    await check(`${c.name}: parseAuthorization, verifyOpenBody, explainSignature and signRequest`, () => {
      same(
        api.openBodySig.parseAuthorization(c.authorization),
        { appId: c.appId, timestamp: c.timestamp, nonce: c.nonce, signature: c.signature },
        'openBodySig.parseAuthorization',
      );
      const now = beijingToEpochMs(c.timestamp) + 299_000;
      same(
        api.verifyOpenBody({ authorization: c.authorization, body: c.body, appKey: c.appKey, now }),
        { appId: c.appId, timestamp: c.timestamp, nonce: c.nonce },
        'verifyOpenBody',
      );
      // What was signed, from the received header alone, then with the key.
      const seen = api.explainSignature({ body: c.body, authorization: c.authorization });
      same(
        { appId: seen.appId, timestamp: seen.timestamp, nonce: seen.nonce, bodyDigest: seen.bodyDigest, stringToSign: seen.stringToSign },
        { appId: c.appId, timestamp: c.timestamp, nonce: c.nonce, bodyDigest: c.bodyDigest, stringToSign: c.stringToSign },
        'explainSignature without a key',
      );
      equal('signature' in seen || 'matches' in seen, false, 'explainSignature without a key gives no signature and no verdict');
      same(Array.from(seen.bodyBytes), Array.from(encoder.encode(c.body)), 'explainSignature bodyBytes');
      const keyed = api.explainSignature({ body: encoder.encode(c.body), appId: c.appId, timestamp: c.timestamp, nonce: c.nonce, appKey: c.appKey });
      equal(keyed.stringToSign, c.stringToSign, 'explainSignature from appId, timestamp, nonce');
      equal(keyed.signature, c.signature, 'explainSignature signature with the key');
      equal(keyed.authorization, c.authorization, 'explainSignature authorization with the key');
      equal(api.explainSignature({ body: c.body, authorization: c.authorization, appKey: c.appKey }).matches, true, 'explainSignature matches');
      equal(api.explainSignature({ body: `${c.body} `, authorization: c.authorization, appKey: c.appKey }).matches, false, 'explainSignature of another body');
      const request = { method: 'POST', url: 'http://127.0.0.1/x', headers: { 'Content-Type': 'application/json' }, body: c.body };
      const signed = api.signRequest(request, { appId: c.appId, appKey: c.appKey, timestamp: c.timestamp, nonce: c.nonce });
      equal(signed.body, c.body, 'signRequest body');
      equal(signed.headers.Authorization, c.authorization, 'signRequest Authorization');
    });
  }

  for (const name of PREAUTH_CANCEL_VECTORS) {
    await check(`${name}: bills.preauthCancel.build reproduces the body; .sign signs it with the credentials and with a signer`, () => {
      const c = cases.find((v) => v.name === name);
      if (!c) throw new CheckFailed(`vector ${name} is missing`);
      const { preauthCancel } = api.bills;
      const input = JSON.parse(c.body);
      const prepared = preauthCancel.build(input, { env: 'test' });
      equal(prepared.method, 'POST', 'method');
      equal(prepared.url, api.constants.TEST_BASE_URL + preauthCancel.path, 'url');
      same(prepared.headers, { 'Content-Type': 'application/json' }, 'unsigned headers (the browser preview)');
      equal(prepared.body, c.body, 'body');
      const header = { timestamp: c.timestamp, nonce: c.nonce };
      const signed = preauthCancel.sign(input, { env: 'test', appId: c.appId, appKey: c.appKey, ...header });
      same(signed, { ...prepared, headers: { ...prepared.headers, Authorization: c.authorization } }, 'bills.preauthCancel.sign with the credentials');
      const signer = new api.OpenBodySigner({ appId: c.appId, appKey: c.appKey });
      try {
        same(preauthCancel.sign(input, { env: 'test', signer, ...header }), signed, 'bills.preauthCancel.sign with a signer');
      } finally {
        signer.free();
      }
    });
  }

  await check('cross-host request: built from the clock instant, in Beijing time, and previewed without a key', () => {
    const signed = buildAndSign(api, CROSS_HOST_REQUEST);
    equal(signed.body, CROSS_HOST_BODY, 'body');
    equal(signed.url, api.constants.PRODUCTION_BASE_URL + api.bills.preauthCancel.path, 'url');
    crossHost = signed;
    const { appId, nonce, timestamp } = CROSS_HOST_REQUEST.credentials;
    const preview = api.bills.preauthCancel.preview(CROSS_HOST_REQUEST.input, { ...CROSS_HOST_REQUEST.options, appId, nonce });
    equal(preview.ok, true, 'preview.ok');
    same(preview.request, { ...signed, headers: { 'Content-Type': 'application/json' } }, 'preview.request');
    equal(preview.bodyDigest, api.openBodySig.bodyDigest(CROSS_HOST_BODY), 'preview.bodyDigest');
    equal(preview.timestamp, timestamp, 'preview.timestamp');
    equal(preview.authorization, `OPEN-BODY-SIG AppId="${appId}", Timestamp="${timestamp}", Nonce="${nonce}", Signature="<computed by the server>"`, 'preview.authorization');
  });

  await check('validation error: a missing field and an impossible date', () => {
    const { mid, ...withoutMid } = CROSS_HOST_REQUEST.input;
    equal(typeof mid, 'string', 'the input had a mid');
    const input = { ...withoutMid, billDate: '2025-02-30' };
    const error = throws(() => api.bills.preauthCancel.build(input, CROSS_HOST_REQUEST.options), 'bills.preauthCancel.build');
    equal(error instanceof api.ChinaumsError, true, 'error is a ChinaumsError');
    equal(error instanceof Error, true, 'error is an Error');
    equal(error.name, 'ChinaumsError', 'error.name');
    equal(error.code, 'ERR_FIELD_REQUIRED', 'error.code (the first issue)');
    equal(error.field, 'mid', 'error.field');
    same(
      error.issues.map(({ field, code }) => ({ field, code })),
      [
        { field: 'mid', code: 'ERR_FIELD_REQUIRED' },
        { field: 'billDate', code: 'ERR_FIELD_FORMAT' },
      ],
      'error.issues',
    );
    const validation = api.bills.preauthCancel.validate(input);
    equal(validation.ok, false, 'bills.preauthCancel.validate ok');
    same(validation.issues, error.issues, 'the issues validate lists equal the thrown ones');
    const signError = throws(() => buildAndSign(api, { ...CROSS_HOST_REQUEST, input }), 'bills.preauthCancel.sign');
    same(signError.issues, error.issues, 'sign refuses it with the same issues');
  });

  await check('notifications: stringToSign, sign, verify and parse reproduce the notification vectors', () => {
    const { key } = vectors.notify;
    for (const n of vectors.notify.cases) {
      equal(api.notifications.stringToSign(n.params) + key, n.stringToHash, `${n.name}: stringToSign`);
      equal(api.notifications.sign(n.params, key, { signType: n.params.signType }), n.sign, `${n.name}: sign`);
      equal(api.notifications.verify(n.params, key), true, `${n.name}: verify (decoded parameters)`);
      equal(api.notifications.verify(new URLSearchParams(n.params).toString(), key), true, `${n.name}: verify (the raw form body)`);
      equal(api.notifications.verify(n.params, `${key}x`), false, `${n.name}: verify with another key`);
      equal(api.notifications.verify({ ...n.params, totalAmount: '101' }, key), false, `${n.name}: verify a changed amount`);
      const parsed = api.notifications.parse(n.params);
      equal(parsed.billNo, n.params.billNo, `${n.name}: parse billNo`);
      equal(parsed.totalAmount, Number(n.params.totalAmount), `${n.name}: parse totalAmount (fen)`);
      same(parsed.billPayment, JSON.parse(n.params.billPayment), `${n.name}: parse billPayment`);
    }
  });

  await check('accessToken: request reproduces the token vector; parseResponse and authorization', () => {
    for (const t of vectors.accessToken.cases) {
      const request = api.accessToken.request({ appId: t.appId, appKey: t.appKey, timestamp: t.timestamp, nonce: t.nonce, env: 'test' });
      equal(request.url, api.constants.TEST_BASE_URL + api.accessToken.path, 'accessToken.request url');
      equal(request.body, t.body, 'accessToken.request body');
    }
    const token = api.accessToken.parseResponse('{"errCode":"0000","errInfo":"成功","accessToken":"0123abcd","expiresIn":3600}', { now: 1_000 });
    same(token, { accessToken: '0123abcd', expiresIn: 3600, expiresAt: 3_601_000 }, 'accessToken.parseResponse');
    const refused = throws(() => api.accessToken.parseResponse('{"errCode":"1000","errInfo":"认证失败"}'), 'a refused token');
    equal(refused.code, 'ERR_PLATFORM', 'a refused token: code');
    equal(refused.platformCode, '1000', 'a refused token: platformCode');
    equal(api.accessToken.authorization(token), 'OPEN-ACCESS-TOKEN AccessToken=0123abcd', 'accessToken.authorization');
    const holder = new api.AccessTokenHolder();
    holder.update(token);
    equal(holder.authorization(1_000), 'OPEN-ACCESS-TOKEN AccessToken=0123abcd', 'AccessTokenHolder.authorization');
    equal(JSON.stringify(holder).includes('0123abcd'), false, 'AccessTokenHolder never shows the token');
  });

  return { host, passed, failed, outputs, crossHost, exportNames: Object.keys(api).sort() };
}

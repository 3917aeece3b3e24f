// The one vector suite every packaging host runs (Node import, Node require, the Worker in
// workerd, a plain ES-module page and a Vite build in Chromium), jose-style: the host hands in
// the package namespace it imported and the parsed shared vectors, and gets back a report that
// tests/packaging/run.mjs asserts. It uses no host API beyond ECMAScript and TextEncoder, so the
// same file runs unchanged everywhere.

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

/** Builds and signs a request the way a server does; the Worker's HTTP handler calls this. */
export function buildAndSign(api, { input, options, credentials }) {
  const prepared = api.buildPreauthCancel(input, options);
  return api.signRequest(prepared, credentials);
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

  const encoder = new TextEncoder();
  const cases = vectors && Array.isArray(vectors.cases) ? vectors.cases : [];
  await check('the shared vectors are there', () => {
    if (cases.length < 9) throw new CheckFailed(`expected at least 9 vectors, got ${cases.length}`);
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

    await check(`${c.name}: OpenBodySigner and the four stages`, () => {
      const signer = new api.OpenBodySigner({ appId: c.appId, appKey: c.appKey });
      try {
        equal(signer.sign(c.body, { timestamp: c.timestamp, nonce: c.nonce }).authorization, c.authorization, 'OpenBodySigner');
      } finally {
        signer.free();
      }
      equal(api.bodyDigest(c.body), c.bodyDigest, 'bodyDigest');
      const sts = api.stringToSign({ appId: c.appId, timestamp: c.timestamp, nonce: c.nonce, bodyDigest: c.bodyDigest });
      equal(sts, c.stringToSign, 'stringToSign');
      equal(api.computeSignature({ appKey: c.appKey, stringToSign: sts }), c.signature, 'computeSignature');
      equal(
        api.authorizationHeader({ appId: c.appId, timestamp: c.timestamp, nonce: c.nonce, signature: c.signature }),
        c.authorization,
        'authorizationHeader',
      );
    });

    await check(`${c.name}: parse, verify and signRequest`, () => {
      same(
        api.parseAuthorization(c.authorization),
        { appId: c.appId, timestamp: c.timestamp, nonce: c.nonce, signature: c.signature },
        'parseAuthorization',
      );
      const now = beijingToEpochMs(c.timestamp) + 299_000;
      same(
        api.verifyOpenBody({ authorization: c.authorization, body: c.body, appKey: c.appKey, now }),
        { appId: c.appId, timestamp: c.timestamp, nonce: c.nonce },
        'verifyOpenBody',
      );
      const request = { method: 'POST', url: 'http://127.0.0.1/x', headers: { 'Content-Type': 'application/json' }, body: c.body };
      const signed = api.signRequest(request, { appId: c.appId, appKey: c.appKey, timestamp: c.timestamp, nonce: c.nonce });
      equal(signed.body, c.body, 'signRequest body');
      equal(signed.headers.Authorization, c.authorization, 'signRequest Authorization');
    });
  }

  for (const name of PREAUTH_CANCEL_VECTORS) {
    await check(`${name}: buildPreauthCancel reproduces the body, then signs it`, () => {
      const c = cases.find((v) => v.name === name);
      if (!c) throw new CheckFailed(`vector ${name} is missing`);
      const prepared = api.buildPreauthCancel(JSON.parse(c.body), { env: 'test' });
      equal(prepared.method, 'POST', 'method');
      equal(prepared.url, api.TEST_BASE_URL + api.PREAUTH_CANCEL_PATH, 'url');
      same(prepared.headers, { 'Content-Type': 'application/json' }, 'unsigned headers (the browser preview)');
      equal(prepared.body, c.body, 'body');
      const signed = api.signRequest(prepared, { appId: c.appId, appKey: c.appKey, timestamp: c.timestamp, nonce: c.nonce });
      equal(signed.headers.Authorization, c.authorization, 'Authorization');
    });
  }

  await check('cross-host request: built from the clock instant, in Beijing time', () => {
    const signed = buildAndSign(api, CROSS_HOST_REQUEST);
    equal(signed.body, CROSS_HOST_BODY, 'body');
    equal(signed.url, api.PRODUCTION_BASE_URL + api.PREAUTH_CANCEL_PATH, 'url');
    crossHost = signed;
  });

  await check('validation error: a missing field and an impossible date', () => {
    const { mid, ...withoutMid } = CROSS_HOST_REQUEST.input;
    equal(typeof mid, 'string', 'the input had a mid');
    const input = { ...withoutMid, billDate: '2025-02-30' };
    const error = throws(() => api.buildPreauthCancel(input, CROSS_HOST_REQUEST.options), 'buildPreauthCancel');
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
    const validation = api.validatePreauthCancel(input, { applyDefaults: true });
    equal(validation.ok, false, 'validatePreauthCancel ok');
    same(validation.issues, error.issues, 'validatePreauthCancel issues equal the thrown ones');
  });

  return { host, passed, failed, outputs, crossHost, exportNames: Object.keys(api).sort() };
}

// The general API through the package: time, nonces, verification failures, argument errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ChinaumsError,
  OpenBodySigner,
  beijingTime,
  createNonce,
  init,
  openBodySig,
  signOpenBody,
  verifyOpenBody,
} from 'chinaums-open';
import * as api from 'chinaums-open';

const appId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const appKey = 'fictional0app0key0for0tests00001';
const signedAt = Date.UTC(2025, 0, 1, 19, 4, 5); // 20250102030405 Beijing

function thrown(fn) {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ChinaumsError, `expected a ChinaumsError, got ${error?.stack ?? error}`);
    assert.ok(!String(error.message).includes(appKey), 'messages never contain the key');
    return error;
  }
  assert.fail('expected a ChinaumsError');
}

test('init() is a harmless no-op in Node', async () => {
  await init();
  await init();
  assert.equal(typeof signOpenBody, 'function');
});

test('beijingTime is UTC+8 whatever the host time zone', () => {
  assert.deepEqual(beijingTime(signedAt), { compact: '20250102030405', dateTime: '2025-01-02 03:04:05', date: '2025-01-02' });
  assert.deepEqual(beijingTime(new Date(Date.UTC(2024, 1, 28, 16, 0, 0))).date, '2024-02-29');
  assert.equal(beijingTime(-1).dateTime, '1970-01-01 07:59:59');
  assert.equal(beijingTime(signedAt + 999.9).compact, '20250102030405');
  for (const bad of [Number.NaN, Infinity, 1e20]) assert.equal(thrown(() => beijingTime(bad)).code, 'ERR_FIELD_FORMAT');
  assert.equal(thrown(() => beijingTime()).code, 'ERR_FIELD_REQUIRED');
  assert.equal(thrown(() => beijingTime('2025-01-02')).code, 'ERR_FIELD_TYPE');
});

test('nonces are 32 lowercase hex characters and fresh', () => {
  const seen = new Set(Array.from({ length: 1000 }, () => createNonce()));
  assert.equal(seen.size, 1000);
  for (const n of seen) assert.match(n, /^[0-9a-f]{32}$/);
});

test('verification rejects each kind of bad header with its own code', () => {
  const body = '{"a":1}';
  const { authorization } = signOpenBody({ appId, appKey, body, timestamp: '20250102030405', nonce: 'n-1' });
  const verify = (overrides) => thrown(() => verifyOpenBody({ authorization, body, appKey, now: signedAt, ...overrides }));

  assert.equal(verify({ body: '{"a":2}' }).code, 'ERR_SIGNATURE_MISMATCH');
  assert.equal(verify({ appKey: 'another-key' }).code, 'ERR_SIGNATURE_MISMATCH');
  assert.equal(verify({ now: signedAt + 300_001 }).code, 'ERR_TIMESTAMP_SKEW');
  assert.equal(verify({ now: signedAt - 300_001 }).code, 'ERR_TIMESTAMP_SKEW');
  assert.equal(verify({ now: signedAt + 61_000, toleranceSeconds: 60 }).code, 'ERR_TIMESTAMP_SKEW');
  assert.equal(verify({ authorization: authorization.replace('Nonce', 'Nonse') }).code, 'ERR_AUTH_HEADER');
  assert.equal(verify({ authorization: authorization.replace(/, Signature=.*$/, '') }).code, 'ERR_AUTH_HEADER');
  assert.equal(verify({ authorization: 'Bearer abc' }).code, 'ERR_AUTH_HEADER');
  assert.equal(verify({ authorization: 'x'.repeat(10_000) }).code, 'ERR_HEADER_TOO_LARGE');
  assert.equal(verify({ toleranceSeconds: -1 }).field, 'toleranceSeconds');
  assert.equal(verify({ toleranceSeconds: '300' }).code, 'ERR_FIELD_TYPE');

  assert.deepEqual(verifyOpenBody({ authorization, body: new TextEncoder().encode(body), appKey, now: new Date(signedAt) }), {
    appId,
    timestamp: '20250102030405',
    nonce: 'n-1',
  });
  const lenient = authorization.replaceAll('", ', '",').replace('OPEN-BODY-SIG', 'open-body-sig').replace('AppId', 'appid');
  assert.equal(verifyOpenBody({ authorization: lenient, body, appKey, now: signedAt }).appId, appId);
});

test('parseAuthorization rejects duplicates and unquoted values', () => {
  const good = 'OPEN-BODY-SIG AppId="a", Timestamp="20250102030405", Nonce="n", Signature="c2ln"';
  assert.equal(openBodySig.parseAuthorization(good).signature, 'c2ln');
  assert.match(thrown(() => openBodySig.parseAuthorization(good + ', Nonce="m"')).message, /more than once/);
  assert.match(thrown(() => openBodySig.parseAuthorization(good.replace('"a"', 'a'))).message, /double quotes/);
});

test('arguments are checked with the field named', () => {
  const base = { appId, appKey, body: '{}' };
  const cases = [
    [{ ...base, appId: undefined }, 'ERR_FIELD_REQUIRED', 'appId'],
    [{ ...base, appKey: '' }, 'ERR_FIELD_REQUIRED', 'appKey'],
    [{ ...base, appKey: 42 }, 'ERR_FIELD_TYPE', 'appKey'],
    [{ ...base, body: undefined }, 'ERR_FIELD_REQUIRED', 'body'],
    [{ ...base, body: { a: 1 } }, 'ERR_FIELD_TYPE', 'body'],
    [{ ...base, body: 'x\udc00' }, 'ERR_BODY_ENCODING', 'body'],
    [{ ...base, appId: 'a b' }, 'ERR_FIELD_FORMAT', 'appId'],
    [{ ...base, appId: 'a"b' }, 'ERR_FIELD_FORMAT', 'appId'],
    [{ ...base, nonce: 'x\r\nInjected: 1' }, 'ERR_FIELD_FORMAT', 'nonce'],
    [{ ...base, nonce: 'n'.repeat(129) }, 'ERR_FIELD_LENGTH', 'nonce'],
    [{ ...base, timestamp: '2025-01-02 03:04:05' }, 'ERR_FIELD_FORMAT', 'timestamp'],
    [{ ...base, timestamp: '20250230030405' }, 'ERR_FIELD_FORMAT', 'timestamp'],
    [{ ...base, timestamp: 20250102030405 }, 'ERR_FIELD_TYPE', 'timestamp'],
  ];
  for (const [options, code, field] of cases) {
    const error = thrown(() => signOpenBody(options));
    assert.deepEqual([error.code, error.field], [code, field], JSON.stringify(options));
  }
  // No options at all are missing (required); options of another type are the wrong type.
  assert.equal(thrown(() => signOpenBody()).code, 'ERR_FIELD_REQUIRED');
  assert.equal(thrown(() => signOpenBody(null)).code, 'ERR_FIELD_TYPE');
  assert.equal(thrown(() => signOpenBody('appId')).code, 'ERR_FIELD_TYPE');
  assert.equal(thrown(() => new OpenBodySigner({ appId })).field, 'appKey');
});

test('an OpenBodySigner keeps its key out of sight and refuses use after free()', () => {
  const signer = new OpenBodySigner({ appId, appKey });
  assert.equal(signer.appId, appId);
  assert.ok(!JSON.stringify(signer).includes(appKey));
  assert.ok(!Object.values(signer).some((v) => String(v).includes(appKey)));
  const a = signer.sign('{}', { timestamp: '20250102030405', nonce: 'n' });
  const b = signOpenBody({ appId, appKey, body: '{}', timestamp: '20250102030405', nonce: 'n' });
  assert.deepEqual(a, b);
  signer.free();
  signer.free();
  assert.equal(thrown(() => signer.sign('{}')).code, 'ERR_SIGNER_FREED');
});

test('errors are real Error subclasses with stable fields', () => {
  const error = thrown(() => signOpenBody({ appId, appKey, body: '{}', timestamp: 'bad' }));
  assert.ok(error instanceof Error);
  assert.equal(error.name, 'ChinaumsError');
  assert.ok(error.stack.includes('ChinaumsError'));
  assert.deepEqual(error.issues, []);
  assert.equal(String(error), `ChinaumsError: ${error.message}`);
});

test('signer.signRequest adds the header like signRequest, without touching the request', () => {
  const request = { method: 'POST', url: 'http://127.0.0.1:9/x', headers: { 'Content-Type': 'application/json' }, body: '{"a":"预"}' };
  const signer = new OpenBodySigner({ appId, appKey });
  try {
    const inputs = { timestamp: '20250102030405', nonce: 'n-2' };
    const signed = signer.signRequest(request, inputs);
    assert.equal(signed.headers.Authorization, signOpenBody({ appId, appKey, body: request.body, ...inputs }).authorization);
    assert.equal(signed.body, request.body);
    assert.equal(request.headers.Authorization, undefined);
    assert.equal(thrown(() => signer.signRequest(null)).field, 'request');
  } finally {
    signer.free();
  }
});

test('bodies around the size where Node lends its hardware SHA-256 sign like node:crypto', async () => {
  const { createHash, createHmac } = await import('node:crypto');
  const signer = new OpenBodySigner({ appId, appKey });
  try {
    for (const size of [1, 1022, 1023, 1024, 1025, 4096, 100_000]) {
      for (const body of ['x'.repeat(size), '预'.repeat(Math.ceil(size / 3)), new Uint8Array(size).map((_, i) => i * 7)]) {
        const out = signer.sign(body, { timestamp: '20250102030405', nonce: 'n' });
        const digest = createHash('sha256').update(body).digest('hex');
        const signature = createHmac('sha256', appKey).update(`${appId}20250102030405n${digest}`).digest('base64');
        assert.deepEqual([out.bodyDigest, out.signature], [digest, signature], `${typeof body} of ${size}`);
      }
    }
  } finally {
    signer.free();
  }
});

test('error messages name the functions as they are called now, not the old flat API', () => {
  const old = /\b(accessTokenRequest|parseAccessTokenResponse|tokenAuthorization|verifyNotification|parseNotification|signNotification|notificationStringToSign|(validate|build|preview)(PreauthCancel|Preauthed|PreauthedCancel|BillsQuery|GetQrcode|CloseQrcode|Refund)|parse\w+Response)\b/;
  const messages = [];
  for (const call of [
    () => api.accessToken.request(),
    () => api.accessToken.request(null),
    () => api.accessToken.parseResponse(),
    () => api.accessToken.authorization(),
    () => api.notifications.parse(42),
    () => api.notifications.sign('a=1'),
    () => api.bills.preauthCancel.build({}),
    () => api.bills.preauthCancel.sign({}),
    () => api.bills.preauthCancel.preview({}),
    () => api.bills.query.parseResponse(),
    () => api.formParamUrl(),
    () => api.explainSignature(),
    () => api.verifyResponseSignature(),
  ]) {
    try {
      call();
    } catch (error) {
      messages.push(error.message);
    }
  }
  assert.ok(messages.length >= 12, `only ${messages.length} errors`);
  assert.deepEqual(messages.filter((m) => old.test(m)), []);
});

// The rest of the protocol through the built package: the shared token, OPEN-FORM-PARAM and
// notification vectors, tampered notifications, response signatures, the clock offset and the
// preauth lifecycle builders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  AccessTokenHolder,
  ChinaumsError,
  accessToken,
  bills,
  buildRequest,
  clockOffsetFromResponse,
  formParamUrl,
  notifications,
  signOpenBody,
  signRequest,
  verifyOpenBody,
  verifyResponseSignature,
} from 'chinaums-open';

const vectors = (name) => JSON.parse(readFileSync(new URL(`../vectors/${name}`, import.meta.url), 'utf8'));
const tokenVectors = vectors('access-token.json');
const formParam = vectors('open-form-param.json');
const notify = vectors('notify.json');
const sigVectors = vectors('open-body-sig.json');

/** 2025-01-02 03:04:05 Beijing. */
const V1_MS = Date.UTC(2025, 0, 1, 19, 4, 5);
const H5_URL = 'https://test-api-open.chinaums.com/v1/netpay/trade/h5-pay';

function throwsCode(fn, code, field) {
  let caught;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ChinaumsError, `expected a ChinaumsError, got ${caught}`);
  assert.equal(caught.code, code, caught.message);
  if (field !== undefined) assert.equal(caught.field, field);
  return caught;
}

// ---------------------------------------------------------------------------------------------
// Access tokens

for (const c of tokenVectors.cases) {
  test(`access-token vector: request for ${c.appId}`, () => {
    const request = accessToken.request({ appId: c.appId, appKey: c.appKey, timestamp: c.timestamp, nonce: c.nonce, env: 'test' });
    assert.deepEqual(request, {
      method: 'POST',
      url: 'https://test-api-open.chinaums.com/v1/token/access',
      headers: { 'Content-Type': 'application/json' },
      body: c.body,
    });
    assert.equal(JSON.parse(request.body).signMethod, 'SHA256');
    assert.equal(JSON.parse(request.body).signature, c.signature);
  });
}

test('token request timestamps come from now plus clockOffsetMs, nonces from the CSPRNG', () => {
  const request = accessToken.request({ appId: 'app', appKey: 'key', baseUrl: 'http://127.0.0.1:9', now: V1_MS - 90_000, clockOffsetMs: 90_000 });
  const body = JSON.parse(request.body);
  assert.equal(body.timestamp, '20250102030405');
  assert.match(body.nonce, /^[0-9a-f]{32}$/);
  assert.equal(request.url, 'http://127.0.0.1:9/v1/token/access');
  throwsCode(() => accessToken.request({ appId: 'app', appKey: 'key', env: 'test', clockOffsetMs: '5' }), 'ERR_FIELD_TYPE', 'clockOffsetMs');
  throwsCode(() => accessToken.request({ appId: 'app', appKey: 'key' }), 'ERR_FIELD_REQUIRED', 'env');
});

test('token responses: success, platform refusal with platformCode, malformed', () => {
  const token = accessToken.parseResponse('{"errCode":"0000","errInfo":"正常","accessToken":"tok-1","expiresIn":3600}', { now: V1_MS });
  assert.deepEqual(token, { accessToken: 'tok-1', expiresIn: 3600, expiresAt: V1_MS + 3_600_000 });
  const refused = throwsCode(() => accessToken.parseResponse('{"errCode":"1000","errInfo":"认证失败"}'), 'ERR_PLATFORM', null);
  assert.equal(refused.platformCode, '1000');
  assert.equal(refused.platformMessage, '认证失败', 'the platform says why, whole');
  assert.match(refused.message, /认证失败/);
  throwsCode(() => accessToken.parseResponse('{"errCode":"0000","accessToken":"t"}'), 'ERR_INVALID_RESPONSE', 'expiresIn');
  throwsCode(() => accessToken.parseResponse('<html>502</html>'), 'ERR_INVALID_JSON');
  assert.equal(throwsCode(() => accessToken.parseResponse('{}'), 'ERR_INVALID_RESPONSE').platformCode, null);
});

test('accessToken.authorization and the holder: refresh a margin before expiry, no timers', () => {
  assert.equal(accessToken.authorization('tok-1'), 'OPEN-ACCESS-TOKEN AccessToken=tok-1');
  assert.equal(accessToken.authorization({ accessToken: 'tok-1' }), 'OPEN-ACCESS-TOKEN AccessToken=tok-1');
  throwsCode(() => accessToken.authorization('a b'), 'ERR_FIELD_FORMAT', 'accessToken');

  const holder = new AccessTokenHolder();
  assert.equal(holder.needsRefresh(V1_MS), true);
  throwsCode(() => holder.authorization(V1_MS), 'ERR_TOKEN_EXPIRED');
  const token = accessToken.parseResponse('{"errCode":"0000","accessToken":"tok-1","expiresIn":3600}', { now: V1_MS });
  assert.equal(holder.update(token), holder);
  assert.equal(holder.refreshAt, V1_MS + 3_300_000);
  assert.equal(holder.needsRefresh(V1_MS + 3_299_999), false);
  assert.equal(holder.needsRefresh(V1_MS + 3_300_000), true);
  assert.equal(holder.authorization(V1_MS + 3_599_999), 'OPEN-ACCESS-TOKEN AccessToken=tok-1');
  throwsCode(() => holder.authorization(V1_MS + 3_600_000), 'ERR_TOKEN_EXPIRED');
  assert.ok(!JSON.stringify(holder).includes('tok-1'), 'the token stays out of logs');

  const short = new AccessTokenHolder({ marginSeconds: 600 }).update({ accessToken: 't', expiresIn: 60, expiresAt: 60_000 });
  assert.equal(short.refreshAt, 30_000, 'at most half the lifetime');
  throwsCode(() => new AccessTokenHolder({ marginSeconds: -1 }), 'ERR_FIELD_FORMAT', 'marginSeconds');
  throwsCode(() => new AccessTokenHolder().update({ accessToken: 't', expiresIn: '60', expiresAt: 1 }), 'ERR_FIELD_TYPE', 'expiresIn');
  throwsCode(() => new AccessTokenHolder().update({ accessToken: 'a"b', expiresIn: 60, expiresAt: 1 }), 'ERR_FIELD_FORMAT', 'accessToken');
  holder.clear();
  assert.equal(holder.needsRefresh(V1_MS), true);
});

// ---------------------------------------------------------------------------------------------
// OPEN-FORM-PARAM

for (const c of formParam.cases) {
  test('open-form-param vector: the full GET URL, content as text and as an object', () => {
    const common = { appId: c.appId, appKey: c.appKey, url: H5_URL, timestamp: c.timestamp, nonce: c.nonce };
    assert.equal(formParamUrl({ ...common, content: c.content }), `${H5_URL}?${c.query}`);
    assert.equal(formParamUrl({ ...common, content: JSON.parse(c.content) }), `${H5_URL}?${c.query}`);
    // An independent decode gives back the exact content and signature.
    const query = new URL(formParamUrl({ ...common, content: c.content })).searchParams;
    assert.equal(query.get('content'), c.content);
    assert.equal(query.get('signature'), c.signature);
    assert.equal(query.get('authorization'), 'OPEN-FORM-PARAM');
  });
}

test('formParamUrl refuses a URL with a query and content that is not a JSON object', () => {
  const common = { appId: 'app', appKey: 'key', timestamp: '20250102030405', nonce: 'n' };
  throwsCode(() => formParamUrl({ ...common, url: `${H5_URL}?x=1`, content: '{}' }), 'ERR_FIELD_FORMAT', 'url');
  throwsCode(() => formParamUrl({ ...common, url: H5_URL, content: '{"a":}' }), 'ERR_INVALID_JSON', 'content');
  throwsCode(() => formParamUrl({ ...common, url: H5_URL, content: [1] }), 'ERR_FIELD_TYPE', 'content');
});

// ---------------------------------------------------------------------------------------------
// Notifications

/** A raw form body written independently of the library. */
function formBody(params) {
  return Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v).replace(/%20/g, '+')}`)
    .join('&');
}

for (const c of notify.cases) {
  test(`${c.name}: verifies as an object, a raw body, bytes and URLSearchParams`, () => {
    for (const params of [c.params, formBody(c.params), new TextEncoder().encode(formBody(c.params)), new URLSearchParams(c.params)]) {
      assert.equal(notifications.verify(params, notify.key), true);
      assert.equal(notifications.verify(params, notify.key, { defaultSignType: 'SHA256' }), true);
    }
    assert.equal(notifications.sign(c.params, notify.key), c.sign);
    assert.equal(notifications.stringToSign(c.params), c.stringToHash.slice(0, -notify.key.length));
    assert.equal(notifications.verify({ ...c.params, sign: c.sign.toLowerCase() }, notify.key), true);
  });

  test(`${c.name}: every tampering fails`, () => {
    for (const field of Object.keys(c.params).filter((k) => k !== 'sign')) {
      assert.equal(notifications.verify({ ...c.params, [field]: `${c.params[field]}1` }, notify.key), false, field);
    }
    const flipped = c.params.signType === 'MD5' ? 'SHA256' : 'MD5';
    for (const params of [
      { ...c.params, signType: flipped },
      { ...c.params, sign: `${c.sign.slice(0, -1)}${c.sign.endsWith('0') ? '1' : '0'}` },
      { ...c.params, sign: '' },
      { ...c.params, extra: 'x' },
      { ...c.params, billPayment: JSON.parse(c.params.billPayment) },
      formBody(c.params).replace('TRADE_SUCCESS', 'TRADE_CLOSED'),
      `${formBody(c.params)}&billNo=dup`,
      `${formBody(c.params)}&x=%zz`,
      new Uint8Array([0x61, 0x3d, 0xff]),
      { ...c.params, memo: '\ud800' },
    ]) {
      assert.equal(notifications.verify(params, notify.key), false);
    }
    assert.equal(notifications.verify(c.params, 'FictionalCommKey124'), false);
    assert.equal(notifications.verify(c.params, sigVectors.cases[1].appKey), false, 'the appKey is not the communication key');
    throwsCode(() => notifications.verify(c.params, ''), 'ERR_FIELD_REQUIRED', 'communicationKey');
    throwsCode(() => notifications.verify(new Uint8Array([0xff]), ''), 'ERR_FIELD_REQUIRED', 'communicationKey');
    throwsCode(() => notifications.verify(c.params, notify.key, { defaultSignType: 'SHA1' }), 'ERR_FIELD_FORMAT', 'defaultSignType');
    throwsCode(() => notifications.verify(null, notify.key), 'ERR_FIELD_TYPE', 'params');
  });

  test(`${c.name}: notifications.parse returns the fields with billPayment parsed`, () => {
    const parsed = notifications.parse(formBody(c.params));
    assert.deepEqual(Object.keys(parsed), Object.keys(c.params), 'the order received');
    assert.deepEqual(parsed.billPayment, { merOrderId: '31942025010203040500010', status: 'TRADE_SUCCESS', totalAmount: 100 });
    assert.equal(parsed.totalAmount, 100);
    assert.equal(parsed.memo, '');
    assert.equal(parsed.sign, c.sign);
    throwsCode(() => notifications.parse({ ...c.params, billPayment: '{' }), 'ERR_INVALID_RESPONSE', 'billPayment');
    throwsCode(() => notifications.parse('a=%'), 'ERR_BODY_ENCODING');
  });
}

test('without signType the default decides, MD5 unless overridden; + and %XX decode once', () => {
  const key = 'k';
  const params = { billDesc: '押金 +100%', billNo: '3194A1' };
  const md5 = notifications.sign(params, key);
  const sha = notifications.sign(params, key, { signType: 'SHA256' });
  assert.equal(md5.length, 32);
  assert.equal(sha.length, 64);
  const body = (sign) => `${formBody(params)}&sign=${sign}`;
  assert.ok(body(md5).includes('+%2B100%25'));
  assert.equal(notifications.verify(body(md5), key), true);
  assert.equal(notifications.verify(body(md5), key, { defaultSignType: 'SHA256' }), false);
  assert.equal(notifications.verify(body(sha), key, { defaultSignType: 'SHA256' }), true);
  assert.equal(notifications.verify(body(sha), key), false);
  assert.equal(notifications.verify(body(md5).replace('%2B', '+'), key), false, "'+' is a space, '%2B' a plus");
});

// ---------------------------------------------------------------------------------------------
// Response signatures and the clock offset

test('response signatures: absent is unsigned, present must verify', () => {
  const v1 = sigVectors.cases.find((c) => c.name.startsWith('V1-'));
  const common = { body: v1.body, appKey: v1.appKey, now: V1_MS };
  assert.deepEqual(verifyResponseSignature({ ...common, headers: new Headers({ 'content-type': 'application/json' }) }), { signed: false });
  assert.deepEqual(verifyResponseSignature({ ...common, authorization: null }), { signed: false });
  const verified = { signed: true, appId: v1.appId, timestamp: v1.timestamp, nonce: v1.nonce };
  assert.deepEqual(verifyResponseSignature({ ...common, headers: new Headers({ Authorization: v1.authorization }) }), verified);
  assert.deepEqual(verifyResponseSignature({ ...common, headers: { AUTHORIZATION: v1.authorization } }), verified);
  assert.deepEqual(verifyResponseSignature({ ...common, authorization: v1.authorization, now: V1_MS - 600_000, clockOffsetMs: 600_000 }), verified);
  throwsCode(() => verifyResponseSignature({ ...common, body: `${v1.body} `, authorization: v1.authorization }), 'ERR_SIGNATURE_MISMATCH');
  throwsCode(() => verifyResponseSignature({ ...common, authorization: 'Bearer x' }), 'ERR_AUTH_HEADER');
  throwsCode(() => verifyResponseSignature({ ...common, authorization: v1.authorization, now: V1_MS + 301_000 }), 'ERR_TIMESTAMP_SKEW');
  throwsCode(() => verifyResponseSignature({ ...common }), 'ERR_FIELD_REQUIRED', 'headers');
});

test('clockOffsetFromResponse corrects a skewed host clock for the next signature', () => {
  const skewedNow = V1_MS - 7 * 60_000; // the host is 7 minutes slow
  const offset = clockOffsetFromResponse({ errCode: 'SUCCESS', responseTimestamp: '2025-01-02 03:04:05' }, skewedNow);
  assert.equal(offset, 7 * 60_000);
  assert.equal(clockOffsetFromResponse('2025-01-02 03:04:05', V1_MS + 2_000), -2_000);
  const signed = signOpenBody({ appId: 'app', appKey: 'key', body: '{}', now: skewedNow, clockOffsetMs: offset });
  assert.equal(signed.timestamp, '20250102030405');
  assert.deepEqual(verifyOpenBody({ authorization: signed.authorization, body: '{}', appKey: 'key', now: V1_MS }).timestamp, '20250102030405');
  throwsCode(() => clockOffsetFromResponse({ errCode: 'SUCCESS' }), 'ERR_FIELD_REQUIRED', 'responseTimestamp');
  throwsCode(() => clockOffsetFromResponse('20250102'), 'ERR_FIELD_FORMAT', 'responseTimestamp');
});

// ---------------------------------------------------------------------------------------------
// The preauth lifecycle

const common = { mid: '898201612345678', tid: '88880001' };
const capture = {
  ...common,
  billNo: '3194202501020304050001',
  billDate: '2025-01-02',
  authedOrderId: '31942025010203040500011',
  authIdRespCd: '000665',
  totalAmount: 2100,
};
const build = { env: 'test', now: V1_MS, msgSrcId: '3194' };

test('bills.preauthed.build writes the amount as given, fills the defaults, and signs the exact body', () => {
  const request = bills.preauthed.build(capture, build);
  assert.equal(request.url, 'https://test-api-open.chinaums.com/v1/netpay/bills/preauthed');
  assert.equal(
    request.body,
    '{"requestTimestamp":"2025-01-02 03:04:05","mid":"898201612345678","tid":"88880001","instMid":"QRPAYDEFAULT",' +
      '"billNo":"3194202501020304050001","billDate":"2025-01-02","authedOrderId":"31942025010203040500011",' +
      '"authIdRespCd":"000665","totalAmount":2100}',
  );
  assert.ok(bills.preauthed.build({ ...capture, totalAmount: '2100' }, build).body.endsWith('"totalAmount":"2100"}'));
  const signed = signRequest(request, { appId: 'app', appKey: 'key', now: V1_MS });
  assert.equal(verifyOpenBody({ authorization: signed.headers.Authorization, body: request.body, appKey: 'key', now: V1_MS }).appId, 'app');
  assert.equal(signed.body, request.body);
});

test('each lifecycle builder rejects bad input with field-level errors', () => {
  for (const [totalAmount, code] of [[0, 'ERR_FIELD_FORMAT'], [21.5, 'ERR_FIELD_FORMAT'], ['21.50', 'ERR_FIELD_FORMAT'], [-1, 'ERR_FIELD_FORMAT'], ['0100', 'ERR_FIELD_FORMAT'], [true, 'ERR_FIELD_TYPE'], [null, 'ERR_FIELD_TYPE']]) {
    const error = throwsCode(() => bills.preauthed.build({ ...capture, totalAmount }, build), code, 'totalAmount');
    assert.deepEqual(error.issues.map((i) => i.field), ['totalAmount']);
  }
  const error = throwsCode(() => bills.preauthed.build({ ...capture, authedOrderId: '1017X', billDate: '2025-13-01' }, build), 'ERR_FIELD_FORMAT', 'billDate');
  assert.deepEqual(error.issues.map((i) => [i.field, i.code]), [['billDate', 'ERR_FIELD_FORMAT'], ['authedOrderId', 'ERR_FIELD_PREFIX']]);

  const { ok, issues } = bills.preauthed.validate({}, { applyDefaults: true });
  assert.equal(ok, false);
  assert.deepEqual(issues.map((i) => i.field), ['mid', 'tid', 'billNo', 'billDate', 'authedOrderId', 'authIdRespCd', 'totalAmount']);
  assert.deepEqual(bills.preauthedCancel.validate({ ...common }, { applyDefaults: true }).issues.map((i) => i.field), ['merOrderId']);
  assert.deepEqual(bills.query.validate({ ...common, billNo: 1, billdate: 'x' }, { applyDefaults: true }).issues.map((i) => [i.field, i.code]), [
    ['billNo', 'ERR_FIELD_TYPE'],
    ['billdate', 'ERR_UNKNOWN_FIELD'],
    ['billDate', 'ERR_FIELD_REQUIRED'],
  ]);
  throwsCode(() => bills.preauthedCancel.build({ ...common }, build), 'ERR_FIELD_REQUIRED', 'merOrderId');
  throwsCode(() => bills.query.build({ ...common, billNo: '3194A', billDate: '2025-01-02', refundOrderId: '9999R' }, build), 'ERR_FIELD_PREFIX', 'refundOrderId');
  throwsCode(() => bills.query.build({ ...common, billNo: '3194A', billDate: '2025-01-02', srcReserve: '\ud800' }, build), 'ERR_BODY_ENCODING', 'srcReserve');
});

test('capture reversal and query look-ups build at their paths; responses parse', () => {
  const reversal = bills.preauthedCancel.build({ ...common, merOrderId: '31942025010203040500011', billNo: '', billDate: '', authIdRespCd: '' }, build);
  assert.equal(reversal.url, 'https://test-api-open.chinaums.com/v1/netpay/bills/preauthed-cancel');
  assert.ok(reversal.body.endsWith('"billNo":"","billDate":"","merOrderId":"31942025010203040500011","authIdRespCd":""}'));
  const query = bills.query.build({ ...common, billNo: '3194A', billDate: '2025-01-02', authedOrderId: '3194C1' }, { ...build, now: V1_MS - 60_000, clockOffsetMs: 60_000 });
  assert.ok(query.body.startsWith('{"requestTimestamp":"2025-01-02 03:04:05"'));
  assert.ok(query.body.endsWith('"billDate":"2025-01-02","authedOrderId":"3194C1"}'));

  const parsed = bills.query.parseResponse('{"errCode":"SUCCESS","billStatus":"REFUND","refundBillPayment":"{\\"refundAmount\\":\\"50\\"}","billPayment":{"totalAmount":"2100"}}');
  assert.equal(parsed.ok, true);
  assert.equal(parsed.refundBillPayment.refundAmount, 50);
  assert.equal(parsed.billPayment.totalAmount, 2100);
  const refused = bills.preauthed.parseResponse('{"errCode":"OPERATION_NOT_ALLOWED","errMsg":"不允许"}');
  assert.deepEqual([refused.ok, refused.errCode, refused.errMsg], [false, 'OPERATION_NOT_ALLOWED', '不允许']);
});

test('buildRequest: a path without a table written exactly, timestamp filled; a path or service name with a table validated by it', () => {
  const untabled = '/v1/netpay/refund-query';
  const request = buildRequest(untabled, '{"billNo":"3194A","refundAmount":50,"ratio":1.50}', { baseUrl: 'http://127.0.0.1:9/', now: V1_MS });
  assert.deepEqual(request, {
    method: 'POST',
    url: `http://127.0.0.1:9${untabled}`,
    headers: { 'Content-Type': 'application/json' },
    body: '{"requestTimestamp":"2025-01-02 03:04:05","billNo":"3194A","refundAmount":50,"ratio":1.50}',
  });
  assert.equal(buildRequest(untabled, { qrCodeId: 'Q1', requestTimestamp: '2024-12-31 23:59:59' }, { env: 'production' }).body, '{"qrCodeId":"Q1","requestTimestamp":"2024-12-31 23:59:59"}');
  // A service name or path with a table: validated by it (unknown fields, required ones) …
  for (const path of ['refund', bills.refund.path]) {
    const error = throwsCode(() => buildRequest(path, '{"billNo":"3194A","refundAmount":50,"ratio":1.50}', { env: 'test' }), 'ERR_UNKNOWN_FIELD', 'ratio');
    assert.deepEqual(error.issues.map((i) => i.field), ['ratio', 'mid', 'tid', 'billDate', 'refundOrderId']);
  }
  throwsCode(() => buildRequest('close-qrcode', { qrCodeId: 'Q1', requestTimestamp: '2024-12-31 23:59:59' }, { env: 'production' }), 'ERR_FIELD_REQUIRED', 'mid');
  // … and built like the operation: defaults filled, the table's order.
  const closing = { qrCodeId: 'Q1', mid: 'm', tid: 't', requestTimestamp: '2024-12-31 23:59:59' };
  const built = buildRequest('close-qrcode', closing, { env: 'production' });
  assert.equal(built.body, '{"requestTimestamp":"2024-12-31 23:59:59","mid":"m","tid":"t","instMid":"QRPAYDEFAULT","qrCodeId":"Q1"}');
  assert.deepEqual(built, bills.closeQrcode.build(closing, { env: 'production' }));
  assert.deepEqual(buildRequest(bills.closeQrcode.path, closing, { env: 'production' }), built);
  throwsCode(() => buildRequest('../token/access', {}, { env: 'test' }), 'ERR_FIELD_FORMAT', 'path');
  throwsCode(() => buildRequest(untabled, { requestTimestamp: 'now' }, { env: 'test' }), 'ERR_FIELD_FORMAT', 'requestTimestamp');
  throwsCode(() => buildRequest('refund', { requestTimestamp: 'now' }, { env: 'test' }), 'ERR_FIELD_FORMAT', 'requestTimestamp');
  throwsCode(() => buildRequest('refund', '[]', { env: 'test' }), 'ERR_FIELD_TYPE');
  throwsCode(() => buildRequest(untabled, '[]', { env: 'test' }), 'ERR_FIELD_TYPE');
});

test('bills.preauthCancel.build accepts clockOffsetMs too', () => {
  const input = { ...common, billNo: '3194A', billDate: '2025-01-02', merOrderId: '3194A0', authIdRespCd: '000665' };
  const request = bills.preauthCancel.build(input, { env: 'test', now: V1_MS + 30_000, clockOffsetMs: -30_000 });
  assert.ok(request.body.startsWith('{"requestTimestamp":"2025-01-02 03:04:05"'));
});

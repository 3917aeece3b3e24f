// preauth-cancel through the package: build, validate, sign, parse, and the errors users see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ChinaumsError, bills, constants, signRequest, verifyOpenBody } from 'chinaums-open';
import { requiredInput } from './fixtures.mjs';

const { cases } = JSON.parse(readFileSync(new URL('../vectors/open-body-sig.json', import.meta.url), 'utf8'));
const V1 = cases.find((c) => c.name.startsWith('V1-'));
const V2 = cases.find((c) => c.name.startsWith('V2-'));
const V1_MS = Date.UTC(2025, 0, 1, 19, 4, 5); // 2025-01-02 03:04:05 in Beijing

const input = requiredInput;

function thrown(fn) {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ChinaumsError, `expected a ChinaumsError, got ${error}`);
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'ChinaumsError');
    return error;
  }
  assert.fail('expected a ChinaumsError');
}

test('builds the V1 body byte for byte, then signs it exactly like the vector', () => {
  const request = bills.preauthCancel.build(input(), { env: 'test', now: V1_MS });
  assert.deepEqual(request, {
    method: 'POST',
    url: constants.TEST_BASE_URL + bills.preauthCancel.path,
    headers: { 'Content-Type': 'application/json' },
    body: V1.body,
  });
  const signed = signRequest(request, { appId: V1.appId, appKey: V1.appKey, timestamp: V1.timestamp, nonce: V1.nonce });
  assert.equal(signed.headers.Authorization, V1.authorization);
  assert.equal(signed.body, V1.body);
  assert.equal(signed.url, request.url);
});

test('raw UTF-8 Chinese in srcReserve gives the V2 body', () => {
  const request = bills.preauthCancel.build({ ...input(), srcReserve: '预授权撤销测试' }, { env: 'production', now: V1_MS });
  assert.equal(request.url, constants.PRODUCTION_BASE_URL + bills.preauthCancel.path);
  assert.equal(request.body, V2.body);
  assert.equal(Buffer.byteLength(request.body), 266);
});

test('the body equals JSON.stringify of the fields in table order (an independent writer)', () => {
  const odd = { ...input(), msgId: 'a"b\\c\n\u0001/<>&\u2028😀', srcReserve: '' };
  const body = bills.preauthCancel.build(odd, { baseUrl: 'http://127.0.0.1:9/', now: V1_MS }).body;
  const ordered = {
    requestTimestamp: '2025-01-02 03:04:05',
    mid: odd.mid,
    tid: odd.tid,
    instMid: 'QRPAYDEFAULT',
    billNo: odd.billNo,
    billDate: odd.billDate,
    merOrderId: odd.merOrderId,
    authIdRespCd: odd.authIdRespCd,
    msgId: odd.msgId,
    srcReserve: '',
  };
  assert.equal(body, JSON.stringify(ordered));
});

test('requestTimestamp comes from `now` in Beijing time, defaulting to the clock', () => {
  const justAfterMidnight = Date.UTC(2025, 0, 1, 16, 0, 0); // 2025-01-02 00:00:00 Beijing
  const body = JSON.parse(bills.preauthCancel.build(input(), { env: 'test', now: new Date(justAfterMidnight) }).body);
  assert.equal(body.requestTimestamp, '2025-01-02 00:00:00');
  const before = Date.now();
  const fresh = JSON.parse(bills.preauthCancel.build(input(), { env: 'test' }).body);
  const parsed = Date.parse(fresh.requestTimestamp.replace(' ', 'T') + '+08:00');
  assert.ok(parsed >= Math.floor(before / 1000) * 1000 && parsed <= Date.now(), fresh.requestTimestamp);
});

test('validation reports every problem with its field and code, and never throws', () => {
  const bad = {
    ...input(),
    mid: 898201612345678,
    billDate: '2025-02-29',
    tid: 'T'.repeat(33),
    billno: 'typo',
    authIdRespCd: undefined,
  };
  // As it will be sent (applyDefaults: false): the fields the builder fills are missing too.
  const result = bills.preauthCancel.validate(bad, { applyDefaults: false });
  assert.equal(result.ok, false);
  assert.deepEqual(
    result.issues.map((i) => [i.field, i.code]),
    [
      ['mid', 'ERR_FIELD_TYPE'],
      ['billno', 'ERR_UNKNOWN_FIELD'],
      ['requestTimestamp', 'ERR_FIELD_REQUIRED'],
      ['tid', 'ERR_FIELD_LENGTH'],
      ['instMid', 'ERR_FIELD_REQUIRED'],
      ['billDate', 'ERR_FIELD_FORMAT'],
      ['authIdRespCd', 'ERR_FIELD_REQUIRED'],
    ],
  );
  assert.match(result.issues[1].message, /did you mean billNo\?/);
  // By default, as build uses it (defaults filled): the same problems but those two.
  assert.deepEqual(
    bills.preauthCancel.validate(bad).issues.map((i) => [i.field, i.code]),
    result.issues.filter((i) => !['requestTimestamp', 'instMid'].includes(i.field)).map((i) => [i.field, i.code]),
  );
  for (const bad of [undefined, null, 42, 'not json', '[]', [], new Uint8Array([0xff]), () => 1]) {
    const out = bills.preauthCancel.validate(bad);
    assert.equal(out.ok, false);
    assert.ok(out.issues.length >= 1 && out.issues.every((i) => typeof i.code === 'string'));
  }
  assert.deepEqual(bills.preauthCancel.validate(JSON.parse(V1.body)), { ok: true, issues: [] });
  assert.deepEqual(bills.preauthCancel.validate(V1.body), { ok: true, issues: [] }, 'JSON text is accepted');
  assert.deepEqual(bills.preauthCancel.validate(new TextEncoder().encode(V1.body)), { ok: true, issues: [] });
  assert.deepEqual(bills.preauthCancel.validate(JSON.parse(V1.body), { applyDefaults: false }), { ok: true, issues: [] }, 'a complete body as sent');
  assert.deepEqual(bills.preauthCancel.validate(input()), { ok: true, issues: [] }, 'the defaults are filled by default');
  assert.deepEqual(bills.preauthCancel.validate(input(), { applyDefaults: true }), { ok: true, issues: [] });
  assert.deepEqual(
    bills.preauthCancel.validate(input(), { applyDefaults: false }).issues.map((i) => [i.field, i.code]),
    [['requestTimestamp', 'ERR_FIELD_REQUIRED'], ['instMid', 'ERR_FIELD_REQUIRED']],
  );
});

test('msgSrcId checks the prefix of billNo and merOrderId', () => {
  assert.equal(bills.preauthCancel.validate(V1.body, { msgSrcId: '3194' }).ok, true);
  const { issues } = bills.preauthCancel.validate(V1.body, { msgSrcId: '124F' });
  assert.deepEqual(issues.map((i) => [i.field, i.code]), [['billNo', 'ERR_FIELD_PREFIX'], ['merOrderId', 'ERR_FIELD_PREFIX']]);
  const error = thrown(() => bills.preauthCancel.build(input(), { env: 'test', msgSrcId: '124F' }));
  assert.equal(error.code, 'ERR_FIELD_PREFIX');
  assert.equal(error.issues.length, 2);
});

test('unknown fields pass through only when allowed', () => {
  const error = thrown(() => bills.preauthCancel.build({ ...input(), newField: 'x' }, { env: 'test', now: V1_MS }));
  assert.equal(error.code, 'ERR_UNKNOWN_FIELD');
  assert.equal(error.field, 'newField');
  const { body } = bills.preauthCancel.build({ ...input(), newField: 'x' }, { env: 'test', now: V1_MS, allowUnknownFields: true });
  assert.equal(body, V1.body.slice(0, -1) + ',"newField":"x"}');
});

test('build errors carry code, field and issues, and say what to fix', () => {
  const error = thrown(() => bills.preauthCancel.build({ ...input(), billDate: '2025/01/02' }, { env: 'test' }));
  assert.equal(error.code, 'ERR_FIELD_FORMAT');
  assert.equal(error.field, 'billDate');
  assert.match(error.message, /yyyy-MM-dd/);
  assert.deepEqual(error.issues.map((i) => i.field), ['billDate']);

  assert.equal(thrown(() => bills.preauthCancel.build(input(), {})).field, 'env');
  assert.equal(thrown(() => bills.preauthCancel.build(input(), { env: 'prod' })).code, 'ERR_FIELD_FORMAT');
  assert.equal(thrown(() => bills.preauthCancel.build(input(), { baseUrl: 'localhost:8080' })).field, 'baseUrl');
  assert.equal(thrown(() => bills.preauthCancel.build(input(), { env: 'test', now: 'yesterday' })).field, 'now');
  assert.equal(thrown(() => bills.preauthCancel.build(input(), { env: 'test', now: Number.NaN })).code, 'ERR_FIELD_FORMAT');
  const encoding = thrown(() => bills.preauthCancel.build({ ...input(), srcReserve: 'x\ud800' }, { env: 'test' }));
  assert.deepEqual([encoding.code, encoding.field], ['ERR_BODY_ENCODING', 'srcReserve']);
  assert.equal(thrown(() => bills.preauthCancel.build('{"mid":', { env: 'test' })).code, 'ERR_INVALID_JSON');
});

test('a signed request verifies, and fails once the body changes', () => {
  const signed = signRequest(bills.preauthCancel.build(input(), { env: 'test', now: V1_MS }), { appId: V1.appId, appKey: V1.appKey });
  const { Authorization: authorization } = signed.headers;
  assert.match(authorization, /^OPEN-BODY-SIG AppId="[^"]+", Timestamp="\d{14}", Nonce="[0-9a-f]{32}", Signature="[A-Za-z0-9+/]{43}="$/);
  assert.equal(verifyOpenBody({ authorization, body: signed.body, appKey: V1.appKey }).appId, V1.appId);
  const error = thrown(() => verifyOpenBody({ authorization, body: signed.body.replace('000665', '000666'), appKey: V1.appKey }));
  assert.equal(error.code, 'ERR_SIGNATURE_MISMATCH');
  assert.ok(!error.message.includes(V1.appKey));
});

test('the seed sample response parses with amounts as integer fen', () => {
  const seed = readFileSync(new URL('../fixtures/seed-response.json', import.meta.url), 'utf8');
  const parsed = bills.preauthCancel.parseResponse(seed);
  assert.equal(parsed.ok, true);
  assert.equal(parsed.errCode, 'SUCCESS');
  assert.equal(parsed.errMsg, '');
  assert.equal(parsed.billStatus, 'CLOSED');
  assert.equal(parsed.billPayment.status, 'TRADE_CLOSED');
  for (const field of ['totalAmount', 'buyerPayAmount', 'invoiceAmount', 'discountAmount']) {
    assert.equal(parsed.billPayment[field], 2100, field);
  }
  assert.equal(parsed.billPayment.payDetail, '现金支付21.00元');
  assert.equal(parsed.cardAttr, 'CREDIT_CARD');
  assert.equal(parsed.billNo, '124F2023071912021792962162');
});

test('responses: numbers or strings, billPayment as a JSON string, business errors reported', () => {
  const asString = bills.preauthCancel.parseResponse(
    JSON.stringify({ errCode: 'SUCCESS', billPayment: JSON.stringify({ totalAmount: 2100, status: 'TRADE_CLOSED' }) }),
  );
  assert.equal(asString.billPayment.totalAmount, 2100);
  const failure = bills.preauthCancel.parseResponse('{"errCode":"OPERATION_NOT_ALLOWED","errMsg":"状态不允许"}');
  assert.deepEqual([failure.ok, failure.errCode, failure.errMsg, failure.billStatus, failure.billPayment], [false, 'OPERATION_NOT_ALLOWED', '状态不允许', null, null]);
  assert.equal(thrown(() => bills.preauthCancel.parseResponse('认证失败')).code, 'ERR_INVALID_JSON');
  const fraction = thrown(() => bills.preauthCancel.parseResponse('{"errCode":"SUCCESS","billPayment":{"totalAmount":"21.00"}}'));
  assert.deepEqual([fraction.code, fraction.field], ['ERR_INVALID_RESPONSE', 'billPayment.totalAmount']);
  assert.equal(thrown(() => bills.preauthCancel.parseResponse(42)).code, 'ERR_FIELD_TYPE');
});

// The `bills` namespace: one object per operation, made from its generated table, with the same
// five methods. `sign` is `build` then OpenBodySigner.signRequest in one call, byte for byte; it
// gives the shared vectors, and node:crypto agrees with every signature.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { OpenBodySigner, beijingTime, bills, constants, openBodySig, verifyOpenBody } from 'chinaums-open';
import { thrown } from './fixtures.mjs';

const { cases } = JSON.parse(readFileSync(new URL('../vectors/open-body-sig.json', import.meta.url), 'utf8'));
const V1 = cases.find((c) => c.name.startsWith('V1-'));
const V2 = cases.find((c) => c.name.startsWith('V2-'));
const V1_MS = Date.UTC(2025, 0, 1, 19, 4, 5); // 2025-01-02 03:04:05 in Beijing
const CREDENTIALS = { appId: V1.appId, appKey: V1.appKey };
const FIXED = { timestamp: V1.timestamp, nonce: V1.nonce };

const OPERATIONS = {
  preauthCancel: 'preauth-cancel',
  preauthed: 'preauthed',
  preauthedCancel: 'preauthed-cancel',
  query: 'query',
  getQrcode: 'get-qrcode',
  closeQrcode: 'close-qrcode',
  refund: 'refund',
};
const METHODS = ['validate', 'build', 'sign', 'preview', 'parseResponse'];

/** An input of every field of the operation's table, from the table's own examples. */
const example = (op) => Object.fromEntries(bills[op].fields.map((field) => [field.name, field.example]));

/** The header node:crypto computes for these body bytes, timestamp and nonce. */
function oracle(body, timestamp, nonce, { appId, appKey } = CREDENTIALS) {
  const digest = createHash('sha256').update(body, 'utf8').digest('hex');
  const signature = createHmac('sha256', Buffer.from(appKey, 'utf8')).update(`${appId}${timestamp}${nonce}${digest}`).digest('base64');
  return `OPEN-BODY-SIG AppId="${appId}", Timestamp="${timestamp}", Nonce="${nonce}", Signature="${signature}"`;
}

test('bills has exactly the seven operations, each with its path, table and five methods', () => {
  assert.deepEqual(Object.keys(bills), Object.keys(OPERATIONS));
  assert.ok(Object.isFrozen(bills));
  for (const [op, endpoint] of Object.entries(OPERATIONS)) {
    const operation = bills[op];
    assert.ok(Object.isFrozen(operation), op);
    assert.deepEqual([operation.name, operation.endpoint, operation.path], [op, endpoint, `/v1/netpay/bills/${endpoint}`]);
    assert.deepEqual(Object.keys(operation).sort(), ['endpoint', 'fields', 'name', 'oneOf', 'path', 'summary', ...METHODS].sort());
    for (const method of METHODS) assert.equal(typeof operation[method], 'function', `${op}.${method}`);
    assert.ok(operation.summary.zh.length > 0 && operation.summary.en.length > 0, `${op} summary`);
    assert.ok(Array.isArray(operation.oneOf), `${op} oneOf`);
    // The table: unique names, every row described, frozen (shared by every caller).
    const names = operation.fields.map((field) => field.name);
    assert.ok(names.length >= 3 && new Set(names).size === names.length, `${op} field names`);
    assert.ok(Object.isFrozen(operation.fields) && operation.fields.every((field) => Object.isFrozen(field)), `${op} fields are frozen`);
    for (const field of operation.fields) {
      assert.equal(typeof field.label.zh, 'string', `${op}.${field.name}`);
      assert.equal(typeof field.label.en, 'string', `${op}.${field.name}`);
      assert.equal(typeof field.required, 'boolean', `${op}.${field.name}`);
      assert.ok(field.maxLength === null || Number.isInteger(field.maxLength), `${op}.${field.name}`);
      assert.ok(typeof field.source === 'string' && field.source.length > 0, `${op}.${field.name} source`);
      assert.ok('example' in field, `${op}.${field.name} example`);
    }
    for (const name of operation.oneOf) assert.ok(names.includes(name), `${op} oneOf ${name}`);
    // Every operation's body starts with the fields every request has.
    for (const name of ['requestTimestamp', 'mid', 'tid', 'instMid']) assert.ok(names.includes(name), `${op} has ${name}`);
    assert.equal(operation.fields.find((f) => f.name === 'instMid').default, 'QRPAYDEFAULT', op);
  }
  // The one parser of bills responses.
  for (const op of Object.keys(OPERATIONS)) assert.equal(bills[op].parseResponse, bills.query.parseResponse, op);
});

test("each table's examples make a valid input, and a table's required fields are enforced", () => {
  for (const op of Object.keys(OPERATIONS)) {
    assert.deepEqual(bills[op].validate(example(op), { msgSrcId: '3194' }), { ok: true, issues: [] }, op);
    assert.deepEqual(bills[op].validate(example(op), { msgSrcId: '3194', applyDefaults: false }), { ok: true, issues: [] }, `${op} as sent`);
    for (const field of bills[op].fields.filter((f) => f.required && f.default === undefined)) {
      const input = example(op);
      delete input[field.name];
      const { ok, issues } = bills[op].validate(input);
      assert.equal(ok, false, `${op} without ${field.name}`);
      assert.deepEqual([issues[0].field, issues[0].code], [field.name, 'ERR_FIELD_REQUIRED'], `${op} without ${field.name}`);
    }
    // Fields with a maximum length refuse one character more.
    for (const field of bills[op].fields.filter((f) => f.maxLength !== null && typeof f.example === 'string' && f.format === 'text' && !f.msgSrcIdPrefix)) {
      const issues = bills[op].validate({ ...example(op), [field.name]: 'x'.repeat(field.maxLength + 1) }).issues;
      assert.deepEqual(issues.map((i) => [i.field, i.code]), [[field.name, 'ERR_FIELD_LENGTH']], `${op}.${field.name}`);
    }
  }
  // At least one of closeQrcode's oneOf fields.
  const closing = example('closeQrcode');
  for (const name of bills.closeQrcode.oneOf) delete closing[name];
  assert.deepEqual(bills.closeQrcode.validate(closing).issues.map((i) => i.code), ['ERR_FIELD_REQUIRED']);
  assert.ok(bills.closeQrcode.oneOf.includes(bills.closeQrcode.validate(closing).issues[0].field));
});

test('sign is build then OpenBodySigner.signRequest, byte for byte, for every operation (node:crypto agrees)', () => {
  const signer = new OpenBodySigner(CREDENTIALS);
  try {
    for (const op of Object.keys(OPERATIONS)) {
      const input = example(op);
      const options = { env: 'test', now: V1_MS, msgSrcId: '3194' };
      const built = bills[op].build(input, options);
      const expected = signer.signRequest(built, FIXED);
      const signed = bills[op].sign(input, { ...options, ...CREDENTIALS, ...FIXED });
      assert.deepEqual(signed, expected, op);
      assert.deepEqual(Object.keys(signed), ['method', 'url', 'headers', 'body'], op);
      assert.equal(signed.headers.Authorization, oracle(built.body, FIXED.timestamp, FIXED.nonce), `${op}: node:crypto`);
      assert.equal(signed.url, `${constants.TEST_BASE_URL}${bills[op].path}`);
      // The same with a signer that holds the key, and with every content type.
      assert.deepEqual(bills[op].sign(input, { ...options, signer, ...FIXED }), expected, `${op} with a signer`);
      const utf8 = { ...options, contentType: 'application/json; charset=utf-8' };
      assert.deepEqual(bills[op].sign(input, { ...utf8, ...CREDENTIALS, ...FIXED }), signer.signRequest(bills[op].build(input, utf8), FIXED), `${op} charset`);
    }
  } finally {
    signer.free();
  }
});

test('bills.preauthCancel.sign gives the V1 and V2 vectors', () => {
  const input = { mid: '898201612345678', tid: '88880001', billNo: '3194202501020304050001', billDate: '2025-01-02', merOrderId: '31942025010203040500010', authIdRespCd: '000665' };
  const v1 = bills.preauthCancel.sign(input, { env: 'test', now: V1_MS, ...CREDENTIALS, ...FIXED });
  assert.deepEqual(v1, {
    method: 'POST',
    url: `${constants.TEST_BASE_URL}/v1/netpay/bills/preauth-cancel`,
    headers: { 'Content-Type': 'application/json', Authorization: V1.authorization },
    body: V1.body,
  });
  const v2 = bills.preauthCancel.sign({ ...input, srcReserve: '预授权撤销测试' }, { env: 'production', now: V1_MS, appId: V2.appId, appKey: V2.appKey, timestamp: V2.timestamp, nonce: V2.nonce });
  assert.deepEqual([v2.url, v2.body, v2.headers.Authorization], [`${constants.PRODUCTION_BASE_URL}/v1/netpay/bills/preauth-cancel`, V2.body, V2.authorization]);
  // JSON text and its bytes sign the same way as the object.
  assert.deepEqual(bills.preauthCancel.sign(JSON.stringify(input), { env: 'test', now: V1_MS, ...CREDENTIALS, ...FIXED }), v1);
  assert.deepEqual(bills.preauthCancel.sign(new TextEncoder().encode(JSON.stringify(input)), { env: 'test', now: V1_MS, ...CREDENTIALS, ...FIXED }), v1);
});

test('sign without timestamp and nonce: the clock (with clockOffsetMs) and a fresh nonce, and it verifies', () => {
  const signer = new OpenBodySigner(CREDENTIALS);
  try {
    for (const key of [CREDENTIALS, { signer }]) {
      const a = bills.query.sign(example('query'), { env: 'test', now: V1_MS - 60_000, clockOffsetMs: 60_000, ...key });
      const b = bills.query.sign(example('query'), { env: 'test', now: V1_MS - 60_000, clockOffsetMs: 60_000, ...key });
      const header = openBodySig.parseAuthorization(a.headers.Authorization);
      assert.equal(header.timestamp, V1.timestamp, 'now + clockOffsetMs, in Beijing time');
      assert.match(header.nonce, /^[0-9a-f]{32}$/);
      assert.notEqual(header.nonce, openBodySig.parseAuthorization(b.headers.Authorization).nonce);
      assert.equal(a.headers.Authorization, oracle(a.body, header.timestamp, header.nonce));
      assert.equal(verifyOpenBody({ authorization: a.headers.Authorization, body: a.body, appKey: V1.appKey, now: V1_MS }).appId, V1.appId);
      assert.equal(JSON.parse(a.body).requestTimestamp, '2025-01-02 03:04:05', 'the body timestamp from the same clock');
    }
    // Without `now`: the host's clock.
    const before = beijingTime(Date.now() - 1000).compact;
    const fresh = openBodySig.parseAuthorization(bills.query.sign(example('query'), { env: 'test', ...CREDENTIALS }).headers.Authorization).timestamp;
    assert.ok(fresh >= before && fresh <= beijingTime(Date.now() + 1000).compact, fresh);
  } finally {
    signer.free();
  }
});

test('sign with { signer }: its appId and key, refused when freed or not a signer', () => {
  const other = new OpenBodySigner({ appId: 'otherapp', appKey: 'other-key' });
  const input = example('refund');
  const signed = bills.refund.sign(input, { env: 'test', now: V1_MS, signer: other, ...FIXED });
  assert.equal(signed.headers.Authorization, oracle(signed.body, FIXED.timestamp, FIXED.nonce, { appId: 'otherapp', appKey: 'other-key' }));
  other.free();
  assert.equal(thrown(() => bills.refund.sign(input, { env: 'test', signer: other })).code, 'ERR_SIGNER_FREED');
  for (const fake of [{ appId: 'a', appKey: 'k' }, 'signer', 42]) {
    const error = thrown(() => bills.refund.sign(input, { env: 'test', signer: fake }));
    assert.deepEqual([error.code, error.field], ['ERR_FIELD_TYPE', 'signer']);
  }
  // An invalid input is refused before anything is signed, whichever key is given.
  const signer = new OpenBodySigner(CREDENTIALS);
  try {
    const error = thrown(() => bills.refund.sign({ ...input, refundAmount: 0 }, { env: 'test', signer }));
    assert.deepEqual([error.code, error.field], ['ERR_FIELD_FORMAT', 'refundAmount']);
  } finally {
    signer.free();
  }
});

test('every operation previews exactly what it builds, without a key', () => {
  for (const op of Object.keys(OPERATIONS)) {
    const input = example(op);
    const preview = bills[op].preview(input, { env: 'test', appId: V1.appId, now: V1_MS, nonce: V1.nonce, msgSrcId: '3194' });
    const built = bills[op].build(input, { env: 'test', now: V1_MS, msgSrcId: '3194' });
    assert.equal(preview.ok, true, op);
    assert.deepEqual(preview.request, built, op);
    assert.deepEqual(preview.bodyBytes, new Uint8Array(Buffer.from(built.body, 'utf8')), op);
    assert.equal(preview.bodyDigest, createHash('sha256').update(built.body).digest('hex'), op);
    assert.equal(preview.authorization, `OPEN-BODY-SIG AppId="${V1.appId}", Timestamp="${V1.timestamp}", Nonce="${V1.nonce}", Signature="<computed by the server>"`);
    // What a server sends differs only in the Signature.
    const signed = bills[op].sign(input, { env: 'test', now: V1_MS, ...CREDENTIALS, ...FIXED });
    assert.equal(preview.authorization.replace('<computed by the server>', openBodySig.parseAuthorization(signed.headers.Authorization).signature), signed.headers.Authorization);
    // An invalid input: its issues, as validate gives them (defaults filled), and nothing built.
    const bad = { ...input, mid: '' };
    const invalid = bills[op].preview(bad, { env: 'test', appId: V1.appId, now: V1_MS });
    assert.deepEqual([invalid.ok, invalid.request, invalid.bodyBytes, invalid.bodyDigest, invalid.curl], [false, null, null, null, null], op);
    assert.deepEqual(invalid.issues, bills[op].validate(bad).issues, op);
  }
});

test('every operation builds at its own path with the defaults filled, in table order', () => {
  for (const op of Object.keys(OPERATIONS)) {
    const input = example(op);
    delete input.requestTimestamp;
    delete input.instMid;
    const built = bills[op].build(input, { baseUrl: 'http://127.0.0.1:9/', now: V1_MS });
    assert.equal(built.url, `http://127.0.0.1:9${bills[op].path}`);
    const body = JSON.parse(built.body);
    assert.deepEqual([body.requestTimestamp, body.instMid], ['2025-01-02 03:04:05', 'QRPAYDEFAULT'], op);
    const order = bills[op].fields.map((f) => f.name).filter((name) => name in body);
    assert.deepEqual(Object.keys(body), order, `${op}: the table's order`);
  }
});

test('sign with a signer that only looks like one (its prototype, none of its state) is a typed error', () => {
  const input = example('refund');
  for (const fake of [Object.create(OpenBodySigner.prototype), Object.setPrototypeOf({ appId: 'a' }, OpenBodySigner.prototype)]) {
    assert.ok(fake instanceof OpenBodySigner, 'instanceof says it is one');
    const error = thrown(() => bills.refund.sign(input, { env: 'test', signer: fake }));
    assert.deepEqual([error.code, error.field], ['ERR_FIELD_TYPE', 'signer'], error.message);
  }
});

// Issue 17, prototypes: no object the package returns takes its prototype from data. Members
// named __proto__, constructor and prototype, at the top level and nested (in billPayment, as an
// object and as a JSON string, in refundBillPayment, in arrays), reach every parser of received
// data — bills responses, notifications (form, bytes, URLSearchParams, objects), token answers,
// the client's envelopes, errors and recoveries — and every object with issues (validate,
// preview, errors). Every object must keep Object.prototype (arrays Array.prototype), those
// members must be own data properties holding what was sent (or be left out where the result has
// a fixed shape), Object.prototype must stay untouched, and no object may inherit `polluted`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import * as api from 'chinaums-open';

const { bills, notifications } = api;
const CREDENTIALS = { appId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', appKey: 'fictional0app0key0for0tests00001' };
const V1_MS = Date.UTC(2025, 0, 1, 19, 4, 5);
const NAMES = ['__proto__', 'constructor', 'prototype'];
/** The three members as JSON text, each an object that would pollute if it were assigned. */
const MEMBERS = '"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"prototype":{"polluted":3}';
/** What each of them must hold as own data (JSON.parse: an object literal would set a prototype). */
const HELD = JSON.parse(`{${MEMBERS}}`);
/** The three as the strings of a form. */
const HELD_TEXT = JSON.parse('{"__proto__":"a","constructor":"b","prototype":"c"}');
const OBJECT_PROTO_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

/** A bills response with the members at the top, in billPayment (an object), in refundBillPayment (a JSON string) and in an array. */
const RESPONSE = `{"errCode":"SUCCESS","billStatus":"PAID",${MEMBERS},"billPayment":{${MEMBERS},"totalAmount":"2100","status":"TRADE_SUCCESS"},"refundBillPayment":${JSON.stringify(`{${MEMBERS},"refundAmount":"50"}`)},"extra":{"list":[{${MEMBERS}}]}}`;

/**
 * Null when every object reachable from `value` has the standard prototype and only own data
 * properties, and none inherits `polluted`; otherwise where it does not.
 */
function cleanProblem(value, path = 'result', seen = new Set()) {
  if (value === null || typeof value !== 'object' || seen.has(value)) return null;
  seen.add(value);
  if (value instanceof Uint8Array) return null;
  const expected = Array.isArray(value) ? Array.prototype : Object.prototype;
  if (Object.getPrototypeOf(value) !== expected) return `${path} has another prototype: ${inspect(Object.getPrototypeOf(value), { depth: 1 })}`;
  if ('polluted' in value && !Object.hasOwn(value, 'polluted')) return `${path} inherits polluted`;
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(value))) {
    if (!('value' in descriptor)) return `${path}.${key} is an accessor`;
    const problem = cleanProblem(descriptor.value, `${path}.${key}`, seen);
    if (problem) return problem;
  }
  return null;
}

/** The three members are own data properties of `object`, holding `held` (the values sent). */
function assertHeld(object, held, where) {
  assert.equal(Object.getPrototypeOf(held), Object.prototype, 'the expectation itself is plain');
  for (const name of NAMES) {
    assert.ok(Object.hasOwn(held, name), `the expectation holds ${name}`);
    const descriptor = Object.getOwnPropertyDescriptor(object, name);
    assert.ok(descriptor && 'value' in descriptor, `${where}: ${name} is not an own data property`);
    assert.deepEqual(JSON.parse(JSON.stringify(descriptor.value)), held[name], `${where}.${name}`);
  }
}

function assertUntouched(where) {
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), OBJECT_PROTO_KEYS, `${where}: Object.prototype changed`);
  assert.equal({}.polluted, undefined, `${where}: a fresh object inherits polluted`);
  assert.equal(Object.prototype.constructor, Object, where);
}

/** Checks a parsed bills response with the members everywhere RESPONSE has them. */
function assertResponse(r, where) {
  assert.equal(cleanProblem(r), null, where);
  assertHeld(r, HELD, where);
  assertHeld(r.billPayment, HELD, `${where}.billPayment`);
  assertHeld(r.refundBillPayment, HELD, `${where}.refundBillPayment`);
  assertHeld(r.extra.list[0], HELD, `${where}.extra.list[0]`);
  assert.deepEqual([r.ok, r.billPayment.totalAmount, r.refundBillPayment.refundAmount], [true, 2100, 50], where);
  assert.equal(r.polluted, undefined, where);
  assertUntouched(where);
}

test('bills responses: every operation keeps __proto__, constructor and prototype as own data, at every level', () => {
  for (const op of Object.keys(bills)) {
    assertResponse(bills[op].parseResponse(RESPONSE), `bills.${op}.parseResponse`);
    assertResponse(bills[op].parseResponse(new TextEncoder().encode(RESPONSE)), `bills.${op}.parseResponse(bytes)`);
  }
  // billPayment given as a JSON string, too.
  const asString = bills.query.parseResponse(`{"errCode":"SUCCESS",${MEMBERS},"billPayment":${JSON.stringify(`{${MEMBERS},"totalAmount":1}`)}}`);
  assertHeld(asString.billPayment, HELD, 'billPayment from a JSON string');
  assert.equal(cleanProblem(asString), null);
  // A refusal carries the same clean data.
  const refused = bills.query.parseResponse(`{"errCode":"NO_BILL",${MEMBERS}}`);
  assert.equal(refused.ok, false);
  assertHeld(refused, HELD, 'a refusal');
  // Members that are not objects: own data too.
  const scalars = bills.query.parseResponse('{"errCode":"SUCCESS","__proto__":null,"constructor":"c","prototype":[1]}');
  assert.deepEqual([scalars.__proto__, scalars.constructor, scalars.prototype], [null, 'c', [1]]);
  assert.ok(Object.hasOwn(scalars, '__proto__'));
  assert.equal(cleanProblem(scalars), null);
  assertUntouched('scalars');
});

test('notifications.parse: forms, bytes, URLSearchParams and objects keep the members as own data', () => {
  const payment = `{${MEMBERS},"totalAmount":"100"}`;
  const form = `billNo=3194A&__proto__=a&constructor=b&prototype=c&billPayment=${encodeURIComponent(payment)}`;
  // An object of decoded values whose own members have those names (as JSON.parse makes them).
  const object = JSON.parse(JSON.stringify({ billNo: '3194A', billPayment: payment }).replace('{', '{"__proto__":"a","constructor":"b","prototype":"c",'));
  assert.ok(Object.hasOwn(object, '__proto__') && Object.getPrototypeOf(object) === Object.prototype, 'the input object is as intended');
  const inputs = { form, bytes: new TextEncoder().encode(form), URLSearchParams: new URLSearchParams(form), object };
  for (const [kind, params] of Object.entries(inputs)) {
    const parsed = notifications.parse(params);
    const where = `notifications.parse(${kind})`;
    assert.equal(cleanProblem(parsed), null, where);
    assertHeld(parsed, HELD_TEXT, where);
    assertHeld(parsed.billPayment, HELD, `${where}.billPayment`);
    assert.equal(parsed.billPayment.totalAmount, 100, where);
    assert.deepEqual(Object.keys(parsed), kind === 'object' ? ['__proto__', 'constructor', 'prototype', 'billNo', 'billPayment'] : ['billNo', '__proto__', 'constructor', 'prototype', 'billPayment'], `${where}: the order received`);
    assertUntouched(where);
  }
  // They are signed as the data they are (sorted by name, byte order): not dropped, not inherited.
  const expected = `__proto__=a&billNo=3194A&billPayment=${payment}&constructor=b&prototype=c`;
  assert.equal(notifications.stringToSign(form), expected);
  assert.equal(notifications.stringToSign(object), expected);
  const sign = notifications.sign(form, 'k');
  assert.equal(notifications.verify(`${form}&sign=${sign}`, 'k'), true);
  // Spread copies an own __proto__ as data: the same notification, it verifies.
  const signed = { ...object, sign };
  assert.ok(Object.hasOwn(signed, '__proto__'));
  assert.equal(notifications.verify(signed, 'k'), true);
  // Without that member it is another notification.
  delete signed.__proto__;
  assert.equal(Object.hasOwn(signed, '__proto__'), false);
  assert.equal(notifications.verify(signed, 'k'), false);
  assertUntouched('notifications');
});

test('accessToken.parseResponse: a fixed shape, the members left out, nothing inherited', () => {
  for (const text of [`{"errCode":"0000","accessToken":"t","expiresIn":60,${MEMBERS}}`, `{${MEMBERS},"errCode":"0000","accessToken":"t","expiresIn":60}`]) {
    const token = api.accessToken.parseResponse(text, { now: V1_MS });
    assert.deepEqual(Object.keys(token), ['accessToken', 'expiresIn', 'expiresAt']);
    assert.equal(cleanProblem(token), null);
    assert.equal(Object.hasOwn(token, '__proto__'), false);
    // The holder takes it (an object with a polluted prototype could not pass).
    assert.equal(new api.AccessTokenHolder().update(token).authorization(V1_MS), 'OPEN-ACCESS-TOKEN AccessToken=t');
  }
  const refused = (() => {
    try {
      api.accessToken.parseResponse(`{"errCode":"1000","errInfo":"no",${MEMBERS}}`);
    } catch (error) {
      return error;
    }
    return null;
  })();
  assert.equal(refused?.code, 'ERR_PLATFORM');
  assert.equal(cleanProblem({ ...refused }), null);
  assertUntouched('tokens');
});

/** A client over a fetch stub answering each request with the next text of `answers`. */
function stubbedClient(answers, status = 200) {
  const client = new api.ChinaumsClient({
    ...CREDENTIALS,
    baseUrl: 'http://127.0.0.1:9',
    sleep: async () => {},
    random: () => 0.5,
    fetch: async () => {
      const text = answers.length > 1 ? answers.shift() : answers[0];
      return { status, headers: new Headers(), text: async () => text };
    },
  });
  return client;
}

const QUERY = { mid: '898201612345678', tid: '88880001', billNo: '3194202501020304050001', billDate: '2025-01-02' };

test('client responses, platform errors and recoveries keep the members as own data', async () => {
  const client = stubbedClient([RESPONSE]);
  try {
    const envelope = await client.request('/v1/netpay/refund-query', { a: '1' });
    assert.equal(envelope.error, null);
    assertResponse(envelope.response, 'client.request envelope.response');
    assert.equal(cleanProblem({ ...envelope, headers: null }), null);
    assertResponse(await client.bills.query(QUERY), 'client.bills.query');
  } finally {
    client.free();
  }
  // A refusal: the error's response.
  const refusing = stubbedClient([`{"errCode":"NO_BILL","errMsg":"none",${MEMBERS},"billPayment":{${MEMBERS}}}`]);
  try {
    await assert.rejects(refusing.bills.query(QUERY), (error) => {
      assert.equal(error.code, 'ERR_PLATFORM');
      assertHeld(error.response, HELD, 'error.response');
      assertHeld(error.response.billPayment, HELD, 'error.response.billPayment');
      assert.equal(cleanProblem(error.response), null);
      assert.equal(Object.getPrototypeOf(error), api.ChinaumsError.prototype);
      return true;
    });
  } finally {
    refusing.free();
  }
  // A recovery: the bill it ends with.
  const closed = `{"errCode":"SUCCESS","billStatus":"CLOSED",${MEMBERS},"billPayment":{${MEMBERS},"status":"TRADE_CLOSED","totalAmount":"2100"}}`;
  const recovering = stubbedClient([closed]);
  try {
    const result = await recovering.cancelPreauth({ ...QUERY, merOrderId: '31942025010203040500010', authIdRespCd: '000665' });
    assert.equal(cleanProblem(result), null);
    assert.ok(['already-cancelled', 'not-frozen', 'cancelled'].includes(result.outcome), result.outcome);
    assertHeld(result.bill, HELD, 'cancelPreauth bill');
    assertHeld(result.bill.billPayment, HELD, 'cancelPreauth bill.billPayment');
  } finally {
    recovering.free();
  }
  assertUntouched('client');
});

test('validate, preview and errors: issues about members with those names are plain objects naming them', () => {
  const input = JSON.parse(`{${MEMBERS},"mid":"898201612345678","tid":"88880001","billNo":"3194202501020304050001","billDate":"2025-01-02"}`);
  assert.ok(Object.hasOwn(input, '__proto__'), 'the input object is as intended');
  for (const [kind, given] of [['object', input], ['text', `{${MEMBERS},"mid":"898201612345678","tid":"88880001","billNo":"3194202501020304050001","billDate":"2025-01-02"}`]]) {
    const validation = bills.query.validate(given);
    assert.equal(cleanProblem(validation), null, kind);
    assert.deepEqual(validation.issues.map((i) => [i.field, i.code]), NAMES.map((name) => [name, 'ERR_UNKNOWN_FIELD']), kind);
    const preview = bills.query.preview(given, { env: 'test', appId: CREDENTIALS.appId, now: V1_MS });
    assert.equal(cleanProblem(preview), null, `preview ${kind}`);
    assert.deepEqual(preview.issues, validation.issues, `preview ${kind}`);
    assert.throws(() => bills.query.build(given, { env: 'test' }), (error) => {
      assert.deepEqual(error.issues, validation.issues);
      assert.equal(cleanProblem({ ...error }), null);
      return true;
    });
    // Allowed: written into the body as the members they are.
    const built = bills.query.build(given, { env: 'test', now: V1_MS, allowUnknownFields: true });
    assert.ok(built.body.includes(MEMBERS), `${kind}: ${built.body}`);
    assertHeld(JSON.parse(built.body), HELD, `${kind} body`);
    const { body } = api.buildRequest('/v1/netpay/refund-query', given, { env: 'test', now: V1_MS });
    assert.ok(body.includes(MEMBERS), `buildRequest ${kind}`);
  }
  assertUntouched('issues');
});

test('signRequest keeps a header named __proto__ as a header', () => {
  const signer = new api.OpenBodySigner({ appId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', appKey: 'fictional0app0key0for0tests00001' });
  try {
    const headers = JSON.parse('{"__proto__":"kept","X-Trace":"t-1"}');
    const signed = signer.signRequest({ body: '{}', headers }, { timestamp: '20250102030405', nonce: '0123456789abcdef0123456789abcdef' });
    assert.deepEqual(Object.keys(signed.headers), ['__proto__', 'X-Trace', 'Authorization']);
    assert.equal(Object.getOwnPropertyDescriptor(signed.headers, '__proto__').value, 'kept');
    assert.equal(Object.getPrototypeOf(signed.headers), Object.prototype);
  } finally {
    signer.free();
  }
});

test('after everything: Object.prototype is untouched and no object inherits polluted', () => {
  assertUntouched('the end');
  assert.equal(Object.prototype.polluted, undefined);
  assert.equal([].polluted, undefined);
  assert.equal(Object.create(Object.prototype).polluted, undefined);
});

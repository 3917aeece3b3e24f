// Malformed input through every export of the package: wrong types, missing and huge fields,
// broken JSON, bad headers, odd Unicode. Each one must end in a ChinaumsError (or, for
// bills.preauthCancel.validate, in returned issues) with a documented `code`, the `field` where one
// applies, and no trace of the appKey in anything a log could print.
//
// The table is keyed by export name and the test fails for an export without an entry, so a
// new export cannot be added without saying how it treats bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import * as api from 'chinaums-open';
import { KEY, APP_ID, TS, NONCE, NOTIFY_KEY, TS_MS, V1_INPUT } from './fixtures.mjs';

const { AccessTokenHolder, ChinaumsError, OpenBodySigner } = api;

const BODY = '{"a":1}';
const GOOD = api.signOpenBody({ appId: APP_ID, appKey: KEY, body: BODY, timestamp: TS, nonce: NONCE });

/** The documented codes: the ChinaumsErrorCode union of pkg/generated.d.ts (generated from the core's list). */
const DOCUMENTED_CODES = (() => {
  const dts = readFileSync(new URL('../../pkg/generated.d.ts', import.meta.url), 'utf8');
  const union = dts.match(/export type ChinaumsErrorCode =([^;]*);/);
  assert.ok(union, 'generated.d.ts declares ChinaumsErrorCode');
  const codes = new Set([...union[1].matchAll(/"([A-Z_]+)"/g)].map((m) => m[1]));
  assert.ok(codes.size > 20 && codes.has('ERR_TOO_DEEP'), `only ${codes.size} codes read`);
  return codes;
})();

const HUGE = 'x'.repeat(10_000_000);
const LONE_HIGH = 'ab\uD800cd';
const LONE_LOW = '\uDC00';
const REVERSED_PAIR = '\uDE00\uD83D';
const circular = {};
circular.self = circular;

/** Values of the wrong type for a string argument, with the code each must give. */
const NOT_STRINGS = [
  [undefined, 'ERR_FIELD_REQUIRED'],
  [null, 'ERR_FIELD_REQUIRED'],
  [42, 'ERR_FIELD_TYPE'],
  [true, 'ERR_FIELD_TYPE'],
  [{}, 'ERR_FIELD_TYPE'],
  [['a'], 'ERR_FIELD_TYPE'],
  [Symbol('s'), 'ERR_FIELD_TYPE'],
  [10n, 'ERR_FIELD_TYPE'],
  [new String('boxed'), 'ERR_FIELD_TYPE'],
];
const ODD_UNICODE = [LONE_HIGH, LONE_LOW, REVERSED_PAIR, `${KEY}\uD800`];
const NOT_OBJECTS = [undefined, null, 'options', 42, [], true, () => 1, new Uint8Array(2)];
/** Options that are absent are missing (required); any other value that is no object is the wrong type. */
const notObjectCode = (value) => (value === undefined ? 'ERR_FIELD_REQUIRED' : 'ERR_FIELD_TYPE');

/** `[name, thunk, code, field]` rows: `field` undefined means "not checked" (none applies). */
function stringArgCases(label, field, call, { objectsAreRead = false } = {}) {
  const wrong = objectsAreRead ? NOT_STRINGS.filter(([value]) => value === null || typeof value !== 'object') : NOT_STRINGS;
  return [
    ...wrong.map(([value, code]) => [`${label}: ${field} = ${describe(value)}`, () => call(value), code, field]),
    ...ODD_UNICODE.map((value) => [`${label}: ${field} with ${JSON.stringify(value)}`, () => call(value), 'ERR_BODY_ENCODING', field]),
  ];
}

function describe(value) {
  if (typeof value === 'symbol' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return value.length > 40 ? `${value.length} chars` : JSON.stringify(value);
  return inspect(value, { depth: 0 });
}

const sign = (over) => api.signOpenBody({ appId: APP_ID, appKey: KEY, body: BODY, timestamp: TS, nonce: NONCE, ...over });
const verify = (over) => api.verifyOpenBody({ authorization: GOOD.authorization, body: BODY, appKey: KEY, now: TS_MS, ...over });
const build = (input, over) => api.bills.preauthCancel.build(input, { env: 'test', now: TS_MS, ...over });
const signer = (over) => new OpenBodySigner({ appId: APP_ID, appKey: KEY, ...over });
const header = (params) => `OPEN-BODY-SIG ${params}`;

const BAD_HEADERS = [
  ['', 'ERR_AUTH_HEADER'],
  ['Bearer abc', 'ERR_AUTH_HEADER'],
  ['OPEN-BODY-SIG', 'ERR_AUTH_HEADER'],
  [header(`AppId="${APP_ID}", Timestamp="${TS}", Nonce="${NONCE}"`), 'ERR_AUTH_HEADER'],
  [header(`AppId=${APP_ID}, Timestamp="${TS}", Nonce="${NONCE}", Signature="${GOOD.signature}"`), 'ERR_AUTH_HEADER'],
  [header(`AppId="a", AppId="b", Timestamp="${TS}", Nonce="n", Signature="${GOOD.signature}"`), 'ERR_AUTH_HEADER'],
  [header(`AppId="a", Timestamp="2025-01-02", Nonce="n", Signature="${GOOD.signature}"`), 'ERR_AUTH_HEADER'],
  [header(`AppId="a", Timestamp="20251340000000", Nonce="n", Signature="${GOOD.signature}"`), 'ERR_AUTH_HEADER'],
  [header(`AppId="a\u0000", Timestamp="${TS}", Nonce="n", Signature="x"`), 'ERR_AUTH_HEADER'],
  [header(`AppId="a", Timestamp="${TS}", Nonce="n", Signature="x", Extra="y"`), 'ERR_AUTH_HEADER'],
  [header(`AppId="预授权", Timestamp="${TS}", Nonce="n", Signature="x"`), 'ERR_AUTH_HEADER'],
  [header(`AppId="a" Timestamp="${TS}"`), 'ERR_AUTH_HEADER'],
  [header(`AppId="a`), 'ERR_AUTH_HEADER'],
  [`${GOOD.authorization}${' '.repeat(5000)}`, 'ERR_HEADER_TOO_LARGE'],
  [HUGE, 'ERR_HEADER_TOO_LARGE'],
  ['预'.repeat(1400), 'ERR_HEADER_TOO_LARGE'],
];

/** Inputs a preauth-cancel validator/builder must refuse, with the first issue's code and field. */
const BAD_INPUTS = [
  [undefined, 'ERR_FIELD_TYPE', null],
  [null, 'ERR_FIELD_TYPE', null],
  [42, 'ERR_FIELD_TYPE', null],
  [[V1_INPUT], 'ERR_FIELD_TYPE', null],
  ['not json', 'ERR_INVALID_JSON', null],
  ['{"mid":', 'ERR_INVALID_JSON', null],
  ['{"mid":"1",}', 'ERR_INVALID_JSON', null],
  ['\uFEFF{}', 'ERR_INVALID_JSON', null],
  ['[]', 'ERR_FIELD_TYPE', null],
  // Deeper than the core's limit (128 levels): refused before any recursion.
  ['['.repeat(100_000), 'ERR_TOO_DEEP', null],
  [`{"x":${'['.repeat(129)}${']'.repeat(129)}}`, 'ERR_TOO_DEEP', 'x'],
  [{ ...V1_INPUT, mid: undefined }, 'ERR_FIELD_REQUIRED', 'mid'],
  [{ ...V1_INPUT, authIdRespCd: '' }, 'ERR_FIELD_REQUIRED', 'authIdRespCd'],
  [{ ...V1_INPUT, mid: 898201612345678 }, 'ERR_FIELD_TYPE', 'mid'],
  [{ ...V1_INPUT, billNo: null }, 'ERR_FIELD_TYPE', 'billNo'],
  [{ ...V1_INPUT, tid: ['88880001'] }, 'ERR_FIELD_TYPE', 'tid'],
  [{ ...V1_INPUT, billno: 'x' }, 'ERR_UNKNOWN_FIELD', 'billno'],
  [{ ...V1_INPUT, billDate: '2025-02-30' }, 'ERR_FIELD_FORMAT', 'billDate'],
  [{ ...V1_INPUT, requestTimestamp: '2025-01-02T03:04:05Z' }, 'ERR_FIELD_FORMAT', 'requestTimestamp'],
  [{ ...V1_INPUT, mid: 'm'.repeat(33) }, 'ERR_FIELD_LENGTH', 'mid'],
  [{ ...V1_INPUT, srcReserve: 's'.repeat(2_000_000) }, 'ERR_BODY_TOO_LARGE', 'input'],
  [{ ...V1_INPUT, mid: LONE_HIGH }, 'ERR_BODY_ENCODING', 'mid'],
  [{ ...V1_INPUT, [LONE_LOW]: 'x' }, 'ERR_BODY_ENCODING', null],
  // Nested values that have no JSON form: the top-level member that holds them is named.
  [{ ...V1_INPUT, nested: { x: REVERSED_PAIR } }, 'ERR_BODY_ENCODING', 'nested'],
  [{ ...V1_INPUT, amount: 10n }, 'ERR_FIELD_TYPE', 'amount'],
  [circular, 'ERR_FIELD_TYPE', 'self'],
  ['{"mid":"a","mid":"b"}', 'ERR_DUPLICATE_FIELD', 'mid'],
  ['{"mid":"\\ud800"}', 'ERR_BODY_ENCODING', null],
  [HUGE, 'ERR_BODY_TOO_LARGE', 'input'],
  [new Uint8Array([0x7b, 0xff, 0x7d]), 'ERR_BODY_ENCODING', 'input'],
  [new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), 'ERR_INVALID_JSON', null],
  [new Uint8Array([0xed, 0xa0, 0x80]), 'ERR_BODY_ENCODING', 'input'],
];

/** The part of BAD_INPUTS that does not depend on an endpoint's field table. */
const GENERIC_BAD_INPUTS = BAD_INPUTS.filter(([, , field]) => [null, 'input', 'nested', 'amount', 'self', 'x'].includes(field));

const BAD_RESPONSES = [
  [undefined, 'ERR_FIELD_REQUIRED', 'text'],
  [42, 'ERR_FIELD_TYPE', 'text'],
  [{ errCode: 'SUCCESS' }, 'ERR_FIELD_TYPE', 'text'],
  ['', 'ERR_INVALID_JSON', null],
  ['<html>502 Bad Gateway</html>', 'ERR_INVALID_JSON', null],
  ['[]', 'ERR_INVALID_RESPONSE', null],
  ['{}', 'ERR_INVALID_RESPONSE', 'errCode'],
  ['{"errCode":{}}', 'ERR_INVALID_RESPONSE', 'errCode'],
  ['{"errCode":"SUCCESS","billPayment":"nope"}', 'ERR_INVALID_RESPONSE', 'billPayment'],
  ['{"errCode":"SUCCESS","billPayment":{"totalAmount":"21.5"}}', 'ERR_INVALID_RESPONSE', 'billPayment.totalAmount'],
  ['{"errCode":"SUCCESS","totalAmount":1e400}', 'ERR_INVALID_RESPONSE', 'totalAmount'],
  ['{"errCode":"\\udc00"}', 'ERR_BODY_ENCODING', null],
  [LONE_HIGH, 'ERR_BODY_ENCODING', 'text'],
  [new Uint8Array([0xc3, 0x28]), 'ERR_BODY_ENCODING', 'text'],
  [HUGE, 'ERR_BODY_TOO_LARGE', 'text'],
];

/** Every export → its malformed cases (rows) or, for exports no input can break, a check. */
const MALFORMED = {
  signOpenBody: [
    ...NOT_OBJECTS.map((value) => [`signOpenBody(${describe(value)})`, () => api.signOpenBody(value), notObjectCode(value), null]),
    ...stringArgCases('signOpenBody', 'appId', (appId) => sign({ appId })),
    ...stringArgCases('signOpenBody', 'appKey', (appKey) => sign({ appKey })),
    ...stringArgCases('signOpenBody', 'timestamp', (timestamp) => sign({ timestamp })).filter(([, , code]) => code !== 'ERR_FIELD_REQUIRED'),
    ...stringArgCases('signOpenBody', 'nonce', (nonce) => sign({ nonce })).filter(([, , code]) => code !== 'ERR_FIELD_REQUIRED'),
    ['signOpenBody: appId empty', () => sign({ appId: '' }), 'ERR_FIELD_REQUIRED', 'appId'],
    ['signOpenBody: appId with a space', () => sign({ appId: 'a b' }), 'ERR_FIELD_FORMAT', 'appId'],
    ['signOpenBody: appId with CRLF injection', () => sign({ appId: 'a\r\nX-Evil: 1' }), 'ERR_FIELD_FORMAT', 'appId'],
    ['signOpenBody: appId Chinese', () => sign({ appId: '商户' }), 'ERR_FIELD_FORMAT', 'appId'],
    ['signOpenBody: appId huge', () => sign({ appId: HUGE }), 'ERR_FIELD_LENGTH', 'appId'],
    ['signOpenBody: appKey empty', () => sign({ appKey: '' }), 'ERR_FIELD_REQUIRED', 'appKey'],
    ['signOpenBody: timestamp ISO', () => sign({ timestamp: '2025-01-02T03:04:05' }), 'ERR_FIELD_FORMAT', 'timestamp'],
    ['signOpenBody: timestamp Feb 30', () => sign({ timestamp: '20250230030405' }), 'ERR_FIELD_FORMAT', 'timestamp'],
    ['signOpenBody: timestamp huge', () => sign({ timestamp: HUGE }), 'ERR_FIELD_FORMAT', 'timestamp'],
    ['signOpenBody: nonce empty', () => sign({ nonce: '' }), 'ERR_FIELD_REQUIRED', 'nonce'],
    ['signOpenBody: nonce with a quote', () => sign({ nonce: 'a"b' }), 'ERR_FIELD_FORMAT', 'nonce'],
    ['signOpenBody: nonce huge', () => sign({ nonce: HUGE }), 'ERR_FIELD_LENGTH', 'nonce'],
    ['signOpenBody: body missing', () => sign({ body: undefined }), 'ERR_FIELD_REQUIRED', 'body'],
    ['signOpenBody: body an object', () => sign({ body: { a: 1 } }), 'ERR_FIELD_TYPE', 'body'],
    ['signOpenBody: body a number', () => sign({ body: 7 }), 'ERR_FIELD_TYPE', 'body'],
    ['signOpenBody: body an array', () => sign({ body: [1, 2] }), 'ERR_FIELD_TYPE', 'body'],
    ['signOpenBody: body lone surrogate', () => sign({ body: LONE_HIGH }), 'ERR_BODY_ENCODING', 'body'],
    ['signOpenBody: body huge string', () => sign({ body: HUGE }), 'ERR_BODY_TOO_LARGE', 'body'],
    ['signOpenBody: body huge bytes', () => sign({ body: new Uint8Array(3 << 20) }), 'ERR_BODY_TOO_LARGE', 'body'],
    ['signOpenBody: maxBodyBytes a string', () => sign({ maxBodyBytes: '10' }), 'ERR_FIELD_TYPE', 'maxBodyBytes'],
    ['signOpenBody: maxBodyBytes negative', () => sign({ maxBodyBytes: -1 }), 'ERR_FIELD_FORMAT', 'maxBodyBytes'],
    ['signOpenBody: maxBodyBytes fractional', () => sign({ maxBodyBytes: 10.5 }), 'ERR_FIELD_FORMAT', 'maxBodyBytes'],
    ['signOpenBody: maxBodyBytes NaN', () => sign({ maxBodyBytes: NaN }), 'ERR_FIELD_FORMAT', 'maxBodyBytes'],
    ['signOpenBody: maxBodyBytes over 1 GiB', () => sign({ maxBodyBytes: 2 ** 31 }), 'ERR_FIELD_FORMAT', 'maxBodyBytes'],
  ],
  OpenBodySigner: [
    ...NOT_OBJECTS.map((value) => [`new OpenBodySigner(${describe(value)})`, () => new OpenBodySigner(value), notObjectCode(value), null]),
    ...stringArgCases('OpenBodySigner', 'appId', (appId) => signer({ appId })),
    ...stringArgCases('OpenBodySigner', 'appKey', (appKey) => signer({ appKey })),
    ['OpenBodySigner: appKey empty', () => signer({ appKey: '' }), 'ERR_FIELD_REQUIRED', 'appKey'],
    ['OpenBodySigner: appId with a comma', () => signer({ appId: 'a,b' }), 'ERR_FIELD_FORMAT', 'appId'],
    ['OpenBodySigner: maxBodyBytes Infinity', () => signer({ maxBodyBytes: Infinity }), 'ERR_FIELD_FORMAT', 'maxBodyBytes'],
    ['OpenBodySigner: maxBodyBytes an object', () => signer({ maxBodyBytes: {} }), 'ERR_FIELD_TYPE', 'maxBodyBytes'],
    ['sign(): body missing', () => signer().sign(), 'ERR_FIELD_REQUIRED', 'body'],
    ['sign(): body a boolean', () => signer().sign(false), 'ERR_FIELD_TYPE', 'body'],
    ['sign(): body lone surrogate', () => signer().sign(REVERSED_PAIR), 'ERR_BODY_ENCODING', 'body'],
    ['sign(): body over its cap', () => signer({ maxBodyBytes: 3 }).sign('four'), 'ERR_BODY_TOO_LARGE', 'body'],
    ['sign(): options a string', () => signer().sign(BODY, 'ts'), 'ERR_FIELD_TYPE', null],
    ['sign(): timestamp a Date', () => signer().sign(BODY, { timestamp: new Date() }), 'ERR_FIELD_TYPE', 'timestamp'],
    ['sign(): timestamp 13 digits', () => signer().sign(BODY, { timestamp: '2025010203040' }), 'ERR_FIELD_FORMAT', 'timestamp'],
    ['sign(): nonce lone surrogate', () => signer().sign(BODY, { nonce: LONE_LOW }), 'ERR_BODY_ENCODING', 'nonce'],
    [
      'sign(): after free()',
      () => {
        const s = signer();
        s.free();
        s.sign(BODY);
      },
      'ERR_SIGNER_FREED',
      null,
    ],
  ],
  verifyOpenBody: [
    ...NOT_OBJECTS.map((value) => [`verifyOpenBody(${describe(value)})`, () => api.verifyOpenBody(value), notObjectCode(value), null]),
    ...stringArgCases('verifyOpenBody', 'authorization', (authorization) => verify({ authorization })),
    ...stringArgCases('verifyOpenBody', 'appKey', (appKey) => verify({ appKey })),
    ...BAD_HEADERS.map(([value, code]) => [`verifyOpenBody: header ${describe(value)}`, () => verify({ authorization: value }), code, 'authorization']),
    ['verifyOpenBody: another body', () => verify({ body: `${BODY} ` }), 'ERR_SIGNATURE_MISMATCH', 'signature'],
    ['verifyOpenBody: body as re-serialized JSON', () => verify({ body: JSON.stringify(JSON.parse(BODY), null, 1) }), 'ERR_SIGNATURE_MISMATCH', 'signature'],
    ['verifyOpenBody: another key', () => verify({ appKey: `${KEY}x` }), 'ERR_SIGNATURE_MISMATCH', 'signature'],
    ['verifyOpenBody: Signature not Base64', () => verify({ authorization: GOOD.authorization.replace(GOOD.signature, '!'.repeat(44)) }), 'ERR_AUTH_HEADER', 'authorization'],
    ['verifyOpenBody: too late', () => verify({ now: TS_MS + 301_000 }), 'ERR_TIMESTAMP_SKEW', 'timestamp'],
    ['verifyOpenBody: now a string', () => verify({ now: 'now' }), 'ERR_FIELD_TYPE', 'now'],
    ['verifyOpenBody: now NaN', () => verify({ now: NaN }), 'ERR_FIELD_FORMAT', 'now'],
    ['verifyOpenBody: now an invalid Date', () => verify({ now: new Date('nope') }), 'ERR_FIELD_FORMAT', 'now'],
    ['verifyOpenBody: now year 10000', () => verify({ now: 8.7e15 }), 'ERR_FIELD_FORMAT', 'now'],
    ['verifyOpenBody: toleranceSeconds a string', () => verify({ toleranceSeconds: '300' }), 'ERR_FIELD_TYPE', 'toleranceSeconds'],
    ['verifyOpenBody: toleranceSeconds negative', () => verify({ toleranceSeconds: -1 }), 'ERR_FIELD_FORMAT', 'toleranceSeconds'],
    ['verifyOpenBody: body missing', () => verify({ body: null }), 'ERR_FIELD_REQUIRED', 'body'],
    ['verifyOpenBody: body huge', () => verify({ body: new Uint8Array(2 << 20) }), 'ERR_BODY_TOO_LARGE', 'body'],
    ['verifyOpenBody: maxBodyBytes below the body', () => verify({ maxBodyBytes: 2 }), 'ERR_BODY_TOO_LARGE', 'body'],
  ],
  'openBodySig.parseAuthorization': [
    ...stringArgCases('parseAuthorization', 'authorization', (value) => api.openBodySig.parseAuthorization(value)),
    ...BAD_HEADERS.map(([value, code]) => [`openBodySig.parseAuthorization(${describe(value)})`, () => api.openBodySig.parseAuthorization(value), code, 'authorization']),
  ],
  'openBodySig.bodyDigest': [
    ['openBodySig.bodyDigest()', () => api.openBodySig.bodyDigest(), 'ERR_FIELD_REQUIRED', 'body'],
    ['openBodySig.bodyDigest(42)', () => api.openBodySig.bodyDigest(42), 'ERR_FIELD_TYPE', 'body'],
    ['openBodySig.bodyDigest({})', () => api.openBodySig.bodyDigest({}), 'ERR_FIELD_TYPE', 'body'],
    ['openBodySig.bodyDigest(Symbol)', () => api.openBodySig.bodyDigest(Symbol('s')), 'ERR_FIELD_TYPE', 'body'],
    ...ODD_UNICODE.map((value) => [`openBodySig.bodyDigest(${JSON.stringify(value)})`, () => api.openBodySig.bodyDigest(value), 'ERR_BODY_ENCODING', 'body']),
  ],
  'openBodySig.stringToSign': [
    ...NOT_OBJECTS.map((value) => [`openBodySig.stringToSign(${describe(value)})`, () => api.openBodySig.stringToSign(value), notObjectCode(value), null]),
    ...stringArgCases('stringToSign', 'bodyDigest', (bodyDigest) => api.openBodySig.stringToSign({ appId: APP_ID, timestamp: TS, nonce: NONCE, bodyDigest })),
    ['stringToSign: uppercase digest', () => api.openBodySig.stringToSign({ appId: APP_ID, timestamp: TS, nonce: NONCE, bodyDigest: GOOD.bodyDigest.toUpperCase() }), 'ERR_FIELD_FORMAT', 'bodyDigest'],
    ['stringToSign: short digest', () => api.openBodySig.stringToSign({ appId: APP_ID, timestamp: TS, nonce: NONCE, bodyDigest: 'abc' }), 'ERR_FIELD_FORMAT', 'bodyDigest'],
    ['stringToSign: bad timestamp', () => api.openBodySig.stringToSign({ appId: APP_ID, timestamp: 'x', nonce: NONCE, bodyDigest: GOOD.bodyDigest }), 'ERR_FIELD_FORMAT', 'timestamp'],
    ['stringToSign: appId missing', () => api.openBodySig.stringToSign({ timestamp: TS, nonce: NONCE, bodyDigest: GOOD.bodyDigest }), 'ERR_FIELD_REQUIRED', 'appId'],
  ],
  'openBodySig.computeSignature': [
    ...NOT_OBJECTS.map((value) => [`openBodySig.computeSignature(${describe(value)})`, () => api.openBodySig.computeSignature(value), notObjectCode(value), null]),
    ...stringArgCases('computeSignature', 'appKey', (appKey) => api.openBodySig.computeSignature({ appKey, stringToSign: 'x' })),
    ...stringArgCases('computeSignature', 'stringToSign', (stringToSign) => api.openBodySig.computeSignature({ appKey: KEY, stringToSign })),
    ['computeSignature: appKey empty', () => api.openBodySig.computeSignature({ appKey: '', stringToSign: 'x' }), 'ERR_FIELD_REQUIRED', 'appKey'],
  ],
  'openBodySig.authorizationHeader': [
    ...NOT_OBJECTS.map((value) => [`openBodySig.authorizationHeader(${describe(value)})`, () => api.openBodySig.authorizationHeader(value), notObjectCode(value), null]),
    ...stringArgCases('authorizationHeader', 'signature', (signature) => api.openBodySig.authorizationHeader({ appId: APP_ID, timestamp: TS, nonce: NONCE, signature })),
    ['authorizationHeader: signature not Base64', () => api.openBodySig.authorizationHeader({ appId: APP_ID, timestamp: TS, nonce: NONCE, signature: 'abc' }), 'ERR_FIELD_FORMAT', 'signature'],
    ['authorizationHeader: quote injection in appId', () => api.openBodySig.authorizationHeader({ appId: 'a", Nonce="x', timestamp: TS, nonce: NONCE, signature: GOOD.signature }), 'ERR_FIELD_FORMAT', 'appId'],
    ['authorizationHeader: nonce huge', () => api.openBodySig.authorizationHeader({ appId: APP_ID, timestamp: TS, nonce: HUGE, signature: GOOD.signature }), 'ERR_FIELD_LENGTH', 'nonce'],
  ],
  beijingTime: [
    ['beijingTime()', () => api.beijingTime(), 'ERR_FIELD_REQUIRED', 'epochMs'],
    ['beijingTime(null)', () => api.beijingTime(null), 'ERR_FIELD_REQUIRED', 'epochMs'],
    ['beijingTime("now")', () => api.beijingTime('now'), 'ERR_FIELD_TYPE', 'epochMs'],
    ['beijingTime(10n)', () => api.beijingTime(10n), 'ERR_FIELD_TYPE', 'epochMs'],
    ['beijingTime(NaN)', () => api.beijingTime(NaN), 'ERR_FIELD_FORMAT', 'epochMs'],
    ['beijingTime(-Infinity)', () => api.beijingTime(-Infinity), 'ERR_FIELD_FORMAT', 'epochMs'],
    ['beijingTime(1e20)', () => api.beijingTime(1e20), 'ERR_FIELD_FORMAT', 'epochMs'],
    ['beijingTime(year 0)', () => api.beijingTime(-62_200_000_000_000), 'ERR_FIELD_FORMAT', 'epochMs'],
    ['beijingTime(invalid Date)', () => api.beijingTime(new Date('nope')), 'ERR_FIELD_FORMAT', 'epochMs'],
  ],
  'bills.preauthCancel.validate': [
    ...BAD_INPUTS.map(([input, code, field]) => [`bills.preauthCancel.validate(${describe(input)})`, () => api.bills.preauthCancel.validate(input), code, field]),
    // Checked as build uses it (defaults filled) unless applyDefaults: false.
    ['bills.preauthCancel.validate({})', () => api.bills.preauthCancel.validate({}), 'ERR_FIELD_REQUIRED', 'mid'],
    ['bills.preauthCancel.validate({}, { applyDefaults: false })', () => api.bills.preauthCancel.validate({}, { applyDefaults: false }), 'ERR_FIELD_REQUIRED', 'requestTimestamp'],
    ['bills.preauthCancel.validate: options an array', () => api.bills.preauthCancel.validate(V1_INPUT, []), 'ERR_FIELD_TYPE', null],
    ['bills.preauthCancel.validate: applyDefaults "no"', () => api.bills.preauthCancel.validate(V1_INPUT, { applyDefaults: 'no' }), 'ERR_FIELD_TYPE', 'applyDefaults'],
    ['bills.preauthCancel.validate: options a string', () => api.bills.preauthCancel.validate(V1_INPUT, 'strict'), 'ERR_FIELD_TYPE', null],
    ['bills.preauthCancel.validate: msgSrcId a number', () => api.bills.preauthCancel.validate(V1_INPUT, { msgSrcId: 3194 }), 'ERR_FIELD_TYPE', 'msgSrcId'],
    ['bills.preauthCancel.validate: msgSrcId lone surrogate', () => api.bills.preauthCancel.validate(V1_INPUT, { msgSrcId: LONE_HIGH }), 'ERR_BODY_ENCODING', 'msgSrcId'],
    ['bills.preauthCancel.validate: msgSrcId wrong shape', () => api.bills.preauthCancel.validate(V1_INPUT, { msgSrcId: '31' }), 'ERR_FIELD_FORMAT', 'msgSrcId'],
    ['bills.preauthCancel.validate: allowUnknownFields "yes"', () => api.bills.preauthCancel.validate(V1_INPUT, { allowUnknownFields: 'yes' }), 'ERR_FIELD_TYPE', 'allowUnknownFields'],
    ['bills.preauthCancel.validate: maxBodyBytes negative', () => api.bills.preauthCancel.validate(V1_INPUT, { maxBodyBytes: -5 }), 'ERR_FIELD_FORMAT', 'maxBodyBytes'],
    ['bills.preauthCancel.validate: maxBodyBytes too small', () => api.bills.preauthCancel.validate(V1_INPUT, { maxBodyBytes: 10 }), 'ERR_BODY_TOO_LARGE', 'input'],
  ],
  'bills.preauthCancel.build': [
    ...BAD_INPUTS.map(([input, code, field]) => [`bills.preauthCancel.build(${describe(input)})`, () => build(input), code, field]),
    ['bills.preauthCancel.build({})', () => build({}), 'ERR_FIELD_REQUIRED', 'mid'],
    ['bills.preauthCancel.build: options a string', () => api.bills.preauthCancel.build(V1_INPUT, 'test'), 'ERR_FIELD_TYPE', null],
    ['bills.preauthCancel.build: no env nor baseUrl', () => api.bills.preauthCancel.build(V1_INPUT, {}), 'ERR_FIELD_REQUIRED', 'env'],
    ['bills.preauthCancel.build: env "prod"', () => build(V1_INPUT, { env: 'prod' }), 'ERR_FIELD_FORMAT', 'env'],
    ['bills.preauthCancel.build: env lone surrogate', () => build(V1_INPUT, { env: LONE_LOW }), 'ERR_BODY_ENCODING', 'env'],
    ['bills.preauthCancel.build: baseUrl ftp', () => build(V1_INPUT, { baseUrl: 'ftp://x' }), 'ERR_FIELD_FORMAT', 'baseUrl'],
    ['bills.preauthCancel.build: baseUrl with CRLF', () => build(V1_INPUT, { baseUrl: 'http://x\r\nHost: evil' }), 'ERR_FIELD_FORMAT', 'baseUrl'],
    ['bills.preauthCancel.build: baseUrl a URL object', () => build(V1_INPUT, { baseUrl: new URL('http://x') }), 'ERR_FIELD_TYPE', 'baseUrl'],
    ['bills.preauthCancel.build: now a string', () => build({ ...V1_INPUT, requestTimestamp: undefined }, { now: '2025' }), 'ERR_FIELD_TYPE', 'now'],
    ['bills.preauthCancel.build: now NaN', () => build(V1_INPUT, { now: NaN }), 'ERR_FIELD_FORMAT', 'now'],
    ['bills.preauthCancel.build: msgSrcId mismatch', () => build(V1_INPUT, { msgSrcId: '9999' }), 'ERR_FIELD_PREFIX', 'billNo'],
    ['bills.preauthCancel.build: maxBodyBytes a string', () => build(V1_INPUT, { maxBodyBytes: '1mb' }), 'ERR_FIELD_TYPE', 'maxBodyBytes'],
  ],
  signRequest: [
    ['signRequest(null, credentials)', () => api.signRequest(null, { appId: APP_ID, appKey: KEY }), 'ERR_FIELD_TYPE', 'request'],
    ['signRequest(request, null)', () => api.signRequest({ body: BODY }, null), 'ERR_FIELD_TYPE', null],
    ['signRequest: headers a string', () => api.signRequest({ body: BODY, headers: 'x' }, { appId: APP_ID, appKey: KEY }), 'ERR_FIELD_TYPE', 'headers'],
    ['signRequest: body missing', () => api.signRequest({}, { appId: APP_ID, appKey: KEY }), 'ERR_FIELD_REQUIRED', 'body'],
    ['signRequest: body an object', () => api.signRequest({ body: { a: 1 } }, { appId: APP_ID, appKey: KEY }), 'ERR_FIELD_TYPE', 'body'],
    ['signRequest: appKey missing', () => api.signRequest({ body: BODY }, { appId: APP_ID }), 'ERR_FIELD_REQUIRED', 'appKey'],
    ['signRequest: appKey lone surrogate', () => api.signRequest({ body: BODY }, { appId: APP_ID, appKey: `${KEY}\uD800` }), 'ERR_BODY_ENCODING', 'appKey'],
    ['signRequest: nonce bad', () => api.signRequest({ body: BODY }, { appId: APP_ID, appKey: KEY, nonce: 'a b' }), 'ERR_FIELD_FORMAT', 'nonce'],
    ['signRequest: body over maxBodyBytes', () => api.signRequest({ body: BODY }, { appId: APP_ID, appKey: KEY, maxBodyBytes: 1 }), 'ERR_BODY_TOO_LARGE', 'body'],
  ],
  'bills.preauthCancel.parseResponse': [
    ...BAD_RESPONSES.map(([text, code, field]) => [`bills.preauthCancel.parseResponse(${describe(text)})`, () => api.bills.preauthCancel.parseResponse(text), code, field]),
    ['bills.preauthCancel.parseResponse: options a number', () => api.bills.preauthCancel.parseResponse('{"errCode":"SUCCESS"}', 5), 'ERR_FIELD_TYPE', null],
    ['bills.preauthCancel.parseResponse: maxBodyBytes too small', () => api.bills.preauthCancel.parseResponse('{"errCode":"SUCCESS"}', { maxBodyBytes: 5 }), 'ERR_BODY_TOO_LARGE', 'text'],
  ],
};

const TOKEN_OK = '{"errCode":"0000","accessToken":"tok","expiresIn":3600}';
const tokenRequest = (over) => api.accessToken.request({ appId: APP_ID, appKey: KEY, env: 'test', ...over });
const formUrl = (over) =>
  api.formParamUrl({ appId: APP_ID, appKey: KEY, url: 'https://test-api-open.chinaums.com/v1/netpay/trade/h5-pay', content: '{}', ...over });
const verifyResponse = (over) => api.verifyResponseSignature({ authorization: GOOD.authorization, body: BODY, appKey: KEY, now: TS_MS, ...over });
const client = (over) => new api.ChinaumsClient({ appId: APP_ID, appKey: KEY, env: 'test', fetch: async () => { throw new Error('not sent'); }, ...over });

/** Malformed notifications, with what every reader of one must report (`false` for verify). */
const BAD_NOTIFICATIONS = [
  [42, 'ERR_FIELD_TYPE', 'params'],
  [null, 'ERR_FIELD_TYPE', 'params'],
  [['a=1'], 'ERR_FIELD_TYPE', 'params'],
  ['a=%zz', 'ERR_BODY_ENCODING', 'body'],
  ['a=%E6%B5', 'ERR_BODY_ENCODING', 'body'],
  ['=1', 'ERR_BODY_ENCODING', 'body'],
  ['a=1&a=2', 'ERR_DUPLICATE_FIELD', 'a'],
  [LONE_HIGH, 'ERR_BODY_ENCODING', 'params'],
  [{ a: REVERSED_PAIR }, 'ERR_BODY_ENCODING', 'params'],
  [new Uint8Array([0x61, 0x3d, 0xff]), 'ERR_BODY_ENCODING', 'params'],
  [HUGE, 'ERR_BODY_TOO_LARGE', 'params'],
];

/** The operations besides preauthCancel (whose cases are above). */
const OTHER_OPS = Object.keys(api.bills).filter((op) => op !== 'preauthCancel');
/** A valid input of each operation, for the cases about options. */
const SIGNABLE = {
  preauthCancel: V1_INPUT,
  preauthed: { mid: '898201612345678', tid: '88880001', billNo: '3194202501020304050001', billDate: '2025-01-02', authedOrderId: '31942025010203040500011', authIdRespCd: '000665', totalAmount: 2100 },
  preauthedCancel: { mid: '898201612345678', tid: '88880001', merOrderId: '31942025010203040500011' },
  query: { mid: '898201612345678', tid: '88880001', billNo: '3194202501020304050001', billDate: '2025-01-02' },
  getQrcode: { mid: '898201612345678', tid: '88880001', billNo: '3194202501020304050001', billDate: '2025-01-02', totalAmount: 2100 },
  closeQrcode: { mid: '898201612345678', tid: '88880001', qrCodeId: '3194QR000001' },
  refund: { mid: '898201612345678', tid: '88880001', billNo: '3194202501020304050001', billDate: '2025-01-02', refundAmount: 500, refundOrderId: '3194R00001' },
};

/** More malformed cases, for the rest of the protocol (token, form URL, notifications, …). */
Object.assign(MALFORMED, {
  ...Object.fromEntries(
    OTHER_OPS.flatMap((op) => [
      [
        `bills.${op}.validate`,
        [
          ...GENERIC_BAD_INPUTS.map(([input, code, field]) => [`bills.${op}.validate(${describe(input)})`, () => api.bills[op].validate(input), code, field]),
          // Defaults filled by default: the first field that has none is mid.
          [`bills.${op}.validate({})`, () => api.bills[op].validate({}), 'ERR_FIELD_REQUIRED', 'mid'],
          [`bills.${op}.validate({}, { applyDefaults: false })`, () => api.bills[op].validate({}, { applyDefaults: false }), 'ERR_FIELD_REQUIRED', 'requestTimestamp'],
          [`bills.${op}.validate: maxBodyBytes "big"`, () => api.bills[op].validate({}, { maxBodyBytes: 'big' }), 'ERR_FIELD_TYPE', 'maxBodyBytes'],
        ],
      ],
      [
        `bills.${op}.build`,
        [
          ...GENERIC_BAD_INPUTS.map(([input, code, field]) => [`bills.${op}.build(${describe(input)})`, () => api.bills[op].build(input, { env: 'test', now: TS_MS }), code, field]),
          [`bills.${op}.build({})`, () => api.bills[op].build({}, { env: 'test' }), 'ERR_FIELD_REQUIRED', 'mid'],
          [`bills.${op}.build: no env`, () => api.bills[op].build({}, {}), 'ERR_FIELD_REQUIRED', 'env'],
          [`bills.${op}.build: options a number`, () => api.bills[op].build({}, 7), 'ERR_FIELD_TYPE', null],
          [`bills.${op}.build: options an array`, () => api.bills[op].build({}, []), 'ERR_FIELD_TYPE', null],
        ],
      ],
      [
        `bills.${op}.parseResponse`,
        [
          ...BAD_RESPONSES.map(([text, code, field]) => [`bills.${op}.parseResponse(${describe(text)})`, () => api.bills[op].parseResponse(text), code, field]),
          [`bills.${op}.parseResponse: maxBodyBytes too small`, () => api.bills[op].parseResponse('{"errCode":"SUCCESS"}', { maxBodyBytes: 3 }), 'ERR_BODY_TOO_LARGE', 'text'],
        ],
      ],
      [
        `bills.${op}.preview`,
        [
          ...GENERIC_BAD_INPUTS.map(([input, code, field]) => [`bills.${op}.preview(${describe(input)})`, () => api.bills[op].preview(input, { env: 'test', appId: APP_ID, now: TS_MS }), code, field]),
          [`bills.${op}.preview({})`, () => api.bills[op].preview({}, { env: 'test', appId: APP_ID }), 'ERR_FIELD_REQUIRED', 'mid'],
          [`bills.${op}.preview: no env`, () => api.bills[op].preview({}, { appId: APP_ID }), 'ERR_FIELD_REQUIRED', 'env', 'throws'],
          [`bills.${op}.preview: no appId`, () => api.bills[op].preview({}, { env: 'test' }), 'ERR_FIELD_REQUIRED', 'appId', 'throws'],
          [`bills.${op}.preview: options an array`, () => api.bills[op].preview({}, []), 'ERR_FIELD_TYPE', null, 'throws'],
        ],
      ],
    ]),
  ),
  ...Object.fromEntries(
    Object.keys(api.bills).map((op) => [
      `bills.${op}.sign`,
      [
        ...GENERIC_BAD_INPUTS.map(([input, code, field]) => [`bills.${op}.sign(${describe(input)})`, () => api.bills[op].sign(input, { env: 'test', now: TS_MS, appId: APP_ID, appKey: KEY }), code, field]),
        [`bills.${op}.sign({})`, () => api.bills[op].sign({}, { env: 'test', appId: APP_ID, appKey: KEY }), 'ERR_FIELD_REQUIRED', 'mid'],
        [`bills.${op}.sign: no options`, () => api.bills[op].sign({}), 'ERR_FIELD_REQUIRED', null],
        [`bills.${op}.sign: options an array`, () => api.bills[op].sign({}, []), 'ERR_FIELD_TYPE', null],
        [`bills.${op}.sign: no appKey`, () => api.bills[op].sign(SIGNABLE[op], { env: 'test', appId: APP_ID }), 'ERR_FIELD_REQUIRED', 'appKey'],
        [`bills.${op}.sign: appKey empty`, () => api.bills[op].sign(SIGNABLE[op], { env: 'test', appId: APP_ID, appKey: '' }), 'ERR_FIELD_REQUIRED', 'appKey'],
        [`bills.${op}.sign: appKey lone surrogate`, () => api.bills[op].sign(SIGNABLE[op], { env: 'test', appId: APP_ID, appKey: `${KEY}\uD800` }), 'ERR_BODY_ENCODING', 'appKey'],
        [`bills.${op}.sign: nonce bad`, () => api.bills[op].sign(SIGNABLE[op], { env: 'test', appId: APP_ID, appKey: KEY, nonce: 'a b' }), 'ERR_FIELD_FORMAT', 'nonce'],
        [`bills.${op}.sign: signer not an OpenBodySigner`, () => api.bills[op].sign(SIGNABLE[op], { env: 'test', signer: { appId: APP_ID, appKey: KEY } }), 'ERR_FIELD_TYPE', 'signer'],
        [
          `bills.${op}.sign: signer freed`,
          () => {
            const s = signer();
            s.free();
            return api.bills[op].sign(SIGNABLE[op], { env: 'test', signer: s });
          },
          'ERR_SIGNER_FREED',
          null,
        ],
        [`bills.${op}.sign: no env`, () => api.bills[op].sign(SIGNABLE[op], { appId: APP_ID, appKey: KEY }), 'ERR_FIELD_REQUIRED', 'env'],
      ],
    ]),
  ),
  buildRequest: [
    ...NOT_STRINGS.map(([value, code]) => [`buildRequest(path ${describe(value)})`, () => api.buildRequest(value, {}, { env: 'test' }), code, 'path']),
    ['buildRequest: path path traversal', () => api.buildRequest('../token', {}, { env: 'test' }), 'ERR_FIELD_FORMAT', 'path'],
    ['buildRequest: path huge', () => api.buildRequest(HUGE, {}, { env: 'test' }), 'ERR_FIELD_FORMAT', 'path'],
    ['buildRequest: path lone surrogate', () => api.buildRequest(LONE_LOW, {}, { env: 'test' }), 'ERR_BODY_ENCODING', 'path'],
    ['buildRequest: body not JSON', () => api.buildRequest('refund', 'nope', { env: 'test' }), 'ERR_INVALID_JSON', null],
    ['buildRequest: body an array', () => api.buildRequest('refund', [], { env: 'test' }), 'ERR_FIELD_TYPE', null],
    ['buildRequest: body huge', () => api.buildRequest('refund', HUGE, { env: 'test' }), 'ERR_BODY_TOO_LARGE', 'input'],
    ['buildRequest: body with a lone surrogate', () => api.buildRequest('refund', { note: LONE_HIGH }, { env: 'test' }), 'ERR_BODY_ENCODING', 'note'],
    ['buildRequest: no env', () => api.buildRequest('refund', {}, {}), 'ERR_FIELD_REQUIRED', 'env'],
    ['buildRequest: options a string', () => api.buildRequest('refund', {}, 'test'), 'ERR_FIELD_TYPE', null],
    ['buildRequest: path with ..', () => api.buildRequest('/v1/netpay/../token', {}, { env: 'test' }), 'ERR_FIELD_FORMAT', 'path'],
    ['buildRequest: path to another host', () => api.buildRequest('//evil.example/v1/x', {}, { env: 'test' }), 'ERR_FIELD_FORMAT', 'path'],
    ['buildRequest: contentType text/plain', () => api.buildRequest('refund', {}, { env: 'test', contentType: 'text/plain' }), 'ERR_FIELD_FORMAT', 'contentType'],
    ['buildRequest: contentType a number', () => api.buildRequest('refund', {}, { env: 'test', contentType: 1 }), 'ERR_FIELD_TYPE', 'contentType'],
  ],
  explainSignature: [
    ...NOT_OBJECTS.map((value) => [`explainSignature(${describe(value)})`, () => api.explainSignature(value), notObjectCode(value), null]),
    ...BAD_HEADERS.filter(([value]) => value !== '').map(([value, code]) => [`explainSignature: header ${describe(value)}`, () => api.explainSignature({ authorization: value, body: BODY }), code, 'authorization']),
    ...stringArgCases('explainSignature', 'appKey', (appKey) => api.explainSignature({ authorization: GOOD.authorization, body: BODY, appKey })).filter(([, , code]) => code !== 'ERR_FIELD_REQUIRED'),
    ['explainSignature: body missing', () => api.explainSignature({ authorization: GOOD.authorization }), 'ERR_FIELD_REQUIRED', 'body'],
    ['explainSignature: body an object', () => api.explainSignature({ authorization: GOOD.authorization, body: { a: 1 } }), 'ERR_FIELD_TYPE', 'body'],
    ['explainSignature: body lone surrogate', () => api.explainSignature({ authorization: GOOD.authorization, body: LONE_HIGH }), 'ERR_BODY_ENCODING', 'body'],
    ['explainSignature: body huge', () => api.explainSignature({ authorization: GOOD.authorization, body: new Uint8Array(2 << 20) }), 'ERR_BODY_TOO_LARGE', 'body'],
    ['explainSignature: neither a header nor its parts', () => api.explainSignature({ body: BODY }), 'ERR_FIELD_REQUIRED', 'appId'],
    ['explainSignature: parts without a nonce', () => api.explainSignature({ body: BODY, appId: APP_ID, timestamp: TS }), 'ERR_FIELD_REQUIRED', 'nonce'],
    ['explainSignature: timestamp not a time', () => api.explainSignature({ body: BODY, appId: APP_ID, timestamp: '2025', nonce: NONCE }), 'ERR_FIELD_FORMAT', 'timestamp'],
    ['explainSignature: appId with a quote', () => api.explainSignature({ body: BODY, appId: 'a"b', timestamp: TS, nonce: NONCE }), 'ERR_FIELD_FORMAT', 'appId'],
  ],
  ChinaumsClient: [
    ...NOT_OBJECTS.map((value) => [`new ChinaumsClient(${describe(value)})`, () => new api.ChinaumsClient(value), notObjectCode(value), null]),
    ...stringArgCases('ChinaumsClient', 'appKey', (appKey) => client({ appKey })),
    ['ChinaumsClient: no env or baseUrl', () => client({ env: undefined }), 'ERR_FIELD_REQUIRED', 'env'],
    ['ChinaumsClient: baseUrl not http', () => client({ baseUrl: 'ftp://x' }), 'ERR_FIELD_FORMAT', 'baseUrl'],
    ['ChinaumsClient: fetch a string', () => client({ fetch: 'fetch' }), 'ERR_FIELD_TYPE', 'fetch'],
    ['ChinaumsClient: timeoutMs 0', () => client({ timeoutMs: 0 }), 'ERR_FIELD_FORMAT', 'timeoutMs'],
    ['ChinaumsClient: timeoutMs NaN', () => client({ timeoutMs: NaN }), 'ERR_FIELD_FORMAT', 'timeoutMs'],
    ['ChinaumsClient: timeoutMs a string', () => client({ timeoutMs: '1000' }), 'ERR_FIELD_TYPE', 'timeoutMs'],
    ['ChinaumsClient: retry a number', () => client({ retry: 3 }), 'ERR_FIELD_TYPE', null],
    ['ChinaumsClient: retry.attempts 1', () => client({ retry: { attempts: 1 } }), 'ERR_FIELD_FORMAT', 'retry.attempts'],
    ['ChinaumsClient: retry.attempts 2.5', () => client({ retry: { attempts: 2.5 } }), 'ERR_FIELD_FORMAT', 'retry.attempts'],
    ['ChinaumsClient: retry delays reversed', () => client({ retry: { baseDelayMs: 500, maxDelayMs: 100 } }), 'ERR_FIELD_FORMAT', 'retry.maxDelayMs'],
    ['ChinaumsClient: sleep not a function', () => client({ sleep: 5 }), 'ERR_FIELD_TYPE', 'sleep'],
    ['ChinaumsClient: random not a function', () => client({ random: 0.5 }), 'ERR_FIELD_TYPE', 'random'],
    ['ChinaumsClient: contentType odd', () => client({ contentType: 'application/xml' }), 'ERR_FIELD_FORMAT', 'contentType'],
  ],
  'accessToken.request': [
    ...NOT_OBJECTS.map((value) => [`accessToken.request(${describe(value)})`, () => api.accessToken.request(value), notObjectCode(value), null]),
    ...stringArgCases('accessToken.request', 'appId', (appId) => tokenRequest({ appId })),
    ...stringArgCases('accessToken.request', 'appKey', (appKey) => tokenRequest({ appKey })),
    ['accessToken.request: appKey empty', () => tokenRequest({ appKey: '' }), 'ERR_FIELD_REQUIRED', 'appKey'],
    ['accessToken.request: no env', () => tokenRequest({ env: undefined }), 'ERR_FIELD_REQUIRED', 'env'],
    ['accessToken.request: env "prod"', () => tokenRequest({ env: 'prod' }), 'ERR_FIELD_FORMAT', 'env'],
    ['accessToken.request: timestamp bad', () => tokenRequest({ timestamp: '2025' }), 'ERR_FIELD_FORMAT', 'timestamp'],
    ['accessToken.request: nonce huge', () => tokenRequest({ nonce: HUGE }), 'ERR_FIELD_LENGTH', 'nonce'],
    ['accessToken.request: clockOffsetMs a string', () => tokenRequest({ clockOffsetMs: '5' }), 'ERR_FIELD_TYPE', 'clockOffsetMs'],
  ],
  'accessToken.parseResponse': [
    ['accessToken.parseResponse()', () => api.accessToken.parseResponse(), 'ERR_FIELD_REQUIRED', 'text'],
    ['accessToken.parseResponse(42)', () => api.accessToken.parseResponse(42), 'ERR_FIELD_TYPE', 'text'],
    ['accessToken.parseResponse: not JSON', () => api.accessToken.parseResponse('<html>'), 'ERR_INVALID_JSON', null],
    ['accessToken.parseResponse: refused', () => api.accessToken.parseResponse('{"errCode":"1000","errInfo":"认证失败"}'), 'ERR_PLATFORM', null],
    ['accessToken.parseResponse: no token', () => api.accessToken.parseResponse('{"errCode":"0000"}'), 'ERR_INVALID_RESPONSE', 'accessToken'],
    ['accessToken.parseResponse: lone surrogate', () => api.accessToken.parseResponse(LONE_HIGH), 'ERR_BODY_ENCODING', 'text'],
    ['accessToken.parseResponse: bytes not UTF-8', () => api.accessToken.parseResponse(new Uint8Array([0xff])), 'ERR_BODY_ENCODING', 'text'],
    ['accessToken.parseResponse: huge', () => api.accessToken.parseResponse(HUGE), 'ERR_BODY_TOO_LARGE', 'text'],
    ['accessToken.parseResponse: now a string', () => api.accessToken.parseResponse(TOKEN_OK, { now: 'now' }), 'ERR_FIELD_TYPE', 'now'],
  ],
  'accessToken.authorization': [
    // Objects are read as parsed token responses (their accessToken): see the last case.
    ...stringArgCases('accessToken.authorization', 'accessToken', (token) => api.accessToken.authorization(token), { objectsAreRead: true }),
    ['accessToken.authorization: a space', () => api.accessToken.authorization('a b'), 'ERR_FIELD_FORMAT', 'accessToken'],
    ['accessToken.authorization: huge', () => api.accessToken.authorization(HUGE), 'ERR_FIELD_FORMAT', 'accessToken'],
    ['accessToken.authorization: object without a token', () => api.accessToken.authorization({ expiresIn: 1 }), 'ERR_FIELD_REQUIRED', 'accessToken'],
  ],
  AccessTokenHolder: [
    ['new AccessTokenHolder("x")', () => new AccessTokenHolder('x'), 'ERR_FIELD_TYPE', null],
    ['AccessTokenHolder: marginSeconds negative', () => new AccessTokenHolder({ marginSeconds: -1 }), 'ERR_FIELD_FORMAT', 'marginSeconds'],
    ['AccessTokenHolder: marginSeconds a string', () => new AccessTokenHolder({ marginSeconds: '300' }), 'ERR_FIELD_TYPE', 'marginSeconds'],
    ['update(null)', () => new AccessTokenHolder().update(null), 'ERR_FIELD_TYPE', 'token'],
    ['update: accessToken a number', () => new AccessTokenHolder().update({ accessToken: 5, expiresIn: 1, expiresAt: 1 }), 'ERR_FIELD_TYPE', 'accessToken'],
    ['update: accessToken with a space', () => new AccessTokenHolder().update({ accessToken: 'a b', expiresIn: 1, expiresAt: 1 }), 'ERR_FIELD_FORMAT', 'accessToken'],
    ['update: accessToken lone surrogate', () => new AccessTokenHolder().update({ accessToken: LONE_LOW, expiresIn: 1, expiresAt: 1 }), 'ERR_BODY_ENCODING', 'accessToken'],
    ['update: expiresIn a string', () => new AccessTokenHolder().update({ accessToken: 't', expiresIn: '1', expiresAt: 1 }), 'ERR_FIELD_TYPE', 'expiresIn'],
    ['update: expiresIn fractional', () => new AccessTokenHolder().update({ accessToken: 't', expiresIn: 1.5, expiresAt: 1e12 }), 'ERR_FIELD_FORMAT', 'expiresIn'],
    ['update: expiresAt NaN', () => new AccessTokenHolder().update({ accessToken: 't', expiresIn: 1, expiresAt: NaN }), 'ERR_FIELD_FORMAT', 'expiresAt'],
    ['authorization() with no token', () => new AccessTokenHolder().authorization(TS_MS), 'ERR_TOKEN_EXPIRED', 'accessToken'],
    ['needsRefresh("now")', () => new AccessTokenHolder().needsRefresh('now'), 'ERR_FIELD_TYPE', 'now'],
  ],
  formParamUrl: [
    ...NOT_OBJECTS.map((value) => [`formParamUrl(${describe(value)})`, () => api.formParamUrl(value), notObjectCode(value), null]),
    ...stringArgCases('formParamUrl', 'appKey', (appKey) => formUrl({ appKey })),
    ...stringArgCases('formParamUrl', 'url', (url) => formUrl({ url })),
    ['formParamUrl: url ftp', () => formUrl({ url: 'ftp://x/y' }), 'ERR_FIELD_FORMAT', 'url'],
    ['formParamUrl: url with a query', () => formUrl({ url: 'https://x/y?a=1' }), 'ERR_FIELD_FORMAT', 'url'],
    ['formParamUrl: content a number', () => formUrl({ content: 5 }), 'ERR_FIELD_TYPE', 'content'],
    ['formParamUrl: content lone surrogate', () => formUrl({ content: LONE_HIGH }), 'ERR_BODY_ENCODING', 'content'],
    ['formParamUrl: content huge', () => formUrl({ content: 'x'.repeat(2_000_000) }), 'ERR_BODY_TOO_LARGE', 'content'],
    ['formParamUrl: appId with a comma', () => formUrl({ appId: 'a,b' }), 'ERR_FIELD_FORMAT', 'appId'],
  ],
  'notifications.verify': [
    // A notification that cannot be the platform's is simply not verified: false, not thrown.
    ...BAD_NOTIFICATIONS.filter(([params]) => typeof params === 'string' || params instanceof Uint8Array || (params && typeof params === 'object' && !Array.isArray(params))).map(([params]) => [
      `notifications.verify(${describe(params)})`,
      () => api.notifications.verify(params, NOTIFY_KEY),
      false,
    ]),
    ['notifications.verify: unsigned', () => api.notifications.verify('a=1', NOTIFY_KEY), false],
    ['notifications.verify: a forged sign', () => api.notifications.verify(`a=1&sign=${'A'.repeat(32)}`, NOTIFY_KEY), false],
    ['notifications.verify: params a number', () => api.notifications.verify(42, NOTIFY_KEY), 'ERR_FIELD_TYPE', 'params'],
    ...stringArgCases('notifications.verify', 'communicationKey', (key) => api.notifications.verify('a=1', key)),
    ['notifications.verify: key empty', () => api.notifications.verify('a=1', ''), 'ERR_FIELD_REQUIRED', 'communicationKey'],
    ['notifications.verify: defaultSignType SHA1', () => api.notifications.verify('a=1', NOTIFY_KEY, { defaultSignType: 'SHA1' }), 'ERR_FIELD_FORMAT', 'defaultSignType'],
    ['notifications.verify: options a string', () => api.notifications.verify('a=1', NOTIFY_KEY, 'MD5'), 'ERR_FIELD_TYPE', null],
    ['notifications.verify: whitespaceIsEmpty "true"', () => api.notifications.verify('a=1', NOTIFY_KEY, { whitespaceIsEmpty: 'true' }), 'ERR_FIELD_TYPE', 'whitespaceIsEmpty'],
  ],
  'notifications.parse': [
    ...BAD_NOTIFICATIONS.map(([params, code, field]) => [`notifications.parse(${describe(params)})`, () => api.notifications.parse(params), code, field]),
    ['notifications.parse: billPayment not JSON', () => api.notifications.parse('billPayment=%7Bnope'), 'ERR_INVALID_RESPONSE', 'billPayment'],
  ],
  'notifications.sign': [
    ...BAD_NOTIFICATIONS.map(([params, code, field]) => [`notifications.sign(${describe(params)})`, () => api.notifications.sign(params, NOTIFY_KEY), code, field]),
    ...stringArgCases('notifications.sign', 'communicationKey', (key) => api.notifications.sign('a=1', key)),
    ['notifications.sign: signType SHA1', () => api.notifications.sign('a=1', NOTIFY_KEY, { signType: 'SHA1' }), 'ERR_FIELD_FORMAT', 'signType'],
  ],
  'notifications.stringToSign': [
    ...BAD_NOTIFICATIONS.map(([params, code, field]) => [`notifications.stringToSign(${describe(params)})`, () => api.notifications.stringToSign(params), code, field]),
    ['notifications.stringToSign: keepEmptyValues "yes"', () => api.notifications.stringToSign('a=1', { keepEmptyValues: 'yes' }), 'ERR_FIELD_TYPE', 'keepEmptyValues'],
    ['notifications.stringToSign: excludeSignType 1', () => api.notifications.stringToSign('a=1', { excludeSignType: 1 }), 'ERR_FIELD_TYPE', 'excludeSignType'],
    ['notifications.stringToSign: options a string', () => api.notifications.stringToSign('a=1', 'keep'), 'ERR_FIELD_TYPE', null],
  ],
  verifyResponseSignature: [
    ...NOT_OBJECTS.map((value) => [`verifyResponseSignature(${describe(value)})`, () => api.verifyResponseSignature(value), notObjectCode(value), null]),
    ...BAD_HEADERS.filter(([value]) => value !== '').map(([value, code]) => [`verifyResponseSignature: header ${describe(value)}`, () => verifyResponse({ authorization: value }), code, 'authorization']),
    ...stringArgCases('verifyResponseSignature', 'appKey', (appKey) => verifyResponse({ appKey })),
    ['verifyResponseSignature: no headers', () => api.verifyResponseSignature({ body: BODY, appKey: KEY }), 'ERR_FIELD_REQUIRED', 'headers'],
    ['verifyResponseSignature: two Authorization headers', () => api.verifyResponseSignature({ body: BODY, appKey: KEY, headers: { Authorization: 'a', authorization: 'b' } }), 'ERR_AUTH_HEADER', 'authorization'],
    ['verifyResponseSignature: another body', () => verifyResponse({ body: `${BODY} ` }), 'ERR_SIGNATURE_MISMATCH', 'signature'],
    ['verifyResponseSignature: body huge', () => verifyResponse({ body: new Uint8Array(2 << 20) }), 'ERR_BODY_TOO_LARGE', 'body'],
    ['verifyResponseSignature: too late', () => verifyResponse({ now: TS_MS + 400_000 }), 'ERR_TIMESTAMP_SKEW', 'timestamp'],
    ['verifyResponseSignature: toleranceSeconds a string', () => verifyResponse({ toleranceSeconds: '300' }), 'ERR_FIELD_TYPE', 'toleranceSeconds'],
  ],
  clockOffsetFromResponse: [
    ['clockOffsetFromResponse()', () => api.clockOffsetFromResponse(), 'ERR_FIELD_REQUIRED', 'responseTimestamp'],
    ['clockOffsetFromResponse(42)', () => api.clockOffsetFromResponse(42), 'ERR_FIELD_TYPE', 'responseTimestamp'],
    ['clockOffsetFromResponse("yesterday")', () => api.clockOffsetFromResponse('yesterday'), 'ERR_FIELD_FORMAT', 'responseTimestamp'],
    ['clockOffsetFromResponse(huge)', () => api.clockOffsetFromResponse(HUGE), 'ERR_FIELD_FORMAT', 'responseTimestamp'],
    ['clockOffsetFromResponse(lone surrogate)', () => api.clockOffsetFromResponse(LONE_HIGH), 'ERR_BODY_ENCODING', 'responseTimestamp'],
    ['clockOffsetFromResponse({ responseTimestamp: 5 })', () => api.clockOffsetFromResponse({ responseTimestamp: 5 }), 'ERR_FIELD_TYPE', 'responseTimestamp'],
    ['clockOffsetFromResponse: receivedAt a string', () => api.clockOffsetFromResponse('2025-01-02 03:04:05', 'now'), 'ERR_FIELD_TYPE', 'receivedAt'],
    ['clockOffsetFromResponse: receivedAt NaN', () => api.clockOffsetFromResponse('2025-01-02 03:04:05', NaN), 'ERR_FIELD_FORMAT', 'receivedAt'],
  ],
});

const preview = (input, over) => api.bills.preauthCancel.preview(input, { env: 'test', appId: APP_ID, now: TS_MS, ...over });

// The admin-panel preview reports a bad input as issues (like the validators) and throws for
// bad options (like the builders): rows marked 'throws' are the latter.
MALFORMED['bills.preauthCancel.preview'] = [
  ...BAD_INPUTS.map(([input, code, field]) => [`bills.preauthCancel.preview(${describe(input)})`, () => preview(input), code, field]),
  ...NOT_OBJECTS.map((value) => [`bills.preauthCancel.preview(input, ${describe(value)})`, () => api.bills.preauthCancel.preview(V1_INPUT, value), notObjectCode(value), null, 'throws']),
  ['bills.preauthCancel.preview: no env', () => preview(V1_INPUT, { env: undefined }), 'ERR_FIELD_REQUIRED', 'env', 'throws'],
  ['bills.preauthCancel.preview: env "prod"', () => preview(V1_INPUT, { env: 'prod' }), 'ERR_FIELD_FORMAT', 'env', 'throws'],
  ['bills.preauthCancel.preview: appId missing', () => preview(V1_INPUT, { appId: undefined }), 'ERR_FIELD_REQUIRED', 'appId', 'throws'],
  ['bills.preauthCancel.preview: appId with a quote', () => preview(V1_INPUT, { appId: 'a"b' }), 'ERR_FIELD_FORMAT', 'appId', 'throws'],
  ['bills.preauthCancel.preview: appId lone surrogate', () => preview(V1_INPUT, { appId: LONE_HIGH }), 'ERR_BODY_ENCODING', 'appId', 'throws'],
  ['bills.preauthCancel.preview: nonce huge', () => preview(V1_INPUT, { nonce: HUGE }), 'ERR_FIELD_LENGTH', 'nonce', 'throws'],
  ['bills.preauthCancel.preview: now a string', () => preview(V1_INPUT, { now: 'now' }), 'ERR_FIELD_TYPE', 'now', 'throws'],
  ['bills.preauthCancel.preview: now NaN', () => preview(V1_INPUT, { now: NaN }), 'ERR_FIELD_FORMAT', 'now', 'throws'],
];

/** Exports that take no input that could be malformed: what they must do instead. */
const NO_MALFORMED_INPUT = {
  // No parameters; extra arguments are ignored and a nonce is still produced.
  createNonce: () => {
    for (const junk of [undefined, null, 42, LONE_HIGH, {}]) assert.match(api.createNonce(junk), /^[0-9a-f]{32}$/);
  },
  // A diagnostic with no parameters.
  wasmMemoryBytes: () => {
    const bytes = api.wasmMemoryBytes('ignored');
    assert.ok(Number.isInteger(bytes) && bytes > 0 && bytes % 65536 === 0, String(bytes));
  },
  // Node initializes synchronously; init() resolves whatever it is given.
  init: async () => {
    for (const junk of [undefined, null, 'x', {}]) assert.equal(await api.init(junk), undefined);
  },
  // The error class itself: any code and message make an Error carrying them.
  ChinaumsError: () => {
    const error = new ChinaumsError(undefined, undefined);
    assert.ok(error instanceof Error && error.name === 'ChinaumsError');
    assert.equal(error.field, null);
    assert.deepEqual(error.issues, []);
  },
  // Data: the gateways, paths, limits and defaults, and the list of codes.
  constants: () => {
    assert.deepEqual(
      { ...api.constants },
      {
        DEFAULT_MAX_BODY_BYTES: 1 << 20,
        DEFAULT_REFRESH_MARGIN_SECONDS: 300,
        DEFAULT_TOLERANCE_SECONDS: 300,
        MAX_HEADER_BYTES: 4096,
        MAX_JSON_DEPTH: 128,
        PRODUCTION_BASE_URL: 'https://api-mop.chinaums.com',
        TEST_BASE_URL: 'https://test-api-open.chinaums.com',
        TOKEN_PATH: '/v1/token/access',
      },
    );
    assert.ok(Object.isFrozen(api.constants));
    assert.equal(api.accessToken.path, api.constants.TOKEN_PATH);
    for (const [op, endpoint] of Object.entries({ preauthCancel: 'preauth-cancel', preauthed: 'preauthed', preauthedCancel: 'preauthed-cancel', query: 'query', getQrcode: 'get-qrcode', closeQrcode: 'close-qrcode', refund: 'refund' })) {
      assert.equal(api.bills[op].path, `/v1/netpay/bills/${endpoint}`, op);
    }
  },
  ERROR_CODES: () => {
    assert.deepEqual(new Set(api.ERROR_CODES), DOCUMENTED_CODES);
    assert.equal(api.ERROR_CODES.length, DOCUMENTED_CODES.size, 'no code twice');
    assert.ok(Object.isFrozen(api.ERROR_CODES));
  },
};

/** Everything a log line could show of an error. */
function printable(error) {
  return [
    error.message,
    String(error),
    error.stack ?? '',
    JSON.stringify(error),
    inspect(error, { depth: 5, showHidden: true }),
    ...(error.issues ?? []).map((issue) => `${issue.field} ${issue.code} ${issue.message}`),
  ];
}

function assertNoKey(texts, name) {
  for (const text of texts) {
    assert.ok(!text.includes(KEY), `${name}: the appKey appears in ${JSON.stringify(text.slice(0, 200))}`);
    // A distinctive part of it neither (a truncated echo would still leak most of a key).
    assert.ok(!text.includes(KEY.slice(0, 12)), `${name}: part of the appKey appears`);
  }
}

/**
 * Every public function by its path (`signOpenBody`, `bills.refund.sign`, `notifications.verify`),
 * and the exports that are data (`constants`, `ERROR_CODES`).
 */
function publicNames() {
  const names = [];
  for (const [name, value] of Object.entries(api)) {
    if (typeof value === 'function' || Array.isArray(value)) names.push(name);
    else if (name === 'bills') for (const [op, o] of Object.entries(value)) for (const [method, f] of Object.entries(o)) typeof f === 'function' && names.push(`bills.${op}.${method}`);
    else if (Object.values(value).some((f) => typeof f === 'function')) for (const [method, f] of Object.entries(value)) typeof f === 'function' && names.push(`${name}.${method}`);
    else names.push(name);
  }
  return names;
}

/** The value at a public path, or undefined. */
const at = (path) => path.split('.').reduce((value, name) => (value === undefined || value === null ? undefined : value[name]), api);

test('every public function has malformed-input cases or a stated reason why none applies', () => {
  const names = publicNames();
  assert.ok(names.includes('bills.getQrcode.preview') && names.includes('notifications.verify') && names.includes('constants'), 'the walk sees the namespaces');
  const covered = new Set([...Object.keys(MALFORMED), ...Object.keys(NO_MALFORMED_INPUT)]);
  const missing = names.filter((name) => !covered.has(name));
  assert.deepEqual(missing, [], `public functions without malformed-input cases: ${missing.join(', ')}`);
  const stale = [...covered].filter((name) => at(name) === undefined);
  assert.deepEqual(stale, [], `cases for functions that no longer exist: ${stale.join(', ')}`);
});

test('at least 100 malformed inputs, and every function export has some', (t) => {
  const total = Object.values(MALFORMED).reduce((n, rows) => n + rows.length, 0);
  assert.ok(total >= 100, `only ${total} malformed inputs`);
  t.diagnostic(`${total} malformed inputs across ${Object.keys(MALFORMED).length} functions`);
  for (const [name, rows] of Object.entries(MALFORMED)) assert.ok(rows.length >= 4, `${name}: ${rows.length} cases`);
});

/** Checks one row, throwing an AssertionError that says what is wrong. */
function checkRow(exportName, [name, thunk, code, field, mode]) {
  assert.ok(code === false || DOCUMENTED_CODES.has(code), `${name}: expected code ${code} is not in generated.d.ts`);
  let outcome;
  let thrown;
  try {
    outcome = thunk();
  } catch (error) {
    thrown = error;
  }
  if (code === false) {
    // Legitimately answers false (notifications.verify) rather than throwing.
    assert.equal(thrown, undefined, `${name}: threw ${thrown}`);
    assert.equal(outcome, false, `${name}: returned ${outcome}`);
    return;
  }
  const reportsIssues = /\.(validate|preview)$/.test(exportName);
  if (reportsIssues && mode !== 'throws') {
    // Never throws for a bad input: the problems come back as issues.
    assert.equal(thrown, undefined, `${name}: ${exportName} threw ${thrown}`);
    assert.equal(outcome.ok, false, `${name}: reported ok`);
    assert.ok(outcome.issues.length > 0, name);
    for (const issue of outcome.issues) {
      assert.ok(DOCUMENTED_CODES.has(issue.code), `${name}: undocumented code ${issue.code}`);
      assert.ok(typeof issue.message === 'string' && issue.message.length > 0, name);
      assertNoKey([issue.message, JSON.stringify(issue)], name);
    }
    const [first] = outcome.issues;
    assert.equal(first.code, code, `${name}: ${JSON.stringify(first)}`);
    if (field !== undefined) assert.equal(first.field, field, `${name}: ${JSON.stringify(first)}`);
    return;
  }
  assert.ok(thrown !== undefined, `${name}: did not throw (returned ${inspect(outcome, { depth: 1 }).slice(0, 200)})`);
  assert.ok(thrown instanceof ChinaumsError, `${name}: threw ${thrown?.constructor?.name}: ${thrown}`);
  assert.ok(DOCUMENTED_CODES.has(thrown.code), `${name}: undocumented code ${thrown.code}`);
  assert.equal(thrown.code, code, `${name}: ${thrown.code} ${thrown.field}: ${thrown.message}`);
  if (field !== undefined) assert.equal(thrown.field, field, `${name}: ${thrown.code} ${thrown.field}: ${thrown.message}`);
  assert.ok(thrown.message.length > 0 && thrown.message.length < 2000, `${name}: message of ${thrown.message.length} chars`);
  for (const issue of thrown.issues) assert.ok(DOCUMENTED_CODES.has(issue.code), `${name}: issue code ${issue.code}`);
  assertNoKey(printable(thrown), name);
}

for (const [exportName, rows] of Object.entries(MALFORMED)) {
  test(`${exportName}: ${rows.length} malformed inputs each give a documented ChinaumsError without the key`, () => {
    // Every row runs; the failure lists each one that is wrong.
    const failures = [];
    for (const row of rows) {
      try {
        checkRow(exportName, row);
      } catch (error) {
        failures.push(String(error.message).replace(/\s*\n\s*/g, ' ').slice(0, 400));
      }
    }
    assert.deepEqual(failures, [], `${failures.length} of ${rows.length} rows wrong`);
  });
}

for (const [exportName, check] of Object.entries(NO_MALFORMED_INPUT)) {
  test(`${exportName}: takes no input that could be malformed, and behaves as stated`, check);
}

test('a signer shows neither its key in any printed form', () => {
  const s = signer();
  try {
    assertNoKey([inspect(s, { showHidden: true, depth: 5 }), JSON.stringify(s), String(s), Object.keys(s).join()], 'OpenBodySigner');
    assert.deepEqual(JSON.parse(JSON.stringify(s)), { appId: APP_ID });
  } finally {
    s.free();
  }
});

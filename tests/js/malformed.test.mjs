// Malformed input through every export of the package: wrong types, missing and huge fields,
// broken JSON, bad headers, odd Unicode. Each one must end in a ChinaumsError (or, for
// validatePreauthCancel, in returned issues) with a documented `code`, the `field` where one
// applies, and no trace of the appKey in anything a log could print.
//
// The table is keyed by export name and the test fails for an export without an entry, so a
// new export cannot be added without saying how it treats bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import * as api from 'chinaums-open';

const { AccessTokenHolder, ChinaumsError, OpenBodySigner } = api;

const KEY = 'fictional0app0key0for0tests00001';
const APP_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const TS = '20250102030405';
const TS_MS = Date.UTC(2025, 0, 1, 19, 4, 5); // 2025-01-02 03:04:05 Beijing
const NONCE = '0123456789abcdef0123456789abcdef';
const BODY = '{"a":1}';
const GOOD = api.signOpenBody({ appId: APP_ID, appKey: KEY, body: BODY, timestamp: TS, nonce: NONCE });
const V1_INPUT = {
  requestTimestamp: '2025-01-02 03:04:05',
  mid: '898201612345678',
  tid: '88880001',
  instMid: 'QRPAYDEFAULT',
  billNo: '3194202501020304050001',
  billDate: '2025-01-02',
  merOrderId: '31942025010203040500010',
  authIdRespCd: '000665',
};

/** The documented codes: the ChinaumsErrorCode union of pkg/index.d.ts. */
const DOCUMENTED_CODES = (() => {
  const dts = readFileSync(new URL('../../pkg/index.d.ts', import.meta.url), 'utf8');
  const union = dts.match(/export type ChinaumsErrorCode =([^;]*);/);
  assert.ok(union, 'index.d.ts declares ChinaumsErrorCode');
  return new Set([...union[1].matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]));
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
const NOT_OBJECTS = [undefined, null, 'options', 42, [], true];

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
const build = (input, over) => api.buildPreauthCancel(input, { env: 'test', now: TS_MS, ...over });
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
  ['['.repeat(100_000), 'ERR_INVALID_JSON', null],
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
  [{ ...V1_INPUT, nested: { x: REVERSED_PAIR } }, 'ERR_BODY_ENCODING', null],
  [{ ...V1_INPUT, amount: 10n }, 'ERR_FIELD_TYPE', null],
  [circular, 'ERR_FIELD_TYPE', null],
  ['{"mid":"a","mid":"b"}', 'ERR_DUPLICATE_FIELD', 'mid'],
  ['{"mid":"\\ud800"}', 'ERR_BODY_ENCODING', null],
  [HUGE, 'ERR_BODY_TOO_LARGE', 'input'],
  [new Uint8Array([0x7b, 0xff, 0x7d]), 'ERR_BODY_ENCODING', 'input'],
  [new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), 'ERR_INVALID_JSON', null],
  [new Uint8Array([0xed, 0xa0, 0x80]), 'ERR_BODY_ENCODING', 'input'],
];

/** The part of BAD_INPUTS that does not depend on an endpoint's field table. */
const GENERIC_BAD_INPUTS = BAD_INPUTS.filter(([, , field]) => field === null || field === 'input');

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
    ...NOT_OBJECTS.map((value) => [`signOpenBody(${describe(value)})`, () => api.signOpenBody(value), 'ERR_FIELD_TYPE', null]),
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
    ...NOT_OBJECTS.map((value) => [`new OpenBodySigner(${describe(value)})`, () => new OpenBodySigner(value), 'ERR_FIELD_TYPE', null]),
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
    ...NOT_OBJECTS.map((value) => [`verifyOpenBody(${describe(value)})`, () => api.verifyOpenBody(value), 'ERR_FIELD_TYPE', null]),
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
  parseAuthorization: [
    ...stringArgCases('parseAuthorization', 'authorization', (value) => api.parseAuthorization(value)),
    ...BAD_HEADERS.map(([value, code]) => [`parseAuthorization(${describe(value)})`, () => api.parseAuthorization(value), code, 'authorization']),
  ],
  bodyDigest: [
    ['bodyDigest()', () => api.bodyDigest(), 'ERR_FIELD_REQUIRED', 'body'],
    ['bodyDigest(42)', () => api.bodyDigest(42), 'ERR_FIELD_TYPE', 'body'],
    ['bodyDigest({})', () => api.bodyDigest({}), 'ERR_FIELD_TYPE', 'body'],
    ['bodyDigest(Symbol)', () => api.bodyDigest(Symbol('s')), 'ERR_FIELD_TYPE', 'body'],
    ...ODD_UNICODE.map((value) => [`bodyDigest(${JSON.stringify(value)})`, () => api.bodyDigest(value), 'ERR_BODY_ENCODING', 'body']),
  ],
  stringToSign: [
    ...NOT_OBJECTS.map((value) => [`stringToSign(${describe(value)})`, () => api.stringToSign(value), 'ERR_FIELD_TYPE', null]),
    ...stringArgCases('stringToSign', 'bodyDigest', (bodyDigest) => api.stringToSign({ appId: APP_ID, timestamp: TS, nonce: NONCE, bodyDigest })),
    ['stringToSign: uppercase digest', () => api.stringToSign({ appId: APP_ID, timestamp: TS, nonce: NONCE, bodyDigest: GOOD.bodyDigest.toUpperCase() }), 'ERR_FIELD_FORMAT', 'bodyDigest'],
    ['stringToSign: short digest', () => api.stringToSign({ appId: APP_ID, timestamp: TS, nonce: NONCE, bodyDigest: 'abc' }), 'ERR_FIELD_FORMAT', 'bodyDigest'],
    ['stringToSign: bad timestamp', () => api.stringToSign({ appId: APP_ID, timestamp: 'x', nonce: NONCE, bodyDigest: GOOD.bodyDigest }), 'ERR_FIELD_FORMAT', 'timestamp'],
    ['stringToSign: appId missing', () => api.stringToSign({ timestamp: TS, nonce: NONCE, bodyDigest: GOOD.bodyDigest }), 'ERR_FIELD_REQUIRED', 'appId'],
  ],
  computeSignature: [
    ...NOT_OBJECTS.map((value) => [`computeSignature(${describe(value)})`, () => api.computeSignature(value), 'ERR_FIELD_TYPE', null]),
    ...stringArgCases('computeSignature', 'appKey', (appKey) => api.computeSignature({ appKey, stringToSign: 'x' })),
    ...stringArgCases('computeSignature', 'stringToSign', (stringToSign) => api.computeSignature({ appKey: KEY, stringToSign })),
    ['computeSignature: appKey empty', () => api.computeSignature({ appKey: '', stringToSign: 'x' }), 'ERR_FIELD_REQUIRED', 'appKey'],
  ],
  authorizationHeader: [
    ...NOT_OBJECTS.map((value) => [`authorizationHeader(${describe(value)})`, () => api.authorizationHeader(value), 'ERR_FIELD_TYPE', null]),
    ...stringArgCases('authorizationHeader', 'signature', (signature) => api.authorizationHeader({ appId: APP_ID, timestamp: TS, nonce: NONCE, signature })),
    ['authorizationHeader: signature not Base64', () => api.authorizationHeader({ appId: APP_ID, timestamp: TS, nonce: NONCE, signature: 'abc' }), 'ERR_FIELD_FORMAT', 'signature'],
    ['authorizationHeader: quote injection in appId', () => api.authorizationHeader({ appId: 'a", Nonce="x', timestamp: TS, nonce: NONCE, signature: GOOD.signature }), 'ERR_FIELD_FORMAT', 'appId'],
    ['authorizationHeader: nonce huge', () => api.authorizationHeader({ appId: APP_ID, timestamp: TS, nonce: HUGE, signature: GOOD.signature }), 'ERR_FIELD_LENGTH', 'nonce'],
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
  validatePreauthCancel: [
    ...BAD_INPUTS.map(([input, code, field]) => [`validatePreauthCancel(${describe(input)})`, () => api.validatePreauthCancel(input), code, field]),
    ['validatePreauthCancel({})', () => api.validatePreauthCancel({}), 'ERR_FIELD_REQUIRED', 'requestTimestamp'],
    ['validatePreauthCancel: options a string', () => api.validatePreauthCancel(V1_INPUT, 'strict'), 'ERR_FIELD_TYPE', null],
    ['validatePreauthCancel: msgSrcId a number', () => api.validatePreauthCancel(V1_INPUT, { msgSrcId: 3194 }), 'ERR_FIELD_TYPE', 'msgSrcId'],
    ['validatePreauthCancel: msgSrcId lone surrogate', () => api.validatePreauthCancel(V1_INPUT, { msgSrcId: LONE_HIGH }), 'ERR_BODY_ENCODING', 'msgSrcId'],
    ['validatePreauthCancel: msgSrcId wrong shape', () => api.validatePreauthCancel(V1_INPUT, { msgSrcId: '31' }), 'ERR_FIELD_FORMAT', 'msgSrcId'],
    ['validatePreauthCancel: allowUnknownFields "yes"', () => api.validatePreauthCancel(V1_INPUT, { allowUnknownFields: 'yes' }), 'ERR_FIELD_TYPE', 'allowUnknownFields'],
    ['validatePreauthCancel: maxBodyBytes negative', () => api.validatePreauthCancel(V1_INPUT, { maxBodyBytes: -5 }), 'ERR_FIELD_FORMAT', 'maxBodyBytes'],
    ['validatePreauthCancel: maxBodyBytes too small', () => api.validatePreauthCancel(V1_INPUT, { maxBodyBytes: 10 }), 'ERR_BODY_TOO_LARGE', 'input'],
  ],
  buildPreauthCancel: [
    ...BAD_INPUTS.map(([input, code, field]) => [`buildPreauthCancel(${describe(input)})`, () => build(input), code, field]),
    ['buildPreauthCancel({})', () => build({}), 'ERR_FIELD_REQUIRED', 'mid'],
    ['buildPreauthCancel: options a string', () => api.buildPreauthCancel(V1_INPUT, 'test'), 'ERR_FIELD_TYPE', null],
    ['buildPreauthCancel: no env nor baseUrl', () => api.buildPreauthCancel(V1_INPUT, {}), 'ERR_FIELD_REQUIRED', 'env'],
    ['buildPreauthCancel: env "prod"', () => build(V1_INPUT, { env: 'prod' }), 'ERR_FIELD_FORMAT', 'env'],
    ['buildPreauthCancel: env lone surrogate', () => build(V1_INPUT, { env: LONE_LOW }), 'ERR_BODY_ENCODING', 'env'],
    ['buildPreauthCancel: baseUrl ftp', () => build(V1_INPUT, { baseUrl: 'ftp://x' }), 'ERR_FIELD_FORMAT', 'baseUrl'],
    ['buildPreauthCancel: baseUrl with CRLF', () => build(V1_INPUT, { baseUrl: 'http://x\r\nHost: evil' }), 'ERR_FIELD_FORMAT', 'baseUrl'],
    ['buildPreauthCancel: baseUrl a URL object', () => build(V1_INPUT, { baseUrl: new URL('http://x') }), 'ERR_FIELD_TYPE', 'baseUrl'],
    ['buildPreauthCancel: now a string', () => build({ ...V1_INPUT, requestTimestamp: undefined }, { now: '2025' }), 'ERR_FIELD_TYPE', 'now'],
    ['buildPreauthCancel: now NaN', () => build(V1_INPUT, { now: NaN }), 'ERR_FIELD_FORMAT', 'now'],
    ['buildPreauthCancel: msgSrcId mismatch', () => build(V1_INPUT, { msgSrcId: '9999' }), 'ERR_FIELD_PREFIX', 'billNo'],
    ['buildPreauthCancel: maxBodyBytes a string', () => build(V1_INPUT, { maxBodyBytes: '1mb' }), 'ERR_FIELD_TYPE', 'maxBodyBytes'],
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
  parsePreauthCancelResponse: [
    ...BAD_RESPONSES.map(([text, code, field]) => [`parsePreauthCancelResponse(${describe(text)})`, () => api.parsePreauthCancelResponse(text), code, field]),
    ['parsePreauthCancelResponse: options a number', () => api.parsePreauthCancelResponse('{"errCode":"SUCCESS"}', 5), 'ERR_FIELD_TYPE', null],
    ['parsePreauthCancelResponse: maxBodyBytes too small', () => api.parsePreauthCancelResponse('{"errCode":"SUCCESS"}', { maxBodyBytes: 5 }), 'ERR_BODY_TOO_LARGE', 'text'],
  ],
};

const TOKEN_OK = '{"errCode":"0000","accessToken":"tok","expiresIn":3600}';
const tokenRequest = (over) => api.accessTokenRequest({ appId: APP_ID, appKey: KEY, env: 'test', ...over });
const formUrl = (over) =>
  api.formParamUrl({ appId: APP_ID, appKey: KEY, url: 'https://test-api-open.chinaums.com/v1/netpay/trade/h5-pay', content: '{}', ...over });
const verifyResponse = (over) => api.verifyResponseSignature({ authorization: GOOD.authorization, body: BODY, appKey: KEY, now: TS_MS, ...over });
const NOTIFY_KEY = 'fictional0communication0key00001';
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
  [HUGE, 'ERR_BODY_TOO_LARGE', 'body'],
];

/** More malformed cases, for the rest of the protocol (token, form URL, notifications, …). */
Object.assign(MALFORMED, {
  ...Object.fromEntries(
    ['validatePreauthed', 'validatePreauthedCancel', 'validateBillsQuery', 'validateGetQrcode', 'validateCloseQrcode', 'validateRefund'].map((name) => [
      name,
      [
        ...GENERIC_BAD_INPUTS.map(([input, code, field]) => [`${name}(${describe(input)})`, () => api[name](input), code, field]),
        [`${name}({})`, () => api[name]({}), 'ERR_FIELD_REQUIRED', 'requestTimestamp'],
        [`${name}: maxBodyBytes "big"`, () => api[name]({}, { maxBodyBytes: 'big' }), 'ERR_FIELD_TYPE', 'maxBodyBytes'],
      ],
    ]),
  ),
  ...Object.fromEntries(
    ['buildPreauthed', 'buildPreauthedCancel', 'buildBillsQuery', 'buildGetQrcode', 'buildCloseQrcode', 'buildRefund'].map((name) => [
      name,
      [
        ...GENERIC_BAD_INPUTS.map(([input, code, field]) => [`${name}(${describe(input)})`, () => api[name](input, { env: 'test', now: TS_MS }), code, field]),
        [`${name}({})`, () => api[name]({}, { env: 'test' }), 'ERR_FIELD_REQUIRED', 'mid'],
        [`${name}: no env`, () => api[name]({}, {}), 'ERR_FIELD_REQUIRED', 'env'],
        [`${name}: options a number`, () => api[name]({}, 7), 'ERR_FIELD_TYPE', null],
      ],
    ]),
  ),
  ...Object.fromEntries(
    ['parsePreauthedResponse', 'parsePreauthedCancelResponse', 'parseBillsQueryResponse', 'parseBillsResponse', 'parseGetQrcodeResponse', 'parseCloseQrcodeResponse', 'parseRefundResponse'].map((name) => [
      name,
      [
        ...BAD_RESPONSES.map(([text, code, field]) => [`${name}(${describe(text)})`, () => api[name](text), code, field]),
        [`${name}: maxBodyBytes too small`, () => api[name]('{"errCode":"SUCCESS"}', { maxBodyBytes: 3 }), 'ERR_BODY_TOO_LARGE', 'text'],
      ],
    ]),
  ),
  buildRequest: [
    ...NOT_STRINGS.map(([value, code]) => [`buildRequest(service ${describe(value)})`, () => api.buildRequest(value, {}, { env: 'test' }), code, 'service']),
    ['buildRequest: service path traversal', () => api.buildRequest('../token', {}, { env: 'test' }), 'ERR_FIELD_FORMAT', 'service'],
    ['buildRequest: service huge', () => api.buildRequest(HUGE, {}, { env: 'test' }), 'ERR_FIELD_FORMAT', 'service'],
    ['buildRequest: service lone surrogate', () => api.buildRequest(LONE_LOW, {}, { env: 'test' }), 'ERR_BODY_ENCODING', 'service'],
    ['buildRequest: body not JSON', () => api.buildRequest('refund', 'nope', { env: 'test' }), 'ERR_INVALID_JSON', null],
    ['buildRequest: body an array', () => api.buildRequest('refund', [], { env: 'test' }), 'ERR_FIELD_TYPE', null],
    ['buildRequest: body huge', () => api.buildRequest('refund', HUGE, { env: 'test' }), 'ERR_BODY_TOO_LARGE', 'input'],
    ['buildRequest: body with a lone surrogate', () => api.buildRequest('refund', { note: LONE_HIGH }, { env: 'test' }), 'ERR_BODY_ENCODING', 'note'],
    ['buildRequest: no env', () => api.buildRequest('refund', {}, {}), 'ERR_FIELD_REQUIRED', 'env'],
    ['buildRequest: options a string', () => api.buildRequest('refund', {}, 'test'), 'ERR_FIELD_TYPE', null],
    ['buildRequest: path with ..', () => api.buildRequest('/v1/netpay/../token', {}, { env: 'test' }), 'ERR_FIELD_FORMAT', 'service'],
    ['buildRequest: path to another host', () => api.buildRequest('//evil.example/v1/x', {}, { env: 'test' }), 'ERR_FIELD_FORMAT', 'service'],
    ['buildRequest: contentType text/plain', () => api.buildRequest('refund', {}, { env: 'test', contentType: 'text/plain' }), 'ERR_FIELD_FORMAT', 'contentType'],
    ['buildRequest: contentType a number', () => api.buildRequest('refund', {}, { env: 'test', contentType: 1 }), 'ERR_FIELD_TYPE', 'contentType'],
  ],
  ChinaumsClient: [
    ...NOT_OBJECTS.map((value) => [`new ChinaumsClient(${describe(value)})`, () => new api.ChinaumsClient(value), 'ERR_FIELD_TYPE', null]),
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
  accessTokenRequest: [
    ...NOT_OBJECTS.map((value) => [`accessTokenRequest(${describe(value)})`, () => api.accessTokenRequest(value), 'ERR_FIELD_TYPE', null]),
    ...stringArgCases('accessTokenRequest', 'appId', (appId) => tokenRequest({ appId })),
    ...stringArgCases('accessTokenRequest', 'appKey', (appKey) => tokenRequest({ appKey })),
    ['accessTokenRequest: appKey empty', () => tokenRequest({ appKey: '' }), 'ERR_FIELD_REQUIRED', 'appKey'],
    ['accessTokenRequest: no env', () => tokenRequest({ env: undefined }), 'ERR_FIELD_REQUIRED', 'env'],
    ['accessTokenRequest: env "prod"', () => tokenRequest({ env: 'prod' }), 'ERR_FIELD_FORMAT', 'env'],
    ['accessTokenRequest: timestamp bad', () => tokenRequest({ timestamp: '2025' }), 'ERR_FIELD_FORMAT', 'timestamp'],
    ['accessTokenRequest: nonce huge', () => tokenRequest({ nonce: HUGE }), 'ERR_FIELD_LENGTH', 'nonce'],
    ['accessTokenRequest: clockOffsetMs a string', () => tokenRequest({ clockOffsetMs: '5' }), 'ERR_FIELD_TYPE', 'clockOffsetMs'],
  ],
  parseAccessTokenResponse: [
    ['parseAccessTokenResponse()', () => api.parseAccessTokenResponse(), 'ERR_FIELD_REQUIRED', 'text'],
    ['parseAccessTokenResponse(42)', () => api.parseAccessTokenResponse(42), 'ERR_FIELD_TYPE', 'text'],
    ['parseAccessTokenResponse: not JSON', () => api.parseAccessTokenResponse('<html>'), 'ERR_INVALID_JSON', null],
    ['parseAccessTokenResponse: refused', () => api.parseAccessTokenResponse('{"errCode":"1000","errInfo":"认证失败"}'), 'ERR_PLATFORM', 'errCode'],
    ['parseAccessTokenResponse: no token', () => api.parseAccessTokenResponse('{"errCode":"0000"}'), 'ERR_INVALID_RESPONSE', 'accessToken'],
    ['parseAccessTokenResponse: lone surrogate', () => api.parseAccessTokenResponse(LONE_HIGH), 'ERR_BODY_ENCODING', 'text'],
    ['parseAccessTokenResponse: bytes not UTF-8', () => api.parseAccessTokenResponse(new Uint8Array([0xff])), 'ERR_BODY_ENCODING', 'text'],
    ['parseAccessTokenResponse: huge', () => api.parseAccessTokenResponse(HUGE), 'ERR_BODY_TOO_LARGE', 'text'],
    ['parseAccessTokenResponse: now a string', () => api.parseAccessTokenResponse(TOKEN_OK, { now: 'now' }), 'ERR_FIELD_TYPE', 'now'],
  ],
  tokenAuthorization: [
    // Objects are read as parsed token responses (their accessToken): see the last case.
    ...stringArgCases('tokenAuthorization', 'accessToken', (token) => api.tokenAuthorization(token), { objectsAreRead: true }),
    ['tokenAuthorization: a space', () => api.tokenAuthorization('a b'), 'ERR_FIELD_FORMAT', 'accessToken'],
    ['tokenAuthorization: huge', () => api.tokenAuthorization(HUGE), 'ERR_FIELD_FORMAT', 'accessToken'],
    ['tokenAuthorization: object without a token', () => api.tokenAuthorization({ expiresIn: 1 }), 'ERR_FIELD_REQUIRED', 'accessToken'],
  ],
  AccessTokenHolder: [
    ['new AccessTokenHolder("x")', () => new AccessTokenHolder('x'), 'ERR_FIELD_TYPE', null],
    ['AccessTokenHolder: marginSeconds negative', () => new AccessTokenHolder({ marginSeconds: -1 }), 'ERR_FIELD_FORMAT', 'marginSeconds'],
    ['AccessTokenHolder: marginSeconds a string', () => new AccessTokenHolder({ marginSeconds: '300' }), 'ERR_FIELD_FORMAT', 'marginSeconds'],
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
    ...NOT_OBJECTS.map((value) => [`formParamUrl(${describe(value)})`, () => api.formParamUrl(value), 'ERR_FIELD_TYPE', null]),
    ...stringArgCases('formParamUrl', 'appKey', (appKey) => formUrl({ appKey })),
    ...stringArgCases('formParamUrl', 'url', (url) => formUrl({ url })),
    ['formParamUrl: url ftp', () => formUrl({ url: 'ftp://x/y' }), 'ERR_FIELD_FORMAT', 'url'],
    ['formParamUrl: url with a query', () => formUrl({ url: 'https://x/y?a=1' }), 'ERR_FIELD_FORMAT', 'url'],
    ['formParamUrl: content a number', () => formUrl({ content: 5 }), 'ERR_FIELD_TYPE', 'content'],
    ['formParamUrl: content lone surrogate', () => formUrl({ content: LONE_HIGH }), 'ERR_BODY_ENCODING', 'content'],
    ['formParamUrl: content huge', () => formUrl({ content: 'x'.repeat(2_000_000) }), 'ERR_BODY_TOO_LARGE', 'content'],
    ['formParamUrl: appId with a comma', () => formUrl({ appId: 'a,b' }), 'ERR_FIELD_FORMAT', 'appId'],
  ],
  verifyNotification: [
    // A notification that cannot be the platform's is simply not verified: false, not thrown.
    ...BAD_NOTIFICATIONS.filter(([params]) => typeof params === 'string' || params instanceof Uint8Array || (params && typeof params === 'object' && !Array.isArray(params))).map(([params]) => [
      `verifyNotification(${describe(params)})`,
      () => api.verifyNotification(params, NOTIFY_KEY),
      false,
    ]),
    ['verifyNotification: unsigned', () => api.verifyNotification('a=1', NOTIFY_KEY), false],
    ['verifyNotification: a forged sign', () => api.verifyNotification(`a=1&sign=${'A'.repeat(32)}`, NOTIFY_KEY), false],
    ['verifyNotification: params a number', () => api.verifyNotification(42, NOTIFY_KEY), 'ERR_FIELD_TYPE', 'params'],
    ...stringArgCases('verifyNotification', 'communicationKey', (key) => api.verifyNotification('a=1', key)),
    ['verifyNotification: key empty', () => api.verifyNotification('a=1', ''), 'ERR_FIELD_REQUIRED', 'communicationKey'],
    ['verifyNotification: defaultSignType SHA1', () => api.verifyNotification('a=1', NOTIFY_KEY, { defaultSignType: 'SHA1' }), 'ERR_FIELD_FORMAT', 'defaultSignType'],
    ['verifyNotification: options a string', () => api.verifyNotification('a=1', NOTIFY_KEY, 'MD5'), 'ERR_FIELD_TYPE', null],
    ['verifyNotification: whitespaceIsEmpty "true"', () => api.verifyNotification('a=1', NOTIFY_KEY, { whitespaceIsEmpty: 'true' }), 'ERR_FIELD_TYPE', 'whitespaceIsEmpty'],
  ],
  parseNotification: [
    ...BAD_NOTIFICATIONS.map(([params, code, field]) => [`parseNotification(${describe(params)})`, () => api.parseNotification(params), code, field]),
    ['parseNotification: billPayment not JSON', () => api.parseNotification('billPayment=%7Bnope'), 'ERR_INVALID_RESPONSE', 'billPayment'],
  ],
  signNotification: [
    ...BAD_NOTIFICATIONS.map(([params, code, field]) => [`signNotification(${describe(params)})`, () => api.signNotification(params, NOTIFY_KEY), code, field]),
    ...stringArgCases('signNotification', 'communicationKey', (key) => api.signNotification('a=1', key)),
    ['signNotification: signType SHA1', () => api.signNotification('a=1', NOTIFY_KEY, { signType: 'SHA1' }), 'ERR_FIELD_FORMAT', 'signType'],
  ],
  notificationStringToSign: [
    ...BAD_NOTIFICATIONS.map(([params, code, field]) => [`notificationStringToSign(${describe(params)})`, () => api.notificationStringToSign(params), code, field]),
    ['notificationStringToSign: keepEmptyValues "yes"', () => api.notificationStringToSign('a=1', { keepEmptyValues: 'yes' }), 'ERR_FIELD_TYPE', 'keepEmptyValues'],
    ['notificationStringToSign: excludeSignType 1', () => api.notificationStringToSign('a=1', { excludeSignType: 1 }), 'ERR_FIELD_TYPE', 'excludeSignType'],
    ['notificationStringToSign: options a string', () => api.notificationStringToSign('a=1', 'keep'), 'ERR_FIELD_TYPE', null],
  ],
  verifyResponseSignature: [
    ...NOT_OBJECTS.map((value) => [`verifyResponseSignature(${describe(value)})`, () => api.verifyResponseSignature(value), 'ERR_FIELD_TYPE', null]),
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

const preview = (input, over) => api.previewPreauthCancel(input, { env: 'test', appId: APP_ID, now: TS_MS, ...over });

// The admin-panel preview reports a bad input as issues (like the validators) and throws for
// bad options (like the builders): rows marked 'throws' are the latter.
MALFORMED.previewPreauthCancel = [
  ...BAD_INPUTS.map(([input, code, field]) => [`previewPreauthCancel(${describe(input)})`, () => preview(input), code, field]),
  ...NOT_OBJECTS.map((value) => [`previewPreauthCancel(input, ${describe(value)})`, () => api.previewPreauthCancel(V1_INPUT, value), 'ERR_FIELD_TYPE', null, 'throws']),
  ['previewPreauthCancel: no env', () => preview(V1_INPUT, { env: undefined }), 'ERR_FIELD_REQUIRED', 'env', 'throws'],
  ['previewPreauthCancel: env "prod"', () => preview(V1_INPUT, { env: 'prod' }), 'ERR_FIELD_FORMAT', 'env', 'throws'],
  ['previewPreauthCancel: appId missing', () => preview(V1_INPUT, { appId: undefined }), 'ERR_FIELD_REQUIRED', 'appId', 'throws'],
  ['previewPreauthCancel: appId with a quote', () => preview(V1_INPUT, { appId: 'a"b' }), 'ERR_FIELD_FORMAT', 'appId', 'throws'],
  ['previewPreauthCancel: appId lone surrogate', () => preview(V1_INPUT, { appId: LONE_HIGH }), 'ERR_BODY_ENCODING', 'appId', 'throws'],
  ['previewPreauthCancel: nonce huge', () => preview(V1_INPUT, { nonce: HUGE }), 'ERR_FIELD_LENGTH', 'nonce', 'throws'],
  ['previewPreauthCancel: now a string', () => preview(V1_INPUT, { now: 'now' }), 'ERR_FIELD_TYPE', 'now', 'throws'],
  ['previewPreauthCancel: now NaN', () => preview(V1_INPUT, { now: NaN }), 'ERR_FIELD_FORMAT', 'now', 'throws'],
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
  PRODUCTION_BASE_URL: () => assert.equal(api.PRODUCTION_BASE_URL, 'https://api-mop.chinaums.com'),
  TEST_BASE_URL: () => assert.equal(api.TEST_BASE_URL, 'https://test-api-open.chinaums.com'),
  PREAUTH_CANCEL_PATH: () => assert.equal(api.PREAUTH_CANCEL_PATH, '/v1/netpay/bills/preauth-cancel'),
  DEFAULT_TOLERANCE_SECONDS: () => assert.equal(api.DEFAULT_TOLERANCE_SECONDS, 300),
  DEFAULT_MAX_BODY_BYTES: () => assert.equal(api.DEFAULT_MAX_BODY_BYTES, 1 << 20),
  MAX_HEADER_BYTES: () => assert.equal(api.MAX_HEADER_BYTES, 4096),
  PREAUTHED_PATH: () => assert.equal(api.PREAUTHED_PATH, '/v1/netpay/bills/preauthed'),
  PREAUTHED_CANCEL_PATH: () => assert.equal(api.PREAUTHED_CANCEL_PATH, '/v1/netpay/bills/preauthed-cancel'),
  BILLS_QUERY_PATH: () => assert.equal(api.BILLS_QUERY_PATH, '/v1/netpay/bills/query'),
  GET_QRCODE_PATH: () => assert.equal(api.GET_QRCODE_PATH, '/v1/netpay/bills/get-qrcode'),
  CLOSE_QRCODE_PATH: () => assert.equal(api.CLOSE_QRCODE_PATH, '/v1/netpay/bills/close-qrcode'),
  REFUND_PATH: () => assert.equal(api.REFUND_PATH, '/v1/netpay/bills/refund'),
  TOKEN_PATH: () => assert.equal(api.TOKEN_PATH, '/v1/token/access'),
  DEFAULT_REFRESH_MARGIN_SECONDS: () => assert.equal(api.DEFAULT_REFRESH_MARGIN_SECONDS, 300),
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

test('every export has malformed-input cases or a stated reason why none applies', () => {
  const covered = new Set([...Object.keys(MALFORMED), ...Object.keys(NO_MALFORMED_INPUT)]);
  const missing = Object.keys(api).filter((name) => !covered.has(name));
  assert.deepEqual(missing, [], `exports without malformed-input cases: ${missing.join(', ')}`);
  const stale = [...covered].filter((name) => !(name in api));
  assert.deepEqual(stale, [], `cases for exports that no longer exist: ${stale.join(', ')}`);
});

test('at least 100 malformed inputs, and every function export has some', (t) => {
  const total = Object.values(MALFORMED).reduce((n, rows) => n + rows.length, 0);
  assert.ok(total >= 100, `only ${total} malformed inputs`);
  t.diagnostic(`${total} malformed inputs across ${Object.keys(MALFORMED).length} functions`);
  for (const [name, rows] of Object.entries(MALFORMED)) assert.ok(rows.length >= 4, `${name}: ${rows.length} cases`);
});

for (const [exportName, rows] of Object.entries(MALFORMED)) {
  test(`${exportName}: ${rows.length} malformed inputs each give a documented ChinaumsError without the key`, () => {
    for (const [name, thunk, code, field, mode] of rows) {
      assert.ok(code === false || DOCUMENTED_CODES.has(code), `${name}: expected code ${code} is not in index.d.ts`);
      let outcome;
      let thrown;
      try {
        outcome = thunk();
      } catch (error) {
        thrown = error;
      }
      if (code === false) {
        // Legitimately answers false (verifyNotification) rather than throwing.
        assert.equal(thrown, undefined, `${name}: threw ${thrown}`);
        assert.equal(outcome, false, `${name}: returned ${outcome}`);
        continue;
      }
      const reportsIssues = exportName.startsWith('validate') || exportName === 'previewPreauthCancel';
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
        continue;
      }
      assert.ok(thrown !== undefined, `${name}: did not throw (returned ${inspect(outcome, { depth: 1 }).slice(0, 200)})`);
      assert.ok(thrown instanceof ChinaumsError, `${name}: threw ${thrown?.constructor?.name}: ${thrown}`);
      assert.ok(DOCUMENTED_CODES.has(thrown.code), `${name}: undocumented code ${thrown.code}`);
      assert.equal(thrown.code, code, `${name}: ${thrown.code} ${thrown.field}: ${thrown.message}`);
      if (field !== undefined) assert.equal(thrown.field, field, `${name}: ${thrown.message}`);
      assert.ok(thrown.message.length > 0 && thrown.message.length < 2000, `${name}: message of ${thrown.message.length} chars`);
      for (const issue of thrown.issues) assert.ok(DOCUMENTED_CODES.has(issue.code), `${name}: issue code ${issue.code}`);
      assertNoKey(printable(thrown), name);
    }
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

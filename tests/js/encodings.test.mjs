// Encodings: what is signed is exactly what is sent. A JS string that has no UTF-8 form (a lone
// surrogate) is refused with ERR_BODY_ENCODING instead of silently becoming U+FFFD; bytes that
// are not UTF-8 are refused where JSON is required and signed byte for byte where raw bytes are
// allowed. Digests and signatures are checked against node:crypto, not against the library.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { ChinaumsError, OpenBodySigner, bills, openBodySig, signOpenBody, signRequest, verifyOpenBody } from 'chinaums-open';
import { KEY, APP_ID, TS, NONCE, TS_MS, V1_INPUT } from './fixtures.mjs';

/** Strings that are not well-formed UTF-16, where they sit in otherwise valid text. */
const LONE_SURROGATES = {
  'lone high surrogate at the end': 'body\uD83D',
  'lone high surrogate in the middle': 'a\uD83Db',
  'lone low surrogate': '\uDE00abc',
  'pair in the wrong order': '\uDE00\uD83D',
  'high surrogate followed by a non-surrogate': '\uD800\u0041',
};

/** Byte sequences that are not UTF-8. */
const NOT_UTF8 = {
  'a lone continuation byte': [0x80],
  'a truncated 3-byte sequence': [0xe9, 0xa2],
  'an overlong "/"': [0xc0, 0xaf],
  'an encoded surrogate (CESU-8)': [0xed, 0xa0, 0xbd],
  'a code point above U+10FFFF': [0xf4, 0x90, 0x80, 0x80],
  '0xFF': [0x7b, 0xff, 0x7d],
};

function expected(body) {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  const digest = createHash('sha256').update(bytes).digest('hex');
  const signature = createHmac('sha256', Buffer.from(KEY, 'utf8')).update(APP_ID + TS + NONCE + digest).digest('base64');
  return { digest, signature };
}

function assertEncodingError(thunk, field, what) {
  assert.throws(thunk, (error) => {
    assert.ok(error instanceof ChinaumsError, `${what}: ${error}`);
    assert.equal(error.code, 'ERR_BODY_ENCODING', `${what}: ${error.message}`);
    assert.equal(error.field, field, what);
    return true;
  });
}

test('a body string with a lone surrogate is refused, never signed as U+FFFD', () => {
  for (const [what, body] of Object.entries(LONE_SURROGATES)) {
    assertEncodingError(() => signOpenBody({ appId: APP_ID, appKey: KEY, body, timestamp: TS, nonce: NONCE }), 'body', what);
    const signer = new OpenBodySigner({ appId: APP_ID, appKey: KEY });
    assertEncodingError(() => signer.sign(body, { timestamp: TS, nonce: NONCE }), 'body', what);
    signer.free();
    assertEncodingError(() => openBodySig.bodyDigest(body), 'body', what);
    assertEncodingError(() => signRequest({ body }, { appId: APP_ID, appKey: KEY }), 'body', what);
    // The substituted text would have verified: refusing it is the point.
    const substituted = body.toWellFormed ? body.toWellFormed() : body.replace(/[\uD800-\uDFFF]/g, '\uFFFD');
    const signed = signOpenBody({ appId: APP_ID, appKey: KEY, body: substituted, timestamp: TS, nonce: NONCE });
    assertEncodingError(() => verifyOpenBody({ authorization: signed.authorization, body, appKey: KEY, now: TS_MS }), 'body', what);
  }
});

test('every string argument is checked for lone surrogates, with its own field', () => {
  const bad = 'x\uD800';
  const signed = signOpenBody({ appId: APP_ID, appKey: KEY, body: '{}', timestamp: TS, nonce: NONCE });
  const cases = [
    ['appId', () => signOpenBody({ appId: bad, appKey: KEY, body: '{}' })],
    ['appKey', () => signOpenBody({ appId: APP_ID, appKey: bad, body: '{}' })],
    ['timestamp', () => signOpenBody({ appId: APP_ID, appKey: KEY, body: '{}', timestamp: bad })],
    ['nonce', () => signOpenBody({ appId: APP_ID, appKey: KEY, body: '{}', nonce: bad })],
    ['appId', () => new OpenBodySigner({ appId: bad, appKey: KEY })],
    ['appKey', () => new OpenBodySigner({ appId: APP_ID, appKey: bad })],
    ['authorization', () => verifyOpenBody({ authorization: signed.authorization + bad, body: '{}', appKey: KEY, now: TS_MS })],
    ['appKey', () => verifyOpenBody({ authorization: signed.authorization, body: '{}', appKey: bad, now: TS_MS })],
    ['authorization', () => openBodySig.parseAuthorization(bad)],
    ['appId', () => openBodySig.stringToSign({ appId: bad, timestamp: TS, nonce: NONCE, bodyDigest: signed.bodyDigest })],
    ['bodyDigest', () => openBodySig.stringToSign({ appId: APP_ID, timestamp: TS, nonce: NONCE, bodyDigest: bad })],
    ['appKey', () => openBodySig.computeSignature({ appKey: bad, stringToSign: 'x' })],
    ['stringToSign', () => openBodySig.computeSignature({ appKey: KEY, stringToSign: bad })],
    ['signature', () => openBodySig.authorizationHeader({ appId: APP_ID, timestamp: TS, nonce: NONCE, signature: bad })],
    ['env', () => bills.preauthCancel.build(V1_INPUT, { env: bad })],
    ['baseUrl', () => bills.preauthCancel.build(V1_INPUT, { baseUrl: `http://127.0.0.1/${bad}` })],
    ['msgSrcId', () => bills.preauthCancel.build(V1_INPUT, { env: 'test', msgSrcId: bad })],
    ['srcReserve', () => bills.preauthCancel.build({ ...V1_INPUT, srcReserve: bad }, { env: 'test' })],
    ['input', () => bills.preauthCancel.build(JSON.stringify(V1_INPUT) + bad, { env: 'test' })],
    ['text', () => bills.preauthCancel.parseResponse(`{"errCode":"${bad}"}`)],
    ['srcReserve', () => bills.preauthCancel.sign({ ...V1_INPUT, srcReserve: bad }, { env: 'test', appId: APP_ID, appKey: KEY })],
    ['appKey', () => bills.preauthCancel.sign(V1_INPUT, { env: 'test', appId: APP_ID, appKey: bad })],
    ['appId', () => bills.preauthCancel.preview(V1_INPUT, { env: 'test', appId: bad })],
  ];
  for (const [field, thunk] of cases) assertEncodingError(thunk, field, `${field} via ${thunk}`);

  // bills.preauthCancel.validate reports instead of throwing, and still checks the other fields.
  const result = bills.preauthCancel.validate({ ...V1_INPUT, srcReserve: bad, mid: 'm'.repeat(40) });
  assert.equal(result.ok, false);
  assert.deepEqual(
    result.issues.map((i) => [i.field, i.code]),
    [
      ['srcReserve', 'ERR_BODY_ENCODING'],
      ['mid', 'ERR_FIELD_LENGTH'],
    ],
  );
  assert.deepEqual(
    bills.preauthCancel.validate(V1_INPUT, { msgSrcId: bad }).issues.map((i) => [i.field, i.code]),
    [['msgSrcId', 'ERR_BODY_ENCODING']],
  );
});

test('escaped lone surrogates inside JSON text are encoding errors too', () => {
  const json = JSON.stringify({ ...V1_INPUT, srcReserve: 'x\uDC00' }); // JSON.stringify escapes it
  assert.ok(json.includes('\\udc00'));
  assert.equal(bills.preauthCancel.validate(json).issues[0].code, 'ERR_BODY_ENCODING');
  assert.throws(() => bills.preauthCancel.build(json, { env: 'test' }), { code: 'ERR_BODY_ENCODING' });
  assert.throws(() => bills.preauthCancel.parseResponse('{"errCode":"SUCCESS","errMsg":"\\ud800"}'), { code: 'ERR_BODY_ENCODING' });
  // A proper escaped pair is fine and comes out as the character.
  const built = bills.preauthCancel.build(JSON.stringify({ ...V1_INPUT, srcReserve: '😀' }).replace('😀', '\\ud83d\\ude00'), { env: 'test' });
  assert.ok(built.body.endsWith('"srcReserve":"😀"}'));
});

test('bytes that are not UTF-8 are refused where JSON is required', () => {
  for (const [what, bytes] of Object.entries(NOT_UTF8)) {
    const body = new Uint8Array(bytes);
    const issues = bills.preauthCancel.validate(body).issues;
    assert.deepEqual([issues[0].field, issues[0].code], ['input', 'ERR_BODY_ENCODING'], what);
    assertEncodingError(() => bills.preauthCancel.build(body, { env: 'test' }), 'input', what);
    assertEncodingError(() => bills.preauthCancel.parseResponse(body), 'text', what);
    assertEncodingError(() => bills.preauthCancel.parseResponse(body.buffer), 'text', `${what} (ArrayBuffer)`);
  }
});

test('a UTF-8 byte-order mark is kept and reported, not silently stripped', () => {
  const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from(JSON.stringify(V1_INPUT))]);
  assert.equal(bills.preauthCancel.validate(withBom).issues[0].code, 'ERR_INVALID_JSON');
  assert.throws(() => bills.preauthCancel.parseResponse(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d])), { code: 'ERR_INVALID_JSON' });
  // Signing raw bytes keeps it: the digest covers the three BOM bytes.
  assert.equal(openBodySig.bodyDigest(withBom), expected(withBom).digest);
});

test('UTF-8 JSON given as bytes is read like the same text', () => {
  const text = JSON.stringify({ ...V1_INPUT, srcReserve: '预授权撤销😀' });
  const bytes = new TextEncoder().encode(text);
  assert.deepEqual(bills.preauthCancel.validate(bytes), { ok: true, issues: [] });
  assert.equal(bills.preauthCancel.build(bytes, { env: 'test' }).body, bills.preauthCancel.build(text, { env: 'test' }).body);
  // Any view over the bytes, at any offset.
  const padded = new Uint8Array(bytes.length + 8);
  padded.set(bytes, 5);
  const view = new DataView(padded.buffer, 5, bytes.length);
  assert.equal(bills.preauthCancel.build(view, { env: 'test' }).body, bills.preauthCancel.build(text, { env: 'test' }).body);
});

test('raw bytes that are not UTF-8 are signed and verified byte-exact (node:crypto agrees)', () => {
  for (const [what, bytes] of Object.entries(NOT_UTF8)) {
    const body = new Uint8Array(bytes);
    const want = expected(body);
    const signed = signOpenBody({ appId: APP_ID, appKey: KEY, body, timestamp: TS, nonce: NONCE });
    assert.equal(signed.bodyDigest, want.digest, what);
    assert.equal(signed.signature, want.signature, what);
    assert.equal(openBodySig.bodyDigest(body), want.digest, what);
    const signer = new OpenBodySigner({ appId: APP_ID, appKey: KEY });
    assert.equal(signer.sign(body, { timestamp: TS, nonce: NONCE }).signature, want.signature, what);
    signer.free();
    assert.deepEqual(verifyOpenBody({ authorization: signed.authorization, body, appKey: KEY, now: TS_MS }), {
      appId: APP_ID,
      timestamp: TS,
      nonce: NONCE,
    });
    // The lossy decode-and-re-encode a careless host might do changes the bytes: it must fail.
    const lossy = new TextEncoder().encode(new TextDecoder().decode(body));
    assert.notDeepEqual(lossy, body, what);
    assert.throws(() => verifyOpenBody({ authorization: signed.authorization, body: lossy, appKey: KEY, now: TS_MS }), {
      code: 'ERR_SIGNATURE_MISMATCH',
    });
  }
});

test('every kind of byte container signs exactly its own bytes', () => {
  const bytes = new Uint8Array([0x00, 0xff, 0x7b, 0x22, 0xe6, 0xb5, 0x8b, 0x22, 0x7d, 0x80]);
  const want = expected(bytes).signature;
  const backing = new Uint8Array(bytes.length + 7);
  backing.set(bytes, 3);
  const containers = {
    Uint8Array: bytes,
    ArrayBuffer: bytes.slice().buffer,
    'Uint8Array at an offset': backing.subarray(3, 3 + bytes.length),
    DataView: new DataView(backing.buffer, 3, bytes.length),
    Int8Array: new Int8Array(backing.buffer, 3, bytes.length),
    Buffer: Buffer.from(bytes),
  };
  for (const [what, body] of Object.entries(containers)) {
    assert.equal(signOpenBody({ appId: APP_ID, appKey: KEY, body, timestamp: TS, nonce: NONCE }).signature, want, what);
  }
});

test('strings with 4-byte characters sign as their UTF-8 bytes', () => {
  for (const body of ['😀', '𠀀𪛖', '{"srcReserve":"预授权撤销测试😀"}', 'a\u2028b\u0000c', '\uFEFF{}']) {
    const want = expected(body);
    const signed = signOpenBody({ appId: APP_ID, appKey: KEY, body, timestamp: TS, nonce: NONCE });
    assert.equal(signed.bodyDigest, want.digest, body);
    assert.equal(signed.signature, want.signature, body);
    const asBytes = signOpenBody({ appId: APP_ID, appKey: KEY, body: Buffer.from(body, 'utf8'), timestamp: TS, nonce: NONCE });
    assert.equal(asBytes.signature, want.signature, body);
  }
});

test('an appKey with non-ASCII characters is used as its UTF-8 bytes', () => {
  for (const appKey of ['密钥-κλειδί', '😀key', 'k'.repeat(200)]) {
    const digest = createHash('sha256').update('{}').digest('hex');
    const want = createHmac('sha256', Buffer.from(appKey, 'utf8')).update(APP_ID + TS + NONCE + digest).digest('base64');
    assert.equal(signOpenBody({ appId: APP_ID, appKey, body: '{}', timestamp: TS, nonce: NONCE }).signature, want, appKey);
  }
});

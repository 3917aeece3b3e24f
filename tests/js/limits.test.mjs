// Limits: a body cap (default 1 MiB, `maxBodyBytes` to change it) on everything that reads a
// body, JSON input or response text, and a fixed 4 KiB cap on the Authorization header, each
// with a clear error. Oversized inputs are refused before they reach wasm memory, which would
// otherwise grow to fit them and never shrink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenBodySigner, bills, buildRequest, constants, notifications, openBodySig, signOpenBody, signRequest, verifyOpenBody, verifyResponseSignature, wasmMemoryBytes } from 'chinaums-open';
import { KEY, APP_ID, TS, NONCE, TS_MS, V1_INPUT } from './fixtures.mjs';

const MIB = 1 << 20;

const sign = (body, extra) => signOpenBody({ appId: APP_ID, appKey: KEY, body, timestamp: TS, nonce: NONCE, ...extra });

function tooLarge(field, bytes, limit) {
  return (error) => {
    assert.equal(error.name, 'ChinaumsError');
    assert.equal(error.code, 'ERR_BODY_TOO_LARGE', error.message);
    assert.equal(error.field, field);
    assert.ok(error.message.includes(`${bytes} bytes`), error.message);
    assert.ok(error.message.includes(`limit of ${limit} bytes`), error.message);
    assert.ok(error.message.includes('maxBodyBytes'), error.message);
    return true;
  };
}

test('the default body cap is 1 MiB, inclusive, for strings and bytes', () => {
  assert.equal(constants.DEFAULT_MAX_BODY_BYTES, MIB);
  assert.match(sign(new Uint8Array(MIB)).signature, /^[A-Za-z0-9+/]{43}=$/);
  assert.match(sign('x'.repeat(MIB)).signature, /^[A-Za-z0-9+/]{43}=$/);
  assert.throws(() => sign(new Uint8Array(MIB + 1)), tooLarge('body', MIB + 1, MIB));
  assert.throws(() => sign('x'.repeat(MIB + 1)), tooLarge('body', MIB + 1, MIB));
  // A string is measured in UTF-8 bytes, not UTF-16 units, whichever side of the boundary
  // measures it: under the cap in units but over in bytes, and over in both.
  assert.throws(() => sign('预'.repeat(400_000)), tooLarge('body', 1_200_000, MIB));
  assert.throws(() => sign('😀'.repeat(MIB)), tooLarge('body', 4 * MIB, MIB));
  assert.throws(() => sign('预'.repeat(MIB + 1)), tooLarge('body', 3 * (MIB + 1), MIB));
});

test('maxBodyBytes lowers or raises the cap for every reader of a body', () => {
  const body = '{"a":"0123456789"}'; // 18 bytes
  const limit = 17;
  const signer = new OpenBodySigner({ appId: APP_ID, appKey: KEY, maxBodyBytes: limit });
  try {
    assert.throws(() => signer.sign(body, { timestamp: TS, nonce: NONCE }), tooLarge('body', 18, limit));
    assert.ok(signer.sign(body.slice(1), { timestamp: TS, nonce: NONCE }).signature);
  } finally {
    signer.free();
  }
  assert.throws(() => sign(body, { maxBodyBytes: limit }), tooLarge('body', 18, limit));
  assert.ok(sign(body, { maxBodyBytes: 18 }).signature);
  assert.throws(() => signRequest({ body }, { appId: APP_ID, appKey: KEY, maxBodyBytes: limit }), tooLarge('body', 18, limit));

  const { authorization } = sign(body);
  assert.throws(() => verifyOpenBody({ authorization, body, appKey: KEY, now: TS_MS, maxBodyBytes: limit }), tooLarge('body', 18, limit));
  assert.equal(verifyOpenBody({ authorization, body, appKey: KEY, now: TS_MS, maxBodyBytes: 18 }).appId, APP_ID);

  const input = JSON.stringify(V1_INPUT);
  const issues = bills.preauthCancel.validate(input, { maxBodyBytes: 100 }).issues;
  assert.deepEqual([issues[0].code, issues[0].field], ['ERR_BODY_TOO_LARGE', 'input']);
  assert.ok(bills.preauthCancel.validate(input, { maxBodyBytes: input.length }).ok);
  assert.throws(() => bills.preauthCancel.build(input, { env: 'test', maxBodyBytes: 100 }), tooLarge('input', input.length, 100));
  assert.throws(() => bills.preauthCancel.build(V1_INPUT, { env: 'test', maxBodyBytes: 100 }), tooLarge('input', input.length, 100));

  const response = '{"errCode":"SUCCESS","billStatus":"CLOSED"}';
  assert.throws(() => bills.preauthCancel.parseResponse(response, { maxBodyBytes: 10 }), tooLarge('text', response.length, 10));
  assert.equal(bills.preauthCancel.parseResponse(response, { maxBodyBytes: response.length }).ok, true);

  // Raised: a 1.5 MiB body signs and verifies when allowed.
  const big = new Uint8Array(1.5 * MIB).fill(0x61);
  const signed = sign(big, { maxBodyBytes: 2 * MIB });
  assert.equal(verifyOpenBody({ authorization: signed.authorization, body: big, appKey: KEY, now: TS_MS, maxBodyBytes: 2 * MIB }).nonce, NONCE);
  assert.throws(() => verifyOpenBody({ authorization: signed.authorization, body: big, appKey: KEY, now: TS_MS }), tooLarge('body', 1.5 * MIB, MIB));
});

test('every bills validator, builder and response parser takes maxBodyBytes', () => {
  const query = { mid: '898201612345678', tid: '88880001', billNo: '3194202501020304050001', billDate: '2025-01-02' };
  const json = JSON.stringify(query);
  const issues = bills.query.validate(json, { maxBodyBytes: 10 }).issues;
  assert.deepEqual([issues[0].code, issues[0].field], ['ERR_BODY_TOO_LARGE', 'input']);
  assert.ok(bills.query.validate(json, { maxBodyBytes: json.length, applyDefaults: true }).ok);
  assert.throws(() => bills.query.build(query, { env: 'test', maxBodyBytes: 10 }), tooLarge('input', json.length, 10));
  // The built body (with requestTimestamp and instMid filled in) must fit too.
  const built = Buffer.byteLength(bills.query.build(query, { env: 'test', now: TS_MS }).body);
  assert.ok(built > json.length);
  assert.throws(() => bills.query.build(query, { env: 'test', now: TS_MS, maxBodyBytes: json.length }), tooLarge('body', built, json.length));
  assert.ok(bills.query.build(query, { env: 'test', now: TS_MS, maxBodyBytes: built }).body);
  assert.throws(() => bills.preauthed.build('{}', { env: 'test', maxBodyBytes: 1 }), tooLarge('input', 2, 1));
  assert.throws(() => bills.query.parseResponse('{"errCode":"SUCCESS"}', { maxBodyBytes: 20 }), tooLarge('text', 21, 20));
  assert.equal(bills.query.parseResponse('{"errCode":"SUCCESS"}', { maxBodyBytes: 21 }).ok, true);
});

test('maxBodyBytes itself is checked', () => {
  for (const [value, code] of [
    [-1, 'ERR_FIELD_FORMAT'],
    [1.5, 'ERR_FIELD_FORMAT'],
    [NaN, 'ERR_FIELD_FORMAT'],
    [Infinity, 'ERR_FIELD_FORMAT'],
    [2 ** 30 + 1, 'ERR_FIELD_FORMAT'],
    ['1024', 'ERR_FIELD_TYPE'],
    [1024n, 'ERR_FIELD_TYPE'],
  ]) {
    for (const thunk of [
      () => sign('{}', { maxBodyBytes: value }),
      () => new OpenBodySigner({ appId: APP_ID, appKey: KEY, maxBodyBytes: value }),
      () => verifyOpenBody({ authorization: sign('{}').authorization, body: '{}', appKey: KEY, now: TS_MS, maxBodyBytes: value }),
      () => bills.preauthCancel.build(V1_INPUT, { env: 'test', maxBodyBytes: value }),
      () => bills.preauthCancel.parseResponse('{"errCode":"SUCCESS"}', { maxBodyBytes: value }),
    ]) {
      assert.throws(thunk, { code, field: 'maxBodyBytes' }, `${String(value)} via ${thunk}`);
    }
    assert.deepEqual(
      bills.preauthCancel.validate(V1_INPUT, { maxBodyBytes: value }).issues.map((i) => [i.code, i.field]),
      [[code, 'maxBodyBytes']],
    );
  }
  // 0 is a legal cap: only the empty body passes.
  assert.ok(sign('', { maxBodyBytes: 0 }).signature);
  assert.throws(() => sign('x', { maxBodyBytes: 0 }), { code: 'ERR_BODY_TOO_LARGE' });
});

test('the Authorization header is capped at 4 KiB, in bytes', () => {
  assert.equal(constants.MAX_HEADER_BYTES, 4096);
  const { authorization } = sign('{}');
  const padded = (n) => authorization + ' '.repeat(n - authorization.length);
  // At the cap the header is read (trailing whitespace is allowed); one byte more is refused.
  assert.equal(openBodySig.parseAuthorization(padded(constants.MAX_HEADER_BYTES)).nonce, NONCE);
  for (const header of [padded(constants.MAX_HEADER_BYTES + 1), 'x'.repeat(50 * MIB), authorization + '预'.repeat(1400)]) {
    for (const thunk of [
      () => openBodySig.parseAuthorization(header),
      () => verifyOpenBody({ authorization: header, body: '{}', appKey: KEY, now: TS_MS }),
    ]) {
      assert.throws(thunk, (error) => {
        assert.equal(error.code, 'ERR_HEADER_TOO_LARGE');
        assert.equal(error.field, 'authorization');
        assert.match(error.message, /at most 4096/);
        return true;
      });
    }
  }
});

test('oversized inputs are refused before they are copied into wasm memory', () => {
  // Warm up every path once so that ordinary allocations are already in place.
  const { authorization } = sign('{}');
  verifyOpenBody({ authorization, body: '{}', appKey: KEY, now: TS_MS });
  bills.preauthCancel.build(V1_INPUT, { env: 'test' });
  bills.preauthCancel.parseResponse('{"errCode":"SUCCESS"}');
  const before = wasmMemoryBytes();
  const huge = new Uint8Array(64 * MIB);
  const hugeText = 'x'.repeat(64 * MIB);
  assert.throws(() => sign(huge), { code: 'ERR_BODY_TOO_LARGE' });
  assert.throws(() => sign(hugeText), { code: 'ERR_BODY_TOO_LARGE' });
  assert.throws(() => verifyOpenBody({ authorization, body: huge, appKey: KEY, now: TS_MS }), { code: 'ERR_BODY_TOO_LARGE' });
  assert.throws(() => verifyOpenBody({ authorization: hugeText, body: '{}', appKey: KEY, now: TS_MS }), { code: 'ERR_HEADER_TOO_LARGE' });
  assert.throws(() => openBodySig.parseAuthorization(hugeText), { code: 'ERR_HEADER_TOO_LARGE' });
  assert.equal(bills.preauthCancel.validate(hugeText).issues[0].code, 'ERR_BODY_TOO_LARGE');
  assert.equal(bills.preauthCancel.validate({ ...V1_INPUT, srcReserve: hugeText }).issues[0].code, 'ERR_BODY_TOO_LARGE');
  assert.throws(() => bills.preauthCancel.build(huge, { env: 'test' }), { code: 'ERR_BODY_TOO_LARGE' });
  assert.throws(() => bills.preauthCancel.parseResponse(hugeText), { code: 'ERR_BODY_TOO_LARGE' });
  assert.throws(() => bills.preauthCancel.parseResponse(huge), { code: 'ERR_BODY_TOO_LARGE' });
  assert.throws(() => bills.query.parseResponse(hugeText), { code: 'ERR_BODY_TOO_LARGE' });
  assert.throws(() => buildRequest('refund', hugeText, { env: 'test' }), { code: 'ERR_BODY_TOO_LARGE' });
  assert.throws(() => verifyResponseSignature({ authorization, body: huge, appKey: KEY, now: TS_MS }), { code: 'ERR_BODY_TOO_LARGE' });
  assert.throws(() => verifyResponseSignature({ authorization: hugeText, body: '{}', appKey: KEY, now: TS_MS }), { code: 'ERR_HEADER_TOO_LARGE' });
  assert.throws(() => notifications.parse(hugeText), { code: 'ERR_BODY_TOO_LARGE' });
  assert.equal(notifications.verify(hugeText, 'communication-key'), false);
  assert.equal(wasmMemoryBytes(), before, 'wasm memory grew for inputs that were refused');
});

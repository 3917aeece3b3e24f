// The emulator is the oracle the library is tested against, so it must be right on its own and
// share nothing with the library: its node:crypto implementation reproduces the shared vectors
// (computed by a third implementation), it imports nothing but node: built-ins and its own
// files, its package depends on nothing, and over HTTP it accepts what the library signs and
// refuses any one-byte change.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { beijingTime, openBodySig, signOpenBody, verifyOpenBody } from 'chinaums-open';
import { bodyDigestHex, bodySignature, tokenSignature } from '../../gateway/auth.js';
import { beijingCompact, beijingDate, beijingDateTime, parseCompact, parseDate, parseDateTime } from '../../gateway/time.js';
import { CLIENTS } from './clients.mjs';
import { APP, CANCEL_PATH, FIXED_MS, cancelBody, withGateway } from './helpers.mjs';

const vectors = (name) => JSON.parse(readFileSync(new URL(`../vectors/${name}`, import.meta.url), 'utf8')).cases;
const encoder = new TextEncoder();
const gatewayDir = new URL('../../gateway/', import.meta.url);

test('the emulator reproduces every shared OPEN-BODY-SIG vector with node:crypto', () => {
  const cases = vectors('open-body-sig.json');
  assert.ok(cases.length >= 9);
  for (const c of cases) {
    const bodyBytes = encoder.encode(c.body);
    assert.equal(bodyDigestHex(bodyBytes), c.bodyDigest, c.name);
    assert.equal(bodySignature({ appId: c.appId, appKey: c.appKey, timestamp: c.timestamp, nonce: c.nonce, bodyBytes }), c.signature, c.name);
  }
});

test('the emulator reproduces the shared access-token vector', () => {
  for (const c of vectors('access-token.json')) {
    assert.equal(tokenSignature(c), c.signature);
    assert.equal(JSON.parse(c.body).signature, c.signature);
  }
});

test('on 300 pseudo-random bodies, keys and nonces the emulator signs like the library, and the library verifies it', () => {
  // A fixed-seed generator (xorshift32): deterministic, and covering bytes that are not UTF-8.
  let seed = 0x9e3779b9;
  const next = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  const visible = (length) => Array.from({ length }, () => String.fromCharCode(0x21 + (next() % 94))).join('').replace(/["\\,]/g, 'x');
  for (let i = 0; i < 300; i += 1) {
    const bodyBytes = Uint8Array.from({ length: next() % 600 }, () => next() & 0xff);
    const appId = visible(1 + (next() % 40));
    const appKey = `${visible(1 + (next() % 40))}密钥`;
    const nonce = visible(1 + (next() % 128));
    const timestamp = beijingCompact(FIXED_MS + (next() % 1_000_000) * 1000);
    const library = signOpenBody({ appId, appKey, body: bodyBytes, timestamp, nonce });
    const emulator = bodySignature({ appId, appKey, timestamp, nonce, bodyBytes });
    assert.equal(emulator, library.signature, `case ${i}`);
    assert.equal(bodyDigestHex(bodyBytes), library.bodyDigest, `case ${i}`);
    const authorization = openBodySig.authorizationHeader({ appId, timestamp, nonce, signature: emulator });
    assert.deepEqual(verifyOpenBody({ authorization, body: bodyBytes, appKey, now: parseCompact(timestamp) }), { appId, timestamp, nonce });
  }
});

test('the emulator imports only node: built-ins and its own modules, never the library', () => {
  const files = readdirSync(gatewayDir).filter((f) => f.endsWith('.js'));
  assert.ok(files.includes('auth.js') && files.includes('index.js'));
  for (const file of files) {
    const source = readFileSync(new URL(file, gatewayDir), 'utf8');
    const specifiers = [...source.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'\s*\)|^import\s+'([^']+)'/gm)].map((m) => m[1] ?? m[2] ?? m[3]);
    for (const specifier of specifiers) {
      assert.match(specifier, /^(node:|\.\/[a-z-]+\.js$)/, `${file} imports ${specifier}`);
    }
  }
  const types = readFileSync(new URL('index.d.ts', gatewayDir), 'utf8');
  assert.doesNotMatch(types, /^\s*(import|export\s.*\sfrom)\s|\bimport\s*\(|\/\/\/\s*<reference/m, 'index.d.ts stands alone');
});

test("the emulator's package depends on nothing, chinaums-open least of all", () => {
  const manifest = JSON.parse(readFileSync(new URL('package.json', gatewayDir), 'utf8'));
  assert.equal(manifest.name, 'chinaums-open-gateway');
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'bundleDependencies', 'bundledDependencies']) {
    assert.equal(manifest[field], undefined, `package.json has ${field}: ${JSON.stringify(manifest[field])}`);
  }
  assert.doesNotMatch(JSON.stringify(manifest), /"chinaums-open"/);
});

test("the emulator's Beijing time agrees with the library's", () => {
  const instants = [
    FIXED_MS,
    0,
    Date.UTC(2024, 1, 28, 16, 0, 0), // 2024-02-29 00:00:00 in Beijing: a leap day
    Date.UTC(2025, 11, 31, 15, 59, 59, 999), // the last millisecond of 2025 in Beijing
    Date.UTC(2025, 11, 31, 16, 0, 0), // 2026-01-01 00:00:00 in Beijing
    -62_135_625_600_000, // 0001-01-01 00:00:00 +08:00
    253_402_271_999_999, // 9999-12-31 23:59:59.999 +08:00
  ];
  for (const ms of instants) {
    const library = beijingTime(ms);
    assert.equal(beijingCompact(ms), library.compact, String(ms));
    assert.equal(beijingDateTime(ms), library.dateTime, String(ms));
    assert.equal(beijingDate(ms), library.date, String(ms));
    const second = Math.floor(ms / 1000) * 1000;
    assert.equal(parseCompact(library.compact), second);
    assert.equal(parseDateTime(library.dateTime), second);
  }
  for (const bad of ['20250230030405', '20251301000000', '20250102240000', '2025010203040', '２０２５０１０２０３０４０５']) {
    assert.equal(parseCompact(bad), null, bad);
  }
  assert.equal(parseDate('2024-02-29'), Date.UTC(2024, 1, 28, 16));
  assert.equal(parseDate('2025-02-29'), null);
});

for (const clientSpec of CLIENTS) {
  test(`via ${clientSpec.name}: the published vectors' headers authenticate over HTTP`, async () => {
    for (const c of vectors('open-body-sig.json').filter((v) => v.appId === APP.appId)) {
      // One gateway per vector: they share a nonce, which one gateway would refuse as a replay.
      await withGateway(clientSpec, async ({ post }) => {
        const answer = await post(CANCEL_PATH, c.body, { authorization: c.authorization });
        assert.notEqual(answer.status, 401, `${c.name}: ${answer.text}`);
      });
    }
  });

  test(`via ${clientSpec.name}: the emulator accepts what the library signs and refuses every one-byte change`, () =>
    withGateway(clientSpec, async ({ post, clock }) => {
      const body = encoder.encode(cancelBody());
      const signed = signOpenBody({ ...APP, body, timestamp: beijingTime(clock.ms).compact, nonce: 'independence-1' });
      // Every byte position, flipped by one bit: a refused signature does not use up the nonce,
      // so the same header is tried against each changed body.
      for (let i = 0; i < body.length; i += 1) {
        const changed = body.slice();
        changed[i] ^= 0x01;
        const answer = await post(CANCEL_PATH, changed, { authorization: signed.authorization });
        assert.equal(answer.status, 401, `byte ${i}`);
        assert.equal(answer.json.errCode, 'BAD_SIGN', `byte ${i}`);
      }
      const accepted = await post(CANCEL_PATH, body, { authorization: signed.authorization });
      assert.equal(accepted.status, 200, accepted.text);
      assert.equal(accepted.json.errCode, 'SUCCESS');
    }));
}

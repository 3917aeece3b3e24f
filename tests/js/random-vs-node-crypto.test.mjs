// 10,000 random signing cases checked against node:crypto, an independent implementation of
// SHA-256, HMAC and Base64, and against an independent UTC+8 formatter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { OpenBodySigner, beijingTime, signOpenBody, verifyOpenBody } from 'chinaums-open';
import { seeded } from '../seeded.mjs';

const CASES = 10_000;
const SEED = 0x5eed_2026;

const random = seeded(SEED);
const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
const pick = (items) => items[int(0, items.length - 1)];

// Visible ASCII without quote, backslash and comma: what a header parameter may hold.
const HEADER_SAFE = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).filter(
  (c) => !'"\\,'.includes(c),
);
const headerToken = (min, max) => Array.from({ length: int(min, max) }, () => pick(HEADER_SAFE)).join('');

/** Random well-formed Unicode: ASCII, controls, Latin-1, CJK, and 4-byte characters. */
function unicodeText(maxLength) {
  const ranges = [
    [0x20, 0x7e],
    [0x00, 0x1f],
    [0xa0, 0x2ff],
    [0x4e00, 0x9fff],
    [0xe000, 0xfffd],
    [0x1f300, 0x1faff],
    [0x10000, 0x10ffff],
  ];
  let out = '';
  const length = int(0, maxLength);
  for (let i = 0; i < length; i++) {
    const [lo, hi] = pick(ranges);
    out += String.fromCodePoint(int(lo, hi));
  }
  return out;
}

/** yyyyMMddHHmmss at UTC+8, computed without the library. */
function beijingCompact(ms) {
  const iso = new Date(Math.floor(ms / 1000) * 1000 + 8 * 3600_000).toISOString();
  return iso.slice(0, 19).replace(/[-T:]/g, '');
}

function expected({ appId, appKey, body, timestamp, nonce }) {
  const bodyDigest = createHash('sha256').update(body).digest('hex');
  const signature = createHmac('sha256', Buffer.from(appKey, 'utf8'))
    .update(appId + timestamp + nonce + bodyDigest, 'utf8')
    .digest('base64');
  return {
    authorization: `OPEN-BODY-SIG AppId="${appId}", Timestamp="${timestamp}", Nonce="${nonce}", Signature="${signature}"`,
    signature,
    bodyDigest,
    timestamp,
    nonce,
  };
}

test(`${CASES} random cases agree with node:crypto`, () => {
  let withFourByteChars = 0;
  let byteBodies = 0;
  for (let i = 0; i < CASES; i++) {
    const ms = int(0, 4_102_444_800_000); // 1970 .. 2100
    const timestamp = beijingCompact(ms);
    const asBytes = random() < 0.2;
    const body = asBytes ? Uint8Array.from({ length: int(0, 300) }, () => int(0, 255)) : unicodeText(int(0, 1) ? 40 : 600);
    if (asBytes) byteBodies++;
    else if (/[\u{10000}-\u{10ffff}]/u.test(body)) withFourByteChars++;
    const inputs = {
      appId: headerToken(1, 40),
      appKey: unicodeText(64) || 'k',
      body,
      timestamp,
      nonce: headerToken(1, 128),
    };
    const want = expected(inputs);
    assert.deepEqual(signOpenBody(inputs), want, `case ${i} (seed ${SEED})`);

    assert.equal(beijingTime(ms).compact, timestamp, `beijingTime case ${i}`);
    const verified = verifyOpenBody({ authorization: want.authorization, body, appKey: inputs.appKey, now: ms });
    assert.equal(verified.nonce, inputs.nonce);
  }
  // The generator really produced what the issue asks for.
  assert.ok(withFourByteChars > CASES / 4, `only ${withFourByteChars} bodies had 4-byte characters`);
  assert.ok(byteBodies > CASES / 10);
});

test('a long-lived signer agrees with node:crypto across random bodies and defaults', () => {
  const appId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
  const appKey = 'fictional0app0key0for0tests00001';
  const signer = new OpenBodySigner({ appId, appKey });
  try {
    for (let i = 0; i < 2_000; i++) {
      const body = unicodeText(200);
      const out = signer.sign(body); // clock timestamp and CSPRNG nonce
      assert.match(out.nonce, /^[0-9a-f]{32}$/);
      assert.match(out.timestamp, /^\d{14}$/);
      assert.deepEqual(out, expected({ appId, appKey, body, timestamp: out.timestamp, nonce: out.nonce }));
    }
  } finally {
    signer.free();
  }
});

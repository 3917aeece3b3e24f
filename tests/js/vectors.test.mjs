// The shared OPEN-BODY-SIG vectors through the built package, imported by its name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { OpenBodySigner, explainSignature, openBodySig, signOpenBody, signRequest, verifyOpenBody } from 'chinaums-open';

const { cases } = JSON.parse(readFileSync(new URL('../vectors/open-body-sig.json', import.meta.url), 'utf8'));
const encoder = new TextEncoder();

/** Epoch ms of a yyyyMMddHHmmss Beijing timestamp, computed independently of the library. */
function beijingToEpochMs(ts) {
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((at, i) => Number(ts.slice(at, at + (i === 0 ? 4 : 2))));
  return Date.UTC(y, mo - 1, d, h - 8, mi, s);
}

test('there are nine shared vectors', () => {
  assert.ok(cases.length >= 9);
});

for (const c of cases) {
  test(`${c.name}: signOpenBody with a string body and with bytes`, () => {
    for (const body of [c.body, encoder.encode(c.body)]) {
      const out = signOpenBody({ appId: c.appId, appKey: c.appKey, body, timestamp: c.timestamp, nonce: c.nonce });
      assert.deepEqual(out, {
        authorization: c.authorization,
        signature: c.signature,
        bodyDigest: c.bodyDigest,
        timestamp: c.timestamp,
        nonce: c.nonce,
      });
    }
  });

  test(`${c.name}: OpenBodySigner and the four stages`, () => {
    const signer = new OpenBodySigner({ appId: c.appId, appKey: c.appKey });
    try {
      assert.equal(signer.sign(c.body, { timestamp: c.timestamp, nonce: c.nonce }).authorization, c.authorization);
    } finally {
      signer.free();
    }
    assert.equal(openBodySig.bodyDigest(c.body), c.bodyDigest);
    const sts = openBodySig.stringToSign({ appId: c.appId, timestamp: c.timestamp, nonce: c.nonce, bodyDigest: c.bodyDigest });
    assert.equal(sts, c.stringToSign);
    assert.equal(openBodySig.computeSignature({ appKey: c.appKey, stringToSign: sts }), c.signature);
    assert.equal(
      openBodySig.authorizationHeader({ appId: c.appId, timestamp: c.timestamp, nonce: c.nonce, signature: c.signature }),
      c.authorization,
    );
  });

  test(`${c.name}: the header parses and verifies; signRequest adds it without touching the body`, () => {
    assert.deepEqual(openBodySig.parseAuthorization(c.authorization), {
      appId: c.appId,
      timestamp: c.timestamp,
      nonce: c.nonce,
      signature: c.signature,
    });
    const now = beijingToEpochMs(c.timestamp) + 299_000;
    assert.deepEqual(verifyOpenBody({ authorization: c.authorization, body: c.body, appKey: c.appKey, now }), {
      appId: c.appId,
      timestamp: c.timestamp,
      nonce: c.nonce,
    });
    const request = { method: 'POST', url: 'http://127.0.0.1/x', headers: { 'Content-Type': 'application/json' }, body: c.body };
    const signed = signRequest(request, { appId: c.appId, appKey: c.appKey, timestamp: c.timestamp, nonce: c.nonce });
    assert.equal(signed.body, c.body);
    assert.equal(signed.headers.Authorization, c.authorization);
    assert.equal(signed.headers['Content-Type'], 'application/json');
    assert.equal(request.headers.Authorization, undefined, 'the input request is not mutated');
  });

  test(`${c.name}: explainSignature gives every stage, and whether a received header matches`, () => {
    const bytes = encoder.encode(c.body);
    for (const body of [c.body, bytes]) {
      const explained = explainSignature({ body, authorization: c.authorization, appKey: c.appKey });
      assert.deepEqual(
        { ...explained, bodyBytes: Array.from(explained.bodyBytes) },
        {
          appId: c.appId,
          timestamp: c.timestamp,
          nonce: c.nonce,
          bodyDigest: c.bodyDigest,
          stringToSign: c.stringToSign,
          signature: c.signature,
          authorization: c.authorization,
          matches: true,
          bodyBytes: Array.from(bytes),
        },
      );
    }
    // One byte changed (the last, or a byte added to an empty body): another digest, no match.
    const changed = c.body.length > 0 ? c.body.slice(0, -1) + (c.body.endsWith('x') ? 'y' : 'x') : 'x';
    const bad = explainSignature({ body: changed, authorization: c.authorization, appKey: c.appKey });
    assert.equal(bad.matches, false);
    assert.equal(bad.bodyDigest, createHash('sha256').update(changed).digest('hex'));
    assert.notEqual(bad.signature, c.signature);
    // A wrong key: the same stages, another signature, no match.
    assert.equal(explainSignature({ body: c.body, authorization: c.authorization, appKey: `${c.appKey}x` }).matches, false);
    // Without a key, from the header's parts: the public stages only.
    const parts = explainSignature({ body: c.body, appId: c.appId, timestamp: c.timestamp, nonce: c.nonce });
    assert.equal(parts.stringToSign, c.stringToSign);
    assert.deepEqual(['signature', 'authorization', 'matches'].filter((k) => k in parts), []);
    // With the key but no received header: the expected Signature, nothing to match.
    const expected = explainSignature({ body: c.body, appId: c.appId, timestamp: c.timestamp, nonce: c.nonce, appKey: c.appKey });
    assert.deepEqual([expected.signature, expected.authorization, 'matches' in expected], [c.signature, c.authorization, false]);
  });
}

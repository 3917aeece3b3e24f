// The shared OPEN-BODY-SIG vectors through the built package, imported by its name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  OpenBodySigner,
  authorizationHeader,
  bodyDigest,
  computeSignature,
  parseAuthorization,
  signOpenBody,
  signRequest,
  stringToSign,
  verifyOpenBody,
} from 'chinaums-open';

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
    assert.equal(bodyDigest(c.body), c.bodyDigest);
    const sts = stringToSign({ appId: c.appId, timestamp: c.timestamp, nonce: c.nonce, bodyDigest: c.bodyDigest });
    assert.equal(sts, c.stringToSign);
    assert.equal(computeSignature({ appKey: c.appKey, stringToSign: sts }), c.signature);
    assert.equal(
      authorizationHeader({ appId: c.appId, timestamp: c.timestamp, nonce: c.nonce, signature: c.signature }),
      c.authorization,
    );
  });

  test(`${c.name}: the header parses and verifies; signRequest adds it without touching the body`, () => {
    assert.deepEqual(parseAuthorization(c.authorization), {
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
}

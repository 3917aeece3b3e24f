// Memory: wasm linear memory grows in 64 KiB pages and never shrinks, so a leak shows as
// growth under a steady load. After a warm-up, a million signatures, a hundred thousand
// failing calls and a hundred thousand signers created and freed must not grow it by more than
// one page. Signers hold key state in wasm memory: free() wipes and releases it at once, and
// the FinalizationRegistry of the wasm-bindgen glue does when a signer is garbage-collected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ChinaumsError, OpenBodySigner, bills, signOpenBody, verifyOpenBody, wasmMemoryBytes } from 'chinaums-open';
import { KEY, APP_ID, TS, NONCE, TS_MS } from './fixtures.mjs';

// A full, synchronous garbage collection on demand, without a command-line flag.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc');

const PAGE = 65536;
const V1_BODY =
  '{"requestTimestamp":"2025-01-02 03:04:05","mid":"898201612345678","tid":"88880001","instMid":"QRPAYDEFAULT","billNo":"3194202501020304050001","billDate":"2025-01-02","merOrderId":"31942025010203040500010","authIdRespCd":"000665"}';

/** Runs `round` `warmUp` times, then `count` times, and returns the memory growth in between. */
function growthAfterWarmUp(warmUp, count, round) {
  for (let i = 0; i < warmUp; i++) round(i);
  const before = wasmMemoryBytes();
  for (let i = 0; i < count; i++) round(i);
  return { before, growth: wasmMemoryBytes() - before };
}

function assertBounded({ before, growth }, what, t) {
  t.diagnostic(`${what}: wasm memory ${before} bytes after warm-up, growth ${growth} bytes`);
  assert.ok(growth <= PAGE, `${what}: wasm memory grew by ${growth} bytes (more than one 64 KiB page)`);
}

test('1,000,000 signatures do not grow wasm memory after warm-up', (t) => {
  const signer = new OpenBodySigner({ appId: APP_ID, appKey: KEY });
  const body = new TextEncoder().encode(V1_BODY);
  const options = { timestamp: TS, nonce: NONCE };
  const first = signer.sign(body, options).signature;
  let last;
  const result = growthAfterWarmUp(10_000, 990_000, () => {
    last = signer.sign(body, options).signature;
  });
  signer.free();
  assert.equal(last, first, 'the same input signs the same way every time');
  assertBounded(result, '1,000,000 OpenBodySigner.sign calls', t);
});

test('100,000 failing calls do not grow wasm memory after warm-up', (t) => {
  const signer = new OpenBodySigner({ appId: APP_ID, appKey: KEY });
  const good = signer.sign(V1_BODY, { timestamp: TS, nonce: NONCE });
  const forged = good.authorization.replace(good.signature, 'A'.repeat(43) + '=');
  const invalidInput = { mid: 'm'.repeat(40), billDate: '2025-02-30', billno: 'typo' };
  const failures = [
    () => verifyOpenBody({ authorization: forged, body: V1_BODY, appKey: KEY, now: TS_MS }),
    () => verifyOpenBody({ authorization: good.authorization, body: `${V1_BODY} `, appKey: KEY, now: TS_MS }),
    () => bills.preauthCancel.build(invalidInput, { env: 'test', now: TS_MS }),
    () => bills.preauthCancel.parseResponse('{"errCode":"SUCCESS","billPayment":{"totalAmount":"1.5"}}'),
    () => signer.sign(V1_BODY, { timestamp: TS, nonce: 'bad nonce' }),
  ];
  let thrown = 0;
  const result = growthAfterWarmUp(5_000, 100_000, (i) => {
    try {
      failures[i % failures.length]();
    } catch (error) {
      if (!(error instanceof ChinaumsError)) throw error;
      thrown += 1;
    }
  });
  // bills.preauthCancel.validate reports rather than throws: its failures are counted separately.
  const validation = growthAfterWarmUp(1_000, 20_000, () => {
    assert.equal(bills.preauthCancel.validate(invalidInput).ok, false);
  });
  signer.free();
  assert.equal(thrown, 105_000, 'every call failed with a ChinaumsError');
  assertBounded(result, '100,000 failing calls', t);
  assertBounded(validation, '20,000 failing validations', t);
});

test('free() releases a signer; using it afterwards is a clear error; freeing twice is harmless', () => {
  const signer = new OpenBodySigner({ appId: APP_ID, appKey: KEY });
  assert.ok(signer.sign('{}', { timestamp: TS, nonce: NONCE }).signature);
  signer.free();
  for (let i = 0; i < 2; i++) {
    assert.throws(() => signer.sign('{}', { timestamp: TS, nonce: NONCE }), (error) => {
      assert.ok(error instanceof ChinaumsError);
      assert.equal(error.code, 'ERR_SIGNER_FREED');
      assert.match(error.message, /freed/);
      return true;
    });
    assert.doesNotThrow(() => signer.free());
  }
  assert.equal(signer.appId, APP_ID, 'the public appId stays readable');

  // Symbol.dispose frees too (what `using signer = …` calls).
  const disposed = new OpenBodySigner({ appId: APP_ID, appKey: KEY });
  disposed[Symbol.dispose]();
  assert.throws(() => disposed.sign('{}'), { code: 'ERR_SIGNER_FREED' });
  assert.doesNotThrow(() => disposed[Symbol.dispose]());
});

test('100,000 signers created and freed do not grow wasm memory', (t) => {
  const result = growthAfterWarmUp(1_000, 100_000, () => {
    const signer = new OpenBodySigner({ appId: APP_ID, appKey: KEY });
    signer.free();
  });
  assertBounded(result, '100,000 signers created and freed', t);
  // One-shot signing creates and drops a signer inside wasm on every call.
  const oneShot = growthAfterWarmUp(1_000, 100_000, () => {
    signOpenBody({ appId: APP_ID, appKey: KEY, body: V1_BODY, timestamp: TS, nonce: NONCE });
  });
  assertBounded(oneShot, '100,000 one-shot signOpenBody calls', t);

  // Control: the measurement does see signers that are kept, so the bounds above mean something.
  const kept = [];
  const held = growthAfterWarmUp(0, 20_000, () => kept.push(new OpenBodySigner({ appId: APP_ID, appKey: KEY })));
  t.diagnostic(`control, 20,000 signers kept alive: growth ${held.growth} bytes`);
  assert.ok(held.growth > 10 * PAGE, `keeping 20,000 signers grew memory by only ${held.growth} bytes`);
  for (const signer of kept) signer.free();
});

test('signers that are never freed are released by the FinalizationRegistry once collected', async (t) => {
  const batch = async () => {
    for (let i = 0; i < 1_000; i++) new OpenBodySigner({ appId: APP_ID, appKey: KEY });
    collectGarbage();
    // Finalization callbacks run as tasks after the collection.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  };
  for (let i = 0; i < 5; i++) await batch();
  const before = wasmMemoryBytes();
  for (let i = 0; i < 100; i++) await batch();
  const growth = wasmMemoryBytes() - before;
  // Without finalization 100,000 signers (over 200 bytes of key state each) would need
  // hundreds of pages; with it the memory is reused.
  assertBounded({ before, growth }, '100,000 signers left to the garbage collector', t);
});

test('100,000 one-call bills signatures (credentials or a signer) do not grow wasm memory after warm-up', (t) => {
  const input = JSON.parse(V1_BODY);
  const options = { env: 'test', now: TS_MS, timestamp: TS, nonce: NONCE };
  const signer = new OpenBodySigner({ appId: APP_ID, appKey: KEY });
  let withSigner;
  const held = growthAfterWarmUp(5_000, 100_000, () => {
    withSigner = bills.preauthCancel.sign(input, { ...options, signer });
  });
  signer.free();
  let withKey;
  const oneShot = growthAfterWarmUp(2_000, 50_000, () => {
    withKey = bills.preauthCancel.sign(input, { ...options, appId: APP_ID, appKey: KEY });
  });
  assert.equal(withSigner.body, V1_BODY);
  assert.deepEqual(withKey, withSigner, 'the same request either way');
  assertBounded(held, '100,000 bills.preauthCancel.sign calls with a signer', t);
  assertBounded(oneShot, '50,000 bills.preauthCancel.sign calls with the credentials', t);
});

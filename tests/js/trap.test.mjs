// Issue 17, a trap never outlives its call (Node; workerd and Chromium run the same checks in
// tests/packaging). tests/.tmp/trap-pkg is the package over a wasm built with the `test-trap`
// feature (scripts/build.sh --test-build): its glue exports force_trap(kind). A forced trap —
// `unreachable`, a stack overflow, an out-of-bounds access — must be a ChinaumsError ERR_INTERNAL
// saying the call did not complete; the next call runs on a fresh instance and gives the vectors;
// signers, token holders and clients made before throw ERR_CORE_RESTARTED, ones made after work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

const TRAP_PKG = new URL('../.tmp/trap-pkg/', import.meta.url);
assert.ok(existsSync(new URL('dist/chinaums_open.js', TRAP_PKG)), 'tests/.tmp/trap-pkg is missing: run scripts/build.sh --test-build');

// The package's own modules: the same instances the API uses (one module graph per URL).
const api = await import(new URL('src/node.js', TRAP_PKG));
const { call } = await import(new URL('src/boundary.js', TRAP_PKG));
const glue = await import(new URL('dist/chinaums_open.js', TRAP_PKG));

const { cases } = JSON.parse(readFileSync(new URL('../vectors/open-body-sig.json', import.meta.url), 'utf8'));
const V1 = cases.find((c) => c.name.startsWith('V1-'));
const V1_MS = Date.UTC(2025, 0, 1, 19, 4, 5);
const CREDENTIALS = { appId: V1.appId, appKey: V1.appKey };
const FIXED = { timestamp: V1.timestamp, nonce: V1.nonce };
const INPUT = { mid: '898201612345678', tid: '88880001', billNo: '3194202501020304050001', billDate: '2025-01-02', merOrderId: '31942025010203040500010', authIdRespCd: '000665' };
const QUERY = { mid: '898201612345678', tid: '88880001', billNo: '3194202501020304050001', billDate: '2025-01-02' };
const KINDS = ['unreachable', 'stack', 'memory'];

/** Every error the package throws is its own class. */
function assertCode(fn, code, what) {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof api.ChinaumsError, `${what}: ${error?.stack ?? error}`);
    assert.equal(error.code, code, `${what}: ${error.message}`);
    return true;
  });
}

/** A client over a fetch stub that answers SUCCESS. */
function client() {
  return new api.ChinaumsClient({
    ...CREDENTIALS,
    baseUrl: 'http://127.0.0.1:9',
    fetch: async () => ({ status: 200, headers: new Headers(), text: async () => '{"errCode":"SUCCESS","billStatus":"PAID"}' }),
  });
}

/** The package works: the vectors sign, a bills request signs, memory can be read. */
function assertHealthy(what) {
  const signed = api.signOpenBody({ ...CREDENTIALS, body: V1.body, ...FIXED });
  assert.equal(signed.signature, V1.signature, `${what}: signOpenBody`);
  const digest = createHash('sha256').update(V1.body).digest('hex');
  assert.equal(signed.signature, createHmac('sha256', V1.appKey).update(`${V1.appId}${V1.timestamp}${V1.nonce}${digest}`).digest('base64'), `${what}: node:crypto`);
  const request = api.bills.preauthCancel.sign(INPUT, { env: 'test', now: V1_MS, ...CREDENTIALS, ...FIXED });
  assert.deepEqual([request.body, request.headers.Authorization], [V1.body, V1.authorization], `${what}: bills.preauthCancel.sign`);
  const bytes = api.wasmMemoryBytes();
  assert.ok(Number.isInteger(bytes) && bytes > 0 && bytes % 65536 === 0, `${what}: wasmMemoryBytes ${bytes}`);
  // Errors from the core are still the package's class (registered on the new instance).
  assertCode(() => api.signOpenBody({ appId: V1.appId, body: '{}' }), 'ERR_FIELD_REQUIRED', `${what}: a core error`);
}

/** Forces a trap of `kind` through the package's own call wrapper; returns what it threw. */
function forceTrap(kind) {
  try {
    call(() => glue.force_trap(kind));
  } catch (error) {
    return error;
  }
  assert.fail(`force_trap(${kind}) returned`);
}

test('the trap build is the package plus force_trap, and works before any trap', () => {
  assert.equal(typeof glue.force_trap, 'function');
  assert.deepEqual(Object.keys(api).sort(), Object.keys(api).filter((name) => name !== 'force_trap').sort(), 'force_trap is not part of the API');
  assertHealthy('before');
});

for (const kind of KINDS) {
  test(`a forced '${kind}' trap: ERR_INTERNAL, then a fresh instance; objects made before say ERR_CORE_RESTARTED`, async () => {
    const signer = new api.OpenBodySigner(CREDENTIALS);
    const holder = new api.AccessTokenHolder().update({ accessToken: 'tok', expiresIn: 3600, expiresAt: V1_MS + 3_600_000 });
    const before = client();
    // All work before the trap.
    assert.equal(signer.sign(V1.body, FIXED).authorization, V1.authorization);
    assert.equal(holder.authorization(V1_MS), 'OPEN-ACCESS-TOKEN AccessToken=tok');
    assert.equal((await before.bills.query(QUERY)).billStatus, 'PAID');

    const error = forceTrap(kind);
    assert.ok(error instanceof api.ChinaumsError, `${kind}: ${error?.stack ?? error}`);
    assert.equal(error.code, 'ERR_INTERNAL');
    assert.match(error.message, /did not complete/);
    assert.match(error.message, /restarted/);
    // It really trapped: a RuntimeError (a stack overflow may surface as V8's RangeError).
    assert.match(error.message, kind === 'stack' ? /\((RuntimeError|RangeError): / : /\(RuntimeError: /);
    assert.equal(error.field, null);

    // The next call runs on a fresh instance.
    assertHealthy(`after '${kind}'`);

    // Made before: a typed error saying to make them again (their key state went with the old memory).
    assertCode(() => signer.sign(V1.body, FIXED), 'ERR_CORE_RESTARTED', 'OpenBodySigner#sign');
    assertCode(() => signer.signRequest({ body: V1.body }, FIXED), 'ERR_CORE_RESTARTED', 'OpenBodySigner#signRequest');
    assertCode(() => api.bills.preauthCancel.sign(INPUT, { env: 'test', signer, ...FIXED }), 'ERR_CORE_RESTARTED', 'bills.preauthCancel.sign with the old signer');
    assertCode(() => holder.authorization(V1_MS), 'ERR_CORE_RESTARTED', 'AccessTokenHolder#authorization');
    assertCode(() => holder.needsRefresh(V1_MS), 'ERR_CORE_RESTARTED', 'AccessTokenHolder#needsRefresh');
    assertCode(() => holder.update({ accessToken: 't', expiresIn: 1, expiresAt: 1 }), 'ERR_CORE_RESTARTED', 'AccessTokenHolder#update');
    assertCode(() => holder.toJSON(), 'ERR_CORE_RESTARTED', 'AccessTokenHolder#toJSON');
    for (const [what, promise] of [
      ['client.bills.query', before.bills.query(QUERY)],
      ['client.request', before.request('/v1/netpay/refund-query', { a: '1' })],
      ['client.cancelPreauth', before.cancelPreauth(INPUT)],
    ]) {
      await assert.rejects(promise, (e) => e instanceof api.ChinaumsError && e.code === 'ERR_CORE_RESTARTED', what);
    }
    // Freeing them is harmless; their public appId stays readable.
    assert.doesNotThrow(() => signer.free());
    assert.doesNotThrow(() => before.free());
    assert.equal(signer.appId, V1.appId);

    // Made after: they work.
    const fresh = new api.OpenBodySigner(CREDENTIALS);
    assert.equal(fresh.sign(V1.body, FIXED).authorization, V1.authorization);
    assert.deepEqual(api.bills.preauthCancel.sign(INPUT, { env: 'test', now: V1_MS, signer: fresh, ...FIXED }).headers.Authorization, V1.authorization);
    fresh.free();
    assert.equal(new api.AccessTokenHolder().update({ accessToken: 'tok', expiresIn: 3600, expiresAt: V1_MS + 3_600_000 }).authorization(V1_MS), 'OPEN-ACCESS-TOKEN AccessToken=tok');
    const after = client();
    try {
      assert.equal((await after.bills.query(QUERY)).billStatus, 'PAID');
      assert.equal((await after.request('/v1/netpay/refund-query', { a: '1' })).status, 200);
    } finally {
      after.free();
    }
  });
}

test('traps in a row: each is ERR_INTERNAL, each restart retires what was made since the last', () => {
  for (let round = 0; round < 3; round++) {
    for (const kind of KINDS) {
      const signer = new api.OpenBodySigner(CREDENTIALS);
      assert.equal(signer.sign(V1.body, FIXED).signature, V1.signature);
      assert.equal(forceTrap(kind).code, 'ERR_INTERNAL', `${kind} round ${round}`);
      assertCode(() => signer.sign(V1.body, FIXED), 'ERR_CORE_RESTARTED', `${kind} round ${round}`);
      assertHealthy(`${kind} round ${round}`);
    }
  }
});

test('a failing call that is not a trap (a typed error) restarts nothing', () => {
  const signer = new api.OpenBodySigner(CREDENTIALS);
  try {
    assertCode(() => api.bills.preauthCancel.build({}, { env: 'test' }), 'ERR_FIELD_REQUIRED', 'an invalid input');
    assertCode(() => api.verifyOpenBody({ authorization: V1.authorization, body: '{}', appKey: V1.appKey, now: V1_MS }), 'ERR_SIGNATURE_MISMATCH', 'a bad signature');
    assertCode(() => api.bills.query.parseResponse('['.repeat(100_000)), 'ERR_TOO_DEEP', 'a deep response');
    assert.equal(signer.sign(V1.body, FIXED).authorization, V1.authorization, 'the signer made before still works');
  } finally {
    signer.free();
  }
});

test('a hostile argument is no trap: a typed error naming it, and nothing made before is retired', () => {
  const revoked = () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  };
  const trapping = () => new Proxy({}, { getPrototypeOf: () => { throw new Error('trap boom'); }, get: () => { throw new Error('trap boom'); }, ownKeys: () => { throw new Error('trap boom'); } });
  const failures = [];
  for (const [kind, make] of [['a revoked Proxy', revoked], ['a Proxy whose traps throw', trapping]]) {
    const rows = [
      ['beijingTime', () => api.beijingTime(make()), 'epochMs'],
      ['openBodySig.bodyDigest', () => api.openBodySig.bodyDigest(make()), 'body'],
      ['signOpenBody body', () => api.signOpenBody({ ...CREDENTIALS, ...FIXED, body: make() }), 'body'],
      ['verifyOpenBody body', () => api.verifyOpenBody({ authorization: V1.authorization, appKey: V1.appKey, now: V1_MS, body: make() }), 'body'],
      ['bills.query.parseResponse', () => api.bills.query.parseResponse(make()), 'text'],
      ['signRequest headers', () => api.signRequest({ body: V1.body, headers: make() }, { ...CREDENTIALS, ...FIXED }), 'headers'],
      ['verifyResponseSignature headers', () => api.verifyResponseSignature({ body: V1.body, appKey: V1.appKey, headers: make() }), 'headers'],
    ];
    for (const [name, call, field] of rows) {
      const signer = new api.OpenBodySigner(CREDENTIALS);
      let error;
      try {
        call();
      } catch (e) {
        error = e;
      }
      const where = `${name}(${kind})`;
      if (!(error instanceof api.ChinaumsError)) failures.push(`${where}: threw ${error?.constructor?.name}: ${error?.message}`);
      else if (error.code === 'ERR_INTERNAL') failures.push(`${where}: ERR_INTERNAL (the core was restarted): ${error.message.slice(0, 120)}`);
      else if (error.field !== field) failures.push(`${where}: ${error.code} naming ${error.field}, expected ${field}`);
      try {
        if (signer.sign(V1.body, FIXED).authorization !== V1.authorization) failures.push(`${where}: a signer made before signs wrongly`);
      } catch (e) {
        failures.push(`${where}: a signer made before then threw ${e.code}`);
      } finally {
        signer.free();
      }
    }
  }
  assert.deepEqual(failures, []);
});

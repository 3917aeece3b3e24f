// The demo's Worker (examples/worker/) as a Worker, beyond the flow that demo.test.mjs checks
// from every backend: it resolves the package's workerd entry, keeps the appKey out of its
// files, takes time and nonces inside each request (workerd forbids them at module top level
// and freezes Date.now between I/O), and says what is wrong with a bad call.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGateway } from 'chinaums-open-gateway';
import { DEMO_BILL, DEMO_CREDENTIALS, DEMO_MSG_SRC_ID, DEMO_WORKER_BILL } from '../../examples/flow/demo-setup.mjs';
import { flowSucceeded } from '../../examples/flow/transcript.mjs';
import { startFlowWorker } from '../../examples/worker/flow-worker.mjs';

const WORKERD_ENTRY = realpathSync(fileURLToPath(new URL('../../pkg/src/workerd.js', import.meta.url)));

/** yyyyMMddHHmmss in Beijing time (UTC+8, no daylight saving), independently of the library. */
const beijingCompact = (ms) => new Date(ms + 8 * 3_600_000).toISOString().replace(/\D/g, '').slice(0, 14);

async function withWorker(credentials, fn) {
  const worker = await startFlowWorker({ credentials });
  try {
    return await fn(worker);
  } finally {
    await worker.stop();
  }
}

test("the Worker's bundle resolves chinaums-open to the workerd entry and keeps the .wasm a module of its own", () =>
  withWorker(DEMO_CREDENTIALS, async (worker) => {
    assert.equal(worker.resolved['chinaums-open'], WORKERD_ENTRY);
    assert.deepEqual(worker.files, ['chinaums_open_bg.wasm', 'worker.js']);
    const bundle = readFileSync(join(worker.dir, 'worker.js'), 'utf8');
    assert.doesNotMatch(bundle, /node:fs|readFileSync/);
  }));

test('the appKey reaches the Worker only as a secret binding: it is in none of the files workerd serves', () =>
  withWorker(DEMO_CREDENTIALS, async (worker) => {
    const files = readdirSync(worker.dir);
    assert.ok(files.includes('worker.js') && files.includes('config.capnp'));
    for (const file of files) {
      const bytes = readFileSync(join(worker.dir, file));
      assert.equal(bytes.includes(DEMO_CREDENTIALS.appKey), false, `${file} contains the appKey`);
    }
    // …and the Worker does use it: the flow signs with it and the gateway accepts the signatures.
    const gateway = await startGateway({ credentials: [{ ...DEMO_CREDENTIALS, msgSrcId: DEMO_MSG_SRC_ID }] });
    try {
      const result = await worker.runFlow({ gatewayUrl: gateway.url, msgSrcId: DEMO_MSG_SRC_ID, bill: DEMO_BILL });
      assert.equal(flowSucceeded(result.outcome), true, JSON.stringify(result.outcome));
    } finally {
      await gateway.close();
    }
  }));

test('without the secret bindings the Worker refuses to run the flow and names them', () =>
  withWorker({ appId: '', appKey: '' }, async (worker) => {
    await assert.rejects(
      worker.runFlow({ gatewayUrl: 'http://127.0.0.1:9', msgSrcId: DEMO_MSG_SRC_ID, bill: DEMO_BILL }),
      /answered 500: .*no CHINAUMS_APP_ID or CHINAUMS_APP_KEY binding/,
    );
  }));

test('the Worker takes the clock and fresh nonces inside each request (two flows in one workerd)', () =>
  withWorker(DEMO_CREDENTIALS, async (worker) => {
    // The gateway's clock is the real one, so it checks the Worker's timestamps (±300 s) and
    // refuses any nonce seen twice.
    const gateway = await startGateway({ credentials: [{ ...DEMO_CREDENTIALS, msgSrcId: DEMO_MSG_SRC_ID }] });
    try {
      const before = Date.now();
      const results = [];
      for (const bill of [DEMO_BILL, DEMO_WORKER_BILL]) {
        results.push(await worker.runFlow({ gatewayUrl: gateway.url, msgSrcId: DEMO_MSG_SRC_ID, bill }));
      }
      const after = Date.now();
      for (const result of results) assert.equal(flowSucceeded(result.outcome), true, JSON.stringify(result.outcome));

      const headers = results.flatMap((r) => r.steps.filter((s) => s.request).map((s) => s.request.headers.Authorization));
      assert.equal(headers.length, 8);
      const parsed = headers.map((h) => /Timestamp="(\d{14})", Nonce="([0-9a-f]{32})"/.exec(h));
      assert.ok(parsed.every(Boolean), headers.join('\n'));
      const nonces = parsed.map(([, , nonce]) => nonce);
      assert.equal(new Set(nonces).size, nonces.length, `a nonce repeats: ${nonces}`);
      // Whole seconds: the bounds are widened by one second each way for the truncation.
      const [low, high] = [beijingCompact(before - 1_000), beijingCompact(after + 1_000)];
      for (const [, timestamp] of parsed) assert.ok(timestamp >= low && timestamp <= high, `${timestamp} is not in [${low}, ${high}]`);
      for (const result of results) {
        const requestTimestamp = JSON.parse(result.steps[1].request.body).requestTimestamp.replace(/\D/g, '');
        assert.ok(requestTimestamp >= low && requestTimestamp <= high, `requestTimestamp ${requestTimestamp} is not now`);
      }
    } finally {
      await gateway.close();
    }
  }));

test('a request without a gateway URL or with a bad bill is 400 with the reason', () =>
  withWorker(DEMO_CREDENTIALS, async (worker) => {
    await assert.rejects(worker.runFlow({ msgSrcId: DEMO_MSG_SRC_ID, bill: DEMO_BILL }), /answered 400: .*gatewayUrl must be an http\(s\) URL/);
    const { billNo, ...noBillNo } = DEMO_BILL;
    assert.equal(typeof billNo, 'string');
    await assert.rejects(
      worker.runFlow({ gatewayUrl: 'http://127.0.0.1:9', msgSrcId: DEMO_MSG_SRC_ID, bill: noBillNo }),
      /answered 400: .*bill\.billNo must be a string/,
    );
    await assert.rejects(
      worker.runFlow({ gatewayUrl: 'http://127.0.0.1:9', msgSrcId: DEMO_MSG_SRC_ID, bill: DEMO_BILL, now: 'today' }),
      /answered 400: .*now must be epoch milliseconds/,
    );
  }));

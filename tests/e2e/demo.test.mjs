// The demo's flow (examples/flow/) end to end, and the demo command itself. Each backend runs
// the same runtime-neutral flow module against a fresh gateway emulator: Node.js in this
// process, and the demo's Worker (examples/worker/) in real workerd, started for each run with
// the credentials as its bindings, and given the test's clock and nonces as request data.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import * as lib from 'chinaums-open';
import { startGateway } from 'chinaums-open-gateway';
import { DEMO_BILL, DEMO_CREDENTIALS, DEMO_MSG_SRC_ID, DEMO_WORKER_BILL } from '../../examples/flow/demo-setup.mjs';
import { runPreauthCancelFlow } from '../../examples/flow/preauth-cancel-flow.mjs';
import { flowSucceeded, formatTranscript } from '../../examples/flow/transcript.mjs';
import { startFlowWorker } from '../../examples/worker/flow-worker.mjs';
import { FIXED_MS, manualClock, nonceSequence } from './helpers.mjs';

/** More than the flow signs (four requests): the Worker refuses to run short of nonces. */
const NONCES_PER_RUN = 8;

const BACKENDS = [
  { name: 'Node.js', run: (deps) => runPreauthCancelFlow({ lib, fetch, ...deps }) },
  {
    name: 'Cloudflare Worker (workerd)',
    async run({ credentials, now, nonce, ...request }) {
      const worker = await startFlowWorker({ credentials });
      try {
        return await worker.runFlow({
          ...request,
          ...(now ? { now: now() } : {}),
          ...(nonce ? { nonces: Array.from({ length: NONCES_PER_RUN }, nonce) } : {}),
        });
      } finally {
        await worker.stop();
      }
    },
  },
];

async function runFlow(backend, gatewayOptions = {}) {
  const clock = manualClock(FIXED_MS);
  const gateway = await startGateway({ credentials: [{ ...DEMO_CREDENTIALS, msgSrcId: DEMO_MSG_SRC_ID }], now: clock.now, ...gatewayOptions });
  try {
    const result = await backend.run({
      gatewayUrl: gateway.url,
      credentials: DEMO_CREDENTIALS,
      msgSrcId: DEMO_MSG_SRC_ID,
      bill: DEMO_BILL,
      now: clock.now,
      nonce: nonceSequence('flow'),
    });
    return { result, gateway, state: gateway.state.bill(DEMO_BILL.billNo, DEMO_BILL.billDate) };
  } finally {
    await gateway.close();
  }
}

for (const backend of BACKENDS) {
  test(`${backend.name} backend: the flow cancels, confirms CLOSED, and sees both must-fail requests refused`, async () => {
    const { result, state, gateway } = await runFlow(backend);
    assert.deepEqual(result.outcome, {
      cancelled: true,
      echoed: true,
      finalBillStatus: 'CLOSED',
      finalPaymentStatus: 'TRADE_CLOSED',
      tamperedStatus: 401,
      tamperedErrCode: 'BAD_SIGN',
      secondCancelErrCode: 'OPERATION_NOT_ALLOWED',
    });
    assert.equal(flowSucceeded(result.outcome), true);
    assert.equal(state.billStatus, 'CLOSED');
    const [validate, cancel, query] = result.steps;
    assert.equal(validate.ok, true);
    assert.equal(cancel.request.url, `${gateway.url}/v1/netpay/bills/preauth-cancel`);
    assert.match(cancel.request.body, /^\{"requestTimestamp":"2025-01-02 03:04:05","mid":"898201612345678",/);
    // The test's clock and nonces were used, in order, wherever the flow ran.
    assert.match(cancel.request.headers.Authorization, /Timestamp="20250102030405", Nonce="flow0{28}1"/);
    assert.match(query.request.headers.Authorization, /Timestamp="20250102030405", Nonce="flow0{28}2"/);
    assert.equal(query.response.parsed.billStatus, 'CLOSED');

    const everything = JSON.stringify(result) + formatTranscript(result, { backend: backend.name, gatewayUrl: gateway.url });
    assert.doesNotMatch(everything, new RegExp(DEMO_CREDENTIALS.appKey));
    for (const step of result.steps.filter((s) => s.request)) {
      assert.match(step.request.headers.Authorization, /, Signature="<redacted>"$/);
    }
    assert.doesNotMatch(everything, /Signature="[A-Za-z0-9+/]{43}="/);
  });

  test(`${backend.name} backend: the flow reports failure when the hold is already gone`, async () => {
    const { result } = await runFlow(backend, { fixtures: [{ ...DEMO_BILL, totalAmount: 2100, billStatus: 'CLOSED', paymentStatus: 'TRADE_CLOSED' }] });
    assert.equal(result.outcome.cancelled, false);
    assert.equal(flowSucceeded(result.outcome), false);
    assert.match(formatTranscript(result, { backend: backend.name, gatewayUrl: 'http://x' }), /Result: ✗/);
  });
}

test('the demo command prints a successful cancel and the CLOSED state from Node and from the Worker, without the key', { timeout: 60_000 }, async () => {
  const script = fileURLToPath(new URL('../../examples/node-preauth-cancel.mjs', import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'exit');
  assert.equal(code, 0, stdout + stderr);
  const [nodePart, workerPart] = stdout.split(/^Part 2 of 2: .*$/m);
  assert.ok(workerPart, `no Worker part in:\n${stdout}`);
  for (const [part, backend, bill] of [
    [nodePart, 'Node.js', DEMO_BILL],
    [workerPart, 'Cloudflare Worker \\(workerd\\)', DEMO_WORKER_BILL],
  ]) {
    assert.match(part, new RegExp(`a ${backend} backend voids a preauthorization`));
    assert.match(part, new RegExp(`✓ valid: bill ${bill.billNo} `));
    assert.match(part, /← 200 SUCCESS\n\s+billStatus CLOSED · billPayment.status TRADE_CLOSED/);
    assert.match(part, /Result: ✓ preauthorization cancelled; bills\/query confirms billStatus CLOSED/);
    assert.match(part, /← 401 BAD_SIGN/);
    assert.match(part, /← 200 OPERATION_NOT_ALLOWED/);
  }
  assert.match(workerPart, /workerd 1\.\d+\.\d+ serves examples\/worker\/worker\.mjs at http:\/\/127\.0\.0\.1:\d+\n/);
  assert.match(stdout, new RegExp(`✓ Node\\.js +bill ${DEMO_BILL.billNo}: cancelled; bills/query → billStatus CLOSED \\(the emulator holds CLOSED\\)`));
  assert.match(stdout, new RegExp(`✓ Cloudflare Worker \\(workerd\\) +bill ${DEMO_WORKER_BILL.billNo}: cancelled; bills/query → billStatus CLOSED`));
  assert.match(stdout, /✓ Both backends cancelled their preauthorization, and bills\/query shows CLOSED for each\.\n$/);
  assert.doesNotMatch(stdout + stderr, new RegExp(DEMO_CREDENTIALS.appKey));
});

// The demo's flow (examples/flow/) end to end, and the demo command itself. Each backend runs
// the same runtime-neutral flow module against a fresh gateway emulator.
//
// Seam for the Worker path: a `workerd` backend will start workerd with a Worker that imports
// the flow module and the package's workerd entry and returns the transcript as JSON; it is
// appended to BACKENDS and every assertion below applies to it unchanged.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import * as lib from 'chinaums-open';
import { startGateway } from 'chinaums-open/gateway';
import { DEMO_BILL, DEMO_CREDENTIALS, DEMO_MSG_SRC_ID } from '../../examples/flow/demo-setup.mjs';
import { runPreauthCancelFlow } from '../../examples/flow/preauth-cancel-flow.mjs';
import { flowSucceeded, formatTranscript } from '../../examples/flow/transcript.mjs';
import { FIXED_MS, manualClock, nonceSequence } from './helpers.mjs';

const BACKENDS = [{ name: 'Node.js', run: (deps) => runPreauthCancelFlow({ lib, fetch, ...deps }) }];

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

test('the demo command prints a successful cancel and the CLOSED state, without the key', { timeout: 60_000 }, async () => {
  const script = fileURLToPath(new URL('../../examples/node-preauth-cancel.mjs', import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  const [code] = await once(child, 'exit');
  assert.equal(code, 0, stdout);
  assert.match(stdout, /← 200 SUCCESS\n\s+billStatus CLOSED · billPayment.status TRADE_CLOSED/);
  assert.match(stdout, /Result: ✓ preauthorization cancelled; bills\/query confirms billStatus CLOSED/);
  assert.match(stdout, /← 401 BAD_SIGN/);
  assert.doesNotMatch(stdout, new RegExp(DEMO_CREDENTIALS.appKey));
});

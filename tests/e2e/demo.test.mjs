// The demo's flow (examples/flow/) end to end, and the demo command itself. Each backend runs
// the same runtime-neutral flow module against a fresh gateway emulator: Node.js in this
// process, and the demo's Worker (examples/worker/) in real workerd, started for each run with
// the credentials as its bindings, and given the test's clock and nonces as request data.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as lib from 'chinaums-open';
import { startGateway } from 'chinaums-open-gateway';
import { DEMO_BILL, DEMO_CREDENTIALS, DEMO_MSG_SRC_ID } from '../../examples/flow/demo-setup.mjs';
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
    // What explainSignature said of the changed body is what the gateway expected to be signed.
    const tampered = result.steps[3];
    const [badSign] = gateway.state.requests().filter((r) => r.errCode === 'BAD_SIGN').map((r) => r.badSign);
    assert.equal(tampered.diagnosis.expected, badSign.stringToSign);
    assert.equal(tampered.diagnosis.sentDigest, badSign.bodyDigest);
    assert.notEqual(tampered.diagnosis.signedDigest, badSign.bodyDigest);

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

test('the demo command tells the story from get-qrcode to a recovered cancel, from Node and from the Worker, without the key', { timeout: 90_000 }, async () => {
  const script = fileURLToPath(new URL('../../examples/node-preauth-cancel.mjs', import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'exit');
  assert.equal(code, 0, stdout + stderr);
  const [, nodePart, workerPart, piecesPart] = stdout.split(/^Part \d of 3: .*$/m);
  assert.ok(piecesPart, `the demo has not three parts:\n${stdout}`);
  for (const part of [nodePart, workerPart]) {
    assert.match(part, /Create a preauth bill \(bills\/get-qrcode, preauthTransaction "true"\)\n {3}← SUCCESS · qrCodeId 3194QR\d{16} · QR code http:\/\/127\.0\.0\.1:\d+\/cashier\/qrcode\?qrCodeId=3194QR\d{16}\n/);
    assert.match(part, /frozen: merOrderId 3194\w+, authIdRespCd \d{6}/);
    // The path taken: query → cancel (its answer lost) → query → already-cancelled.
    assert.match(part, /→ bills\/query +← 200 SUCCESS\n +→ bills\/preauth-cancel +no answer: .*may or may not have been applied.*\n +→ bills\/query +← 200 SUCCESS\n +outcome: already-cancelled \(billStatus CLOSED\)/);
    assert.match(part, /Confirm with bills\/query\n {3}← SUCCESS · billStatus CLOSED · billPayment.status TRADE_CLOSED/);
    assert.match(part, /Result: ✓ query → cancel \(no answer\) → query → already-cancelled; billStatus CLOSED\./);
  }
  assert.match(workerPart, /workerd 1\.\d+\.\d+ serves examples\/worker\/worker\.mjs at http:\/\/127\.0\.0\.1:\d+\n/);
  assert.match(piecesPart, new RegExp(`✓ valid: bill ${DEMO_BILL.billNo} `));
  assert.match(piecesPart, /← 401 BAD_SIGN/);
  // explainSignature over the bytes sent gives the string the gateway logged it expected.
  const [, shown] = /explainSignature: signed SHA-256 [0-9a-f]{16}…, sent [0-9a-f]{16}…; the gateway expected "([0-9a-zA-Z]+)"/.exec(piecesPart) ?? [];
  assert.ok(shown, piecesPart);
  assert.ok(piecesPart.includes(`the gateway expected the string to sign "${shown}"`), piecesPart);
  assert.match(piecesPart, /← 200 OPERATION_NOT_ALLOWED/);
  assert.match(stdout, /✓ Node\.js +query → cancel \(no answer\) → query → already-cancelled; billStatus CLOSED/);
  assert.match(stdout, /✓ Cloudflare Worker \(workerd\) +query → cancel \(no answer\) → query → already-cancelled; billStatus CLOSED/);
  assert.match(stdout, /✓ Every backend recovered from the lost answer with one cancel, and bills\/query shows CLOSED\.\n$/);
  assert.doesNotMatch(stdout + stderr, new RegExp(DEMO_CREDENTIALS.appKey));
});

test('examples/sign-preauth-cancel.mjs validates, signs and explains a request, and never prints the key or the Signature', { timeout: 30_000 }, async () => {
  const script = fileURLToPath(new URL('../../examples/sign-preauth-cancel.mjs', import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  const [code] = await once(child, 'exit');
  assert.equal(code, 0, stdout);
  assert.match(stdout, /billno: unknown field "billno" .*did you mean billNo\? \[ERR_UNKNOWN_FIELD\]/);
  const [, body] = /^ {3}body +(\{.*\})$/m.exec(stdout) ?? [];
  assert.ok(body, stdout);
  assert.equal(JSON.parse(body).srcReserve, '预授权撤销测试');
  const [, timestamp, nonce] = /Timestamp="(\d{14})", Nonce="([0-9a-f]{32})", Signature="<redacted>"/.exec(stdout) ?? [];
  assert.ok(nonce, stdout);
  // The string to sign it shows is AppId + Timestamp + Nonce + the SHA-256 of the body printed.
  const digest = createHash('sha256').update(body, 'utf8').digest('hex');
  assert.match(stdout, new RegExp(`string to sign +${DEMO_CREDENTIALS.appId}${timestamp}${nonce}${digest} `));
  assert.match(stdout, /5\. self-check: the header verifies for AppId a1b2c3d4e5f60718293a4b5c6d7e8f90/);
  assert.doesNotMatch(stdout, new RegExp(DEMO_CREDENTIALS.appKey));
  assert.doesNotMatch(stdout, /Signature="[A-Za-z0-9+/]{43}="/);
});

// The project's demo (./scripts/demo.sh): a local ChinaUMS gateway emulator, and two merchant
// backends that use chinaums-open to validate, build, sign and send a preauth-cancel request,
// read the answer, and confirm the final state with bills/query:
//   1. a Node.js backend (this process, Node's fetch);
//   2. the same flow from a Cloudflare Worker in real workerd (examples/worker/), which gets the
//      appKey as a secret binding and fetches the same gateway over 127.0.0.1.
// Prints both transcripts (signatures redacted, the key never shown) and a summary; exits
// non-zero if any step did not end as the platform's flow says it must.
//
//   node examples/node-preauth-cancel.mjs

import * as lib from 'chinaums-open';
import { startGateway } from 'chinaums-open-gateway';
import { DEMO_BILL, DEMO_CREDENTIALS, DEMO_MSG_SRC_ID, DEMO_WORKER_BILL } from './flow/demo-setup.mjs';
import { runPreauthCancelFlow } from './flow/preauth-cancel-flow.mjs';
import { flowSucceeded, formatTranscript } from './flow/transcript.mjs';
import { startFlowWorker } from './worker/flow-worker.mjs';

const NODE_BACKEND = 'Node.js';
const WORKER_BACKEND = 'Cloudflare Worker (workerd)';

const gatewayLog = [];
const gateway = await startGateway({
  credentials: [{ ...DEMO_CREDENTIALS, msgSrcId: DEMO_MSG_SRC_ID }],
  log: (line) => gatewayLog.push(line),
});
let worker = null;

const cleanUp = async () => {
  await worker?.stop();
  await gateway.close();
};
// Ctrl-C or a kill while workerd runs: stop it and free the ports before leaving.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => cleanUp().finally(() => process.exit(130)));
}

const heading = (text) => `${'='.repeat(text.length)}\n${text}\n${'='.repeat(text.length)}\n`;
let logShown = 0;
function printGatewayLog() {
  console.log('\nThe gateway saw:');
  for (const line of gatewayLog.slice(logShown)) console.log(`  ${line}`);
  logShown = gatewayLog.length;
}

/** One summary line per backend, from its transcript and the emulator's own record. */
function summaryLine(backend, bill, result) {
  const ok = result !== null && flowSucceeded(result.outcome);
  const state = gateway.state.bill(bill.billNo, bill.billDate);
  const what = result
    ? `${result.outcome.cancelled ? 'cancelled' : 'NOT cancelled'}; bills/query → billStatus ${result.outcome.finalBillStatus}`
    : 'did not run';
  return `  ${ok ? '✓' : '✗'} ${backend.padEnd(WORKER_BACKEND.length)}  bill ${bill.billNo}: ${what} (the emulator holds ${state?.billStatus})`;
}

const results = { node: null, worker: null };
try {
  console.log(heading(`Part 1 of 2: a ${NODE_BACKEND} backend`));
  results.node = await runPreauthCancelFlow({
    lib,
    fetch,
    gatewayUrl: gateway.url,
    credentials: DEMO_CREDENTIALS,
    msgSrcId: DEMO_MSG_SRC_ID,
    bill: DEMO_BILL,
  });
  console.log(formatTranscript(results.node, { backend: NODE_BACKEND, gatewayUrl: gateway.url }));
  printGatewayLog();

  console.log(`\n${heading(`Part 2 of 2: the same flow from a ${WORKER_BACKEND}`)}`);
  try {
    const started = performance.now();
    worker = await startFlowWorker({ credentials: DEMO_CREDENTIALS });
    console.log(
      [
        `workerd ${worker.version} serves examples/worker/worker.mjs at ${worker.url}`,
        `(bundled with the package's workerd export condition, started in ${Math.round(performance.now() - started)} ms).`,
        'The appKey reaches the Worker as a secret binding (CHINAUMS_APP_KEY); the Worker fetches the gateway itself.',
        `It cancels the gateway's other frozen preauthorization, bill ${DEMO_WORKER_BILL.billNo}.\n`,
      ].join('\n'),
    );
    results.worker = await worker.runFlow({ gatewayUrl: gateway.url, msgSrcId: DEMO_MSG_SRC_ID, bill: DEMO_WORKER_BILL });
    console.log(formatTranscript(results.worker, { backend: WORKER_BACKEND, gatewayUrl: gateway.url }));
    printGatewayLog();
  } catch (error) {
    console.log(`✗ the Worker part could not run: ${error.message}`);
  }

  const allOk = results.node !== null && results.worker !== null && flowSucceeded(results.node.outcome) && flowSucceeded(results.worker.outcome);
  console.log(`\n${heading('Summary')}`);
  console.log(summaryLine(NODE_BACKEND, DEMO_BILL, results.node));
  console.log(summaryLine(WORKER_BACKEND, DEMO_WORKER_BILL, results.worker));
  console.log(
    allOk
      ? '\n✓ Both backends cancelled their preauthorization, and bills/query shows CLOSED for each.'
      : '\n✗ The demo did not end as expected (see above).',
  );
  if (!allOk) process.exitCode = 1;
} finally {
  await cleanUp();
}

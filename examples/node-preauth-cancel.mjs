// The project's demo (./scripts/demo.sh): a local ChinaUMS gateway emulator and merchant
// backends that use chinaums-open.
//   1. Node.js: the whole life of a preauthorization: a preauth bill created with
//      bills/get-qrcode, frozen by the payer, then cancelled with ChinaumsClient.cancelPreauth
//      while the gateway loses the first cancel's answer (examples/flow/preauth-story.mjs);
//   2. the same recovery from a Cloudflare Worker in real workerd (examples/worker/), which gets
//      the appKey as a secret binding and fetches the gateway over 127.0.0.1 itself;
//   3. the pieces under the client: validate a preauth-cancel, sign it (built and signed in
//      one call), send it with fetch, and two requests that must fail
//      (examples/flow/preauth-cancel-flow.mjs).
// Prints the transcripts (signatures redacted, the key never shown) and a summary; exits
// non-zero if any part did not end as the platform's rules say it must.
//
//   node examples/node-preauth-cancel.mjs

import * as lib from 'chinaums-open';
import { startGateway } from 'chinaums-open-gateway';
import { DEMO_BILL, DEMO_CREDENTIALS, DEMO_MSG_SRC_ID } from './flow/demo-setup.mjs';
import { runPreauthCancelFlow } from './flow/preauth-cancel-flow.mjs';
import { formatStory, newBillNo, runPreauthStory, storySucceeded } from './flow/preauth-story.mjs';
import { flowSucceeded, formatTranscript } from './flow/transcript.mjs';
import { startFlowWorker } from './worker/flow-worker.mjs';

const NODE_BACKEND = 'Node.js';
const WORKER_BACKEND = 'Cloudflare Worker (workerd)';
const MERCHANT = Object.freeze({ mid: DEMO_BILL.mid, tid: DEMO_BILL.tid });

const gatewayLog = [];
const gateway = await startGateway({
  credentials: [{ ...DEMO_CREDENTIALS, msgSrcId: DEMO_MSG_SRC_ID }],
  log: (line) => gatewayLog.push(line),
});
const client = new lib.ChinaumsClient({ ...DEMO_CREDENTIALS, baseUrl: gateway.url, msgSrcId: DEMO_MSG_SRC_ID, timeoutMs: 5000 });
let worker = null;

const cleanUp = async () => {
  client.free();
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

const today = lib.beijingTime(Date.now());
let bills = 0;
/** The story on a new bill, with `recover` run where the part says. */
const story = (recover) =>
  runPreauthStory({
    lib,
    client,
    merchant: MERCHANT,
    billNo: newBillNo(DEMO_MSG_SRC_ID, today, (bills += 1)),
    billDate: today.date,
    pay: (bill) => gateway.pay(bill),
    loseNextCancelAnswer: () => gateway.inject('answer-lost', { path: lib.bills.preauthCancel.path }),
    recover,
  });

const summary = [];
const record = (ok, line) => summary.push(`  ${ok ? '✓' : '✗'} ${line}`);
try {
  console.log(heading(`Part 1 of 3: a ${NODE_BACKEND} backend, from get-qrcode to a recovered cancel`));
  const node = await story((input) => client.cancelPreauth(input));
  console.log(formatStory(node, { backend: NODE_BACKEND }));
  printGatewayLog();
  record(storySucceeded(node.outcome), `${NODE_BACKEND.padEnd(WORKER_BACKEND.length)}  ${node.outcome.path?.join(' → ')} → ${node.outcome.recovery}; billStatus ${node.outcome.finalBillStatus}`);

  console.log(`\n${heading(`Part 2 of 3: the same recovery from a ${WORKER_BACKEND}`)}`);
  try {
    const started = performance.now();
    worker = await startFlowWorker({ credentials: DEMO_CREDENTIALS });
    console.log(
      [
        `workerd ${worker.version} serves examples/worker/worker.mjs at ${worker.url}`,
        `(bundled with the package's workerd export condition, started in ${Math.round(performance.now() - started)} ms).`,
        'The appKey reaches the Worker as a secret binding (CHINAUMS_APP_KEY); the Worker runs cancelPreauth with its own fetch.\n',
      ].join('\n'),
    );
    const inWorker = await story((input) => worker.recover({ gatewayUrl: gateway.url, msgSrcId: DEMO_MSG_SRC_ID, input }));
    console.log(formatStory(inWorker, { backend: WORKER_BACKEND }));
    printGatewayLog();
    record(storySucceeded(inWorker.outcome), `${WORKER_BACKEND}  ${inWorker.outcome.path?.join(' → ')} → ${inWorker.outcome.recovery}; billStatus ${inWorker.outcome.finalBillStatus}`);
  } catch (error) {
    console.log(`✗ the Worker part could not run: ${error.message}`);
    record(false, `${WORKER_BACKEND}  did not run`);
  }

  console.log(`\n${heading('Part 3 of 3: the pieces under the client (validate, sign, send)')}`);
  const pieces = await runPreauthCancelFlow({ lib, fetch, gatewayUrl: gateway.url, credentials: DEMO_CREDENTIALS, msgSrcId: DEMO_MSG_SRC_ID, bill: DEMO_BILL });
  console.log(formatTranscript(pieces, { backend: NODE_BACKEND, gatewayUrl: gateway.url }));
  printGatewayLog();
  record(flowSucceeded(pieces.outcome), `${'By hand'.padEnd(WORKER_BACKEND.length)}  bill ${DEMO_BILL.billNo}: cancelled; a changed body → 401 BAD_SIGN; a second cancel → OPERATION_NOT_ALLOWED`);

  const allOk = summary.length === 3 && summary.every((line) => line.startsWith('  ✓'));
  console.log(`\n${heading('Summary')}`);
  for (const line of summary) console.log(line);
  console.log(allOk ? '\n✓ Every backend recovered from the lost answer with one cancel, and bills/query shows CLOSED.' : '\n✗ The demo did not end as expected (see above).');
  if (!allOk) process.exitCode = 1;
} finally {
  await cleanUp();
}

// The demo's fourth part (./scripts/demo.sh): a preauthorization whose cancel answer is lost
// because the Worker itself dies, recovered by the order's Durable Object after the restart.
//
//   1. a merchant backend creates a preauth bill (bills/get-qrcode) and the payer freezes it;
//   2. the Worker (examples/durable-object/worker.mjs, in real workerd) is asked to recover the
//      hold: its PreauthRecovery object queries, then cancels; the gateway applies the cancel
//      and holds the answer back;
//   3. workerd is killed with SIGKILL while that answer is on its way, then started again on
//      the same storage;
//   4. nobody asks it anything: the object's alarm, kept in its storage, resumes the recovery.
//      The cancel's answer is lost, so it queries first, finds the hold voided, and delivers
//      the outcome (already-cancelled) to the merchant's receiver, with its idempotency key.
// Prints the story (the key never shown) and exits non-zero unless it ends that way, with one
// cancel sent.
//
//   node examples/durable-object/demo.mjs

import * as lib from 'chinaums-open';
import { startGateway } from 'chinaums-open-gateway';
import { DEMO_CREDENTIALS, DEMO_MSG_SRC_ID } from '../flow/demo-setup.mjs';
import { newBillNo } from '../flow/preauth-story.mjs';
import { startOutcomeReceiver, startRecoveryWorker } from './workerd.mjs';

const MERCHANT = Object.freeze({ mid: '898201612345678', tid: '88880001' });
const TIMEOUT_MS = 2_000;
const heading = (text) => `${'='.repeat(text.length)}\n${text}\n${'='.repeat(text.length)}\n`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check, what, withinMs = 30_000) {
  const deadline = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await sleep(20);
  }
}

const gatewayLog = [];
const gateway = await startGateway({ credentials: [{ ...DEMO_CREDENTIALS, msgSrcId: DEMO_MSG_SRC_ID }], log: (line) => gatewayLog.push(line) });
const receiver = await startOutcomeReceiver();
const client = new lib.ChinaumsClient({ ...DEMO_CREDENTIALS, baseUrl: gateway.url, msgSrcId: DEMO_MSG_SRC_ID, timeoutMs: 5_000 });
let worker = null;
const cleanUp = async () => {
  client.free();
  await worker?.stop();
  await receiver.close();
  await gateway.close();
};
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => cleanUp().finally(() => process.exit(130)));

let shown = 0;
const newLogLines = () => {
  const lines = gatewayLog.slice(shown).map((line) => `   gateway: ${line}`);
  shown = gatewayLog.length;
  return lines.join('\n');
};

let ok = false;
try {
  console.log(heading('Part 4: a Durable Object recovers a hold across a Worker restart'));
  const today = lib.beijingTime(Date.now());
  const bill = { ...MERCHANT, billNo: newBillNo(DEMO_MSG_SRC_ID, today, 4), billDate: today.date };
  const created = await client.request(lib.bills.getQrcode.path, { ...bill, totalAmount: 2100, billDesc: '押金 deposit for a rented bike', preauthTransaction: 'true' });
  if (created.response?.ok !== true) throw new Error(`get-qrcode answered ${created.status} ${created.text}`);
  const frozen = await gateway.pay(bill);
  const input = { ...bill, merOrderId: frozen.merOrderId, authIdRespCd: frozen.authIdRespCd };
  console.log(`1. A preauth bill ${bill.billNo} is created and the payer freezes 21.00 yuan (merOrderId ${input.merOrderId}).`);
  console.log(newLogLines());

  const started = performance.now();
  worker = await startRecoveryWorker({
    credentials: DEMO_CREDENTIALS,
    baseUrl: gateway.url,
    msgSrcId: DEMO_MSG_SRC_ID,
    timeoutMs: TIMEOUT_MS,
    schedule: { baseDelayMs: 1_000, maxDelayMs: 10_000, deadlineMs: 3_600_000 },
    outcomeAddress: receiver.address,
  });
  console.log(
    `\n2. workerd ${worker.version} serves examples/durable-object/worker.mjs at ${worker.url} (started in ${Math.round(performance.now() - started)} ms),\n` +
      '   with the PreauthRecovery Durable Object (SQLite storage on a local disk) and the appKey as a secret binding.\n' +
      '   The gateway will apply the next cancel and hold its answer back.',
  );
  gateway.inject('answer-late', { path: lib.bills.preauthCancel.path, delayMs: 60_000 });
  const asked = fetch(`${worker.url}/recover`, { method: 'POST', body: JSON.stringify(input) }).catch((error) => error);
  await until(() => gateway.state.requests().some((r) => r.path === lib.bills.preauthCancel.path && r.applied), 'the cancel applied');
  console.log(`   POST /recover → the order's object (idFromName("${input.merOrderId}")):`);
  console.log(newLogLines());
  // The gateway logs a request once it is answered; this one's answer is held back.
  console.log(`   gateway: POST ${lib.bills.preauthCancel.path} → applied (billStatus ${gateway.state.bill(bill.billNo, bill.billDate).billStatus}), answer held back`);

  await worker.kill();
  const failed = await asked;
  console.log(`\n3. workerd is killed with SIGKILL while the cancel's answer is on its way (the caller sees: ${failed instanceof Error ? failed.message : `HTTP ${failed.status}`}).`);
  console.log('   The object had stored "cancel in flight" before sending it, and an alarm past the request\'s timeout.');
  await worker.start();
  console.log(`\n4. workerd is started again on the same storage (${worker.url}). Nobody asks it anything; the object's alarm resumes the recovery:`);
  await until(() => receiver.deliveries.length > 0, 'the outcome delivered');
  console.log(newLogLines());
  const [delivery] = receiver.deliveries;
  const { message } = delivery;
  console.log(`   → delivered to the merchant (PREAUTH_OUTCOME, Idempotency-Key ${delivery.idempotencyKey}):`);
  console.log(`     outcome ${message.outcome}, ${message.attempts} requests, billStatus ${message.bill?.billStatus}`);

  // The receiver has the outcome; the object records the acknowledgement once the receiver's
  // answer reaches it, a moment later.
  let status;
  await until(async () => {
    status = await (await fetch(`${worker.url}/status?merOrderId=${input.merOrderId}`)).json();
    return status.delivered === true;
  }, 'the delivery acknowledged', 10_000).catch(() => {});
  const confirmed = await client.request(lib.bills.query.path, bill);
  const cancels = gateway.state.requests().filter((r) => r.path === lib.bills.preauthCancel.path);
  console.log(`\n5. GET /status → state ${status.state}, outcome ${status.outcome}, delivered ${status.delivered}; bills/query → billStatus ${confirmed.response?.billStatus}.`);
  ok = message.outcome === 'already-cancelled' && status.delivered === true && confirmed.response?.billStatus === 'CLOSED' && cancels.length === 1 && cancels[0].applied;
  console.log(
    ok
      ? '\n✓ The Durable Object recovered the lost answer across the restart: query → cancel (answer lost with the Worker) → query → already-cancelled, one cancel sent.'
      : `\n✗ The durable recovery did not end as expected (${cancels.length} cancels sent).`,
  );
} catch (error) {
  console.log(`✗ the durable recovery part could not run: ${error.message}`);
} finally {
  if (!ok) process.exitCode = 1;
  await cleanUp();
}

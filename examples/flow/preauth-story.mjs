// The whole life of a preauthorization, as the demo tells it: a merchant backend creates a
// preauth bill (bills/get-qrcode with preauthTransaction), the payer scans it and the funds
// are frozen, and the merchant cancels the hold with ChinaumsClient.cancelPreauth while the
// gateway loses the answer to the first cancel, the moment the preauth-cancel API exists for.
//
// Runtime-neutral: the host hands in what only it has. `client` is a ChinaumsClient (the
// library over the host's fetch); `pay` plays the payer (the emulator's gateway.pay);
// `loseNextCancelAnswer` arms the emulator's 'answer-lost' fault; `recover` runs
// cancelPreauth, in this process or in a Worker. It returns a transcript of plain data.

/** A bill number of the merchant's: the msgSrcId, then the instant, then a counter. */
export function newBillNo(msgSrcId, beijing, counter) {
  return `${msgSrcId}${beijing.compact}${String(counter).padStart(4, '0')}`;
}

const brief = (response) => ({ errCode: response.errCode, billStatus: response.billStatus, status: response.billPayment?.status ?? null });
/** What a rejection says: its code, and for a platform refusal the platform's code, status and message. */
const failure = (error) => ({ code: error.code ?? null, platformCode: error.platformCode ?? null, status: error.status ?? null, message: error.message });

/**
 * @param {object} deps
 * @param {object} deps.lib the chinaums-open module namespace
 * @param {object} deps.client a ChinaumsClient
 * @param {{ mid: string, tid: string }} deps.merchant
 * @param {string} deps.billNo a new bill number (newBillNo)
 * @param {string} deps.billDate `yyyy-MM-dd`, Beijing time
 * @param {(bill: { billNo: string, billDate: string }) => Promise<{ merOrderId: string, authIdRespCd: string }>} deps.pay
 * @param {() => void} deps.loseNextCancelAnswer
 * @param {(input: object) => Promise<object>} deps.recover
 */
export async function runPreauthStory({ lib, client, merchant, billNo, billDate, pay, loseNextCancelAnswer, recover }) {
  const steps = [];
  const bill = { ...merchant, billNo, billDate };

  // client.bills.<operation> resolves with the parsed answer only when the platform says
  // SUCCESS; any refusal rejects (ERR_PLATFORM, with the platform's code and message), so a
  // story that goes on after the await knows the step worked.
  const createStep = { kind: 'create', title: 'Create a preauth bill (bills/get-qrcode, preauthTransaction "true")' };
  try {
    const created = await client.bills.getQrcode({
      ...bill,
      totalAmount: 2100,
      billDesc: '押金 deposit for a rented bike',
      preauthTransaction: 'true',
      goods: [{ goodsId: 'BIKE-7', goodsName: '自行车押金', quantity: 1, price: 2100 }],
    });
    steps.push({ ...createStep, answer: brief(created), qrCodeId: created.qrCodeId ?? null, qrCode: created.billQRCode ?? null });
  } catch (error) {
    steps.push({ ...createStep, error: failure(error) });
    return { steps, outcome: { created: false } };
  }

  const frozen = await pay(bill);
  steps.push({ kind: 'pay', title: 'The payer scans the code: 21.00 yuan frozen', merOrderId: frozen.merOrderId, authIdRespCd: frozen.authIdRespCd });

  loseNextCancelAnswer();
  steps.push({ kind: 'fault', title: 'The gateway will apply the next cancel, then drop the connection without an answer' });

  const input = { ...bill, merOrderId: frozen.merOrderId, authIdRespCd: frozen.authIdRespCd };
  const recovery = await recover(input);
  steps.push({ kind: 'recover', title: 'Cancel it with ChinaumsClient.cancelPreauth', ...recovery });

  const confirmStep = { kind: 'confirm', title: 'Confirm with bills/query' };
  let finalBillStatus = null;
  try {
    const confirmed = await client.bills.query(bill);
    finalBillStatus = confirmed.billStatus;
    steps.push({ ...confirmStep, answer: brief(confirmed) });
  } catch (error) {
    steps.push({ ...confirmStep, error: failure(error) });
  }

  return {
    steps,
    outcome: {
      created: true,
      recovery: recovery.outcome ?? null,
      path: (recovery.attempts ?? []).map((a) => (a.status === null ? `${stepName(lib, a)} (no answer)` : stepName(lib, a))),
      finalBillStatus,
    },
  };
}

const stepName = (lib, attempt) => (attempt.endpoint === lib.bills.preauthCancel.path ? 'cancel' : 'query');

/** What the merchant should do with each outcome (README, "Recovering a cancel whose answer was lost"). */
export const NEXT_STEP = Object.freeze({
  cancelled: 'the hold is released; mark the order voided',
  'already-cancelled': 'the hold was already released (here by our own cancel whose answer was lost); mark the order voided',
  captured: 'nothing was voided: the funds were taken; refund or reverse the capture if that was wrong',
  'not-frozen': 'there is no hold to release (unpaid, closed, refunded, or not a preauthorization); reconcile the order',
  unknown: 'no clear answer within the retries: funds may still be held; run cancelPreauth again later',
});

/** The story as text. */
export function formatStory({ steps, outcome }, { backend }) {
  const out = [`chinaums-open demo: ${backend} — a preauthorization from creation to a recovered cancel`];
  steps.forEach((step, i) => {
    out.push('', `${i + 1}. ${step.title}`);
    if (step.error && step.kind !== 'recover') out.push(`   ✗ ${step.error.code}${step.error.platformCode ? ` ${step.error.platformCode}` : ''}: ${step.error.message}`);
    if (step.kind === 'create' && !step.error) out.push(`   ← ${step.answer.errCode} · qrCodeId ${step.qrCodeId} · QR code ${step.qrCode}`);
    if (step.kind === 'pay') out.push(`   frozen: merOrderId ${step.merOrderId}, authIdRespCd ${step.authIdRespCd}`);
    if (step.kind === 'recover') {
      if (step.error) {
        out.push(`   ✗ ${step.error.code}: ${step.error.message}`);
      } else {
        for (const a of step.attempts) {
          const path = a.endpoint.replace('/v1/netpay/bills/', 'bills/');
          out.push(`   → ${path.padEnd(20)} ${a.status === null ? `no answer: ${a.error}` : `← ${a.status} ${a.errCode ?? '(not a bills answer)'}`}`);
        }
        out.push(`   outcome: ${step.outcome} (billStatus ${step.bill?.billStatus}): ${NEXT_STEP[step.outcome]}`);
      }
    }
    if (step.kind === 'confirm' && !step.error) out.push(`   ← ${step.answer.errCode} · billStatus ${step.answer.billStatus} · billPayment.status ${step.answer.status}`);
  });
  out.push('', storySucceeded(outcome) ? `Result: ✓ ${outcome.path.join(' → ')} → ${outcome.recovery}; billStatus ${outcome.finalBillStatus}.` : `Result: ✗ ${JSON.stringify(outcome)}`);
  return out.join('\n');
}

/** The demo's own check: the lost answer was recovered from without a second cancel. */
export function storySucceeded(outcome) {
  return outcome.created === true && outcome.recovery === 'already-cancelled' && outcome.finalBillStatus === 'CLOSED' && outcome.path.filter((p) => p.startsWith('cancel')).length === 1;
}

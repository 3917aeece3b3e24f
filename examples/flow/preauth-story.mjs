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

const brief = (response) => (response === null ? null : { errCode: response.errCode, billStatus: response.billStatus, status: response.billPayment?.status ?? null });

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

  const created = await client.request(lib.GET_QRCODE_PATH, {
    ...bill,
    totalAmount: 2100,
    billDesc: '押金 deposit for a rented bike',
    preauthTransaction: 'true',
    goods: [{ goodsId: 'BIKE-7', goodsName: '自行车押金', quantity: 1, price: 2100 }],
  });
  steps.push({ kind: 'create', title: 'Create a preauth bill (bills/get-qrcode, preauthTransaction "true")', status: created.status, answer: brief(created.response), qrCodeId: created.response?.qrCodeId ?? null, qrCode: created.response?.billQRCode ?? null });
  if (created.response?.ok !== true) return { steps, outcome: { created: false } };

  const frozen = await pay(bill);
  steps.push({ kind: 'pay', title: 'The payer scans the code: 21.00 yuan frozen', merOrderId: frozen.merOrderId, authIdRespCd: frozen.authIdRespCd });

  loseNextCancelAnswer();
  steps.push({ kind: 'fault', title: 'The gateway will apply the next cancel, then drop the connection without an answer' });

  const input = { ...bill, merOrderId: frozen.merOrderId, authIdRespCd: frozen.authIdRespCd };
  const recovery = await recover(input);
  steps.push({ kind: 'recover', title: 'Cancel it with ChinaumsClient.cancelPreauth', ...recovery });

  const confirmed = await client.request(lib.BILLS_QUERY_PATH, bill);
  steps.push({ kind: 'confirm', title: 'Confirm with bills/query', status: confirmed.status, answer: brief(confirmed.response) });

  return {
    steps,
    outcome: {
      created: true,
      recovery: recovery.outcome ?? null,
      path: (recovery.attempts ?? []).map((a) => (a.status === null ? `${stepName(lib, a)} (no answer)` : stepName(lib, a))),
      finalBillStatus: confirmed.response?.billStatus ?? null,
    },
  };
}

const stepName = (lib, attempt) => (attempt.endpoint === lib.PREAUTH_CANCEL_PATH ? 'cancel' : 'query');

/** What the merchant should do with each outcome (README, "Recovering a lost answer"). */
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
    if (step.kind === 'create') out.push(`   ← ${step.status} ${step.answer?.errCode} · qrCodeId ${step.qrCodeId} · QR code ${step.qrCode}`);
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
    if (step.kind === 'confirm') out.push(`   ← ${step.status} ${step.answer?.errCode} · billStatus ${step.answer?.billStatus} · billPayment.status ${step.answer?.status}`);
  });
  out.push('', storySucceeded(outcome) ? `Result: ✓ ${outcome.path.join(' → ')} → ${outcome.recovery}; billStatus ${outcome.finalBillStatus}.` : `Result: ✗ ${JSON.stringify(outcome)}`);
  return out.join('\n');
}

/** The demo's own check: the lost answer was recovered from without a second cancel. */
export function storySucceeded(outcome) {
  return outcome.created === true && outcome.recovery === 'already-cancelled' && outcome.finalBillStatus === 'CLOSED' && outcome.path.filter((p) => p.startsWith('cancel')).length === 1;
}

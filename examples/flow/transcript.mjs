// Turns the transcript of runPreauthCancelFlow into readable text. Runtime-neutral, like the
// flow: it only formats data, whichever host (Node or a Worker) produced it.

const byteLength = (text) => new TextEncoder().encode(text).length;
const indent = (text, pad) => text.split('\n').map((line) => pad + line).join('\n');

function prettyBody(body) {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function requestLines(request, { full }) {
  const lines = [`→ ${request.method} ${request.url}`];
  for (const [name, value] of Object.entries(request.headers)) {
    if (full || name.toLowerCase() === 'authorization') lines.push(`  ${name}: ${value}`);
  }
  if (full) {
    lines.push(`  body: ${byteLength(request.body)} bytes, sent compact and exactly as signed:`);
    lines.push(indent(prettyBody(request.body), '    '));
  }
  return lines;
}

function responseLines(response, expectFailure) {
  const { status, parsed, parseError } = response;
  if (parsed === null) return [`← ${status}, unreadable: ${parseError?.message}`];
  const verdict = expectFailure ? (parsed.ok ? '   ✗ expected a rejection' : '   ✓ rejected, as it must be') : '';
  if (!parsed.ok) return [`← ${status} ${parsed.errCode}: ${parsed.errMsg}${verdict}`];
  const lines = [`← ${status} ${parsed.errCode}${verdict}`];
  const payment = parsed.billPayment ?? {};
  const fen = payment.totalAmount;
  const amount = typeof fen === 'number' ? ` · ${fen} fen (${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')} yuan)` : '';
  lines.push(`  billStatus ${parsed.billStatus} · billPayment.status ${payment.status}${amount}`);
  if (parsed.msgId) lines.push(`  echoed: msgId ${JSON.stringify(parsed.msgId)}, srcReserve ${JSON.stringify(parsed.srcReserve)}`);
  return lines;
}

/**
 * @param {{ steps: object[], outcome: object }} result what runPreauthCancelFlow returned
 * @param {{ backend: string, gatewayUrl: string }} context
 * @returns {string}
 */
export function formatTranscript({ steps, outcome }, { backend, gatewayUrl }) {
  const out = [
    `chinaums-open demo: a ${backend} backend voids a preauthorization on a local ChinaUMS gateway`,
    `gateway emulator: ${gatewayUrl} (chinaums-open-gateway; signatures redacted, the appKey never shown)`,
  ];
  steps.forEach((step, i) => {
    out.push('', `${i + 1}. ${step.title}`);
    if (step.kind === 'validate') {
      const b = step.input;
      out.push(
        step.ok
          ? `   ✓ valid: bill ${b.billNo} of ${b.billDate} (mid ${b.mid}, tid ${b.tid}), merOrderId ${b.merOrderId}, authIdRespCd ${b.authIdRespCd}`
          : `   ✗ ${step.issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`,
      );
      return;
    }
    const lines = [
      ...requestLines(step.request, { full: !step.expectFailure }),
      ...(step.note ? [`  (${step.note})`] : []),
      ...(step.diagnosis
        ? [`  explainSignature: signed SHA-256 ${step.diagnosis.signedDigest.slice(0, 16)}…, sent ${step.diagnosis.sentDigest.slice(0, 16)}…; the gateway expected "${step.diagnosis.expected}"`]
        : []),
      ...responseLines(step.response, step.expectFailure),
    ];
    out.push(indent(lines.join('\n'), '   '));
  });
  out.push('');
  out.push(
    outcome.cancelled && outcome.finalBillStatus === 'CLOSED'
      ? `Result: ✓ preauthorization cancelled; bills/query confirms billStatus ${outcome.finalBillStatus}, payment ${outcome.finalPaymentStatus}.`
      : `Result: ✗ the flow did not end as expected: ${JSON.stringify(outcome)}`,
  );
  return out.join('\n');
}

/** The demo's own check: every step ended the way the platform's flow says it must. */
export function flowSucceeded(outcome) {
  return (
    outcome.cancelled === true &&
    outcome.echoed === true &&
    outcome.finalBillStatus === 'CLOSED' &&
    outcome.finalPaymentStatus === 'TRADE_CLOSED' &&
    outcome.tamperedStatus === 401 &&
    outcome.tamperedErrCode === 'BAD_SIGN' &&
    outcome.secondCancelErrCode === 'OPERATION_NOT_ALLOWED'
  );
}

// The backend side of the preauth-cancel flow, written against the public API of chinaums-open
// only, with no runtime-specific imports: the library, fetch and the clock are passed in. The
// Node demo runs it with `import * as lib from 'chinaums-open'` and Node's fetch; the Worker
// (../worker/worker.mjs) runs the same module inside workerd with the workerd entry and the
// Worker's fetch, and hands the returned transcript back to Node to print.
//
// It returns a transcript (plain JSON data) instead of printing, so that every host can carry
// it across a process boundary. Signatures are redacted in it; the appKey is never in it.

const QUERY_PATH = '/v1/netpay/bills/query';

/** The Authorization header with its Signature hidden (the rest is public by design). */
export function redactAuthorization(value) {
  return value.replace(/Signature="[^"]*"/i, 'Signature="<redacted>"');
}

function shownHeaders(headers) {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, name.toLowerCase() === 'authorization' ? redactAuthorization(value) : value]),
  );
}

/** Sends a prepared request exactly as built and reads the answer as the library parses it. */
async function exchange(lib, fetchFn, request) {
  const response = await fetchFn(request.url, { method: request.method, headers: request.headers, body: request.body });
  const text = await response.text();
  let parsed = null;
  let parseError = null;
  try {
    parsed = lib.parsePreauthCancelResponse(text);
  } catch (error) {
    parseError = { code: error.code ?? null, message: error.message };
  }
  return {
    request: { method: request.method, url: request.url, headers: shownHeaders(request.headers), body: request.body },
    response: { status: response.status, parsed, parseError },
  };
}

/**
 * Runs: validate → build → sign → send preauth-cancel → bills/query, then two requests that must
 * fail: a body changed after signing, and a second cancel of the same hold.
 *
 * @param {object} deps
 * @param {object} deps.lib the chinaums-open module namespace (any entry)
 * @param {typeof fetch} deps.fetch
 * @param {string} deps.gatewayUrl base URL of the gateway (the emulator's url)
 * @param {{appId: string, appKey: string}} deps.credentials
 * @param {string} deps.msgSrcId
 * @param {object} deps.bill { mid, tid, billNo, billDate, merOrderId, authIdRespCd }
 * @param {() => number} [deps.now] clock (epoch ms); the library's own default when absent
 * @param {() => string} [deps.nonce] nonce source; the library's CSPRNG when absent
 * @returns {Promise<{ steps: object[], outcome: object }>}
 */
export async function runPreauthCancelFlow({ lib, fetch: fetchFn, gatewayUrl, credentials, msgSrcId, bill, now, nonce }) {
  const instant = () => (now ? now() : Date.now());
  // Header inputs: explicit only when the caller injects a clock or nonces (tests), so that the
  // demo exercises the library's own defaults.
  const headerInputs = () => ({
    ...(now ? { timestamp: lib.beijingTime(now()).compact } : {}),
    ...(nonce ? { nonce: nonce() } : {}),
  });
  const steps = [];

  const input = { ...bill, msgId: 'demo-msg-0001', srcReserve: '预授权撤销测试' };
  const validation = lib.validatePreauthCancel(input, { msgSrcId, applyDefaults: true });
  steps.push({ kind: 'validate', title: 'Validate the preauth-cancel input', input, ok: validation.ok, issues: validation.issues });
  if (!validation.ok) return { steps, outcome: { cancelled: false } };

  const buildAndSign = () =>
    lib.signRequest(lib.buildPreauthCancel(input, { baseUrl: gatewayUrl, msgSrcId, now: instant() }), {
      ...credentials,
      ...headerInputs(),
    });

  const cancel = await exchange(lib, fetchFn, buildAndSign());
  steps.push({ kind: 'exchange', title: 'Cancel the preauthorization (OPEN-BODY-SIG)', ...cancel });

  // bills/query, built by hand from the library's pieces: the body is serialized once, and
  // exactly that text is signed and sent.
  const queryBody = JSON.stringify({
    requestTimestamp: lib.beijingTime(instant()).dateTime,
    mid: bill.mid,
    tid: bill.tid,
    instMid: 'QRPAYDEFAULT',
    billNo: bill.billNo,
    billDate: bill.billDate,
  });
  const querySig = lib.signOpenBody({ ...credentials, ...headerInputs(), body: queryBody });
  const query = await exchange(lib, fetchFn, {
    method: 'POST',
    url: `${gatewayUrl}${QUERY_PATH}`,
    headers: { 'Content-Type': 'application/json', Authorization: querySig.authorization },
    body: queryBody,
  });
  steps.push({ kind: 'exchange', title: 'Confirm the final state with bills/query', ...query });

  // Must fail 1: one byte of the body changed after signing (the last digit of authIdRespCd).
  const signed = buildAndSign();
  const code = bill.authIdRespCd;
  const changedCode = code.slice(0, -1) + (code.endsWith('9') ? '8' : '9');
  const tamperedBody = signed.body.replace(`"authIdRespCd":"${code}"`, `"authIdRespCd":"${changedCode}"`);
  if (tamperedBody === signed.body) throw new Error('the flow could not find authIdRespCd in the body to change it');
  const tampered = await exchange(lib, fetchFn, { ...signed, body: tamperedBody });
  steps.push({
    kind: 'exchange',
    title: 'Must fail: the body changed after signing',
    note: `authIdRespCd ${code} → ${changedCode} in the body after signing; the header is unchanged`,
    expectFailure: true,
    ...tampered,
  });

  // Must fail 2: the hold is already voided.
  const again = await exchange(lib, fetchFn, buildAndSign());
  steps.push({ kind: 'exchange', title: 'Must fail: cancel the same preauthorization again', expectFailure: true, ...again });

  const c = cancel.response.parsed;
  const q = query.response.parsed;
  return {
    steps,
    outcome: {
      cancelled: cancel.response.status === 200 && c?.ok === true && c.billStatus === 'CLOSED' && c.billPayment?.status === 'TRADE_CLOSED',
      echoed: c?.msgId === input.msgId && c?.srcReserve === input.srcReserve,
      finalBillStatus: q?.billStatus ?? null,
      finalPaymentStatus: q?.billPayment?.status ?? null,
      tamperedStatus: tampered.response.status,
      tamperedErrCode: tampered.response.parsed?.errCode ?? null,
      secondCancelErrCode: again.response.parsed?.errCode ?? null,
    },
  };
}

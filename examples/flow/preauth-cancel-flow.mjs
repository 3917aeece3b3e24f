// The backend side of the preauth-cancel flow, written against the public API of chinaums-open
// only, with no runtime-specific imports: the library, fetch and the clock are passed in. The
// Node demo runs it with `import * as lib from 'chinaums-open'` and Node's fetch; the Worker
// (../worker/worker.mjs) runs the same module inside workerd with the workerd entry and the
// Worker's fetch, and hands the returned transcript back to Node to print.
//
// It returns a transcript (plain JSON data) instead of printing, so that every host can carry
// it across a process boundary. Signatures are redacted in it; the appKey is never in it.

/** The Authorization header with its Signature hidden (the rest is public by design). */
function redactAuthorization(value) {
  return value.replace(/Signature="[^"]*"/i, 'Signature="<redacted>"');
}

function shownHeaders(headers) {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, name.toLowerCase() === 'authorization' ? redactAuthorization(value) : value]),
  );
}

/**
 * Sends a prepared request exactly as signed (the bytes of `body` are what the signature
 * covers) and reads the answer with the operation's parser, which keeps the platform's errCode
 * and errMsg whatever they are.
 */
async function exchange(operation, fetchFn, request) {
  const response = await fetchFn(request.url, { method: request.method, headers: request.headers, body: request.body });
  const text = await response.text();
  let parsed = null;
  let parseError = null;
  try {
    parsed = operation.parseResponse(text);
  } catch (error) {
    // Not a bills answer (a proxy's HTML page, say): its code says why.
    parseError = { code: error.code ?? null, message: error.message };
  }
  return {
    request: { method: request.method, url: request.url, headers: shownHeaders(request.headers), body: request.body },
    response: { status: response.status, parsed, parseError },
  };
}

/**
 * Runs: validate → sign (validated, built and signed in one call) → send preauth-cancel →
 * bills/query, then two requests that must fail: a body changed after signing, and a second
 * cancel of the same hold.
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
  const { preauthCancel, query } = lib.bills;
  // Where requests go, with whose key. The clock and the nonce are the library's own (Beijing
  // time, the CSPRNG) unless a test pins them, so the demo shows the defaults at work.
  const signing = () => ({
    baseUrl: gatewayUrl,
    msgSrcId,
    ...credentials,
    ...(now ? { now: now() } : {}),
    ...(nonce ? { nonce: nonce() } : {}),
  });
  const steps = [];

  // Validate first when the input comes from outside (a form, a queue): every problem at once,
  // with the field it is about, and nothing signed. sign() checks the same rules again.
  const input = { ...bill, msgId: 'demo-msg-0001', srcReserve: '预授权撤销测试' };
  const validation = preauthCancel.validate(input, { msgSrcId });
  steps.push({ kind: 'validate', title: 'Validate the preauth-cancel input', input, ok: validation.ok, issues: validation.issues });
  if (!validation.ok) return { steps, outcome: { cancelled: false } };

  // One call validates, fills the defaults (requestTimestamp, instMid), writes the exact body
  // and signs it: the request to send as it is.
  const cancel = await exchange(preauthCancel, fetchFn, preauthCancel.sign(input, signing()));
  steps.push({ kind: 'exchange', title: 'Cancel the preauthorization (OPEN-BODY-SIG)', ...cancel });

  // bills/query the same way: the body is written once, and exactly that text is signed and sent.
  const { mid, tid, billNo, billDate } = bill;
  const confirmed = await exchange(query, fetchFn, query.sign({ mid, tid, billNo, billDate }, signing()));
  steps.push({ kind: 'exchange', title: 'Confirm the final state with bills/query', ...confirmed });

  // Must fail 1: one byte of the body changed after signing (the last digit of authIdRespCd).
  const signed = preauthCancel.sign(input, signing());
  const code = bill.authIdRespCd;
  const changedCode = code.slice(0, -1) + (code.endsWith('9') ? '8' : '9');
  const tamperedBody = signed.body.replace(`"authIdRespCd":"${code}"`, `"authIdRespCd":"${changedCode}"`);
  if (tamperedBody === signed.body) throw new Error('the flow could not find authIdRespCd in the body to change it');
  const tampered = await exchange(preauthCancel, fetchFn, { ...signed, body: tamperedBody });
  // What to do with a BAD_SIGN: explainSignature shows the string the header covers for a body
  // (no key needed). Over the bytes sent it is the string the gateway expected (its log shows
  // it); over the bytes signed, only the body's SHA-256 differs: the body changed after signing.
  const authorization = signed.headers.Authorization;
  const asSigned = lib.explainSignature({ body: signed.body, authorization });
  const asSent = lib.explainSignature({ body: tamperedBody, authorization });
  steps.push({
    kind: 'exchange',
    title: 'Must fail: the body changed after signing',
    note: `authIdRespCd ${code} → ${changedCode} in the body after signing; the header is unchanged`,
    diagnosis: { signedDigest: asSigned.bodyDigest, sentDigest: asSent.bodyDigest, expected: asSent.stringToSign },
    expectFailure: true,
    ...tampered,
  });

  // Must fail 2: the hold is already voided.
  const again = await exchange(preauthCancel, fetchFn, preauthCancel.sign(input, signing()));
  steps.push({ kind: 'exchange', title: 'Must fail: cancel the same preauthorization again', expectFailure: true, ...again });

  const c = cancel.response.parsed;
  const q = confirmed.response.parsed;
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

// Shared setup for the end-to-end tests: a fixed clock, the made-up vector credentials, a
// gateway per test on 127.0.0.1 port 0, and requests signed by the library.

import { beijingTime, signOpenBody } from 'chinaums-open';
import { startGateway } from 'chinaums-open-gateway';

/** 2025-01-02 03:04:05 Beijing time: the instant of the shared V1 vectors. */
export const FIXED_MS = Date.UTC(2025, 0, 1, 19, 4, 5);

export const APP = Object.freeze({ appId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', appKey: 'fictional0app0key0for0tests00001' });
/** A second application, to show that nonces are remembered per appId. */
export const OTHER_APP = Object.freeze({ appId: 'b2c3d4e5f60718293a4b5c6d7e8f90a1', appKey: 'another0fictional0key0for0tests2' });
export const MSG_SRC_ID = '3194';

/** The default frozen preauthorizations (DEFAULT_BILLS), as a merchant's database holds them. */
export const BILL_1 = Object.freeze({
  mid: '898201612345678',
  tid: '88880001',
  billNo: '3194202501020304050001',
  billDate: '2025-01-02',
  merOrderId: '31942025010203040500010',
  authIdRespCd: '000665',
});
export const BILL_2 = Object.freeze({ ...BILL_1, billNo: '3194202501020304050002', merOrderId: '31942025010203040500020', authIdRespCd: '000666' });
/** The default ordinary (non-preauth) payment. */
export const PLAIN_BILL = Object.freeze({ ...BILL_1, billNo: '3194202501020304050003', merOrderId: '31942025010203040500030', authIdRespCd: '000667' });

export const CANCEL_PATH = '/v1/netpay/bills/preauth-cancel';
export const QUERY_PATH = '/v1/netpay/bills/query';
export const TOKEN_PATH = '/v1/token/access';

/** A clock the test moves by hand. */
export function manualClock(ms = FIXED_MS) {
  const clock = { ms, now: () => clock.ms, advance: (seconds) => (clock.ms += seconds * 1000) };
  return clock;
}

/** A fresh, distinct, deterministic nonce per call. */
export function nonceSequence(prefix = 'e2e') {
  let n = 0;
  return () => `${prefix}${String((n += 1)).padStart(29, '0')}`;
}

/**
 * Starts a gateway with the fixed clock and both test applications (APP with its msgSrcId),
 * runs `fn({ gateway, clock, client, sign, post })`, and always closes the gateway.
 */
export async function withGateway(clientSpec, fn, options = {}) {
  const clock = options.clock ?? manualClock();
  const gateway = await startGateway({
    credentials: [{ ...APP, msgSrcId: MSG_SRC_ID }, OTHER_APP],
    now: clock.now,
    ...options.gateway,
  });
  const client = await clientSpec.open();
  const nextNonce = nonceSequence();
  /** OPEN-BODY-SIG headers for a body, by the library, at the clock's time unless told. */
  const sign = (body, { app = APP, timestamp = beijingTime(clock.ms).compact, nonce = nextNonce() } = {}) =>
    signOpenBody({ appId: app.appId, appKey: app.appKey, body, timestamp, nonce });
  /** POSTs to a gateway path; `authorization: null` sends no Authorization header. */
  const post = async (path, body, { authorization, headers = {} } = {}) => {
    const auth = authorization === undefined ? sign(body).authorization : authorization;
    const all = { 'Content-Type': 'application/json', ...(auth === null ? {} : { Authorization: auth }), ...headers };
    const { status, text } = await client.send({ url: `${gateway.url}${path}`, headers: all, body });
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      // left null: the assertion that follows says what was expected
    }
    return { status, text, json };
  };
  try {
    return await fn({ gateway, clock, client, sign, post, nextNonce });
  } finally {
    await client.close();
    await gateway.close();
  }
}

/** A preauth-cancel body as the merchant's backend would send it, serialized in table order. */
export function cancelBody(bill = BILL_1, extra = {}, ms = FIXED_MS) {
  return JSON.stringify({ requestTimestamp: beijingTime(ms).dateTime, ...bill, instMid: 'QRPAYDEFAULT', ...extra });
}

/** A bills/query body. */
export function queryBody(bill = BILL_1, extra = {}, ms = FIXED_MS) {
  const { mid, tid, billNo, billDate } = bill;
  return JSON.stringify({ requestTimestamp: beijingTime(ms).dateTime, mid, tid, instMid: 'QRPAYDEFAULT', billNo, billDate, ...extra });
}

// The inputs every benchmark uses, in every host (no Node-only imports: the workerd benchmark
// bundles this file).

const encoder = new TextEncoder();
const utf8Length = (text) => encoder.encode(text).length;

export const APP_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
export const APP_KEY = 'fictional0app0key0for0tests00001';
export const TIMESTAMP = '20250102030405';
export const NONCE = '0123456789abcdef0123456789abcdef';

/** A JSON body of exactly `size` UTF-8 bytes (ASCII plus some Chinese, like real bodies). */
export function bodyOfSize(size) {
  const head = '{"requestTimestamp":"2025-01-02 03:04:05","mid":"898201612345678","srcReserve":"预授权撤销';
  const tail = '"}';
  const body = head + 'x'.repeat(Math.max(0, size - utf8Length(head + tail))) + tail;
  if (utf8Length(body) !== size) throw new Error(`cannot make a ${size}-byte body`);
  return body;
}

export const PREAUTH_INPUT = Object.freeze({
  mid: '898201612345678',
  tid: '88880001',
  billNo: '3194202501020304050001',
  billDate: '2025-01-02',
  merOrderId: '31942025010203040500010',
  authIdRespCd: '000665',
});


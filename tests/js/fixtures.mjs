// What several test files share: fictional credentials, the platform page's sample instant and
// input (the V1 vector's), and `thrown`, which runs a call that must fail with a ChinaumsError.
import assert from 'node:assert/strict';
import { ChinaumsError } from 'chinaums-open';

export const KEY = 'fictional0app0key0for0tests00001';
export const APP_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
export const NOTIFY_KEY = 'fictional0communication0key00001';
export const TS = '20250102030405';
/** 2025-01-02 03:04:05 in Beijing (UTC+8), as epoch milliseconds. */
export const TS_MS = Date.UTC(2025, 0, 1, 19, 4, 5);
export const NONCE = '0123456789abcdef0123456789abcdef';

/** The preauth-cancel sample input of the platform's page (the V1 vector's body). */
export const V1_INPUT = Object.freeze({
  requestTimestamp: '2025-01-02 03:04:05',
  mid: '898201612345678',
  tid: '88880001',
  instMid: 'QRPAYDEFAULT',
  billNo: '3194202501020304050001',
  billDate: '2025-01-02',
  merOrderId: '31942025010203040500010',
  authIdRespCd: '000665',
});

/** A fresh copy of the sample's required fields only (the builder fills requestTimestamp and instMid). */
export function requiredInput() {
  const { requestTimestamp: _filled, instMid: _defaulted, ...required } = V1_INPUT;
  return required;
}

/** Runs `fn`, which must throw a ChinaumsError, and returns that error. */
export function thrown(fn) {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ChinaumsError, `expected a ChinaumsError, got ${error?.stack ?? error}`);
    return error;
  }
  assert.fail('expected a ChinaumsError');
}

// What the demo backends use: the made-up credentials of the shared test vectors
// (docs/PROTOCOL.md §12.2, never real ones) and the frozen preauthorization every gateway emulator
// starts with. Shared by the Node driver and the Worker driver.

export const DEMO_CREDENTIALS = Object.freeze({
  appId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  appKey: 'fictional0app0key0for0tests00001',
});

/** The source id the bill numbers start with; the gateway checks it too. */
export const DEMO_MSG_SRC_ID = '3194';

/** The V1 vector's bill: frozen, 21.00 yuan, as the merchant's database would hold it. */
export const DEMO_BILL = Object.freeze({
  mid: '898201612345678',
  tid: '88880001',
  billNo: '3194202501020304050001',
  billDate: '2025-01-02',
  merOrderId: '31942025010203040500010',
  authIdRespCd: '000665',
});

/**
 * The second frozen preauthorization every gateway emulator starts with (5000 fen): the demo's
 * Worker cancels this one, on the same gateway, after the Node backend has cancelled DEMO_BILL.
 */
export const DEMO_WORKER_BILL = Object.freeze({
  ...DEMO_BILL,
  billNo: '3194202501020304050002',
  merOrderId: '31942025010203040500020',
  authIdRespCd: '000666',
});

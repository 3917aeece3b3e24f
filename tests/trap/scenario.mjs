// What must hold after a call traps, in any host: the call reports ERR_INTERNAL (it did not
// complete), the next call runs on a fresh instance and gives the vector's signature, objects
// made before the restart say they must be made again, and objects made after work. `lib` is
// the package (any entry), `glue` its wasm-bindgen glue (a test build, with `force_trap`), `call`
// the package's own wrapper around calls into the core. Returns a report for the host's test.

export const V1 = Object.freeze({
  appId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  appKey: 'fictional0app0key0for0tests00001',
  timestamp: '20250102030405',
  nonce: '0123456789abcdef0123456789abcdef',
  body: '{"requestTimestamp":"2025-01-02 03:04:05","mid":"898201612345678","tid":"88880001","instMid":"QRPAYDEFAULT","billNo":"3194202501020304050001","billDate":"2025-01-02","merOrderId":"31942025010203040500010","authIdRespCd":"000665"}',
  signature: 'bscntM9+LVYns6SDnjMtzbYqwirw0X7J+iLhb78xPu8=',
});

const outcome = (fn) => {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, code: error?.code ?? null, name: error?.name ?? null, message: String(error?.message ?? error) };
  }
};

export function scenario(lib, glue, call, kind) {
  const signer = new lib.OpenBodySigner({ appId: V1.appId, appKey: V1.appKey });
  const holder = new lib.AccessTokenHolder();
  const client = new lib.ChinaumsClient({ appId: V1.appId, appKey: V1.appKey, baseUrl: 'http://127.0.0.1:9', fetch: async () => { throw new Error('not used'); } });
  const before = signer.sign(V1.body, V1).signature;
  const trap = outcome(() => call(() => glue.force_trap(kind)));
  const next = outcome(() => lib.signOpenBody(V1).signature);
  const built = outcome(() => lib.bills.preauthCancel.sign(JSON.parse(V1.body), { ...V1, baseUrl: 'http://127.0.0.1:9' }).headers.Authorization);
  const oldSigner = outcome(() => signer.sign(V1.body, V1));
  const oldHolder = outcome(() => holder.needsRefresh(0));
  const newSigner = outcome(() => new lib.OpenBodySigner({ appId: V1.appId, appKey: V1.appKey }).sign(V1.body, V1).signature);
  const memory = outcome(() => lib.wasmMemoryBytes());
  const freed = outcome(() => signer.free());
  void client;
  return { before, trap, next, built, oldSigner, oldHolder, newSigner, memory, freed };
}

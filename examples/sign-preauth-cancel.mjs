// A Node backend's view of chinaums-open: build, validate and sign a preauth-cancel request,
// then print exactly what the host would send. Nothing is sent; the appKey is never printed.
//
//   node examples/sign-preauth-cancel.mjs
//
// Credentials come from the environment in real use; these fictional ones match the project's
// test vectors so the output can be checked against PROTOCOL.md §12.2.
import { buildPreauthCancel, signRequest, validatePreauthCancel, verifyOpenBody } from 'chinaums-open';

const appId = process.env.CHINAUMS_APP_ID ?? 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const appKey = process.env.CHINAUMS_APP_KEY ?? 'fictional0app0key0for0tests00001';

const input = {
  mid: '898201612345678',
  tid: '88880001',
  billNo: '3194202501020304050001',
  billDate: '2025-01-02',
  merOrderId: '31942025010203040500010',
  authIdRespCd: '000665',
  srcReserve: '预授权撤销测试',
};

const line = (label, value) => console.log(`${label.padEnd(17)}${value}`);

console.log('1. validate the input the way the server will (typo included on purpose)');
const typo = validatePreauthCancel({ ...input, billno: input.billNo, billNo: undefined }, { msgSrcId: '3194', applyDefaults: true });
for (const issue of typo.issues) console.log(`   ${issue.field}: ${issue.message} [${issue.code}]`);

console.log('\n2. build the request: exact body bytes, requestTimestamp in Beijing time');
const request = buildPreauthCancel(input, { env: 'test', msgSrcId: '3194' });
line('   method', request.method);
line('   url', request.url);
line('   body', request.body);
line('   bytes', `${Buffer.byteLength(request.body)} (UTF-8; send exactly these)`);

console.log('\n3. sign it (timestamp and nonce from the clock and the CSPRNG)');
const signed = signRequest(request, { appId, appKey });
const redacted = signed.headers.Authorization.replace(/Signature="[^"]+"/, 'Signature="<redacted>"');
line('   Authorization', redacted);

console.log('\n4. what the host sends');
console.log(`   ${signed.method} ${signed.url}`);
for (const [name, value] of Object.entries(signed.headers)) {
  console.log(`   ${name}: ${name === 'Authorization' ? redacted : value}`);
}
console.log(`\n   ${signed.body}`);

const check = verifyOpenBody({ authorization: signed.headers.Authorization, body: signed.body, appKey });
console.log(`\n5. self-check: the header verifies for AppId ${check.appId} at ${check.timestamp} (Beijing)`);

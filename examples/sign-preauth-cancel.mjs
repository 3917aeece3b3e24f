// A Node backend's view of chinaums-open: validate a preauth-cancel, sign it (built and signed in
// one call), look at what was signed, then print exactly what the host would send. Nothing is
// sent; the appKey and the Signature are never printed.
//
//   node examples/sign-preauth-cancel.mjs
//
// Credentials come from the environment in real use; these fictional ones are the project's
// test vectors' (docs/PROTOCOL.md §12.2), so the output can be checked against them.
import { bills, explainSignature, verifyOpenBody } from 'chinaums-open';

const appId = process.env.CHINAUMS_APP_ID ?? 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const appKey = process.env.CHINAUMS_APP_KEY ?? 'fictional0app0key0for0tests00001';
// Your 4-character source id: billNo and your order ids must start with it.
const msgSrcId = '3194';

const input = {
  mid: '898201612345678',
  tid: '88880001',
  billNo: '3194202501020304050001',
  billDate: '2025-01-02',
  merOrderId: '31942025010203040500010',
  authIdRespCd: '000665',
  srcReserve: '预授权撤销测试',
};

const line = (label, value) => console.log(`${label.padEnd(20)}${value}`);
const redact = (authorization) => authorization.replace(/Signature="[^"]+"/, 'Signature="<redacted>"');

// 1. validate() never throws for a bad input: it lists every problem, each with its field, so a
//    form can show them all at once. The misspelt `billno` is caught (with a suggestion).
console.log('1. validate the input the way the server will (a typo included on purpose)');
const typo = bills.preauthCancel.validate({ ...input, billno: input.billNo, billNo: undefined }, { msgSrcId });
for (const issue of typo.issues) console.log(`   ${issue.field}: ${issue.message} [${issue.code}]`);

// 2. sign() validates again, fills the defaults (requestTimestamp in Beijing time, instMid),
//    writes the exact body and signs those bytes: one call, the request to send as it is. Send
//    `body` unchanged: re-serializing it would change the bytes that were signed.
console.log('\n2. sign it: the exact body bytes, and a header from the clock and the CSPRNG');
const signed = bills.preauthCancel.sign(input, { env: 'test', msgSrcId, appId, appKey });
line('   method', signed.method);
line('   url', signed.url);
line('   body', signed.body);
line('   bytes', `${Buffer.byteLength(signed.body)} (UTF-8; send exactly these)`);
line('   Authorization', redact(signed.headers.Authorization));

// 3. explainSignature shows what the header covers, without the key: the string to compare with
//    the one a gateway expected when it answers BAD_SIGN.
console.log('\n3. what was signed (no key needed to see it)');
const explained = explainSignature({ body: signed.body, authorization: signed.headers.Authorization });
line('   body SHA-256', explained.bodyDigest);
line('   string to sign', `${explained.stringToSign}  (AppId + Timestamp + Nonce + SHA-256)`);

console.log('\n4. what the host sends');
console.log(`   ${signed.method} ${signed.url}`);
for (const [name, value] of Object.entries(signed.headers)) {
  console.log(`   ${name}: ${name === 'Authorization' ? redact(value) : value}`);
}
console.log(`\n   ${signed.body}`);

// A receiver with the key checks the header against the exact bytes and the clock.
const check = verifyOpenBody({ authorization: signed.headers.Authorization, body: signed.body, appKey });
console.log(`\n5. self-check: the header verifies for AppId ${check.appId} at ${check.timestamp} (Beijing)`);

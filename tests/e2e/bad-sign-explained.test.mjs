// When the emulator refuses a signature (BAD_SIGN), the string to sign it expected (its request
// record's `badSign`, see gateway/auth.js) is what explainSignature says the client signed: so
// an integrator who meets BAD_SIGN can tell a wrong key (the strings agree, the Signatures do
// not) from bytes changed after signing (the digests differ). Requests are signed by the
// library's client with a wrong key, and by bills.<op>.sign, then sent over 127.0.0.1.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChinaumsClient, bills, explainSignature } from 'chinaums-open';
import { startGateway } from 'chinaums-open-gateway';
import { APP, BILL_1, MSG_SRC_ID } from './helpers.mjs';

const WRONG_KEY = 'not0the0key0of0this0app000000002';

async function withGateway(fn) {
  const lines = [];
  const gateway = await startGateway({ credentials: [{ ...APP, msgSrcId: MSG_SRC_ID }], log: (line) => lines.push(line) });
  try {
    return await fn(gateway, lines);
  } finally {
    await gateway.close();
  }
}

test("a client with a wrong key: the emulator's expected string to sign is the one explainSignature shows it signed", () =>
  withGateway(async (gateway, lines) => {
    const sent = [];
    const client = new ChinaumsClient({
      appId: APP.appId,
      appKey: WRONG_KEY,
      baseUrl: gateway.url,
      msgSrcId: MSG_SRC_ID,
      fetch: (url, init) => {
        sent.push({ authorization: init.headers.Authorization, body: init.body });
        return fetch(url, init);
      },
    });
    try {
      await assert.rejects(client.bills.preauthCancel({ ...BILL_1, srcReserve: '预授权撤销' }), { code: 'ERR_PLATFORM', platformCode: 'BAD_SIGN', status: 401 });
    } finally {
      client.free();
    }
    const [{ authorization, body }] = sent;
    const [record] = gateway.state.requests();
    assert.equal(record.errCode, 'BAD_SIGN');

    const explained = explainSignature({ body, authorization });
    assert.equal(record.badSign.stringToSign, explained.stringToSign);
    assert.equal(record.badSign.bodyDigest, explained.bodyDigest);
    assert.equal(record.badSign.bodyLength, explained.bodyBytes.length);
    assert.deepEqual([record.badSign.appId, record.badSign.timestamp, record.badSign.nonce], [explained.appId, explained.timestamp, explained.nonce]);
    assert.ok(lines[0].includes(`"${explained.stringToSign}"`), lines[0]);
    // Same string, other key: the header verifies under the key used and not under the gateway's.
    assert.equal(explainSignature({ body, authorization, appKey: WRONG_KEY }).matches, true);
    const expected = explainSignature({ body, authorization, appKey: APP.appKey });
    assert.equal(expected.matches, false);
    assert.notEqual(expected.signature, /Signature="([^"]+)"/.exec(authorization)[1]);
    // Neither the key nor the right signature is in what the gateway shows.
    for (const secret of [APP.appKey, WRONG_KEY, expected.signature]) {
      assert.ok(!(lines.join('\n') + JSON.stringify(record)).includes(secret), secret);
    }
  }));

test('bytes changed after signing: the emulator expected another digest, and explainSignature shows the one signed', () =>
  withGateway(async (gateway) => {
    const signed = bills.preauthCancel.sign({ ...BILL_1, srcReserve: '预授权撤销' }, { baseUrl: gateway.url, msgSrcId: MSG_SRC_ID, ...APP });
    const changed = signed.body.replace('预授权撤销', '预授权撤销 ');
    const response = await fetch(signed.url, { method: 'POST', headers: signed.headers, body: changed });
    assert.equal(response.status, 401);
    assert.equal(bills.preauthCancel.parseResponse(await response.text()).errCode, 'BAD_SIGN');
    const [record] = gateway.state.requests();
    const whatWasSigned = explainSignature({ body: signed.body, authorization: signed.headers.Authorization, appKey: APP.appKey });
    const whatWasSent = explainSignature({ body: changed, authorization: signed.headers.Authorization });
    assert.equal(whatWasSigned.matches, true);
    assert.notEqual(record.badSign.stringToSign, whatWasSigned.stringToSign);
    assert.equal(record.badSign.stringToSign, whatWasSent.stringToSign);
    // Only the digest differs: the header's AppId, Timestamp and Nonce are the same.
    assert.equal(record.badSign.stringToSign.slice(0, -64), whatWasSigned.stringToSign.slice(0, -64));
    assert.equal(record.badSign.bodyLength, whatWasSigned.bodyBytes.length + 1);
  }));

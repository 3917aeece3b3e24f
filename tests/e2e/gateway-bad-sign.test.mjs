// When the emulator answers BAD_SIGN, its log line and the request's record say what it expected
// to be signed (AppId + Timestamp + Nonce + hex SHA-256 of the body bytes it received), so that an
// integrator can diff it against the string they signed; never the appKey, never the expected
// signature. Requests are signed here with node:crypto, independently of both packages.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { startGateway } from 'chinaums-open-gateway';
import { V1_INPUT } from '../js/fixtures.mjs';

const APP = Object.freeze({ appId: 'badsign0app0000000000000000000001', appKey: 'badsign0fictional0key00000000001' });
const OTHER_KEY = 'not0the0key0of0this0app000000002';
/** 2025-01-02 03:04:05 in Beijing, the gateway's fixed clock. */
const NOW = Date.UTC(2025, 0, 1, 19, 4, 5);
const TIMESTAMP = '20250102030405';
const CANCEL_PATH = '/v1/netpay/bills/preauth-cancel';
const H5_PATH = '/v1/netpay/trade/h5-pay';
const BODY = JSON.stringify({ ...V1_INPUT, srcReserve: '预授权撤销' });

const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');
const stringToSign = (nonce, body, timestamp = TIMESTAMP) => `${APP.appId}${timestamp}${nonce}${sha256(body)}`;
const hmac = (key, text) => createHmac('sha256', Buffer.from(key, 'utf8')).update(text, 'utf8').digest('base64');
const authorization = (nonce, signature, timestamp = TIMESTAMP) =>
  `OPEN-BODY-SIG AppId="${APP.appId}", Timestamp="${timestamp}", Nonce="${nonce}", Signature="${signature}"`;

/** A gateway on 127.0.0.1 with a fixed clock and its log collected; always closed. */
async function withGateway(fn) {
  const lines = [];
  const gateway = await startGateway({ credentials: [APP], now: () => NOW, log: (line) => lines.push(line) });
  try {
    return await fn(gateway, lines);
  } finally {
    await gateway.close();
  }
}

async function post(gateway, body, auth) {
  const response = await fetch(`${gateway.url}${CANCEL_PATH}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: auth }, body });
  return { status: response.status, text: await response.text() };
}

/** Neither the key nor a signature made with it may appear in what the gateway shows. */
function assertNoSecret(shown, secrets) {
  for (const secret of secrets) assert.ok(!shown.includes(secret), `${JSON.stringify(secret)} appears in ${shown}`);
}

test('a body changed after signing: the log and the record show the string to sign over the bytes received', () =>
  withGateway(async (gateway, lines) => {
    const nonce = 'badsign0nonce0000000000000000001';
    const signedString = stringToSign(nonce, BODY);
    const sent = BODY.replace('预授权撤销', '预授权撤销 ');
    const answer = await post(gateway, sent, authorization(nonce, hmac(APP.appKey, signedString)));
    assert.equal(answer.status, 401, answer.text);
    const json = JSON.parse(answer.text);
    assert.equal(json.errCode, 'BAD_SIGN');
    // The answer is the platform's shape only: the diagnosis stays on the gateway's side.
    assert.deepEqual(Object.keys(json), ['errCode', 'errMsg']);
    assert.ok(!answer.text.includes(sha256(sent)), answer.text);

    const expected = stringToSign(nonce, sent);
    assert.notEqual(expected, signedString);
    const [record] = gateway.state.requests();
    assert.equal(record.errCode, 'BAD_SIGN');
    assert.deepEqual(record.badSign, {
      appId: APP.appId,
      timestamp: TIMESTAMP,
      nonce,
      bodyLength: Buffer.byteLength(sent, 'utf8'),
      bodyDigest: sha256(sent),
      stringToSign: expected,
    });
    // What an integrator diffs: only the digest differs, so the bytes sent are not the bytes signed.
    assert.equal(expected.slice(0, -64), signedString.slice(0, -64));
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^POST \/v1\/netpay\/bills\/preauth-cancel → 401 BAD_SIGN \(appId badsign0app0+1\); /);
    assert.ok(lines[0].includes(`"${expected}"`), lines[0]);
    assert.ok(lines[0].includes(`SHA-256 ${sha256(sent)} of the ${Buffer.byteLength(sent, 'utf8')} body bytes`), lines[0]);
    assertNoSecret(lines[0] + JSON.stringify(record), [APP.appKey, hmac(APP.appKey, expected)]);
  }));

test('a signature made with another key: the string to sign the gateway expected is the one the client signed', () =>
  withGateway(async (gateway, lines) => {
    const nonce = 'badsign0nonce0000000000000000002';
    const signed = stringToSign(nonce, BODY);
    const answer = await post(gateway, BODY, authorization(nonce, hmac(OTHER_KEY, signed)));
    assert.equal(JSON.parse(answer.text).errCode, 'BAD_SIGN');
    const [record] = gateway.state.requests();
    assert.equal(record.badSign.stringToSign, signed);
    assert.equal(record.badSign.bodyDigest, sha256(BODY));
    assert.ok(lines[0].includes(`"${signed}"`), lines[0]);
    assertNoSecret(lines[0] + JSON.stringify(record), [APP.appKey, hmac(APP.appKey, signed)]);

    // Signed right, the same request is accepted, and its record and log line carry no diagnosis.
    const good = await post(gateway, BODY, authorization('badsign0nonce0000000000000000003', hmac(APP.appKey, stringToSign('badsign0nonce0000000000000000003', BODY))));
    assert.equal(JSON.parse(good.text).errCode, 'SUCCESS', good.text);
    assert.equal(gateway.state.requests()[1].badSign, null);
    assert.ok(!lines[1].includes('string to sign'), lines[1]);
  }));

test('other refusals (replayed nonce, unknown AppId, stale Timestamp, no header) carry no string to sign', () =>
  withGateway(async (gateway, lines) => {
    const nonce = 'badsign0nonce0000000000000000004';
    const auth = authorization(nonce, hmac(APP.appKey, stringToSign(nonce, BODY)));
    const codes = [];
    codes.push(JSON.parse((await post(gateway, BODY, auth)).text).errCode);
    codes.push(JSON.parse((await post(gateway, BODY, auth)).text).errCode);
    codes.push(JSON.parse((await post(gateway, BODY, auth.replace(APP.appId, 'unknown0app'))).text).errCode);
    // Ten minutes old and signed as such: outside the window, with the signature right.
    const old = '20250102025405';
    const staleNonce = 'badsign0nonce0000000000000000006';
    codes.push(JSON.parse((await post(gateway, BODY, authorization(staleNonce, hmac(APP.appKey, stringToSign(staleNonce, BODY, old)), old))).text).errCode);
    codes.push(JSON.parse((await post(gateway, BODY, '')).text).errCode);
    // The same stale header with its Timestamp moved to now, unsigned again: BAD_SIGN, diagnosed.
    const moved = authorization(staleNonce, hmac(APP.appKey, stringToSign(staleNonce, BODY, old)));
    codes.push(JSON.parse((await post(gateway, BODY, moved)).text).errCode);
    assert.deepEqual(codes, ['SUCCESS', 'REPLAYED_NONCE', 'UNKNOWN_APPID', 'ABNORMAL_REQUEST_TIME', 'INVALID_AUTHORIZATION', 'BAD_SIGN']);
    assert.deepEqual(
      gateway.state.requests().map((r) => r.badSign?.stringToSign ?? null),
      [null, null, null, null, null, stringToSign(staleNonce, BODY)],
    );
    assert.deepEqual(
      lines.map((line) => line.includes('expected the string to sign')),
      [false, false, false, false, false, true],
    );
  }));

test('OPEN-FORM-PARAM: a BAD_SIGN shows the string to sign over the decoded content', () =>
  withGateway(async (gateway, lines) => {
    const nonce = 'badsign0nonce0000000000000000005';
    const content = JSON.stringify({ requestTimestamp: '2025-01-02 03:04:05', merOrderId: '3194H5BAD1', totalAmount: 100, orderDesc: 'a+b 测试' });
    const signedContent = content.replace('100', '900');
    const query = new URLSearchParams({
      authorization: 'OPEN-FORM-PARAM',
      appId: APP.appId,
      timestamp: TIMESTAMP,
      nonce,
      content,
      signature: hmac(APP.appKey, stringToSign(nonce, signedContent)),
    });
    const response = await fetch(`${gateway.url}${H5_PATH}?${query}`, { redirect: 'manual' });
    assert.equal(response.status, 401);
    assert.equal((await response.json()).errCode, 'BAD_SIGN');
    const [record] = gateway.state.requests();
    assert.deepEqual(
      { stringToSign: record.badSign.stringToSign, bodyLength: record.badSign.bodyLength },
      { stringToSign: stringToSign(nonce, content), bodyLength: Buffer.byteLength(content, 'utf8') },
    );
    assert.ok(lines[0].includes(`"${stringToSign(nonce, content)}"`), lines[0]);
    assertNoSecret(lines[0] + JSON.stringify(record), [APP.appKey, hmac(APP.appKey, stringToSign(nonce, content))]);
  }));

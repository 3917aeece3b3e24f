// The rest of the protocol end to end on 127.0.0.1, library against emulator: OPEN-FORM-PARAM
// redirects, notifications the emulator sends to a small Node receiver, a skewed gateway clock
// corrected with clockOffsetFromResponse, signed responses checked with verifyResponseSignature,
// and injected faults. These read response headers (Location, Date, Authorization), so they use
// Node's fetch directly rather than the header-less clients of clients.mjs.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChinaumsError, beijingTime, bills, clockOffsetFromResponse, formParamUrl, notifications, signOpenBody, verifyResponseSignature } from 'chinaums-open';
import { FORM_PARAM_PATHS, startGateway } from 'chinaums-open-gateway';
import { formBody, formDecode, formEncode } from '../../gateway/form.js';
import { notificationSign, notificationStringToSign } from '../../gateway/notify.js';
import { APP, BILL_1, BILL_2, FIXED_MS, MSG_SRC_ID, QUERY_PATH, manualClock, nonceSequence, queryBody } from './helpers.mjs';

const vectors = (name) => JSON.parse(readFileSync(new URL(`../vectors/${name}`, import.meta.url), 'utf8'));
const COMMUNICATION_KEY = 'FictionalCommKey123';
const H5_PATH = '/v1/netpay/trade/h5-pay';
const CAPTURE_ID = '3194CAPTURE000001';

/** Starts a gateway with the fixed clock and APP (with its msgSrcId); always closes it. */
async function withGateway(fn, options = {}) {
  const clock = options.clock ?? manualClock();
  const gateway = await startGateway({ credentials: [{ ...APP, msgSrcId: MSG_SRC_ID }], now: clock.now, ...options.gateway });
  try {
    return await fn({ gateway, clock, nextNonce: nonceSequence('proto') });
  } finally {
    await gateway.close();
  }
}

/** Sends a library-built request with fetch: `{ response, bytes, text, receivedAt }`. */
async function send(request, receivedAt) {
  const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { response, bytes, text: new TextDecoder().decode(bytes), receivedAt };
}

// ---------------------------------------------------------------------------------------------
// OPEN-FORM-PARAM

describe('OPEN-FORM-PARAM (GET) redirects', () => {
  const vector = vectors('open-form-param.json').cases[0];

  test("the emulator's own form decoding reads the vector's query back to the exact content and signature", () => {
    const { pairs } = formDecode(vector.query);
    const params = Object.fromEntries(pairs);
    assert.equal(params.content, vector.content);
    assert.equal(params.signature, vector.signature);
    assert.equal(formEncode(vector.content), new URLSearchParams(vector.query).toString().match(/content=([^&]*)/)[1]);
    assert.equal(formBody(pairs), vector.query);
    for (const bad of ['content=%E6%B5', 'content=%zz', 'content=100%']) assert.ok(formDecode(bad).error, bad);
  });

  test('the shared vector URL, signed by formParamUrl, is redirected (302) to the cashier page', () =>
    withGateway(async ({ gateway }) => {
      const url = formParamUrl({ ...APP, url: `${gateway.url}${H5_PATH}`, content: vector.content, timestamp: vector.timestamp, nonce: vector.nonce });
      assert.equal(url, `${gateway.url}${H5_PATH}?${vector.query}`);
      const response = await fetch(url, { redirect: 'manual' });
      assert.equal(response.status, 302, await response.clone().text());
      const location = new URL(response.headers.get('location'));
      assert.equal(`${location.origin}${location.pathname}`, `${gateway.url}/cashier/trade/h5-pay`);
      assert.equal(location.searchParams.get('merOrderId'), '3194H5001');
      assert.equal(location.searchParams.get('totalAmount'), '1');
      const cashier = await fetch(location);
      assert.equal(cashier.status, 200);
      assert.match(await cashier.text(), /cashier \(emulated\).*merOrderId 3194H5001/s);
    }));

  test("content with '+', '%', spaces and Chinese is decoded like Java's URLDecoder before the signature is checked, on every H5 path", () =>
    withGateway(async ({ gateway, clock, nextNonce }) => {
      for (const path of FORM_PARAM_PATHS) {
        const content = { requestTimestamp: beijingTime(clock.ms).dateTime, merOrderId: '3194H5002', totalAmount: 100, orderDesc: 'a+b = 100% 测试 &x' };
        const url = formParamUrl({ ...APP, url: `${gateway.url}${path}`, content, now: clock.ms, nonce: nextNonce() });
        assert.match(url, /orderDesc%22%3A%22a%2Bb\+%3D\+100%25\+/);
        const response = await fetch(url, { redirect: 'manual' });
        assert.equal(response.status, 302, `${path}: ${await response.text()}`);
      }
    }));

  test('a tampered URL is refused (401 BAD_SIGN), as are a replay, a stale timestamp, a missing or repeated parameter, a bad escape and POST', () =>
    withGateway(async ({ gateway, clock, nextNonce }) => {
      const sign = (content, extra = {}) =>
        formParamUrl({ ...APP, url: `${gateway.url}${H5_PATH}`, content, now: clock.ms, nonce: nextNonce(), ...extra });
      const content = JSON.stringify({ merOrderId: '3194H5003', totalAmount: 100 });
      const refused = async (url, status, errCode, init = {}) => {
        const response = await fetch(url, { redirect: 'manual', ...init });
        const text = await response.text();
        assert.equal(response.status, status, text);
        assert.equal(JSON.parse(text).errCode, errCode, text);
        return JSON.parse(text);
      };
      const good = sign(content);
      // One changed character of the content, then of the signature.
      const changedAmount = good.replace('%3A100%7D', '%3A900%7D');
      assert.notEqual(changedAmount, good);
      const failure = await refused(changedAmount, 401, 'BAD_SIGN');
      assert.match(failure.errMsg, /^认证失败 \(authentication failed\): /);
      const signatureAt = good.indexOf('&signature=') + '&signature='.length;
      const flipped = good.slice(0, signatureAt) + (good[signatureAt] === 'A' ? 'B' : 'A') + good.slice(signatureAt + 1);
      await refused(flipped, 401, 'BAD_SIGN');
      // A refused signature uses up nothing: the untouched URL still works, once.
      assert.equal((await fetch(good, { redirect: 'manual' })).status, 302);
      await refused(good, 401, 'REPLAYED_NONCE');

      await refused(sign(content, { now: clock.ms - 301_000 }), 401, 'ABNORMAL_REQUEST_TIME');
      await refused(sign(content).replace(/&nonce=[^&]*/, ''), 401, 'INVALID_AUTHORIZATION');
      await refused(`${sign(content)}&appId=${APP.appId}`, 401, 'INVALID_AUTHORIZATION');
      await refused(sign(content).replace('authorization=OPEN-FORM-PARAM', 'authorization=OPEN-BODY-SIG'), 401, 'INVALID_AUTHORIZATION');
      await refused(sign(content).replace('content=', 'content=%E6'), 400, 'BAD_REQUEST');
      await refused(sign(content, { appKey: 'another0fictional0key0for0tests2' }), 401, 'BAD_SIGN');
      const post = await fetch(sign(content), { method: 'POST', redirect: 'manual' });
      assert.equal(post.status, 405);
      assert.equal(post.headers.get('allow'), 'GET');
    }));
});

// ---------------------------------------------------------------------------------------------
// Notifications

/** A merchant's notification endpoint on 127.0.0.1: verifies with the library, answers SUCCESS or FAILED. */
async function withReceiver(fn, { key = COMMUNICATION_KEY } = {}) {
  const received = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const verified = notifications.verify(raw, key);
      received.push({ method: req.method, contentType: req.headers['content-type'], raw, verified });
      res.writeHead(verified ? 200 : 400, { 'Content-Type': 'text/plain' });
      res.end(verified ? 'SUCCESS' : 'FAILED');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await fn({ url: `http://127.0.0.1:${server.address().port}/ums/notify`, received });
  } finally {
    await new Promise((resolve) => {
      server.close(resolve);
      server.closeAllConnections();
    });
  }
}

describe('notifications', () => {
  test("the emulator's node:crypto signing reproduces the shared notification vectors", () => {
    const { key, cases } = vectors('notify.json');
    for (const c of cases) {
      assert.equal(notificationStringToSign(c.params) + key, c.stringToHash, c.name);
      assert.equal(notificationSign(c.params, key, c.params.signType), c.sign, c.name);
    }
  });

  for (const signType of ['MD5', 'SHA256']) {
    test(`gateway.notify (${signType}) posts a signed form that the library verifies and parses; the receiver's SUCCESS is reported`, () =>
      withGateway(({ gateway }) =>
        withReceiver(async ({ url, received }) => {
          const outcome = await gateway.notify({ url, communicationKey: COMMUNICATION_KEY, ...BILL_1, signType, notifyId: 'n-1', fields: { srcReserve: '预授权 & 测试=1+1%' } });
          assert.equal(outcome.acknowledged, true, JSON.stringify(outcome));
          assert.equal(outcome.status, 200);
          assert.equal(outcome.responseText, 'SUCCESS');
          assert.equal(received.length, 1);
          const [{ method, contentType, raw, verified }] = received;
          assert.equal(method, 'POST');
          assert.match(contentType, /^application\/x-www-form-urlencoded/);
          assert.equal(verified, true);
          assert.equal(raw, outcome.body);
          // Both implementations sign the same string, and the sign has the algorithm's length.
          assert.equal(notifications.stringToSign(raw), notificationStringToSign(outcome.params));
          assert.equal(outcome.params.sign.length, signType === 'MD5' ? 32 : 64);
          assert.match(outcome.params.sign, /^[0-9A-F]+$/);
          const n = notifications.parse(raw);
          assert.equal(n.billNo, BILL_1.billNo);
          assert.equal(n.billStatus, 'PAID');
          assert.equal(n.totalAmount, 2100);
          assert.equal(n.authIdRespCd, BILL_1.authIdRespCd);
          assert.equal(n.signType, signType);
          assert.equal(n.notifyId, 'n-1');
          assert.equal(n.srcReserve, '预授权 & 测试=1+1%');
          assert.equal(n.billPayment.merOrderId, BILL_1.merOrderId);
          assert.equal(n.billPayment.totalAmount, 2100);
          assert.equal(n.billPayment.payDetail, '现金支付21.00元');
          assert.deepEqual(gateway.state.notifications().map((r) => [r.trigger, r.acknowledged, r.signType]), [['notify()', true, signType]]);
        }),
      ));
  }

  test('a notification changed in transit, or signed with another key, does not verify', () =>
    withGateway(({ gateway }) =>
      withReceiver(async ({ url, received }) => {
        const { body } = await gateway.notify({ url, communicationKey: COMMUNICATION_KEY, ...BILL_1, signType: 'SHA256' });
        assert.equal(notifications.verify(body, COMMUNICATION_KEY), true);
        for (const [from, to] of [['totalAmount=2100', 'totalAmount=2101'], ['billStatus=PAID', 'billStatus=CLOSED'], ['%22totalAmount%22%3A2100', '%22totalAmount%22%3A2101']]) {
          assert.ok(body.includes(from), from);
          assert.equal(notifications.verify(body.replace(from, to), COMMUNICATION_KEY), false, to);
        }
        assert.equal(notifications.verify(body, 'AnotherCommKey'), false);

        const forged = await gateway.notify({ url, communicationKey: 'AnotherCommKey', ...BILL_1, signType: 'SHA256' });
        assert.equal(received[1].verified, false);
        assert.equal(forged.acknowledged, false);
        assert.equal(forged.status, 400);
        assert.equal(forged.responseText, 'FAILED');
      }),
    ));

  test('with notifyUrl and communicationKey on the credential, each state change is notified after the answer', () =>
    withReceiver(({ url, received }) =>
      withGateway(
        async ({ gateway, clock, nextNonce }) => {
          const at = { baseUrl: gateway.url, now: clock.ms, msgSrcId: MSG_SRC_ID };
          const capture = { mid: BILL_1.mid, tid: BILL_1.tid, billNo: BILL_1.billNo, billDate: BILL_1.billDate, authedOrderId: CAPTURE_ID, authIdRespCd: BILL_1.authIdRespCd, totalAmount: 1500 };
          assert.equal((await send(bills.preauthed.sign(capture, { ...at, ...APP, nonce: nextNonce() }))).response.status, 200);
          const query = bills.query.sign({ mid: BILL_2.mid, tid: BILL_2.tid, billNo: BILL_2.billNo, billDate: BILL_2.billDate }, { ...at, ...APP, nonce: nextNonce() });
          await send(query);
          const records = await gateway.idle();
          // The query changed nothing, so only the capture was notified.
          assert.deepEqual(records.map((r) => [r.trigger, r.billNo, r.acknowledged, r.signType]), [['preauthed', BILL_1.billNo, true, 'SHA256']]);
          assert.equal(received.length, 1);
          assert.equal(received[0].verified, true);
          const n = notifications.parse(received[0].raw);
          assert.equal(n.completeAmount, 1500);
          assert.equal(n.billPayment.merOrderId, CAPTURE_ID);
          assert.equal(notifications.verify(received[0].raw, COMMUNICATION_KEY, { defaultSignType: 'MD5' }), true);
          assert.doesNotMatch(JSON.stringify(records), new RegExp(COMMUNICATION_KEY));
        },
        { gateway: { credentials: [{ ...APP, msgSrcId: MSG_SRC_ID, notifyUrl: url, communicationKey: COMMUNICATION_KEY, notifySignType: 'SHA256' }] } },
      ),
    ));

  test('an unreachable receiver is reported, not thrown; bad arguments are TypeErrors', () =>
    withGateway(async ({ gateway }) => {
      const closed = createServer();
      await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = closed.address().port;
      await new Promise((resolve) => closed.close(resolve));
      const outcome = await gateway.notify({ url: `http://127.0.0.1:${port}/`, communicationKey: COMMUNICATION_KEY, ...BILL_1 });
      assert.equal(outcome.acknowledged, false);
      assert.equal(outcome.status, null);
      assert.match(outcome.error, /could not be reached/);
      for (const [bad, message] of [
        [{ url: 'ftp://x/', communicationKey: 'k', ...BILL_1 }, /url must be/],
        [{ url: 'http://127.0.0.1/', communicationKey: '', ...BILL_1 }, /communicationKey/],
        [{ url: 'http://127.0.0.1/', communicationKey: 'k', ...BILL_1, signType: 'SHA1' }, /signType/],
        [{ url: 'http://127.0.0.1/', communicationKey: 'k', ...BILL_1, billNo: '3194404' }, /no bill 3194404/],
      ]) {
        await assert.rejects(async () => gateway.notify(bad), (e) => e instanceof TypeError && message.test(e.message));
      }
    }));
});

// ---------------------------------------------------------------------------------------------
// Clock offsets and signed responses

describe('a skewed gateway clock and clockOffsetFromResponse', () => {
  test('an unadjusted request is ABNORMAL_REQUEST_TIME; the offset learned from the answer makes the next one acceptable', () =>
    withGateway(
      async ({ gateway, clock, nextNonce }) => {
        const input = { mid: BILL_1.mid, tid: BILL_1.tid, billNo: BILL_1.billNo, billDate: BILL_1.billDate };
        // One clock for the body's requestTimestamp and the header's Timestamp.
        const query = (clockOffsetMs) => bills.query.sign(input, { baseUrl: gateway.url, ...APP, now: clock.ms, clockOffsetMs, nonce: nextNonce() });

        const unadjusted = await send(query(undefined), clock.ms);
        assert.equal(unadjusted.response.status, 401);
        assert.equal(JSON.parse(unadjusted.text).errCode, 'ABNORMAL_REQUEST_TIME');
        assert.match(JSON.parse(unadjusted.text).errMsg, /600 s behind/);
        // A refusal has no business envelope; its Date header follows the gateway's clock.
        const gatewayTime = beijingTime(Date.parse(unadjusted.response.headers.get('date'))).dateTime;
        const learned = clockOffsetFromResponse(gatewayTime, unadjusted.receivedAt);
        assert.equal(learned, 600_000);

        clock.advance(30);
        const adjusted = await send(query(learned), clock.ms);
        assert.equal(adjusted.response.status, 200, adjusted.text);
        const parsed = bills.query.parseResponse(adjusted.text);
        assert.equal(parsed.ok, true);
        assert.equal(parsed.responseTimestamp, beijingTime(clock.ms + 600_000).dateTime);
        // The same offset, read from the business answer's responseTimestamp.
        assert.equal(clockOffsetFromResponse(parsed, adjusted.receivedAt), 600_000);
        assert.equal(new Date(adjusted.response.headers.get('date')).getTime(), clock.ms + 600_000);

        assert.equal((await send(query(undefined), clock.ms)).response.status, 401);
        assert.equal((await send(query(clockOffsetFromResponse(parsed, clock.ms)), clock.ms)).response.status, 200);
      },
      { gateway: { clockSkewMs: 600_000 } },
    ));
});

describe('signed responses (signResponses)', () => {
  const readSigned = async (gateway, clock, nonce, body = queryBody()) => {
    const { authorization } = signOpenBody({ ...APP, body, timestamp: beijingTime(clock.ms).compact, nonce });
    return send({ url: `${gateway.url}${QUERY_PATH}`, method: 'POST', headers: { Authorization: authorization }, body });
  };

  test('answers carry an OPEN-BODY-SIG header the library verifies; a changed body or header fails', () =>
    withGateway(
      async ({ gateway, clock }) => {
        const { response, bytes, text } = await readSigned(gateway, clock, 'signed-1');
        assert.equal(JSON.parse(text).errCode, 'SUCCESS');
        const header = response.headers.get('authorization');
        assert.match(header, /^OPEN-BODY-SIG AppId="[^"]+", Timestamp="\d{14}", Nonce="[0-9a-f]{32}", Signature="[A-Za-z0-9+/]{43}="$/);
        const verified = verifyResponseSignature({ headers: response.headers, body: bytes, appKey: APP.appKey, now: clock.ms });
        assert.deepEqual(verified, { signed: true, appId: APP.appId, timestamp: beijingTime(clock.ms).compact, nonce: header.match(/Nonce="([^"]+)"/)[1] });

        const fails = (options, code) =>
          assert.throws(
            () => verifyResponseSignature({ headers: response.headers, body: bytes, appKey: APP.appKey, now: clock.ms, ...options }),
            (e) => e instanceof ChinaumsError && e.code === code,
          );
        const changedBody = bytes.slice();
        changedBody[changedBody.length - 2] ^= 0x01;
        fails({ body: changedBody }, 'ERR_SIGNATURE_MISMATCH');
        // The same JSON with one space added: equal as data, not as bytes.
        fails({ body: text.replace('{"errCode"', '{ "errCode"') }, 'ERR_SIGNATURE_MISMATCH');
        fails({ headers: undefined, authorization: header.replace(/Nonce="./, 'Nonce="x') }, 'ERR_SIGNATURE_MISMATCH');
        fails({ headers: undefined, authorization: header.replace(/Signature="./, (m) => (m.endsWith('A') ? 'Signature="B' : 'Signature="A')) }, 'ERR_SIGNATURE_MISMATCH');
        fails({ headers: undefined, authorization: header.replace(', Signature', ' Signature') }, 'ERR_AUTH_HEADER');
        fails({ appKey: 'another0fictional0key0for0tests2' }, 'ERR_SIGNATURE_MISMATCH');
        fails({ now: clock.ms + 301_000 }, 'ERR_TIMESTAMP_SKEW');

        // Refusals are not signed: the gateway does not know whose key to use.
        const refused = await readSigned(gateway, clock, 'signed-1');
        assert.equal(refused.response.status, 401);
        assert.deepEqual(verifyResponseSignature({ headers: refused.response.headers, body: refused.bytes, appKey: APP.appKey, now: clock.ms }), { signed: false });
      },
      { gateway: { signResponses: true } },
    ));

  test("signed with the gateway's skewed clock, a response verifies once the learned offset is applied", () =>
    withGateway(
      async ({ gateway, clock, nextNonce }) => {
        const skewed = { now: clock.ms, clockOffsetMs: -400_000 };
        const request = bills.query.sign({ mid: BILL_1.mid, tid: BILL_1.tid, billNo: BILL_1.billNo, billDate: BILL_1.billDate }, { baseUrl: gateway.url, ...APP, ...skewed, nonce: nextNonce() });
        const { response, bytes, text } = await send(request);
        assert.equal(response.status, 200, text);
        assert.throws(() => verifyResponseSignature({ headers: response.headers, body: bytes, appKey: APP.appKey, now: clock.ms }), { code: 'ERR_TIMESTAMP_SKEW' });
        const clockOffsetMs = clockOffsetFromResponse(bills.query.parseResponse(text), clock.ms);
        assert.equal(clockOffsetMs, -400_000);
        assert.equal(verifyResponseSignature({ headers: response.headers, body: bytes, appKey: APP.appKey, now: clock.ms, clockOffsetMs }).signed, true);
      },
      { gateway: { signResponses: true, clockSkewMs: -400_000 } },
    ));

  test('without signResponses answers are unsigned', () =>
    withGateway(async ({ gateway, clock }) => {
      const { response, bytes } = await readSigned(gateway, clock, 'unsigned-1');
      assert.equal(response.headers.get('authorization'), null);
      assert.deepEqual(verifyResponseSignature({ headers: response.headers, body: bytes, appKey: APP.appKey, now: clock.ms }), { signed: false });
    }));
});

// ---------------------------------------------------------------------------------------------
// Faults and options

describe('injected faults and the new options', () => {
  test('faults answer before authentication, in order, for their path, and are used up', () =>
    withGateway(
      async ({ gateway, clock }) => {
        assert.equal(gateway.state.pendingFaults(), 2);
        gateway.inject({ status: 503, body: { errCode: 'SYSTEM_BUSY', errMsg: '系统繁忙' } }, { path: QUERY_PATH });
        const attempt = () => fetch(`${gateway.url}${QUERY_PATH}`, { method: 'POST', body: queryBody() });
        // The startup token fault aims at another path, so the query skips it and meets the
        // startup query fault first, then the one injected later.
        const html = await attempt();
        assert.equal(html.status, 401);
        assert.match(html.headers.get('content-type'), /^text\/html/);
        assert.match(await html.text(), /认证失败/);
        const busy = await attempt();
        assert.equal(busy.status, 503);
        assert.deepEqual(await busy.json(), { errCode: 'SYSTEM_BUSY', errMsg: '系统繁忙' });
        assert.equal(gateway.state.pendingFaults(), 1);
        // Unfaulted again: an unsigned request is the gateway's own 401.
        assert.equal((await (await attempt()).json()).errCode, 'INVALID_AUTHORIZATION');
        const token = await fetch(`${gateway.url}/v1/token/access`, { method: 'POST', body: '{}' });
        assert.deepEqual(await token.json(), { errCode: '1000', errInfo: '认证失败' });
        assert.equal(gateway.state.pendingFaults(), 0);
        assert.equal(clock.ms, FIXED_MS);
      },
      { gateway: { faults: [{ fault: 'token-refusal' }, { fault: 'non-json-401', path: QUERY_PATH }] } },
    ));

  for (const [what, options, message] of [
    ['a clock skew that is not a number', { clockSkewMs: '10m' }, /clockSkewMs/],
    ['signResponses that is not a boolean', { signResponses: 'yes' }, /signResponses/],
    ['an unknown fault', { faults: [{ fault: 'timeout' }] }, /unknown fault "timeout"/],
    ['a fault that is used zero times', { faults: [{ fault: 'token-refusal', times: 0 }] }, /times/],
    ['a notifyUrl without a communication key', { credentials: [{ ...APP, notifyUrl: 'http://127.0.0.1/' }] }, /communicationKey/],
    ['a communication key without a notifyUrl', { credentials: [{ ...APP, communicationKey: 'k' }] }, /notifyUrl/],
    ['a bad notifySignType', { credentials: [{ ...APP, notifyUrl: 'http://127.0.0.1/', communicationKey: 'k', notifySignType: 'SHA1' }] }, /notifySignType/],
  ]) {
    test(`startGateway refuses ${what}`, async () => {
      await assert.rejects(startGateway({ credentials: [APP], ...options }), (e) => e instanceof TypeError && message.test(e.message));
    });
  }
});

test('the chinaums-open-gateway command takes clockSkewMs, signResponses and faults from its config', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chinaums-gateway-'));
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ credentials: [{ ...APP, msgSrcId: MSG_SRC_ID }], clockSkewMs: 120_000, signResponses: true, faults: [{ fault: 'token-refusal' }] }));
  const bin = fileURLToPath(new URL('../../gateway/bin.js', import.meta.url));
  const child = spawn(process.execPath, [bin, '--config', config, '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk) => {
        out += chunk;
        if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
      });
      child.once('exit', (code) => reject(new Error(`the gateway exited with ${code} before printing its URL`)));
    });
    const token = await fetch(`${url}/v1/token/access`, { method: 'POST', body: '{}' });
    assert.deepEqual(await token.json(), { errCode: '1000', errInfo: '认证失败' });

    // The real clock here (a command cannot be given one): the host applies the gateway's skew.
    const clockOffsetMs = 120_000;
    const request = bills.query.sign({ mid: BILL_1.mid, tid: BILL_1.tid, billNo: BILL_1.billNo, billDate: BILL_1.billDate }, { baseUrl: url, ...APP, clockOffsetMs });
    const { response, bytes, text } = await send(request, Date.now());
    assert.equal(response.status, 200, text);
    assert.equal(bills.query.parseResponse(text).billStatus, 'PAID');
    assert.equal(verifyResponseSignature({ headers: response.headers, body: bytes, appKey: APP.appKey, clockOffsetMs }).signed, true);
    child.kill('SIGTERM');
    assert.deepEqual(await once(child, 'exit'), [0, null]);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

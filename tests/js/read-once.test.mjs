// Issue 17, read once: every entry point snapshots each argument once — inputs (top-level members
// and nested ones), option bags and credentials — and validates, builds and signs from that one
// snapshot. Getters that count their calls and Proxies whose traps count must be read exactly
// once per call; getters that change between reads (a lone surrogate first and a clean string
// after, the reverse, or simply two different values) must give a result that reflects the first
// read only: a first-read lone surrogate is refused as ERR_BODY_ENCODING (notifications.verify:
// false), never built, sent or signed from a second read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import * as api from 'chinaums-open';

const { bills, notifications, openBodySig, ChinaumsError } = api;
const { cases } = JSON.parse(readFileSync(new URL('../vectors/open-body-sig.json', import.meta.url), 'utf8'));
const V1 = cases.find((c) => c.name.startsWith('V1-'));
const V1_MS = Date.UTC(2025, 0, 1, 19, 4, 5);
const KEY = V1.appKey;
const APP_ID = V1.appId;
const TS = V1.timestamp;
const NONCE = V1.nonce;
const LONE = 'x\uD800';
const NOTIFY_KEY = 'fictional0communication0key00001';
const FORM_URL = 'https://127.0.0.1/v1/netpay/trade/h5-pay';
const V1_INPUT = Object.freeze(JSON.parse(V1.body));
const QUERY_INPUT = Object.freeze({ mid: '898201612345678', tid: '88880001', billNo: '3194202501020304050001', billDate: '2025-01-02' });

const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key, text) => createHmac('sha256', Buffer.from(key, 'utf8')).update(text, 'utf8').digest('base64');
/** The Authorization node:crypto computes. */
const oracle = (body, { appId = APP_ID, appKey = KEY, timestamp = TS, nonce = NONCE } = {}) =>
  `OPEN-BODY-SIG AppId="${appId}", Timestamp="${timestamp}", Nonce="${nonce}", Signature="${hmac(appKey, appId + timestamp + nonce + sha256(body))}"`;
const errorText = (e) => `${e?.constructor?.name} ${e?.code ?? ''} (field ${inspect(e?.field)}): ${String(e?.message ?? e).slice(0, 160)}`;

// Instrumented arguments ---------------------------------------------------------------------------

/**
 * A copy of `base` whose every member is an enumerable getter counting its reads; `values` gives,
 * per member, the list of what successive reads return (the last repeats).
 */
function counting(base, values = {}) {
  const reads = {};
  const object = {};
  for (const key of Object.keys(base)) {
    reads[key] = 0;
    const sequence = values[key] ?? [base[key]];
    Object.defineProperty(object, key, {
      enumerable: true,
      configurable: true,
      get() {
        reads[key] += 1;
        return sequence[Math.min(reads[key], sequence.length) - 1];
      },
    });
  }
  return { object, reads };
}

/** A Proxy over a copy of `base` counting `get` per own member and `ownKeys` calls. */
function countingProxy(base) {
  const reads = Object.fromEntries(Object.keys(base).map((key) => [key, 0]));
  const listed = { count: 0 };
  const proxy = new Proxy(
    { ...base },
    {
      get(target, key, receiver) {
        if (Object.hasOwn(reads, key)) reads[key] += 1;
        return Reflect.get(target, key, receiver);
      },
      ownKeys(target) {
        listed.count += 1;
        return Reflect.ownKeys(target);
      },
    },
  );
  return { object: proxy, reads, listed };
}

// Entry points ----------------------------------------------------------------------------------------

/** A client over a fetch stub recording what was sent. */
function stubbedClient(options = {}) {
  const sent = [];
  const answers = [...(options.answers ?? ['{"errCode":"SUCCESS"}'])];
  const client = new api.ChinaumsClient({
    appId: APP_ID,
    appKey: KEY,
    baseUrl: 'http://127.0.0.1:9',
    sleep: async () => {},
    random: () => 0.5,
    fetch: async (url, init) => {
      sent.push({ url, body: init.body, headers: init.headers });
      const text = answers.length > 1 ? answers.shift() : answers[0];
      return { status: 200, headers: new Headers(), text: async () => text };
    },
    ...options.client,
  });
  return { client, sent };
}

/**
 * `[label, base, run(arg) → result (maybe a promise), flips]`: `base` is the argument that is
 * instrumented; each flip `[member, a, b, reflects(result, value) → bool, encodingField?]` says
 * which member may change between reads, two clean values, and how the result shows which one
 * was used; `encodingField` is the field a lone surrogate there is reported on (default: the
 * member), false when the call answers false instead (notifications.verify), null when the member
 * is no string the package checks.
 */
function entryPoints() {
  const signer = new api.OpenBodySigner({ appId: APP_ID, appKey: KEY });
  const holds = (text) => (r) => JSON.stringify(r).includes(text);
  const bodyHas = (member) => (r, v) => (r.body ?? r.request?.body).includes(`"${member}":${JSON.stringify(v)}`);
  const signedWith = (key) => (r, v) => r.headers.Authorization === oracle(r.body, { [key]: v });
  const urlIs = (r, v) => r.url.startsWith(v === 'test' ? api.constants.TEST_BASE_URL : api.constants.PRODUCTION_BASE_URL);
  const build = { env: 'test', now: V1_MS, msgSrcId: '3194' };
  const signOptions = { ...build, appId: APP_ID, appKey: KEY, timestamp: TS, nonce: NONCE };
  const request = { method: 'POST', url: 'http://127.0.0.1:9/x', headers: { 'Content-Type': 'application/json' }, body: V1.body };
  const verify = { authorization: V1.authorization, body: V1.body, appKey: KEY, now: V1_MS };
  const notification = { billNo: '3194A', billDate: '2025-01-02', billStatus: 'PAID' };
  const signedNotification = { ...notification, sign: notifications.sign(notification, NOTIFY_KEY) };
  const token = { accessToken: 'tok-a', expiresIn: 3600, expiresAt: V1_MS + 3_600_000 };
  const formOptions = { appId: APP_ID, appKey: KEY, url: FORM_URL, content: '{"a":"1"}', timestamp: TS, nonce: NONCE };
  const goods = { goodsId: '1', goodsName: 'Room', quantity: '1', price: '2100' };
  return [
    // Inputs: top-level members.
    ['bills.preauthCancel.build input', { ...V1_INPUT, srcReserve: 'a' }, (input) => bills.preauthCancel.build(input, build), [['srcReserve', 'first', 'second', bodyHas('srcReserve')], ['mid', '898201612345678', '898201612345679', bodyHas('mid')]]],
    ['bills.preauthCancel.sign input', { ...V1_INPUT, msgId: 'a' }, (input) => bills.preauthCancel.sign(input, signOptions), [['msgId', 'first', 'second', (r, v) => bodyHas('msgId')(r, v) && r.headers.Authorization === oracle(r.body)]]],
    ['bills.preauthCancel.validate input', { ...V1_INPUT }, (input) => bills.preauthCancel.validate(input), [['mid', 'm1', 'm'.repeat(40), (r, v) => r.ok === (v.length <= 32)]]],
    ['bills.preauthCancel.preview input', { ...V1_INPUT, srcReserve: 'a' }, (input) => bills.preauthCancel.preview(input, { env: 'test', appId: APP_ID, now: V1_MS }), [['srcReserve', 'first', 'second', (r, v) => r.ok && bodyHas('srcReserve')(r, v) && r.bodyDigest === sha256(r.request.body)]]],
    ['buildRequest body', { a: '1', b: '2' }, (body) => api.buildRequest('/v1/netpay/refund-query', body, { env: 'test', now: V1_MS }), [['a', 'first', 'second', bodyHas('a')]]],
    // Inputs: nested members (a goods item, an unknown nested member).
    ['bills.getQrcode.build goods[0]', goods, (item) => bills.getQrcode.build({ ...QUERY_INPUT, totalAmount: 2100, goods: [item] }, build), [['goodsName', 'first', 'second', (r, v) => r.body.includes(`"goodsName":"${v}"`), 'goods']]],
    ['buildRequest nested member', { x: 'a' }, (inner) => api.buildRequest('/v1/netpay/refund-query', { outer: { inner } }, { env: 'test', now: V1_MS }), [['x', 'first', 'second', (r, v) => r.body.includes(`"x":"${v}"`), 'outer']]],
    // Option bags.
    ['bills.preauthCancel.build options', build, (options) => bills.preauthCancel.build(V1_INPUT, options), [['env', 'test', 'production', urlIs], ['msgSrcId', '3194', '9999', (r, v) => v === '3194' && typeof r.body === 'string']]],
    ['bills.preauthCancel.sign options', signOptions, (options) => bills.preauthCancel.sign(V1_INPUT, options), [['appKey', KEY, 'other-key', signedWith('appKey')], ['nonce', NONCE, 'n-second', signedWith('nonce')], ['appId', APP_ID, 'otherapp', signedWith('appId')], ['timestamp', TS, '20250102030406', signedWith('timestamp')]]],
    ['bills.preauthCancel.sign options with a signer', { env: 'test', now: V1_MS, signer, timestamp: TS, nonce: NONCE }, (options) => bills.preauthCancel.sign(V1_INPUT, options), [['nonce', NONCE, 'n-second', signedWith('nonce')]]],
    ['bills.preauthCancel.validate options', { msgSrcId: '3194', applyDefaults: true }, (options) => bills.preauthCancel.validate(V1_INPUT, options), [['msgSrcId', '3194', '9999', (r, v) => r.ok === (v === '3194')]]],
    ['bills.preauthCancel.preview options', { env: 'test', appId: APP_ID, now: V1_MS, nonce: NONCE }, (options) => bills.preauthCancel.preview(V1_INPUT, options), [['appId', APP_ID, 'otherapp', (r, v) => r.authorization.includes(`AppId="${v}"`)], ['nonce', NONCE, 'n-second', (r, v) => r.nonce === v && r.authorization.includes(`Nonce="${v}"`)]]],
    ['bills.query.parseResponse options', { maxBodyBytes: 1000 }, (options) => bills.query.parseResponse('{"errCode":"SUCCESS"}', options), [['maxBodyBytes', 1000, 5, (r, v) => v === 1000 && r.ok === true, null]]],
    ['buildRequest options', { env: 'test', now: V1_MS }, (options) => api.buildRequest('/v1/netpay/refund-query', { a: '1' }, options), [['env', 'test', 'production', urlIs]]],
    // Credentials and the OPEN-BODY-SIG stages.
    ['signOpenBody options', { appId: APP_ID, appKey: KEY, body: V1.body, timestamp: TS, nonce: NONCE }, (options) => api.signOpenBody(options), [['body', V1.body, '{"other":1}', (r, v) => r.bodyDigest === sha256(v) && r.authorization === oracle(v)], ['appKey', KEY, 'other-key', (r, v) => r.authorization === oracle(V1.body, { appKey: v })]]],
    ['new OpenBodySigner credentials', { appId: APP_ID, appKey: KEY }, (credentials) => { const s = new api.OpenBodySigner(credentials); try { return s.sign(V1.body, { timestamp: TS, nonce: NONCE }); } finally { s.free(); } }, [['appKey', KEY, 'other-key', (r, v) => r.authorization === oracle(V1.body, { appKey: v })], ['appId', APP_ID, 'otherapp', (r, v) => r.authorization === oracle(V1.body, { appId: v })]]],
    ['OpenBodySigner#sign options', { timestamp: TS, nonce: NONCE }, (options) => signer.sign(V1.body, options), [['nonce', NONCE, 'n-second', (r, v) => r.authorization === oracle(V1.body, { nonce: v }) && r.nonce === v]]],
    ['signRequest request', request, (req) => api.signRequest(req, { appId: APP_ID, appKey: KEY, timestamp: TS, nonce: NONCE }), [['body', V1.body, '{"other":1}', (r, v) => r.body === v && r.headers.Authorization === oracle(v)]]],
    ['signRequest credentials', { appId: APP_ID, appKey: KEY, timestamp: TS, nonce: NONCE }, (credentials) => api.signRequest(request, credentials), [['appKey', KEY, 'other-key', (r, v) => r.headers.Authorization === oracle(V1.body, { appKey: v })]]],
    ['signRequest headers', { 'Content-Type': 'application/json', 'X-Trace': 't1' }, (headers) => api.signRequest({ ...request, headers }, { appId: APP_ID, appKey: KEY, timestamp: TS, nonce: NONCE }), [['X-Trace', 't1', 't2', (r, v) => r.headers['X-Trace'] === v]]],
    ['OpenBodySigner#signRequest request', request, (req) => signer.signRequest(req, { timestamp: TS, nonce: NONCE }), [['body', V1.body, '{"other":1}', (r, v) => r.body === v && r.headers.Authorization === oracle(v)]]],
    ['verifyOpenBody options', verify, (options) => api.verifyOpenBody(options), [['body', V1.body, '{"other":1}', (r, v) => v === V1.body && r.nonce === NONCE], ['authorization', V1.authorization, V1.authorization.replace('Nonce', 'Nonse'), (r, v) => v === V1.authorization && r.nonce === NONCE], ['appKey', KEY, 'other-key', (r, v) => v === KEY && r.nonce === NONCE]]],
    ['explainSignature options', { body: V1.body, authorization: V1.authorization, appKey: KEY }, (options) => api.explainSignature(options), [['body', V1.body, '{"other":1}', (r, v) => r.bodyDigest === sha256(v) && r.matches === (v === V1.body)]]],
    ['openBodySig.bodyDigest options', { maxBodyBytes: 1000 }, (options) => openBodySig.bodyDigest(V1.body, options), [['maxBodyBytes', 1000, 5, (r, v) => v === 1000 && r === V1.bodyDigest, null]]],
    ['openBodySig.stringToSign parts', { appId: APP_ID, timestamp: TS, nonce: NONCE, bodyDigest: V1.bodyDigest }, (parts) => openBodySig.stringToSign(parts), [['nonce', NONCE, 'n-second', (r, v) => r === `${APP_ID}${TS}${v}${V1.bodyDigest}`]]],
    ['openBodySig.computeSignature options', { appKey: KEY, stringToSign: V1.stringToSign }, (options) => openBodySig.computeSignature(options), [['stringToSign', V1.stringToSign, 'other', (r, v) => r === hmac(KEY, v)]]],
    ['openBodySig.authorizationHeader parts', { appId: APP_ID, timestamp: TS, nonce: NONCE, signature: V1.signature }, (parts) => openBodySig.authorizationHeader(parts), [['signature', V1.signature, 'A'.repeat(43) + '=', (r, v) => r.endsWith(`Signature="${v}"`)]]],
    ['verifyResponseSignature options', { body: V1.body, appKey: KEY, authorization: V1.authorization, now: V1_MS }, (options) => api.verifyResponseSignature(options), [['body', V1.body, '{"other":1}', (r, v) => v === V1.body && r.signed === true]]],
    ['verifyResponseSignature headers', { Authorization: V1.authorization, 'Content-Type': 'application/json' }, (headers) => api.verifyResponseSignature({ body: V1.body, appKey: KEY, now: V1_MS, headers }), [['Authorization', V1.authorization, 'Bearer x', (r, v) => v === V1.authorization && r.signed === true]]],
    // Tokens.
    ['accessToken.request options', { appId: APP_ID, appKey: KEY, env: 'test', timestamp: TS, nonce: NONCE }, (options) => api.accessToken.request(options), [['nonce', NONCE, 'n-second', (r, v) => JSON.parse(r.body).nonce === v]]],
    ['accessToken.parseResponse options', { now: V1_MS }, (options) => api.accessToken.parseResponse('{"errCode":"0000","accessToken":"t","expiresIn":60}', options), [['now', V1_MS, 0, (r, v) => r.expiresAt === v + 60_000, null]]],
    ['accessToken.authorization token', { accessToken: 'tok-a' }, (t) => api.accessToken.authorization(t), [['accessToken', 'tok-a', 'tok-b', (r, v) => r === `OPEN-ACCESS-TOKEN AccessToken=${v}`]]],
    ['AccessTokenHolder#update token', token, (t) => new api.AccessTokenHolder().update(t).authorization(V1_MS), [['accessToken', 'tok-a', 'tok-b', (r, v) => r === `OPEN-ACCESS-TOKEN AccessToken=${v}`]]],
    ['new AccessTokenHolder options', { marginSeconds: 600 }, (options) => new api.AccessTokenHolder(options).update(token).refreshAt, [['marginSeconds', 600, 0, (r, v) => r === token.expiresAt - v * 1000, null]]],
    ['clockOffsetFromResponse response', { errCode: 'SUCCESS', responseTimestamp: '2025-01-02 03:04:05' }, (response) => api.clockOffsetFromResponse(response, V1_MS), [['responseTimestamp', '2025-01-02 03:04:05', '2025-01-02 03:04:06', (r, v) => r === (v.endsWith('05') ? 0 : 1000)]]],
    // OPEN-FORM-PARAM.
    ['formParamUrl options', formOptions, (options) => api.formParamUrl(options), [['content', '{"a":"1"}', '{"a":"2"}', (r, v) => new URL(r).searchParams.get('content') === v], ['appKey', KEY, 'other-key', (r, v) => new URL(r).searchParams.get('signature') === hmac(v, APP_ID + TS + NONCE + sha256('{"a":"1"}'))]]],
    ['formParamUrl content object', { a: '1', b: '2' }, (content) => api.formParamUrl({ ...formOptions, content }), [['a', 'first', 'second', (r, v) => JSON.parse(new URL(r).searchParams.get('content')).a === v, 'a']]],
    // Notifications.
    ['notifications.parse params', notification, (params) => notifications.parse(params), [['billNo', '3194A', '3194B', (r, v) => r.billNo === v, 'params']]],
    ['notifications.sign params', notification, (params) => notifications.sign(params, NOTIFY_KEY), [['billNo', '3194A', '3194B', (r, v) => r === notifications.sign({ ...notification, billNo: v }, NOTIFY_KEY), 'params']]],
    ['notifications.stringToSign params', notification, (params) => notifications.stringToSign(params), [['billNo', '3194A', '3194B', (r, v) => r.includes(`billNo=${v}&`), 'params']]],
    ['notifications.verify params', signedNotification, (params) => notifications.verify(params, NOTIFY_KEY), [['billNo', '3194A', '3194B', (r, v) => r === (v === '3194A'), false]]],
    ['notifications.sign options', { signType: 'SHA256' }, (options) => notifications.sign(notification, NOTIFY_KEY, options), [['signType', 'SHA256', 'MD5', (r, v) => r.length === (v === 'SHA256' ? 64 : 32)]]],
    ['notifications.verify options', { defaultSignType: 'MD5', keepEmptyValues: false }, (options) => notifications.verify(signedNotification, NOTIFY_KEY, options), [['defaultSignType', 'MD5', 'SHA256', (r, v) => r === (v === 'MD5')]]],
  ].map(([label, base, run, flips]) => ({ label, base, run, flips, signer }));
}

// The tests ---------------------------------------------------------------------------------------------

async function settle(fn) {
  try {
    return { value: await fn() };
  } catch (error) {
    return { error };
  }
}

test('counting getters: every member of every argument is read exactly once per call, and the call works', async () => {
  const failures = [];
  const rows = entryPoints();
  try {
    for (const { label, base, run } of rows) {
      for (let call = 0; call < 2; call++) {
        const { object, reads } = counting(base);
        const o = await settle(() => run(object));
        if ('error' in o) failures.push(`${label}: threw ${errorText(o.error)}`);
        const wrong = Object.entries(reads).filter(([, n]) => n !== 1);
        if (wrong.length > 0) failures.push(`${label}: ${wrong.map(([k, n]) => `${k} read ${n} times`).join(', ')}`);
      }
    }
  } finally {
    rows[0].signer.free();
  }
  assert.ok(rows.length >= 40, `only ${rows.length} entry points`);
  assert.deepEqual(failures, []);
});

test('counting Proxies: each member got once and the keys listed once per call', async () => {
  const failures = [];
  const rows = entryPoints();
  try {
    for (const { label, base, run } of rows) {
      const { object, reads, listed } = countingProxy(base);
      const o = await settle(() => run(object));
      if ('error' in o) failures.push(`${label}: threw ${errorText(o.error)}`);
      const wrong = Object.entries(reads).filter(([, n]) => n !== 1);
      if (wrong.length > 0) failures.push(`${label}: ${wrong.map(([k, n]) => `get ${k} ${n} times`).join(', ')}`);
      if (listed.count !== 1) failures.push(`${label}: ownKeys ${listed.count} times`);
    }
  } finally {
    rows[0].signer.free();
  }
  assert.deepEqual(failures, []);
});

test('values that change between reads: the result reflects the first read, in every entry point', async () => {
  const failures = [];
  const rows = entryPoints();
  let checked = 0;
  try {
    for (const { label, base, run, flips } of rows) {
      for (const [member, first, second, reflects] of flips) {
        for (const [a, b] of [[first, second], [second, first]]) {
          const { object, reads } = counting(base, { [member]: [a, b] });
          const o = await settle(() => run(object));
          const where = `${label}: ${member} read as ${inspect(a)} then ${inspect(b)}`;
          // Control: the check tells the two apart (the second value alone does not pass for the first).
          const alone = await settle(() => run({ ...base, [member]: b }));
          if ('value' in alone && reflects(alone.value, a)) failures.push(`${where}: the check cannot tell ${inspect(a)} from ${inspect(b)}`);
          if (reads[member] !== 1) failures.push(`${where}: read ${reads[member]} times`);
          if ('error' in o) {
            // A value that is itself refused (a too-long mid, a prefix, an unknown sign type): refused by its own rule only.
            const aloneA = await settle(() => run({ ...base, [member]: a }));
            if (!('error' in aloneA) || aloneA.error.code !== o.error.code) failures.push(`${where}: threw ${errorText(o.error)}`);
            continue;
          }
          checked += 1;
          if (!reflects(o.value, a)) failures.push(`${where}: the result does not reflect the first read: ${inspect(o.value, { depth: 2 }).slice(0, 200)}`);
        }
      }
    }
  } finally {
    rows[0].signer.free();
  }
  assert.ok(checked >= 50, `only ${checked} results checked`);
  assert.deepEqual(failures, []);
});

test('a lone surrogate on the first read is refused as ERR_BODY_ENCODING, even when the second read is clean', async () => {
  const failures = [];
  const rows = entryPoints();
  let checked = 0;
  try {
    for (const { label, base, run, flips } of rows) {
      for (const [member, clean, , reflects, encodingField = member] of flips) {
        if (typeof clean !== 'string' || encodingField === null) continue;
        // Lone first, clean after: refused (or false), never built from the clean read.
        const { object, reads } = counting(base, { [member]: [LONE, clean] });
        const o = await settle(() => run(object));
        const where = `${label}: ${member} a lone surrogate, then clean`;
        checked += 1;
        if (reads[member] !== 1) failures.push(`${where}: read ${reads[member]} times`);
        if (encodingField === false) {
          if (o.value !== false) failures.push(`${where}: ${'error' in o ? errorText(o.error) : inspect(o.value)}; expected false`);
        } else {
          const issue = o.value?.ok === false ? o.value.issues[0] : null;
          const error = 'error' in o ? o.error : null;
          const got = error ? [error instanceof ChinaumsError, error.code, error.field] : issue ? [true, issue.code, issue.field] : null;
          if (!got || !got[0] || got[1] !== 'ERR_BODY_ENCODING' || got[2] !== encodingField) {
            failures.push(`${where}: ${error ? errorText(error) : inspect(o.value, { depth: 2 }).slice(0, 200)}; expected ERR_BODY_ENCODING on ${encodingField}`);
          }
        }
        // Clean first, lone after: works, from the clean read.
        const reverse = counting(base, { [member]: [clean, LONE] });
        const r = await settle(() => run(reverse.object));
        const back = `${label}: ${member} clean, then a lone surrogate`;
        if (reverse.reads[member] !== 1) failures.push(`${back}: read ${reverse.reads[member]} times`);
        if ('error' in r) failures.push(`${back}: threw ${errorText(r.error)}`);
        else if (!reflects(r.value, clean)) failures.push(`${back}: the result does not reflect the clean first read`);
      }
    }
  } finally {
    rows[0].signer.free();
  }
  assert.ok(checked >= 40, `only ${checked} members checked`);
  assert.deepEqual(failures, []);
});

test('the client: its options read once when made; each input read once per request, and what is sent is that read', async () => {
  // Options: each read once when the client is made (retry too), never again.
  const retry = counting({ attempts: 3, baseDelayMs: 1, maxDelayMs: 2 });
  const sent = [];
  const { object: options, reads } = counting(
    {
      appId: APP_ID,
      appKey: KEY,
      baseUrl: 'http://127.0.0.1:9',
      timeoutMs: 5000,
      retry: retry.object,
      now: V1_MS,
      clockOffsetMs: 0,
      msgSrcId: '3194',
      contentType: 'application/json',
      allowUnknownFields: false,
      includeBodies: true,
      sleep: async () => {},
      random: () => 0.5,
      onRequest: () => {},
      onResponse: () => {},
      fetch: async (url, init) => {
        sent.push({ url, body: init.body, authorization: init.headers.Authorization });
        return { status: 200, headers: new Headers(), text: async () => '{"errCode":"SUCCESS","billStatus":"CLOSED","billPayment":{"status":"TRADE_CLOSED"}}' };
      },
    },
    { baseUrl: ['http://127.0.0.1:9', 'http://127.0.0.1:8'], appKey: [KEY, 'other-key'] },
  );
  const client = new api.ChinaumsClient(options);
  try {
    const made = { ...reads };
    await client.bills.query(QUERY_INPUT);
    await client.request('/v1/netpay/refund-query', { a: '1' });
    assert.deepEqual(reads, made, 'options are not read again by requests');
    assert.deepEqual(Object.entries(made).filter(([, n]) => n !== 1), [], 'each option read once');
    assert.deepEqual(Object.values(retry.reads), [1, 1, 1], 'each retry option read once');
    // Sent with the first reads: the first base URL, the first key.
    assert.ok(sent.every((s) => s.url.startsWith('http://127.0.0.1:9/')), sent.map((s) => s.url).join());
    assert.ok(sent.every((s) => s.authorization === oracle(s.body, { ...parse(s.authorization) })), 'signed with the first key');

    // Inputs: each member read once per request, the body sent is that read.
    const failures = [];
    const calls = [
      ['client.bills.query', (input) => client.bills.query(input), QUERY_INPUT, 'billNo'],
      ['client.request', (input) => client.request('/v1/netpay/refund-query', input), { a: '1', b: '2' }, 'a'],
    ];
    for (const [label, call, base, member] of calls) {
      const { object, reads: inputReads } = counting(base, { [member]: [base[member] === '1' ? 'first' : base[member], 'second'] });
      const before = sent.length;
      const o = await settle(() => call(object));
      if ('error' in o) failures.push(`${label}: threw ${errorText(o.error)}`);
      if (Object.values(inputReads).some((n) => n !== 1)) failures.push(`${label}: ${inspect(inputReads)}`);
      const body = JSON.parse(sent[before]?.body ?? '{}');
      if (body[member] === 'second') failures.push(`${label}: sent the second read`);
      const lone = counting(base, { [member]: [LONE, 'clean'] });
      const refused = await settle(() => call(lone.object));
      if (refused.error?.code !== 'ERR_BODY_ENCODING' || refused.error?.field !== member) failures.push(`${label}: a first-read lone surrogate gave ${'error' in refused ? errorText(refused.error) : 'a response'}`);
      if (sent.length !== before + 1) failures.push(`${label}: ${sent.length - before} requests sent (one expected, none for the refused input)`);
    }
    // Request options: read once per call.
    const requestOptions = counting({ timeoutMs: 4000 });
    await client.request('/v1/netpay/refund-query', { a: '1' }, requestOptions.object);
    if (requestOptions.reads.timeoutMs !== 1) failures.push(`request options read ${requestOptions.reads.timeoutMs} times`);
    assert.deepEqual(failures, []);
  } finally {
    client.free();
  }
});

/** appId, timestamp and nonce of a header, so that the oracle can recompute it with the first key. */
function parse(authorization) {
  const { appId, timestamp, nonce } = openBodySig.parseAuthorization(authorization);
  return { appId, timestamp, nonce };
}

test('cancelPreauth reads its input once: the query and the cancel are built from the same read', async () => {
  const answers = [
    '{"errCode":"SUCCESS","billStatus":"PAID","billPayment":{"status":"TRADE_SUCCESS","merOrderId":"31942025010203040500010"}}',
    '{"errCode":"SUCCESS","billStatus":"CLOSED","billPayment":{"status":"TRADE_CLOSED"}}',
  ];
  const { client, sent } = stubbedClient({ answers });
  try {
    const { object, reads } = counting({ ...V1_INPUT }, { billNo: ['3194202501020304050001', '3194999999999999999999'], authIdRespCd: ['000665', '999999'] });
    const result = await client.cancelPreauth(object);
    assert.deepEqual(Object.entries(reads).filter(([, n]) => n !== 1), [], 'each member read once');
    assert.ok(sent.length >= 2, `${sent.length} requests`);
    for (const { body } of sent) {
      assert.equal(JSON.parse(body).billNo, '3194202501020304050001', 'every request carries the first read');
    }
    const cancel = sent.find((s) => s.url.endsWith('/preauth-cancel'));
    assert.equal(JSON.parse(cancel.body).authIdRespCd, '000665');
    assert.equal(result.outcome, 'cancelled');
    // A lone surrogate on the first read: refused, nothing sent.
    const before = sent.length;
    const lone = counting({ ...V1_INPUT }, { billNo: [LONE, '3194202501020304050001'] });
    await assert.rejects(client.cancelPreauth(lone.object), (error) => error instanceof ChinaumsError && error.code === 'ERR_BODY_ENCODING' && error.field === 'billNo');
    assert.equal(lone.reads.billNo, 1);
    assert.equal(sent.length, before, 'nothing sent for a refused input');
  } finally {
    client.free();
  }
});

// bills.preauthCancel.preview: the admin panel's view of a request, computed without a key. It must be
// exactly what a server builds and signs for the same input, and say what to fix otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beijingTime, bills, constants, signRequest } from 'chinaums-open';
import { requiredInput, thrown } from './fixtures.mjs';

const { cases } = JSON.parse(readFileSync(new URL('../vectors/open-body-sig.json', import.meta.url), 'utf8'));
const V1 = cases.find((c) => c.name.startsWith('V1-'));
const V2 = cases.find((c) => c.name.startsWith('V2-'));
const V1_MS = Date.UTC(2025, 0, 1, 19, 4, 5); // 2025-01-02 03:04:05 in Beijing
const PLACEHOLDER = 'Signature="<computed by the server>"';

const input = requiredInput;

const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The words a POSIX shell makes of `command` when `curl` is a function printing its arguments. */
function shellWords(command) {
  const script = `curl() { for word in "$@"; do printf '%s\\0' "$word"; done; }\n${command}\n`;
  const { status, stdout, stderr } = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
  assert.equal(status, 0, stderr);
  return stdout.split('\0').slice(0, -1);
}

test('the previewed body is the builder\'s, byte for byte, for the same input and instant', () => {
  for (const [given, env, vector] of [
    [input(), 'test', V1],
    [{ ...input(), srcReserve: '预授权撤销测试' }, 'production', V2],
  ]) {
    const preview = bills.preauthCancel.preview(given, { env, appId: vector.appId, now: V1_MS });
    const built = bills.preauthCancel.build(given, { env, now: V1_MS });
    assert.equal(preview.ok, true);
    assert.deepEqual(preview.issues, []);
    assert.deepEqual(preview.request, built);
    assert.equal(preview.request.body, vector.body);
    assert.deepEqual(preview.bodyBytes, new Uint8Array(Buffer.from(vector.body, 'utf8')));
  }
});

test('the digest is node:crypto\'s SHA-256 of the UTF-8 body, and the vectors\'', () => {
  const tricky = { ...input(), msgId: 'it\'s "quoted" \\ $HOME `x`', srcReserve: '撤销 ✓ \u2028 😀 \n end' };
  for (const given of [input(), { ...input(), srcReserve: '预授权撤销测试' }, tricky]) {
    const preview = bills.preauthCancel.preview(given, { baseUrl: 'http://127.0.0.1:9', appId: V1.appId, now: V1_MS });
    assert.equal(preview.bodyDigest, sha256(preview.request.body));
    assert.equal(preview.bodyBytes.length, Buffer.byteLength(preview.request.body, 'utf8'));
  }
  const v2 = bills.preauthCancel.preview({ ...input(), srcReserve: '预授权撤销测试' }, { env: 'test', appId: V2.appId, now: V1_MS });
  assert.equal(v2.bodyDigest, V2.bodyDigest);
});

test('the header is the signed one with the signature left to the server', () => {
  const preview = bills.preauthCancel.preview(input(), { env: 'test', appId: V1.appId, now: V1_MS, nonce: V1.nonce });
  assert.equal(preview.timestamp, V1.timestamp);
  assert.equal(preview.nonce, V1.nonce);
  assert.equal(
    preview.authorization,
    `OPEN-BODY-SIG AppId="${V1.appId}", Timestamp="${V1.timestamp}", Nonce="${V1.nonce}", ${PLACEHOLDER}`,
  );
  // What a server holding the key sends for the same body, time and nonce differs only there.
  const signed = signRequest(preview.request, { appId: V1.appId, appKey: V1.appKey, timestamp: V1.timestamp, nonce: V1.nonce });
  assert.equal(signed.headers.Authorization, V1.authorization);
  assert.equal(preview.authorization, V1.authorization.replace(`Signature="${V1.signature}"`, PLACEHOLDER));
});

test('one instant gives both the header Timestamp and a missing requestTimestamp', () => {
  const now = Date.UTC(2025, 11, 31, 15, 59, 59); // 23:59:59 in Beijing
  const preview = bills.preauthCancel.preview(input(), { env: 'test', appId: V1.appId, now: new Date(now) });
  assert.equal(preview.timestamp, '20251231235959');
  assert.equal(JSON.parse(preview.request.body).requestTimestamp, '2025-12-31 23:59:59');
  assert.equal(JSON.parse(preview.request.body).instMid, 'QRPAYDEFAULT');

  const frozen = bills.preauthCancel.preview({ ...input(), requestTimestamp: '2025-01-02 03:04:05' }, { env: 'test', appId: V1.appId, now });
  assert.equal(JSON.parse(frozen.request.body).requestTimestamp, '2025-01-02 03:04:05', 'a given requestTimestamp is kept');
  assert.equal(frozen.timestamp, '20251231235959');
});

test('without now and nonce: the clock in Beijing time and a fresh CSPRNG nonce per call', () => {
  const before = beijingTime(Date.now() - 1000).compact;
  const a = bills.preauthCancel.preview(input(), { env: 'test', appId: V1.appId });
  const b = bills.preauthCancel.preview(input(), { env: 'test', appId: V1.appId });
  const after = beijingTime(Date.now() + 1000).compact;
  assert.ok(a.timestamp >= before && a.timestamp <= after, `${a.timestamp} is not now (${before}…${after})`);
  assert.match(a.nonce, /^[0-9a-f]{32}$/);
  assert.notEqual(a.nonce, b.nonce);
  assert.ok(a.authorization.includes(`Nonce="${a.nonce}"`));
});

test('the curl command round-trips through a POSIX shell: exactly the URL, headers and body', () => {
  const bodies = [
    input(),
    { ...input(), msgId: "it's", srcReserve: '\'\'"\\$(touch /tmp/pwned)`id` !$HOME %s 预授权 ✓' },
    { ...input(), srcReserve: "'" },
    { ...input(), srcReserve: 'tab\tnewline\nU+2028\u2028 end' },
  ];
  for (const given of bodies) {
    const preview = bills.preauthCancel.preview(given, { baseUrl: 'http://127.0.0.1:8080/', appId: V1.appId, now: V1_MS });
    assert.deepEqual(shellWords(preview.curl), [
      '-X',
      'POST',
      `http://127.0.0.1:8080${bills.preauthCancel.path}`,
      '-H',
      'Content-Type: application/json',
      '-H',
      `Authorization: ${preview.authorization}`,
      '--data-binary',
      preview.request.body,
    ]);
    assert.ok(preview.curl.includes(PLACEHOLDER));
  }
});

test('invalid input: the issues bills.preauthCancel.validate gives with defaults, and nothing built', () => {
  const bad = { ...input(), billDate: '2025-02-30', mid: '' };
  const preview = bills.preauthCancel.preview(bad, { env: 'test', appId: V1.appId, now: V1_MS, msgSrcId: '3194' });
  assert.equal(preview.ok, false);
  assert.deepEqual(preview.issues, bills.preauthCancel.validate(bad, { applyDefaults: true, msgSrcId: '3194' }).issues);
  assert.deepEqual(preview.issues, bills.preauthCancel.validate(bad, { msgSrcId: '3194' }).issues, 'validate fills the defaults by default');
  assert.deepEqual(
    preview.issues.map((i) => [i.field, i.code]),
    [
      ['mid', 'ERR_FIELD_REQUIRED'],
      ['billDate', 'ERR_FIELD_FORMAT'],
    ],
  );
  assert.match(preview.issues[1].message, /yyyy-MM-dd/);
  assert.equal(preview.request, null);
  assert.equal(preview.bodyBytes, null);
  assert.equal(preview.bodyDigest, null);
  assert.equal(preview.curl, null);
  // The header's public parts are still shown.
  assert.equal(preview.timestamp, '20250102030405');
  assert.ok(preview.authorization.endsWith(PLACEHOLDER));

  const prefix = bills.preauthCancel.preview({ ...input(), billNo: '9999202501020304050001' }, { env: 'test', appId: V1.appId, msgSrcId: '3194' });
  assert.deepEqual(prefix.issues.map((i) => [i.field, i.code]), [['billNo', 'ERR_FIELD_PREFIX']]);
  const unknown = bills.preauthCancel.preview({ ...input(), billdate: '2025-01-02' }, { env: 'test', appId: V1.appId });
  assert.equal(unknown.ok, false);
  assert.ok(unknown.issues.some((i) => i.code === 'ERR_UNKNOWN_FIELD'));
  const lone = bills.preauthCancel.preview({ ...input(), srcReserve: 'x\uD800' }, { env: 'test', appId: V1.appId });
  assert.deepEqual(lone.issues.map((i) => [i.field, i.code]), [['srcReserve', 'ERR_BODY_ENCODING']]);
  const notJson = bills.preauthCancel.preview('{"mid":', { env: 'test', appId: V1.appId });
  assert.equal(notJson.ok, false);
  assert.equal(notJson.issues[0].code, 'ERR_INVALID_JSON');
});

test('wrong options throw on every call, whether the input is valid or not', () => {
  for (const given of [input(), { billDate: '2025-02-30' }]) {
    const noTarget = thrown(() => bills.preauthCancel.preview(given, { appId: V1.appId }));
    assert.equal(noTarget.code, 'ERR_FIELD_REQUIRED');
    assert.equal(noTarget.field, 'env');
    assert.equal(thrown(() => bills.preauthCancel.preview(given, { env: 'staging', appId: V1.appId })).field, 'env');
    assert.equal(thrown(() => bills.preauthCancel.preview(given, { env: 'test' })).field, 'appId');
    assert.equal(thrown(() => bills.preauthCancel.preview(given, { env: 'test', appId: 'a"b' })).field, 'appId');
    assert.equal(thrown(() => bills.preauthCancel.preview(given, { env: 'test', appId: V1.appId, nonce: 'n", x="y' })).field, 'nonce');
    assert.equal(thrown(() => bills.preauthCancel.preview(given, { env: 'test', appId: V1.appId, now: '2025-01-02' })).field, 'now');
  }
  assert.equal(thrown(() => bills.preauthCancel.preview(input())).code, 'ERR_FIELD_REQUIRED');
  assert.equal(thrown(() => bills.preauthCancel.preview(input(), null)).code, 'ERR_FIELD_TYPE');
  assert.equal(thrown(() => bills.preauthCancel.preview(input(), 'test')).code, 'ERR_FIELD_TYPE');
});

test('the preview holds nothing secret: no key is taken, no signature computed', () => {
  const preview = bills.preauthCancel.preview(input(), { env: 'test', appId: V1.appId, now: V1_MS, nonce: V1.nonce });
  const everything = JSON.stringify({ ...preview, bodyBytes: Array.from(preview.bodyBytes) });
  assert.ok(!everything.includes(V1.signature));
  assert.doesNotMatch(everything, /Signature="[A-Za-z0-9+/]{43}="/);
  assert.equal(preview.request.url, constants.TEST_BASE_URL + bills.preauthCancel.path);
  assert.deepEqual(preview.request.headers, { 'Content-Type': 'application/json' });
});

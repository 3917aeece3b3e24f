// The chinaums-open-gateway command: prints its URL when ready, serves the configured
// credentials and fixture bills, logs requests without keys, and exits cleanly on SIGTERM.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bills, signOpenBody } from 'chinaums-open';
import { APP, MSG_SRC_ID } from './helpers.mjs';

const BIN = fileURLToPath(new URL('../../gateway/bin.js', import.meta.url));

const FIXTURE_BILL = {
  mid: '898201612345699',
  tid: '88880099',
  billNo: '3194BINTEST0001',
  billDate: '2025-03-01',
  merOrderId: '3194BINTEST00010',
  authIdRespCd: '424242',
  totalAmount: 1234,
};

function tempConfig(config, bills) {
  const dir = mkdtempSync(join(tmpdir(), 'chinaums-gateway-'));
  if (bills) writeFileSync(join(dir, 'bills.json'), JSON.stringify({ bills }));
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify(config));
  return { dir, path };
}

/** Resolves with the first line the process prints on stdout. */
function firstLine(child) {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk) => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end !== -1) {
        child.stdout.off('data', onData);
        resolve(buffered.slice(0, end));
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => reject(new Error(`the gateway exited with ${code} before printing its URL`)));
  });
}

test('the bin prints its URL, serves the config and fixtures file, and exits 0 on SIGTERM', { timeout: 30_000 }, async () => {
  const { dir, path } = tempConfig({ credentials: [{ ...APP, msgSrcId: MSG_SRC_ID }], fixtures: 'bills.json' }, [FIXTURE_BILL]);
  const child = spawn(process.execPath, [BIN, '--port', '0', '--config', path], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  try {
    const url = await firstLine(child);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const info = await fetch(`${url}/`);
    assert.deepEqual((await info.json()).appIds, [APP.appId]);

    const { mid, tid, billNo, billDate, merOrderId, authIdRespCd } = FIXTURE_BILL;
    const request = bills.preauthCancel.sign({ mid, tid, billNo, billDate, merOrderId, authIdRespCd }, { baseUrl: url, msgSrcId: MSG_SRC_ID, ...APP });
    const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
    assert.equal(response.status, 200);
    const parsed = bills.preauthCancel.parseResponse(await response.text());
    assert.equal(parsed.errCode, 'SUCCESS');
    assert.equal(parsed.billStatus, 'CLOSED');
    assert.equal(parsed.billPayment.totalAmount, 1234);

    child.kill('SIGTERM');
    const [code, signal] = await once(child, 'exit');
    assert.equal(code, 0);
    assert.equal(signal, null);
    assert.match(stderr, /POST \/v1\/netpay\/bills\/preauth-cancel → 200 SUCCESS \(OPEN-BODY-SIG, appId a1b2c3d4e5f60718293a4b5c6d7e8f90\)/);
    assert.doesNotMatch(stderr, new RegExp(APP.appKey));
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const [what, args, config, message] of [
  ['no --config', [], null, /--config is required/],
  ['a config without credentials', ['--config'], {}, /credentials must be a non-empty array/],
  ['a bad port', ['--port', 'http', '--config'], { credentials: [APP] }, /--port must be 0-65535/],
  ['an unknown option', ['--verbose', '--config'], { credentials: [APP] }, /Unknown option '--verbose'/],
]) {
  test(`the bin refuses ${what} with a message and a non-zero exit`, { timeout: 30_000 }, async () => {
    const temp = config === null ? null : tempConfig(config);
    try {
      const child = spawn(process.execPath, [BIN, ...args, ...(temp ? [temp.path] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
      const [code] = await once(child, 'exit');
      assert.notEqual(code, 0);
      assert.match(stderr, message);
    } finally {
      if (temp) rmSync(temp.dir, { recursive: true, force: true });
    }
  });
}

test("the gateway package's example config (gateway/example-config.json) starts and serves its fixture bill", { timeout: 30_000 }, async () => {
  const config = fileURLToPath(new URL('../../gateway/example-config.json', import.meta.url));
  const [fixture] = JSON.parse(readFileSync(config, 'utf8')).fixtures;
  const child = spawn(process.execPath, [BIN, '--config', config, '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await firstLine(child);
    const body = JSON.stringify({
      requestTimestamp: '2025-01-02 09:05:00',
      mid: fixture.mid,
      tid: fixture.tid,
      instMid: 'QRPAYDEFAULT',
      billNo: fixture.billNo,
      billDate: fixture.billDate,
    });
    const { authorization } = signOpenBody({ ...APP, body });
    const response = await fetch(`${url}${bills.query.path}`, { method: 'POST', headers: { Authorization: authorization }, body });
    const parsed = bills.query.parseResponse(await response.text());
    assert.equal(parsed.errCode, 'SUCCESS');
    assert.equal(parsed.billStatus, 'PAID');
    assert.equal(parsed.totalAmount, fixture.totalAmount);
    assert.equal(parsed.billPayment.merOrderId, fixture.merOrderId);
    child.kill('SIGTERM');
    assert.deepEqual(await once(child, 'exit'), [0, null]);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

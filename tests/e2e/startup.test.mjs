// startGateway's own contract: clear errors for bad options, the Node-only entry, a port that
// is taken, an idempotent close, a broken clock answered as INTERNAL_ERROR, and a request
// target that is not a path answered as the client's error.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startGateway, DEFAULT_BILLS } from 'chinaums-open-gateway';
import { rawTarget } from '../packaging/support.mjs';
import { APP, BILL_1 } from './helpers.mjs';

const manifest = JSON.parse(readFileSync(new URL('../../gateway/package.json', import.meta.url), 'utf8'));

test('chinaums-open-gateway is a Node-only package; elsewhere it fails with a clear message', async () => {
  assert.deepEqual(manifest.exports['.'], {
    types: './index.d.ts',
    node: './index.js',
    default: './not-node.js',
  });
  assert.equal(manifest.bin['chinaums-open-gateway'], './bin.js');
  await assert.rejects(import('../../gateway/not-node.js'), /Node\.js-only test server/);
});

test('the defaults hold the V1 vector bill as a frozen preauthorization', async () => {
  const gateway = await startGateway({ credentials: [APP] });
  try {
    const bill = gateway.state.bill(BILL_1.billNo, BILL_1.billDate);
    assert.equal(bill.billStatus, 'PAID');
    assert.equal(bill.billPayment.status, 'TRADE_SUCCESS');
    assert.equal(bill.billPayment.authIdRespCd, '000665');
    assert.equal(bill.totalAmount, 2100);
    assert.equal(gateway.state.bills().length, DEFAULT_BILLS.length);
    // state hands out copies
    gateway.state.bill(BILL_1.billNo, BILL_1.billDate).billPayment.status = 'TRADE_CLOSED';
    assert.equal(gateway.state.bill(BILL_1.billNo, BILL_1.billDate).billPayment.status, 'TRADE_SUCCESS');
    const added = gateway.state.addBill({ ...BILL_1, billNo: '3194ADDED', totalAmount: 1 });
    assert.equal(added.billStatus, 'PAID');
    assert.equal(gateway.state.bills().length, DEFAULT_BILLS.length + 1);
  } finally {
    await gateway.close();
  }
});

for (const [what, options, message] of [
  ['no credentials', {}, /credentials must be a non-empty array/],
  ['an empty appKey', { credentials: [{ appId: 'a', appKey: '' }] }, /credentials\[0\]\.appKey/],
  ['an appId with a quote', { credentials: [{ appId: 'a"b', appKey: 'k' }] }, /credentials\[0\]\.appId/],
  ['a duplicated appId', { credentials: [APP, APP] }, /appears twice/],
  ['a bad msgSrcId', { credentials: [{ ...APP, msgSrcId: '31945' }] }, /msgSrcId/],
  ['a fixture with a bad billDate', { credentials: [APP], fixtures: [{ ...BILL_1, billDate: '2025-02-30', totalAmount: 1 }] }, /fixtures\[0\]: billDate/],
  ['a fixture amount in yuan', { credentials: [APP], fixtures: [{ ...BILL_1, totalAmount: 21.5 }] }, /fixtures\[0\]: totalAmount must be a positive integer number of fen/],
  ['a preauth fixture without authIdRespCd', { credentials: [APP], fixtures: [{ ...BILL_1, authIdRespCd: undefined, totalAmount: 1 }] }, /authIdRespCd/],
  ['a missing fixtures file', { credentials: [APP], fixtures: '/nonexistent/bills.json' }, /cannot read the fixtures file/],
  ['a clock that is not a function', { credentials: [APP], now: 5 }, /now must be a function/],
  ['a negative tolerance', { credentials: [APP], toleranceSeconds: -1 }, /toleranceSeconds/],
]) {
  test(`startGateway refuses ${what}`, async () => {
    await assert.rejects(startGateway(options), (error) => error instanceof TypeError && message.test(error.message));
  });
}

test('a port that is taken rejects with EADDRINUSE; close() is idempotent', async () => {
  const first = await startGateway({ credentials: [APP] });
  try {
    const port = Number(new URL(first.url).port);
    await assert.rejects(startGateway({ credentials: [APP], port }), { code: 'EADDRINUSE' });
  } finally {
    await first.close();
    await first.close();
  }
});

test('a clock that returns something other than a number is answered as INTERNAL_ERROR, not a hang', async () => {
  const lines = [];
  const gateway = await startGateway({ credentials: [APP], now: () => 'soon', log: (line) => lines.push(line) });
  try {
    const response = await fetch(`${gateway.url}/v1/netpay/bills/query`, { method: 'POST', body: '{}' });
    assert.equal(response.status, 500);
    assert.equal((await response.json()).errCode, 'INTERNAL_ERROR');
    assert.match(lines.join('\n'), /500 INTERNAL_ERROR/);
  } finally {
    await gateway.close();
  }
});

test('a request target that is not a path (GET //) is 400 BAD_REQUEST, not INTERNAL_ERROR', async () => {
  const gateway = await startGateway({ credentials: [APP] });
  try {
    for (const target of ['//', '/\\']) {
      const { status, text } = await rawTarget(gateway.url, target, new URL(gateway.url).host);
      assert.equal(status, 400, `GET ${target}: ${text}`);
      assert.equal(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)).errCode, 'BAD_REQUEST');
    }
    assert.equal((await rawTarget(gateway.url, '/', new URL(gateway.url).host)).status, 200, 'the connection-level parser is not what refused them');
  } finally {
    await gateway.close();
  }
});

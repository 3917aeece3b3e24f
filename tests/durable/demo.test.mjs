// The demo's durable part (examples/durable-object/demo.mjs, run by scripts/demo.sh): it tells
// the story of a hold whose cancel answer is lost while the Worker restarts, and exits 0 only
// when the Durable Object recovered it with one cancel; the key never shows.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { DEMO_CREDENTIALS } from '../../examples/flow/demo-setup.mjs';

test('the demo part: the lost cancel answer recovered by the Durable Object after the Worker restarts', { timeout: 90_000 }, async () => {
  const script = fileURLToPath(new URL('../../examples/durable-object/demo.mjs', import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  const [code] = await once(child, 'exit');
  assert.equal(code, 0, output);
  assert.match(output, /^Part 4: a Durable Object recovers a hold across a Worker restart$/m);
  assert.match(output, /gateway: POST \/v1\/netpay\/bills\/preauth-cancel → applied \(billStatus CLOSED\), answer held back\n\n3\. workerd is killed with SIGKILL/);
  assert.match(output, /4\. workerd is started again on the same storage[^\n]*\n {3}gateway: POST \/v1\/netpay\/bills\/query → 200 SUCCESS[^\n]*\n {3}→ delivered to the merchant \(PREAUTH_OUTCOME, Idempotency-Key chinaums-preauth-recovery:3194\d+\):\n {5}outcome already-cancelled, 3 requests, billStatus CLOSED/);
  assert.match(output, /✓ The Durable Object recovered the lost answer across the restart/);
  assert.doesNotMatch(output, new RegExp(DEMO_CREDENTIALS.appKey));
});

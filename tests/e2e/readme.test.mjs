// The gateway README's test example, run exactly as printed: an integrator copies it first, so
// it must pass against the package as it is.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const MARKER = '<!-- This block runs as it is in tests/e2e/readme.test.mjs. -->';

test("the gateway README's Node test-runner example passes", { timeout: 30_000 }, async () => {
  const readme = readFileSync(join(REPO, 'gateway/README.md'), 'utf8');
  const block = /^```js\n([\s\S]*?)^```$/m.exec(readme.slice(readme.indexOf(MARKER)));
  assert.ok(readme.includes(MARKER) && block, 'the README lost its marked example');
  // Under the repository, so that both packages resolve from its node_modules.
  const dir = join(REPO, 'tests/.tmp/readme');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'gateway-example.test.mjs');
  writeFileSync(file, block[1]);
  // Without NODE_TEST_CONTEXT, which this runner sets and which would make the inner runner
  // report to it in its binary format instead of printing TAP.
  const { NODE_TEST_CONTEXT, ...env } = process.env;
  const { stdout } = await promisify(execFile)(process.execPath, ['--test', '--test-reporter=tap', file], { cwd: dir, env });
  assert.match(stdout, /^# pass 1$/m, stdout);
  assert.match(stdout, /^# fail 0$/m, stdout);
});

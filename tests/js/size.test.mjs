// Size budget of the published artifacts: on Workers the module is paid for at every cold start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';

// The budgets sit just above today's sizes (docs/benchmarks.md says what costs what: serde and
// its float formatting, serde-wasm-bindgen, the whole protocol with the durable recovery, the
// crate compiled for speed), so that growth is a decision rather than an accident. The glue grew
// with wasm-bindgen's reset-state function (a fresh instance after a trap), and with the
// signer's hot path (a short body with its timestamp and nonce as strings: 40 % faster).
const WASM_GZIP_BUDGET = 168 * 1024;
const GLUE_GZIP_BUDGET = 9.5 * 1024;

const pkgDir = new URL('../../pkg/', import.meta.url);
const gzipped = (file) => gzipSync(readFileSync(new URL(file, pkgDir)), { level: 9 }).length;

test(`the .wasm is at most ${WASM_GZIP_BUDGET} bytes gzipped`, () => {
  const size = gzipped('dist/chinaums_open_bg.wasm');
  assert.ok(size <= WASM_GZIP_BUDGET, `the wasm is ${size} bytes gzipped; the budget is ${WASM_GZIP_BUDGET}`);
});

test(`the JS glue and API are at most ${GLUE_GZIP_BUDGET} bytes gzipped each`, () => {
  for (const file of ['dist/chinaums_open.js', 'src/api.js']) {
    const size = gzipped(file);
    assert.ok(size <= GLUE_GZIP_BUDGET, `${file} is ${size} bytes gzipped; the budget is ${GLUE_GZIP_BUDGET}`);
  }
});

test('the package resolves as chinaums-open and ships one .wasm', () => {
  const require = createRequire(import.meta.url);
  const manifest = JSON.parse(readFileSync(new URL('package.json', pkgDir), 'utf8'));
  assert.equal(manifest.name, 'chinaums-open');
  assert.equal(manifest.type, 'module');
  assert.equal(manifest.files.filter((f) => f.endsWith('.wasm')).length, 1);
  assert.ok(require.resolve('chinaums-open/package.json').endsWith('package.json'));
});

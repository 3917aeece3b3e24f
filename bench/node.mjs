// Node benchmarks for issue 7: the signer against node:crypto in one process, the whole
// build + validate + sign path, cold start, and artifact sizes. Prints one JSON object.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { OpenBodySigner, buildPreauthCancel, signRequest } from 'chinaums-open';
import { APP_ID, APP_KEY, NONCE, PREAUTH_INPUT, TIMESTAMP, bodyOfSize, median, nodeCryptoSign, opsPerSecond } from './lib.mjs';

const signer = new OpenBodySigner({ appId: APP_ID, appKey: APP_KEY });
const headerInputs = { timestamp: TIMESTAMP, nonce: NONCE };

function signerVsNodeCrypto(size) {
  const body = bodyOfSize(size);
  const expected = nodeCryptoSign(APP_ID, APP_KEY, body, TIMESTAMP, NONCE);
  if (signer.sign(body, headerInputs).authorization !== expected) throw new Error('the contenders disagree');
  const ops = opsPerSecond({
    wasm: () => signer.sign(body, headerInputs),
    nodeCrypto: () => nodeCryptoSign(APP_ID, APP_KEY, body, TIMESTAMP, NONCE),
  });
  return { bodyBytes: size, wasmOpsPerSec: ops.wasm, nodeCryptoOpsPerSec: ops.nodeCrypto, ratio: ops.wasm / ops.nodeCrypto };
}

function buildValidateSign() {
  const options = { env: 'test', now: 1_735_758_245_000 };
  const credentials = { appId: APP_ID, appKey: APP_KEY, ...headerInputs };
  const ops = opsPerSecond(
    {
      signRequest: () => signRequest(buildPreauthCancel(PREAUTH_INPUT, options), credentials),
      signerInstance: () => signer.sign(buildPreauthCancel(PREAUTH_INPUT, options).body, headerInputs),
    },
    { iterations: 20_000 },
  );
  return { withSignRequestPerSec: ops.signRequest, withSignerPerSec: ops.signerInstance };
}

/** Fresh processes: import (which compiles and instantiates the wasm synchronously). */
function coldStart(runs = 15) {
  const probe = `
    const t0 = performance.now();
    await import('chinaums-open');
    const t1 = performance.now();
    process.stdout.write(JSON.stringify({ importMs: t1 - t0 }));`;
  const wasmBytes = readFileSync(new URL('../pkg/dist/chinaums_open_bg.wasm', import.meta.url));
  const compileProbe = `
    import { readFileSync } from 'node:fs';
    const bytes = readFileSync(${JSON.stringify(fileURLToPath(new URL('../pkg/dist/chinaums_open_bg.wasm', import.meta.url)))});
    const t0 = performance.now();
    new WebAssembly.Module(bytes);
    process.stdout.write(JSON.stringify({ compileMs: performance.now() - t0 }));`;
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  const run = (source) =>
    JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', source], { cwd, encoding: 'utf8' }));
  const imports = [];
  const compiles = [];
  for (let i = 0; i < runs; i++) {
    imports.push(run(probe).importMs);
    compiles.push(run(compileProbe).compileMs);
  }
  return { importMs: median(imports), compileOnlyMs: median(compiles), wasmBytes: wasmBytes.length };
}

function sizes() {
  const gz = (path) => gzipSync(readFileSync(new URL(path, import.meta.url)), { level: 9 }).length;
  return {
    wasmBytes: readFileSync(new URL('../pkg/dist/chinaums_open_bg.wasm', import.meta.url)).length,
    wasmGzip9: gz('../pkg/dist/chinaums_open_bg.wasm'),
    glueGzip9: gz('../pkg/dist/chinaums_open.js'),
    apiGzip9: gz('../pkg/src/api.js'),
  };
}

const report = {
  node: process.version,
  sign300: signerVsNodeCrypto(300),
  sign4k: signerVsNodeCrypto(4096),
  buildValidateSign: buildValidateSign(),
  coldStart: coldStart(),
  sizes: sizes(),
};
signer.free();
process.stdout.write(JSON.stringify(report, null, 2) + '\n');

// Node benchmarks: the signer against node:crypto in one process, the whole build + validate +
// sign path, cold start, and artifact sizes. `node bench/node.mjs` prints one JSON object;
// bench/run.mjs puts it in a table with the workerd figures.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { OpenBodySigner, buildPreauthCancel, signRequest } from 'chinaums-open';
import { handwrittenPreauthCancel } from './handwritten.mjs';
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

/** Validate + build + sign from a JS object, against the same job written by hand with node:crypto. */
function buildValidateSign() {
  const now = 1_735_758_245_000;
  const options = { env: 'test', now };
  const credentials = { appId: APP_ID, appKey: APP_KEY, ...headerInputs };
  const ours = () => signer.signRequest(buildPreauthCancel(PREAUTH_INPUT, options), headerInputs);
  const theirs = () => handwrittenPreauthCancel(PREAUTH_INPUT, { appId: APP_ID, appKey: APP_KEY, now, ...headerInputs });
  if (ours().headers.Authorization !== theirs().authorization) throw new Error('the contenders disagree');
  const ops = opsPerSecond(
    { signer: ours, signRequest: () => signRequest(buildPreauthCancel(PREAUTH_INPUT, options), credentials), handwritten: theirs },
    { iterations: 20_000 },
  );
  return { withSignerPerSec: ops.signer, withSignRequestPerSec: ops.signRequest, handwrittenPerSec: ops.handwritten, ratio: ops.signer / ops.handwritten };
}

/**
 * Fresh processes: importing the package, which reads, compiles and instantiates the wasm
 * synchronously. The ESM loader's own start-up (paid by the first import of any module, about
 * 5 ms in Node 20) is taken first, with an empty module, so that it is not counted as ours.
 */
function coldStart(runs = 15) {
  const probe = `
    await import('data:text/javascript,export default 0');
    const t0 = performance.now();
    await import('chinaums-open');
    const t1 = performance.now();
    process.stdout.write(JSON.stringify({ importMs: t1 - t0 }));`;
  const wasmBytes = readFileSync(new URL('../pkg/dist/chinaums_open_bg.wasm', import.meta.url));
  const compileProbe = `
    import { readdirSync, readFileSync } from 'node:fs';
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

/** Lines of the files ending in `extension` in a folder. */
function lines(folder, extension) {
  const dir = new URL(folder, import.meta.url);
  return readdirSync(dir)
    .filter((name) => name.endsWith(extension))
    .reduce((total, name) => total + readFileSync(new URL(name, dir), 'utf8').split('\n').length - 1, 0);
}

function sizes() {
  const gz = (path) => gzipSync(readFileSync(new URL(path, import.meta.url)), { level: 9 }).length;
  return {
    wasmBytes: readFileSync(new URL('../pkg/dist/chinaums_open_bg.wasm', import.meta.url)).length,
    wasmGzip9: gz('../pkg/dist/chinaums_open_bg.wasm'),
    glueGzip9: gz('../pkg/dist/chinaums_open.js'),
    apiGzip9: gz('../pkg/src/api.js'),
    bindingLines: lines('../src/wasm/', '.rs') + lines('../pkg/src/', '.js'),
  };
}

export function nodeBenchmark() {
  return {
    node: process.version,
    sign300: signerVsNodeCrypto(300),
    sign4k: signerVsNodeCrypto(4096),
    buildValidateSign: buildValidateSign(),
    coldStart: coldStart(),
    sizes: sizes(),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(JSON.stringify(nodeBenchmark(), null, 2) + '\n');
  signer.free();
}

// Node benchmarks, every contender in one process: the whole job (bills.preauthCancel.sign from a
// JS object) against the same job written by hand with node:crypto; the signer against the
// other wasm and JavaScript SHA-256/HMAC implementations (hash-wasm, @noble/hashes) and
// node:crypto; cold start; artifact sizes and glue lines. `node bench/node.mjs` prints one JSON
// object; bench/run.mjs puts it in a table with the workerd figures.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { OpenBodySigner, bills } from 'chinaums-open';
import { createHMAC, createSHA256 } from 'hash-wasm';
import { handwrittenPreauthCancel } from './handwritten.mjs';
import { APP_ID, APP_KEY, NONCE, PREAUTH_INPUT, TIMESTAMP, bodyOfSize, median, nodeCryptoSign, opsPerSecond } from './lib.mjs';

const signer = new OpenBodySigner({ appId: APP_ID, appKey: APP_KEY });
const headerInputs = { timestamp: TIMESTAMP, nonce: NONCE };
const encoder = new TextEncoder();
const header = (signature) => `OPEN-BODY-SIG AppId="${APP_ID}", Timestamp="${TIMESTAMP}", Nonce="${NONCE}", Signature="${signature}"`;
const base64 = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/**
 * OPEN-BODY-SIG with hash-wasm (SHA-256 and HMAC compiled to wasm), as fast as its API allows:
 * both hashers made once (the key processed once, like OpenBodySigner's), re-initialized per
 * signature.
 */
async function hashWasmSigner() {
  const [digest, mac] = await Promise.all([createSHA256(), createHMAC(createSHA256(), encoder.encode(APP_KEY))]);
  return (body) => {
    digest.init();
    digest.update(encoder.encode(body));
    mac.init();
    mac.update(encoder.encode(APP_ID + TIMESTAMP + NONCE + digest.digest('hex')));
    return header(base64(mac.digest('binary')));
  };
}

/** OPEN-BODY-SIG with @noble/hashes (audited pure JavaScript): the keyed HMAC made once, cloned per signature. */
function nobleSigner() {
  const keyed = hmac.create(sha256, encoder.encode(APP_KEY));
  return (body) => {
    const digest = bytesToHex(sha256(encoder.encode(body)));
    return header(base64(keyed.clone().update(encoder.encode(APP_ID + TIMESTAMP + NONCE + digest)).digest()));
  };
}

/** Calls per round, by body size: each round takes a fraction of a second for every contender. */
const ITERATIONS = { 300: 20_000, 4096: 4_000, 65536: 300 };

/** The signer against hash-wasm, @noble/hashes and node:crypto, all checked to produce the same header first. */
async function signerVsPeers(size) {
  const body = bodyOfSize(size);
  const contenders = {
    signer: () => signer.sign(body, headerInputs).authorization,
    hashWasm: await hashWasmSigner(),
    noble: nobleSigner(),
    nodeCrypto: () => nodeCryptoSign(APP_ID, APP_KEY, body, TIMESTAMP, NONCE),
  };
  const expected = nodeCryptoSign(APP_ID, APP_KEY, body, TIMESTAMP, NONCE);
  for (const [name, sign] of Object.entries(contenders)) {
    const got = name === 'hashWasm' || name === 'noble' ? sign(body) : sign();
    if (got !== expected) throw new Error(`${name} disagrees at ${size} bytes: ${got} vs ${expected}`);
  }
  const iterations = ITERATIONS[size];
  const ops = opsPerSecond(
    { signer: contenders.signer, hashWasm: () => contenders.hashWasm(body), noble: () => contenders.noble(body), nodeCrypto: contenders.nodeCrypto },
    { iterations, warmup: iterations, rounds: 7 },
  );
  return {
    bodyBytes: size,
    opsPerSec: ops,
    vsHashWasm: ops.signer / ops.hashWasm,
    vsNoble: ops.signer / ops.noble,
    vsNodeCrypto: ops.signer / ops.nodeCrypto,
  };
}

/**
 * bills.preauthCancel.sign from a JS object (validate, fill the defaults, write the body, sign:
 * one call), with the credentials (the key processed per call) and with a signer, against the
 * same job written by hand with node:crypto.
 */
function signVsHandwritten() {
  const now = 1_735_758_245_000;
  const withCredentials = { env: 'test', now, appId: APP_ID, appKey: APP_KEY, ...headerInputs };
  const withSigner = { env: 'test', now, signer, ...headerInputs };
  const contenders = {
    credentials: () => bills.preauthCancel.sign(PREAUTH_INPUT, withCredentials),
    signer: () => bills.preauthCancel.sign(PREAUTH_INPUT, withSigner),
    handwritten: () => handwrittenPreauthCancel(PREAUTH_INPUT, { appId: APP_ID, appKey: APP_KEY, now, ...headerInputs }),
  };
  const theirs = contenders.handwritten();
  for (const name of ['credentials', 'signer']) {
    const ours = contenders[name]();
    if (ours.headers.Authorization !== theirs.authorization || ours.body !== theirs.body || ours.url !== theirs.url) {
      throw new Error(`bills.preauthCancel.sign with ${name} and the handwritten job disagree`);
    }
  }
  const ops = opsPerSecond(contenders, { iterations: 20_000 });
  return {
    credentialsPerSec: ops.credentials,
    signerPerSec: ops.signer,
    handwrittenPerSec: ops.handwritten,
    credentialsRatio: ops.credentials / ops.handwritten,
    signerRatio: ops.signer / ops.handwritten,
  };
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
  const wasmPath = fileURLToPath(new URL('../pkg/dist/chinaums_open_bg.wasm', import.meta.url));
  const compileProbe = `
    import { readFileSync } from 'node:fs';
    const bytes = readFileSync(${JSON.stringify(wasmPath)});
    const t0 = performance.now();
    new WebAssembly.Module(bytes);
    process.stdout.write(JSON.stringify({ compileMs: performance.now() - t0 }));`;
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  const run = (source) => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', source], { cwd, encoding: 'utf8' }));
  const imports = [];
  const compiles = [];
  for (let i = 0; i < runs; i++) {
    imports.push(run(probe).importMs);
    compiles.push(run(compileProbe).compileMs);
  }
  return { importMs: median(imports), compileOnlyMs: median(compiles) };
}

/** Lines of the files ending in `extension` in a folder, but those in `except`. */
function lines(folder, extension, except = []) {
  const dir = new URL(folder, import.meta.url);
  return readdirSync(dir)
    .filter((name) => name.endsWith(extension) && !except.includes(name))
    .reduce((total, name) => total + readFileSync(new URL(name, dir), 'utf8').split('\n').length - 1, 0);
}

function sizes() {
  const gz = (path) => gzipSync(readFileSync(new URL(path, import.meta.url)), { level: 9 }).length;
  return {
    wasmBytes: readFileSync(new URL('../pkg/dist/chinaums_open_bg.wasm', import.meta.url)).length,
    wasmGzip9: gz('../pkg/dist/chinaums_open_bg.wasm'),
    glueGzip9: gz('../pkg/dist/chinaums_open.js'),
    // The glue: the wasm binding (src/wasm/) and the package's JavaScript (pkg/src/), without
    // the tables generated from the Rust ones (pkg/src/generated.js).
    glueLines: lines('../src/wasm/', '.rs') + lines('../pkg/src/', '.js', ['generated.js']),
  };
}

export async function nodeBenchmark() {
  return {
    node: process.version,
    signVsHandwritten: signVsHandwritten(),
    signer300: await signerVsPeers(300),
    signer4k: await signerVsPeers(4096),
    signer64k: await signerVsPeers(65536),
    coldStart: coldStart(),
    sizes: sizes(),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(JSON.stringify(await nodeBenchmark(), null, 2) + '\n');
  signer.free();
}

// The workerd benchmark: the package's signer against WebCrypto (digest + HMAC, the same
// computation) inside one real workerd process, timed from Node. Prints one JSON object.
import { fileURLToPath } from 'node:url';
import { startWorkerd } from '../examples/worker/workerd.mjs';
import { median } from './lib.mjs';

const ROUNDS = 5;

async function timed(url, impl, n, size) {
  const start = process.hrtime.bigint();
  const response = await fetch(`${url}/?impl=${impl}&n=${n}&size=${size}`);
  const header = await response.text();
  if (response.status !== 200) throw new Error(`workerd answered ${response.status}: ${header}`);
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, header };
}

/** Operations per second: (time for n ops − time for an empty request) / n, median of rounds. */
async function opsPerSecond(url, impl, n, size) {
  const samples = [];
  let header;
  for (let round = 0; round < ROUNDS; round++) {
    const empty = await timed(url, 'none', 0, size);
    const full = await timed(url, impl, n, size);
    header = full.header;
    samples.push(n / Math.max(full.seconds - empty.seconds, 1e-9));
  }
  return { opsPerSec: median(samples), header };
}

export async function workerdBenchmark() {
  const workerd = await startWorkerd({
    entry: fileURLToPath(new URL('./workerd/worker.mjs', import.meta.url)),
    config: fileURLToPath(new URL('./workerd/config.capnp', import.meta.url)),
  });
  try {
    const results = {};
    for (const size of [300, 4096]) {
      // Warm both up (tier-up of the wasm and of the JS) before measuring.
      await timed(workerd.url, 'wasm', 20_000, size);
      await timed(workerd.url, 'webcrypto', 5_000, size);
      const wasm = await opsPerSecond(workerd.url, 'wasm', 100_000, size);
      const webcrypto = await opsPerSecond(workerd.url, 'webcrypto', 20_000, size);
      if (wasm.header !== webcrypto.header) throw new Error(`the contenders disagree at ${size} bytes`);
      results[`sign${size}`] = {
        bodyBytes: size,
        wasmOpsPerSec: wasm.opsPerSec,
        webCryptoOpsPerSec: webcrypto.opsPerSec,
        ratio: wasm.opsPerSec / webcrypto.opsPerSec,
      };
    }
    return { workerd: workerd.version, ...results };
  } finally {
    await workerd.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(JSON.stringify(await workerdBenchmark(), null, 2) + '\n');
}

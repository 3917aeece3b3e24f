// Shared benchmark helpers: the same inputs for every contender, medians of several rounds.
import { createHash, createHmac } from 'node:crypto';

export { APP_ID, APP_KEY, NONCE, PREAUTH_INPUT, TIMESTAMP, bodyOfSize } from './inputs.mjs';

/** The same computation as OPEN-BODY-SIG with node:crypto, producing the same header text. */
export function nodeCryptoSign(appId, appKey, body, timestamp, nonce) {
  const digest = createHash('sha256').update(body).digest('hex');
  const signature = createHmac('sha256', appKey).update(appId + timestamp + nonce + digest).digest('base64');
  return `OPEN-BODY-SIG AppId="${appId}", Timestamp="${timestamp}", Nonce="${nonce}", Signature="${signature}"`;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Operations per second of `fn`, as the median of `rounds` rounds of `iterations` calls each,
 * after a warm-up. Contenders are interleaved round by round so drift affects both alike.
 */
export function opsPerSecond(contenders, { iterations = 50_000, rounds = 7, warmup = 20_000 } = {}) {
  const samples = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
  for (const fn of Object.values(contenders)) for (let i = 0; i < warmup; i++) fn();
  for (let round = 0; round < rounds; round++) {
    for (const [name, fn] of Object.entries(contenders)) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < iterations; i++) fn();
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      samples[name].push(iterations / seconds);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}

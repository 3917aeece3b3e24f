// What the durable-recovery tests (and bench/recovery.mjs) share: the made-up credentials, holds
// made in bulk as emulator fixtures, a capture by "another merchant process", and sweeper
// processes.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bills } from 'chinaums-open';
export { seeded } from '../seeded.mjs';

export const APP = Object.freeze({ appId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', appKey: 'fictional0app0key0for0tests00001' });
export const MSG_SRC_ID = '3194';
export const CANCEL_PATH = bills.preauthCancel.path;
export const QUERY_PATH = bills.query.path;
const BILL_DATE = '2025-01-02';

/**
 * `count` holds of the kinds `kindOf(i)` says: `frozen` (a preauthorization hold), `ordinary`
 * (a paid ordinary payment, which looks frozen to a query), `missing` (no such bill), or
 * `capture` (frozen, to be captured while the recovery runs). Returns `{ holds, fixtures }`:
 * each hold `{ kind, input }` (the preauth-cancel input) and the emulator's fixtures.
 */
export function makeHolds(count, kindOf, tag = 'H') {
  const holds = [];
  const fixtures = [];
  for (let i = 0; i < count; i += 1) {
    const n = String(i).padStart(6, '0');
    const kind = kindOf(i);
    const input = { mid: '898201612345678', tid: '88880001', billNo: `${MSG_SRC_ID}${tag}${n}`, billDate: BILL_DATE, merOrderId: `${MSG_SRC_ID}${tag}M${n}`, authIdRespCd: String(100_000 + i) };
    holds.push({ kind, input });
    if (kind !== 'missing') fixtures.push({ ...input, totalAmount: 2100, preauth: kind !== 'ordinary' });
  }
  return { holds, fixtures };
}

/** Captures a hold through the emulator's API, as another process of the merchant's would: resolves the errCode. */
export async function capture(gatewayUrl, input, suffix = 'C') {
  const request = bills.preauthed.sign(
    { mid: input.mid, tid: input.tid, billNo: input.billNo, billDate: input.billDate, authedOrderId: `${input.merOrderId}${suffix}`, authIdRespCd: input.authIdRespCd, totalAmount: 1000 },
    { baseUrl: gatewayUrl, msgSrcId: MSG_SRC_ID, ...APP },
  );
  const response = await fetch(request.url, request);
  return JSON.parse(await response.text()).errCode;
}

const SWEEPER = fileURLToPath(new URL('./sweeper.mjs', import.meta.url));

/**
 * Starts a sweeper process (./sweeper.mjs) with `config`; resolves nothing, returns
 * `{ child, done }`, `done` resolving `{ code, signal, totals, cpuMs, output }` when it exits.
 */
export function spawnSweeper(config) {
  const child = spawn(process.execPath, [SWEEPER], { env: { ...process.env, SWEEPER: JSON.stringify(config) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  const done = new Promise((resolve) => {
    child.once('close', (code, signal) => {
      let last = {};
      try {
        last = JSON.parse(output.trim().split('\n').pop());
      } catch {
        // Killed, or failed: `output` says why.
      }
      resolve({ code, signal, totals: last.totals ?? null, cpuMs: last.cpuMs ?? null, output });
    });
  });
  return { child, done };
}

/** Polls `check()` every `everyMs` until it is truthy; rejects with `what` after `withinMs`. */
export async function until(check, what, { withinMs = 60_000, everyMs = 50 } = {}) {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

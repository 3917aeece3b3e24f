#!/usr/bin/env node
// One sweeper process of the journal tests and the benchmark: a RecoveryJournal over its own
// pg.Pool and ChinaumsClient, sweeping until no hold is left to recover (then it prints its
// totals as one JSON line and exits), or until it is killed.
//
// Its last line also says how much CPU time it used (cpuMs).
// Configured by one environment variable, SWEEPER (JSON): { connection, table, gatewayUrl,
// credentials, msgSrcId, timeoutMs, schedule, sweep: { limit, concurrency, leaseMs }, log?, idleMs? }.
// With `log`, every request this process sends and every answer it gets is appended to that
// file as a JSON line ({ t, pid, phase: 'send' | 'answer', path, billNo, status?, errCode?,
// billStatus?, captured? }), synchronously, before the request leaves: a SIGKILL loses nothing
// that was sent.

import { appendFileSync } from 'node:fs';
import pg from 'pg';
import { ChinaumsClient } from 'chinaums-open';
import { RecoveryJournal } from 'chinaums-open/recovery';

const config = JSON.parse(process.env.SWEEPER);
const pool = new pg.Pool({ ...config.connection, max: (config.sweep?.concurrency ?? 8) + 2 });
const now = () => performance.timeOrigin + performance.now();

/** The host's fetch, writing down what it sends and what comes back. */
async function loggingFetch(url, init) {
  const path = new URL(url).pathname;
  const billNo = JSON.parse(init.body).billNo;
  appendFileSync(config.log, `${JSON.stringify({ t: now(), pid: process.pid, phase: 'send', path, billNo })}\n`);
  const response = await fetch(url, init);
  const text = await response.text();
  let answer = {};
  try {
    answer = JSON.parse(text);
  } catch {
    // Not JSON (a 503 page).
  }
  const captured = Number(answer.completeAmount ?? 0) > 0;
  appendFileSync(config.log, `${JSON.stringify({ t: now(), pid: process.pid, phase: 'answer', path, billNo, status: response.status, errCode: answer.errCode ?? null, billStatus: answer.billStatus ?? null, captured })}\n`);
  return new Response(text, { status: response.status, headers: response.headers });
}

const client = new ChinaumsClient({
  ...config.credentials,
  baseUrl: config.gatewayUrl,
  msgSrcId: config.msgSrcId,
  timeoutMs: config.timeoutMs,
  ...(config.log ? { fetch: loggingFetch } : {}),
});
const journal = new RecoveryJournal({ pool, client, table: config.table, schedule: config.schedule, random: () => 0.5 });
const table = config.table.split('.').map((part) => `"${part}"`).join('.');
const totals = {};
const idle = () => new Promise((resolve) => setTimeout(resolve, config.idleMs ?? 10));

try {
  for (;;) {
    const counts = await journal.sweep(config.sweep);
    for (const [name, n] of Object.entries(counts)) totals[name] = (totals[name] ?? 0) + n;
    if (counts.claimed > 0) continue;
    // Nothing due now: stop once nothing is left at all (set-aside holds have no next step).
    const { rows } = await pool.query(`SELECT count(*)::int AS left FROM ${table} WHERE outcome IS NULL AND next_attempt_at IS NOT NULL`);
    if (rows[0].left === 0) break;
    await idle();
  }
  const { user, system } = process.cpuUsage();
  console.log(JSON.stringify({ pid: process.pid, totals, cpuMs: Math.round((user + system) / 1000) }));
} finally {
  client.free();
  await pool.end();
}

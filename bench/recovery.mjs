// Durable recovery throughput (not part of the test command): `node bench/recovery.mjs [holds]`.
//
// Against the gateway emulator (in this process, over HTTP on 127.0.0.1) and a private
// PostgreSQL cluster (tests/durable/postgres.mjs), with no faults:
//   1. holds resolved per second by the journal with 1, 2 and 4 sweeper processes
//      (tests/durable/sweeper.mjs; each claims 8 holds at a time and works on them together),
//      timed from the first request the gateway sees to the last hold's outcome;
//   2. the journal's cost per hold over a bare `client.cancelPreauth`, one hold at a time in
//      this process: enqueue + sweep (each step's state written before and after its request)
//      against the same query and cancel sent directly.
// Every hold is a frozen preauthorization, so each one costs a query and a cancel. Numbers
// depend on the machine: the emulator, PostgreSQL and the sweepers share its cores.

import { availableParallelism } from 'node:os';
import pg from 'pg';
import { ChinaumsClient } from 'chinaums-open';
import { RecoveryJournal } from 'chinaums-open/recovery';
import { startGateway } from 'chinaums-open-gateway';
import { startPostgres } from '../tests/durable/postgres.mjs';
import { APP, MSG_SRC_ID, makeHolds, spawnSweeper, until } from '../tests/durable/support.mjs';

const HOLDS = Number(process.argv[2] ?? 2_000);
const SEQUENTIAL = 300;
const SWEEPERS = [1, 2, 4];
const SCHEDULE = { baseDelayMs: 20, maxDelayMs: 200, deadlineMs: 600_000 };
const SWEEP = { limit: 8, concurrency: 8, leaseMs: 10_000 };

const tags = ['A', 'B', 'C', 'D', 'E'];
const sets = tags.map((tag) => makeHolds(tag === 'D' || tag === 'E' ? SEQUENTIAL : HOLDS, () => 'frozen', tag));
const db = await startPostgres();
const pool = new pg.Pool({ ...db.connection, max: 20 });
const gateway = await startGateway({ credentials: [{ ...APP, msgSrcId: MSG_SRC_ID }], fixtures: sets.flatMap((s) => s.fixtures) });
const client = new ChinaumsClient({ ...APP, baseUrl: gateway.url, msgSrcId: MSG_SRC_ID, timeoutMs: 5_000 });

const rows = [];
try {
  for (const [i, sweepers] of SWEEPERS.entries()) {
    const table = `bench_${sweepers}`;
    const journal = new RecoveryJournal({ pool, client, table, schedule: SCHEDULE });
    await journal.migrate();
    for (let k = 0; k < HOLDS; k += 100) await Promise.all(sets[i].holds.slice(k, k + 100).map((h) => journal.enqueue(h.input)));
    const before = gateway.state.requests().length;
    const config = { connection: db.connection, table, gatewayUrl: gateway.url, credentials: APP, msgSrcId: MSG_SRC_ID, timeoutMs: 5_000, schedule: SCHEDULE, sweep: SWEEP, idleMs: 5 };
    const running = Array.from({ length: sweepers }, () => spawnSweeper(config));
    await until(() => gateway.state.requests().length > before, 'the first request', { everyMs: 1 });
    const started = performance.now();
    const cpu = process.cpuUsage();
    await until(async () => (await pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE outcome IS NULL`)).rows[0].n === 0, 'every hold resolved', { withinMs: 600_000, everyMs: 10 });
    const seconds = (performance.now() - started) / 1000;
    const exits = await Promise.all(running.map((s) => s.done));
    if (exits.some((e) => e.code !== 0)) throw new Error(exits.map((e) => e.output).join('\n'));
    const { user, system } = process.cpuUsage(cpu);
    const sweeperCpu = exits.reduce((sum, e) => sum + e.cpuMs, 0) / 1000;
    const cpuNote = `CPU: emulator ${((user + system) / 1e6).toFixed(1)} s, sweepers ${sweeperCpu.toFixed(1)} s`;
    rows.push([`${sweepers} sweeper${sweepers > 1 ? 's' : ''}`, `${Math.round(HOLDS / seconds)} holds/s`, `${HOLDS} holds in ${seconds.toFixed(2)} s (${cpuNote})`]);
  }

  // One hold at a time, in this process.
  const bare = sets[3].holds;
  let t = performance.now();
  for (const { input } of bare) {
    const { outcome } = await client.cancelPreauth(input);
    if (outcome !== 'cancelled') throw new Error(`cancelPreauth: ${outcome}`);
  }
  const bareMs = (performance.now() - t) / SEQUENTIAL;
  const journal = new RecoveryJournal({ pool, client, table: 'bench_sequential', schedule: SCHEDULE });
  await journal.migrate();
  t = performance.now();
  for (const { input } of sets[4].holds) {
    await journal.enqueue(input);
    const counts = await journal.sweep({ limit: 1, concurrency: 1, leaseMs: 10_000 });
    if (counts.cancelled !== 1) throw new Error(`journal: ${JSON.stringify(counts)}`);
  }
  const journalMs = (performance.now() - t) / SEQUENTIAL;
  rows.push(['bare cancelPreauth, one at a time', `${bareMs.toFixed(2)} ms/hold`, 'a query and a cancel']);
  rows.push(['journal enqueue + sweep, one at a time', `${journalMs.toFixed(2)} ms/hold`, `+${(journalMs - bareMs).toFixed(2)} ms/hold (${(journalMs / bareMs).toFixed(2)}×): 1 insert, 1 claim, 3 fenced writes`]);
} finally {
  client.free();
  await pool.end();
  await gateway.close();
  await db.stop();
}

const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
console.log(`Node ${process.version}, ${availableParallelism()} cores shared by the emulator, PostgreSQL and the sweepers; no faults.\n`);
for (const row of rows) console.log(`| ${row.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`);

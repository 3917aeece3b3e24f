// Runs the durable-recovery Worker (worker.mjs) in real workerd from Node, with its Durable
// Objects' storage on a local disk that outlives the process: the tests and the demo kill
// workerd (SIGKILL) and start it again on the same storage. Shared by tests/durable/ and the
// demo (./demo.mjs).
//
// The Worker is bundled once, as wrangler would (../worker/workerd.mjs: package exports
// resolved with the workerd condition, the .wasm kept as a module); each start serves that
// bundle with config.capnp, the storage directory and the outcome receiver's address filled
// in. workerd reports the port it listens on over its control descriptor, so nothing guesses.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorker, workerdPackage } from '../worker/workerd.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));

/**
 * Bundles the Worker and starts workerd.
 *
 * @param {object} options
 * @param {{ appId: string, appKey: string }} options.credentials the Worker's bindings (the key through workerd's environment)
 * @param {string} options.baseUrl the gateway
 * @param {string} [options.msgSrcId]
 * @param {number} [options.timeoutMs] each request's timeout
 * @param {{ baseDelayMs?: number, maxDelayMs?: number, deadlineMs?: number }} [options.schedule]
 * @param {string} options.outcomeAddress host:port of the HTTP service that receives outcomes
 * @returns {Promise<{ url: string, version: string, dir: string, storage: string, start: () => Promise<string>, kill: () => Promise<void>, stop: () => Promise<void>, output: () => string }>}
 */
export async function startRecoveryWorker({ credentials, baseUrl, msgSrcId = '', timeoutMs = 5_000, schedule = {}, outcomeAddress }) {
  const { binary, version } = workerdPackage();
  const dir = mkdtempSync(join(tmpdir(), 'chinaums-do-'));
  const storage = join(dir, 'storage');
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  let child = null;
  // Whatever ends this process, workerd and its directory do not outlive it.
  const onExit = () => {
    child?.kill('SIGKILL');
    removeDir();
  };
  process.once('exit', onExit);
  try {
    mkdirSync(storage);
    await bundleWorker({ root: HERE, entry: 'worker.mjs', outDir: join(dir, 'bundle') });
    const config = readFileSync(join(HERE, 'config.capnp'), 'utf8').replaceAll('@STORAGE@', storage).replaceAll('@OUTCOME@', outcomeAddress);
    writeFileSync(join(dir, 'bundle', 'config.capnp'), config);
  } catch (error) {
    process.off('exit', onExit);
    removeDir();
    throw error;
  }
  const env = {
    ...process.env,
    CHINAUMS_APP_ID: credentials.appId,
    CHINAUMS_APP_KEY: credentials.appKey,
    CHINAUMS_BASE_URL: baseUrl,
    CHINAUMS_MSG_SRC_ID: msgSrcId,
    CHINAUMS_TIMEOUT_MS: String(timeoutMs),
    CHINAUMS_RECOVERY_SCHEDULE: JSON.stringify(schedule),
  };
  let output = '';
  let exited = Promise.resolve();

  const worker = {
    url: null,
    version,
    dir,
    storage,
    output: () => output,
    /** Starts workerd on the bundle and the storage; resolves its URL once it listens. */
    async start(timeout = 15_000) {
      if (child !== null) throw new Error('workerd is already running');
      child = spawn(binary, ['serve', 'config.capnp', '--control-fd', '3'], { cwd: join(dir, 'bundle'), env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
      const running = child;
      running.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
      running.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
      exited = new Promise((resolve) => running.once('close', resolve));
      const port = await new Promise((resolve, reject) => {
        let control = '';
        const timer = setTimeout(() => reject(new Error(`workerd did not listen within ${timeout} ms\n${output}`)), timeout);
        const finish = (fn, value) => {
          clearTimeout(timer);
          fn(value);
        };
        running.once('error', (error) => finish(reject, error));
        running.once('close', (code, signal) => finish(reject, new Error(`workerd exited (${signal ?? `code ${code}`}) before listening\n${output}`)));
        running.stdio[3].setEncoding('utf8').on('data', (chunk) => {
          control += chunk;
          for (const line of control.split('\n').slice(0, -1)) {
            try {
              const message = JSON.parse(line);
              if (message.event === 'listen' && message.socket === 'http') finish(resolve, message.port);
            } catch {
              // Not a control message.
            }
          }
        });
      }).catch(async (error) => {
        running.kill('SIGKILL');
        await exited;
        child = null;
        throw error;
      });
      worker.url = `http://127.0.0.1:${port}`;
      return worker.url;
    },
    /** Kills workerd at once (SIGKILL: no chance to clean up), as a crash or an eviction would. */
    async kill() {
      if (child === null) return;
      child.kill('SIGKILL');
      await exited;
      child = null;
      worker.url = null;
    },
    /** Stops workerd and removes the bundle and the storage. */
    async stop() {
      await worker.kill();
      process.off('exit', onExit);
      removeDir();
    },
  };
  try {
    await worker.start();
  } catch (error) {
    await worker.stop();
    throw error;
  }
  return worker;
}

/** An HTTP receiver of outcomes on 127.0.0.1 (the `outcome` service): records every delivery. */
export async function startOutcomeReceiver() {
  const { createServer } = await import('node:http');
  const deliveries = [];
  // The HTTP status of each delivery: 200 unless a test says otherwise (setAnswer).
  let answer = () => 200;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      let message = null;
      try {
        message = JSON.parse(body);
      } catch {
        // Recorded as null: a test fails on it.
      }
      const delivery = { idempotencyKey: req.headers['idempotency-key'] ?? null, message };
      const status = answer(delivery, deliveries.length);
      deliveries.push({ ...delivery, status });
      res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status < 300 ? 'ok' : 'try later');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    address: `127.0.0.1:${port}`,
    deliveries,
    /** `fn(delivery, index)` → the HTTP status to answer with. */
    setAnswer(fn) {
      answer = fn;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

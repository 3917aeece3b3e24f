// Steps, processes, ports, HTTP and an independent signer for the packaging tests (run.mjs,
// gateway.mjs). Everything listens on 127.0.0.1 only.

import { spawn } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, createServer as createNetServer } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

/** A failure whose message is the whole story; run.mjs prints it without a stack. */
export class Failure extends Error {}

export function fail(message) {
  throw new Failure(message);
}

const indent = (text) => String(text).replace(/^/gm, '     ');

/**
 * Named steps, each reported as it ends: `step(name, fn)` resolves to whether `fn` succeeded
 * (its result is the step's detail); `summary(started)` prints them all and returns the exit code.
 */
export function stepRunner() {
  const steps = [];
  async function step(name, fn) {
    const started = performance.now();
    process.stdout.write(`--- ${name}\n`);
    try {
      const detail = await fn();
      const ms = Math.round(performance.now() - started);
      steps.push({ name, ok: true, ms, detail });
      process.stdout.write(`ok   ${name} (${ms} ms)${detail ? `: ${detail}` : ''}\n`);
      return true;
    } catch (error) {
      const ms = Math.round(performance.now() - started);
      const message = error instanceof Failure ? error.message : error && error.stack;
      steps.push({ name, ok: false, ms, message });
      process.stdout.write(`FAIL ${name} (${ms} ms)\n${indent(message)}\n`);
      return false;
    }
  }
  function summary(started) {
    const failed = steps.filter((s) => !s.ok);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(`\npackaging tests, ${seconds} s:\n`);
    for (const s of steps) process.stdout.write(`  ${s.ok ? 'ok  ' : 'FAIL'} ${String(s.ms).padStart(6)} ms  ${s.name}\n`);
    if (failed.length > 0) {
      process.stdout.write(`\n${failed.length} packaging steps failed:\n${failed.map((s) => `- ${s.name}\n${indent(s.message)}`).join('\n')}\n`);
    }
    process.stdout.write(`packaging: ${steps.length - failed.length} passed, ${failed.length} failed\n`);
    return failed.length === 0 ? 0 : 1;
  }
  return { step, summary };
}

/**
 * OPEN-BODY-SIG's signature as an implementation independent of both packages computes it
 * (node:crypto): Base64 HMAC-SHA256(appKey, appId + timestamp + nonce + hex SHA-256(body)).
 */
export function openBodySignature(appKey, appId, timestamp, nonce, body) {
  const digest = createHash('sha256').update(body, 'utf8').digest('hex');
  return createHmac('sha256', Buffer.from(appKey, 'utf8')).update(appId + timestamp + nonce + digest, 'utf8').digest('base64');
}

/** Where both packages' package.json files point: the one repository, its issues, its folders. */
export const REPOSITORY = Object.freeze({
  url: 'git+https://github.com/chinaums-open/chinaums-open.git',
  web: 'https://github.com/chinaums-open/chinaums-open',
});
export const LICENCES = Object.freeze(['LICENSE-MIT', 'LICENSE-APACHE']);

/**
 * A packed and installed package carries both licences byte for byte as the repository's root
 * has them (and so does its folder), its README when `readme`, and the metadata npm shows:
 * licence expression, repository (with its folder), homepage, bugs and keywords.
 * `files` is `npm pack`'s list, `installed` the package as npm installed it from the tarball.
 */
export function checkLicencesAndMetadata({ repo, directory, files, installed, readme }) {
  const required = [...LICENCES, 'package.json', ...(readme ? ['README.md'] : [])];
  const missing = required.filter((f) => !files.includes(f));
  if (missing.length > 0) fail(`the ${directory}/ tarball lacks ${missing.join(', ')}`);
  for (const licence of LICENCES) {
    const root = readFileSync(join(repo, licence));
    for (const [what, path] of [[`${directory}/${licence}`, join(repo, directory, licence)], [`${licence} in the tarball`, join(installed, licence)]]) {
      if (!existsSync(path)) fail(`${what} is missing`);
      if (!readFileSync(path).equals(root)) fail(`${what} differs from the root's ${licence}`);
    }
  }
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  const expected = {
    license: 'MIT OR Apache-2.0',
    repository: { type: 'git', url: REPOSITORY.url, directory },
    homepage: `${REPOSITORY.web}/tree/main/${directory}#readme`,
    bugs: { url: `${REPOSITORY.web}/issues` },
  };
  for (const [field, value] of Object.entries(expected)) {
    if (JSON.stringify(manifest[field]) !== JSON.stringify(value)) {
      fail(`${directory}/package.json: ${field} is ${JSON.stringify(manifest[field])}, expected ${JSON.stringify(value)}`);
    }
  }
  const { keywords } = manifest;
  if (!Array.isArray(keywords) || keywords.length < 5 || !keywords.includes('chinaums') || keywords.some((k) => typeof k !== 'string' || k === '')) {
    fail(`${directory}/package.json: keywords ${JSON.stringify(keywords)} should be at least five words, 'chinaums' among them`);
  }
  return `${required.join(', ')}; licences identical to the root's; repository directory ${directory}; ${keywords.length} keywords`;
}

/** Beijing time (UTC+8) of an instant: `compact` yyyyMMddHHmmss and `dateTime` yyyy-MM-dd HH:mm:ss. */
export function beijingTime(ms) {
  const iso = new Date(ms + 8 * 3_600_000).toISOString();
  return { compact: iso.replace(/\D/g, '').slice(0, 14), dateTime: `${iso.slice(0, 10)} ${iso.slice(11, 19)}` };
}

/**
 * Runs a command to completion: `{ stdout, stderr }`, or a Failure that quotes the command and
 * the end of its output. The process is killed if it outlives `timeoutMs`.
 */
export function run(command, args, { cwd, env, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Failure(`could not start ${command}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve({ stdout, stderr });
      const how = signal ? `was killed by ${signal}${signal === 'SIGKILL' ? ` (timeout ${timeoutMs} ms?)` : ''}` : `exited with ${code}`;
      reject(new Failure(`\`${[command, ...args].join(' ')}\` in ${cwd ?? process.cwd()} ${how}\n${tail(stdout + stderr)}`));
    });
  });
}

export function tail(text, lines = 40) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** The last line of a host's stdout, parsed: each host prints its report as one JSON line. */
export function lastJsonLine(stdout, what) {
  const line = stdout.trimEnd().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line);
  } catch {
    fail(`${what} printed no JSON report; its output ends with:\n${tail(stdout)}`);
  }
}

/** A port the OS reports free right now (the caller then proves it reached its own server). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a long-running process and returns `{ child, state, stop }`. `stop()` kills it and
 * resolves once it has exited; it is also called when run.mjs exits, whatever the reason. With
 * `group`, the process leads a process group of its own and the signals go to the whole group:
 * for launchers such as npx, which run the command under a shell that does not pass SIGTERM on.
 */
export function startProcess(command, args, { cwd, env, group = false } = {}) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: group });
  const kill = (signal) => {
    try {
      if (group) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // already gone
    }
  };
  const state = { output: '', exited: false };
  child.stdout.setEncoding('utf8').on('data', (d) => (state.output += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (state.output += d));
  const exited = new Promise((resolve) => {
    child.on('close', () => {
      state.exited = true;
      resolve();
    });
    child.on('error', (error) => {
      state.output += `\ncould not start ${command}: ${error.message}`;
      state.exited = true;
      resolve();
    });
  });
  const killOnExit = () => kill('SIGKILL');
  process.on('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (!state.exited) {
      kill('SIGTERM');
      const timer = setTimeout(() => kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    }
  };
  return { child, state, stop };
}

/**
 * Sends `GET <target>` with the given Host over a raw socket, byte for byte (an HTTP client
 * would normalize `//` or refuse `*`): `{ status, text }`.
 */
export function rawTarget(url, target, host) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (text += chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(text);
      if (status) resolve({ status: Number(status[1]), text });
      else reject(new Error(`${target}: no HTTP status line in ${JSON.stringify(text.slice(0, 200))}`));
    });
  });
}

/** GETs `url` until it answers 200 with JSON satisfying `accept`, or fails after `timeoutMs`. */
export async function waitForJson(url, accept, { timeoutMs = 15_000, isDead = () => false } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (isDead()) fail(`the server behind ${url} exited before answering`);
    try {
      const response = await fetch(url);
      if (response.ok) {
        const json = await response.json();
        if (accept(json)) return json;
        last = `an unexpected answer ${JSON.stringify(json)} (another server on this port?)`;
      } else {
        last = `HTTP ${response.status}`;
      }
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  fail(`${url} did not answer within ${timeoutMs} ms (last: ${last})`);
}

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Serves the files under `root` on 127.0.0.1 (port 0) with the MIME types browsers insist on
 * for modules and streaming wasm compilation. `log` records every request as
 * `{ path, status, type }`.
 */
export async function serveStatic(root) {
  const log = [];
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    let status = 200;
    let type = MIME_TYPES[extname(file)] ?? 'application/octet-stream';
    let size = 0;
    try {
      if (!(file === root || file.startsWith(root.endsWith(sep) ? root : root + sep))) throw new Error('outside root');
      const stat = statSync(file);
      if (!stat.isFile()) throw new Error('not a file');
      size = stat.size;
    } catch {
      status = 404;
      type = 'text/plain; charset=utf-8';
    }
    log.push({ path, status, type });
    response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...(status === 200 ? { 'Content-Length': size } : {}) });
    if (status === 200 && request.method !== 'HEAD') createReadStream(file).pipe(response);
    else response.end(status === 200 ? undefined : 'not found');
  });
  await new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    log,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}

/** Debian's Chromium; tools that download their own browser do not work here. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Debian's headless Chromium through playwright-core, with a fresh profile in `profileDir`
 * (launchPersistentContext gives it that --user-data-dir; headless adds --headless). Other
 * options (timezoneId, viewport, …) go to the context.
 */
export async function launchHeadlessChromium({ profileDir, ...contextOptions }) {
  if (!existsSync(CHROMIUM)) fail(`${CHROMIUM} is missing: run scripts/setup.sh --browser`);
  const { chromium } = await import('playwright-core');
  mkdirSync(profileDir, { recursive: true });
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    ...contextOptions,
  });
}

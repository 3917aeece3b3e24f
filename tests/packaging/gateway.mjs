#!/usr/bin/env node
// Packaging tests of the emulator, chinaums-open-gateway, as its users get it: `npm pack`s
// gateway/, lints the tarball (publint --strict, arethetypeswrong), installs it into an empty
// project under tests/.tmp/packaging/gateway/ (offline: it has no dependencies), runs
// `npx chinaums-open-gateway --config …` there and voids a default bill's preauthorization with
// a request signed by node:crypto (neither package's code), and compiles a strict TypeScript
// consumer of its types. run.mjs runs these steps after the library's; alone:
// `node tests/packaging/gateway.mjs`. All on 127.0.0.1, the gateway on a port the OS picks.

import { randomBytes } from 'node:crypto';
import { cpSync, lstatSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beijingTime, fail, openBodySignature, run, startProcess, stepRunner } from './support.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const GATEWAY = join(REPO, 'gateway');
const FIXTURES = join(REPO, 'tests/packaging/fixtures/gateway');
const bin = (name) => join(REPO, 'node_modules/.bin', name);

/** A made-up application; its key never appears in any output (checked). */
const APP = Object.freeze({ appId: 'packaging0gateway0app00000000001', appKey: 'packaging0fictional0key000000001', msgSrcId: '3194' });
const URL_LINE = /^(http:\/\/127\.0\.0\.1:\d+)$/m;

/** The tarball must hold exactly the emulator's modules, its types, README and package.json. */
async function packGateway(tmp) {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: GATEWAY });
  const [info] = JSON.parse(stdout);
  const files = info.files.map((f) => f.path).sort();
  const expected = readdirSync(GATEWAY)
    .filter((f) => f.endsWith('.js') || ['index.d.ts', 'package.json', 'README.md'].includes(f))
    .sort();
  const missing = expected.filter((f) => !files.includes(f));
  const stray = files.filter((f) => !expected.includes(f));
  if (missing.length > 0 || stray.length > 0) fail(`the gateway's tarball lacks [${missing.join(', ')}] and has stray [${stray.join(', ')}]`);
  if (!files.includes('bin.js') || !files.includes('not-node.js')) fail(`the tarball has no bin.js or not-node.js: ${files.join(', ')}`);
  return { tarball: join(tmp, info.filename), size: info.size, files };
}

/** An empty project with only the tarball as a dev dependency, as an integrator adds it. */
async function installIntoEmptyProject(tmp, tarball) {
  const project = join(tmp, 'project');
  mkdirSync(project, { recursive: true });
  const manifest = { name: 'gateway-consumer', private: true, type: 'module', devDependencies: { 'chinaums-open-gateway': `file:${tarball}` } };
  writeFileSync(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  // --include=dev: run.mjs bundles its Worker with Vite in-process, which sets NODE_ENV=production
  // for the rest of the run, and npm would then skip dev dependencies.
  await run('npm', ['install', '--offline', '--include=dev', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: project });
  const installed = join(project, 'node_modules/chinaums-open-gateway');
  if (lstatSync(installed).isSymbolicLink()) fail(`${installed} is a symlink: the tarball was not installed`);
  const packages = readdirSync(join(project, 'node_modules')).filter((name) => !name.startsWith('.'));
  if (packages.join() !== 'chinaums-open-gateway') fail(`installing the gateway brought other packages along: ${packages.join(', ')}`);
  // ESM only, yet require()-able on Node >= 20.19 (its engines): what attw's esm-only profile assumes.
  const probe = "console.log(typeof require('chinaums-open-gateway').startGateway)";
  const { stdout } = await run(process.execPath, ['--eval', probe], { cwd: project });
  if (stdout.trim() !== 'function') fail(`require('chinaums-open-gateway').startGateway is ${stdout.trim()}`);
  return project;
}

/** Waits for the URL the command prints on its first line. */
async function printedUrl(command, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = URL_LINE.exec(command.state.output);
    if (match) return match[1];
    if (command.state.exited) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  fail(`npx chinaums-open-gateway printed no URL within ${timeoutMs} ms:\n${command.state.output}`);
}

/** The installed package's first default bill, the V1 vector bill: a frozen preauthorization. */
async function defaultBill(project) {
  const entry = createRequire(join(project, 'package.json')).resolve('chinaums-open-gateway');
  const { DEFAULT_BILLS } = await import(pathToFileURL(entry).href);
  const { mid, tid, billNo, billDate, merOrderId, authIdRespCd } = DEFAULT_BILLS[0];
  return { mid, tid, instMid: 'QRPAYDEFAULT', billNo, billDate, merOrderId, authIdRespCd };
}

/** A preauth-cancel of `bill`, signed now with node:crypto. */
function signedCancel(bill) {
  const now = beijingTime(Date.now());
  const body = JSON.stringify({ requestTimestamp: now.dateTime, ...bill });
  const nonce = randomBytes(16).toString('hex');
  const signature = openBodySignature(APP.appKey, APP.appId, now.compact, nonce, body);
  return {
    headers: {
      'Content-Type': 'application/json',
      Authorization: `OPEN-BODY-SIG AppId="${APP.appId}", Timestamp="${now.compact}", Nonce="${nonce}", Signature="${signature}"`,
    },
    body,
  };
}

/** `npx chinaums-open-gateway --config config.json` in the project: a signed cancel gets 200 SUCCESS. */
async function cancelThroughCommand(project) {
  writeFileSync(join(project, 'config.json'), `${JSON.stringify({ credentials: [APP] }, null, 2)}\n`);
  // Offline and never installing: npx must run the project's own copy, not fetch one.
  const env = { npm_config_offline: 'true', npm_config_yes: 'false' };
  const command = startProcess('npx', ['chinaums-open-gateway', '--config', 'config.json'], { cwd: project, env, group: true });
  let url;
  let answer;
  try {
    url = await printedUrl(command);
    const response = await fetch(`${url}/v1/netpay/bills/preauth-cancel`, { method: 'POST', ...signedCancel(await defaultBill(project)) });
    answer = { status: response.status, text: await response.text() };
  } finally {
    await command.stop();
  }
  let json = null;
  try {
    json = JSON.parse(answer.text);
  } catch {
    // checked below
  }
  if (answer.status !== 200 || json?.errCode !== 'SUCCESS' || json.billStatus !== 'CLOSED') {
    fail(`the signed preauth-cancel got HTTP ${answer.status} ${answer.text}\ngateway output:\n${command.state.output}`);
  }
  if (!/POST \/v1\/netpay\/bills\/preauth-cancel → 200 SUCCESS/.test(command.state.output)) fail(`the request log lacks the cancel:\n${command.state.output}`);
  if (command.state.output.includes(APP.appKey)) fail('the command printed the appKey');
  const stopped = await fetch(url).then(
    () => false,
    () => true,
  );
  if (!stopped) fail(`${url} still answers after the command was stopped`);
  return `${url}: 200 SUCCESS, billStatus CLOSED; stopped`;
}

/** Compiles consumer.ts (and, with the DOM lib, file-url.ts) against the installed types. */
async function compileConsumer(project) {
  cpSync(FIXTURES, project, { recursive: true });
  const timings = [];
  for (const config of ['tsconfig.node16.json', 'tsconfig.bundler.json']) {
    const started = performance.now();
    await run(bin('tsc'), ['-p', config], { cwd: project });
    timings.push(`${config.split('.')[1]} ${Math.round(performance.now() - started)} ms`);
  }
  return timings.join(', ');
}

/** The gateway package's steps, in `tmp` (emptied first). */
export async function gatewayPackaging(step, tmp) {
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  let packed;
  const packedOk = await step('npm pack gateway/ (chinaums-open-gateway)', async () => {
    packed = await packGateway(tmp);
    return `${packed.size} bytes packed, ${packed.files.length} files`;
  });
  if (!packedOk) return;
  let project = null;
  await Promise.all([
    step('publint --strict (the gateway tarball)', () => run(bin('publint'), ['run', packed.tarball, '--strict']).then(() => undefined)),
    // The library's profile and reasons (run.mjs): ESM only on purpose, require()-able on
    // Node >= 20.19, which the install step proves.
    step('arethetypeswrong (the gateway tarball)', () =>
      run(bin('attw'), [packed.tarball, '--profile', 'esm-only', '--no-definitely-typed', '--no-color']).then(() => undefined),
    ),
    step('install the gateway tarball into an empty project (offline, no other package)', async () => {
      project = await installIntoEmptyProject(tmp, packed.tarball);
    }),
  ]);
  if (project === null) return;
  await step('npx chinaums-open-gateway --config …: a preauth-cancel signed with node:crypto', () => cancelThroughCommand(project));
  await step('TypeScript consumer of the gateway: tsc --strict, node16 (no DOM) and bundler', () => compileConsumer(project));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  const { step, summary } = stepRunner();
  gatewayPackaging(step, join(REPO, 'tests/.tmp/packaging/gateway')).then(
    () => process.exit(summary(started)),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}

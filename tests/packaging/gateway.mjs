#!/usr/bin/env node
// Packaging tests of the emulator, chinaums-open-gateway, as its users get it: `npm pack`s
// gateway/, lints the tarball (publint --strict, arethetypeswrong), installs it into an empty
// project under tests/.tmp/packaging/gateway/ (offline: it has no dependencies), checks its
// licences and metadata, runs `npx chinaums-open-gateway --config` with the config it ships (as
// its README shows) and voids that config's bill with a request signed by node:crypto (neither
// package's code), and compiles a strict TypeScript consumer of its types. run.mjs runs these steps after the library's; alone:
// `node tests/packaging/gateway.mjs`. All on 127.0.0.1, the gateway on a port the OS picks.

import { createHash, randomBytes } from 'node:crypto';
import { cpSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LICENCES, beijingTime, checkLicencesAndMetadata, fail, openBodySignature, run, startProcess, stepRunner } from './support.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const GATEWAY = join(REPO, 'gateway');
const FIXTURES = join(REPO, 'tests/packaging/fixtures/gateway');
const bin = (name) => join(REPO, 'node_modules/.bin', name);

const URL_LINE = /^(http:\/\/127\.0\.0\.1:\d+)$/m;

/** The sample config the package ships, which its README's command runs. */
const SAMPLE_CONFIG = 'example-config.json';
/** The README's command, run in the project as printed there. */
const README_COMMAND = ['chinaums-open-gateway', '--config', `node_modules/chinaums-open-gateway/${SAMPLE_CONFIG}`];

/**
 * The tarball must hold exactly the emulator's modules, its types, README, licences, sample
 * config and package.json.
 */
async function packGateway(tmp) {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: GATEWAY });
  const [info] = JSON.parse(stdout);
  const files = info.files.map((f) => f.path).sort();
  const expected = readdirSync(GATEWAY)
    .filter((f) => f.endsWith('.js') || ['index.d.ts', 'package.json', 'README.md', SAMPLE_CONFIG, ...LICENCES].includes(f))
    .sort();
  const missing = expected.filter((f) => !files.includes(f));
  const stray = files.filter((f) => !expected.includes(f));
  if (missing.length > 0 || stray.length > 0) fail(`the gateway's tarball lacks [${missing.join(', ')}] and has stray [${stray.join(', ')}]`);
  for (const required of ['bin.js', 'not-node.js', 'README.md', SAMPLE_CONFIG]) {
    if (!files.includes(required)) fail(`the tarball has no ${required}: ${files.join(', ')}`);
  }
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

/**
 * The installed package's DEFAULT_BILLS are what its types promise: two frozen preauthorizations
 * with their codes, then an ordinary payment.
 */
async function checkDefaultBills(project) {
  const entry = createRequire(join(project, 'package.json')).resolve('chinaums-open-gateway');
  const { DEFAULT_BILLS } = await import(pathToFileURL(entry).href);
  const shape = DEFAULT_BILLS.map((b) => [b.preauth ?? true, typeof b.authIdRespCd, typeof b.payTime, typeof b.totalAmount]);
  const typed = [
    [true, 'string', 'string', 'number'],
    [true, 'string', 'string', 'number'],
    [false, 'undefined', 'string', 'number'],
  ];
  if (JSON.stringify(shape) !== JSON.stringify(typed)) fail(`DEFAULT_BILLS is ${JSON.stringify(shape)}, its types say ${JSON.stringify(typed)}`);
}

/** A preauth-cancel of `bill` by `app`, signed now with node:crypto; `sentBody` replaces the body after signing. */
function signedCancel(app, bill, sentBody) {
  const now = beijingTime(Date.now());
  const body = JSON.stringify({ requestTimestamp: now.dateTime, ...bill });
  const nonce = randomBytes(16).toString('hex');
  const signature = openBodySignature(app.appKey, app.appId, now.compact, nonce, body);
  return {
    headers: {
      'Content-Type': 'application/json',
      Authorization: `OPEN-BODY-SIG AppId="${app.appId}", Timestamp="${now.compact}", Nonce="${nonce}", Signature="${signature}"`,
    },
    body: sentBody ?? body,
  };
}

const parseJson = (text) => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

/**
 * The README's command in the project, with the config the package ships: a request whose body
 * changed after signing is refused BAD_SIGN and the log shows the string to sign the gateway
 * expected; the config's own bill is then voided by a signed cancel (200 SUCCESS, CLOSED).
 */
async function cancelThroughCommand(project) {
  await checkDefaultBills(project);
  const config = JSON.parse(readFileSync(join(project, README_COMMAND[2]), 'utf8'));
  // The README (as installed) prints this very command and the config it runs, in full.
  const readme = readFileSync(join(project, 'node_modules/chinaums-open-gateway/README.md'), 'utf8');
  if (!readme.includes(`\nnpx ${README_COMMAND.join(' ')}\n`)) fail(`the README does not show the command ${README_COMMAND.join(' ')}`);
  const shown = [...readme.matchAll(/^```json\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  if (!shown.some((json) => JSON.stringify(parseJson(json)) === JSON.stringify(config))) fail(`the README shows no JSON block equal to ${SAMPLE_CONFIG}`);
  const [app] = config.credentials;
  const { mid, tid, billNo, billDate, merOrderId, authIdRespCd } = config.fixtures[0];
  const bill = { mid, tid, instMid: 'QRPAYDEFAULT', billNo, billDate, merOrderId, authIdRespCd };
  // Offline and never installing: npx must run the project's own copy, not fetch one.
  const env = { npm_config_offline: 'true', npm_config_yes: 'false' };
  const command = startProcess('npx', README_COMMAND, { cwd: project, env, group: true });
  let url;
  let refused;
  let answer;
  const tampered = `${JSON.stringify({ ...bill, billNo: `${billNo.slice(0, -1)}9` })}`;
  try {
    url = await printedUrl(command);
    const cancelUrl = `${url}/v1/netpay/bills/preauth-cancel`;
    const bad = await fetch(cancelUrl, { method: 'POST', ...signedCancel(app, bill, tampered) });
    refused = { status: bad.status, json: parseJson(await bad.text()) };
    const response = await fetch(cancelUrl, { method: 'POST', ...signedCancel(app, bill) });
    answer = { status: response.status, text: await response.text() };
  } finally {
    await command.stop();
  }
  const output = command.state.output;
  if (refused.status !== 401 || refused.json?.errCode !== 'BAD_SIGN') fail(`the tampered request got ${JSON.stringify(refused)}`);
  const digest = createHash('sha256').update(tampered, 'utf8').digest('hex');
  if (!new RegExp(`→ 401 BAD_SIGN \\(appId ${app.appId}\\); the gateway expected the string to sign "${app.appId}\\d{14}[0-9a-f]{32}${digest}"`).test(output)) {
    fail(`the log does not show the string to sign over the bytes received (SHA-256 ${digest}):\n${output}`);
  }
  const json = parseJson(answer.text);
  if (answer.status !== 200 || json?.errCode !== 'SUCCESS' || json.billStatus !== 'CLOSED') {
    fail(`the signed preauth-cancel got HTTP ${answer.status} ${answer.text}\ngateway output:\n${output}`);
  }
  if (!/POST \/v1\/netpay\/bills\/preauth-cancel → 200 SUCCESS/.test(output)) fail(`the request log lacks the cancel:\n${output}`);
  if (output.includes(app.appKey)) fail('the command printed the appKey');
  const stopped = await fetch(url).then(
    () => false,
    () => true,
  );
  if (!stopped) fail(`${url} still answers after the command was stopped`);
  return `${url}: BAD_SIGN logged with the expected string to sign; the config's bill ${billNo} voided (200 SUCCESS, CLOSED); stopped`;
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
  await step('licences and metadata of the gateway tarball', () =>
    checkLicencesAndMetadata({ repo: REPO, directory: 'gateway', files: packed.files, installed: join(project, 'node_modules/chinaums-open-gateway'), readme: true }),
  );
  await step(`npx ${README_COMMAND.join(' ')}: BAD_SIGN logged, a preauth-cancel signed with node:crypto`, () => cancelThroughCommand(project));
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

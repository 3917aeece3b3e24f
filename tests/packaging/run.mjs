#!/usr/bin/env node
// Packaging tests: the package as users get it. `npm pack`s pkg/ (built by scripts/build.sh),
// lints the tarball (publint --strict, arethetypeswrong), checks its licences and metadata,
// installs it into throwaway projects under tests/.tmp/packaging/, and runs the shared vector
// suite (suite.mjs) in every host:
//   1. Node `import`          2. Node `require()`     (+ `chinaums-open/core` in Node)
//   3. a Worker in real workerd, bundled with the conditions wrangler uses, queried over HTTP
//   3b. the same Worker bundled by the esbuild CLI alone (--conditions=workerd, the .wasm
//       copied beside it as a module of its own), in real workerd
//   4. a plain ES-module page in headless Chromium
//   5. a Vite production build of a page in headless Chromium
//   6. Bun (`import` and `require()`)    7. Deno (`import`, from the project's node_modules)
// plus strict TypeScript consumers (ESM: moduleResolution bundler and node16; CommonJS: module
// nodenext and node20, the emitted require() run on the vectors, and node16's TS1479). Every
// host must reproduce the shared vectors and the same cross-host request byte for byte, and the
// tarball must hold the library only (no gateway file, bin or ./gateway export). Then the
// emulator's own package, chinaums-open-gateway (gateway.mjs). Exits non-zero, naming what
// failed, if anything does. Tools come from the root node_modules (Bun from
// @oven/bun-linux-x64, Deno from deno, esbuild, workerd, tsc, Vite; no downloads).

import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CROSS_HOST_BODY, CROSS_HOST_REQUEST, EXPORTS, PREAUTH_CANCEL_VECTORS, canonical } from './suite.mjs';
import {
  Failure,
  beijingTime,
  checkLicencesAndMetadata,
  fail,
  freePort,
  lastJsonLine,
  launchHeadlessChromium,
  openBodySignature,
  run,
  serveStatic,
  startProcess,
  stepRunner,
  waitForJson,
} from './support.mjs';
import { gatewayPackaging } from './gateway.mjs';
import { bundleWorker } from '../../examples/worker/workerd.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const HERE = join(REPO, 'tests/packaging');
const FIXTURES = join(HERE, 'fixtures');
const TMP = join(REPO, 'tests/.tmp/packaging');
const VECTORS_DIR = join(REPO, 'tests/vectors');
const bin = (name) => join(REPO, 'node_modules/.bin', name);
/** Bun's binary as npm installs it (its postinstall, which would link it elsewhere, is not needed). */
const BUN = join(REPO, 'node_modules/@oven/bun-linux-x64/bin/bun');
/**
 * The Workers-without-wrangler recipe, as users run it: the workerd condition picks the entry
 * that imports the .wasm as a module, and the copy loader puts the .wasm beside the bundle under
 * its own name, which the workerd config then declares as a `wasm` module.
 */
const ESBUILD_WORKER_RECIPE = ['worker.js', '--bundle', '--format=esm', '--conditions=workerd', '--loader:.wasm=copy', '--asset-names=[name]', '--outdir=dist'];
// Chromium's clock is moved away from both UTC and Beijing: Beijing time must not depend on it.
const BROWSER_TIME_ZONE = 'America/Los_Angeles';
const NODE_TIME_ZONE = 'America/New_York';

/** The shared vectors every host gets, as one file (vectors.json in each project). */
const readVectors = (name) => JSON.parse(readFileSync(join(VECTORS_DIR, name), 'utf8'));
const allVectors = { openBodySig: readVectors('open-body-sig.json'), notify: readVectors('notify.json'), accessToken: readVectors('access-token.json') };
const vectors = allVectors.openBodySig;
/**
 * What suite.mjs runs: init, the exports, the vector count, three checks per OPEN-BODY-SIG
 * vector, one per preauth-cancel vector, then the cross-host request, the validation error,
 * notifications and access tokens.
 */
const EXPECTED_CHECKS = 3 + 3 * vectors.cases.length + PREAUTH_CANCEL_VECTORS.length + 4;

/** The cross-host request as an independent implementation (node:crypto) signs it. */
const EXPECTED_CROSS_HOST = (() => {
  const { appId, appKey, timestamp, nonce } = CROSS_HOST_REQUEST.credentials;
  const signature = openBodySignature(appKey, appId, timestamp, nonce, CROSS_HOST_BODY);
  return {
    method: 'POST',
    url: 'https://api-mop.chinaums.com/v1/netpay/bills/preauth-cancel',
    headers: {
      'Content-Type': 'application/json',
      Authorization: `OPEN-BODY-SIG AppId="${appId}", Timestamp="${timestamp}", Nonce="${nonce}", Signature="${signature}"`,
    },
    body: CROSS_HOST_BODY,
  };
})();

// ---------------------------------------------------------------------------------------------
// Steps and the summary

const { step, summary } = stepRunner();
/** Export names of the Node `import` host: every other host and entry must export the same. */
let referenceExports = null;
/** The Node host's cross-host request: the Worker must sign exactly like it. */
let nodeCrossHost = null;

function expectEqual(actual, expected, what) {
  if (canonical(actual) !== canonical(expected)) {
    fail(`${what}:\n  expected ${canonical(expected)}\n  got      ${canonical(actual)}`);
  }
}

/** Everything a host's suite report must show: all checks held and the outputs are the vectors'. */
function checkReport(report, host) {
  if (!report || typeof report !== 'object') fail(`${host} returned no report`);
  if (report.error) fail(`${host} failed before reporting:\n${report.error}`);
  if (report.host !== host) fail(`the report is from ${report.host}, expected ${host}`);
  if (report.failed.length > 0) {
    fail(`${report.failed.length} checks failed in ${host}:\n${report.failed.map((f) => `- ${f.name}: ${f.message}`).join('\n')}`);
  }
  if (report.passed.length !== EXPECTED_CHECKS) {
    fail(`${host} ran ${report.passed.length} checks, expected ${EXPECTED_CHECKS}: ${report.passed.join('; ')}`);
  }
  for (const c of vectors.cases) expectEqual(report.outputs[c.name], c.authorization, `${host}: Authorization for ${c.name}`);
  expectEqual(report.crossHost, EXPECTED_CROSS_HOST, `${host}: the cross-host request`);
  if (referenceExports) expectEqual(report.exportNames, referenceExports, `${host}: the exported names`);
  return `${report.passed.length} checks, ${vectors.cases.length} vectors`;
}

function checkNotInitializedReport(result, host) {
  expectEqual(result, { threw: true, isChinaumsError: true, code: 'ERR_NOT_INITIALIZED' }, `${host}: a call before init()`);
}

/** The installed package must be a copy from the tarball, never a link back to pkg/. */
function installedPackage(project) {
  const dir = join(project, 'node_modules/chinaums-open');
  if (!existsSync(join(dir, 'package.json'))) fail(`chinaums-open is not installed in ${project}`);
  if (lstatSync(dir).isSymbolicLink()) fail(`${dir} is a symlink: the tarball was not installed`);
  return dir;
}

// ---------------------------------------------------------------------------------------------
// Pack and install

async function pack() {
  if (!existsSync(join(REPO, 'pkg/dist/chinaums_open_bg.wasm'))) fail('pkg/dist is missing: run scripts/build.sh first');
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', TMP], { cwd: join(REPO, 'pkg') });
  const [info] = JSON.parse(stdout);
  const files = info.files.map((f) => f.path).sort();
  const required = [
    'dist/chinaums_open.js',
    'dist/chinaums_open_bg.wasm',
    'generated.d.ts',
    'index.d.ts',
    'package.json',
    // What npm shows on the package's page.
    'README.md',
    'src/api.js',
    'src/boundary.js',
    'src/browser.js',
    'src/client.js',
    'src/core.js',
    'src/errors.js',
    'src/generated.js',
    'src/node.js',
    'src/signer.js',
    'src/state.js',
    'src/workerd.js',
    'src/recovery.js',
    'src/recovery-steps.js',
    'src/durable-object.js',
    'recovery.d.ts',
    'durable-object.d.ts',
  ];
  const missing = required.filter((f) => !files.includes(f));
  if (missing.length > 0) fail(`the tarball lacks ${missing.join(', ')}`);
  // The gateway emulator is a package of its own (chinaums-open-gateway): none of it ships here.
  const gateway = files.filter((f) => /gateway/i.test(f));
  if (gateway.length > 0) fail(`the library's tarball carries gateway files: ${gateway.join(', ')}`);
  // One .wasm, the hand-written and generated .d.ts for every runtime entry and one per subpath
  // (recovery, durable-object); no sources, tests, maps or the raw glue's .d.ts leak in.
  const stray = files.filter((f) => !/^(src\/[a-z_-]+\.js|dist\/chinaums_open(_bg\.wasm|\.js)|(index|generated|recovery|durable-object)\.d\.ts|package\.json|README\.md|LICENSE.*)$/.test(f));
  if (stray.length > 0) fail(`unexpected files in the tarball: ${stray.join(', ')}`);
  return { tarball: join(TMP, info.filename), size: info.size, unpackedSize: info.unpackedSize, files };
}

/** The throwaway projects: the package type, and fixture files shared with another project. */
const PROJECTS = {
  'node-esm': { type: 'module' },
  'node-cjs': { type: 'commonjs' },
  workerd: { type: 'module' },
  'workerd-esbuild': { type: 'module', borrow: { 'worker.js': 'workerd/worker.js' } },
  'browser-plain': { type: 'module' },
  vite: { type: 'module' },
  types: { type: 'module' },
  'types-cjs': { type: 'commonjs' },
  bun: { type: 'module' },
  deno: { type: 'module' },
};

async function createProject(name, tarball) {
  const dir = join(TMP, name);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  for (const [file, from] of Object.entries(PROJECTS[name].borrow ?? {})) cpSync(join(FIXTURES, from), join(dir, file));
  cpSync(join(HERE, 'suite.mjs'), join(dir, 'suite.mjs'));
  writeFileSync(join(dir, 'vectors.json'), JSON.stringify(allVectors));
  const manifest = { name: `packaging-${name}`, private: true, type: PROJECTS[name].type, dependencies: { 'chinaums-open': `file:${tarball}` } };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  // --offline: a local tarball without dependencies needs no registry; prove it.
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: dir });
  installedPackage(dir);
  return dir;
}

/** Where the emulator used to be exported before it became the chinaums-open-gateway package. */
const FORMER_GATEWAY_SUBPATH = './gateway';

/**
 * The installed library is the library only: no command, no gateway export, and Node's resolver
 * refuses the former gateway subpath.
 */
async function checkNoGateway(project) {
  const manifest = JSON.parse(readFileSync(join(installedPackage(project), 'package.json'), 'utf8'));
  if (manifest.bin !== undefined) fail(`the library's package.json has a bin: ${JSON.stringify(manifest.bin)}`);
  const gatewayExports = Object.keys(manifest.exports).filter((subpath) => /gateway/i.test(subpath));
  if (gatewayExports.length > 0) fail(`the library exports ${gatewayExports.join(', ')}`);
  const commands = existsSync(join(project, 'node_modules/.bin')) ? readdirSync(join(project, 'node_modules/.bin')) : [];
  if (commands.length > 0) fail(`installing the library added commands: ${commands.join(', ')}`);
  const specifier = `chinaums-open${FORMER_GATEWAY_SUBPATH.slice(1)}`;
  const probe = `import(${JSON.stringify(specifier)}).then(() => console.log('resolved'), (error) => console.log(error.code))`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', probe], { cwd: project });
  expectEqual(stdout.trim(), 'ERR_PACKAGE_PATH_NOT_EXPORTED', `importing '${specifier}' from the installed library`);
  return `${Object.keys(manifest.exports).join(', ')} exported; no bin`;
}

// ---------------------------------------------------------------------------------------------
// Node

async function nodeHost(project, script, host, env = {}) {
  const { stdout } = await run(process.execPath, [script], { cwd: project, env });
  return lastJsonLine(stdout, host);
}

// ---------------------------------------------------------------------------------------------
// Bun and Deno, both from npm

/** The version of the npm package that carries a runtime's binary. */
const packageVersion = (name) => JSON.parse(readFileSync(join(REPO, 'node_modules', name, 'package.json'), 'utf8')).version;

/** Bun runs the suite through `import` and through `require()`; both take the node entry. */
async function bunHosts(project) {
  if (!existsSync(BUN)) fail(`${BUN} is missing: run scripts/setup.sh (npm ci installs @oven/bun-linux-x64)`);
  const entry = join(installedPackage(project), 'src/node.js');
  const runtime = `Bun ${packageVersion('@oven/bun-linux-x64')}`;
  const details = [];
  for (const [script, host, resolved] of [
    ['main.mjs', 'bun', pathToFileURL(entry).href],
    ['main.cjs', 'bun-require', entry],
  ]) {
    // --no-install: Bun never fetches a missing package; the project has its node_modules.
    const { stdout } = await run(BUN, ['--no-install', script], { cwd: project, env: { TZ: NODE_TIME_ZONE } });
    const report = lastJsonLine(stdout, host);
    details.push(`${host}: ${checkReport(report, host)}`);
    expectEqual(report.runtime, runtime, `${host}: the runtime`);
    expectEqual(report.resolved['.'], resolved, `${host}: resolved entry`);
  }
  return `${runtime}; ${details.join('; ')}`;
}

/**
 * Deno runs the suite with `import`, resolving the bare specifier in the project's node_modules
 * (a package.json project) and allowed to read that project only; its cache stays in the project.
 */
async function denoHost(project) {
  const env = { DENO_DIR: join(project, '.deno-cache'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1', TZ: NODE_TIME_ZONE };
  const { stdout } = await run(bin('deno'), ['run', '--no-prompt', `--allow-read=${project}`, 'main.mjs'], { cwd: project, env });
  const report = lastJsonLine(stdout, 'deno');
  const detail = checkReport(report, 'deno');
  const runtime = `Deno ${packageVersion('deno')}`;
  expectEqual(report.runtime, runtime, 'deno: the runtime');
  expectEqual(report.resolved['.'], pathToFileURL(join(installedPackage(project), 'src/node.js')).href, 'deno: resolved entry');
  return `${runtime}; ${detail}`;
}

// ---------------------------------------------------------------------------------------------
// TypeScript, CommonJS

/**
 * A `"type": "commonjs"` TypeScript project: tsc --strict compiles it with module nodenext
 * (emitting require('chinaums-open'), run here on the vectors), node20, and nodenext with
 * verbatimModuleSyntax (`import … = require()`); module node16 must refuse it with TS1479 only,
 * the error CommonJS projects meet with older settings.
 */
async function typescriptCommonJs(project) {
  const timings = [];
  for (const config of ['tsconfig.json', 'tsconfig.node20.json', 'tsconfig.verbatim.json']) {
    const t0 = performance.now();
    await run(bin('tsc'), ['-p', config], { cwd: project });
    timings.push(`${config} ${Math.round(performance.now() - t0)} ms`);
  }
  const refusal = await run(bin('tsc'), ['-p', 'tsconfig.node16.json'], { cwd: project }).then(
    () => null,
    (error) => error.message,
  );
  if (refusal === null) fail('tsc compiled the CommonJS consumer under module node16; expected TS1479');
  expectEqual([...new Set([...refusal.matchAll(/error (TS\d+)/g)].map((m) => m[1]))], ['TS1479'], 'the errors of module node16');

  const { stdout } = await run(process.execPath, ['main.cjs'], { cwd: project });
  const report = lastJsonLine(stdout, 'the compiled CommonJS consumer');
  for (const c of vectors.cases) expectEqual(report.outputs[c.name], c.authorization, `types-cjs: Authorization for ${c.name}`);
  expectEqual(report.emptyKey, 'ERR_FIELD_REQUIRED', 'types-cjs: the ChinaumsError code of an empty appKey');
  expectEqual(report.resolved, join(installedPackage(project), 'src/node.js'), 'types-cjs: resolved entry');
  return `${timings.join(', ')}; node16: TS1479; ${vectors.cases.length} vectors signed by the emitted CommonJS`;
}

// ---------------------------------------------------------------------------------------------
// workerd

/**
 * Bundles the Worker as wrangler does (examples/worker/workerd.mjs, shared with the demo): package
 * exports resolved with the conditions workerd, worker and browser, and the `.wasm` import kept
 * as a module of its own. Returns the file the bare specifier 'chinaums-open' resolved to.
 */
async function bundleProjectWorker(project) {
  const { resolved } = await bundleWorker({ root: project, entry: 'worker.js', outDir: join(project, 'dist'), recordResolutionOf: ['chinaums-open'] });
  return resolved['chinaums-open'];
}

/** The bundle in project/dist is the Worker and the tarball's own .wasm beside it, no Node code. */
function checkWorkerBundle(project) {
  const installed = installedPackage(project);
  const dist = join(project, 'dist');
  expectEqual(readdirSync(dist).sort(), ['chinaums_open_bg.wasm', 'worker.js'], 'the bundled Worker');
  if (!readFileSync(join(dist, 'chinaums_open_bg.wasm')).equals(readFileSync(join(installed, 'dist/chinaums_open_bg.wasm')))) {
    fail('the Worker bundle carries a different .wasm than the tarball');
  }
  const bundle = readFileSync(join(dist, 'worker.js'), 'utf8');
  if (/node:fs|readFileSync/.test(bundle)) fail("the Worker bundle contains the Node entry's file reading");
  return bundle;
}

/**
 * Serves project/config.capnp in workerd, its `@<SERVICE>_PORT@` placeholders filled with free
 * ports, and runs the suite and the HTTP checks in each service of `hosts` ({ service: host }).
 */
async function serveWorkers(project, hosts) {
  const ports = {};
  for (const service of Object.keys(hosts)) ports[service] = await freePort();
  const runId = createHash('sha256').update(`${process.pid}-${Date.now()}-${Math.random()}`).digest('hex').slice(0, 16);
  let config = readFileSync(join(project, 'config.capnp'), 'utf8').replaceAll('@RUN_ID@', runId);
  for (const [service, port] of Object.entries(ports)) config = config.replaceAll(`@${service.toUpperCase()}_PORT@`, String(port));
  if (config.includes('_PORT@')) fail(`config.capnp has a port placeholder for a service not in ${Object.keys(hosts).join(', ')}`);
  writeFileSync(join(project, 'config.capnp'), config);

  const workerd = startProcess(bin('workerd'), ['serve', 'config.capnp'], { cwd: project });
  const details = [];
  try {
    for (const [service, host] of Object.entries(hosts)) {
      const base = `http://127.0.0.1:${ports[service]}`;
      const started = performance.now();
      await waitForJson(`${base}/health`, (json) => json.runId === runId, { isDead: () => workerd.state.exited }).catch((error) => {
        throw new Failure(`${error.message}\nworkerd output:\n${workerd.state.output}`);
      });
      const suite = await (await fetch(`${base}/suite`)).json();
      checkReport(suite, host);
      await checkWorkerHttp(base, host);
      details.push(`${host} ${Math.round(performance.now() - started)} ms`);
    }
  } finally {
    await workerd.stop();
  }
  return details.join(', ');
}

async function workerdHosts(project) {
  const entry = await bundleProjectWorker(project);
  expectEqual(entry, join(installedPackage(project), 'src/workerd.js'), "the bundler's resolution of 'chinaums-open' under workerd conditions");
  checkWorkerBundle(project);
  return serveWorkers(project, { plain: 'workerd', compat: 'workerd-nodejs_compat' });
}

/**
 * The recipe for Workers without wrangler: the esbuild CLI (ESBUILD_WORKER_RECIPE) in the
 * project, then workerd with a config that declares the copied .wasm as a `wasm` module.
 */
async function esbuildWorkerdHost(project) {
  const t0 = performance.now();
  await run(bin('esbuild'), [...ESBUILD_WORKER_RECIPE, '--metafile=esbuild-meta.json', '--log-level=warning'], { cwd: project });
  const buildMs = Math.round(performance.now() - t0);
  const { inputs } = JSON.parse(readFileSync(join(project, 'esbuild-meta.json'), 'utf8'));
  const entries = Object.keys(inputs).filter((input) => /^node_modules\/chinaums-open\/src\/(node|browser|workerd|core)\.js$/.test(input));
  expectEqual(entries, ['node_modules/chinaums-open/src/workerd.js'], "the package entries esbuild bundled under --conditions=workerd");
  const bundle = checkWorkerBundle(project);
  if (!/^import \w+ from "\.\/chinaums_open_bg\.wasm";$/m.test(bundle)) fail('the esbuild bundle does not import ./chinaums_open_bg.wasm as a module');
  return `${await serveWorkers(project, { plain: 'workerd-esbuild' })}, esbuild ${buildMs} ms`;
}

async function postJson(url, body) {
  const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}

/** The Worker's HTTP API: same bytes as Node, a validation error, and clock/CSPRNG defaults. */
async function checkWorkerHttp(base, host) {
  const signed = await postJson(`${base}/preauth-cancel`, CROSS_HOST_REQUEST);
  expectEqual(signed.status, 200, `${host}: POST /preauth-cancel status`);
  expectEqual(signed.json, EXPECTED_CROSS_HOST, `${host}: the signed request over HTTP`);
  if (nodeCrossHost) {
    expectEqual(signed.json.body, nodeCrossHost.body, `${host}: body bytes equal Node's`);
    expectEqual(signed.json.headers.Authorization, nodeCrossHost.headers.Authorization, `${host}: signature equals Node's`);
  }

  const { mid, ...withoutMid } = CROSS_HOST_REQUEST.input;
  const invalid = await postJson(`${base}/preauth-cancel`, { ...CROSS_HOST_REQUEST, input: { ...withoutMid, billDate: '2025-02-30' } });
  expectEqual(invalid.status, 400, `${host}: status of an invalid request (mid was ${mid})`);
  expectEqual(
    { name: invalid.json.name, code: invalid.json.code, field: invalid.json.field, issues: invalid.json.issues.map((i) => [i.field, i.code]) },
    { name: 'ChinaumsError', code: 'ERR_FIELD_REQUIRED', field: 'mid', issues: [['mid', 'ERR_FIELD_REQUIRED'], ['billDate', 'ERR_FIELD_FORMAT']] },
    `${host}: the validation error over HTTP`,
  );

  // Without an injected time and nonce the Worker takes them inside the request: the clock
  // (Beijing time) and the CSPRNG. Checked against the runner's own clock and node:crypto.
  const { appId, appKey } = CROSS_HOST_REQUEST.credentials;
  const fresh = [];
  for (let i = 0; i < 2; i += 1) {
    const before = Date.now();
    const { status, json } = await postJson(`${base}/preauth-cancel`, { input: CROSS_HOST_REQUEST.input, options: { env: 'test' }, credentials: { appId, appKey } });
    expectEqual(status, 200, `${host}: status with clock defaults`);
    const match = /^OPEN-BODY-SIG AppId="([^"]*)", Timestamp="(\d{14})", Nonce="([0-9a-f]{32})", Signature="([^"]+)"$/.exec(json.headers.Authorization);
    if (!match) fail(`${host}: unexpected Authorization ${json.headers.Authorization}`);
    const [, , timestamp, nonce, signature] = match;
    expectEqual(signature, openBodySignature(appKey, appId, timestamp, nonce, json.body), `${host}: signature with clock defaults`);
    const beijing = (ms) => beijingTime(ms).compact;
    if (timestamp < beijing(before - 5_000) || timestamp > beijing(Date.now() + 5_000)) {
      fail(`${host}: Timestamp ${timestamp} is not the Beijing time of now (${beijing(before)})`);
    }
    const requestTimestamp = JSON.parse(json.body).requestTimestamp.replace(/\D/g, '');
    if (requestTimestamp < beijing(before - 5_000) || requestTimestamp > beijing(Date.now() + 5_000)) {
      fail(`${host}: requestTimestamp ${requestTimestamp} is not the Beijing time of now`);
    }
    fresh.push(nonce);
  }
  if (fresh[0] === fresh[1]) fail(`${host}: two requests got the same nonce ${fresh[0]}`);
}

// ---------------------------------------------------------------------------------------------
// Chromium

function launchChromium() {
  return launchHeadlessChromium({ profileDir: join(TMP, 'chromium-profile'), timezoneId: BROWSER_TIME_ZONE });
}

/** Loads `path` from a fresh static server on `root` and returns the page's report. */
async function browserHost(context, root, path, host, wasmPath) {
  const server = await serveStatic(root);
  const page = await context.newPage();
  const messages = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') messages.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (error) => messages.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => messages.push(`request failed: ${request.url()}`));
  try {
    await page.goto(server.url + path, { waitUntil: 'load', timeout: 30_000 });
    await page.waitForFunction(() => window.__results !== undefined, null, { timeout: 30_000 });
    const report = await page.evaluate(() => window.__results);
    const notFound = server.log.filter((r) => r.status !== 200);
    if (notFound.length > 0) fail(`${host} requested missing files: ${notFound.map((r) => r.path).join(', ')}`);
    if (messages.length > 0) fail(`${host} logged problems:\n${messages.join('\n')}`);
    const wasm = server.log.filter((r) => r.path.endsWith('.wasm'));
    if (wasm.length !== 1 || !wasmPath.test(wasm[0].path) || wasm[0].type !== 'application/wasm') {
      fail(`${host} should fetch one .wasm matching ${wasmPath} as application/wasm; requests: ${JSON.stringify(server.log)}`);
    }
    const detail = checkReport(report, host);
    checkNotInitializedReport(report.notInitialized, host);
    expectEqual(report.timeZone, BROWSER_TIME_ZONE, `${host}: the page's time zone`);
    return detail;
  } finally {
    await page.close();
    await server.close();
  }
}

async function viteBuild(project) {
  await run(bin('vite'), ['build'], { cwd: project });
  const dist = join(project, 'dist');
  const assets = readdirSync(join(dist, 'assets'));
  const wasm = assets.filter((f) => f.endsWith('.wasm'));
  if (wasm.length !== 1) fail(`the Vite build should emit one .wasm, it emitted ${JSON.stringify(assets)}`);
  const installed = installedPackage(project);
  if (!readFileSync(join(dist, 'assets', wasm[0])).equals(readFileSync(join(installed, 'dist/chinaums_open_bg.wasm')))) {
    fail('the Vite build emitted a different .wasm than the tarball');
  }
  for (const js of assets.filter((f) => f.endsWith('.js'))) {
    if (/node:fs|readFileSync/.test(readFileSync(join(dist, 'assets', js), 'utf8'))) fail(`${js} contains the Node entry`);
  }
  return dist;
}

// ---------------------------------------------------------------------------------------------
// TypeScript

/** Imports every runtime export by name, so a name missing from index.d.ts fails the compile. */
function writeAllExports(project, rootNames, coreNames) {
  const source =
    '// Generated by tests/packaging/run.mjs from the runtime exports of the Node entry.\n' +
    `import { ${rootNames.join(', ')} } from 'chinaums-open';\n` +
    "import * as core from 'chinaums-open/core';\n" +
    `export const root = [${rootNames.join(', ')}] as const;\n` +
    `export const slim = [${coreNames.map((n) => `core.${n}`).join(', ')}] as const;\n`;
  writeFileSync(join(project, 'all-exports.ts'), source);
}

// ---------------------------------------------------------------------------------------------

async function libraryPackaging() {
  let packed;
  const packedOk = await step('npm pack pkg/', async () => {
    packed = await pack();
    return `${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${packed.files.length} files`;
  });
  if (!packedOk) return;

  const projects = {};
  const installs = Promise.all(
    Object.keys(PROJECTS).map(async (name) => {
      projects[name] = await createProject(name, packed.tarball);
    }),
  );
  await Promise.all([
    step('publint --strict (the tarball)', async () => {
      await run(bin('publint'), ['run', packed.tarball, '--strict']);
    }),
    step('arethetypeswrong (the tarball)', async () => {
      // --profile esm-only: the package is ESM-only on purpose (one build, no dual-package
      // hazard). attw's TypeScript (5.6) calls a require() of it from CJS "dynamic import only",
      // but Node >= 20.19 (engines) can require() it, which the CommonJS host proves at run
      // time; node10 resolution predates `exports` and is ignored too. `./wasm` is the binary
      // itself, an asset without types.
      await run(bin('attw'), [packed.tarball, '--profile', 'esm-only', '--exclude-entrypoints', './wasm', '--no-definitely-typed', '--no-color']);
    }),
    step(`install the tarball into ${Object.keys(PROJECTS).length} throwaway projects (offline)`, async () => {
      await installs;
    }),
  ]);
  if (Object.keys(projects).length !== Object.keys(PROJECTS).length) return;

  await step('licences and metadata: both licences as at the root, repository, homepage, bugs, keywords', () =>
    checkLicencesAndMetadata({
      repo: REPO,
      directory: 'pkg',
      files: packed.files,
      installed: installedPackage(projects['node-esm']),
      // What npm shows on the package's page.
      readme: true,
    }),
  );

  await step('the library only: no gateway file, bin or ./gateway export', async () => {
    const detail = await checkNoGateway(projects['node-esm']);
    return `${packed.files.length} files, ${detail}`;
  });

  await step('1. Node import', async () => {
    const report = await nodeHost(projects['node-esm'], 'main.mjs', 'node-esm', { TZ: NODE_TIME_ZONE });
    referenceExports = report.exportNames;
    expectEqual(referenceExports, EXPORTS, 'node-esm: the exported names');
    const detail = checkReport(report, 'node-esm');
    expectEqual(report.resolved['.'], pathToFileURL(join(installedPackage(projects['node-esm']), 'src/node.js')).href, 'node-esm: resolved entry');
    expectEqual(report.timeZone, NODE_TIME_ZONE, "node-esm: the process's time zone");
    nodeCrossHost = report.crossHost;
    return `${detail}, TZ=${NODE_TIME_ZONE}`;
  });

  await step('2. Node require()', async () => {
    const report = await nodeHost(projects['node-cjs'], 'main.cjs', 'node-cjs');
    const detail = checkReport(report, 'node-cjs');
    expectEqual(report.resolved['.'], join(installedPackage(projects['node-cjs']), 'src/node.js'), 'node-cjs: resolved entry');
    return detail;
  });

  let coreExports = null;
  await step('Node chinaums-open/core (no auto init) + chinaums-open/wasm', async () => {
    const report = await nodeHost(projects['node-esm'], 'core.mjs', 'node-core');
    const detail = checkReport(report, 'node-core');
    checkNotInitializedReport(report.notInitialized, 'node-core');
    expectEqual(report.missingSource, { threw: true, isChinaumsError: true, code: 'ERR_FIELD_REQUIRED', field: 'source' }, 'node-core: init() without a source');
    expectEqual(report.badBytes, { threw: true, isCompileError: true }, 'node-core: init() with bytes that are not wasm');
    checkNotInitializedReport(report.afterFailure, 'node-core (after a failed init)');
    const installed = installedPackage(projects['node-esm']);
    expectEqual(
      report.resolved,
      { './core': pathToFileURL(join(installed, 'src/core.js')).href, './wasm': pathToFileURL(join(installed, 'dist/chinaums_open_bg.wasm')).href },
      'node-core: resolved subpaths',
    );
    coreExports = report.exportNames;
    return detail;
  });

  await step('6. Bun: import and require()', () => bunHosts(projects.bun));
  await step('7. Deno: import from the node_modules of a package.json project', () => denoHost(projects.deno));

  await step('TypeScript consumer: tsc --strict, moduleResolution bundler and node16', async () => {
    if (!referenceExports || !coreExports) fail('needs the export names from the Node hosts');
    writeAllExports(projects.types, referenceExports, coreExports);
    const timings = [];
    for (const config of ['tsconfig.bundler.json', 'tsconfig.node16.json']) {
      const t0 = performance.now();
      await run(bin('tsc'), ['-p', config], { cwd: projects.types });
      timings.push(`${config.split('.')[1]} ${Math.round(performance.now() - t0)} ms`);
    }
    return timings.join(', ');
  });

  await step('TypeScript: errCode and billStatus narrow to the literal they are compared with (tsc --strict)', async () => {
    await run(bin('tsc'), ['-p', 'tsconfig.narrowing.json'], { cwd: projects.types });
  });

  await step('TypeScript CommonJS consumer: tsc --strict, module nodenext and node20, its require() run; node16 refuses (TS1479)', () =>
    typescriptCommonJs(projects['types-cjs']),
  );

  await step('3. Worker in workerd (bundled with workerd conditions), over HTTP', () => workerdHosts(projects.workerd));
  await step('3b. Worker bundled by the esbuild CLI alone (--conditions=workerd, the .wasm as a module) in workerd', () =>
    esbuildWorkerdHost(projects['workerd-esbuild']),
  );

  let context = null;
  const browserOk = await step('launch headless Chromium', async () => {
    context = await launchChromium();
    return `${context.browser()?.version() ?? 'chromium'} (${BROWSER_TIME_ZONE})`;
  });
  if (browserOk) {
    try {
      await step('4. plain ES-module page in Chromium', () =>
        browserHost(context, projects['browser-plain'], 'index.html', 'browser-plain', /^\/node_modules\/chinaums-open\/dist\/chinaums_open_bg\.wasm$/),
      );
      await step('5. Vite production build in Chromium', async () => {
        const t0 = performance.now();
        const dist = await viteBuild(projects.vite);
        const buildMs = Math.round(performance.now() - t0);
        const detail = await browserHost(context, dist, 'index.html', 'vite', /^\/assets\/chinaums_open_bg-[\w-]+\.wasm$/);
        return `${detail}, vite build ${buildMs} ms`;
      });
    } finally {
      await context.close();
    }
  }
}

async function main() {
  const started = performance.now();
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  await libraryPackaging();
  await gatewayPackaging(step, join(TMP, 'gateway'));
  return summary(started);
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

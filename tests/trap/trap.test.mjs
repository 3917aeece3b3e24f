// A trap never outlives its call, in the hosts where a Node test cannot look: real workerd and
// headless Chromium. Both run the same scenario (scenario.mjs) on the test build of the package
// (tests/.tmp/trap-pkg, made by `scripts/build.sh --test-build`: the package over a wasm with an
// export that makes a call trap, which the published build does not have).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { freePort, launchHeadlessChromium, serveStatic, startProcess, waitForJson } from '../packaging/support.mjs';
import { V1 } from './scenario.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TRAP_PKG = join(REPO, 'tests/.tmp/trap-pkg');
const TMP = join(REPO, 'tests/.tmp/trap');
const KINDS = ['unreachable', 'stack', 'memory'];

/** What every host's report must say. */
function checkReport(report, kind) {
  assert.equal(report.before, V1.signature, 'signing worked before the trap');
  assert.equal(report.trap.ok, false, `force_trap(${kind}) returned`);
  assert.equal(report.trap.code, 'ERR_INTERNAL', JSON.stringify(report.trap));
  assert.match(report.trap.message, /did not complete/);
  assert.equal(report.next.ok, true, `the next call failed: ${JSON.stringify(report.next)}`);
  assert.equal(report.next.value, V1.signature, 'the next call gives the vector');
  assert.ok(report.built.ok && report.built.value.endsWith(`Signature="${V1.signature}"`), JSON.stringify(report.built));
  assert.equal(report.oldSigner.code, 'ERR_CORE_RESTARTED', JSON.stringify(report.oldSigner));
  assert.equal(report.oldHolder.code, 'ERR_CORE_RESTARTED', JSON.stringify(report.oldHolder));
  assert.equal(report.newSigner.value, V1.signature);
  assert.ok(report.memory.ok && report.memory.value > 0, JSON.stringify(report.memory));
  assert.equal(report.freed.ok, true, 'freeing an object of the old instance is harmless');
}

before(() => {
  if (!existsSync(join(TRAP_PKG, 'dist/chinaums_open.js'))) assert.fail('tests/.tmp/trap-pkg is missing: run scripts/build.sh --test-build');
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
});

describe('a trap in workerd', { timeout: 60_000 }, () => {
  let workerd;
  let url;

  before(async () => {
    const dir = join(TMP, 'workerd');
    // The package's documented recipe without wrangler: the workerd condition, the .wasm a module.
    await build({
      entryPoints: [join(REPO, 'tests/trap/worker.mjs')],
      bundle: true,
      format: 'esm',
      conditions: ['workerd'],
      loader: { '.wasm': 'copy' },
      assetNames: '[name]',
      outdir: join(dir, 'dist'),
      logLevel: 'silent',
    });
    const port = await freePort();
    writeFileSync(
      join(dir, 'config.capnp'),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "dist/worker.js"),
    (name = "chinaums_open_bg.wasm", wasm = embed "dist/chinaums_open_bg.wasm"),
  ],
  compatibilityDate = "2025-11-01",
);
`,
    );
    workerd = startProcess(join(REPO, 'node_modules/.bin/workerd'), ['serve', join(dir, 'config.capnp')], { cwd: dir });
    url = `http://127.0.0.1:${port}/`;
    await waitForJson(`${url}?kind=unreachable`, (report) => typeof report.before === 'string', { isDead: () => workerd.state.exited });
  });

  after(() => workerd?.stop());

  for (const kind of KINDS) {
    it(`${kind}: ERR_INTERNAL, then a fresh instance in the same isolate`, async () => {
      const response = await fetch(`${url}?kind=${kind}`);
      assert.equal(response.status, 200, workerd.state.output);
      checkReport(await response.json(), kind);
    });
  }

  it('the isolate stayed alive through every trap', async () => {
    const report = await (await fetch(`${url}?kind=unreachable`)).json();
    checkReport(report, 'unreachable');
    assert.equal(workerd.state.exited, false, workerd.state.output);
  });
});

describe('a trap in headless Chromium', { timeout: 60_000 }, () => {
  let server;
  let context;
  let page;

  before(async () => {
    const root = join(TMP, 'web');
    cpSync(TRAP_PKG, join(root, 'pkg'), { recursive: true });
    cpSync(join(REPO, 'tests/trap/page.html'), join(root, 'index.html'));
    cpSync(join(REPO, 'tests/trap/scenario.mjs'), join(root, 'scenario.mjs'));
    server = await serveStatic(root);
    context = await launchHeadlessChromium({ profileDir: join(TMP, 'chromium-profile') });
    page = await context.newPage();
    const problems = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(server.url);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 30_000 });
    assert.deepEqual(problems, []);
  });

  after(async () => {
    await context?.close();
    await server?.close();
  });

  for (const kind of KINDS) {
    it(`${kind}: ERR_INTERNAL, then a fresh instance in the same page`, async () => {
      checkReport(await page.evaluate((k) => window.runScenario(k), kind), kind);
    });
  }
});

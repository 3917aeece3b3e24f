// Node-side tooling to run a Worker in real workerd (npm `workerd`, no wrangler: wrangler 4
// needs Node >= 22). Shared by the demo (examples/worker/flow-worker.mjs), the end-to-end tests
// (tests/e2e/) and the packaging tests (tests/packaging/run.mjs):
//
//   bundleWorker  bundles a Worker as wrangler does: package exports resolved with the
//                 conditions workerd, worker, browser (so 'chinaums-open' is its workerd entry)
//                 and every imported .wasm kept as a module of its own, which workerd hands to
//                 the Worker as a compiled WebAssembly.Module.
//   startWorkerd  bundles a Worker into a fresh temporary directory next to a copy of its
//                 config.capnp, serves it, and resolves once workerd listens. The config's
//                 socket asks for port 0; workerd reports the port the OS chose on its control
//                 descriptor (--control-fd), so there is no port to guess and no race.
//
// Secrets go to workerd as environment variables, which the config turns into bindings
// (`fromEnvironment`): they are never written into the bundle or the config file.

import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The conditions wrangler's bundler resolves package exports with. */
export const WORKER_CONDITIONS = Object.freeze(['workerd', 'worker', 'browser']);

const SETUP_HINT = 'run scripts/setup.sh (npm ci installs the pinned dev dependencies)';

/** The workerd npm package: `{ binary, version }`, or an error saying how to install it. */
export function workerdPackage() {
  try {
    const { default: binary, version } = createRequire(import.meta.url)('workerd');
    return { binary, version };
  } catch (error) {
    throw new Error(`workerd is not installed (${error.message.split('\n')[0]}): ${SETUP_HINT}`);
  }
}

/**
 * Bundles `entry` (a path relative to `root`) into `outDir`/worker.js, copying each imported
 * .wasm beside it (as wrangler uploads wasm modules beside the script). Returns the files
 * written, sorted, and `resolved`: what each bare specifier in `recordResolutionOf` resolved to.
 */
export async function bundleWorker({ root, entry, outDir, recordResolutionOf = [] }) {
  let build;
  try {
    ({ build } = await import('vite'));
  } catch (error) {
    throw new Error(`vite is not installed (${error.message.split('\n')[0]}): ${SETUP_HINT}`);
  }
  const resolved = {};
  const wasmModules = new Map();
  const conditions = [...WORKER_CONDITIONS];
  await build({
    root,
    configFile: false,
    publicDir: false,
    logLevel: 'warn',
    resolve: { conditions },
    ssr: { target: 'webworker', noExternal: true, resolve: { conditions, externalConditions: conditions } },
    build: {
      ssr: entry,
      outDir,
      emptyOutDir: true,
      minify: false,
      target: 'es2022',
      rollupOptions: { output: { format: 'es', entryFileNames: 'worker.js' } },
    },
    plugins: [
      {
        name: 'record-package-resolution',
        enforce: 'pre',
        async resolveId(source, importer, options) {
          if (!recordResolutionOf.includes(source)) return null;
          const result = await this.resolve(source, importer, { ...options, skipSelf: true });
          resolved[source] = result?.id;
          return result;
        },
      },
      {
        name: 'wasm-as-workerd-module',
        enforce: 'pre',
        resolveId(source, importer) {
          if (!source.endsWith('.wasm') || !importer) return null;
          const file = fileURLToPath(new URL(source, pathToFileURL(importer)));
          const name = basename(file);
          wasmModules.set(name, file);
          return { id: `./${name}`, external: true };
        },
      },
    ],
  });
  for (const [name, file] of wasmModules) cpSync(file, join(outDir, name));
  return { files: readdirSync(outDir).sort(), resolved };
}

/**
 * Bundles the Worker `entry` and serves it with `config` (a .capnp whose `embed` paths name
 * files of the bundle: worker.js and the .wasm modules). The config must have one socket named
 * `socketName` with address "127.0.0.1:0".
 *
 * @param {object} options
 * @param {string} options.entry the Worker's source file
 * @param {string} options.config the config.capnp template
 * @param {Record<string, string>} [options.env] environment variables for workerd: the
 *   `fromEnvironment` bindings (secrets) of the config
 * @param {string} [options.socketName] default "http"
 * @param {string[]} [options.recordResolutionOf] bare specifiers whose resolution to report
 * @param {number} [options.timeoutMs] how long workerd may take to listen; default 15 s
 * @returns {Promise<{ url: string, version: string, dir: string, files: string[], resolved: Record<string, string>, output: () => string, stop: () => Promise<void> }>}
 */
export async function startWorkerd({ entry, config, env = {}, socketName = 'http', recordResolutionOf = [], timeoutMs = 15_000 }) {
  const { binary, version } = workerdPackage();
  const dir = mkdtempSync(join(tmpdir(), 'chinaums-workerd-'));
  let child = null;
  // Whatever ends this process (an error, Ctrl-C, process.exit), workerd and its directory do
  // not outlive it; `exit` handlers must be synchronous, so this kills without waiting.
  const cleanUpOnExit = () => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', cleanUpOnExit);
  const removeDir = () => {
    process.off('exit', cleanUpOnExit);
    rmSync(dir, { recursive: true, force: true });
  };
  let bundle;
  try {
    bundle = await bundleWorker({ root: dirname(entry), entry: basename(entry), outDir: dir, recordResolutionOf });
    cpSync(config, join(dir, 'config.capnp'));
  } catch (error) {
    removeDir();
    throw error;
  }

  child = spawn(binary, ['serve', 'config.capnp', '--control-fd', '3'], {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('close', resolve));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    }
    removeDir();
  };

  try {
    const port = await new Promise((resolve, reject) => {
      let control = '';
      const timer = setTimeout(() => reject(new Error(`workerd did not listen within ${timeoutMs} ms`)), timeoutMs);
      const finish = (fn, value) => {
        clearTimeout(timer);
        fn(value);
      };
      child.once('error', (error) => finish(reject, new Error(`could not start workerd (${binary}): ${error.message}`)));
      child.once('close', (code, signal) => finish(reject, new Error(`workerd exited (${signal ?? `code ${code}`}) before listening`)));
      child.stdio[3].setEncoding('utf8').on('data', (chunk) => {
        control += chunk;
        for (const line of control.split('\n').slice(0, -1)) {
          let message;
          try {
            message = JSON.parse(line);
          } catch {
            continue;
          }
          if (message.event === 'listen' && message.socket === socketName) finish(resolve, message.port);
        }
      });
    });
    return { url: `http://127.0.0.1:${port}`, version, dir, files: bundle.files, resolved: bundle.resolved, output: () => output, stop };
  } catch (error) {
    await stop();
    throw new Error(`${error.message}${output ? `\nworkerd output:\n${output.trimEnd()}` : ''}`);
  }
}

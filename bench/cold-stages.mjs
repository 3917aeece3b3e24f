// Node cold start by stage, in a fresh process: reading the .wasm, loading the glue, compiling,
// instantiating, and loading the package's own modules. `node bench/cold-stages.mjs` prints
// one JSON line (ms); run it a few times, the first run pays for a cold disk cache. bench/run.mjs
// measures the import as a whole.
await import('data:text/javascript,export default 0'); // the ESM loader's own start-up, not ours
const stages = {};
let t = performance.now();
const lap = (name) => {
  const now = performance.now();
  stages[name] = Math.round((now - t) * 100) / 100;
  t = now;
};
const { readFileSync } = await import('node:fs');
const bytes = readFileSync(new URL('../pkg/dist/chinaums_open_bg.wasm', import.meta.url));
lap('read');
const glue = await import('../pkg/dist/chinaums_open.js');
lap('glue');
const module = new WebAssembly.Module(bytes);
lap('compile');
glue.initSync({ module });
lap('instantiate');
await import('../pkg/src/api.js');
await import('../pkg/src/client.js');
lap('packageModules');
console.log(JSON.stringify(stages));

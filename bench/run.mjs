// The benchmark command (scripts/bench.sh): Node and workerd figures against the project's
// budgets, in one table. Informational: it never fails on a missed budget, and it is not part
// of the test command.
import { nodeBenchmark } from './node.mjs';
import { workerdBenchmark } from './workerd.mjs';

const node = await nodeBenchmark();
const workerd = await workerdBenchmark();

const k = (n) => (n >= 10_000 ? `${Math.round(n / 1000)}k/s` : `${(n / 1000).toFixed(1)}k/s`);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const x = (ratio) => `${ratio.toFixed(2)}×`;
const { signVsHandwritten: job } = node;

const rows = [
  ['Node: bills.preauthCancel.sign from a JS object, with the credentials ÷ the same job by hand (node:crypto)', `${x(job.credentialsRatio)} (${k(job.credentialsPerSec)} vs ${k(job.handwrittenPerSec)})`, '≥ 1.0×', job.credentialsRatio >= 1],
  ['Node: the same, with { signer } ÷ by hand', `${x(job.signerRatio)} (${k(job.signerPerSec)} vs ${k(job.handwrittenPerSec)})`, '≥ 1.0×', job.signerRatio >= 1],
];
for (const [label, result] of [['300 B', node.signer300], ['4 KB', node.signer4k], ['64 KB', node.signer64k]]) {
  const { opsPerSec: ops } = result;
  rows.push(
    [`Node, ${label}: OpenBodySigner ÷ hash-wasm`, `${x(result.vsHashWasm)} (${k(ops.signer)} vs ${k(ops.hashWasm)})`, '> 1.0×', result.vsHashWasm > 1],
    [`Node, ${label}: OpenBodySigner ÷ @noble/hashes`, `${x(result.vsNoble)} (${k(ops.signer)} vs ${k(ops.noble)})`, '> 1.0×', result.vsNoble > 1],
    [`Node, ${label}: OpenBodySigner ÷ node:crypto`, `${x(result.vsNodeCrypto)} (${k(ops.signer)} vs ${k(ops.nodeCrypto)})`, '(no budget)', null],
  );
}
rows.push(
  ['workerd, 300 B: OpenBodySigner ÷ WebCrypto', `${x(workerd.sign300.ratio)} (${k(workerd.sign300.wasmOpsPerSec)} vs ${k(workerd.sign300.webCryptoOpsPerSec)})`, '≥ 1.5×', workerd.sign300.ratio >= 1.5],
  ['workerd, 4 KB: OpenBodySigner ÷ WebCrypto', `${x(workerd.sign4096.ratio)} (${k(workerd.sign4096.wasmOpsPerSec)} vs ${k(workerd.sign4096.webCryptoOpsPerSec)})`, '(no budget)', null],
  ['Node cold start: import (read + compile + instantiate + JS modules)', `${node.coldStart.importMs.toFixed(1)} ms (compile alone ${node.coldStart.compileOnlyMs.toFixed(1)} ms)`, '≤ 15 ms', node.coldStart.importMs <= 15],
  ['.wasm gzip -9', `${kb(node.sizes.wasmGzip9)} (${kb(node.sizes.wasmBytes)} raw)`, '≤ 110 KB', node.sizes.wasmGzip9 <= 110 * 1024],
  ['glue: src/wasm/ + pkg/src/ (generated.js excluded)', `${node.sizes.glueLines.toLocaleString('en')} lines`, '≤ 1,000', node.sizes.glueLines <= 1000],
);

const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), ['metric', 'measured', 'budget'][i].length));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(`Node ${node.node}, workerd ${workerd.workerd}; medians of several rounds, every contender in one process (each checked to give the same header first).\n`);
console.log(`${line(['metric', 'measured', 'budget'])} met |`);
console.log(`${line(widths.map((w) => '-'.repeat(w)))} --- |`);
for (const [metric, measured, budget, met] of rows) console.log(`${line([metric, measured, budget])} ${met === null ? ' — ' : met ? 'yes' : 'no '} |`);

// The benchmark command (scripts/bench.sh): Node and workerd figures against the project's
// targets, in one table. Informational: it never fails on a missed target, and it is not part
// of the test command.
import { nodeBenchmark } from './node.mjs';
import { workerdBenchmark } from './workerd.mjs';

const node = nodeBenchmark();
const workerd = await workerdBenchmark();

const k = (n) => `${Math.round(n / 1000)}k/s`;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const rows = [
  ['Node, 300 B: OpenBodySigner.sign ÷ node:crypto', `${node.sign300.ratio.toFixed(2)}× (${k(node.sign300.wasmOpsPerSec)} vs ${k(node.sign300.nodeCryptoOpsPerSec)})`, '≥ 1.1×', node.sign300.ratio >= 1.1],
  ['Node, 4 KB: same ratio', `${node.sign4k.ratio.toFixed(2)}× (${k(node.sign4k.wasmOpsPerSec)} vs ${k(node.sign4k.nodeCryptoOpsPerSec)})`, '≥ 0.6×', node.sign4k.ratio >= 0.6],
  ['workerd, 300 B: signer ÷ WebCrypto', `${workerd.sign300.ratio.toFixed(2)}× (${k(workerd.sign300.wasmOpsPerSec)} vs ${k(workerd.sign300.webCryptoOpsPerSec)})`, '≥ 2.5×', workerd.sign300.ratio >= 2.5],
  ['workerd, 4 KB: signer ÷ WebCrypto', `${workerd.sign4096.ratio.toFixed(2)}× (${k(workerd.sign4096.wasmOpsPerSec)} vs ${k(workerd.sign4096.webCryptoOpsPerSec)})`, '(no target)', null],
  ['Node: validate + build + sign ÷ the same by hand (node:crypto)', `${node.buildValidateSign.ratio.toFixed(2)}× (${k(node.buildValidateSign.withSignerPerSec)} vs ${k(node.buildValidateSign.handwrittenPerSec)})`, '≥ 1.0×', node.buildValidateSign.ratio >= 1],
  ['Node: validate + build + signRequest (key per call)', k(node.buildValidateSign.withSignRequestPerSec), '(no target)', null],
  ['.wasm gzip -9, whole protocol', `${kb(node.sizes.wasmGzip9)} (${kb(node.sizes.wasmBytes)} raw)`, '≤ 90 KB', node.sizes.wasmGzip9 <= 90 * 1024],
  ['Node cold start: import (read + compile + instantiate + JS modules)', `${node.coldStart.importMs.toFixed(1)} ms (compile alone ${node.coldStart.compileOnlyMs.toFixed(1)} ms)`, '≤ 15 ms', node.coldStart.importMs <= 15],
  ['binding + JS wrapper (src/wasm/ + pkg/src/)', `${node.sizes.bindingLines} lines`, '≤ 1,000', node.sizes.bindingLines <= 1000],
];

const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), ['metric', 'measured', 'target'][i].length));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(`Node ${node.node}, workerd ${workerd.workerd}; medians of several runs, both sides in one process.\n`);
console.log(line(['metric', 'measured', 'target']) + ' met');
console.log(line(widths.map((w) => '-'.repeat(w))) + ' ---');
for (const [metric, measured, target, met] of rows) console.log(line([metric, measured, target]) + (met === null ? ' —' : met ? ' yes' : ' no'));

// The READMEs' samples, run as pasted. A code block is marked by an HTML comment on the line
// just before its fence (invisible on npm and GitHub, visible in the source):
//
//   <!-- runs: node -->          the ```js block is saved as sample.mjs and run with node
//   <!-- runs: node-cjs -->      the ```js block is saved as sample.cjs and run with node
//   <!-- typecheck: ts -->       the ```ts block is compiled by tsc --strict in an ES module project
//   <!-- typecheck: cts -->      the ```ts block is compiled by tsc --strict in a "type": "commonjs" project
//   <!-- fragment -->            the block is an excerpt, deliberately not run
//
// `runs` may add `; prints: <text>`: the run's stdout must contain that text. A run must exit 0
// (a failing node:test sample exits 1). Each sample runs in a fresh directory of a temporary
// project whose node_modules holds only chinaums-open and chinaums-open-gateway (links to pkg/ and
// gateway/) and, for the TypeScript checks, @types/node: what a user's project has after
// installing them. Samples that talk to a gateway start it themselves with startGateway
// (127.0.0.1, a free port).
//
// A package README (what npm shows) must have at least one marked sample, and every js or ts
// block in it must be marked: run, type-checked, or a fragment. The repository README's marked
// blocks run the same way.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(REPO, 'node_modules/.bin/tsc');
/** Longer than any sample needs; only a hung sample (a gateway never closed) meets it. */
const RUN_TIMEOUT_MS = 60_000;

/** The READMEs, and whether each must carry samples (the package READMEs). */
const READMES = [
  { path: 'README.md', packageReadme: false },
  { path: 'pkg/README.md', packageReadme: true },
  { path: 'gateway/README.md', packageReadme: true },
];

const MARKER = /^<!--\s*(runs|typecheck|fragment)\b\s*(.*?)\s*-->\s*$/;
const FENCE = /^```(\w*)\s*$/;
const CODE_LANGUAGES = new Set(['js', 'javascript', 'mjs', 'cjs', 'ts', 'typescript']);
/** What each marker runs, and the fence languages it accepts. */
const KINDS = {
  'runs: node': { languages: ['js', 'javascript', 'mjs'], file: 'sample.mjs', type: 'module' },
  'runs: node-cjs': { languages: ['js', 'javascript', 'cjs'], file: 'sample.cjs', type: 'commonjs' },
  'typecheck: ts': { languages: ['ts', 'typescript'], type: 'module' },
  'typecheck: cts': { languages: ['ts', 'typescript'], type: 'commonjs' },
};

/**
 * The fenced code blocks of a Markdown text: `{ line, language, code, marker }`, where `line` is
 * the fence's line (1-based) and `marker` the `{ kind, prints }` of the comment just before it
 * (or `fragment`, or null). Throws on a marker that is not followed by a fence, or unknown.
 */
function codeBlocks(markdown, where) {
  const lines = markdown.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i += 1) {
    const marker = MARKER.exec(lines[i]);
    if (marker && !FENCE.test(lines[i + 1] ?? '')) throw new Error(`${where}:${i + 1}: the marker ${lines[i]} is not followed by a code fence`);
    const fence = FENCE.exec(lines[i]);
    if (!fence) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end === -1) throw new Error(`${where}:${i + 1}: the code block is never closed`);
    blocks.push({ line: i + 1, language: fence[1], code: `${lines.slice(i + 1, end).join('\n')}\n`, marker: readMarker(lines[i - 1] ?? '', `${where}:${i}`) });
    i = end;
  }
  return blocks;
}

function readMarker(line, where) {
  const match = MARKER.exec(line);
  if (!match) return null;
  const [, verb, rest] = match;
  if (verb === 'fragment') {
    if (rest !== '') throw new Error(`${where}: <!-- fragment --> takes nothing more, not ${JSON.stringify(rest)}`);
    return 'fragment';
  }
  const [target, ...options] = rest.split(';').map((s) => s.trim());
  const kind = `${verb}: ${target.replace(/^:\s*/, '')}`;
  if (!Object.hasOwn(KINDS, kind)) throw new Error(`${where}: unknown marker ${line.trim()}; use ${Object.keys(KINDS).map((k) => `<!-- ${k} -->`).join(', ')} or <!-- fragment -->`);
  let prints = null;
  for (const option of options) {
    const printed = /^prints:\s*(.+)$/.exec(option);
    if (!printed || verb !== 'runs') throw new Error(`${where}: unknown option ${JSON.stringify(option)} in ${line.trim()}`);
    prints = printed[1];
  }
  return { kind, prints };
}

/** A temporary project where the two packages (and @types/node) resolve as after npm install. */
function createProject() {
  const root = mkdtempSync(join(tmpdir(), 'chinaums-readme-'));
  mkdirSync(join(root, 'node_modules/@types'), { recursive: true });
  symlinkSync(join(REPO, 'pkg'), join(root, 'node_modules/chinaums-open'), 'dir');
  symlinkSync(join(REPO, 'gateway'), join(root, 'node_modules/chinaums-open-gateway'), 'dir');
  symlinkSync(join(REPO, 'node_modules/@types/node'), join(root, 'node_modules/@types/node'), 'dir');
  return root;
}

const execFileP = promisify(execFile);

/** Runs a command; resolves `{ code, stdout, stderr }` whatever its exit code. */
async function capture(command, args, options) {
  try {
    const { stdout, stderr } = await execFileP(command, args, { timeout: RUN_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, ...options });
    return { code: 0, stdout, stderr };
  } catch (error) {
    if (typeof error.code !== 'number' && error.killed !== true) throw error;
    return { code: error.killed ? `killed after ${RUN_TIMEOUT_MS} ms` : error.code, stdout: error.stdout ?? '', stderr: error.stderr ?? '' };
  }
}

// Without NODE_TEST_CONTEXT, which this runner sets: a node:test sample would otherwise report to
// it in its binary format instead of printing its results.
const { NODE_TEST_CONTEXT, ...SAMPLE_ENV } = process.env;

async function runSample(project, name, block) {
  const { file, type } = KINDS[block.marker.kind];
  const dir = join(project, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ private: true, type })}\n`);
  writeFileSync(join(dir, file), block.code);
  const result = await capture(process.execPath, [file], { cwd: dir, env: SAMPLE_ENV });
  const output = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
  assert.equal(result.code, 0, `${name} exited with ${result.code}\n${output}`);
  if (block.marker.prints !== null) assert.ok(result.stdout.includes(block.marker.prints), `${name} did not print ${JSON.stringify(block.marker.prints)}\n${output}`);
}

/** Compiles the blocks of one kind together, one file each, under tsc --strict. */
async function typecheck(project, name, kind, blocks) {
  const dir = join(project, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ private: true, type: KINDS[kind].type })}\n`);
  const files = blocks.map((block) => {
    const file = `line-${block.line}.ts`;
    writeFileSync(join(dir, file), block.code);
    return file;
  });
  const compilerOptions = {
    strict: true,
    noEmit: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    target: 'es2022',
    lib: ['es2022'],
    types: ['node'],
    module: 'nodenext',
    moduleDetection: 'force',
    skipLibCheck: true,
  };
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify({ compilerOptions, files }, null, 2)}\n`);
  const result = await capture(TSC, ['-p', 'tsconfig.json'], { cwd: dir });
  assert.equal(result.code, 0, `tsc --strict refused the ${kind} samples of ${name} (line-N.ts is the block whose fence is at line N):\n${result.stdout}${result.stderr}`);
}

const project = createProject();
process.on('exit', () => rmSync(project, { recursive: true, force: true }));

for (const readme of READMES) {
  const file = join(REPO, readme.path);
  // Each package's README is what npm shows: it must exist.
  if (!existsSync(file)) {
    test(`${readme.path} exists`, () => assert.fail(`${readme.path} is missing`));
    continue;
  }
  const blocks = codeBlocks(readFileSync(file, 'utf8'), readme.path);
  const marked = blocks.filter((b) => b.marker !== null && b.marker !== 'fragment');
  const slug = readme.path.replace(/\W+/g, '-');

  if (readme.packageReadme) {
    test(`${readme.path}: has samples, and every js or ts block is run, type-checked or marked a fragment`, () => {
      assert.ok(marked.length > 0, `${readme.path} has no block marked <!-- runs: … --> or <!-- typecheck: … -->`);
      const unmarked = blocks.filter((b) => CODE_LANGUAGES.has(b.language) && b.marker === null);
      assert.deepEqual(unmarked.map((b) => `line ${b.line} (${b.language})`), [], `${readme.path}: unmarked code blocks`);
    });
  }

  const languageOf = (block) =>
    assert.ok(KINDS[block.marker.kind].languages.includes(block.language), `${readme.path}:${block.line}: a \`\`\`${block.language} block cannot be <!-- ${block.marker.kind} -->`);
  for (const block of marked.filter((b) => b.marker.kind.startsWith('runs:'))) {
    test(`${readme.path}:${block.line} (${block.marker.kind}) runs as pasted`, { timeout: RUN_TIMEOUT_MS + 10_000 }, () => {
      languageOf(block);
      return runSample(project, `${slug}-line-${block.line}`, block);
    });
  }
  for (const kind of ['typecheck: ts', 'typecheck: cts']) {
    const checked = marked.filter((b) => b.marker.kind === kind);
    if (checked.length === 0) continue;
    test(`${readme.path}: the ${kind} blocks (lines ${checked.map((b) => b.line).join(', ')}) compile under tsc --strict`, { timeout: RUN_TIMEOUT_MS + 10_000 }, () => {
      checked.forEach(languageOf);
      return typecheck(project, `${slug}-${kind.replace(/\W+/g, '-')}`, kind, checked);
    });
  }
}

test('the marker grammar: each kind, prints, fragments, and mistakes refused', () => {
  const blocks = codeBlocks(
    ['<!-- runs: node; prints: SUCCESS CLOSED -->', '```js', 'a', '```', '', '```ts', 'b', '```', '<!-- fragment -->', '```js', 'c', '```', '<!-- typecheck: cts -->', '```ts', 'd', '```'].join('\n'),
    'x.md',
  );
  assert.deepEqual(
    blocks.map((b) => [b.line, b.language, b.code, b.marker]),
    [
      [2, 'js', 'a\n', { kind: 'runs: node', prints: 'SUCCESS CLOSED' }],
      [6, 'ts', 'b\n', null],
      [10, 'js', 'c\n', 'fragment'],
      [14, 'ts', 'd\n', { kind: 'typecheck: cts', prints: null }],
    ],
  );
  assert.throws(() => codeBlocks('<!-- runs: nodejs -->\n```js\nx\n```', 'x.md'), /unknown marker/);
  assert.throws(() => codeBlocks('<!-- typecheck: ts; prints: x -->\n```ts\nx\n```', 'x.md'), /unknown option/);
  assert.throws(() => codeBlocks('<!-- runs: node -->\n\n```js\nx\n```', 'x.md'), /not followed by a code fence/);
  assert.throws(() => codeBlocks('```js\nx\n', 'x.md'), /never closed/);
});

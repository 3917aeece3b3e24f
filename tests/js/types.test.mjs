// The package's types: pkg/index.d.ts (hand-written functions and classes) and pkg/generated.d.ts
// (generated from the Rust tables: each operation's input and response, `Bills`, `ClientBills`,
// the error codes, `constants`). These tests fail when the declarations drift from what the
// package exports at run time (names, namespace members, class members), from the values and
// codes the core generates, or from the raw bindings wasm-bindgen generates (the glue).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as api from 'chinaums-open';
import * as glue from '../../pkg/dist/chinaums_open.js';

const pkg = new URL('../../pkg/', import.meta.url);
const read = (path) => readFileSync(new URL(path, pkg), 'utf8');
const dts = read('index.d.ts');
const generated = read('generated.d.ts');
const both = `${dts}\n${generated}`;

/** The names the migration guide documents as the whole top-level API (every entry). */
const DOCUMENTED = [
  'bills', 'buildRequest', 'ChinaumsClient', 'ChinaumsError', 'OpenBodySigner', 'signOpenBody', 'signRequest',
  'verifyOpenBody', 'explainSignature', 'openBodySig', 'notifications', 'accessToken', 'AccessTokenHolder',
  'formParamUrl', 'verifyResponseSignature', 'beijingTime', 'createNonce', 'clockOffsetFromResponse',
  'wasmMemoryBytes', 'constants', 'ERROR_CODES', 'init',
];

/** The text between the `{` that follows `start` in `text` and its matching `}`. */
function block(text, start) {
  const at = text.indexOf(start);
  assert.ok(at >= 0, `declaration not found: ${start}`);
  const open = text.indexOf('{', at + start.length - 1);
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth += 1;
    else if (text[i] === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  assert.fail(`unbalanced declaration: ${start}`);
}

/** Member names declared at the top level of a declaration block (comments and nested blocks skipped). */
function members(body) {
  const names = [];
  let depth = 0;
  const text = body.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  for (const line of text.split('\n')) {
    if (depth === 0) {
      const m = line.match(/^\s*(?:readonly\s+|static\s+|get\s+)?([A-Za-z_$][\w$]*)\??\s*[(:<]/);
      if (m) names.push(m[1]);
    }
    for (const c of line) {
      if ('{([<'.includes(c)) depth += 1;
      else if ('})]>'.includes(c) && !(c === '>' && line.includes('=>'))) depth -= 1;
    }
    depth = Math.max(depth, 0);
  }
  return names;
}

const sorted = (names) => [...new Set(names)].sort();

test('the runtime exports are exactly the documented names, and each is declared', () => {
  const exported = Object.keys(api);
  assert.deepEqual(sorted(exported), sorted(DOCUMENTED), 'the runtime export list');
  assert.equal(exported.length, 22);
  // Nothing of the old flat API is left.
  const removed = /^(validate|preview|parse)[A-Z]|^build(?!Request$)[A-Z]|Notification$|^notificationStringToSign$|^(accessTokenRequest|tokenAuthorization|bodyDigest|stringToSign|computeSignature|authorizationHeader)$/;
  assert.ok(removed.test('validatePreauthCancel') && removed.test('buildBillsQuery') && !removed.test('buildRequest'), 'the pattern');
  assert.deepEqual(exported.filter((name) => removed.test(name)), []);
  assert.deepEqual(exported.filter((name) => /_PATH$|_URL$|_BYTES$|_SECONDS$/.test(name)), []);
  const declared = sorted([...both.matchAll(/^export declare (?:function|class|const) (\w+)/gm)].map((m) => m[1]));
  assert.deepEqual(declared, sorted(exported), 'declared in index.d.ts and generated.d.ts');
});

test('openBodySig, notifications and accessToken declare exactly their runtime members', () => {
  for (const ns of ['openBodySig', 'notifications', 'accessToken']) {
    const declared = members(block(dts, `export declare const ${ns}: {`));
    assert.ok(declared.length >= 3, `${ns}: only ${declared} read`);
    assert.deepEqual(sorted(declared), sorted(Object.keys(api[ns])), ns);
    assert.ok(Object.isFrozen(api[ns]), `${ns} is frozen`);
  }
});

test('bills: Bills, OperationName and Operation declare the runtime operations and their members', () => {
  const operations = Object.keys(api.bills);
  assert.deepEqual(sorted(members(block(generated, 'export interface Bills {'))), sorted(operations));
  const union = generated.match(/export type OperationName = ([^;]*);/);
  assert.deepEqual(sorted([...union[1].matchAll(/"(\w+)"/g)].map((m) => m[1])), sorted(operations));
  const declared = sorted(members(block(dts, 'export interface Operation<Input, Response extends BillsResponse> {')));
  assert.deepEqual(declared, sorted(['name', 'endpoint', 'path', 'summary', 'oneOf', 'fields', 'validate', 'build', 'sign', 'preview', 'parseResponse']));
  for (const op of operations) {
    assert.deepEqual(sorted(Object.keys(api.bills[op])), declared, op);
    // Each operation's input and response interfaces are generated.
    const type = op[0].toUpperCase() + op.slice(1);
    assert.match(generated, new RegExp(`export interface ${type}Input \\{`), `${type}Input`);
    assert.match(generated, new RegExp(`export interface ${type}Response extends BillsResponse \\{`), `${type}Response`);
    assert.match(block(generated, 'export interface Bills {'), new RegExp(`readonly ${op}: Operation<${type}Input, ${type}Response>;`));
  }
  // FieldInfo declares every key a table row has.
  const fieldInfo = sorted(members(block(dts, 'export interface FieldInfo {')));
  const rowKeys = sorted(operations.flatMap((op) => api.bills[op].fields.flatMap((row) => Object.keys(row))));
  assert.deepEqual(rowKeys.filter((key) => !fieldInfo.includes(key)), [], 'table row keys FieldInfo lacks');
});

test('classes declare their public members: OpenBodySigner, AccessTokenHolder, ChinaumsClient, ChinaumsError', () => {
  const client = new api.ChinaumsClient({ appId: 'app', appKey: 'key', baseUrl: 'http://127.0.0.1:9', fetch: async () => assert.fail('nothing is sent') });
  const signer = new api.OpenBodySigner({ appId: 'app', appKey: 'key' });
  const runtime = (instance) => {
    const proto = Object.getPrototypeOf(instance);
    return sorted([...Object.getOwnPropertyNames(proto).filter((name) => name !== 'constructor'), ...Object.keys(instance)]);
  };
  try {
    for (const [name, instance] of [['OpenBodySigner', signer], ['AccessTokenHolder', new api.AccessTokenHolder()], ['ChinaumsClient', client]]) {
      const declared = members(block(dts, `export declare class ${name} {`)).filter((m) => m !== 'constructor');
      assert.deepEqual(sorted(declared), runtime(instance), name);
      assert.equal(typeof instance[Symbol.dispose] === 'function', /\[Symbol\.dispose\]\(\)/.test(block(dts, `export declare class ${name} {`)), `${name} [Symbol.dispose]`);
    }
    // ClientBills: one method per operation.
    assert.deepEqual(sorted(members(block(generated, 'export interface ClientBills {'))), sorted(Object.keys(client.bills)));
    assert.deepEqual(sorted(Object.keys(client.bills)), sorted(Object.keys(api.bills)));
  } finally {
    client.free();
    signer.free();
  }
  const error = new api.ChinaumsError('ERR_PLATFORM', 'm', { field: 'f', platformCode: 'X', platformMessage: 'y', status: 500, response: null, request: {} });
  const declared = members(block(dts, 'export declare class ChinaumsError extends Error {')).filter((m) => m !== 'constructor');
  const own = Object.keys(error).filter((key) => key !== 'stack');
  assert.deepEqual(own.filter((key) => !declared.includes(key)), [], 'ChinaumsError fields not declared');
  assert.deepEqual(declared.filter((key) => !own.includes(key) && key !== 'attempts'), [], 'declared ChinaumsError fields never set');
});

test('constants and error codes: the declared literals are the runtime values, generated from the core', () => {
  const declared = [...block(generated, 'export declare const constants: {').matchAll(/readonly (\w+): ("[^"]*"|\d+);/g)];
  assert.ok(declared.length >= 8, `only ${declared.length} constants declared with a literal type`);
  assert.deepEqual(sorted(declared.map((m) => m[1])), sorted(Object.keys(api.constants)));
  for (const [, name, literal] of declared) assert.equal(api.constants[name], JSON.parse(literal), name);
  assert.equal(api.constants.MAX_JSON_DEPTH, 128);
  // The codes: the union, the runtime list and the Rust core's own list are one set.
  const union = sorted([...generated.match(/export type ChinaumsErrorCode =([^;]*);/)[1].matchAll(/"([A-Z_]+)"/g)].map((m) => m[1]));
  const rust = sorted([...readFileSync(new URL('../../src/error.rs', import.meta.url), 'utf8').matchAll(/^    \w+ => "(ERR_[A-Z_]+)",$/gm)].map((m) => m[1]));
  assert.ok(rust.length >= 20, `only ${rust.length} codes in src/error.rs`);
  assert.deepEqual(union, rust, 'generated.d.ts and src/error.rs');
  assert.deepEqual(sorted(api.ERROR_CODES), rust, 'ERROR_CODES and src/error.rs');
  for (const code of ['ERR_TOO_DEEP', 'ERR_CORE_RESTARTED', 'ERR_INTERNAL']) assert.ok(api.ERROR_CODES.includes(code), code);
});

/** The number of comma-separated arguments in `text`, commas inside brackets not counted. */
function topLevelArguments(text) {
  if (text.trim() === '') return 0;
  let depth = 0;
  let count = 1;
  for (const c of text) {
    if ('([{'.includes(c)) depth += 1;
    else if (')]}'.includes(c)) depth -= 1;
    else if (c === ',' && depth === 0) count += 1;
  }
  return count;
}

/** The glue's declared functions (name → parameter count) and classes (name → their methods). */
function glueDeclarations() {
  const text = read('dist/chinaums_open.d.ts');
  const functions = new Map([...text.matchAll(/^export function (\w+)\(([^)]*)\)/gm)].map(([, name, params]) => [name, topLevelArguments(params)]));
  const classes = new Map(
    [...text.matchAll(/^export class (\w+) \{([\s\S]*?)^\}/gm)].map(([, name, body]) => [
      name,
      new Map([...body.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/^ {4}(?:static )?(\w+)\(([^)]*)\)/gm)].map(([, method, params]) => [method, topLevelArguments(params)])),
    ]),
  );
  return { functions, classes };
}

test('every binding the wrapper calls exists in the glue with that many parameters', () => {
  const { functions, classes } = glueDeclarations();
  const sources = readdirSync(new URL('src/', pkg))
    .filter((file) => file.endsWith('.js'))
    .map((file) => read(`src/${file}`))
    .join('\n');
  const calls = [...sources.matchAll(/\bcore\.(\w+)\(([^()]*(?:\([^()]*\)[^()]*)*)\)/g)];
  assert.ok(calls.length > 20, `only ${calls.length} calls found`);
  for (const [, name, args] of calls) {
    if (classes.has(name)) continue;
    assert.ok(functions.has(name), `core.${name} is not a generated binding`);
    const count = topLevelArguments(args);
    if (!args.includes('...')) assert.equal(count, functions.get(name), `core.${name} takes ${functions.get(name)} parameters, called with ${count}`);
  }
  for (const name of [...sources.matchAll(/new core\.(\w+)\(/g)].map((m) => m[1])) assert.ok(classes.has(name), `core.${name} is not a generated class`);
  // Methods called on the glue's objects (a Signer, a TokenHolder, a Recovery, a BodyHasher).
  const methods = new Map([...classes.values()].flatMap((m) => [...m]));
  const instanceCalls = [...sources.matchAll(/\b(?:inner|signer|recovery|hasher)\.(\w+)\(([^()]*(?:\([^()]*\)[^()]*)*)\)/g)];
  assert.ok(instanceCalls.length >= 8, `only ${instanceCalls.length} instance calls found`);
  for (const [, method, args] of instanceCalls) {
    assert.ok(methods.has(method), `.${method}() is no method of a generated class`);
    if (!args.includes('...')) assert.equal(topLevelArguments(args), methods.get(method), `.${method}() takes ${methods.get(method)} parameters`);
  }
  for (const method of ['sign_text', 'sign_bytes', 'sign_hashed', 'sign_request']) assert.ok(classes.get('Signer').has(method), `Signer.${method}`);
});

test('the glue module exports what its .d.ts declares, and the published one cannot be made to trap', () => {
  const { functions, classes } = glueDeclarations();
  const declared = sorted([...functions.keys(), ...classes.keys(), 'initSync', 'default']);
  assert.deepEqual(sorted(Object.keys(glue)), declared);
  assert.equal('force_trap' in glue, false, 'the published glue has no force_trap');
  assert.doesNotMatch(read('dist/chinaums_open.d.ts'), /force_trap/);
  // The test build (scripts/build.sh --test-build) has it, and otherwise the same bindings.
  const trapGlue = new URL('../.tmp/trap-pkg/dist/chinaums_open.d.ts', import.meta.url);
  assert.ok(existsSync(trapGlue), 'tests/.tmp/trap-pkg is missing: run scripts/build.sh --test-build');
  const trapFunctions = [...readFileSync(trapGlue, 'utf8').matchAll(/^export function (\w+)\(/gm)].map((m) => m[1]);
  assert.deepEqual(sorted(trapFunctions.filter((name) => name !== 'force_trap')), sorted(functions.keys()));
  assert.ok(trapFunctions.includes('force_trap'));
});

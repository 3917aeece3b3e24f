// The package's own modules import each other without cycles (a cycle makes evaluation order,
// and so which binding is still undefined, depend on which module a host loads first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

const SRC = new URL('../../pkg/src/', import.meta.url);
const IMPORT = /^(?:import|export)\b[^'"]*?from\s+'(\.\/[^']+)'/gm;

/** Each module of pkg/src and the modules of pkg/src it imports or re-exports. */
function graph() {
  const edges = new Map();
  for (const name of readdirSync(SRC).filter((n) => n.endsWith('.js'))) {
    const text = readFileSync(new URL(name, SRC), 'utf8');
    edges.set(name, [...text.matchAll(IMPORT)].map((m) => m[1].slice(2)));
  }
  return edges;
}

test('pkg/src has no import cycle', () => {
  const edges = graph();
  assert.ok(edges.get('client.js').includes('api.js'), 'the scan sees imports');
  const state = new Map();
  const visit = (name, path) => {
    if (state.get(name) === 'done') return;
    assert.notEqual(state.get(name), 'open', `import cycle: ${[...path, name].join(' → ')}`);
    state.set(name, 'open');
    for (const next of edges.get(name) ?? []) visit(next, [...path, name]);
    state.set(name, 'done');
  };
  for (const name of edges.keys()) visit(name, []);
});

test('every entry exports the client beside the API', () => {
  for (const entry of ['node.js', 'browser.js', 'workerd.js', 'core.js']) {
    assert.deepEqual(graph().get(entry).filter((m) => m === 'api.js' || m === 'client.js').sort(), ['api.js', 'client.js'], entry);
  }
});

// The HTTP clients the end-to-end tests send their requests through. Every test in
// gateway.test.mjs runs once per client, so a request that must be accepted or rejected is
// checked from each runtime that will talk to a real gateway.
//
// A client is `{ name, open() }`; `open()` resolves to `{ send(request), close() }` where
// `request` is `{ url, method?, headers?, body? }` (body: string or Uint8Array, sent byte for
// byte) and `send` resolves to `{ status, text }`.
//
//   Node fetch     Node's own fetch, in this process.
//   workerd fetch  the relay Worker (relay-worker/) in real workerd replays each request with
//                  the Worker's fetch over 127.0.0.1. One workerd serves every test of a file
//                  (the relay keeps no state); it is stopped when the file's tests end.

import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startWorkerd } from '../../examples/worker/workerd.mjs';

async function nodeSend({ url, method = 'POST', headers = {}, body }) {
  const response = await fetch(url, { method, headers, body });
  return { status: response.status, text: await response.text() };
}

let relay = null;
/** The file's relay Worker, started on first use. */
function relayWorker() {
  relay ??= startWorkerd({
    entry: fileURLToPath(new URL('./relay-worker/worker.mjs', import.meta.url)),
    config: fileURLToPath(new URL('./relay-worker/config.capnp', import.meta.url)),
  });
  return relay;
}
after(async () => {
  // A relay that failed to start has failed its tests already, with workerd's output.
  const started = await relay?.catch(() => null);
  await started?.stop();
});

async function relaySend(workerd, { url, method = 'POST', headers = {}, body }) {
  const described = {
    url,
    method,
    headers,
    body: body === undefined ? null : Buffer.from(body).toString('base64'),
    bodyIsText: typeof body === 'string',
  };
  const response = await fetch(workerd.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(described) });
  const answer = await response.json();
  if (response.status !== 200) throw new Error(`the relay Worker could not send the request: ${answer.error}\n${workerd.output()}`);
  return { status: answer.status, text: Buffer.from(answer.body, 'base64').toString('utf8') };
}

export const CLIENTS = [
  {
    name: 'Node fetch',
    async open() {
      return { send: nodeSend, async close() {} };
    },
  },
  {
    name: 'workerd fetch (relay Worker)',
    async open() {
      const workerd = await relayWorker();
      return { send: (request) => relaySend(workerd, request), async close() {} };
    },
  },
];

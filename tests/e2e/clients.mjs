// The HTTP clients the end-to-end tests send their requests through. Every test in
// gateway.test.mjs runs once per client, so a request that must be accepted or rejected is
// checked from each runtime that will talk to a real gateway.
//
// A client is `{ name, open() }`; `open()` resolves to `{ send(request), close() }` where
// `request` is `{ url, method?, headers?, body? }` (body: string or Uint8Array, sent byte for
// byte) and `send` resolves to `{ status, text }`.
//
// Seam for the Worker path: a `workerd` client will start workerd (npm `workerd`, see
// TOOLCHAIN.md) with a relay Worker that replays each request with the Worker's own fetch
// (body passed as base64 so non-UTF-8 bytes survive), and be appended to CLIENTS. The relay
// needs the workerd entry of the package (runtimes issue); nothing else here changes.

async function nodeSend({ url, method = 'POST', headers = {}, body }) {
  const response = await fetch(url, { method, headers, body });
  return { status: response.status, text: await response.text() };
}

export const CLIENTS = [
  {
    name: 'Node fetch',
    async open() {
      return { send: nodeSend, async close() {} };
    },
  },
];

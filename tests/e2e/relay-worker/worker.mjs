// A relay Worker for the end-to-end tests: it replays a request described by the test runner
// with the Worker's own fetch, so every gateway test can run from workerd too (clients.mjs).
//
//   POST /  { url, method, headers, body: base64 | null, bodyIsText }  →  { status, body: base64 }
//
// Bodies travel as base64 so that bytes that are not UTF-8 survive both ways. A body that was a
// string in the test is handed to fetch as a string again, as a Worker's code would send it.

function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function toBase64(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export default {
  async fetch(request) {
    if (request.method !== 'POST') return Response.json({ error: 'POST a request to relay' }, { status: 405 });
    try {
      const { url, method, headers, body, bodyIsText } = await request.json();
      let payload;
      if (body !== null) payload = bodyIsText ? new TextDecoder().decode(fromBase64(body)) : fromBase64(body);
      const response = await fetch(url, { method, headers, body: payload, redirect: 'manual' });
      return Response.json({ status: response.status, body: toBase64(new Uint8Array(await response.arrayBuffer())) });
    } catch (error) {
      return Response.json({ error: String(error) }, { status: 502 });
    }
  },
};

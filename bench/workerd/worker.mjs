// The workerd half of the benchmark: runs `n` signatures with one implementation and answers
// when done; Node times the request from outside, because workerd's clock does not advance
// while a request computes.
import { OpenBodySigner } from 'chinaums-open';
import { APP_ID, APP_KEY, NONCE, TIMESTAMP, bodyOfSize } from '../inputs.mjs';

const encoder = new TextEncoder();

// As fast as plain JavaScript gets, so that the comparison is with WebCrypto, not a slow helper.
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex = (buffer) => {
  let out = '';
  for (const byte of new Uint8Array(buffer)) out += HEX[byte];
  return out;
};
const base64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));

async function webCryptoSigner() {
  const key = await crypto.subtle.importKey('raw', encoder.encode(APP_KEY), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return async (body) => {
    const digest = hex(await crypto.subtle.digest('SHA-256', encoder.encode(body)));
    const signature = base64(await crypto.subtle.sign('HMAC', key, encoder.encode(APP_ID + TIMESTAMP + NONCE + digest)));
    return `OPEN-BODY-SIG AppId="${APP_ID}", Timestamp="${TIMESTAMP}", Nonce="${NONCE}", Signature="${signature}"`;
  };
}

export default {
  async fetch(request) {
    const params = new URL(request.url).searchParams;
    const n = Number(params.get('n'));
    const body = bodyOfSize(Number(params.get('size')));
    const implementation = params.get('impl');
    let last = '';
    if (implementation === 'wasm') {
      const signer = new OpenBodySigner({ appId: APP_ID, appKey: APP_KEY });
      for (let i = 0; i < n; i++) last = signer.sign(body, { timestamp: TIMESTAMP, nonce: NONCE }).authorization;
      signer.free();
    } else if (implementation === 'webcrypto') {
      const sign = await webCryptoSigner();
      for (let i = 0; i < n; i++) last = await sign(body);
    } else if (implementation !== 'none') {
      return new Response(`unknown impl ${implementation}`, { status: 400 });
    }
    // The last header proves both did the same work (Node compares them).
    return new Response(last);
  },
};

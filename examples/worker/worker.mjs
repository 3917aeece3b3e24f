// The demo's Worker: a merchant backend on Cloudflare Workers that runs the same preauth-cancel
// flow as the Node backend (../flow/preauth-cancel-flow.mjs), with chinaums-open's workerd
// entry and the Worker's own fetch, and answers with the transcript as JSON.
//
//   POST /flow     { gatewayUrl, msgSrcId, bill, now?, nonces? }  →  200 { steps, outcome }
//   POST /recover  { gatewayUrl, msgSrcId, input, timeoutMs?, retry?, jitter? }
//                  →  200 { outcome, bill, attempts } (ChinaumsClient.cancelPreauth with the
//                     Worker's fetch), or 422 { error: { code, message, platformCode, attempts } }
//
// The credentials are bindings, never request data: CHINAUMS_APP_ID, and the secret
// CHINAUMS_APP_KEY (in production `wrangler secret put CHINAUMS_APP_KEY`; locally config.capnp
// reads it from workerd's environment). The transcript never contains the key.
//
// Time and nonces are taken inside the request, where workerd allows them (not at module top
// level): by default the library's clock and CSPRNG. Tests may pin them with `now` (epoch ms)
// and `nonces` (one per signed request), so that a run is byte-for-byte reproducible.

import * as lib from 'chinaums-open';
import { runPreauthCancelFlow } from '../flow/preauth-cancel-flow.mjs';

const BILL_FIELDS = ['mid', 'tid', 'billNo', 'billDate', 'merOrderId', 'authIdRespCd'];

class BadRequest extends Error {}

function readFlowRequest(json) {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new BadRequest('the body must be a JSON object');
  const { gatewayUrl, msgSrcId, bill, now, nonces } = json;
  if (typeof gatewayUrl !== 'string' || !/^https?:\/\//.test(gatewayUrl)) throw new BadRequest('gatewayUrl must be an http(s) URL');
  if (typeof msgSrcId !== 'string') throw new BadRequest('msgSrcId must be a string');
  if (bill === null || typeof bill !== 'object') throw new BadRequest('bill must be an object');
  const missing = BILL_FIELDS.filter((field) => typeof bill[field] !== 'string');
  if (missing.length > 0) {
    throw new BadRequest(`${missing.map((field) => `bill.${field}`).join(', ')} must be ${missing.length === 1 ? 'a string' : 'strings'}`);
  }
  if (now !== undefined && !Number.isSafeInteger(now)) throw new BadRequest('now must be epoch milliseconds');
  if (nonces !== undefined && !(Array.isArray(nonces) && nonces.every((n) => typeof n === 'string'))) {
    throw new BadRequest('nonces must be an array of strings');
  }
  return { gatewayUrl, msgSrcId, bill: Object.fromEntries(BILL_FIELDS.map((f) => [f, bill[f]])), now, nonces };
}

async function handleFlow(request, env) {
  if (!env.CHINAUMS_APP_ID || !env.CHINAUMS_APP_KEY) {
    return Response.json({ error: 'the Worker has no CHINAUMS_APP_ID or CHINAUMS_APP_KEY binding' }, { status: 500 });
  }
  let input;
  try {
    input = readFlowRequest(await request.json());
  } catch (error) {
    const message = error instanceof BadRequest ? error.message : 'the body is not JSON';
    return Response.json({ error: message }, { status: 400 });
  }
  const { now, nonces, ...flow } = input;
  const queue = nonces ? [...nonces] : null;
  const result = await runPreauthCancelFlow({
    lib,
    fetch: (url, init) => fetch(url, init),
    ...flow,
    credentials: { appId: env.CHINAUMS_APP_ID, appKey: env.CHINAUMS_APP_KEY },
    ...(now === undefined ? {} : { now: () => now }),
    ...(queue === null
      ? {}
      : {
          nonce: () => {
            if (queue.length === 0) throw new Error('the flow needs more nonces than the request gave');
            return queue.shift();
          },
        }),
  });
  return Response.json(result);
}

/** Resolves an unknown preauth outcome with the library's client, as a Worker backend would. */
async function handleRecover(request, env) {
  const { gatewayUrl, msgSrcId, input, timeoutMs, retry, jitter } = await request.json();
  const client = new lib.ChinaumsClient({
    appId: env.CHINAUMS_APP_ID,
    appKey: env.CHINAUMS_APP_KEY,
    baseUrl: gatewayUrl,
    msgSrcId,
    timeoutMs,
    retry,
    // Tests pin the jitter so that the delays are known; the default is Math.random.
    ...(jitter === undefined ? {} : { random: () => jitter }),
  });
  try {
    return Response.json(await client.cancelPreauth(input));
  } catch (error) {
    if (!(error instanceof lib.ChinaumsError)) throw error;
    const { code, message, platformCode, attempts } = error;
    return Response.json({ error: { code, message, platformCode, attempts } }, { status: 422 });
  } finally {
    client.free();
  }
}

const ROUTES = { '/flow': handleFlow, '/recover': handleRecover };

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    const handle = Object.hasOwn(ROUTES, pathname) ? ROUTES[pathname] : undefined;
    if (handle === undefined) return Response.json({ error: 'not found: POST /flow or POST /recover' }, { status: 404 });
    if (request.method !== 'POST') return Response.json({ error: `POST ${pathname}` }, { status: 405 });
    try {
      return await handle(request, env);
    } catch (error) {
      // A library error carries a code and a field; anything else (an unreachable gateway) only a
      // message. Neither ever contains the key.
      return Response.json({ error: error.message, code: error.code ?? null }, { status: 500 });
    }
  },
};

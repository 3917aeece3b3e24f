// Runs the demo's Worker (worker.mjs) in workerd from Node and asks it to run the preauth-cancel
// flow. Used by the demo (../node-preauth-cancel.mjs) and the end-to-end tests.

import { fileURLToPath } from 'node:url';
import { startWorkerd } from './workerd.mjs';

const ENTRY = fileURLToPath(new URL('./worker.mjs', import.meta.url));
const CONFIG = fileURLToPath(new URL('./config.capnp', import.meta.url));

/**
 * Starts workerd with the Worker; the credentials become its bindings (the key through
 * workerd's environment, as a secret would).
 *
 * @param {{ credentials: { appId: string, appKey: string } }} options
 * @returns {Promise<{ url: string, version: string, dir: string, files: string[], resolved: Record<string, string>, runFlow: (request: object) => Promise<object>, recover: (request: object) => Promise<object>, stop: () => Promise<void> }>}
 */
export async function startFlowWorker({ credentials }) {
  const workerd = await startWorkerd({
    entry: ENTRY,
    config: CONFIG,
    env: { CHINAUMS_APP_ID: credentials.appId, CHINAUMS_APP_KEY: credentials.appKey },
    recordResolutionOf: ['chinaums-open'],
  });
  /**
   * POST /flow: `{ gatewayUrl, msgSrcId, bill, now?, nonces? }` → the flow's transcript
   * `{ steps, outcome }`, as runPreauthCancelFlow returns it in Node.
   */
  const post = async (path, request, accepted = [200]) => {
    const response = await fetch(`${workerd.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
    const text = await response.text();
    if (!accepted.includes(response.status)) {
      throw new Error(`the Worker answered ${response.status}: ${text}${workerd.output() ? `\nworkerd output:\n${workerd.output().trimEnd()}` : ''}`);
    }
    return JSON.parse(text);
  };
  const runFlow = (request) => post('/flow', request);
  /**
   * POST /recover: `{ gatewayUrl, msgSrcId, input, timeoutMs?, retry?, jitter? }` → what
   * ChinaumsClient.cancelPreauth resolves with in the Worker, or `{ error }` when it rejects.
   */
  const recover = (request) => post('/recover', request, [200, 422]);
  const { url, version, dir, files, resolved, stop } = workerd;
  return { url, version, dir, files, resolved, runFlow, recover, stop };
}

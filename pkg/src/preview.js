// The admin-panel preview: what a server will send for a preauth-cancel input, computed where
// there is no key (a browser). It only composes the public API: the same validation the server
// runs, the same builder (so the body is byte for byte the one the server signs), the body's
// digest, and the Authorization header with every parameter but the signature.
//
// This module and api.js import each other (api.js re-exports it); that is safe because nothing
// here touches api.js bindings until a function is called.

import {
  authorizationHeader,
  beijingTime,
  bodyDigest,
  buildPreauthCancel,
  ChinaumsError,
  createNonce,
  validatePreauthCancel,
} from './api.js';
import { argumentError } from './errors.js';

/** What the preview shows instead of the signature, which only the key holder can compute. */
const SIGNATURE_PLACEHOLDER = '<computed by the server>';

/** A well-formed MAC that stands in for the signature while the core formats the header. */
const PLACEHOLDER_MAC = `${'A'.repeat(43)}=`;

const encoder = new TextEncoder();

/** Quotes one word for a POSIX shell: inside single quotes nothing is special but `'` itself. */
function shellQuote(text) {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A curl command that sends exactly `request`, with `authorization` as its header. */
function curlCommand(request, authorization) {
  const headers = { ...request.headers, Authorization: authorization };
  return [
    `curl -X ${request.method} ${shellQuote(request.url)}`,
    ...Object.entries(headers).map(([name, value]) => `-H ${shellQuote(`${name}: ${value}`)}`),
    // --data-binary sends the bytes unchanged (-d would strip newlines and read @files).
    `--data-binary ${shellQuote(request.body)}`,
  ].join(' \\\n  ');
}

/**
 * Options that are wrong (no env or baseUrl, a bad `now`) are the caller's bug, so they throw
 * as buildPreauthCancel's do, and on every call: a misconfigured panel must fail on the first
 * keystroke, not once the operator has fixed the form. The builder checks them before the
 * input, so building an empty input shows them; its input issues are ignored here.
 */
function checkBuildOptions(buildOptions) {
  try {
    buildPreauthCancel({}, buildOptions);
  } catch (error) {
    if (error instanceof ChinaumsError && error.issues.length > 0) return;
    throw error;
  }
}

/**
 * Previews a preauth-cancel request without a key: `{ ok, issues, request, bodyBytes,
 * bodyDigest, authorization, timestamp, nonce, curl }`. When the input is invalid, `ok` is false,
 * `issues` says what to fix and the body-derived fields are null. See index.d.ts.
 */
export function previewPreauthCancel(input, options) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw argumentError('ERR_FIELD_TYPE', null, 'previewPreauthCancel options must be an object with env or baseUrl, and appId');
  }
  const { env, baseUrl, appId, nonce: givenNonce, msgSrcId, allowUnknownFields } = options;
  // One instant for the body's requestTimestamp (when absent) and the header's Timestamp.
  const now = options.now ?? Date.now();
  const buildOptions = { env, baseUrl, now, msgSrcId, allowUnknownFields };

  const validation = validatePreauthCancel(input, { msgSrcId, allowUnknownFields, applyDefaults: true });
  let request = null;
  if (validation.ok) request = buildPreauthCancel(input, buildOptions);
  else checkBuildOptions(buildOptions);

  const timestamp = beijingTime(now).compact;
  const nonce = givenNonce ?? createNonce();
  // The core formats the header and checks appId, timestamp and nonce; only the signature is
  // left for the server.
  const header = authorizationHeader({ appId, timestamp, nonce, signature: PLACEHOLDER_MAC });
  const authorization = `${header.slice(0, -PLACEHOLDER_MAC.length - 1)}${SIGNATURE_PLACEHOLDER}"`;

  if (request === null) {
    return { ok: false, issues: validation.issues, request: null, bodyBytes: null, bodyDigest: null, authorization, timestamp, nonce, curl: null };
  }
  const bytes = encoder.encode(request.body);
  return {
    ok: true,
    issues: [],
    request,
    bodyBytes: bytes,
    bodyDigest: bodyDigest(bytes),
    authorization,
    timestamp,
    nonce,
    curl: curlCommand(request, authorization),
  };
}

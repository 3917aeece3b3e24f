// What a host checks on a response beyond its JSON: an optional OPEN-BODY-SIG signature, and
// the gateway's clock (to correct a skewed host clock).

import * as core from '../dist/chinaums_open.js';
import { argumentError } from './errors.js';
import { bodyBytes, call, describe, effectiveNow, guardSize, instant, requireObject, requireString } from './args.js';

const DEFAULT_TOLERANCE_SECONDS = 300;

/** The response's Authorization header: from `authorization`, or looked up in `headers`. */
function responseAuthorization(options) {
  if ('authorization' in options) {
    const value = options.authorization;
    return value === undefined || value === null ? undefined : requireString(value, 'authorization');
  }
  const headers = options.headers;
  if (headers === undefined || headers === null) {
    throw argumentError(
      'ERR_FIELD_REQUIRED',
      'headers',
      'pass the response headers (a Headers object or a plain object) or its authorization header value',
    );
  }
  let value;
  if (typeof headers.get === 'function') {
    value = headers.get('authorization');
  } else {
    requireObject(headers, 'headers', 'headers');
    const names = Object.keys(headers).filter((name) => name.toLowerCase() === 'authorization');
    if (names.length > 1) {
      throw argumentError('ERR_AUTH_HEADER', 'authorization', 'the response has more than one Authorization header');
    }
    value = names.length === 1 ? headers[names[0]] : undefined;
  }
  return value === undefined || value === null ? undefined : requireString(value, 'authorization');
}

/**
 * Checks a response's optional OPEN-BODY-SIG `Authorization` header against the exact response
 * bytes: `{ signed: false }` when there is none, `{ signed: true, appId, timestamp, nonce }` when
 * it verifies, and a ChinaumsError (ERR_SIGNATURE_MISMATCH, ERR_AUTH_HEADER, ERR_TIMESTAMP_SKEW)
 * when it is present and wrong: a bad signature never passes silently.
 */
export function verifyResponseSignature(options) {
  requireObject(options, null, 'verifyResponseSignature options');
  const authorization = responseAuthorization(options);
  if (authorization !== undefined) guardSize('authorization', authorization);
  const body = guardSize('body', bodyBytes(options.body));
  const appKey = requireString(options.appKey, 'appKey');
  const now = effectiveNow(options);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (typeof tolerance !== 'number') {
    throw argumentError('ERR_FIELD_TYPE', 'toleranceSeconds', `toleranceSeconds must be a number, not ${describe(tolerance)}`);
  }
  return call(() => JSON.parse(core.verify_response_signature(authorization, body, appKey, now, tolerance)));
}

/**
 * The gateway's clock minus the host's, in milliseconds, from a response's `responseTimestamp`
 * (a parsed response or the timestamp text) and the instant it was received (default: now).
 * Pass the result as `clockOffsetMs` to the signers and builders.
 */
export function clockOffsetFromResponse(response, receivedAt) {
  const timestamp =
    response !== null && typeof response === 'object' ? response.responseTimestamp : response;
  const serverTime = requireString(timestamp, 'responseTimestamp');
  const received = instant(receivedAt, 'receivedAt');
  return call(() => core.clock_offset(serverTime, received));
}

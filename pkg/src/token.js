// OPEN-ACCESS-TOKEN mode: build the token request, read the answer, hold the token and tell the
// host when to refresh it. No timers: the host asks with its own clock (Workers allow no
// timers outside a request).

import * as core from '../dist/chinaums_open.js';
import {
  call,
  describe,
  effectiveNow,
  instant,
  optionalString,
  optionsObject,
  postRequest,
  requireObject,
  requireString,
  text,
} from './args.js';
import { argumentError, ChinaumsError } from './errors.js';

export const TOKEN_PATH = '/v1/token/access';
export const DEFAULT_REFRESH_MARGIN_SECONDS = 300;

/**
 * The token request: `{ method: 'POST', url, headers, body }`, the body carrying
 * `signMethod: "SHA256"` and the signature. Timestamp and nonce default to the clock (`now`
 * plus `clockOffsetMs`) and the CSPRNG.
 */
export function accessTokenRequest(options) {
  requireObject(options, null, 'accessTokenRequest options');
  const appId = requireString(options.appId, 'appId');
  const appKey = requireString(options.appKey, 'appKey');
  const timestamp = optionalString(options.timestamp, 'timestamp');
  const nonce = optionalString(options.nonce, 'nonce');
  const env = optionalString(options.env, 'env');
  const baseUrl = optionalString(options.baseUrl, 'baseUrl');
  const now = effectiveNow(options);
  return call(() => postRequest(core.access_token_request(appId, appKey, timestamp, nonce, now, env, baseUrl)));
}

/**
 * Reads the token endpoint's answer: `{ accessToken, expiresIn, expiresAt }` (`expiresAt` =
 * `now` + expiresIn seconds, on the host's clock). A refusal throws a ChinaumsError with code
 * ERR_PLATFORM and the platform's errCode in `platformCode`.
 */
export function parseAccessTokenResponse(responseText, options) {
  const body = text(responseText, 'text');
  const now = instant(optionsObject(options, 'options').now, 'now');
  return call(() => JSON.parse(core.parse_access_token_response(body, now)));
}

/** `OPEN-ACCESS-TOKEN AccessToken=<token>` for a token string or a parsed token response. */
export function tokenAuthorization(token) {
  const value = token !== null && typeof token === 'object' ? token.accessToken : token;
  const accessToken = requireString(value, 'accessToken');
  return call(() => core.token_authorization(accessToken));
}

function expiredError(message) {
  return new ChinaumsError('ERR_TOKEN_EXPIRED', message, { field: 'accessToken' });
}

/**
 * Holds the current access token. `needsRefresh(now)` turns true `marginSeconds` (default 300,
 * at most half the lifetime) before expiry; `authorization(now)` gives the header until the
 * token actually expires. The token never appears in `toJSON()`.
 */
export class AccessTokenHolder {
  #header = null;
  #expiresAt = null;
  #refreshAt = null;
  #marginSeconds;

  constructor(options) {
    const margin = optionsObject(options, 'AccessTokenHolder options').marginSeconds ?? DEFAULT_REFRESH_MARGIN_SECONDS;
    if (typeof margin !== 'number' || !Number.isInteger(margin) || margin < 0) {
      throw argumentError(
        'ERR_FIELD_FORMAT',
        'marginSeconds',
        `marginSeconds must be a whole number of seconds, 0 or more, not ${typeof margin === 'number' ? margin : describe(margin)}`,
      );
    }
    this.#marginSeconds = margin;
  }

  /** Takes a token from parseAccessTokenResponse (or a cached `{ accessToken, expiresIn, expiresAt }`). */
  update(token) {
    requireObject(token, 'token', 'the token');
    const accessToken = requireString(token.accessToken, 'accessToken');
    for (const field of ['expiresIn', 'expiresAt']) {
      if (typeof token[field] !== 'number') {
        throw argumentError('ERR_FIELD_TYPE', field, `${field} must be a number, not ${describe(token[field])}`);
      }
    }
    const margin = this.#marginSeconds;
    const [header, refreshAt] = call(() => [
      core.token_authorization(accessToken),
      core.access_token_refresh_at(token.expiresAt, token.expiresIn, margin),
    ]);
    this.#header = header;
    this.#expiresAt = token.expiresAt;
    this.#refreshAt = refreshAt;
    return this;
  }

  /** Forgets the token (for example after the gateway answered 认证失败). */
  clear() {
    this.#header = null;
    this.#expiresAt = null;
    this.#refreshAt = null;
  }

  /** Whether to fetch a new token now: none is held, or it is within the margin of expiry. */
  needsRefresh(now) {
    const at = instant(now, 'now');
    return this.#header === null || at >= this.#refreshAt;
  }

  /** The Authorization header while the token is valid; ERR_TOKEN_EXPIRED otherwise. */
  authorization(now) {
    const at = instant(now, 'now');
    if (this.#header === null) {
      throw expiredError('there is no access token yet; fetch one and pass the parsed response to update()');
    }
    if (at >= this.#expiresAt) {
      throw expiredError('the access token has expired; fetch a new one (check needsRefresh() before each request)');
    }
    return this.#header;
  }

  /** Epoch ms the token expires at, or null. */
  get expiresAt() {
    return this.#expiresAt;
  }

  /** Epoch ms from which needsRefresh() is true, or null. */
  get refreshAt() {
    return this.#refreshAt;
  }

  toJSON() {
    return { expiresAt: this.#expiresAt, refreshAt: this.#refreshAt, marginSeconds: this.#marginSeconds };
  }
}

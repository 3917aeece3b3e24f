// Notifications (callbacks): verify the `sign`, and read the fields with billPayment parsed.
// The rules (which fields are signed, order, hashing, constant-time comparison) live in the
// Rust core; this module only decides how the host handed the parameters over.

import * as core from '../dist/chinaums_open.js';
import { argumentError } from './errors.js';
import {
  DEFAULT_MAX_BODY_BYTES,
  call,
  describe,
  guardSize,
  isWellFormed,
  optionalString,
  optionsObject,
  requireString,
  strictDecoder,
} from './args.js';

/**
 * `{ input, form }` for the core: a raw `application/x-www-form-urlencoded` body (string, bytes
 * or URLSearchParams) or a JSON object of the decoded parameters. `null` when the input has no
 * faithful encoding (bytes that are not UTF-8, lone surrogates): it cannot be the platform's.
 */
function notificationInput(params) {
  if (typeof params === 'string') {
    return isWellFormed(params) ? { input: params, form: true } : null;
  }
  if (params instanceof Uint8Array || params instanceof ArrayBuffer) {
    try {
      return { input: strictDecoder.decode(params), form: true };
    } catch {
      return null;
    }
  }
  if (typeof URLSearchParams === 'function' && params instanceof URLSearchParams) {
    // Re-encoded with the form serializer; the core decodes it back to the same values.
    return { input: params.toString(), form: true };
  }
  if (params !== null && typeof params === 'object' && !Array.isArray(params)) {
    for (const value of Object.values(params)) {
      if (typeof value === 'string' && !isWellFormed(value)) return null;
    }
    return { input: JSON.stringify(params), form: false };
  }
  throw argumentError(
    'ERR_FIELD_TYPE',
    'params',
    `the notification must be the raw form body (a string or bytes), URLSearchParams or an object of ` +
      `the decoded parameters, not ${describe(params)}`,
  );
}

function requiredInput(params) {
  const prepared = notificationInput(params);
  if (prepared === null) {
    throw argumentError('ERR_BODY_ENCODING', 'params', 'the notification is not valid UTF-8 text');
  }
  // The core caps notifications at 1 MiB (field `body`); refuse bigger ones before the copy.
  guardSize('body', prepared.input);
  return prepared;
}

/**
 * `true` only when the notification carries a valid `sign` under the communication key (通讯密钥,
 * not the appKey); `false` for anything else, including input that cannot be decoded. Throws only
 * for a missing key or a bad option. `defaultSignType` ('MD5' unless given) applies when the
 * notification names no signType.
 */
export function verifyNotification(params, communicationKey, options) {
  const key = requireString(communicationKey, 'communicationKey');
  const defaultSignType = optionalString(optionsObject(options, 'options').defaultSignType, 'defaultSignType');
  let prepared = notificationInput(params);
  // Too large to be the platform's: false, like any other notification that cannot verify,
  // without copying it into wasm memory.
  if (prepared !== null && prepared.input.length > DEFAULT_MAX_BODY_BYTES) prepared = null;
  return call(() => {
    if (prepared === null) {
      // Still check the key and option, so that a misconfiguration is loud.
      core.verify_notification('', true, key, defaultSignType);
      return false;
    }
    return core.verify_notification(prepared.input, prepared.form, key, defaultSignType);
  });
}

/**
 * The notification's fields, in the order received: strings as received, `billPayment` parsed
 * from its JSON string, amounts as integer fen. Does not verify: call verifyNotification first.
 */
export function parseNotification(params) {
  const { input, form } = requiredInput(params);
  return call(() => JSON.parse(core.parse_notification(input, form)));
}

/**
 * The `sign` (uppercase hex) the platform would send for these parameters: with `signType` when
 * given, else the parameters' own signType, else MD5. For emulators and tests.
 */
export function signNotification(params, communicationKey, options) {
  const key = requireString(communicationKey, 'communicationKey');
  const signType = optionalString(optionsObject(options, 'options').signType, 'signType');
  const { input, form } = requiredInput(params);
  return call(() => core.sign_notification(input, form, key, signType));
}

/** The string a notification's signature covers, without the key (for comparing implementations). */
export function notificationStringToSign(params) {
  const { input, form } = requiredInput(params);
  return call(() => core.notification_string_to_sign(input, form));
}

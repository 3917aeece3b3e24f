// Validation, building and response parsing for every bills endpoint that has a field table in
// the core (preauth-cancel, preauthed, preauthed-cancel, query). Internal: api.js and
// lifecycle.js expose one named function per endpoint.

import * as core from '../dist/chinaums_open.js';
import {
  call,
  effectiveNow,
  jsonInput,
  optionalBoolean,
  optionalNumber,
  optionalString,
  optionsObject,
  postRequest,
  requireObject,
  text,
  withEncodingIssues,
} from './args.js';
import { ChinaumsError } from './errors.js';
import { readResult, writeParts } from './io.js';
import { assertInitialized } from './state.js';

function asIssues(error) {
  if (error instanceof ChinaumsError) {
    return error.issues.length > 0 ? error.issues : [{ field: error.field, code: error.code, message: error.message }];
  }
  throw error;
}

/** `{ ok, issues }` for a request to `endpoint`; never throws for bad input. */
export function validateEndpoint(endpoint, input, options) {
  let prepared;
  let msgSrcId;
  let allowUnknown;
  let applyDefaults;
  let maxBodyBytes;
  assertInitialized();
  try {
    const opts = optionsObject(options, 'options');
    msgSrcId = optionalString(opts.msgSrcId, 'msgSrcId');
    allowUnknown = optionalBoolean(opts.allowUnknownFields, 'allowUnknownFields');
    applyDefaults = optionalBoolean(opts.applyDefaults, 'applyDefaults');
    maxBodyBytes = optionalNumber(opts.maxBodyBytes, 'maxBodyBytes');
    prepared = jsonInput(input, maxBodyBytes);
  } catch (error) {
    return { ok: false, issues: asIssues(error) };
  }
  const coreIssues = JSON.parse(
    call(() => core.validate_bills(endpoint, prepared.json, msgSrcId, allowUnknown, applyDefaults, maxBodyBytes)),
  );
  const issues = withEncodingIssues(prepared.encodingIssues, coreIssues);
  return { ok: issues.length === 0, issues };
}

/** Unencodable text must be fixed before anything else can be checked meaningfully. */
export function throwEncodingIssues(encodingIssues) {
  if (encodingIssues.length === 0) return;
  const [first] = encodingIssues;
  const more = encodingIssues.length > 1 ? ` (and ${encodingIssues.length - 1} more fields)` : '';
  throw new ChinaumsError(first.code, first.message + more, { field: first.field, issues: encodingIssues });
}

/** Validates and builds a request to `endpoint`: `{ method, url, headers, body }`. */
export function buildEndpoint(endpoint, input, options, what) {
  const opts = requireObject(options ?? {}, null, what);
  const maxBodyBytes = optionalNumber(opts.maxBodyBytes, 'maxBodyBytes');
  const { json, encodingIssues } = jsonInput(input, maxBodyBytes);
  const env = optionalString(opts.env, 'env');
  const baseUrl = optionalString(opts.baseUrl, 'baseUrl');
  const now = effectiveNow(opts);
  const msgSrcId = optionalString(opts.msgSrcId, 'msgSrcId');
  const allowUnknown = optionalBoolean(opts.allowUnknownFields, 'allowUnknownFields');
  throwEncodingIssues(encodingIssues);
  return call(() => {
    const [jsonLength, endpointLength, envLength, baseUrlLength, msgSrcIdLength] = writeParts([json, endpoint, env, baseUrl, msgSrcId]);
    const length = core.build_bills_io(jsonLength, endpointLength, envLength, baseUrlLength, msgSrcIdLength, now, allowUnknown, maxBodyBytes);
    return postRequest(readResult(length));
  });
}

/**
 * Any bills response: `{ ok, errCode, errMsg, billStatus, billPayment, … }`, amounts in fen.
 * `options.maxBodyBytes` caps the text (default 1 MiB).
 */
export function parseBills(responseText, options) {
  const maxBodyBytes = optionalNumber(optionsObject(options, 'options').maxBodyBytes, 'maxBodyBytes');
  const body = text(responseText, 'text', maxBodyBytes);
  return call(() => JSON.parse(core.parse_bills_response(body, maxBodyBytes)));
}

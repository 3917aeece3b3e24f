// OPEN-FORM-PARAM: the signed GET URL of an H5 redirect.

import * as core from '../dist/chinaums_open.js';
import { call, effectiveNow, jsonInput, optionalString, requireObject, requireString } from './args.js';
import { throwEncodingIssues } from './bills.js';

/**
 * The full signed GET URL for `url` (the endpoint's full URL, without a query). `content` is
 * the business JSON, as text (signed exactly as given) or as an object (JSON.stringify'd once).
 */
export function formParamUrl(options) {
  requireObject(options, null, 'formParamUrl options');
  const appId = requireString(options.appId, 'appId');
  const appKey = requireString(options.appKey, 'appKey');
  const url = requireString(options.url, 'url');
  const timestamp = optionalString(options.timestamp, 'timestamp');
  const nonce = optionalString(options.nonce, 'nonce');
  const now = effectiveNow(options);
  let content;
  if (typeof options.content === 'string') {
    content = requireString(options.content, 'content');
  } else if (options.content !== null && typeof options.content === 'object' && !Array.isArray(options.content)) {
    const prepared = jsonInput(options.content);
    throwEncodingIssues(prepared.encodingIssues);
    content = prepared.json;
  } else {
    content = requireString(options.content, 'content');
  }
  return call(() => core.form_param_url(appId, appKey, url, content, timestamp, nonce, now));
}

// The preauth lifecycle beyond the void (capture, capture reversal, status query) and a generic
// builder for any other bills endpoint. Field tables and rules live in the Rust core.

import * as core from '../dist/chinaums_open.js';
import { call, effectiveNow, jsonInput, optionalString, optionsObject, postRequest, requireString } from './args.js';
import { buildEndpoint, parseBills, throwEncodingIssues, validateEndpoint } from './bills.js';

export const PREAUTHED_PATH = '/v1/netpay/bills/preauthed';
export const PREAUTHED_CANCEL_PATH = '/v1/netpay/bills/preauthed-cancel';
export const BILLS_QUERY_PATH = '/v1/netpay/bills/query';

// bills/preauthed: complete (capture) a preauthorization.

/** `{ ok, issues }` for a capture request; never throws for bad input. */
export function validatePreauthed(input, options) {
  return validateEndpoint('preauthed', input, options);
}

/** Validates and builds a capture request; sign and send `body` exactly as returned. */
export function buildPreauthed(input, options) {
  return buildEndpoint('preauthed', input, options, 'buildPreauthed options');
}

/** Parses a capture response (amounts as integer fen). */
export function parsePreauthedResponse(responseText, options) {
  return parseBills(responseText, options);
}

// bills/preauthed-cancel: reverse a completed capture.

/** `{ ok, issues }` for a capture-reversal request; never throws for bad input. */
export function validatePreauthedCancel(input, options) {
  return validateEndpoint('preauthed-cancel', input, options);
}

/** Validates and builds a capture-reversal request. */
export function buildPreauthedCancel(input, options) {
  return buildEndpoint('preauthed-cancel', input, options, 'buildPreauthedCancel options');
}

/** Parses a capture-reversal response. */
export function parsePreauthedCancelResponse(responseText, options) {
  return parseBills(responseText, options);
}

// bills/query: a bill's status, or with refundOrderId / authedOrderId a refund's or a capture's.

/** `{ ok, issues }` for a query request; never throws for bad input. */
export function validateBillsQuery(input, options) {
  return validateEndpoint('query', input, options);
}

/** Validates and builds a query request. */
export function buildBillsQuery(input, options) {
  return buildEndpoint('query', input, options, 'buildBillsQuery options');
}

/** Parses a query response; `refundBillPayment` is parsed like `billPayment`. */
export function parseBillsQueryResponse(responseText, options) {
  return parseBills(responseText, options);
}

/** Parses the response of any bills endpoint. */
export function parseBillsResponse(responseText, options) {
  return parseBills(responseText, options);
}

/**
 * A request for any other bills endpoint (`POST /v1/netpay/bills/<service>`): the body (an
 * object or JSON text) is written exactly (member order and number text kept) with
 * `requestTimestamp` filled from the clock when absent. Not validated beyond that: prefer the
 * typed builders where they exist. Sign it with signRequest like any other request.
 */
export function buildRequest(service, body, options) {
  const name = requireString(service, 'service');
  const { json, encodingIssues } = jsonInput(body);
  const opts = optionsObject(options, 'buildRequest options');
  const env = optionalString(opts.env, 'env');
  const baseUrl = optionalString(opts.baseUrl, 'baseUrl');
  const now = effectiveNow(opts);
  throwEncodingIssues(encodingIssues);
  return call(() => postRequest(core.build_bills_request(name, json, env, baseUrl, now)));
}

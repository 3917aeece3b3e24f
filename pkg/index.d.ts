// Types for every entry of chinaums-open (node, workerd, browser and core share one API).

/** Stable error codes carried by {@link ChinaumsError.code}. */
export type ChinaumsErrorCode =
  | 'ERR_FIELD_REQUIRED'
  | 'ERR_FIELD_LENGTH'
  | 'ERR_FIELD_FORMAT'
  | 'ERR_FIELD_TYPE'
  | 'ERR_FIELD_PREFIX'
  | 'ERR_UNKNOWN_FIELD'
  | 'ERR_DUPLICATE_FIELD'
  | 'ERR_INVALID_JSON'
  | 'ERR_BODY_ENCODING'
  | 'ERR_BODY_TOO_LARGE'
  | 'ERR_AUTH_HEADER'
  | 'ERR_HEADER_TOO_LARGE'
  | 'ERR_SIGNATURE_MISMATCH'
  | 'ERR_TIMESTAMP_SKEW'
  | 'ERR_INVALID_RESPONSE'
  | 'ERR_RANDOM_UNAVAILABLE'
  /** A bug in this library (an internal invariant did not hold): please report it. */
  | 'ERR_INTERNAL'
  | 'ERR_PLATFORM'
  | 'ERR_TOKEN_EXPIRED'
  /** The host's fetch failed or timed out: the request may or may not have been applied. */
  | 'ERR_NETWORK'
  /** A stored recovery state is foreign, corrupted or from a newer version: nothing is decided from it. */
  | 'ERR_INVALID_STATE'
  | 'ERR_NOT_INITIALIZED'
  | 'ERR_SIGNER_FREED';

/** One problem found in an input. */
export interface Issue {
  /** The field concerned, or null for the input as a whole. */
  readonly field: string | null;
  readonly code: ChinaumsErrorCode;
  /** What to fix. */
  readonly message: string;
}

/** The only error class the package throws for bad input. Messages never contain keys. */
export declare class ChinaumsError extends Error {
  constructor(
    code: ChinaumsErrorCode,
    message: string,
    details?: { field?: string | null; issues?: Issue[]; platformCode?: string | null },
  );
  readonly name: 'ChinaumsError';
  readonly code: ChinaumsErrorCode;
  /** The field or argument concerned, or null. */
  readonly field: string | null;
  /** Every problem found, for validation failures; empty otherwise. */
  readonly issues: Issue[];
  /** The platform's own errCode for `ERR_PLATFORM` (e.g. a refused token request); null otherwise. */
  readonly platformCode: string | null;
  /** {@link ChinaumsClient.cancelPreauth}: the requests sent before it failed. */
  readonly attempts?: RecoveryAttempt[];
}

/** A body: the exact text (sent as UTF-8) or the exact bytes. */
export type Body = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/** Epoch milliseconds (for example `Date.now()`) or a Date. */
export type Instant = number | Date;

export interface SignResult {
  /** The full `Authorization` header value. */
  readonly authorization: string;
  /** Base64 HMAC-SHA256. */
  readonly signature: string;
  /** Lowercase hex SHA-256 of the body bytes. */
  readonly bodyDigest: string;
  /** `yyyyMMddHHmmss`, Beijing time. */
  readonly timestamp: string;
  readonly nonce: string;
}

export interface Credentials {
  readonly appId: string;
  /** Server-side only. Used as the UTF-8 bytes of its text. */
  readonly appKey: string;
}

export interface BodyLimit {
  /**
   * Largest body, JSON input or response text accepted, in bytes: a whole number from 0 to
   * 2^30, default {@link DEFAULT_MAX_BODY_BYTES} (1 MiB). Larger ones fail with
   * `ERR_BODY_TOO_LARGE` before they are copied into wasm memory.
   */
  readonly maxBodyBytes?: number;
}

/**
 * The clock used when a timestamp is not given: `now` (default `Date.now()`, read per call)
 * plus `clockOffsetMs` (see {@link clockOffsetFromResponse}), so that a host with a skewed clock
 * still signs timestamps the gateway accepts.
 */
export interface ClockOptions {
  readonly now?: Instant;
  /** The gateway's clock minus the host's, in milliseconds. */
  readonly clockOffsetMs?: number;
}

export interface HeaderInputs extends ClockOptions {
  /** `yyyyMMddHHmmss` Beijing time; the current time (`now` + `clockOffsetMs`) when absent. */
  readonly timestamp?: string;
  /** The current CSPRNG's 32 lowercase hex characters when absent. */
  readonly nonce?: string;
}

export interface SignOpenBodyOptions extends Credentials, HeaderInputs, BodyLimit {
  readonly body: Body;
}

export declare function signOpenBody(options: SignOpenBodyOptions): SignResult;

declare global {
  interface SymbolConstructor {
    /**
     * Declared here as well (as @types/node does) so that these types compile in projects whose
     * `lib` lacks `esnext.disposable`; identical to the standard declaration where it has it.
     */
    readonly dispose: unique symbol;
  }
}

/**
 * Signs many bodies for one appId; the key is processed once. The key state lives in wasm
 * memory until {@link OpenBodySigner.free} (or, failing that, garbage collection) wipes it.
 */
export declare class OpenBodySigner {
  constructor(credentials: Credentials & BodyLimit);
  readonly appId: string;
  /** Throws `ERR_SIGNER_FREED` after {@link OpenBodySigner.free}. */
  sign(body: Body, options?: HeaderInputs): SignResult;
  /** The request with `headers.Authorization` added; the body is untouched (see {@link signRequest}). */
  signRequest<R extends { readonly body: Body; readonly headers?: Readonly<Record<string, string>> }>(
    request: R,
    options?: HeaderInputs,
  ): R & { readonly headers: Readonly<Record<string, string>> & { readonly Authorization: string } };
  /**
   * Wipes and releases the key state now. Idempotent. Without it, a FinalizationRegistry does
   * the same when the signer is garbage-collected, at a time the host decides.
   */
  free(): void;
  [Symbol.dispose](): void;
  toJSON(): { appId: string };
}

export interface VerifyOpenBodyOptions extends ClockOptions, BodyLimit {
  readonly authorization: string;
  /** The exact body bytes received (not re-serialized JSON). */
  readonly body: Body;
  readonly appKey: string;
  /** Defaults to `Date.now()` (plus `clockOffsetMs`). */
  readonly now?: Instant;
  /** Allowed clock skew in seconds, default 300. */
  readonly toleranceSeconds?: number;
}

export interface VerifiedHeader {
  readonly appId: string;
  readonly timestamp: string;
  readonly nonce: string;
}

export declare function verifyOpenBody(options: VerifyOpenBodyOptions): VerifiedHeader;

export interface ParsedAuthorization extends VerifiedHeader {
  readonly signature: string;
}

export declare function parseAuthorization(authorization: string): ParsedAuthorization;

/** Stage 1: lowercase hex SHA-256 of the exact body bytes (capped by `maxBodyBytes`, default 1 MiB). */
export declare function bodyDigest(body: Body, options?: BodyLimit): string;
/** Stage 2: appId + timestamp + nonce + bodyDigest. */
export declare function stringToSign(parts: {
  readonly appId: string;
  readonly timestamp: string;
  readonly nonce: string;
  readonly bodyDigest: string;
}): string;
/** Stage 3: Base64 HMAC-SHA256 keyed by the appKey's UTF-8 bytes. */
export declare function computeSignature(options: { readonly appKey: string; readonly stringToSign: string }): string;
/** Stage 4: the Authorization header text. */
export declare function authorizationHeader(parts: {
  readonly appId: string;
  readonly timestamp: string;
  readonly nonce: string;
  readonly signature: string;
}): string;

/** 32 lowercase hex characters from the platform CSPRNG. */
export declare function createNonce(): string;

export interface BeijingTime {
  /** `yyyyMMddHHmmss` */
  readonly compact: string;
  /** `yyyy-MM-dd HH:mm:ss` */
  readonly dateTime: string;
  /** `yyyy-MM-dd` */
  readonly date: string;
}

/** Beijing time (UTC+8) of an instant, whatever the host's time zone. */
export declare function beijingTime(epochMs: Instant): BeijingTime;

/** The preauth-cancel fields, in the platform's order. Every value is a string. */
export interface PreauthCancelInput {
  /** `yyyy-MM-dd HH:mm:ss`; filled from the clock by the builder when absent. */
  requestTimestamp?: string;
  mid: string;
  tid: string;
  /** Defaults to `QRPAYDEFAULT`. */
  instMid?: string;
  billNo: string;
  /** `yyyy-MM-dd` */
  billDate: string;
  merOrderId: string;
  authIdRespCd: string;
  msgId?: string;
  srcReserve?: string;
}

export interface ValidateOptions extends BodyLimit {
  /** The 4-character source id; billNo and merOrderId must start with it. */
  readonly msgSrcId?: string;
  /** Keep fields the platform added later instead of reporting them. */
  readonly allowUnknownFields?: boolean;
  /** Check as the builder will: requestTimestamp and instMid may be absent. */
  readonly applyDefaults?: boolean;
}

export interface ValidationResult {
  readonly ok: boolean;
  readonly issues: Issue[];
}

/** Never throws for bad input. `input` may be an object, a JSON string or UTF-8 bytes. */
export declare function validatePreauthCancel(
  input: PreauthCancelInput | Record<string, unknown> | string | Uint8Array | ArrayBuffer | ArrayBufferView,
  options?: ValidateOptions,
): ValidationResult;

export type Environment = 'test' | 'production';

export interface Destination {
  /** Required unless `baseUrl` is given. */
  readonly env?: Environment;
  /** A custom gateway (for example a local emulator); overrides `env`. */
  readonly baseUrl?: string;
}

/** `application/json` (the platform's samples, the default) or, as some clients send it, with a charset. */
export type ContentType = 'application/json' | 'application/json; charset=utf-8';

export interface BuildOptions extends Destination, ClockOptions, BodyLimit {
  /** The instant for a missing requestTimestamp (plus `clockOffsetMs`); `Date.now()` when absent. */
  readonly now?: Instant;
  readonly msgSrcId?: string;
  readonly allowUnknownFields?: boolean;
  readonly contentType?: ContentType;
}

/** What the host sends: this method, URL, headers and exactly this body. */
export interface PreparedRequest {
  readonly method: 'POST';
  readonly url: string;
  readonly headers: { readonly 'Content-Type': ContentType; readonly Authorization?: string };
  readonly body: string;
}

export declare function buildPreauthCancel(
  input: PreauthCancelInput | Record<string, unknown> | string | Uint8Array | ArrayBuffer | ArrayBufferView,
  options: BuildOptions,
): PreparedRequest;

export interface SignRequestOptions extends Credentials, HeaderInputs, BodyLimit {}

/** The same request with `headers.Authorization` added; the body is untouched. */
export declare function signRequest<R extends { readonly body: Body; readonly headers?: Readonly<Record<string, string>> }>(
  request: R,
  options: SignRequestOptions,
): R & { readonly headers: Readonly<Record<string, string>> & { readonly Authorization: string } };

export interface BillPayment {
  readonly merOrderId?: string;
  readonly status?: string;
  /** Integer fen. */
  readonly totalAmount?: number | null;
  readonly buyerPayAmount?: number | null;
  readonly invoiceAmount?: number | null;
  readonly discountAmount?: number | null;
  readonly [field: string]: unknown;
}

export interface PreauthCancelResponse {
  /** errCode === 'SUCCESS' */
  readonly ok: boolean;
  readonly errCode: string;
  readonly errMsg: string | null;
  readonly billStatus: string | null;
  readonly billPayment: BillPayment | null;
  readonly responseTimestamp?: string;
  readonly msgId?: string;
  readonly srcReserve?: string;
  readonly [field: string]: unknown;
}

/** Parses a response; amounts become integer fen whether the JSON had numbers or strings. */
export declare function parsePreauthCancelResponse(text: ResponseText, options?: BodyLimit): PreauthCancelResponse;

export declare const PRODUCTION_BASE_URL: 'https://api-mop.chinaums.com';
export declare const TEST_BASE_URL: 'https://test-api-open.chinaums.com';
export declare const PREAUTH_CANCEL_PATH: '/v1/netpay/bills/preauth-cancel';
export declare const DEFAULT_TOLERANCE_SECONDS: 300;
/** The default of every `maxBodyBytes`: 1 MiB. */
export declare const DEFAULT_MAX_BODY_BYTES: 1048576;
/** Longest Authorization header accepted, in bytes (`ERR_HEADER_TOO_LARGE` beyond). */
export declare const MAX_HEADER_BYTES: 4096;

/** A response body: the text, or its UTF-8 bytes (bytes that are not UTF-8 are `ERR_BODY_ENCODING`). */
export type ResponseText = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/**
 * Size of the wasm linear memory, in bytes. A diagnostic: the memory grows in 64 KiB pages as
 * needed and never shrinks, so a value that keeps rising under a steady load means a leak
 * (for example signers that are neither freed nor collected).
 */
export declare function wasmMemoryBytes(): number;

/**
 * Where the `.wasm` comes from: a compiled `WebAssembly.Module` (the only choice in workerd,
 * which forbids compiling from bytes), its bytes (an `ArrayBuffer` or a typed array), a URL or
 * string to fetch, a `Request`, a `Response`, or a promise of a `Response`. Spelled
 * `object | string` so that these types need no DOM or WebAssembly lib: Node projects often have
 * neither, and TypeScript's `WebAssembly.Module` is an empty interface that any object matches.
 */
export type InitSource = object | string;

/**
 * Resolves once the wasm module is ready. Idempotent: later and concurrent calls share one
 * promise.
 * - `chinaums-open` in Node and workerd: already initialized at import; a no-op.
 * - `chinaums-open` in browsers: loads the `.wasm` next to the module unless `source` says
 *   otherwise.
 * - `chinaums-open/core`: `source` is required (`chinaums-open/wasm` is the file); without it the
 *   promise rejects with `ERR_FIELD_REQUIRED`.
 *
 * Any other function called before initialization throws `ChinaumsError` `ERR_NOT_INITIALIZED`.
 */
export declare function init(source?: InitSource): Promise<void>;

// ---------------------------------------------------------------------------------------------
// The rest of the protocol: the preauth lifecycle, any bills endpoint, token mode,
// OPEN-FORM-PARAM, notifications, response signatures, clock offsets.

/** An amount in fen: a string of digits (`"2100"`, as in the official samples) or an integer
 * (`2100`); written to the body exactly as given. Positive, no leading zero. */
export type AmountFen = string | number;

/** Fields every bills request shares. */
export interface BillsCommonInput {
  /** `yyyy-MM-dd HH:mm:ss`; filled from the clock by the builder when absent. */
  requestTimestamp?: string;
  mid: string;
  tid: string;
  /** Defaults to `QRPAYDEFAULT`. */
  instMid?: string;
  msgId?: string;
  srcReserve?: string;
}

/** `bills/preauthed`: complete (capture) a preauthorization. */
export interface PreauthedInput extends BillsCommonInput {
  billNo: string;
  /** `yyyy-MM-dd` */
  billDate: string;
  /** A new order id for this completion (starts with the msgSrcId). */
  authedOrderId: string;
  authIdRespCd: string;
  /** The amount to capture. */
  totalAmount: AmountFen;
  authedDesc?: string;
}

/** `bills/preauthed-cancel`: reverse a completed capture. */
export interface PreauthedCancelInput extends BillsCommonInput {
  /** The completion's order id (the capture's authedOrderId). */
  merOrderId: string;
  billNo?: string;
  /** `yyyy-MM-dd` */
  billDate?: string;
  authIdRespCd?: string;
}

/** `bills/query`: a bill's status; with refundOrderId or authedOrderId, a refund's or a capture's. */
export interface BillsQueryInput extends BillsCommonInput {
  billNo: string;
  /** `yyyy-MM-dd` */
  billDate: string;
  refundOrderId?: string;
  authedOrderId?: string;
}

type JsonInput<T> = T | Record<string, unknown> | string | Uint8Array | ArrayBuffer | ArrayBufferView;

/** A parsed bills response (any endpoint); amounts are integer fen. */
export interface BillsResponse extends PreauthCancelResponse {
  /** bills/query with refundOrderId: the refund, parsed like billPayment. */
  readonly refundBillPayment?: BillPayment | null;
}

export declare function validatePreauthed(input: JsonInput<PreauthedInput>, options?: ValidateOptions): ValidationResult;
export declare function buildPreauthed(input: JsonInput<PreauthedInput>, options: BuildOptions): PreparedRequest;
export declare function parsePreauthedResponse(text: ResponseText, options?: BodyLimit): BillsResponse;

export declare function validatePreauthedCancel(input: JsonInput<PreauthedCancelInput>, options?: ValidateOptions): ValidationResult;
export declare function buildPreauthedCancel(input: JsonInput<PreauthedCancelInput>, options: BuildOptions): PreparedRequest;
export declare function parsePreauthedCancelResponse(text: ResponseText, options?: BodyLimit): BillsResponse;

export declare function validateBillsQuery(input: JsonInput<BillsQueryInput>, options?: ValidateOptions): ValidationResult;
export declare function buildBillsQuery(input: JsonInput<BillsQueryInput>, options: BuildOptions): PreparedRequest;
export declare function parseBillsQueryResponse(text: ResponseText, options?: BodyLimit): BillsResponse;

/** Parses the response of any bills endpoint. */
export declare function parseBillsResponse(text: ResponseText, options?: BodyLimit): BillsResponse;

/** `"true"`/`"false"` (as the samples send them) or a boolean. */
export type Flag = boolean | 'true' | 'false';

/** One line of `goods`: the id, name and quantity, the price in fen. */
export interface GoodsItem {
  goodsId?: string;
  goodsName?: string;
  quantity?: string | number;
  price?: AmountFen;
  goodsCategory?: string;
  body?: string;
  subMerchantId?: string;
  merOrderId?: string;
  [field: string]: unknown;
}

/** One line of `subOrders`: a sub-merchant and its share in fen. */
export interface SubOrder {
  mid: string;
  merOrderId?: string;
  refundOrderId?: string;
  totalAmount: AmountFen;
}

/** `bills/get-qrcode`: create a bill and its QR code; with `preauthTransaction`, a preauthorization. */
export interface GetQrcodeInput extends BillsCommonInput {
  billNo: string;
  /** `yyyy-MM-dd` */
  billDate: string;
  /** Integer fen. */
  totalAmount: AmountFen;
  billDesc?: string;
  /** Freeze the amount instead of taking it (a preauthorization). */
  preauthTransaction?: Flag;
  /** Where the platform posts the payment notification (http or https URL). */
  notifyUrl?: string;
  returnUrl?: string;
  /** `yyyy-MM-dd HH:mm:ss` Beijing time. */
  expireTime?: string;
  goods?: GoodsItem[];
  divisionFlag?: Flag;
  platformAmount?: AmountFen;
  subOrders?: SubOrder[];
  qrCodeId?: string;
  walletOption?: 'SINGLE' | 'MULTIPLE';
  secureTransaction?: Flag;
  limitCreditCard?: Flag;
  installmentNumber?: string;
  retCommParams?: Record<string, unknown>;
  [field: string]: unknown;
}

/** `bills/close-qrcode`: close the QR code get-qrcode answered with. */
export interface CloseQrcodeInput extends BillsCommonInput {
  qrCodeId: string;
}

/** `bills/refund`: refund a paid bill, in full or in part. */
export interface RefundInput extends BillsCommonInput {
  billNo: string;
  /** `yyyy-MM-dd` */
  billDate: string;
  /** Integer fen. */
  refundAmount: AmountFen;
  /** A new order id for this refund (starts with the msgSrcId): bills/query finds the refund by it. */
  refundOrderId: string;
  platformAmount?: AmountFen;
  subOrders?: SubOrder[];
  refundDesc?: string;
}

export declare function validateGetQrcode(input: JsonInput<GetQrcodeInput>, options?: ValidateOptions): ValidationResult;
export declare function buildGetQrcode(input: JsonInput<GetQrcodeInput>, options: BuildOptions): PreparedRequest;
export declare function parseGetQrcodeResponse(text: ResponseText, options?: BodyLimit): BillsResponse;

export declare function validateCloseQrcode(input: JsonInput<CloseQrcodeInput>, options?: ValidateOptions): ValidationResult;
export declare function buildCloseQrcode(input: JsonInput<CloseQrcodeInput>, options: BuildOptions): PreparedRequest;
export declare function parseCloseQrcodeResponse(text: ResponseText, options?: BodyLimit): BillsResponse;

export declare function validateRefund(input: JsonInput<RefundInput>, options?: ValidateOptions): ValidationResult;
export declare function buildRefund(input: JsonInput<RefundInput>, options: BuildOptions): PreparedRequest;
export declare function parseRefundResponse(text: ResponseText, options?: BodyLimit): BillsResponse;

// The client over the host's fetch

/** What `fetch` the client needs: the global one of Node, workerd and browsers matches it. */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignalLike }) => Promise<ResponseLike>;
/** An `AbortSignal`, spelled structurally (no DOM lib needed). */
export interface AbortSignalLike {
  readonly aborted: boolean;
}
/** A fetch `Response`, spelled structurally. */
export interface ResponseLike {
  readonly status: number;
  readonly headers: unknown;
  text(): Promise<string>;
}

export interface RetryPolicy {
  /** Most requests (queries and cancels) in one recovery, 2 to 100; default 6. */
  readonly attempts?: number;
  /** Delay before the first retry in ms, doubled each time; default 200. */
  readonly baseDelayMs?: number;
  /** Longest delay in ms, at most 600000; default 5000. */
  readonly maxDelayMs?: number;
}

export interface ChinaumsClientOptions extends Credentials, Destination {
  /** The host's fetch; the global one when absent. The client opens no connection of its own. */
  readonly fetch?: FetchLike;
  /** How long to wait for each answer, body included: 1 to 600000 ms; default 10000. */
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  /** The clock (epoch ms), or a fixed instant; `Date.now` when absent. */
  readonly now?: (() => number) | Instant;
  readonly clockOffsetMs?: number;
  readonly msgSrcId?: string;
  readonly contentType?: ContentType;
  /** Waits between retries; `setTimeout` when absent (inject it in tests). */
  readonly sleep?: (ms: number) => Promise<unknown>;
  /** Randomness in [0, 1) for the jitter; `Math.random` when absent. */
  readonly random?: () => number;
}

export interface ClientResponse {
  readonly status: number;
  /** The body read as a bills response, or null when it is not one (see `error`). */
  readonly response: BillsResponse | null;
  /** Why the body is not a bills response (not JSON, no errCode, …), or null. */
  readonly error: ChinaumsError | null;
  /** The exact body text. */
  readonly text: string;
  readonly headers: unknown;
  /** What was sent, Authorization included. */
  readonly request: PreparedRequest;
  readonly durationMs: number;
}

export type RecoveryOutcome = 'cancelled' | 'already-cancelled' | 'captured' | 'not-frozen' | 'unknown';

export interface RecoveryAttempt {
  /** The path sent to: `/v1/netpay/bills/query` or `/v1/netpay/bills/preauth-cancel`. */
  readonly endpoint: string;
  /** The HTTP status, or null when no answer arrived. */
  readonly status: number | null;
  /** Why no bills answer could be read (a network error or timeout, a body that is not one), else null. */
  readonly error: string | null;
  readonly errCode: string | null;
  readonly durationMs: number;
}

export interface RecoveryResult {
  /**
   * - `cancelled`: our cancel was answered SUCCESS; the hold is released.
   * - `already-cancelled`: the platform shows the hold voided (an earlier cancel, perhaps ours whose answer was lost).
   * - `captured`: the hold was captured; nothing was cancelled (refund or reverse the capture instead).
   * - `not-frozen`: no frozen hold (unpaid, refunded, closed, no such bill, or not a preauthorization).
   * - `unknown`: the retries were spent without a clear answer; funds may still be held: try again later.
   */
  readonly outcome: RecoveryOutcome;
  /** The last bills answer about the bill, or null. */
  readonly bill: BillsResponse | null;
  readonly attempts: RecoveryAttempt[];
}

/** Builds, signs, sends through the host's fetch and parses; never retries a single request by itself. */
export declare class ChinaumsClient {
  constructor(options: ChinaumsClientOptions);
  readonly appId: string;
  /**
   * One request to `path` (`'/v1/netpay/bills/get-qrcode'`, any versioned path): built with the
   * field table when the path has one, else written exactly; signed; sent once. Rejects with
   * `ERR_NETWORK` when no answer arrives, and with the builder's error for a bad input.
   */
  request(path: string, input: Record<string, unknown> | string | Uint8Array): Promise<ClientResponse>;
  /**
   * Resolves a preauthorization whose outcome is unknown: queries first, cancels only a hold
   * still frozen, queries again after a lost or failed cancel, never cancels a hold known closed
   * or captured. Rejects with `ERR_PLATFORM` (its `attempts` attached) when the platform refuses
   * a request as wrong in itself (credentials, signature, a field).
   */
  cancelPreauth(input: JsonInput<PreauthCancelInput>): Promise<RecoveryResult>;
  /** Wipes the key now rather than at garbage collection. */
  free(): void;
  [Symbol.dispose](): void;
  /** Never the key. */
  toJSON(): { appId: string; timeoutMs: number };
}

/**
 * `POST /v1/netpay/bills/<service>` for a bills service name (`'refund'`), or any versioned path
 * (`'/v1/netpay/refund-query'`): the body is written exactly (member order and number text
 * kept), `requestTimestamp` filled when absent. Not validated beyond that; sign it with
 * {@link signRequest}.
 */
export declare function buildRequest(
  service: string,
  body: Record<string, unknown> | string | Uint8Array,
  options: Destination & ClockOptions & { readonly contentType?: ContentType },
): PreparedRequest;

export declare const PREAUTHED_PATH: '/v1/netpay/bills/preauthed';
export declare const PREAUTHED_CANCEL_PATH: '/v1/netpay/bills/preauthed-cancel';
export declare const BILLS_QUERY_PATH: '/v1/netpay/bills/query';
export declare const GET_QRCODE_PATH: '/v1/netpay/bills/get-qrcode';
export declare const CLOSE_QRCODE_PATH: '/v1/netpay/bills/close-qrcode';
export declare const REFUND_PATH: '/v1/netpay/bills/refund';

// Access tokens (OPEN-ACCESS-TOKEN)

export interface AccessTokenRequestOptions extends Credentials, HeaderInputs, Destination {}

/** The token request; its body carries `signMethod: "SHA256"` and the signature. */
export declare function accessTokenRequest(options: AccessTokenRequestOptions): PreparedRequest;

export interface AccessToken {
  readonly accessToken: string;
  /** Lifetime in seconds. */
  readonly expiresIn: number;
  /** Epoch ms on the host's clock: `now` + expiresIn. */
  readonly expiresAt: number;
}

/** Throws ChinaumsError `ERR_PLATFORM` with `platformCode` = the platform's errCode on refusal. */
export declare function parseAccessTokenResponse(text: string | Uint8Array, options?: { readonly now?: Instant }): AccessToken;

/** `OPEN-ACCESS-TOKEN AccessToken=<token>` */
export declare function tokenAuthorization(token: string | { readonly accessToken: string }): string;

/** Holds the token and says when to refresh it, without timers (safe in Workers). */
export declare class AccessTokenHolder {
  /** `marginSeconds`: refresh this long before expiry (default 300, at most half the lifetime). */
  constructor(options?: { readonly marginSeconds?: number });
  update(token: AccessToken): this;
  clear(): void;
  /** True when no token is held or it is within the margin of expiry. */
  needsRefresh(now?: Instant): boolean;
  /** The header while the token has not expired; throws `ERR_TOKEN_EXPIRED` otherwise. */
  authorization(now?: Instant): string;
  readonly expiresAt: number | null;
  readonly refreshAt: number | null;
  /** Never includes the token. */
  toJSON(): { expiresAt: number | null; refreshAt: number | null; marginSeconds: number };
}

export declare const TOKEN_PATH: '/v1/token/access';
export declare const DEFAULT_REFRESH_MARGIN_SECONDS: 300;

// OPEN-FORM-PARAM

export interface FormParamUrlOptions extends Credentials, HeaderInputs {
  /** The endpoint's full URL, without a query (e.g. `…/v1/netpay/trade/h5-pay`). */
  readonly url: string;
  /** The business JSON: text (signed exactly) or an object (JSON.stringify'd once). */
  readonly content: string | Record<string, unknown>;
}

/** The full signed GET URL. */
export declare function formParamUrl(options: FormParamUrlOptions): string;

// Notifications

/**
 * The iterable of a `URLSearchParams`, spelled structurally so that these types need no DOM lib
 * (Node-only projects often have none); a real `URLSearchParams` matches it.
 */
export interface SearchParamsLike {
  forEach(callback: (value: string, key: string) => void): void;
}

/** A raw `application/x-www-form-urlencoded` body, URLSearchParams, or the decoded parameters. */
export type NotificationParams = string | Uint8Array | ArrayBuffer | SearchParamsLike | Record<string, string | number | boolean | null>;

export type SignType = 'MD5' | 'SHA256';

/**
 * True only for a valid `sign` under the communication key (not the appKey); false for anything
 * else. Throws only for a missing key or a bad option.
 */
/**
 * How the signed string is made where clients differ. The default (all false) is the platform's
 * rule: every parameter but `sign` with a non-empty value, sorted by name.
 */
export interface Canonicalization {
  /** Sign empty values too (`a=&b=2`). */
  readonly keepEmptyValues?: boolean;
  /** Treat values of only whitespace as empty. */
  readonly whitespaceIsEmpty?: boolean;
  /** Leave `signType` out of the signed string. */
  readonly excludeSignType?: boolean;
}

export declare function verifyNotification(
  params: NotificationParams,
  communicationKey: string,
  options?: Canonicalization & { readonly defaultSignType?: SignType },
): boolean;

export interface Notification {
  readonly billNo?: string;
  readonly billDate?: string;
  readonly billStatus?: string;
  /** Parsed from the JSON string the platform sends; amounts in integer fen. */
  readonly billPayment?: BillPayment | null;
  /** Integer fen. */
  readonly totalAmount?: number | null;
  readonly sign?: string;
  readonly signType?: string;
  readonly [field: string]: unknown;
}

/** The fields in the order received, billPayment parsed. Does not verify: verify first. */
export declare function parseNotification(params: NotificationParams): Notification;

/** The uppercase hex sign the platform would send (for emulators and tests). */
export declare function signNotification(
  params: NotificationParams,
  communicationKey: string,
  options?: Canonicalization & { readonly signType?: SignType },
): string;

/** The signed string without the key, for comparing implementations. */
export declare function notificationStringToSign(params: NotificationParams, options?: Canonicalization): string;

// Responses

export interface VerifyResponseSignatureOptions extends ClockOptions {
  /** The response headers (a fetch Headers or a plain object)... */
  readonly headers?: { get(name: string): string | null } | Readonly<Record<string, string>>;
  /** ...or the Authorization header value itself (null/undefined: none). */
  readonly authorization?: string | null;
  /** The exact response bytes (prefer `await response.arrayBuffer()`). */
  readonly body: Body;
  readonly appKey: string;
  /** Allowed clock skew in seconds, default 300. */
  readonly toleranceSeconds?: number;
}

export type ResponseSignature =
  | { readonly signed: false }
  | { readonly signed: true; readonly appId: string; readonly timestamp: string; readonly nonce: string };

/** `{ signed: false }` without a header; throws when a header is present and does not verify. */
export declare function verifyResponseSignature(options: VerifyResponseSignatureOptions): ResponseSignature;

/**
 * The gateway's clock minus the host's (ms), from a response's `responseTimestamp` (or a
 * parsed response) and when it was received (default now). Pass it as `clockOffsetMs`.
 */
export declare function clockOffsetFromResponse(
  response: string | { readonly responseTimestamp?: unknown },
  receivedAt?: Instant,
): number;

// ---------------------------------------------------------------------------------------------
// Admin-panel preview (no key)

export interface PreviewOptions {
  /** Required unless `baseUrl` is given, as for {@link buildPreauthCancel}. */
  readonly env?: Environment;
  /** The server's gateway; overrides `env`. */
  readonly baseUrl?: string;
  /** The appId the server signs with (public; shown in the header). No key is taken. */
  readonly appId: string;
  /**
   * The instant of the header's Timestamp and of a missing requestTimestamp; `Date.now()`
   * when absent. Send the previewed `requestTimestamp` with the input so the server's body
   * is these bytes.
   */
  readonly now?: Instant;
  /** The nonce shown; a fresh CSPRNG nonce when absent. The server signs with its own. */
  readonly nonce?: string;
  readonly msgSrcId?: string;
  readonly allowUnknownFields?: boolean;
  /** The Content-Type the server will send. */
  readonly contentType?: ContentType;
}

export interface PreviewHeader {
  /**
   * `OPEN-BODY-SIG AppId="…", Timestamp="…", Nonce="…", Signature="<computed by the server>"`:
   * every parameter but the signature, which needs the key.
   */
  readonly authorization: string;
  /** `yyyyMMddHHmmss`, Beijing time of `now`. */
  readonly timestamp: string;
  readonly nonce: string;
}

/** A valid input: exactly what the server will build, and the parts of its signature that are public. */
export interface PreauthCancelPreview extends PreviewHeader {
  readonly ok: true;
  readonly issues: readonly [];
  /** What {@link buildPreauthCancel} returns for the same input and options (unsigned). */
  readonly request: PreparedRequest;
  /** The body's exact UTF-8 bytes (their count is the Content-Length). */
  readonly bodyBytes: Uint8Array;
  /** Lowercase hex SHA-256 of `bodyBytes`: compare it with what the server sent. */
  readonly bodyDigest: string;
  /** A shell-quoted curl command sending exactly this body, with the signature left out. */
  readonly curl: string;
}

/** An invalid input: what to fix; nothing is built. */
export interface PreauthCancelPreviewInvalid extends PreviewHeader {
  readonly ok: false;
  readonly issues: Issue[];
  readonly request: null;
  readonly bodyBytes: null;
  readonly bodyDigest: null;
  readonly curl: null;
}

/**
 * Validates (with defaults applied, the server's rules) and previews a preauth-cancel request
 * for an admin panel, where there is no appKey. Never throws for bad input; throws
 * `ChinaumsError` for bad options (no env or baseUrl, no appId, a malformed nonce).
 */
export declare function previewPreauthCancel(
  input: PreauthCancelInput | Record<string, unknown> | string | Uint8Array,
  options: PreviewOptions,
): PreauthCancelPreview | PreauthCancelPreviewInvalid;

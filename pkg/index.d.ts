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

export interface BuildOptions extends Destination, ClockOptions, BodyLimit {
  /** The instant for a missing requestTimestamp (plus `clockOffsetMs`); `Date.now()` when absent. */
  readonly now?: Instant;
  readonly msgSrcId?: string;
  readonly allowUnknownFields?: boolean;
}

/** What the host sends: this method, URL, headers and exactly this body. */
export interface PreparedRequest {
  readonly method: 'POST';
  readonly url: string;
  readonly headers: { readonly 'Content-Type': 'application/json'; readonly Authorization?: string };
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

/**
 * `POST /v1/netpay/bills/<service>` for any other bills endpoint (`refund`, `close-qrcode`, …):
 * the body is written exactly (member order and number text kept), `requestTimestamp` filled
 * when absent. Not validated beyond that; sign it with {@link signRequest}.
 */
export declare function buildRequest(
  service: string,
  body: Record<string, unknown> | string | Uint8Array,
  options: Destination & ClockOptions,
): PreparedRequest;

export declare const PREAUTHED_PATH: '/v1/netpay/bills/preauthed';
export declare const PREAUTHED_CANCEL_PATH: '/v1/netpay/bills/preauthed-cancel';
export declare const BILLS_QUERY_PATH: '/v1/netpay/bills/query';

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
export declare function verifyNotification(
  params: NotificationParams,
  communicationKey: string,
  options?: { readonly defaultSignType?: SignType },
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
  options?: { readonly signType?: SignType },
): string;

/** The signed string without the key, for comparing implementations. */
export declare function notificationStringToSign(params: NotificationParams): string;

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

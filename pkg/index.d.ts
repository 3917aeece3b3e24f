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
  constructor(code: ChinaumsErrorCode, message: string, details?: { field?: string | null; issues?: Issue[] });
  readonly name: 'ChinaumsError';
  readonly code: ChinaumsErrorCode;
  /** The field or argument concerned, or null. */
  readonly field: string | null;
  /** Every problem found, for validation failures; empty otherwise. */
  readonly issues: Issue[];
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

export interface HeaderInputs {
  /** `yyyyMMddHHmmss` Beijing time; the current time when absent. */
  readonly timestamp?: string;
  /** The current CSPRNG's 32 lowercase hex characters when absent. */
  readonly nonce?: string;
}

export interface SignOpenBodyOptions extends Credentials, HeaderInputs {
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

/** Signs many bodies for one appId; the key is processed once. */
export declare class OpenBodySigner {
  constructor(credentials: Credentials);
  readonly appId: string;
  sign(body: Body, options?: HeaderInputs): SignResult;
  /** Releases the key state now (it is also released at garbage collection). */
  free(): void;
  [Symbol.dispose](): void;
  toJSON(): { appId: string };
}

export interface VerifyOpenBodyOptions {
  readonly authorization: string;
  /** The exact body bytes received (not re-serialized JSON). */
  readonly body: Body;
  readonly appKey: string;
  /** Defaults to `Date.now()`. */
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

/** Stage 1: lowercase hex SHA-256 of the exact body bytes. */
export declare function bodyDigest(body: Body): string;
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

export interface ValidateOptions {
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
  input: PreauthCancelInput | Record<string, unknown> | string | Uint8Array,
  options?: ValidateOptions,
): ValidationResult;

export type Environment = 'test' | 'production';

export interface BuildOptions {
  /** Required unless `baseUrl` is given. */
  readonly env?: Environment;
  /** A custom gateway (for example a local emulator); overrides `env`. */
  readonly baseUrl?: string;
  /** The instant for a missing requestTimestamp; `Date.now()` when absent. */
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
  input: PreauthCancelInput | Record<string, unknown> | string | Uint8Array,
  options: BuildOptions,
): PreparedRequest;

export interface SignRequestOptions extends Credentials, HeaderInputs {}

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
export declare function parsePreauthCancelResponse(text: string | Uint8Array): PreauthCancelResponse;

export declare const PRODUCTION_BASE_URL: 'https://api-mop.chinaums.com';
export declare const TEST_BASE_URL: 'https://test-api-open.chinaums.com';
export declare const PREAUTH_CANCEL_PATH: '/v1/netpay/bills/preauth-cancel';
export declare const DEFAULT_TOLERANCE_SECONDS: 300;

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

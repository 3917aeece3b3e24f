// Types of chinaums-open (every entry — node, workerd, browser, core — has this API). The types
// of each bills operation (its exact input and response), the error codes and the `bills`
// namespace are generated from the library's tables into generated.d.ts; this file declares the
// functions and classes around them.

import type { Bills, BillsResponse, ChinaumsErrorCode, ClientBills, JsonValue, OperationName, PreauthCancelInput, RecoveryOutcome } from './generated.js';

export * from './generated.js';

// Errors --------------------------------------------------------------------------------------

/** One problem found in an input. */
export interface Issue {
  /** The field concerned (`goods[0].price` for a nested one), or null for the input as a whole. */
  readonly field: string | null;
  readonly code: ChinaumsErrorCode;
  /** What to fix. */
  readonly message: string;
}

/** The only error class the package throws. Messages never contain keys or signatures. */
export declare class ChinaumsError extends Error {
  constructor(code: ChinaumsErrorCode, message: string, details?: { field?: string | null; issues?: Issue[]; platformCode?: string | null; platformMessage?: string | null; cause?: unknown });
  readonly name: 'ChinaumsError';
  readonly code: ChinaumsErrorCode;
  /** The field or argument concerned, or null. */
  readonly field: string | null;
  /** Every problem found, for validation failures; empty otherwise. */
  readonly issues: Issue[];
  /** `ERR_PLATFORM`: the platform's own `errCode` (null when it sent none); null otherwise. */
  readonly platformCode: string | null;
  /** `ERR_PLATFORM`: the platform's whole `errMsg` (or the start of a body that was not JSON). */
  readonly platformMessage: string | null;
  /** `ERR_PLATFORM` from a client: the HTTP status. */
  readonly status?: number;
  /** `ERR_PLATFORM` from a client: the parsed response, when it was JSON. */
  readonly response?: BillsResponse | null;
  /** `ERR_PLATFORM` and `ERR_NETWORK` from a client: the request sent, its Signature redacted. */
  readonly request?: PreparedRequest;
  /** {@link ChinaumsClient.cancelPreauth}: the requests sent before it failed. */
  readonly attempts?: RecoveryAttempt[];
}

// Shared shapes -----------------------------------------------------------------------------

/** A body: the exact text (sent as UTF-8) or the exact bytes. */
export type Body = string | Uint8Array | ArrayBuffer | ArrayBufferView;
/** Text received: a string, or its UTF-8 bytes (which are checked, never guessed). */
export type ResponseText = string | Uint8Array | ArrayBuffer | ArrayBufferView;
/** Epoch milliseconds (for example `Date.now()`) or a Date. */
export type Instant = number | Date;
export type Environment = 'test' | 'production';
export type ContentType = 'application/json' | 'application/json; charset=utf-8';

export interface Credentials {
  readonly appId: string;
  /** Server-side only. Used as the UTF-8 bytes of its text. */
  readonly appKey: string;
}

export interface BodyLimit {
  /** Largest body, input or response accepted, in bytes (default `constants.DEFAULT_MAX_BODY_BYTES`, 1 MiB); larger ones fail with `ERR_BODY_TOO_LARGE` before they are copied. */
  readonly maxBodyBytes?: number;
}

/**
 * The clock used when a timestamp is not given: `now` (default `Date.now()`, read per call)
 * plus `clockOffsetMs` (see {@link clockOffsetFromResponse}).
 */
export interface ClockOptions {
  readonly now?: Instant;
  /** The gateway's clock minus the host's, in milliseconds. */
  readonly clockOffsetMs?: number;
}

export interface HeaderInputs extends ClockOptions {
  /** `yyyyMMddHHmmss` Beijing time; the current time when absent. */
  readonly timestamp?: string;
  /** 32 lowercase hex characters from the CSPRNG when absent. */
  readonly nonce?: string;
}

/** Where requests go: `env` (`'test'` or `'production'`), or a `baseUrl` (a local gateway), which wins. One is required. */
export type Destination = { readonly env: Environment; readonly baseUrl?: string } | { readonly env?: Environment; readonly baseUrl: string };

export interface CheckOptions extends BodyLimit {
  /** Your 4-character source id: `billNo` and your order ids must start with it. */
  readonly msgSrcId?: string;
  /** Keep members the table does not define (fields the platform added later) instead of refusing them. */
  readonly allowUnknownFields?: boolean;
}

export interface ValidateOptions extends CheckOptions {
  /** Check the input as `build` uses it, defaults filled (default true); false checks a body as it will be sent. */
  readonly applyDefaults?: boolean;
}

export type BuildOptions = Destination & ClockOptions & CheckOptions & { readonly contentType?: ContentType };

/** The credentials, or a signer that holds them (its key processed once for many requests). */
export type SigningKey = (Credentials & { readonly signer?: never }) | { readonly signer: OpenBodySigner; readonly appId?: never; readonly appKey?: never };

export type SignOptions = BuildOptions & HeaderInputs & SigningKey;

/** What `fetch` needs: `fetch(r.url, { method: r.method, headers: r.headers, body: r.body })`. */
export interface PreparedRequest {
  readonly method: 'POST';
  readonly url: string;
  readonly headers: { readonly 'Content-Type': ContentType; readonly Authorization?: string };
  /** The exact text to send: its UTF-8 bytes are what was (or will be) signed. */
  readonly body: string;
}

export interface SignedRequest extends PreparedRequest {
  readonly headers: { readonly 'Content-Type': ContentType; readonly Authorization: string };
}

export interface Validation {
  readonly ok: boolean;
  readonly issues: Issue[];
}

// Bills operations --------------------------------------------------------------------------

export type FieldFormat = 'text' | 'date-time' | 'date' | 'amount' | 'amount-or-zero' | 'flag' | 'url' | 'digits' | 'one-of' | 'items' | 'object';

/** One field of an operation's table (for forms and documentation). */
export interface FieldInfo {
  readonly name: string;
  readonly label: { readonly zh: string; readonly en: string };
  /** What to put there, when the label does not say it all. */
  readonly note?: string;
  readonly format: FieldFormat;
  /** The platform requires it; when it has a `default`, the builder fills it, so a form need not ask. */
  readonly required: boolean;
  readonly maxLength: number | null;
  readonly example: JsonValue;
  /** Where the field comes from: the platform's page, its sample, or which public client. */
  readonly source: string;
  /** What fills it when absent (the request time, or a constant). */
  readonly default?: string;
  /** Must start with your msgSrcId. */
  readonly msgSrcIdPrefix?: true;
  /** `one-of`: the allowed words. */
  readonly values?: readonly string[];
  /** `items`: the formats of the items' known members. */
  readonly items?: { readonly [member: string]: 'text' | 'amount' | 'amount-or-zero' | 'count' };
}

export type PreviewOptions = Destination &
  ClockOptions &
  CheckOptions & {
    /** The appId the server signs with (public; shown in the header). No key is taken. */
    readonly appId: string;
    /** The nonce shown; a fresh one when absent. The server signs with its own. */
    readonly nonce?: string;
    readonly contentType?: ContentType;
  };

interface PreviewHeader {
  /** `OPEN-BODY-SIG AppId="…", Timestamp="…", Nonce="…", Signature="<computed by the server>"`. */
  readonly authorization: string;
  /** `yyyyMMddHHmmss`, Beijing time of `now`. */
  readonly timestamp: string;
  readonly nonce: string;
}

/** A valid input: exactly what the server will build, and the public parts of its signature. */
export interface Preview extends PreviewHeader {
  readonly ok: true;
  readonly issues: readonly [];
  readonly request: PreparedRequest;
  /** The body's exact UTF-8 bytes. */
  readonly bodyBytes: Uint8Array;
  /** Lowercase hex SHA-256 of `bodyBytes`. */
  readonly bodyDigest: string;
  /** A shell-quoted curl command sending exactly this body, the signature left out. */
  readonly curl: string;
}

/** An invalid input: what to fix; nothing is built. */
export interface InvalidPreview extends PreviewHeader {
  readonly ok: false;
  readonly issues: Issue[];
  readonly request: null;
  readonly bodyBytes: null;
  readonly bodyDigest: null;
  readonly curl: null;
}

/** One bills operation, from its table. */
export interface Operation<Input, Response extends BillsResponse> {
  /** `preauthCancel`, … */
  readonly name: OperationName;
  /** The last path segment, `preauth-cancel`. */
  readonly endpoint: string;
  /** `/v1/netpay/bills/preauth-cancel` */
  readonly path: string;
  readonly summary: { readonly zh: string; readonly en: string };
  /** Fields of which at least one must be given (for most operations, none). */
  readonly oneOf: readonly string[];
  /** The table: every field in the order the body is written. */
  readonly fields: readonly FieldInfo[];
  /** Every problem with an input (an object, or untyped JSON text or bytes); never throws for a bad input. */
  validate(input: Input | string | Uint8Array | ArrayBuffer | ArrayBufferView, options?: ValidateOptions): Validation;
  /** Validates, fills the defaults and writes the exact body: the request to sign and send. */
  build(input: Input, options: BuildOptions): PreparedRequest;
  /** Validates, builds and signs in one call: the request to send. */
  sign(input: Input, options: SignOptions): SignedRequest;
  /** What a server will send for the input, without a key (admin panels). Throws only for bad options. */
  preview(input: Input, options: PreviewOptions): Preview | InvalidPreview;
  /** The response, read leniently: unknown members kept, amounts as integer fen. */
  parseResponse(text: ResponseText, options?: BodyLimit): Response;
}

/** Every bills operation: `bills.preauthCancel.sign(input, options)`, `bills.query.parseResponse(text)`, … */
export declare const bills: Bills;

/**
 * A request to any other versioned path (`/v1/netpay/…`, `/v2/…`) or bills service name, the
 * body written exactly (members in order, numbers as written) with `requestTimestamp` filled;
 * a path that has a table is validated by it. The untyped escape hatch: prefer `bills.*`.
 */
export declare function buildRequest(path: string, body: { readonly [member: string]: JsonValue | undefined } | string | Uint8Array, options: BuildOptions): PreparedRequest;

// OPEN-BODY-SIG --------------------------------------------------------------------------------

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

declare global {
  interface SymbolConstructor {
    /** Declared here as well (as @types/node does) for projects whose `lib` lacks `esnext.disposable`. */
    readonly dispose: unique symbol;
  }
}

type HeaderBag = Readonly<Record<string, string>> | { forEach(callback: (value: string, name: string) => void): void };

/** Signs many bodies for one appId; the key is processed once, here, and kept only in wasm memory. */
export declare class OpenBodySigner {
  constructor(credentials: Credentials & BodyLimit);
  readonly appId: string;
  /** The header for exact body bytes (a string is sent as its UTF-8). */
  sign(body: Body, options?: HeaderInputs): SignResult;
  /** The request with its headers (an object or a Headers) and a new `Authorization`. */
  signRequest<R extends { readonly body: Body; readonly headers?: HeaderBag }>(request: R, options?: HeaderInputs): Omit<R, 'headers'> & { readonly headers: Readonly<Record<string, string>> & { readonly Authorization: string } };
  /** Wipes and releases the key state now rather than at garbage collection. */
  free(): void;
  [Symbol.dispose](): void;
  toJSON(): { appId: string };
}

/** One signature: `signOpenBody({ appId, appKey, body })`. */
export declare function signOpenBody(options: Credentials & HeaderInputs & BodyLimit & { readonly body: Body }): SignResult;

/** A request (`{ body, headers? }`) with its `Authorization` added. */
export declare function signRequest<R extends { readonly body: Body; readonly headers?: HeaderBag }>(request: R, credentials: Credentials & HeaderInputs & BodyLimit): Omit<R, 'headers'> & { readonly headers: Readonly<Record<string, string>> & { readonly Authorization: string } };

export interface VerifiedHeader {
  readonly appId: string;
  readonly timestamp: string;
  readonly nonce: string;
}

/** A received header checked against the exact body, the key and the clock (`toleranceSeconds`, default 300); throws when it does not verify. */
export declare function verifyOpenBody(options: { readonly authorization: string; readonly body: Body; readonly appKey: string; readonly toleranceSeconds?: number } & ClockOptions & BodyLimit): VerifiedHeader;

export interface ExplainedSignature extends VerifiedHeader {
  /** The exact bytes that were signed. */
  readonly bodyBytes: Uint8Array;
  /** Lowercase hex SHA-256 of the body. */
  readonly bodyDigest: string;
  /** `appId + timestamp + nonce + bodyDigest`, what the HMAC covers. */
  readonly stringToSign: string;
  /** With `appKey`: the Signature the key gives. */
  readonly signature?: string;
  /** With `appKey`: the whole header. */
  readonly authorization?: string;
  /** With `appKey` and a received `authorization`: whether its Signature is the expected one. */
  readonly matches?: boolean;
}

/**
 * What was signed, stage by stage, to find why a signature is refused: give the body and
 * either a received `authorization` header or `appId`, `timestamp` and `nonce`; with `appKey`
 * (server-side only) it also gives the expected Signature.
 */
export declare function explainSignature(
  options: { readonly body: Body; readonly appKey?: string } & ({ readonly authorization: string } | { readonly appId: string; readonly timestamp: string; readonly nonce: string }) & BodyLimit,
): ExplainedSignature;

/** The OPEN-BODY-SIG stages, each public: body → digest → string to sign → signature → header. */
export declare const openBodySig: {
  bodyDigest(body: Body, options?: BodyLimit): string;
  stringToSign(parts: { readonly appId: string; readonly timestamp: string; readonly nonce: string; readonly bodyDigest: string }): string;
  computeSignature(options: { readonly appKey: string; readonly stringToSign: string }): string;
  authorizationHeader(parts: { readonly appId: string; readonly timestamp: string; readonly nonce: string; readonly signature: string }): string;
  parseAuthorization(authorization: string): VerifiedHeader & { readonly signature: string };
};

/** A fresh nonce: 32 lowercase hex characters from the CSPRNG. */
export declare function createNonce(): string;

/** An instant in Beijing time: `{ compact: 'yyyyMMddHHmmss', dateTime: 'yyyy-MM-dd HH:mm:ss', date: 'yyyy-MM-dd' }`. */
export declare function beijingTime(epochMs: Instant): { readonly compact: string; readonly dateTime: string; readonly date: string };

/** The gateway's clock minus the host's (ms), from a response's `responseTimestamp` and when it was received (default now): pass it as `clockOffsetMs`. */
export declare function clockOffsetFromResponse(response: string | { readonly responseTimestamp?: unknown }, receivedAt?: Instant): number;

// Token mode, OPEN-FORM-PARAM, notifications, response signatures -----------------------------

export interface AccessToken {
  readonly accessToken: string;
  /** Seconds. */
  readonly expiresIn: number;
  /** Epoch ms. */
  readonly expiresAt: number;
}

/** OPEN-ACCESS-TOKEN mode. */
export declare const accessToken: {
  /** `/v1/token/access` */
  readonly path: string;
  /** The token request to send. */
  request(options: Credentials & HeaderInputs & Destination): PreparedRequest;
  /** The token in a response (`errCode` `0000`); `ERR_PLATFORM` otherwise. */
  parseResponse(text: ResponseText, options?: { readonly now?: Instant }): AccessToken;
  /** `OPEN-ACCESS-TOKEN AccessToken=<token>` */
  authorization(token: string | { readonly accessToken: string }): string;
};

/** Holds the current access token and says when to refresh it, without timers. */
export declare class AccessTokenHolder {
  constructor(options?: { readonly marginSeconds?: number });
  update(token: AccessToken): this;
  clear(): void;
  needsRefresh(now?: Instant): boolean;
  /** The header for the held token; `ERR_TOKEN_EXPIRED` when there is none still valid. */
  authorization(now?: Instant): string;
  readonly expiresAt: number | null;
  readonly refreshAt: number | null;
  /** Never the token. */
  toJSON(): { expiresAt: number | null; refreshAt: number | null; marginSeconds: number };
}

/** The signed OPEN-FORM-PARAM GET URL (H5 cashier redirects); `content` is text (signed exactly) or an object (written once). */
export declare function formParamUrl(options: Credentials & HeaderInputs & { readonly url: string; readonly content: string | { readonly [member: string]: JsonValue | undefined } }): string;

/** The iterable of a `URLSearchParams`, spelled structurally (no DOM lib needed). */
export interface SearchParamsLike {
  forEach(callback: (value: string, key: string) => void): void;
}

/** A raw `application/x-www-form-urlencoded` body, URLSearchParams, or the decoded parameters. */
export type NotificationParams = string | Uint8Array | ArrayBuffer | SearchParamsLike | Readonly<Record<string, string | number | boolean | null>>;

export type SignType = 'MD5' | 'SHA256';

/** How the signed string is made where clients differ; the default (all false) is the platform's rule. */
export interface Canonicalization {
  /** Sign empty values too (`a=&b=2`). */
  readonly keepEmptyValues?: boolean;
  /** Treat values of only whitespace as empty. */
  readonly whitespaceIsEmpty?: boolean;
  /** Leave `signType` out of the signed string. */
  readonly excludeSignType?: boolean;
}

export interface Notification {
  readonly billNo?: string;
  readonly billDate?: string;
  readonly billStatus?: string;
  /** Parsed from the JSON string the platform sends; amounts in integer fen. */
  readonly billPayment?: BillsResponse['billPayment'];
  /** Integer fen. */
  readonly totalAmount?: number | null;
  readonly sign?: string;
  readonly signType?: string;
  readonly [member: string]: JsonValue | undefined;
}

/**
 * Asynchronous notifications (the platform's callbacks to your `notifyUrl`). Verify the raw body
 * with the **communication key** (通讯密钥, from the merchant's ChinaUMS configuration, not the
 * appKey), then read it, then answer the platform `SUCCESS`.
 */
export declare const notifications: {
  /** True only for a valid `sign` under the communication key; false for anything else. Throws only for a missing key or a bad option. */
  verify(params: NotificationParams, communicationKey: string, options?: Canonicalization & { readonly defaultSignType?: SignType }): boolean;
  /** The fields in the order received, billPayment parsed. Does not verify: verify first. */
  parse(params: NotificationParams): Notification;
  /** The uppercase hex sign the platform would send (for emulators and tests). */
  sign(params: NotificationParams, communicationKey: string, options?: Canonicalization & { readonly signType?: SignType }): string;
  /** The signed string without the key, for comparing implementations. */
  stringToSign(params: NotificationParams, options?: Canonicalization): string;
};

export type ResponseSignature = { readonly signed: false } | ({ readonly signed: true } & VerifiedHeader);

/** A response's optional OPEN-BODY-SIG header (given, or looked up in `headers`) against its exact bytes; throws when present and wrong. */
export declare function verifyResponseSignature(
  options: { readonly body: Body; readonly appKey: string; readonly toleranceSeconds?: number } & ({ readonly headers: HeaderBag | { get(name: string): string | null } } | { readonly authorization: string | null | undefined }) & ClockOptions,
): ResponseSignature;

// The client ------------------------------------------------------------------------------------

export interface AbortSignalLike {
  readonly aborted: boolean;
}

export interface ResponseLike {
  readonly status: number;
  readonly headers: unknown;
  text(): Promise<string>;
}

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignalLike }) => Promise<ResponseLike>;

export interface RequestOptions {
  /** This request's timeout in ms (default the client's). */
  readonly timeoutMs?: number;
  /** Abort it (it may still have been applied: query before repeating a state change). */
  readonly signal?: AbortSignalLike;
}

export interface RequestEvent {
  /** `preauthCancel`, `query`, …, or null for another path. */
  readonly operation: OperationName | null;
  readonly path: string;
  /** 1, or the request's place in a recovery. */
  readonly attempt: number;
  readonly method: 'POST';
  readonly url: string;
  /** The Signature redacted. */
  readonly headers: PreparedRequest['headers'];
  /** With `includeBodies`. */
  readonly body?: string;
  /** With `includeBodies`: what was signed (never the key or the Signature). */
  readonly stringToSign?: string;
}

export interface ResponseEvent {
  readonly operation: OperationName | null;
  readonly path: string;
  readonly attempt: number;
  /** null when no answer came. */
  readonly status: number | null;
  readonly errCode: string | null;
  readonly durationMs: number;
  /** When no answer came: why. */
  readonly error?: string;
  /** With `includeBodies`: the response text. */
  readonly body?: string;
}

export interface RetryPolicy {
  /** Most requests in one recovery, 2 to 100 (default 6). */
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
}

export type ChinaumsClientOptions = Credentials &
  Destination & {
    /** The host's fetch (default the global one). */
    readonly fetch?: FetchLike;
    /** Per request, default 10,000. */
    readonly timeoutMs?: number;
    readonly retry?: RetryPolicy;
    readonly now?: (() => number) | Instant;
    readonly clockOffsetMs?: number;
    readonly msgSrcId?: string;
    readonly allowUnknownFields?: boolean;
    readonly contentType?: ContentType;
    readonly sleep?: (ms: number) => Promise<unknown>;
    readonly random?: () => number;
    /** Told before each request is sent (errors it throws are ignored). */
    readonly onRequest?: (event: RequestEvent) => void;
    /** Told when each answer arrives, or none did. */
    readonly onResponse?: (event: ResponseEvent) => void;
    /** Give the hooks the bodies and the string to sign too (never the key or the Signature). */
    readonly includeBodies?: boolean;
  };

export interface ClientResponse {
  readonly status: number;
  readonly response: BillsResponse | null;
  /** Why the body could not be read as a bills response, if it could not. */
  readonly error: ChinaumsError | null;
  readonly text: string;
  readonly headers: unknown;
  /** The request sent, its Signature redacted. */
  readonly request: PreparedRequest;
  readonly durationMs: number;
}

export interface RecoveryAttempt {
  readonly endpoint: string;
  readonly status: number | null;
  readonly error: string | null;
  readonly errCode: string | null;
  readonly durationMs: number;
}

export interface RecoveryResult {
  /**
   * `cancelled`: voided now. `already-cancelled`: it was voided before (perhaps by a cancel whose
   * answer was lost). `captured`: captured, nothing voided. `not-frozen`: nothing was frozen.
   * `unknown`: no clear answer within the retries: funds may still be held, try again later.
   */
  readonly outcome: RecoveryOutcome;
  readonly bill: BillsResponse | null;
  readonly attempts: RecoveryAttempt[];
}

/** A client over the host's fetch (server-side: it holds the appKey). */
export declare class ChinaumsClient {
  constructor(options: ChinaumsClientOptions);
  readonly appId: string;
  /** Each operation: build, sign, send once; the response when `errCode` is `SUCCESS`, else `ERR_PLATFORM` (`ERR_NETWORK` when no answer came). */
  readonly bills: ClientBills;
  /** The raw escape hatch: any path, sent once, the envelope whatever the platform answered. */
  request(path: string, input: { readonly [member: string]: JsonValue | undefined } | string | Uint8Array, options?: RequestOptions): Promise<ClientResponse>;
  /** Resolves a preauthorization whose outcome is unknown (query first; never a blind second cancel). */
  cancelPreauth(input: PreauthCancelInput): Promise<RecoveryResult>;
  free(): void;
  [Symbol.dispose](): void;
  toJSON(): { appId: string; timeoutMs: number };
}

// Loading and diagnostics -----------------------------------------------------------------------

/** Loads the wasm module (browsers, `chinaums-open/core`); already done in Node and workerd. Idempotent. */
export declare function init(source?: object | string): Promise<void>;

/** Size of the wasm linear memory in bytes (it grows and never shrinks: steady under load means no leak). */
export declare function wasmMemoryBytes(): number;

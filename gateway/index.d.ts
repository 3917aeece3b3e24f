// Types for chinaums-open-gateway, the local ChinaUMS gateway emulator (Node.js only).

/** An application the gateway knows. The appKey and communicationKey never leave the emulator. */
export interface GatewayCredential {
  readonly appId: string;
  readonly appKey: string;
  /**
   * The 4-character source id; when set, billNo and the order ids the merchant creates
   * (merOrderId, authedOrderId, refundOrderId) must start with it (else INVALID_MSGSRC).
   */
  readonly msgSrcId?: string;
  /**
   * Where to send a notification after each state change this application causes (a void, a
   * capture, a capture reversal). Comes with `communicationKey`.
   */
  readonly notifyUrl?: string;
  /** The communication key (通讯密钥, not the appKey) that signs the notifications. */
  readonly communicationKey?: string;
  /** Default `MD5`. */
  readonly notifySignType?: NotifySignType;
}

export type NotifySignType = 'MD5' | 'SHA256';

/** A refund of a seeded bill, found by `bills/query` with `refundOrderId` (in `refundBillPayment`). */
export interface RefundFixture {
  readonly refundOrderId: string;
  /** Integer fen, positive; all refunds of a bill add up to at most its totalAmount. */
  readonly refundAmount: number;
  /** `yyyy-MM-dd HH:mm:ss`; default 13:00 of the bill's date. */
  readonly refundTime?: string;
  /** Default `TRADE_SUCCESS`. */
  readonly status?: 'TRADE_SUCCESS' | 'TRADE_CLOSED' | 'TRADE_FAIL' | 'TRADE_REFUND';
  readonly paySeqId?: string;
  readonly targetOrderId?: string;
  readonly targetSys?: string;
}

/**
 * A seeded bill. By default a frozen preauthorization (billStatus PAID, payment TRADE_SUCCESS)
 * that preauth-cancel can void and preauthed can capture.
 */
export interface BillFixture {
  readonly mid: string;
  readonly tid: string;
  /** Default `QRPAYDEFAULT`. */
  readonly instMid?: string;
  readonly billNo: string;
  /** `yyyy-MM-dd` */
  readonly billDate: string;
  /** The payment's order id (`billPayment.merOrderId`). */
  readonly merOrderId: string;
  /** The preauthorization code; required when `preauth` is true. */
  readonly authIdRespCd?: string;
  /** Integer fen, positive. */
  readonly totalAmount: number;
  /** A preauthorization hold (default true) or an ordinary payment, which cannot be cancelled. */
  readonly preauth?: boolean;
  /** Default `PAID`. */
  readonly billStatus?: 'PAID' | 'UNPAID' | 'REFUND' | 'CLOSED' | 'UNKNOWN';
  /** Default `TRADE_SUCCESS`. */
  readonly paymentStatus?: 'TRADE_SUCCESS' | 'TRADE_CLOSED' | 'TRADE_FAIL' | 'TRADE_REFUND';
  /** `yyyy-MM-dd HH:mm:ss`; default noon of billDate. */
  readonly payTime?: string;
  readonly paySeqId?: string;
  readonly targetOrderId?: string;
  /** Default `ACP`. */
  readonly targetSys?: string;
  /** Default `CREDIT_CARD`. */
  readonly cardAttr?: string;
  /** Refunds to find with `bills/query` + `refundOrderId` (the emulator has no refund endpoint). */
  readonly refunds?: readonly RefundFixture[];
}

/** A fault preset name, or the answer to give: status, body (text, or a value sent as JSON). */
export type GatewayFault =
  | 'token-refusal'
  | 'non-json-401'
  | { readonly status: number; readonly body: unknown; readonly contentType?: string };

export interface FaultOptions {
  /**
   * The path whose requests get the fault; default: the token path for `token-refusal`, any
   * path otherwise.
   */
  readonly path?: string;
  /** How many requests get it; default 1. */
  readonly times?: number;
}

/**
 * A `file:` URL object, e.g. `new URL('./bills.json', import.meta.url)`: the global `URL` when the
 * program declares one (@types/node or the DOM lib), so that these types need neither.
 */
export type FileUrl = typeof globalThis extends { readonly URL: abstract new (...args: never[]) => infer Url } ? Url : never;

export interface StartGatewayOptions {
  /** Default 0: a free port chosen by the OS. */
  readonly port?: number;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  readonly credentials: readonly GatewayCredential[];
  /**
   * Bills added to {@link DEFAULT_BILLS} (one with the same billNo and billDate replaces the
   * default): an array, or the path of a JSON file holding an array or `{ "bills": [...] }`.
   */
  readonly fixtures?: readonly BillFixture[] | string | FileUrl;
  /** The gateway's clock, epoch milliseconds; default `Date.now`. Inject it for deterministic tests. */
  readonly now?: () => number;
  /**
   * How far the gateway's clock runs ahead of `now` (negative: behind), in ms; default 0. It
   * moves everything that reads the clock: the time window, token expiry, responseTimestamp,
   * the Date header and signed-response timestamps. For exercising `clockOffsetFromResponse`.
   */
  readonly clockSkewMs?: number;
  /** Accepted distance between a request's Timestamp and the clock; default 300. */
  readonly toleranceSeconds?: number;
  /** `expiresIn` of issued access tokens; default 3600. */
  readonly tokenTtlSeconds?: number;
  /** Largest body read; larger ones get 413. Default 65536. */
  readonly maxBodyBytes?: number;
  /**
   * Sign the answers to authenticated requests with an OPEN-BODY-SIG `Authorization` header
   * (the caller's appKey, the gateway's time, a fresh nonce, the exact response bytes), for
   * `verifyResponseSignature`. Refusals (401) stay unsigned. Default false.
   */
  readonly signResponses?: boolean;
  /** Faults in place from the start (see {@link Gateway.inject}). */
  readonly faults?: readonly ({ readonly fault: GatewayFault } & FaultOptions)[];
  /** How long a notification waits for the receiver's answer; default 5000 ms. */
  readonly notifyTimeoutMs?: number;
  /** Receives one line per request (method, path, status, errCode, appId; never a key). */
  readonly log?: ((line: string) => void) | null;
}

/** A bill as the emulator holds it now (a copy). */
export interface BillState {
  readonly mid: string;
  readonly tid: string;
  readonly instMid: string;
  readonly billNo: string;
  readonly billDate: string;
  readonly billStatus: string;
  readonly totalAmount: number;
  readonly preauth: boolean;
  /** The bill's own (preauth) payment. */
  readonly billPayment: {
    readonly merOrderId: string;
    readonly authIdRespCd: string | null;
    readonly status: string;
    readonly payTime: string;
    readonly settleDate: string;
    readonly paySeqId: string;
    readonly targetOrderId: string;
    readonly targetSys: string;
  };
  /** Captures, oldest first; the one in `TRADE_SUCCESS` stands, reversed ones are `TRADE_CLOSED`. */
  readonly captures: readonly CaptureState[];
  readonly refunds: readonly {
    readonly refundOrderId: string;
    readonly refundAmount: number;
    readonly status: string;
    readonly refundTime: string;
    readonly paySeqId: string;
    readonly targetOrderId: string;
    readonly targetSys: string;
  }[];
}

export interface CaptureState {
  readonly authedOrderId: string;
  /** Integer fen. */
  readonly totalAmount: number;
  readonly authedDesc: string;
  readonly status: 'TRADE_SUCCESS' | 'TRADE_CLOSED';
  readonly payTime: string;
  readonly settleDate: string;
  readonly paySeqId: string;
  readonly targetOrderId: string;
  readonly targetSys: string;
}

export interface NotifyOptions {
  /** The receiver, `http://` or `https://`. */
  readonly url: string;
  /** The communication key (通讯密钥) to sign with; not the appKey. */
  readonly communicationKey: string;
  readonly billNo: string;
  readonly billDate: string;
  /** Default `MD5`. */
  readonly signType?: NotifySignType;
  /** Default a random UUID. */
  readonly notifyId?: string;
  /** Members to add or override before signing (`null` removes one), e.g. `{ srcReserve: '…' }`. */
  readonly fields?: Readonly<Record<string, string | null>>;
  /** Default the gateway's notifyTimeoutMs. */
  readonly timeoutMs?: number;
}

/** What became of one notification. */
export interface NotificationOutcome {
  readonly url: string;
  /** The receiver's HTTP status, or null when it could not be reached. */
  readonly status: number | null;
  readonly responseText: string | null;
  /** The receiver answered 2xx with the plain text `SUCCESS`. */
  readonly acknowledged: boolean;
  /** Why nothing came back (unreachable, timeout, gateway closed), else null. */
  readonly error: string | null;
  /** The fields sent, `sign` included, in the order sent. */
  readonly params: Readonly<Record<string, string>>;
  /** The exact `application/x-www-form-urlencoded` body sent. */
  readonly body: string;
}

/** The record of a finished notification (no keys, no body). */
export interface NotificationRecord {
  /** `notify()`, or the bills service whose state change caused it (`preauth-cancel`, `preauthed`, `preauthed-cancel`). */
  readonly trigger: string;
  readonly url: string;
  readonly billNo: string;
  readonly billDate: string;
  readonly billStatus: string;
  readonly notifyId: string | null;
  readonly signType: NotifySignType;
  readonly status: number | null;
  readonly acknowledged: boolean;
  readonly error: string | null;
}

export interface GatewayState {
  /** Copies of every bill. */
  bills(): BillState[];
  /** A copy of one bill, or null. */
  bill(billNo: string, billDate: string): BillState | null;
  /** Adds a bill, or replaces the one with the same billNo and billDate. */
  addBill(fixture: BillFixture): BillState;
  /** Records of the finished notifications, oldest first. */
  notifications(): NotificationRecord[];
  /** How many faulted answers are still to come. */
  pendingFaults(): number;
  /** The appIds accepted. */
  readonly appIds: readonly string[];
}

export interface Gateway {
  /** For example `http://127.0.0.1:43117`; use it as the library's `baseUrl`. */
  readonly url: string;
  /** Aborts notifications in flight, stops the server and drops its connections. */
  close(): Promise<void>;
  readonly state: GatewayState;
  /**
   * POSTs a notification about the bill's current state (PROTOCOL.md §6: form-encoded,
   * billPayment as a JSON string, signed with the communication key) and reports whether the
   * receiver acknowledged it. Rejects with a TypeError for bad arguments or an unknown bill;
   * an unreachable receiver is an outcome, not an error.
   */
  notify(options: NotifyOptions): Promise<NotificationOutcome>;
  /**
   * The next matching request(s) get this answer instead of being processed (no
   * authentication, no nonce used, no state change). `token-refusal`: HTTP 200
   * `{"errCode":"1000","errInfo":"认证失败"}` on the token path; `non-json-401`: an HTML 401 page.
   */
  inject(fault: GatewayFault, options?: FaultOptions): void;
  /** Resolves when no notification is in flight, with the records of all sent so far. */
  idle(): Promise<NotificationRecord[]>;
}

/** Starts the emulator; resolves once it accepts connections. */
export declare function startGateway(options: StartGatewayOptions): Promise<Gateway>;

/** The bills every gateway starts with (the V1 vector's frozen preauth among them). */
export declare const DEFAULT_BILLS: readonly BillFixture[];

export declare const TOKEN_PATH: '/v1/token/access';
export declare const PREAUTH_CANCEL_PATH: '/v1/netpay/bills/preauth-cancel';
export declare const PREAUTHED_PATH: '/v1/netpay/bills/preauthed';
export declare const PREAUTHED_CANCEL_PATH: '/v1/netpay/bills/preauthed-cancel';
export declare const BILLS_QUERY_PATH: '/v1/netpay/bills/query';
/** The OPEN-FORM-PARAM GET endpoints (`/v1/netpay/trade/h5-pay`, …), answered with a 302. */
export declare const FORM_PARAM_PATHS: readonly string[];
/** Where OPEN-FORM-PARAM redirects lead: `<url>/cashier/<service>?…`, a stand-in page. */
export declare const CASHIER_PREFIX: '/cashier/';
export declare const FAULT_PRESETS: Readonly<Record<'token-refusal' | 'non-json-401', { readonly path: string | null; readonly status: number; readonly contentType: string; readonly body: string }>>;
export declare const DEFAULT_NOTIFY_TIMEOUT_MS: 5000;
export declare const DEFAULT_TOLERANCE_SECONDS: 300;
export declare const DEFAULT_TOKEN_TTL_SECONDS: 3600;

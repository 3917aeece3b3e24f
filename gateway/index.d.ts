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
   * Where to send a notification after each state change of this application's bills (a
   * payment, a void, a capture, a capture reversal, a refund, a close; not a bill's creation); a bill made with
   * its own `notifyUrl` is notified there instead. Comes with `communicationKey`.
   */
  readonly notifyUrl?: string;
  /** The communication key (通讯密钥, not the appKey) that signs the notifications. */
  readonly communicationKey?: string;
  /** Default `MD5`. */
  readonly notifySignType?: NotifySignType;
}

export type NotifySignType = 'MD5' | 'SHA256';

/** A refund of a seeded bill, found by `bills/query` with `refundOrderId` (in `refundBillPayment`), as one made by `bills/refund` is. */
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
  /** Refunds to find with `bills/query` + `refundOrderId` (as bills/refund records them). */
  readonly refunds?: readonly RefundFixture[];
}

/**
 * A fault preset name, or the answer to give: status, body (text, or a value sent as JSON).
 *
 * Answered instead of processing the request (no authentication, no nonce used, no state
 * change): `token-refusal` (HTTP 200 `{"errCode":"1000","errInfo":"认证失败"}` on the token
 * path), `non-json-401` (an HTML 401 page), `unavailable` (an HTML 503 page), a custom answer.
 * `reset` drops the connection before reading the request. Processed for real (authenticated,
 * applied), then: `answer-lost` drops the connection without an answer; `answer-late` answers
 * after `delayMs`.
 */
export type GatewayFault =
  | FaultPresetName
  | { readonly status: number; readonly body: unknown; readonly contentType?: string };

export type FaultPresetName = 'token-refusal' | 'non-json-401' | 'unavailable' | 'reset' | 'answer-lost' | 'answer-late';

export interface FaultOptions {
  /**
   * The path whose requests get the fault; default: the token path for `token-refusal`, any
   * path otherwise.
   */
  readonly path?: string;
  /** How many requests get it; default 1. */
  readonly times?: number;
  /** For `answer-late`: how long the answer is held, 0 to 600000 ms; default {@link DEFAULT_LATE_ANSWER_MS}. */
  readonly delayMs?: number;
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
  /** The QR code id of a bill made by get-qrcode, else null. */
  readonly qrCodeId: string | null;
  /** The bill's own (preauth) payment; null while the bill is unpaid. */
  readonly billPayment: null | {
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
  /** `notify()`, `pay()`, `cashier`, or the bills service whose state change caused it (`preauth-cancel`, `refund`, `close-qrcode`, …). */
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

/** One request the gateway received. */
export interface RequestRecord {
  readonly method: string;
  /** The path, without the query. */
  readonly path: string;
  /** The HTTP status the client received; null when it received no answer (`reset`, `answer-lost`, or it hung up on `answer-late`). */
  readonly status: number | null;
  readonly errCode: string | null;
  /** The injected fault it met, else null. */
  readonly fault: string | null;
  /** Whether it changed a bill (even when its answer was lost). */
  readonly applied: boolean;
  /** The gateway's clock when it arrived, epoch ms. */
  readonly at: number | null;
  /**
   * When the gateway answered `BAD_SIGN` to an OPEN-BODY-SIG request (or an OPEN-FORM-PARAM
   * one): what it expected to be signed, to compare with the string you signed; else null.
   */
  readonly badSign: ExpectedSigning | null;
}

/**
 * What the gateway signed to check a signature it refused, made only of what the request
 * carried: never the appKey, never the expected signature. The log line of the request shows
 * the same string to sign.
 */
export interface ExpectedSigning {
  /** The AppId of the Authorization header (or the appId query parameter). */
  readonly appId: string;
  /** The Timestamp of the header, as sent. */
  readonly timestamp: string;
  /** The Nonce of the header, as sent. */
  readonly nonce: string;
  /** How many body bytes the gateway received (for OPEN-FORM-PARAM: the decoded content's UTF-8 bytes). */
  readonly bodyLength: number;
  /** Lowercase hex SHA-256 of those bytes. */
  readonly bodyDigest: string;
  /** `appId + timestamp + nonce + bodyDigest`: what the HMAC-SHA256 with the appKey must cover. */
  readonly stringToSign: string;
}

/**
 * What the payer's side learns from paying a bill (`gateway.pay()` or the cashier page): a
 * preauthorization ({@link PaidPreauth}, funds frozen, with the code that preauth-cancel and
 * preauthed quote) or an ordinary payment ({@link PaidPayment}). Test `preauth` to tell them apart.
 */
export type PaidBill = PaidPreauth | PaidPayment;

interface PaidBillBase {
  readonly billNo: string;
  readonly billDate: string;
  /** Always `PAID` right after paying (a preauthorization's funds are frozen). */
  readonly billStatus: 'PAID';
  /** Integer fen. */
  readonly totalAmount: number;
  /**
   * The payment's order id, made by the platform: the billNo followed by one digit. Quote it as
   * `merOrderId` in preauth-cancel and preauthed, and to look the payment up with bills/query.
   */
  readonly merOrderId: string;
  /** `yyyy-MM-dd HH:mm:ss`, Beijing time, by the gateway's clock. */
  readonly payTime: string;
}

/** A preauthorization paid: the funds are frozen until a cancel (void) or a capture. */
export interface PaidPreauth extends PaidBillBase {
  readonly preauth: true;
  /** The preauthorization code (6 digits), to quote in preauth-cancel and preauthed. */
  readonly authIdRespCd: string;
}

/** An ordinary payment: it can be refunded, not cancelled. */
export interface PaidPayment extends PaidBillBase {
  readonly preauth: false;
  readonly authIdRespCd: null;
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
  /** Every request so far, oldest first (the latest 10,000). */
  requests(): RequestRecord[];
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
   * POSTs a notification about the bill's current state (form-encoded, billPayment as a JSON
   * string, signed with the communication key, as the platform sends them) and reports whether the
   * receiver acknowledged it. Rejects with a TypeError for bad arguments or an unknown bill;
   * an unreachable receiver is an outcome, not an error.
   */
  notify(options: NotifyOptions): Promise<NotificationOutcome>;
  /** The next matching request(s) meet this fault; see {@link GatewayFault}. */
  inject(fault: GatewayFault, options?: FaultOptions): void;
  /**
   * Plays the payer: pays an UNPAID bill made by bills/get-qrcode, or freezes its funds when
   * it was made with `preauthTransaction`. Rejects with a TypeError for an unknown, closed,
   * expired or already paid bill.
   */
  pay(bill: { readonly billNo: string; readonly billDate: string }): Promise<PaidBill>;
  /** Resolves when no notification is in flight, with the records of all sent so far. */
  idle(): Promise<NotificationRecord[]>;
}

/** Starts the emulator; resolves once it accepts connections. */
export declare function startGateway(options: StartGatewayOptions): Promise<Gateway>;

/** One of {@link DEFAULT_BILLS}: a bill fixture with every member the emulator needs given. */
export interface DefaultBill extends BillFixture {
  readonly totalAmount: number;
  /** `yyyy-MM-dd HH:mm:ss` */
  readonly payTime: string;
}

/** A frozen preauthorization among {@link DEFAULT_BILLS}: preauth-cancel voids it, preauthed captures it. */
export interface DefaultPreauthBill extends DefaultBill {
  /** The preauthorization code to quote in preauth-cancel and preauthed. */
  readonly authIdRespCd: string;
}

/** The ordinary payment among {@link DEFAULT_BILLS}: no hold, so preauth-cancel refuses it. */
export interface DefaultPaymentBill extends DefaultBill {
  readonly preauth: false;
}

/**
 * The bills every gateway starts with, all of 2025-01-02, mid `898201612345678`, tid `88880001`:
 * `[0]` a frozen preauthorization of 2100 fen (billNo `3194202501020304050001`, authIdRespCd
 * `000665`), `[1]` another of 5000 fen (`…0002`, `000666`), `[2]` an ordinary payment of 1000
 * fen (`…0003`).
 */
export declare const DEFAULT_BILLS: readonly [DefaultPreauthBill, DefaultPreauthBill, DefaultPaymentBill];

export declare const TOKEN_PATH: '/v1/token/access';
export declare const PREAUTH_CANCEL_PATH: '/v1/netpay/bills/preauth-cancel';
export declare const PREAUTHED_PATH: '/v1/netpay/bills/preauthed';
export declare const PREAUTHED_CANCEL_PATH: '/v1/netpay/bills/preauthed-cancel';
export declare const BILLS_QUERY_PATH: '/v1/netpay/bills/query';
export declare const GET_QRCODE_PATH: '/v1/netpay/bills/get-qrcode';
export declare const CLOSE_QRCODE_PATH: '/v1/netpay/bills/close-qrcode';
export declare const REFUND_PATH: '/v1/netpay/bills/refund';
/** The payer's page of a QR code: `<url>/cashier/qrcode?qrCodeId=…` (get-qrcode's billQRCode). */
export declare const CASHIER_QRCODE_PATH: '/cashier/qrcode';
/** Where the payer's page posts `qrCodeId=…` to pay. */
export declare const CASHIER_PAY_PATH: '/cashier/qrcode/pay';
/** The OPEN-FORM-PARAM GET endpoints (`/v1/netpay/trade/h5-pay`, …), answered with a 302. */
export declare const FORM_PARAM_PATHS: readonly string[];
/** Where OPEN-FORM-PARAM redirects lead: `<url>/cashier/<service>?…`, a stand-in page. */
export declare const CASHIER_PREFIX: '/cashier/';
/** A preset answered instead of processing the request. */
export interface AnswerFaultPreset {
  readonly effect: 'answer';
  /** The path it targets by default; null: any. */
  readonly path: string | null;
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}
export declare const FAULT_PRESETS: Readonly<
  Record<'token-refusal' | 'non-json-401' | 'unavailable', AnswerFaultPreset> & {
    readonly reset: { readonly effect: 'reset'; readonly path: null };
    readonly 'answer-lost': { readonly effect: 'lose-answer'; readonly path: null };
    readonly 'answer-late': { readonly effect: 'delay-answer'; readonly path: null };
  }
>;
/** How long `answer-late` holds an answer unless told: 15000 ms. */
export declare const DEFAULT_LATE_ANSWER_MS: 15000;
export declare const DEFAULT_NOTIFY_TIMEOUT_MS: 5000;
export declare const DEFAULT_TOLERANCE_SECONDS: 300;
export declare const DEFAULT_TOKEN_TTL_SECONDS: 3600;

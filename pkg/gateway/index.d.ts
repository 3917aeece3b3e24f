// Types for chinaums-open/gateway, the local gateway emulator (Node.js only).

/** An application the gateway knows. The appKey never leaves the emulator. */
export interface GatewayCredential {
  readonly appId: string;
  readonly appKey: string;
  /** The 4-character source id; when set, billNo and merOrderId must start with it (else INVALID_MSGSRC). */
  readonly msgSrcId?: string;
}

/**
 * A seeded bill. By default a frozen preauthorization (billStatus PAID, payment TRADE_SUCCESS)
 * that preauth-cancel can void.
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
}

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
  readonly fixtures?: readonly BillFixture[] | string | URL;
  /** The gateway's clock, epoch milliseconds; default `Date.now`. Inject it for deterministic tests. */
  readonly now?: () => number;
  /** Accepted distance between a request's Timestamp and the clock; default 300. */
  readonly toleranceSeconds?: number;
  /** `expiresIn` of issued access tokens; default 3600. */
  readonly tokenTtlSeconds?: number;
  /** Largest body read; larger ones get 413. Default 65536. */
  readonly maxBodyBytes?: number;
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
}

export interface GatewayState {
  /** Copies of every bill. */
  bills(): BillState[];
  /** A copy of one bill, or null. */
  bill(billNo: string, billDate: string): BillState | null;
  /** Adds a bill, or replaces the one with the same billNo and billDate. */
  addBill(fixture: BillFixture): BillState;
  /** The appIds accepted. */
  readonly appIds: readonly string[];
}

export interface Gateway {
  /** For example `http://127.0.0.1:43117`; use it as the library's `baseUrl`. */
  readonly url: string;
  /** Stops the server and drops its connections. */
  close(): Promise<void>;
  readonly state: GatewayState;
}

/** Starts the emulator; resolves once it accepts connections. */
export declare function startGateway(options: StartGatewayOptions): Promise<Gateway>;

/** The bills every gateway starts with (the V1 vector's frozen preauth among them). */
export declare const DEFAULT_BILLS: readonly BillFixture[];

export declare const TOKEN_PATH: '/v1/token/access';
export declare const PREAUTH_CANCEL_PATH: '/v1/netpay/bills/preauth-cancel';
export declare const BILLS_QUERY_PATH: '/v1/netpay/bills/query';
export declare const DEFAULT_TOLERANCE_SECONDS: 300;
export declare const DEFAULT_TOKEN_TTL_SECONDS: 3600;

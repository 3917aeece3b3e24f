// Types for `chinaums-open/durable-object`: one Cloudflare Durable Object per preauthorization
// whose outcome is unknown. Declared structurally, so that they need no
// @cloudflare/workers-types.

import type { PreauthCancelInput, RecoveryOutcome } from './index.js';
import type { RecoveryError } from './recovery.js';

/** The parts of the Fetch API's Request and Response these types use (no DOM lib needed). */
export interface FetchRequest {
  readonly url: string;
  readonly method: string;
  json(): Promise<unknown>;
}
export interface FetchResponse {
  readonly ok: boolean;
  readonly status: number;
  text(): Promise<string>;
}

/** The Worker's bindings the object reads. */
export interface PreauthRecoveryEnv {
  readonly CHINAUMS_APP_ID: string;
  /** A secret (`wrangler secret put CHINAUMS_APP_KEY`): never stored, never logged. */
  readonly CHINAUMS_APP_KEY: string;
  /** `production` or `test`; or CHINAUMS_BASE_URL instead (a local gateway). One of them is required: where requests go is never guessed. */
  readonly CHINAUMS_ENV?: 'production' | 'test';
  readonly CHINAUMS_BASE_URL?: string;
  readonly CHINAUMS_MSG_SRC_ID?: string;
  /** Each request's timeout in ms (text or number); default 10000. */
  readonly CHINAUMS_TIMEOUT_MS?: string | number;
  /** `{ baseDelayMs, maxDelayMs, deadlineMs }`, as JSON text or a JSON binding; defaults 5 s, 10 min, 3 days. */
  readonly CHINAUMS_RECOVERY_SCHEDULE?: string | { readonly baseDelayMs?: number; readonly maxDelayMs?: number; readonly deadlineMs?: number };
  /**
   * Where the outcome goes, at least once: a service binding, whose `fetch` gets a POST of the
   * {@link PreauthOutcomeMessage} as JSON with an `Idempotency-Key` header (any 2xx
   * acknowledges; anything else is retried). Or set {@link PREAUTH_OUTCOME_QUEUE} instead.
   * Without either, read the status.
   */
  readonly PREAUTH_OUTCOME?: { fetch(input: string, init?: object): Promise<FetchResponse> };
  /** A Queue producer binding: its `send` gets the {@link PreauthOutcomeMessage}. */
  readonly PREAUTH_OUTCOME_QUEUE?: { send(message: PreauthOutcomeMessage): Promise<unknown> };
}

/** What the merchant receives once a recovery ends (possibly more than once: dedupe on `idempotencyKey`). */
export interface PreauthOutcomeMessage {
  /** `chinaums-preauth-recovery:<merOrderId>`: one outcome per order. */
  readonly idempotencyKey: string;
  readonly merOrderId: string;
  readonly outcome: RecoveryOutcome;
  readonly attempts: number;
  readonly bill: Record<string, unknown> | null;
  readonly error: RecoveryError | null;
  /** Epoch ms. */
  readonly finishedAt: number | null;
}

export interface PreauthRecoveryStatus {
  readonly merOrderId: string;
  readonly state: 'pending' | 'in-flight' | 'done' | 'invalid';
  readonly outcome: RecoveryOutcome | null;
  /** Requests sent (queries and cancels). */
  readonly attempts: number;
  /** Epoch ms of the next step (its alarm), or null. */
  readonly nextAttemptAt: number | null;
  readonly finishedAt: number | null;
  readonly bill: Record<string, unknown> | null;
  readonly error: RecoveryError | null;
  /** Whether PREAUTH_OUTCOME acknowledged the outcome. */
  readonly delivered: boolean;
  readonly deliveries: number;
  readonly deliveryError: string | null;
}

/** The Durable Object class: re-export it from your Worker and bind it with SQLite storage. */
export declare class PreauthRecovery {
  constructor(ctx: unknown, env: PreauthRecoveryEnv);
  /** `POST /recover` (body: the preauth-cancel input) and `GET /status`. */
  fetch(request: FetchRequest): Promise<FetchResponse>;
  alarm(): Promise<void>;
}

/** The Durable Object namespace binding of PreauthRecovery. */
export interface PreauthRecoveryNamespace {
  idFromName(name: string): unknown;
  get(id: any): { fetch(input: string, init?: object): Promise<FetchResponse> };
}

/** Starts (or reports) the recovery of an order's hold in its object (`idFromName(merOrderId)`). */
export declare function recoverPreauth(namespace: PreauthRecoveryNamespace, input: PreauthCancelInput): Promise<PreauthRecoveryStatus>;

/** The status of an order's recovery, or null when none was started. */
export declare function preauthRecoveryStatus(namespace: PreauthRecoveryNamespace, merOrderId: string): Promise<PreauthRecoveryStatus | null>;

/** The idempotency key of an order's outcome. */
export declare function outcomeKey(merOrderId: string): string;

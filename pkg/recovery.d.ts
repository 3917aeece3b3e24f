// Types for `chinaums-open/recovery`: the durable recovery journal on PostgreSQL (Node.js).

import type { PreauthCancelInput, RecoveryOutcome } from './index.js';

/**
 * What the journal needs of a `pg.Pool` (pg@8; a connected `pg.Client` works too): `query`.
 * Declared here so that these types need neither `pg` nor `@types/pg`.
 */
export interface JournalPool {
  query(text: string, values?: readonly unknown[]): Promise<{ rows: any[]; rowCount: number | null }>;
}

/** What the journal needs of a `ChinaumsClient`: its single request (and its `timeoutMs`). */
export interface JournalClient {
  request(path: string, input: string | object): Promise<{ readonly status: number; readonly text: string }>;
  toJSON?(): { readonly timeoutMs?: number };
}

/**
 * The durable schedule, in ms. After a failure the next step waits `baseDelayMs`, doubling up to
 * `maxDelayMs` (each wait drawn between half of it and all of it); `deadlineMs` after the
 * enqueue the recovery gives up with the outcome `unknown`. Defaults: 5 s, 10 min, 3 days.
 */
export interface RecoverySchedule {
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly deadlineMs?: number;
}

export interface RecoveryJournalOptions {
  readonly pool: JournalPool;
  readonly client: JournalClient;
  /** Default `chinaums_preauth_recovery`; lower-case letters, digits and `_`, optionally `schema.table`. */
  readonly table?: string;
  readonly schedule?: RecoverySchedule;
  /** The clock, epoch ms; default `Date.now`. */
  readonly now?: () => number;
  /** The jitter of waits, from 0 to 1; default `Math.random`. */
  readonly random?: () => number;
  /** This journal's name in leases (diagnostics); default a random UUID. */
  readonly owner?: string;
}

export interface SweepOptions {
  /** Most holds claimed by this sweep; default 100. */
  readonly limit?: number;
  /** Holds worked on at once; default 8. */
  readonly concurrency?: number;
  /**
   * How long a claim holds a hold, in ms; default 60000. A request leaves only while the lease
   * outlasts it: keep leaseMs above the client's timeoutMs plus a second (a shorter lease only
   * requires half of it to remain, and a request slower than that may overlap the next owner's).
   */
  readonly leaseMs?: number;
}

/** What one sweep did. */
export interface SweepCounts {
  readonly claimed: number;
  readonly cancelled: number;
  readonly 'already-cancelled': number;
  readonly captured: number;
  readonly 'not-frozen': number;
  readonly unknown: number;
  /** Holds now waiting for a later step. */
  readonly pending: number;
  /** Holds another sweeper claimed meanwhile (this one stopped before sending or writing). */
  readonly leaseLost: number;
  /** Holds whose stored state the library refused (set aside for a person). */
  readonly invalid: number;
  /** Holds whose step failed otherwise (the database, the client); they are tried again. */
  readonly errors: number;
}

export interface RecoveryError {
  readonly code: string;
  readonly field?: string | null;
  readonly platformCode: string | null;
  readonly message: string;
}

export interface RecoveryStatus {
  readonly merOrderId: string;
  /**
   * `pending`: the next step is due at `nextAttemptAt`; `in-flight`: a sweeper is running a
   * step; `done`: `outcome` says how it ended; `invalid`: the stored state is not one the
   * library wrote, so nothing is decided from it (a person must look).
   */
  readonly state: 'pending' | 'in-flight' | 'done' | 'invalid';
  /** Null until done. `unknown`: the deadline passed, or the platform refused a request (see `error`). */
  readonly outcome: RecoveryOutcome | null;
  /** Requests sent (queries and cancels). */
  readonly attempts: number;
  /** Epoch ms, or null once done (or invalid). */
  readonly nextAttemptAt: number | null;
  /** The last bills answer about the bill (parsed, amounts in fen), or null. */
  readonly bill: Record<string, unknown> | null;
  /** Why it ended `unknown` after a refusal, why it is invalid, or why its last step failed; else null. */
  readonly error: RecoveryError | null;
  /** Epoch ms. */
  readonly updatedAt: number | null;
}

export declare class RecoveryJournal {
  constructor(options: RecoveryJournalOptions);
  /** Creates the table and its index if absent (safe from every process at start). */
  migrate(): Promise<void>;
  /** Records a hold to recover; idempotent per merOrderId. Throws the builder's error for a bad input. */
  enqueue(input: PreauthCancelInput | string): Promise<{ merOrderId: string; created: boolean }>;
  /** Claims due holds (FOR UPDATE SKIP LOCKED, under a lease), runs their due steps, writes them back. */
  sweep(options?: SweepOptions): Promise<SweepCounts>;
  /** Where an order's recovery stands, or null. */
  status(merOrderId: string): Promise<RecoveryStatus | null>;
}

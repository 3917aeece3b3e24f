// Sends the gateway's notifications and keeps their record: what was sent where, and whether
// the receiver acknowledged it. Deliveries run in the background of the request that caused
// them (the platform notifies after it has answered); `idle()` lets a test wait for them
// without sleeping, and `close()` aborts those still in flight. There are no retries: a test
// that wants another attempt calls `notify()` again.

import { randomUUID } from 'node:crypto';
import { deliverNotification, notificationFields, SIGN_TYPES } from './notify.js';

export class Courier {
  #pending = new Set();
  #records = [];
  #abort = new AbortController();
  #timeoutMs;

  constructor({ timeoutMs }) {
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Signs and sends a notification built from `facts` (BillBook.notificationFacts) and
   * resolves with the outcome. Never rejects: an unreachable receiver is an outcome.
   */
  send({ trigger, facts, url, communicationKey, signType, notifyId = randomUUID(), fields, timeoutMs = this.#timeoutMs }) {
    const params = notificationFields(facts, { communicationKey, signType, notifyId, fields });
    const delivery = deliverNotification(url, params, { timeoutMs, signal: this.#abort.signal })
      .catch((e) => ({ url, status: null, responseText: null, acknowledged: false, error: `the notification could not be sent: ${e.message}`, params }))
      .then((outcome) => {
      this.#records.push({
        trigger,
        url,
        billNo: facts.billNo,
        billDate: facts.billDate,
        billStatus: facts.billStatus,
        notifyId: params.notifyId ?? null,
        signType,
        status: outcome.status,
        acknowledged: outcome.acknowledged,
        error: outcome.error,
      });
      return outcome;
    });
    this.#pending.add(delivery);
    delivery.finally(() => this.#pending.delete(delivery));
    return delivery;
  }

  /** Copies of the records of finished deliveries, oldest first (no keys in them). */
  records() {
    return this.#records.map((r) => ({ ...r }));
  }

  /** Resolves once no delivery is in flight (including ones started while waiting). */
  async idle() {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
    return this.records();
  }

  /** Aborts the deliveries in flight and waits for them to settle. */
  async close() {
    this.#abort.abort();
    await this.idle();
  }
}

/** Checks the arguments of `gateway.notify()`; throws a TypeError saying what to fix. */
export function checkNotifyArguments(options) {
  const where = 'gateway.notify';
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: pass { url, communicationKey, billNo, billDate, signType? }`);
  const { url, communicationKey, billNo, billDate, signType = 'MD5', notifyId, fields, timeoutMs } = options;
  let parsed = null;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  if (typeof url !== 'string' || parsed === null || !['http:', 'https:'].includes(parsed.protocol)) {
    throw new TypeError(`${where}: url must be the receiver's http:// or https:// URL`);
  }
  if (typeof communicationKey !== 'string' || communicationKey === '') {
    throw new TypeError(`${where}: communicationKey must be a non-empty string (the 通讯密钥, not the appKey)`);
  }
  if (typeof billNo !== 'string' || typeof billDate !== 'string') throw new TypeError(`${where}: billNo and billDate must be strings`);
  if (!SIGN_TYPES.includes(signType)) throw new TypeError(`${where}: signType must be MD5 or SHA256`);
  if (notifyId !== undefined && typeof notifyId !== 'string') throw new TypeError(`${where}: notifyId must be a string`);
  if (fields !== undefined) {
    if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) throw new TypeError(`${where}: fields must be an object of strings (null removes a field)`);
    for (const [name, value] of Object.entries(fields)) {
      if (value !== null && typeof value !== 'string') throw new TypeError(`${where}: fields.${name} must be a string or null`);
    }
  }
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new TypeError(`${where}: timeoutMs must be a positive number`);
  return { url, communicationKey, billNo, billDate, signType, notifyId, fields, timeoutMs };
}

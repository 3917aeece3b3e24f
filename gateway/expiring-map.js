// A Map whose entries expire by time, for the replay ledger and the access tokens: a lookup, an
// insertion and the eviction of expired entries all cost O(1) (amortized), however many
// entries are held. Entries are evicted from the oldest insertion on, through an array queue:
// V8 leaves a hole for each deleted Map entry until it rehashes, and an iterator always starts
// at the first slot, so "iterate the Map from its oldest entry" walks every earlier deletion
// again and grows with the number held.

/** Past this many spent slots (and half the queue), the queue is compacted. */
const COMPACT_AFTER = 1024;

export class ExpiringMap {
  /** key → its record `{ key, value }`; the queue holds the same record objects. */
  #records = new Map();
  /** Records in the order they were set; those before #head are spent. */
  #queue = [];
  #head = 0;
  #isExpired;
  #examined = 0;

  /** @param {(value: unknown, nowMs: number) => boolean} isExpired whether an entry may go */
  constructor(isExpired) {
    this.#isExpired = isExpired;
  }

  /** How many entries are held (expired ones not yet evicted included). */
  get size() {
    return this.#records.size;
  }

  /** How many queue records evictions have looked at so far: the work they did. */
  get examined() {
    return this.#examined;
  }

  /**
   * What is stored under `key`: `{ value, expired }`, or undefined. An expired entry may still
   * be held (eviction stops at the first live one), and callers may treat it apart from absence.
   */
  find(key, nowMs) {
    const record = this.#records.get(key);
    return record === undefined ? undefined : { value: record.value, expired: this.#isExpired(record.value, nowMs) };
  }

  /** Evicts what has expired, then stores `value` under `key` as its newest entry. */
  set(key, value, nowMs) {
    this.#evictExpired(nowMs);
    const record = { key, value };
    this.#records.set(key, record);
    this.#queue.push(record);
  }

  delete(key) {
    this.#records.delete(key);
  }

  /**
   * Drops records from the oldest on and stops at the first entry still alive. Every record is
   * looked at once when it goes, plus one per call, so the cost is O(1) amortized. The queue is
   * in insertion order, which need not be expiry order (values expire at different distances
   * from their insertion, and a test's clock may move back): stopping early only keeps some
   * expired entries a little longer, which callers see through `isExpired` anyway.
   */
  #evictExpired(nowMs) {
    while (this.#head < this.#queue.length) {
      const record = this.#queue[this.#head];
      this.#examined += 1;
      const current = this.#records.get(record.key) === record;
      if (current && !this.#isExpired(record.value, nowMs)) break;
      if (current) this.#records.delete(record.key);
      this.#queue[this.#head] = undefined;
      this.#head += 1;
    }
    if (this.#head > COMPACT_AFTER && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }
}

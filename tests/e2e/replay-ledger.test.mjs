// The emulator's replay ledger: a claim's cost does not grow with the number of nonces held
// (counted as the held entries it looks at, not timed), and it holds each nonce exactly as long
// as a request carrying it could pass the time check.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NonceLedger } from '../../gateway/auth.js';
import { APP, FIXED_MS, OTHER_APP } from './helpers.mjs';

const TOLERANCE_MS = 300_000;
const HELD = 100_000;
const nonce = (i) => `held${String(i).padStart(28, '0')}`;

/** A ledger holding HELD nonces of APP, all signed and claimed at FIXED_MS. */
function fullLedger() {
  const ledger = new NonceLedger(TOLERANCE_MS);
  for (let i = 0; i < HELD; i += 1) assert.equal(ledger.claim(APP.appId, nonce(i), FIXED_MS, FIXED_MS), true);
  return ledger;
}

test(`with ${HELD} nonces held, every replay is refused and a fresh claim looks at one held entry`, () => {
  const ledger = fullLedger();
  assert.equal(ledger.size, HELD);
  // The first claim had nothing to look at; each later one stopped at the oldest, still held.
  assert.equal(ledger.examined, HELD - 1);
  for (let i = 0; i < HELD; i += 1) assert.equal(ledger.claim(APP.appId, nonce(i), FIXED_MS, FIXED_MS + 1000), false, nonce(i));
  assert.equal(ledger.examined, HELD - 1, 'a refused replay evicts nothing and looks at nothing');
  assert.equal(ledger.claim(OTHER_APP.appId, nonce(0), FIXED_MS, FIXED_MS + 1000), true, 'nonces are per appId');
  assert.equal(ledger.claim(APP.appId, 'fresh', FIXED_MS, FIXED_MS + 1000), true);
  assert.equal(ledger.examined, HELD + 1);
  assert.equal(ledger.size, HELD + 2);
});

test('once the clock passes the window, the ledger shrinks, in one pass over the expired entries', () => {
  const ledger = fullLedger();
  const later = FIXED_MS + TOLERANCE_MS + 1;
  const before = ledger.examined;
  assert.equal(ledger.claim(APP.appId, 'after-the-window', later, later), true);
  assert.equal(ledger.size, 1);
  assert.equal(ledger.examined - before, HELD, 'each expired entry looked at once');
  for (let i = 0; i < 1000; i += 1) assert.equal(ledger.claim(APP.appId, nonce(i), later, later), true, 'forgotten, so usable again with a new Timestamp');
  assert.equal(ledger.examined - before, HELD + 1000);
  assert.equal(ledger.claim(APP.appId, nonce(7), later, later), false);
  assert.equal(ledger.size, 1001);
});

test('a nonce is held until the clock passes its signed Timestamp + the tolerance, on either side of the clock', () => {
  const ledger = new NonceLedger(TOLERANCE_MS);
  const ahead = FIXED_MS + TOLERANCE_MS; // signed as far ahead of the clock as the window allows
  const behind = FIXED_MS - TOLERANCE_MS;
  assert.equal(ledger.claim(APP.appId, 'ahead', ahead, FIXED_MS), true);
  assert.equal(ledger.claim(APP.appId, 'behind', behind, FIXED_MS), true);
  assert.equal(ledger.claim(APP.appId, 'behind', behind, FIXED_MS), false, 'at Timestamp + tolerance the request still passes the time check');
  assert.equal(ledger.claim(APP.appId, 'behind', FIXED_MS + 1, FIXED_MS + 1), true);
  assert.equal(ledger.claim(APP.appId, 'ahead', ahead, ahead + TOLERANCE_MS), false, 'two tolerances after its claim');
  assert.equal(ledger.claim(APP.appId, 'ahead', ahead + TOLERANCE_MS + 1, ahead + TOLERANCE_MS + 1), true);
});

test('a clock moved back keeps refusing what the ledger holds', () => {
  const ledger = new NonceLedger(TOLERANCE_MS);
  const later = FIXED_MS + 100_000;
  assert.equal(ledger.claim(APP.appId, 'rewound', later, later), true);
  assert.equal(ledger.claim(APP.appId, 'other', FIXED_MS, FIXED_MS), true);
  assert.equal(ledger.claim(APP.appId, 'rewound', later, FIXED_MS), false);
  assert.equal(ledger.size, 2);
});

test('a nonce claimed again after its window survives the eviction of its earlier claim', () => {
  const ledger = new NonceLedger(TOLERANCE_MS);
  // Held longest, so eviction stops here and the expired claim behind it stays queued.
  assert.equal(ledger.claim(APP.appId, 'long', FIXED_MS + TOLERANCE_MS, FIXED_MS), true);
  assert.equal(ledger.claim(APP.appId, 'again', FIXED_MS - TOLERANCE_MS, FIXED_MS), true);
  const reclaimedAt = FIXED_MS + 1;
  assert.equal(ledger.claim(APP.appId, 'again', reclaimedAt + TOLERANCE_MS, reclaimedAt), true);
  // Evicts 'long' and the stale first claim of 'again', which must not take the new one along.
  const end = FIXED_MS + 2 * TOLERANCE_MS + 1;
  assert.equal(ledger.claim(APP.appId, 'last', end, end), true);
  assert.equal(ledger.size, 2);
  assert.equal(ledger.claim(APP.appId, 'again', reclaimedAt + TOLERANCE_MS, end), false);
});

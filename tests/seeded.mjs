// A seeded pseudo-random generator (mulberry32), shared by the suites that draw inputs or faults:
// the same seed gives the same numbers in the same order, so a failure can be replayed.

/** Returns a function giving numbers in [0, 1), determined by `seed`. */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

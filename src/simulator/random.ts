// Seeded randomness: everything the simulator generates derives from the seed, so two runs with the
// same options serve byte-identical data (apart from wall-clock driven churn).

/** A small, fast PRNG (mulberry32) returning floats in [0, 1). */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stateless hash of a few integers to [0, 1): lets bodies be rebuilt on demand from (seed, id, n). */
export function hash01(a: number, b: number, c = 0, d = 0): number {
  let h = 0x9e3779b1 ^ a;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) ^ c;
  h = Math.imul(h ^ (h >>> 16), 0x27d4eb2f) ^ d;
  h = Math.imul(h ^ (h >>> 15), 0x165667b1);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** An integer in [0, n) from hash01. */
export function hashInt(n: number, a: number, b: number, c = 0, d = 0): number {
  return Math.floor(hash01(a, b, c, d) * n);
}

/** A seeded PRNG (mulberry32): numbers in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed for a seeded test: `TEST_SEED` when set (to replay a failure), else a fresh one. */
export function testSeed(name: string): number {
  const fromEnv = process.env.TEST_SEED;
  const seed = fromEnv === undefined ? (Math.random() * 0x7fffffff) | 0 : Number(fromEnv);
  console.log(`[seed] ${name}: ${seed} (replay with TEST_SEED=${seed})`);
  return seed;
}

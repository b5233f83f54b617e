/**
 * The seed for a fast-check run: `FC_SEED` when set (to replay a failure), else a fresh one.
 * Tests print it so any run can be reproduced.
 */
export function fcSeed(name: string): number {
  const fromEnv = process.env.FC_SEED;
  const seed =
    fromEnv === undefined ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0 : Number(fromEnv);
  console.log(`[fast-check] ${name}: seed ${seed} (replay with FC_SEED=${seed})`);
  return seed;
}

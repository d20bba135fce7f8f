// How many inputs a property test tries. `npm test` (and CI) runs a size that still explores (≥ 50, with
// the fixed seed of test/setup/fast-check.ts); `npm run test:fuzz` (FC_SEED=random) and a replay of its
// failure (FC_SEED=<seed>) run the fuzz size, so that the failing run is reached again.
const FUZZ = process.env.FC_SEED !== undefined;

export function runs(fuzz: number, suite: number): number {
  return FUZZ ? fuzz : Math.min(fuzz, suite);
}

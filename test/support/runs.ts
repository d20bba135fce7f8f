// How many inputs a property test tries. `npm test` (and CI) runs a size that still explores (≥ 50, with
// the fixed seed of test/setup/fast-check.ts); `npm run test:fuzz` (FC_SEED=random) runs the fuzz size.
export const FUZZ = process.env.FC_SEED === 'random' || process.env.FC_RUNS === 'fuzz';

export function runs(fuzz: number, suite: number): number {
  return FUZZ ? fuzz : Math.min(fuzz, suite);
}

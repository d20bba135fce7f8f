import fc from 'fast-check';

// Property tests run with a fixed seed so that `npm test` (and CI) gives the same verdict every run.
// `npm run test:fuzz` sets FC_SEED=random to explore new inputs; a failure prints its seed, and
// FC_SEED=<that seed> replays it.
const setting = process.env.FC_SEED ?? '20261125';
if (setting !== 'random') {
  const seed = Number(setting);
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer or "random", not "${setting}"`);
  fc.configureGlobal({ seed });
}

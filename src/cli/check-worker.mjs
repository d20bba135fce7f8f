// Worker-thread entry of `docpack check` when docpack runs from its TypeScript sources (tests, a stale
// build): they run through tsx. The compiled package uses dist/cli/check-worker.js instead.
import { register } from 'tsx/esm/api';

register();
const { default: checkBatch } = await import('./check-worker.ts');

export default checkBatch;

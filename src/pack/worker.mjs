// Worker-thread entry of `docpack build --concurrency n` when docpack runs from its TypeScript sources
// (tests, bin/docpack.js on a checkout whose dist/ is stale): they run through tsx, and each task renders
// one project (src/pack/project.ts). The compiled package uses dist/pack/worker.js instead.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
const { renderProject, warmUp } = await import('./project.ts');

// Set up rule files and templates as the thread starts, while the main thread still scans the inputs;
// a failure here is left to the first project, which reports it.
try {
  if (workerData?.warmUp) warmUp(workerData.warmUp);
} catch {
  // reported by the first project
}

export default renderProject;

// Worker-thread entry of `docpack build --concurrency n` when docpack runs compiled (dist/pack/worker.js):
// each task renders one project. worker.mjs is the same entry for the TypeScript sources (tests, a stale build).
import { workerData } from 'node:worker_threads';
import { renderProject, warmUp, type WorkerWarmUp } from './project.ts';

// Set up rule files and templates as the thread starts, while the main thread still scans the inputs;
// a failure here is left to the first project, which reports it.
try {
  const data = workerData as { warmUp?: WorkerWarmUp } | undefined;
  if (data?.warmUp) warmUp(data.warmUp);
} catch {
  // reported by the first project
}

export default renderProject;

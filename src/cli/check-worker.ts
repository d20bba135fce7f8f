// Worker-thread entry of `docpack check` on many records (compiled: dist/cli/check-worker.js; from the
// TypeScript sources, check-worker.mjs): each task checks a batch of files in order, with the context
// (rules, clocks, calendar) loaded once per worker from the same setup as the main thread's.
import { checkContextOf, checkFile, type CheckTask, type FileCheck } from './check-files.ts';
import type { CheckContext } from '../alerts/pipeline.ts';

let loaded: { key: string; context: CheckContext } | undefined;

export default function checkBatch(task: CheckTask): FileCheck[] {
  const key = JSON.stringify(task.setup);
  if (loaded?.key !== key) loaded = { key, context: checkContextOf(task.setup) };
  const { context } = loaded;
  return task.files.map((file) => checkFile(file, context, task.format, task.load));
}

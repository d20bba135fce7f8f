// The order test files start in. Vitest starts the files that took longest in its last run first, but a
// fresh clone (CI) has no last run, and vitest then starts the largest files first, which leaves the
// end-to-end files (a minute of work each) to start late and run on alone at the end: about 10 s more
// wall time on two cores. Without a last run of every file, these start first, in this order; the rest
// follow in vitest's own order. A file missing from the list is only started in vitest's order.
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The slowest files, measured (CPU seconds, idle 2-core machine): workflows 45, walk-through 22, build 17, check 9. */
export const SLOW_FIRST = [
  'test/examples/workflows.test.ts',
  'test/pack/build.test.ts',
  'test/cli/check.test.ts',
  'test/render/excel/stream.test.ts',
  'test/validators.test.ts',
  'test/render/word/markdown-tables.test.ts',
  // After about 45 s of the others: beside the workflows (npm, CI jobs, builds as processes) the walk-through
  // (CLI processes, a nested vitest) made both a third slower and cost 40 CPU s more.
  'test/editor-walkthrough.test.ts',
  'test/render/excel/safety.test.ts',
];

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const relative = (file: TestSpecification): string => path.relative(file.project.config.root, file.moduleId).split(path.sep).join('/');
    // With a last run on record for every file, vitest's own order (longest first) is kept.
    if (files.every((file) => this.ctx.cache.getFileTestResults(`${file.project.name}:${relative(file)}`))) return sorted;
    const rank = (file: TestSpecification): number => {
      const index = SLOW_FIRST.indexOf(relative(file));
      return index < 0 ? SLOW_FIRST.length : index;
    };
    // Array.prototype.sort is stable: the files off the list keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}

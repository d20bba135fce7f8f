// No test is skipped silently: at the end of every run this lists each skipped or todo test by file and
// name, and in CI (CI=true, or DOCPACK_REQUIRE_OFFICE=1 as .ci/run sets) a skipped test fails the run.
import type { Reporter, TestModule } from 'vitest/node';
import { officeRequired } from '../office/office.ts';

export default class SkipsReporter implements Reporter {
  onTestRunEnd(modules: readonly TestModule[]): void {
    const skipped: string[] = [];
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'skipped' || test.options.mode === 'todo') skipped.push(`  ${module.relativeModuleId} > ${test.fullName}`);
      }
    }
    if (skipped.length === 0) return;
    const required = officeRequired();
    process.stderr.write(`\nSKIPPED ${skipped.length} test${skipped.length === 1 ? '' : 's'}${required ? ' (CI: a skipped test is a failure)' : ' (the warnings above say why)'}:\n${skipped.join('\n')}\n\n`);
    if (required) process.exitCode = 1;
  }
}

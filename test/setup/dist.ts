// Global setup: tests that run the CLI as a new process (`node bin/docpack.js`, test/support/cli.ts) run
// the compiled dist/, about a second faster per process than the sources through tsx. When src/ changed
// after the last build, dist/ is rebuilt here once (npm run build), and the run says so: a stale build is
// never tested silently, and bin/docpack.js would otherwise fall back to tsx for every process.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { SCHEMA_FILES } from '../../src/validators.ts';

/** Why dist/ cannot be used as it is (undefined when it is as new as every file under src/). */
export function staleBuild(root: string): string | undefined {
  const stamp = path.join(root, 'dist/.stamp');
  if (!existsSync(stamp) || !existsSync(path.join(root, 'dist/cli/main.js'))) return 'dist/ is not built';
  const built = statSync(stamp).mtimeMs;
  for (const entry of readdirSync(path.join(root, 'src'), { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && statSync(path.join(entry.parentPath, entry.name)).mtimeMs > built) return `src/ changed after the last build (${path.relative(root, path.join(entry.parentPath, entry.name))})`;
  }
  // The schemas the build compiles into dist/validators/ live in rules/ and templates/ too.
  for (const file of Object.values(SCHEMA_FILES)) {
    if (statSync(path.join(root, file)).mtimeMs > built) return `${file} changed after the last build`;
  }
  return undefined;
}

export default function setup(): void {
  const root = process.cwd();
  const why = staleBuild(root);
  if (!why) return;
  const started = Date.now();
  console.warn(`docpack tests: ${why}; building dist/ once for the tests that run the CLI as a process (npm run build)`);
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const still = staleBuild(root);
  if (still) throw new Error(`docpack tests: dist/ is still stale after npm run build: ${still}`);
  console.warn(`docpack tests: dist/ built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

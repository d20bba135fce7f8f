// The LibreOffice round trip, shared by every test that reads documents back through a real client.
// test/office/setup.ts (global setup) starts test/office/prepare.ts in the background as the run begins:
// it writes every document those tests need and converts all of them with one soffice process per output
// format (PDF for everything, CSV for the workbooks), while the other tests run. A test file asks
// `officeAvailability()` at collection (skip or fail) and awaits `officeOutput()` in its beforeAll.
//
// When soffice or pdftotext is missing: on a developer's machine the tests are skipped, loudly (a console
// warning, and the skip listed at the end of the run by test/setup/skips-reporter.ts); in CI (CI=true, or
// DOCPACK_REQUIRE_OFFICE=1, which .ci/run sets) it is a failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';

export const OFFICE_PACKAGES = 'libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-noto-cjk';

/** What prepare.ts writes at the end into status.json. */
export interface OfficeStatus {
  ok: boolean;
  missing: string[];
  error?: string;
  seconds: number;
  /** How many files each soffice process converted, by output format. */
  converted: Record<string, number>;
  /** The sample pack's documents: path in the pack → the ASCII name they were converted under. */
  pack: Record<string, string>;
  /** test/render/word/libreoffice.test.ts: the documents of P2026-FIN-002, in render order. */
  word: { fileName: string; name: string }[];
}

/** Whether the CI variables ask for the round trip to be run, never skipped. */
export function officeRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI ?? '';
  return (ci !== '' && ci !== 'false' && ci !== '0') || env.DOCPACK_REQUIRE_OFFICE === '1';
}

export function commandExists(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

export function missingOfficeTools(has: (command: string) => boolean = commandExists): string[] {
  return ['soffice', 'pdftotext'].filter((command) => !has(command));
}

/**
 * Whether `who` (a test file) can run the round trip. Missing tools: a loud warning and `run: false` on a
 * developer's machine; an error in CI, so that the round trip is never skipped there.
 */
export function officeAvailability(who: string, options: { env?: NodeJS.ProcessEnv; has?: (command: string) => boolean } = {}): { run: boolean; reason?: string } {
  const missing = missingOfficeTools(options.has);
  if (missing.length === 0) return { run: true };
  const reason = `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not installed (apt-get install ${OFFICE_PACKAGES})`;
  if (officeRequired(options.env)) {
    throw new Error(`${who}: the LibreOffice round trip must run here (CI=true or DOCPACK_REQUIRE_OFFICE=1), but ${reason}`);
  }
  console.warn(`SKIPPED ${who}: the LibreOffice round trip, because ${reason}. CI fails on this.`);
  return { run: false, reason };
}

export interface OfficeOutput {
  dir: string;
  status: OfficeStatus;
  /** The folder of the sample pack built for the round trip (fixtures/projects as of 2026-11-25 09:00). */
  pack: string;
  /** A converted PDF by its ASCII base name. */
  pdf: (name: string) => string;
  /** One sheet of a workbook converted to CSV (cells as shown), by the workbook's ASCII base name. */
  csv: (name: string, sheet: string) => string;
}

/** Waits for prepare.ts to finish (budget: 9.5 minutes on a loaded 2-core machine, inside the hooks' 10), then gives its output. */
export async function officeOutput(budgetMs = 570_000): Promise<OfficeOutput> {
  const dir = inject('officeDir');
  if (!dir) throw new Error('the LibreOffice round trip was not prepared in this run: test/office/setup.ts (a globalSetup of vitest.config.ts) did not run, or DOCPACK_OFFICE_PREPARE=0');
  const statusFile = path.join(dir, 'status.json');
  const started = Date.now();
  while (!existsSync(statusFile)) {
    if (Date.now() - started > budgetMs) throw new Error(`the LibreOffice conversion (test/office/prepare.ts) did not finish in ${budgetMs / 1000} s; its log: ${path.join(dir, 'prepare.log')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const status = JSON.parse(readFileSync(statusFile, 'utf8')) as OfficeStatus;
  if (!status.ok) throw new Error(`the LibreOffice conversion failed: ${status.error}\n(log: ${path.join(dir, 'prepare.log')})`);
  return {
    dir,
    status,
    pack: path.join(dir, 'out', '2026-11-25'),
    pdf: (name) => path.join(dir, 'pdf', `${name}.pdf`),
    csv: (name, sheet) => readFileSync(path.join(dir, 'csv', `${name}-${sheet}.csv`), 'utf8'),
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    officeDir: string;
  }
}

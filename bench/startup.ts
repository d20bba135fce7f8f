// The start-up section of npm run bench: how long light commands take from the shell, as a ratio to a
// bare `node -e 0` measured in the same run (so a busy machine moves both). Runs the compiled CLI only:
// a stale dist/ is built first, and a run that still takes the tsx fallback or compiles a schema at start
// is refused, never measured.
import { execFileSync, spawnSync } from 'node:child_process';
import { median } from './timing.ts';

export interface StartupResult {
  command: string;
  seconds: number;
  ratio: number;
  /** The ratio to `node -e 0` the issue asks for; undefined for the floor itself. */
  target?: number;
  runs: number;
}

const AS_OF = '2026-11-25T09:00:00+08:00';
const RECORD = 'fixtures/projects/P2026-AS-005.json';
const BIN = 'bin/docpack.js';

/** The commands measured, each with its target ratio; the first is the floor. */
export const STARTUP_COMMANDS: readonly { command: string; args: string[]; target?: number }[] = [
  { command: 'node -e 0', args: ['-e', '0'] },
  { command: 'docpack --version', args: [BIN, '--version'], target: 3 },
  { command: 'docpack calendar add 2026-11-25 3', args: [BIN, 'calendar', 'add', '2026-11-25', '3'], target: 3 },
  { command: `docpack check ${RECORD}`, args: [BIN, 'check', RECORD, '--as-of', AS_OF], target: 6 },
];

/** Notes docpack writes when it does not run the build's code: such a run would measure something else. */
const NOT_COMPILED = /running the sources through tsx|compiling it at start|is not built/;

function run(args: readonly string[]): { seconds: number; stderr: string; status: number | null } {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, stderr: result.stderr, status: result.status };
}

/** Builds dist/ when the bin would not run it; throws when it still would not. */
export function ensureBuilt(log: (line: string) => void): void {
  const probe = run([BIN, '--version']);
  if (!NOT_COMPILED.test(probe.stderr)) return;
  log(`bench: ${probe.stderr.trim()}\nbench: building first (npm run build)`);
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  const again = run([BIN, '--version']);
  if (NOT_COMPILED.test(again.stderr)) throw new Error(`the CLI still does not run dist/ after npm run build: ${again.stderr.trim()}`);
}

/**
 * Runs every command once to warm the file cache, then `repeats` rounds of all of them in turn (so that
 * load on the machine falls on every command alike), and gives each one's median wall time.
 */
export function measureStartup(repeats: number): StartupResult[] {
  const times = STARTUP_COMMANDS.map(() => [] as number[]);
  for (let round = -1; round < repeats; round += 1) {
    STARTUP_COMMANDS.forEach((entry, index) => {
      const result = run(entry.args);
      if (result.status !== 0 || NOT_COMPILED.test(result.stderr)) {
        throw new Error(`${entry.command} did not run the compiled CLI cleanly (exit ${result.status}): ${result.stderr.trim()}`);
      }
      if (round >= 0) times[index]?.push(result.seconds);
    });
  }
  const floor = median(times[0] ?? []);
  return STARTUP_COMMANDS.map((entry, index) => {
    const seconds = median(times[index] ?? []);
    return { command: entry.command, seconds, ratio: seconds / floor, target: entry.target, runs: repeats };
  });
}

/** The section's lines: seconds, ratio to `node -e 0`, target, and OVER where a ratio exceeds its target. */
export function startupTable(results: readonly StartupResult[]): string[] {
  const pad = (text: string, width: number): string => text.padEnd(width);
  const lines = [[pad('start-up (median of ' + String(results[0]?.runs ?? 0) + ' runs)', 50), pad('seconds', 10), pad('ratio', 9), 'target'].join('')];
  for (const row of results) {
    const verdict = row.target === undefined ? '' : row.ratio <= row.target ? `<= ${row.target}x ok` : `<= ${row.target}x OVER TARGET`;
    lines.push([pad(row.command, 50), pad(row.seconds.toFixed(3), 10), pad(`${row.ratio.toFixed(2)}x`, 9), verdict].join(''));
  }
  return lines;
}

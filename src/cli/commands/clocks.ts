import type { Command } from 'commander';
import { loadCalendar } from '../../calendar/calendar.ts';
import type { WorkingCalendar } from '../../calendar/types.ts';
import { CLOCK_STATUSES, type ClockDef, type ClockState, type ClockStatus } from '../../clocks/types.ts';
import { clockProblems, compareClockStates, computeClocks } from '../../clocks/compute.ts';
import { readClockDefs } from '../../clocks/load.ts';
import { DocpackError, formatProblem, type Problem } from '../../errors.ts';
import { loadRecords } from '../../records/load.ts';
import { formatTime, parseAsOf } from '../../time.ts';
import { provisionalNote } from '../../calendar/note.ts';
import { calendarProvisionalOption } from '../context.ts';
import { ExitCode } from '../exit-codes.ts';
import type { CliIo, SetExit } from '../io.ts';

interface ClocksOptions {
  asOf: string;
  json?: boolean;
  clock: string[];
  state: string[];
  deadlinesDir?: string;
  calendarDir?: string;
  calendarProvisional?: boolean;
}

/** Repeatable option that also takes comma-separated values: --clock a --clock b,c */
function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((item) => item.trim()).filter((item) => item !== '')];
}

export function registerClocks(program: Command, io: CliIo, setExit: SetExit): void {
  program
    .command('clocks')
    .description('compute every deadline clock of rules/deadlines for the records at a given time: start, due, state, time left or overdue')
    .argument('<records...>', 'record files, directories (every *.json below) or glob patterns')
    .requiredOption('--as-of <time>', 'the time to evaluate at, e.g. 2026-11-25T09:00:00+08:00 or 2026-11-25 (start of that day, Asia/Shanghai)')
    .option('--json', 'print the clocks as JSON')
    .option('--clock <id>', 'only this clock (repeatable, or comma-separated)', collect, [])
    .option('--state <state>', `only clocks in this state (repeatable): ${CLOCK_STATUSES.join(', ')}`, collect, [])
    .option('--deadlines-dir <dir>', 'folder of clock definitions (default: rules/deadlines)')
    .option('--calendar-dir <dir>', 'folder of working-day calendars (default: rules/calendars)')
    .option('--calendar-provisional', 'use provisional calendar years (computed from the law before the State Council\'s notice); deadlines on them are marked provisional')
    .action(async (inputs: string[], options: ClocksOptions) => {
      const fail = (message: string, hint?: string): void => {
        io.err(`docpack clocks: ${message}${hint ? `\n    hint: ${hint}` : ''}`);
        setExit(ExitCode.invalidInput);
      };
      const asOf = parseAsOf(options.asOf);
      if (!asOf) {
        fail(`--as-of "${options.asOf}" is not a time`, 'write e.g. 2026-11-25T09:00:00+08:00, 2026-11-25T09:00 (Asia/Shanghai) or 2026-11-25');
        return;
      }
      const badStates = options.state.filter((state) => !(CLOCK_STATUSES as readonly string[]).includes(state));
      if (badStates.length > 0) {
        fail(`unknown --state ${badStates.map((s) => `"${s}"`).join(', ')}`, `states: ${CLOCK_STATUSES.join(', ')}`);
        return;
      }

      const loadedDefs = readClockDefs(options.deadlinesDir);
      if (loadedDefs.problems.length > 0) {
        for (const found of loadedDefs.problems) io.err(formatProblem(found));
        fail('the clock definitions have problems; fix them first');
        return;
      }
      let defs: ClockDef[] = loadedDefs.defs;
      if (options.clock.length > 0) {
        const known = new Set(defs.map((def) => def.id));
        const unknown = options.clock.filter((id) => !known.has(id));
        if (unknown.length > 0) {
          fail(`unknown --clock ${unknown.map((id) => `"${id}"`).join(', ')}`, `clocks: ${[...known].sort().join(', ')}`);
          return;
        }
        const wanted = new Set(options.clock);
        defs = defs.filter((def) => wanted.has(def.id));
      }

      let calendar: WorkingCalendar;
      try {
        calendar = loadCalendar(options.calendarDir, { provisional: calendarProvisionalOption(options.calendarProvisional) });
      } catch (error) {
        if (!(error instanceof DocpackError)) throw error;
        io.err(formatProblem(error.problem));
        setExit(ExitCode.invalidInput);
        return;
      }

      const loaded = await loadRecords(inputs);
      const problems: Problem[] = [...loaded.problems];
      const skipped = loaded.files.filter((file) => !file.valid).length;

      const wantedStates = new Set<string>(options.state);
      const includeNotApplicable = wantedStates.has('not-applicable');
      const states: ClockState[] = [];
      for (const { record, file } of loaded.records) {
        const computed = computeClocks(record, defs, calendar, asOf, { includeNotApplicable });
        problems.push(...clockProblems(computed).map((found) => ({ ...found, file })));
        for (const state of computed) if (wantedStates.size === 0 || wantedStates.has(state.state)) states.push(state);
      }
      states.sort(compareClockStates);

      for (const found of problems) io.err(formatProblem(found));
      if (options.json) {
        io.out(JSON.stringify({ asOf: formatTime(asOf), clocks: states }, null, 2));
      } else {
        io.out(renderTable(states));
      }
      const counts = new Map<ClockStatus, number>();
      for (const state of states) counts.set(state.state, (counts.get(state.state) ?? 0) + 1);
      const summary = CLOCK_STATUSES.filter((status) => counts.has(status)).map((status) => `${counts.get(status)} ${status}`);
      const provisional = states.filter((state) => state.provisional).length;
      if (provisional > 0) summary.push(`${provisional} provisional: ${provisionalNote(calendar.provisionalYears)}`);
      io.err(
        `${states.length} clock${states.length === 1 ? '' : 's'} for ${loaded.records.length} record${loaded.records.length === 1 ? '' : 's'} as of ${formatTime(asOf)}` +
          (summary.length > 0 ? ` (${summary.join(', ')})` : '') +
          (skipped > 0 ? `; ${skipped} invalid file${skipped === 1 ? '' : 's'} skipped` : ''),
      );
      setExit(problems.length > 0 ? ExitCode.invalidInput : ExitCode.ok);
    });
}

const UNIT_LABEL: Record<ClockState['unit'], string> = { workingDays: 'wd', calendarDays: 'd', hours: 'h', minutes: 'min' };

/** "2 wd left", "3 d over", "1 wd spare" (met), "" when not known. */
export function describeRemaining(state: ClockState): string {
  const unit = UNIT_LABEL[state.unit];
  if (state.overdue !== null) return `${state.overdue} ${unit} over`;
  if (state.remaining === null) return '';
  return `${state.remaining} ${unit} ${state.state === 'met' ? 'spare' : 'left'}`;
}

/** 2026-10-09T23:59:59+08:00 -> 2026-10-09 23:59 (every time is Asia/Shanghai). */
function shortTime(time: string | null): string {
  return time === null ? '-' : `${time.slice(0, 10)} ${time.slice(11, 16)}`;
}

export function renderTable(states: readonly ClockState[]): string {
  const header = ['project', 'subject', 'clock', 'start', 'due', 'state', 'remaining/overdue'];
  const rows = states.map((state) => [
    state.project,
    state.label,
    state.occurrence ? `${state.clock} ${state.occurrence}` : state.variant === 'default' ? state.clock : `${state.clock} (${state.variant})`,
    shortTime(state.start),
    state.provisional ? `${shortTime(state.due)} (provisional)` : shortTime(state.due),
    state.state,
    describeRemaining(state) || '-',
  ]);
  if (rows.length === 0) return 'no clocks';
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCalendar } from '../../src/calendar/calendar.ts';
import { computeClocks } from '../../src/clocks/compute.ts';
import { checkClockText, defaultDeadlinesDir, loadClockDefs, readClockDefs } from '../../src/clocks/load.ts';
import { DocpackError, formatProblem } from '../../src/errors.ts';
import { makeCircuit, withOrder } from './records.ts';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of rules/deadlines in a temp folder. */
function copyRules(): string {
  const dir = mkdtempSync(join(tmpdir(), 'docpack-clocks-'));
  temps.push(dir);
  cpSync(defaultDeadlinesDir(), dir, { recursive: true });
  return dir;
}

function editRule(dir: string, id: string, edit: (def: Record<string, unknown>) => void): void {
  const file = join(dir, `${id}.json`);
  const def = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(def);
  writeFileSync(file, JSON.stringify(def, null, 2));
}

const SURVEY = JSON.parse(readFileSync(join(defaultDeadlinesDir(), 'survey-due.json'), 'utf8')) as Record<string, unknown>;
const check = (def: Record<string, unknown>, id = 'survey-due') => checkClockText(JSON.stringify(def, null, 2), `rules/deadlines/${id}.json`, id);

describe('the repo rule files', () => {
  it('hold every handbook clock, one per file, each citing its section', () => {
    const defs = loadClockDefs();
    expect(defs.map((def) => def.id)).toEqual(
      expect.arrayContaining([
        'survey-due',
        'plan-due',
        'resource-check-validity',
        'circuit-completion-warning',
        'circuit-warning-pool',
        'circuit-completion',
        'weekly-progress-report',
        'problem-resolution',
        'serious-fault-key-customer',
        'serious-fault-cross-city',
        'serious-fault-ordinary',
      ]),
    );
    const files = readdirSync(defaultDeadlinesDir()).filter((name) => name.endsWith('.json') && name !== 'deadline.schema.json');
    expect(defs).toHaveLength(files.length);
    for (const def of defs) {
      expect(def.$schema).toBe('./deadline.schema.json');
      expect(def.description).toMatch(/§\d/);
    }
  });
});

describe('a number changed in a rule file changes the result, with no code change', () => {
  const asOf = DateTime.fromISO('2026-10-08T09:00:00+08:00');
  const record = withOrder({
    projectManager: { person: { name: '李', org: '网运部', level: 'local' }, namedAt: '2026-09-30T16:00:00+08:00' },
    convertedAt: '2026-09-01T10:00:00+08:00',
    circuits: [makeCircuit()],
  });
  const due = (dir: string | undefined, clock: string): string | null | undefined =>
    computeClocks(record, loadClockDefs(dir), loadCalendar(), asOf).find((state) => state.clock === clock)?.due;

  it('survey within 3 working days instead of 2: due on the make-up Saturday 2026-10-10', () => {
    const dir = copyRules();
    expect(due(dir, 'survey-due')).toBe('2026-10-09T23:59:59+08:00');
    editRule(dir, 'survey-due', (def) => {
      def.target = { workingDays: 3 };
    });
    expect(due(dir, 'survey-due')).toBe('2026-10-10T23:59:59+08:00');
    expect(due(undefined, 'survey-due')).toBe('2026-10-09T23:59:59+08:00');
  });

  it('warning pool 5 working days instead of 10: entry 2026-10-09 instead of 2026-09-28', () => {
    const dir = copyRules();
    editRule(dir, 'circuit-warning-pool', (def) => {
      def.target = { workingDays: 5 };
    });
    // Back from 10-16: 15, 14, 13, 12, 10 (make-up Saturday).
    expect(due(dir, 'circuit-warning-pool')).toBe('2026-10-10T00:00:00+08:00');
    expect(due(undefined, 'circuit-warning-pool')).toBe('2026-09-28T00:00:00+08:00');
  });
});

describe('loadClockDefs refuses bad clock files, naming the file', () => {
  it('a target with two units', () => {
    const { problems } = check({ ...SURVEY, target: { workingDays: 2, calendarDays: 3 } });
    expect(problems[0]).toMatchObject({ code: 'clock-invalid', file: 'rules/deadlines/survey-due.json', pointer: '/target' });
    expect(problems[0]!.line).toBeGreaterThan(1);
  });

  it('an id that is not the file name', () => {
    const { problems } = check({ ...SURVEY, id: 'survey-deadline' });
    expect(problems.map((p) => p.message)).toEqual(['id "survey-deadline" does not match the file name (survey-due.json)']);
  });

  it('a misspelt field, with a suggestion and the column at the wrong name', () => {
    const text = JSON.stringify({ ...SURVEY, stop: 'survey.doneAtt' }, null, 2);
    const { problems } = checkClockText(text, 'rules/deadlines/survey-due.json', 'survey-due');
    expect(problems[0]).toMatchObject({ code: 'clock-path', pointer: '/stop', hint: 'did you mean "survey.doneAt"?' });
    expect(problems[0]!.message).toContain('"survey.doneAtt" is not a field of the order');
    const line = text.split('\n')[problems[0]!.line! - 1]!;
    expect(line.slice(problems[0]!.column! - 1)).toMatch(/^doneAtt"/);
  });

  it('a misspelt key, pointed at itself, with the field it was meant to be', () => {
    const text = JSON.stringify({ ...SURVEY, target: { workingDay: 2 } }, null, 2);
    const { problems } = checkClockText(text, 'rules/deadlines/survey-due.json', 'survey-due');
    expect(problems[0]).toMatchObject({ code: 'clock-invalid', message: 'unknown field "workingDay"', hint: 'did you mean "workingDays"?' });
    expect(text.split('\n')[problems[0]!.line! - 1]!.slice(problems[0]!.column! - 1)).toMatch(/^"workingDay"/);
  });

  it('a value the field never takes, or of another type', () => {
    const { problems } = check({ ...SURVEY, applies: { path: 'complexity', equals: 'complx' } });
    expect(problems[0]).toMatchObject({ code: 'clock-path', pointer: '/applies/equals', hint: 'did you mean "complex"?' });
    expect(problems[0]!.message).toBe('"complx" is never a value of "complexity", which is one of "simple", "complex"');
    const listed = check({ ...SURVEY, applies: { path: 'urgent', in: [true, 'false'] } }).problems;
    expect(listed.map((p) => [p.pointer, p.message])).toEqual([['/applies/in/1', '"false" is never a value of "urgent", which is true or false']]);
  });

  it('a start that is not a time, an order. path outside order clocks, a before clock without anchor', () => {
    expect(check({ ...SURVEY, start: 'urgent' }).problems[0]!.message).toBe('"urgent" is not a date or a time');
    const fault = { ...SURVEY, subject: 'fault', start: 'startAt', stop: 'order.convertedAt', applies: undefined };
    expect(check(fault).problems[0]!.message).toContain('"order." is only visible to order and circuit clocks');
    const before = { ...SURVEY, direction: 'before' };
    expect(check(before).problems[0]).toMatchObject({ code: 'clock-invalid' });
  });

  it('a file that is not JSON, and a folder with a broken file', () => {
    expect(checkClockText('{ "id": ', 'x.json').problems[0]!.message).toMatch(/^not valid JSON/);
    const dir = copyRules();
    editRule(dir, 'plan-due', (def) => {
      def.target = { weeks: 1 };
    });
    const result = readClockDefs(dir);
    expect(result.problems.map((p) => p.file)).toEqual([join(dir, 'plan-due.json')]);
    expect(result.defs.map((def) => def.id)).not.toContain('plan-due');
    expect(result.defs.length).toBeGreaterThan(5);
    expect(() => loadClockDefs(dir)).toThrow(DocpackError);
    try {
      loadClockDefs(dir);
    } catch (error) {
      expect(formatProblem((error as DocpackError).problem)).toContain(`${join(dir, 'plan-due.json')}:`);
    }
  });

  it('a second file defining the same id is refused (an id must match its file name, so ids are unique)', () => {
    const dir = copyRules();
    writeFileSync(join(dir, 'survey-due-copy.json'), JSON.stringify(SURVEY));
    const { problems } = readClockDefs(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.file).toBe(join(dir, 'survey-due-copy.json'));
  });

  it('a missing folder', () => {
    expect(() => loadClockDefs('/nonexistent/deadlines')).toThrow(/cannot read the deadline folder/);
  });
});

// The facts stage's derived facts come from the rule and clock files: a team that edits
// rules/alerts/resource-second-check.json or rules/deadlines/circuit-warning-pool.json changes the
// sheets and the 周报 without touching src/. Each case edits a copy of rules/ and runs the CLI.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { loadCheckContext } from '../../src/facts/context.ts';
import { projectFacts } from '../../src/facts/facts.ts';
import { loadRecords } from '../../src/records/load.ts';
import { buildRowSources } from '../../src/render/excel/sources.ts';
import { weeklyReport } from '../../src/render/word/documents.ts';
import { parseAsOf, parseIsoWeek } from '../../src/time.ts';
import type ExcelJS from 'exceljs';
import { readBack } from '../render/excel/helpers.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'docpack-facts-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const AS_OF = '2026-11-25T09:00:00+08:00';

/** The text of a column's data cells, found by its header (the header row follows the sheet's title row). */
function columnValues(sheet: ExcelJS.Worksheet, header: string): string[] {
  const headerRow = [1, 2, 3].find((row) => (sheet.getRow(row).values as unknown[]).includes(header)) ?? 0;
  expect(headerRow, `column ${header}`).toBeGreaterThan(0);
  const index = (sheet.getRow(headerRow).values as unknown[]).indexOf(header);
  const values: string[] = [];
  for (let row = headerRow + 1; row <= sheet.rowCount; row++) values.push(String(sheet.getRow(row).getCell(index).value ?? ''));
  return values;
}

/** A copy of the rules (the frozen copy the tests use, test/pinned/rules) with one JSON file changed by `edit`. */
function editedRules(name: string, file: string, edit: (json: Record<string, unknown>) => void): string {
  const dir = path.join(scratch, name);
  cpSync('test/pinned/rules', dir, { recursive: true });
  const target = path.join(dir, file);
  const json = JSON.parse(readFileSync(target, 'utf8')) as Record<string, unknown>;
  edit(json);
  writeFileSync(target, `${JSON.stringify(json, null, 2)}\n`);
  return dir;
}

/** One column of a portfolio workbook that `docpack workbook` writes with these rule and deadline folders. */
async function column(name: string, spec: string, sheet: string, header: string, rules?: string): Promise<string[]> {
  const out = path.join(scratch, `out-${name}`);
  const dirs = rules ? ['--rules', path.join(rules, 'alerts'), '--deadlines', path.join(rules, 'deadlines')] : [];
  const io = memoryIo();
  expect(await main(['workbook', 'fixtures/projects', '--out', out, '--as-of', AS_OF, '--spec', spec, ...dirs], io), io.stderr.join('\n')).toBe(0);
  const book = await readBack(readFileSync(path.join(out, 'portfolio', `${spec === 'resource-register' ? '资源核查台账' : '电路预警清单'}.xlsx`)));
  return columnValues(book.getWorksheet(sheet)!, header);
}

describe('derived facts follow the rule and clock files', () => {
  it('the resource register shows the second-check finding of rules/alerts/resource-second-check.json as that file says', async () => {
    const shipped = await column('second-shipped', 'resource-register', '资源核查', '二次核查预警');
    expect(shipped.filter((value) => value !== '').length).toBeGreaterThan(0);
    // A team decides that a schedule not met needs no second check: only 不具备 does.
    const rules = editedRules('second-edited', 'alerts/resource-second-check.json', (rule) => {
      const conditions = rule.conditions as { all: { any?: { path: string }[] }[] };
      const any = conditions.all[0]!.any!;
      conditions.all[0] = { any: any.filter((condition) => condition.path !== '$.scheduleMet') };
    });
    const edited = await column('second-edited', 'resource-register', '资源核查', '二次核查预警', rules);
    expect(edited.filter((value) => value !== '').length).toBeLessThan(shipped.filter((value) => value !== '').length);
  });

  it('the circuit warning list and the next week\'s pool entries follow the working days of rules/deadlines/circuit-warning-pool.json', async () => {
    const shipped = await column('pool-shipped', 'circuit-warnings', '电路预警清单', '电路编号');
    // 20 working days before the required completion instead of 10: more circuits are in the pool.
    const rules = editedRules('pool-edited', 'deadlines/circuit-warning-pool.json', (clock) => {
      clock.target = { workingDays: 20 };
    });
    const edited = await column('pool-edited', 'circuit-warnings', '电路预警清单', '电路编号', rules);
    expect(edited.length).toBeGreaterThan(shipped.length);
    for (const circuit of shipped) expect(edited).toContain(circuit);

    // The facts product itself: pool entries of the week after, from the clock file alone.
    const asOf = parseAsOf(AS_OF)!;
    const records = (await loadRecords(['fixtures/projects'])).records.map((entry) => entry.record);
    const week = parseIsoWeek('2026-W47');
    const entries = (rulesDir?: string): string[] => {
      const context = loadCheckContext(asOf, rulesDir ? { rulesDir: path.join(rulesDir, 'alerts'), deadlinesDir: path.join(rulesDir, 'deadlines') } : {});
      return records.flatMap((record) => projectFacts(record, context, { week, findings: [] }).poolNextWeek.map((entry) => `${entry.circuitId} ${entry.entersAt}`)).sort();
    };
    expect(entries(rules)).not.toEqual(entries());
  });
});

describe('one definition of a week\'s report status', () => {
  it('the 周报 sheet and the Word 周进度报告 say the same of every order, from the weekly-progress-report clock', async () => {
    const asOf = parseAsOf(AS_OF)!;
    const context = loadCheckContext(asOf);
    const records = (await loadRecords(['fixtures/projects'])).records.map((entry) => entry.record);
    let compared = 0;
    const statuses = new Set<string>();
    for (const weekId of ['2026-W46', '2026-W47', '2026-W48']) {
      for (const record of records) {
        const facts = projectFacts(record, context, { week: parseIsoWeek(weekId), findings: [] });
        const sheet = [...buildRowSources({ projects: [facts], labels: context.labels }).weeklyProgress!].map((row) => [(row.order as { id: string }).id, (row.facts as { status: string }).status]);
        const [document] = weeklyReport.instances(facts.record, { asOf, calendar: context.calendar, facts, findings: [] });
        const word = ((document?.context.orders ?? []) as { id: string; reportStatus: string }[]).map((order) => [order.id, order.reportStatus]);
        expect(sheet, `${record.id} ${weekId}`).toEqual(word);
        compared += sheet.length;
        for (const [, status] of sheet) statuses.add(status as string);
      }
    }
    expect(compared).toBeGreaterThan(20);
    // Before, the sheet said 未提交 (missing) for P2026-RET-010's order in W47, whose report the clock did not ask for.
    expect([...statuses].sort()).toEqual(['missing', 'not-due', 'not-required', 'submitted']);
  });
});

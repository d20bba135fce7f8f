// Shared by the Excel tests (render-child.mjs renders the same way from dist/, in a child process): rendering the fixtures,
// reading workbooks back, golden text.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { checkRecord } from '../../../src/alerts/pipeline.ts';
import { loadCalendar } from '../../../src/calendar/calendar.ts';
import { loadCheckContext } from '../../../src/cli/context.ts';
import { loadRecords } from '../../../src/records/load.ts';
import type { ProjectRecord } from '../../../src/records/types.gen.ts';
import { loadLabels } from '../../../src/labels.ts';
import { renderWorkbook, type RenderInput } from '../../../src/render/excel/render.ts';
import { buildRowSources, ROW_SOURCES } from '../../../src/render/excel/sources.ts';
import type { Finding } from '../../../src/alerts/types.ts';
import { findingsByProject, projectFacts, type ProjectFacts } from '../../../src/facts/facts.ts';
import { loadSheetSpecs, type LoadedSpec } from '../../../src/render/excel/spec.ts';
import { parseAsOf, weekOf, type IsoWeek } from '../../../src/time.ts';

export const AS_OF = parseAsOf('2026-11-25T09:00:00+08:00')!;
export const labels = loadLabels();
export const calendar = loadCalendar();
export const context = loadCheckContext(AS_OF);
export const specs: LoadedSpec[] = loadSheetSpecs({ labels, sources: ROW_SOURCES });

export function specNamed(name: string): LoadedSpec {
  const found = specs.find((spec) => spec.name === name);
  if (!found) throw new Error(`no spec ${name}`);
  return found;
}

let fixtureRecords: ProjectRecord[] | undefined;
export async function fixtures(): Promise<ProjectRecord[]> {
  if (!fixtureRecords) {
    const loaded = await loadRecords(['fixtures/projects']);
    if (loaded.problems.length > 0) throw new Error(`fixtures invalid: ${JSON.stringify(loaded.problems[0])}`);
    fixtureRecords = loaded.records.map((entry) => entry.record);
  }
  return fixtureRecords;
}

/** The findings the rules raise for these records, in record order, as build gives them to the sheets. */
export function ruleFindings(records: readonly ProjectRecord[]): Finding[] {
  return records.flatMap((record) => checkRecord(record, context).findings);
}

/**
 * The facts stage's product for these records, with the findings given (none when not given: the
 * golden texts render the sample without the alert rules). A finding of a project not among the
 * records is an error here, so a test cannot lose one silently.
 */
export function factsOf(records: readonly ProjectRecord[], findings: readonly Finding[] = [], week: IsoWeek = weekOf(AS_OF)): ProjectFacts[] {
  const byProject = findingsByProject(findings);
  const facts = records.map((record) => projectFacts(record, context, { week, findings: byProject.get(record.id) ?? [] }));
  for (const id of byProject.keys()) if (!records.some((record) => record.id === id)) throw new Error(`findings of ${id}, which is not among the records`);
  return facts;
}

export function inputFor(spec: LoadedSpec, records: readonly ProjectRecord[], extra: Partial<RenderInput> & { findings?: Finding[] } = {}): RenderInput {
  const { findings, ...rest } = extra;
  const sources = buildRowSources({ projects: factsOf(records, findings), labels });
  return { spec: spec.spec, specFile: spec.file, sources, asOf: AS_OF, calendar, labels, ...rest };
}

export async function render(spec: LoadedSpec, records: readonly ProjectRecord[], extra: Partial<RenderInput> & { findings?: Finding[] } = {}): Promise<Buffer> {
  const { data, report } = await renderWorkbook(inputFor(spec, records, extra));
  if (report.problems.length > 0) throw new Error(`render problems: ${JSON.stringify(report.problems)}`);
  return data;
}

export async function readBack(data: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(data as unknown as ArrayBuffer);
  return workbook;
}

/** Text of one cell as the golden files show it: dates as ISO (time when the format has one), numbers plain. */
export function cellText(cell: ExcelJS.Cell): string {
  const value = cell.value;
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const iso = value.toISOString();
    return /h/.test(cell.numFmt ?? '') ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
  }
  if (typeof value === 'object') return `<${JSON.stringify(value)}>`;
  return String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** A sheet as tab-separated text, one line per row, trailing empty cells dropped. */
export function sheetText(sheet: ExcelJS.Worksheet): string {
  const lines: string[] = [];
  // columnCount walks every row: read it once, not once per row.
  const columnCount = sheet.columnCount;
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells: string[] = [];
    // A merged range (the title row) shows its text once, in its first cell.
    for (let c = 1; c <= Math.max(columnCount, row.cellCount); c++) {
      const cell = row.getCell(c);
      cells.push(cell.isMerged && cell.master !== cell ? '' : cellText(cell));
    }
    while (cells.length > 0 && cells.at(-1) === '') cells.pop();
    lines.push(cells.join('\t'));
  }
  return `${lines.join('\n')}\n`;
}

/** Compares with test/golden/excel/<workbook>/<sheet>.tsv; UPDATE_GOLDEN=1 rewrites it. */
export function expectGolden(workbook: string, sheet: string, text: string): void {
  const file = path.join('test', 'golden', 'excel', workbook, `${sheet}.tsv`);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    if (process.env.UPDATE_GOLDEN !== '1') throw new Error(`wrote missing golden file ${file}; review it and run again`);
  }
  const expected = readFileSync(file, 'utf8');
  if (text !== expected) {
    const at = [...text].findIndex((char, index) => char !== expected[index]);
    throw new Error(`${file} differs from the rendered text near "${text.slice(Math.max(0, at - 40), at + 40)}"; run UPDATE_GOLDEN=1 and review the diff`);
  }
}

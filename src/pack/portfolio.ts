// Each project's part of the portfolio documents, worked out where the project is rendered (a worker
// thread) from the facts it already has, and sent back with the project's result; the main thread adds
// the parts in project order as they come (PortfolioAssembly), while the other projects still render,
// and never reads a record again for it.
import type { DateTime } from 'luxon';
import type { CheckContext } from '../alerts/pipeline.ts';
import type { ProjectFacts } from '../facts/facts.ts';
import { addEncodedRows, collectedSheet, encodedSheetRows, mergeMeasured, type EncodedSheetRows, type LoggedProblem, type Measured } from '../render/excel/render.ts';
import type { SortedRows } from '../render/excel/sorted-rows.ts';
import type { RowSources } from '../render/excel/sources.ts';
import type { LoadedSpec } from '../render/excel/spec.ts';
import { portfolioWeeklyEntry, PortfolioWeeklyAssembly, type PortfolioWeeklyEntry } from '../render/word/portfolio.ts';
import type { IsoWeek } from '../time.ts';
import { openFindingsOfWeek } from './summary.ts';
import type { PackSpec } from './spec.ts';

/** Scratch space inside the staging directory (docpack merge, the weekly report); removed before the pack is swapped in. */
export const WORK_DIR = '.work';

/** Conversion problems of a project's portfolio sheet rows, by portfolio entry index (only entries that had some). */
export type PortfolioProblems = Record<string, LoggedProblem[]>;

export interface ProjectPortfolioInput {
  facts: ProjectFacts;
  pack: PackSpec;
  specs: ReadonlyMap<string, LoadedSpec>;
  /** The project's row sources (shared with its own workbooks). */
  sources: RowSources;
  context: CheckContext;
  asOf: DateTime;
  week: IsoWeek;
  /** Whether the 周报 has a section per project (up to DETAIL_LIMIT projects in the run). */
  detailed: boolean;
}

/** A project's part of one portfolio document: a workbook's rows, sheet by sheet, or its 周报 entry (as JSON). */
export type PortfolioEntryPart = { kind: 'excel'; sheets: Omit<EncodedSheetRows, 'problems'>[] } | { kind: 'word'; weekly: string };

/** A project's part of every portfolio document, by index in pack.portfolio: plain data, it crosses threads. */
export type ProjectPortfolioPart = PortfolioEntryPart[];

/**
 * The project's part of every portfolio document: for a workbook, the rows of each sheet as written
 * (filtered, cells worked out and encoded, with their sort keys; sorting waits for all projects); for
 * the 周报, its entry (portfolioWeeklyEntry). Also the workbooks' conversion problems.
 */
export function projectPortfolioPart(input: ProjectPortfolioInput): { part: ProjectPortfolioPart; problems: PortfolioProblems } {
  const { facts, context, asOf } = input;
  const problems: PortfolioProblems = {};
  const part = input.pack.portfolio.map((entry, index): PortfolioEntryPart => {
    if (entry.kind === 'excel') {
      const spec = input.specs.get(entry.template);
      if (!spec) throw new Error(`pack: no excel template "${entry.template}"`);
      const sheets = encodedSheetRows({ spec: spec.spec, specFile: spec.file, sources: input.sources, asOf, calendar: context.calendar, labels: context.labels });
      const logged = sheets.flatMap((sheet) => sheet.problems);
      if (logged.length > 0) problems[String(index)] = logged;
      return { kind: 'excel', sheets: sheets.map(({ lines, keys, measured }) => ({ lines, measured, ...(keys ? { keys } : {}) })) };
    }
    const open = openFindingsOfWeek(facts.findings, input.week);
    // As JSON, as it was kept in a scratch file: what goes in is exactly what JSON keeps of the entry.
    return { kind: 'word', weekly: JSON.stringify(portfolioWeeklyEntry({ facts, findings: open }, { asOf, calendar: context.calendar, week: input.week, detailed: input.detailed })) };
  });
  return { part, problems };
}

/** What one portfolio document collects of the projects' parts. */
type Collecting = { kind: 'excel'; sheets: SortedRows[]; measured: (Measured | undefined)[] } | { kind: 'word'; weekly: PortfolioWeeklyAssembly };

/**
 * Every portfolio document being put together from the projects' parts, added in project order as
 * they come: a workbook's sheets collect their rows (past a few thousand rows in a scratch file,
 * with only the sort keys held), the 周报 its assembly. What is left once the last project is in is
 * sorting and writing (writePortfolio).
 */
export class PortfolioAssembly {
  readonly entries: Collecting[];

  constructor(pack: PackSpec, specs: ReadonlyMap<string, LoadedSpec>, detailed: boolean) {
    this.entries = pack.portfolio.map((entry): Collecting => {
      if (entry.kind === 'word') return { kind: 'word', weekly: new PortfolioWeeklyAssembly(detailed) };
      const spec = specs.get(entry.template);
      if (!spec) throw new Error(`pack: no excel template "${entry.template}"`);
      return { kind: 'excel', sheets: spec.spec.sheets.map((sheet) => collectedSheet(sheet)), measured: spec.spec.sheets.map(() => undefined) };
    });
  }

  /** Adds the next project's part (projects in id order). */
  add(part: ProjectPortfolioPart): void {
    for (const [index, collecting] of this.entries.entries()) {
      const entry = part[index];
      if (collecting.kind === 'excel' && entry?.kind === 'excel') {
        for (const [sheetIndex, sheet] of collecting.sheets.entries()) {
          const rows = entry.sheets[sheetIndex];
          if (!rows) throw new Error(`portfolio entry ${index}: a project's part has no rows for sheet ${sheetIndex + 1}`);
          addEncodedRows(sheet, rows);
          collecting.measured[sheetIndex] = mergeMeasured(collecting.measured[sheetIndex], rows.measured);
        }
      } else if (collecting.kind === 'word' && entry?.kind === 'word') {
        collecting.weekly.add(JSON.parse(entry.weekly) as PortfolioWeeklyEntry);
      } else {
        throw new Error(`portfolio entry ${index}: a project's part does not match the pack definition`);
      }
    }
  }

  /** Lets go of the sheets' scratch files (after writing, or when the run fails). */
  close(): void {
    for (const collecting of this.entries) if (collecting.kind === 'excel') for (const sheet of collecting.sheets) sheet.close();
  }
}

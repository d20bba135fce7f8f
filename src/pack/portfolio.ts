// Each project's part of the portfolio documents, worked out where the project is rendered (a worker
// thread) from the facts it already has, and kept in a compact scratch file until the main thread puts
// the portfolio together in project order: the main thread never reads a record again for it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DateTime } from 'luxon';
import type { CheckContext } from '../alerts/pipeline.ts';
import type { ProjectFacts } from '../facts/facts.ts';
import { sheetRows, type LoggedProblem, type PrecomputedSheet } from '../render/excel/render.ts';
import { decodeCell, encodeCell } from '../render/excel/sorted-rows.ts';
import type { RowSources } from '../render/excel/sources.ts';
import type { LoadedSpec } from '../render/excel/spec.ts';
import { portfolioWeeklyEntry, type PortfolioWeeklyEntry } from '../render/word/portfolio.ts';
import type { IsoWeek } from '../time.ts';
import { openFindingsOfWeek } from './summary.ts';
import { writeFileAtomic } from '../write/atomic.ts';
import { safeSegment } from './output.ts';
import type { PackSpec } from './spec.ts';

/** Scratch space inside the staging directory; removed before the pack is swapped in. */
export const WORK_DIR = '.work';

/** Where a project's part of the portfolio document `entry` (its index in pack.portfolio) waits. */
export function portfolioScratchFile(staging: string, entry: number, id: string): string {
  return path.join(staging, WORK_DIR, 'portfolio', String(entry), `${safeSegment(id)}.json`);
}

/** Conversion problems of a project's portfolio sheet rows, by portfolio entry index (only entries that had some). */
export type PortfolioProblems = Record<string, LoggedProblem[]>;

export interface ProjectPortfolioInput {
  staging: string;
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

/**
 * Writes the project's part of every portfolio document to its scratch files: for a workbook, the
 * rows of each sheet as written (filtered, cells worked out; sorting waits for all projects); for the
 * 周报, its entry (portfolioWeeklyEntry). Returns the workbooks' conversion problems.
 */
export function writeProjectPortfolio(input: ProjectPortfolioInput): PortfolioProblems {
  const { facts, context, asOf } = input;
  const problems: PortfolioProblems = {};
  for (const [index, entry] of input.pack.portfolio.entries()) {
    const file = portfolioScratchFile(input.staging, index, facts.record.id);
    if (entry.kind === 'excel') {
      const spec = input.specs.get(entry.template);
      if (!spec) throw new Error(`pack: no excel template "${entry.template}"`);
      const sheets = sheetRows({ spec: spec.spec, specFile: spec.file, sources: input.sources, asOf, calendar: context.calendar, labels: context.labels });
      writeFileAtomic(file, JSON.stringify(sheets.map((sheet) => sheet.rows.map((cells) => cells.map(encodeCell)))));
      const logged = sheets.flatMap((sheet) => sheet.problems);
      if (logged.length > 0) problems[String(index)] = logged;
    } else {
      const open = openFindingsOfWeek(facts.findings, input.week);
      const weekly = portfolioWeeklyEntry({ facts, findings: open }, { asOf, calendar: context.calendar, week: input.week, detailed: input.detailed });
      writeFileAtomic(file, JSON.stringify(weekly));
    }
  }
  return problems;
}

/** One sheet of a portfolio workbook over every project, in project order, read from the scratch files as it is iterated. */
export function portfolioSheet(staging: string, entry: number, sheetIndex: number, sheetName: string, projects: readonly { id: string; portfolioProblems?: PortfolioProblems }[]): PrecomputedSheet {
  return {
    rows: {
      *[Symbol.iterator]() {
        for (const project of projects) {
          const sheets = JSON.parse(readFileSync(portfolioScratchFile(staging, entry, project.id), 'utf8')) as unknown[][][];
          for (const cells of sheets[sheetIndex] ?? []) yield cells.map(decodeCell);
        }
      },
    },
    problems: projects.flatMap((project) => (project.portfolioProblems?.[String(entry)] ?? []).filter((problem) => problem.sheet === sheetName)),
  };
}

/** The 周报 entries of every project, in project order, read from the scratch files as they are iterated. */
export function portfolioWeeklyEntries(staging: string, entry: number, projects: readonly { id: string }[]): Iterable<PortfolioWeeklyEntry> {
  return {
    *[Symbol.iterator]() {
      for (const project of projects) yield JSON.parse(readFileSync(portfolioScratchFile(staging, entry, project.id), 'utf8')) as PortfolioWeeklyEntry;
    },
  };
}

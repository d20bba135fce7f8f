// `docpack rules lint` beyond the rules: the calendars, the sheet specs and the pack spec, each
// problem with file:line:column, so a team that edits any of them hears of a mistake before a build.
import { readFileSync } from 'node:fs';
import { closest } from 'fastest-levenshtein';
import { loadCalendar } from '../calendar/calendar.ts';
import { patternSchema } from '../clocks/load.ts';
import { recordSchema } from '../records/schema-paths.ts';
import { DocpackError, type Problem } from '../errors.ts';
import { SourceMap } from '../records/json-text.ts';
import { ROW_SOURCES } from '../render/excel/sources.ts';
import { readSheetSpecs } from '../render/excel/spec.ts';
import type { Labels } from '../labels.ts';
import { DOCUMENT_KINDS, findDocumentKind } from '../render/word/documents.ts';
import { loadPackSpec } from './spec.ts';

function asProblem(error: unknown): Problem {
  if (error instanceof DocpackError) return error.problem;
  throw error;
}

/** The calendar folder: every year file against its schema, years matching file names. */
export function lintCalendars(dir?: string): { years: number; problems: Problem[] } {
  try {
    return { years: loadCalendar(dir).years.length, problems: [] };
  } catch (error) {
    return { years: 0, problems: [asProblem(error)] };
  }
}

/** The sheet specs: schema, row sources, columns, label groups. */
export function lintSheetSpecs(labels: Labels, dir?: string): { specs: string[]; problems: Problem[] } {
  const read = readSheetSpecs({ labels, sources: ROW_SOURCES }, dir);
  return { specs: read.specs.map((spec) => spec.name), problems: read.problems };
}

const PORTFOLIO_WORD = 'portfolio-weekly';

/** The pack spec: its schema, templates that exist, and "requires" paths the record schema has. */
export function lintPackSpec(file: string, specNames: readonly string[]): { entries: number; problems: Problem[] } {
  let pack;
  try {
    pack = loadPackSpec(file);
  } catch (error) {
    return { entries: 0, problems: [asProblem(error)] };
  }
  const map = new SourceMap(readFileSync(file, 'utf8'));
  const problems: Problem[] = [];
  const words = [...DOCUMENT_KINDS.map((kind) => kind.alias), PORTFOLIO_WORD];
  for (const part of ['project', 'portfolio'] as const) {
    pack[part].forEach((entry, index) => {
      const at = `/${part}/${index}`;
      const known = entry.kind === 'excel' ? specNames.includes(entry.template) : entry.template === PORTFOLIO_WORD || findDocumentKind(entry.template) !== undefined;
      if (!known) {
        const choices = entry.kind === 'excel' ? [...specNames] : words;
        problems.push({ code: 'unknown-template', severity: 'error', file, ...map.locate(`${at}/template`), field: `${part}[${index}].template`, message: `no ${entry.kind} template "${entry.template}"`, hint: choices.length > 0 ? `did you mean "${closest(entry.template, choices)}"? templates: ${choices.join(', ')}` : undefined });
      }
      (entry.requires ?? []).forEach((requirement, position) => {
        const found = patternSchema(recordSchema(), requirement);
        if (!found.node) problems.push({ code: 'unknown-requirement', severity: 'error', file, ...map.locate(`${at}/requires/${position}`), field: `${part}[${index}].requires[${position}]`, message: `"${requirement}" is not a part of the record (no "${found.failed}")`, hint: found.hint });
      });
    });
  }
  return { entries: pack.project.length + pack.portfolio.length, problems };
}

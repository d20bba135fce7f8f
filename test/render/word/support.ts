import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { loadCalendar } from '../../../src/calendar/calendar.ts';
import type { DateTime } from 'luxon';
import type { Finding } from '../../../src/alerts/types.ts';
import { loadCheckContext } from '../../../src/facts/context.ts';
import { projectFacts } from '../../../src/facts/facts.ts';
import type { ProjectRecord } from '../../../src/records/types.gen.ts';
import { DOCUMENT_KINDS, type DocumentOptions } from '../../../src/render/word/documents.ts';
import { WordRenderer, type RenderedDocument } from '../../../src/render/word/render.ts';
import { parseAsOf, parseIsoWeek } from '../../../src/time.ts';

/** The sample's as-of time, and the last full week before it (the fixtures' reports go up to it). */
export const AS_OF = parseAsOf('2026-11-25T09:00:00+08:00')!;
export const WEEK = '2026-W47';

export const calendar = loadCalendar();

export function fixtureFiles(): string[] {
  const dir = 'fixtures/projects';
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => path.join(dir, name));
}

export function readRecord(file: string): ProjectRecord {
  return JSON.parse(readFileSync(file, 'utf8')) as ProjectRecord;
}

/** What a test may set: the as-of, the week of the weekly report, the open findings the documents show. */
export interface TestOptions {
  asOf?: DateTime;
  week?: string;
  findings?: Finding[];
}

const context = loadCheckContext(AS_OF);

/** The documents' options for a record: the facts stage's product (without the rules: findings only when given). */
export function documentOptions(record: ProjectRecord, overrides: TestOptions = {}): DocumentOptions {
  const asOf = overrides.asOf ?? AS_OF;
  const facts = projectFacts(record, { ...context, asOfMs: asOf.toMillis() }, { week: parseIsoWeek(overrides.week ?? WEEK), findings: [] });
  return { asOf, calendar, facts, findings: overrides.findings ?? [] };
}

let shared: WordRenderer | undefined;
export function renderer(): WordRenderer {
  shared ??= new WordRenderer({ calendar });
  return shared;
}

/** Every document of a record as known at the as-of, with its clock states as a build gives them (findings only when given). */
export async function renderAll(record: ProjectRecord, overrides: TestOptions = {}): Promise<RenderedDocument[]> {
  const options = documentOptions(record, overrides);
  return renderer().renderRecord(options.facts.record, DOCUMENT_KINDS, options);
}

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { loadCalendar } from '../../../src/calendar/calendar.ts';
import { computeClocks } from '../../../src/clocks/compute.ts';
import { loadClockDefs } from '../../../src/clocks/load.ts';
import type { ProjectRecord } from '../../../src/records/types.gen.ts';
import { DOCUMENT_KINDS, type DocumentOptions } from '../../../src/render/word/documents.ts';
import { WordRenderer, type RenderedDocument } from '../../../src/render/word/render.ts';
import { parseAsOf } from '../../../src/time.ts';

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

export function documentOptions(overrides: Partial<DocumentOptions> = {}): DocumentOptions {
  return { asOf: AS_OF, calendar, week: WEEK, ...overrides };
}

let shared: WordRenderer | undefined;
export function renderer(): WordRenderer {
  shared ??= new WordRenderer({ calendar });
  return shared;
}

const clockDefs = loadClockDefs();

/** Every document of a record, with its clock states as a build gives them (findings only when given). */
export async function renderAll(record: ProjectRecord, overrides: Partial<DocumentOptions> = {}): Promise<RenderedDocument[]> {
  const clocks = computeClocks(record, clockDefs, calendar, AS_OF);
  return renderer().renderRecord(record, DOCUMENT_KINDS, documentOptions({ clocks, ...overrides }));
}

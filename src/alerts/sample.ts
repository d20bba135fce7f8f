// The sample's expected findings as data (fixtures/expected-findings.json): what `check` must raise
// on the sample records at a fixed as-of. Rule editors see the difference in words
// (`docpack rules diff`) and accept it (`docpack rules accept`); no test code holds findings.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DocpackError } from '../errors.ts';
import { SourceMap, describeSyntaxError } from '../records/json-text.ts';
import type { Finding } from './types.ts';

/** One expected finding: the fields a reviewer checks, nothing that changes with wording. */
export interface SampleFinding {
  project: string;
  rule: string;
  /** The subject's label as `check` prints it (circuit id, order id, "ORD-1 2026-W47"...). */
  subject: string;
  type: Finding['type'];
  level: Finding['level'];
  /** The deadline, 2026-11-20T23:59:59+08:00, or null. */
  due: string | null;
  status: 'open' | 'closed';
  /** Present (true) when the deadline counted a day of a provisional calendar year. */
  provisional?: true;
}

export interface SampleFile {
  $comment?: string;
  /** The moment the sample is checked at. */
  asOf: string;
  /** Record files or folders, relative to the expected-findings file. */
  inputs: string[];
  /** Checked with provisional calendar years (--calendar-provisional when accepted). */
  calendarProvisional?: boolean;
  findings: SampleFinding[];
}

export const DEFAULT_SAMPLE_FILE = 'fixtures/expected-findings.json';

const FIELDS = ['type', 'level', 'due', 'status', 'provisional'] as const;

export function sampleFindingOf(finding: Finding): SampleFinding {
  return {
    project: finding.project,
    rule: finding.ruleId,
    subject: finding.subject.label,
    type: finding.type,
    level: finding.level,
    due: finding.due,
    status: finding.closedAt === null ? 'open' : 'closed',
    ...(finding.provisional ? { provisional: true as const } : {}),
  };
}

function keyOf(finding: SampleFinding): string {
  return `${finding.project}\u0000${finding.rule}\u0000${finding.subject}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted by project, rule, subject: the order a reviewer scans, stable whatever the evaluation order. */
export function sortSample(findings: readonly SampleFinding[]): SampleFinding[] {
  return [...findings].sort((a, b) => compareText(a.project, b.project) || compareText(a.rule, b.rule) || compareText(a.subject, b.subject));
}

export interface SampleChange {
  before: SampleFinding;
  after: SampleFinding;
  fields: (typeof FIELDS)[number][];
}

export interface SampleDiff {
  added: SampleFinding[];
  removed: SampleFinding[];
  changed: SampleChange[];
  unchanged: number;
}

/** Expected against actual, matched by project, rule and subject. */
export function diffSample(expected: readonly SampleFinding[], actual: readonly SampleFinding[]): SampleDiff {
  const before = new Map(expected.map((finding) => [keyOf(finding), finding]));
  const after = new Map(actual.map((finding) => [keyOf(finding), finding]));
  const diff: SampleDiff = { added: [], removed: [], changed: [], unchanged: 0 };
  for (const finding of sortSample(actual)) {
    const old = before.get(keyOf(finding));
    if (!old) diff.added.push(finding);
    else {
      const fields = FIELDS.filter((field) => (field === 'provisional' ? Boolean(old.provisional) !== Boolean(finding.provisional) : old[field] !== finding[field]));
      if (fields.length > 0) diff.changed.push({ before: old, after: finding, fields });
      else diff.unchanged += 1;
    }
  }
  for (const finding of sortSample(expected)) if (!after.has(keyOf(finding))) diff.removed.push(finding);
  return diff;
}

export function isEmptyDiff(diff: SampleDiff): boolean {
  return diff.added.length + diff.removed.length + diff.changed.length === 0;
}

const LEVEL_TEXT: Record<SampleFinding['level'], string> = { local: '本地网 local', province: '省 province', group: '集团 group' };

function when(due: string | null): string {
  return due === null ? 'no due' : `due ${due.slice(0, 16).replace('T', ' ')}`;
}

function describeFinding(finding: SampleFinding): string {
  return `${finding.project} ${finding.subject}: ${finding.rule}, ${finding.type} at ${LEVEL_TEXT[finding.level]}, ${when(finding.due)}, ${finding.status}${finding.provisional ? ', provisional' : ''}`;
}

function describeField(field: SampleChange['fields'][number], before: SampleFinding, after: SampleFinding): string {
  if (field === 'level') return `level ${LEVEL_TEXT[before.level]} → ${LEVEL_TEXT[after.level]}`;
  if (field === 'due') return `${when(before.due)} → ${when(after.due).replace(/^due /, '')}`;
  if (field === 'provisional') return after.provisional ? 'now on a provisional calendar year' : 'no longer provisional';
  return `${field} ${before[field]} → ${after[field]}`;
}

/** The difference in words, one line per finding. */
export function describeDiff(diff: SampleDiff): string[] {
  return [
    ...diff.added.map((finding) => `+ new       ${describeFinding(finding)}`),
    ...diff.removed.map((finding) => `- gone      ${describeFinding(finding)}`),
    ...diff.changed.map(({ before, after, fields }) => `~ changed   ${after.project} ${after.subject}: ${after.rule}, ${fields.map((field) => describeField(field, before, after)).join(', ')}`),
  ];
}

export function summarizeDiff(diff: SampleDiff): string {
  return `${diff.added.length} new, ${diff.removed.length} gone, ${diff.changed.length} changed, ${diff.unchanged} unchanged`;
}

/** The file text: pretty JSON with one finding per line, so a review diff shows one line per finding. */
export function formatSampleFile(file: SampleFile): string {
  const head = { ...(file.$comment !== undefined ? { $comment: file.$comment } : {}), asOf: file.asOf, inputs: file.inputs, ...(file.calendarProvisional ? { calendarProvisional: true } : {}) };
  const headText = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  const lines = sortSample(file.findings).map((finding) => `    ${JSON.stringify(finding)}`);
  return `${headText},\n  "findings": [${lines.length > 0 ? `\n${lines.join(',\n')}\n  ` : ''}]\n}\n`;
}

function fail(file: string, message: string, map?: SourceMap, pointer = ''): never {
  throw new DocpackError({ code: 'sample-invalid', file, ...map?.locate(pointer), message, hint: `run docpack rules accept to write ${DEFAULT_SAMPLE_FILE} again from the current findings` });
}

const STATUSES = new Set(['open', 'closed']);
const TYPES = new Set(['warning', 'escalation']);
const LEVELS = new Set(['local', 'province', 'group']);

/** Reads and checks an expected-findings file; problems name file:line:column. */
export function readSampleFile(file: string): SampleFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DocpackError({ code: 'sample-missing', file, message: `cannot read the expected findings (${(error as NodeJS.ErrnoException).code ?? String(error)})`, hint: 'write it with docpack rules accept --as-of <time> <inputs...>' });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DocpackError({ severity: 'error', file, ...describeSyntaxError(text, error) });
  }
  const map = new SourceMap(text);
  const data = value as Partial<SampleFile>;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) fail(file, 'must be an object with asOf, inputs and findings', map);
  if (typeof data.asOf !== 'string') fail(file, 'asOf: must be a time such as "2026-11-25T09:00:00+08:00"', map, '/asOf');
  if (!Array.isArray(data.inputs) || data.inputs.length === 0 || data.inputs.some((input) => typeof input !== 'string')) fail(file, 'inputs: must be a list of record files or folders', map, '/inputs');
  if (!Array.isArray(data.findings)) fail(file, 'findings: must be a list', map, '/findings');
  if (data.calendarProvisional !== undefined && typeof data.calendarProvisional !== 'boolean') fail(file, 'calendarProvisional: must be true or false', map, '/calendarProvisional');
  data.findings.forEach((finding: SampleFinding, index) => {
    const at = `/findings/${index}`;
    const ok =
      finding !== null &&
      typeof finding === 'object' &&
      ['project', 'rule', 'subject'].every((key) => typeof (finding as unknown as Record<string, unknown>)[key] === 'string') &&
      TYPES.has(finding.type) &&
      LEVELS.has(finding.level) &&
      STATUSES.has(finding.status) &&
      (finding.due === null || typeof finding.due === 'string') &&
      (finding.provisional === undefined || finding.provisional === true);
    if (!ok) fail(file, `findings[${index}]: needs project, rule, subject, type (warning|escalation), level (local|province|group), due (time or null), status (open|closed)`, map, at);
  });
  return data as SampleFile;
}

/** The inputs of a sample file, as paths from the working directory. */
export function sampleInputs(file: string, sample: Pick<SampleFile, 'inputs'>): string[] {
  return sample.inputs.map((input) => path.join(path.dirname(file), input));
}

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { ValidateFunction } from 'ajv';
import type { Problem } from '../errors.ts';
import { formatProblem } from '../errors.ts';
import { checkRecordText } from '../records/load.ts';
import { createAjv, describeSchemaErrors } from '../records/schema.ts';
import { timeToEpochMs } from '../time.ts';
import { compileRules } from './evaluate.ts';
import { checkRecord, type CheckContext } from './pipeline.ts';
import type { AlertRule, Finding } from './types.ts';

export interface ExpectedFinding {
  subject?: string;
  label?: string;
  occurrence?: string;
  type?: Finding['type'];
  level?: Finding['level'];
  severity?: Finding['severity'];
  due?: string | null;
  openedAt?: string | null;
  closed?: boolean;
  messageIncludes?: string;
}

export interface RuleCase {
  name: string;
  asOf: string;
  record: Record<string, unknown>;
  expect: ExpectedFinding[];
}

export interface CaseResult {
  file: string;
  rule: string;
  name: string;
  passed: boolean;
  /** Why it failed: unmatched expectations, unexpected findings, or an invalid record. */
  failures: string[];
}

/** Objects merge key by key; arrays and scalars replace. */
export function mergeRecord(base: unknown, fragment: unknown): unknown {
  if (fragment === null || typeof fragment !== 'object' || Array.isArray(fragment)) return fragment;
  if (base === null || typeof base !== 'object' || Array.isArray(base)) return fragment;
  const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(fragment)) merged[key] = mergeRecord(merged[key], value);
  return merged;
}

/** Whether a finding has every field the expectation gives. */
export function matches(finding: Finding, expected: ExpectedFinding): boolean {
  return (
    (expected.subject === undefined || finding.subject.pointer === expected.subject) &&
    (expected.label === undefined || finding.subject.label === expected.label) &&
    (expected.occurrence === undefined || finding.subject.occurrence === expected.occurrence) &&
    (expected.type === undefined || finding.type === expected.type) &&
    (expected.level === undefined || finding.level === expected.level) &&
    (expected.severity === undefined || finding.severity === expected.severity) &&
    (expected.due === undefined || finding.due === expected.due) &&
    (expected.openedAt === undefined || finding.openedAt === expected.openedAt) &&
    (expected.closed === undefined || (finding.closedAt !== null) === expected.closed) &&
    (expected.messageIncludes === undefined || finding.message.includes(expected.messageIncludes))
  );
}

/** The *.test.json case files of a rules directory, subfolders included (beside the rules they test). */
export function testFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((name) => name.endsWith('.test.json') && !name.split(path.sep).some((part) => part.startsWith('.')))
    .sort()
    .map((name) => path.join(dir, name));
}

let caseValidator: ValidateFunction | undefined;

/** Runs every case of every *.test.json in `dir` against the rules in `rules`. */
export function runRuleTests(dir: string, rules: readonly AlertRule[], context: Omit<CheckContext, 'ruleSet' | 'asOfMs'>): { results: CaseResult[]; problems: Problem[] } {
  caseValidator ??= createAjv().compile(JSON.parse(readFileSync(path.join(dir, 'alert-test.schema.json'), 'utf8')) as object);
  const base = JSON.parse(readFileSync(path.join(dir, '_test-base.json'), 'utf8')) as Record<string, unknown>;
  delete base.$comment;
  const results: CaseResult[] = [];
  const problems: Problem[] = [];
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  for (const file of testFiles(dir)) {
    let suite: { rule: string; cases: RuleCase[] };
    try {
      suite = JSON.parse(readFileSync(file, 'utf8')) as typeof suite;
    } catch (error) {
      problems.push({ code: 'not-json', severity: 'error', file, message: `not valid JSON: ${(error as Error).message}` });
      continue;
    }
    if (!caseValidator(suite)) {
      for (const found of describeSchemaErrors(caseValidator.errors ?? [])) problems.push({ severity: 'error', file, ...found });
      continue;
    }
    const rule = byId.get(suite.rule);
    if (!rule) {
      problems.push({ code: 'unknown-rule', severity: 'error', file, message: `no rule "${suite.rule}" in the rules directory`, hint: 'name the rule by its id' });
      continue;
    }
    const ruleSet = compileRules([rule]);
    for (const testCase of suite.cases) results.push(runCase(file, rule, testCase, base, ruleSet, context));
  }
  return { results, problems };
}

function runCase(file: string, rule: AlertRule, testCase: RuleCase, base: Record<string, unknown>, ruleSet: CheckContext['ruleSet'], context: Omit<CheckContext, 'ruleSet' | 'asOfMs'>): CaseResult {
  const result = (failures: string[]): CaseResult => ({ file, rule: rule.id, name: testCase.name, passed: failures.length === 0, failures });
  const asOfMs = /^\d{4}-\d{2}-\d{2}$/.test(testCase.asOf) ? timeToEpochMs(`${testCase.asOf}T00:00:00`) : timeToEpochMs(testCase.asOf);
  if (Number.isNaN(asOfMs)) return result([`asOf "${testCase.asOf}" is not a time`]);
  const merged = mergeRecord(base, testCase.record);
  const checked = checkRecordText(`${path.basename(file)} "${testCase.name}"`, JSON.stringify(merged, null, 2));
  if (!checked.record) return result(['the merged record is invalid:', ...checked.problems.map((problem) => `  ${formatProblem(problem)}`)]);
  let findings: Finding[];
  try {
    findings = checkRecord(checked.record, { ...context, ruleSet, asOfMs }).findings;
  } catch (error) {
    return result([`evaluation failed: ${(error as Error).message}`]);
  }
  const unmatched = [...findings];
  const failures: string[] = [];
  for (const expected of testCase.expect) {
    const index = unmatched.findIndex((finding) => matches(finding, expected));
    if (index === -1) failures.push(`- expected ${JSON.stringify(expected)}`);
    else unmatched.splice(index, 1);
  }
  for (const finding of unmatched) failures.push(`+ unexpected ${JSON.stringify(summarize(finding))}`);
  return result(failures);
}

/** The fields an expectation can name, for readable diffs. */
export function summarize(finding: Finding): ExpectedFinding {
  return {
    subject: finding.subject.pointer,
    label: finding.subject.label,
    ...(finding.subject.occurrence ? { occurrence: finding.subject.occurrence } : {}),
    type: finding.type,
    level: finding.level,
    severity: finding.severity,
    due: finding.due,
    openedAt: finding.openedAt,
    closed: finding.closedAt !== null,
    messageIncludes: finding.message,
  };
}

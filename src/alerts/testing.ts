import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { ValidateFunction } from 'ajv';
import type { Problem } from '../errors.ts';
import { formatProblem } from '../errors.ts';
import { recordFragmentSchema } from '../records/fragment-schema.ts';
import { SourceMap, describeSyntaxError } from '../records/json-text.ts';
import { checkRecordText } from '../records/load.ts';
import { createAjv, describeSchemaErrors, recordSchemaPath } from '../records/schema.ts';
import { packageFile } from '../package-files.ts';
import { timeToEpochMs } from '../time.ts';
import { compileRules } from './evaluate.ts';
import { loadRoles } from './roles.ts';
import { checkRecord, type CheckContext } from './pipeline.ts';
import type { AlertRule, Finding } from './types.ts';
import type { RuleSuite } from './rule-test.gen.ts';

/** One *.test.json: cases for one rule, and record fragments its cases share (generated from alert-test.schema.json). */
export type { RuleSuite } from './rule-test.gen.ts';
/** One case: a record built from the base, the shared fragments it uses and its own, an as-of, the findings it must raise. */
export type RuleCase = RuleSuite['cases'][number];
/** A finding a case expects; only the fields given are compared. */
export type ExpectedFinding = RuleCase['expect'][number];

export interface CaseResult {
  file: string;
  /** Where the case starts in its file. */
  line?: number;
  column?: number;
  rule: string;
  name: string;
  passed: boolean;
  /** Why it failed: fields that differ, missing or unexpected findings, or an invalid record. */
  failures: string[];
}

/** Which cases to run: by rule id, by file. Empty: all. */
export interface TestSelection {
  rules?: readonly string[];
  files?: readonly string[];
}

/** An array whose elements are all objects with a string id (orders, circuits, problems...). */
function byId(value: unknown[]): Map<string, unknown> | undefined {
  const map = new Map<string, unknown>();
  for (const element of value) {
    const id = element !== null && typeof element === 'object' && !Array.isArray(element) ? (element as { id?: unknown }).id : undefined;
    if (typeof id !== 'string' || map.has(id)) return undefined;
    map.set(id, element);
  }
  return map;
}

/**
 * Objects merge key by key; arrays of elements with ids merge element by element by id (a new id is
 * added at the end), so a case can change one field of a shared order; other arrays and scalars replace.
 */
export function mergeRecord(base: unknown, fragment: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(fragment)) {
    const before = byId(base);
    const after = byId(fragment);
    if (!before || !after || base.length === 0) return fragment;
    const merged = base.map((element) => {
      const id = (element as { id: string }).id;
      return after.has(id) ? mergeRecord(element, after.get(id)) : element;
    });
    for (const [id, element] of after) if (!before.has(id)) merged.push(element);
    return merged;
  }
  if (fragment === null || typeof fragment !== 'object' || Array.isArray(fragment)) return fragment;
  if (base === null || typeof base !== 'object' || Array.isArray(base)) return fragment;
  const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(fragment)) merged[key] = mergeRecord(merged[key], value);
  return merged;
}

const EXPECTED_FIELDS = ['subject', 'label', 'occurrence', 'type', 'level', 'severity', 'due', 'openedAt', 'closed', 'messageIncludes'] as const;
type ExpectedField = (typeof EXPECTED_FIELDS)[number];

function fieldMatches(finding: Finding, expected: ExpectedFinding, field: ExpectedField): boolean {
  switch (field) {
    case 'subject':
      return expected.subject === undefined || finding.subject.pointer === expected.subject;
    case 'label':
      return expected.label === undefined || finding.subject.label === expected.label;
    case 'occurrence':
      return expected.occurrence === undefined || finding.subject.occurrence === expected.occurrence;
    case 'closed':
      return expected.closed === undefined || (finding.closedAt !== null) === expected.closed;
    case 'messageIncludes':
      return expected.messageIncludes === undefined || finding.message.includes(expected.messageIncludes);
    default:
      return expected[field] === undefined || finding[field] === expected[field];
  }
}

/** Whether a finding has every field the expectation gives. */
export function matches(finding: Finding, expected: ExpectedFinding): boolean {
  return EXPECTED_FIELDS.every((field) => fieldMatches(finding, expected, field));
}

/** The finding's value of an expectation field, as the case would write it. */
function actualValue(finding: Finding, field: ExpectedField): unknown {
  const summary = summarize(finding);
  return field === 'messageIncludes' ? finding.message : summary[field];
}

/** The *.test.json case files of a rules directory, subfolders included (beside the rules they test). */
export function testFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((name) => name.endsWith('.test.json') && !name.split(path.sep).some((part) => part.startsWith('.')))
    .sort()
    .map((name) => path.join(dir, name));
}

/** Paths in messages: relative to the working directory when inside it. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}

let validator: ValidateFunction | undefined;

/**
 * The case-file schema, with the record-fragment schema it refers to for `record` and `fragments`:
 * a fragment that does not fit the record schema is reported at its file:line:column.
 */
function caseValidators(): ValidateFunction {
  if (!validator) {
    // The package's schema: a team's rules folder (a records repository's own, a copy) need not carry the schemas.
    const suiteSchema = JSON.parse(readFileSync(packageFile('rules/alerts/alert-test.schema.json'), 'utf8')) as { $id?: string };
    const fragmentSchema = recordFragmentSchema(JSON.parse(readFileSync(recordSchemaPath, 'utf8')) as Record<string, unknown>);
    const ajv = createAjv();
    // The case schema points at the fragment schema by a relative path (for editors); Ajv resolves it from the $id.
    const relativeRef = '../../src/schemas/record-fragment.schema.json';
    ajv.addSchema(fragmentSchema, new URL(relativeRef, suiteSchema.$id ?? 'https://docpack.dev/rules/alerts/').href);
    validator = ajv.compile(suiteSchema);
  }
  return validator;
}

/** Runs the cases of the *.test.json files in `dir` (or those selected) against the rules in `rules`. */
export function runRuleTests(dir: string, rules: readonly AlertRule[], context: Omit<CheckContext, 'ruleSet' | 'asOfMs'>, selection: TestSelection = {}): { results: CaseResult[]; problems: Problem[] } {
  const suiteValidator = caseValidators();
  const base = JSON.parse(readFileSync(path.join(dir, '_test-base.json'), 'utf8')) as Record<string, unknown>;
  delete base.$comment;
  delete base.$schema;
  const results: CaseResult[] = [];
  const problems: Problem[] = [];
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  const onlyRules = selection.rules && selection.rules.length > 0 ? new Set(selection.rules) : undefined;
  const files = selection.files && selection.files.length > 0 ? [...selection.files] : testFiles(dir);
  for (const absolute of files) {
    const file = displayPath(absolute);
    let text: string;
    try {
      text = readFileSync(absolute, 'utf8');
    } catch (error) {
      problems.push({ code: 'cases-missing', severity: 'error', file, message: `cannot read the case file (${(error as NodeJS.ErrnoException).code ?? String(error)})` });
      continue;
    }
    let suite: RuleSuite;
    try {
      suite = JSON.parse(text) as RuleSuite;
    } catch (error) {
      problems.push({ severity: 'error', file, ...describeSyntaxError(text, error) });
      continue;
    }
    const map = new SourceMap(text);
    if (!suiteValidator(suite)) {
      for (const { key, ...found } of describeSchemaErrors(suiteValidator.errors ?? [])) problems.push({ severity: 'error', file, ...found, ...map.locate(found.pointer, key) });
      continue;
    }
    if (onlyRules && !onlyRules.has(suite.rule)) continue;
    const rule = byId.get(suite.rule);
    if (!rule) {
      problems.push({ code: 'unknown-rule', severity: 'error', file, ...map.locate('/rule'), field: 'rule', message: `no rule "${suite.rule}" in the rules directory`, hint: 'name the rule by its id (docpack rules list)' });
      continue;
    }
    const ruleSet = compileRules([rule], loadRoles(dir));
    suite.cases.forEach((testCase, index) => {
      const where = map.locate(`/cases/${index}`);
      const result = (failures: string[]): CaseResult => ({ file, ...where, rule: rule.id, name: testCase.name, passed: failures.length === 0, failures });
      const unknown = (testCase.use ?? []).filter((name) => !Object.prototype.hasOwnProperty.call(suite.fragments ?? {}, name));
      if (unknown.length > 0) {
        const at = map.locate(`/cases/${index}/use`);
        results.push(result([`${file}:${at?.line}:${at?.column} use: no fragment ${unknown.map((name) => `"${name}"`).join(', ')} in "fragments" (${Object.keys(suite.fragments ?? {}).join(', ') || 'none'})`]));
        return;
      }
      let merged: unknown = base;
      for (const name of testCase.use ?? []) merged = mergeRecord(merged, suite.fragments?.[name]);
      merged = mergeRecord(merged, testCase.record ?? {});
      results.push(result(runCase(file, testCase, merged, ruleSet, context)));
    });
  }
  return { results, problems };
}

function runCase(file: string, testCase: RuleCase, merged: unknown, ruleSet: CheckContext['ruleSet'], context: Omit<CheckContext, 'ruleSet' | 'asOfMs'>): string[] {
  const asOfMs = /^\d{4}-\d{2}-\d{2}$/.test(testCase.asOf) ? timeToEpochMs(`${testCase.asOf}T00:00:00`) : timeToEpochMs(testCase.asOf);
  if (Number.isNaN(asOfMs)) return [`asOf "${testCase.asOf}" is not a time`];
  const checked = checkRecordText(`${path.basename(file)} "${testCase.name}" (merged record)`, JSON.stringify(merged, null, 2));
  if (!checked.record) return ['the merged record is invalid:', ...checked.problems.map((problem) => `  ${formatProblem(problem)}`)];
  let findings: Finding[];
  try {
    findings = checkRecord(checked.record, { ...context, ruleSet, asOfMs }).findings;
  } catch (error) {
    return [`evaluation failed: ${(error as Error).message}`];
  }
  return compareFindings(testCase.expect, findings);
}

/**
 * Expected findings against those raised: exact matches first; then each remaining expectation is
 * paired with the remaining finding that agrees on most of its fields (the same subject first), and
 * the fields that differ are named; what stays unpaired is missing or unexpected.
 */
export function compareFindings(expected: readonly ExpectedFinding[], findings: readonly Finding[]): string[] {
  const unmatched = [...findings];
  const pending: ExpectedFinding[] = [];
  for (const expectation of expected) {
    const index = unmatched.findIndex((finding) => matches(finding, expectation));
    if (index === -1) pending.push(expectation);
    else unmatched.splice(index, 1);
  }
  const failures: string[] = [];
  for (const expectation of pending) {
    const given = EXPECTED_FIELDS.filter((field) => expectation[field] !== undefined);
    let best = -1;
    let bestScore = -1;
    unmatched.forEach((finding, index) => {
      const sameSubject = expectation.subject === undefined || finding.subject.pointer === expectation.subject;
      const score = given.filter((field) => fieldMatches(finding, expectation, field)).length + (sameSubject ? given.length : 0);
      if (score > bestScore) [best, bestScore] = [index, score];
    });
    const finding = unmatched[best];
    if (!finding) {
      failures.push(`missing: a finding ${JSON.stringify(expectation)}; the rule raised ${findings.length === 0 ? 'none' : 'no other'}`);
      continue;
    }
    unmatched.splice(best, 1);
    const differ = given.filter((field) => !fieldMatches(finding, expectation, field));
    failures.push(`finding ${finding.subject.pointer || '(project)'} ${finding.subject.label}:`);
    for (const field of differ) {
      failures.push(field === 'messageIncludes' ? `  message: expected to include ${JSON.stringify(expectation.messageIncludes)}, got ${JSON.stringify(finding.message)}` : `  ${field}: expected ${JSON.stringify(expectation[field])}, got ${JSON.stringify(actualValue(finding, field))}`);
    }
  }
  for (const finding of unmatched) failures.push(`unexpected: ${JSON.stringify(summarize(finding))}`);
  return failures;
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

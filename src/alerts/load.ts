import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ValidateFunction } from 'ajv';
import { DocpackError, escapePointerSegment, pointerToField, type Problem } from '../errors.ts';
import { DEFAULT_MAX_DEPTH, SourceMap, describeSyntaxError, positionAt, scanStructure } from '../records/json-text.ts';
import { describeSchemaErrors } from '../records/schema.ts';
import { schemaValidator } from '../validators.ts';
import { defaultDeadlinesDir, readClockDefs } from '../clocks/load.ts';
import type { ClockDef } from '../clocks/types.ts';
import type { Labels } from '../labels.ts';
import { listRuleFiles } from '../rule-files.ts';
import { dataPath } from '../package-files.ts';
import { PATH_HINT, isOperator, parsePath } from './conditions.ts';
import { lintRules } from './lint.ts';
import type { AlertRule, RuleCondition } from './types.ts';

/** rules/alerts of the working directory when it has one, else the package's. */
export function defaultAlertsDir(): string {
  return dataPath('rules/alerts');
}

function ruleSchemaValidator(): ValidateFunction {
  return schemaValidator('alert');
}

export interface LoadedRule {
  file: string;
  rule: AlertRule;
  /** Source positions by JSON pointer, for problems found later (lint). */
  sourceMap: SourceMap;
}

export interface RulesResult {
  rules: LoadedRule[];
  problems: Problem[];
}

/** Rule files in a directory and its subfolders: every *.json except schemas, *.test.json cases and _-prefixed support files. */
export function ruleFiles(dir: string): string[] {
  return listRuleFiles(dir).map((name) => displayPath(path.join(dir, name)));
}

/** Paths in messages: relative to the working directory when inside it, as users typed them. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}

/** Reads and checks every rule file; bad files are reported, the others load. */
export function readRules(dir: string = defaultAlertsDir()): RulesResult {
  const rules: LoadedRule[] = [];
  const problems: Problem[] = [];
  let files: string[];
  try {
    files = ruleFiles(dir);
  } catch {
    return { rules, problems: [{ code: 'rules-missing', severity: 'error', file: dir, message: 'cannot read the rules directory', hint: 'check the path given to --rules' }] };
  }
  for (const file of files) {
    const checked = checkRuleText(readFileSync(file, 'utf8'), file);
    problems.push(...checked.problems);
    if (checked.rule) rules.push({ file, rule: checked.rule, sourceMap: checked.sourceMap });
  }
  const seen = new Map<string, string>();
  for (const loaded of rules) {
    const first = seen.get(loaded.rule.id);
    if (first) {
      problems.push({ code: 'duplicate-rule-id', severity: 'error', file: loaded.file, ...loaded.sourceMap.locate('/id'), field: 'id', message: `rule id "${loaded.rule.id}" is also used by ${first}`, hint: 'rule ids are stable and unique' });
    } else seen.set(loaded.rule.id, loaded.file);
  }
  return { rules: problems.length > 0 ? rules.filter((loaded) => !problems.some((problem) => problem.file === loaded.file)) : rules, problems };
}

/** Loads the rules or throws a DocpackError with every problem of their files (schema, conditions; not lint: see loadRuleFiles). */
export function loadRules(dir?: string): AlertRule[] {
  const { rules, problems } = readRules(dir);
  if (problems.length > 0) throw DocpackError.of(problems);
  return rules.map((loaded) => loaded.rule);
}

export interface RuleFilesOptions {
  rulesDir?: string;
  deadlinesDir?: string;
  labels: Labels;
}

export interface RuleFilesResult {
  rules: LoadedRule[];
  clocks: ClockDef[];
  /** Every problem of every rule and deadline file: schema, conditions, and lint (facts, paths, types, clocks, placeholders). */
  problems: Problem[];
}

/**
 * Reads the alert rules and deadline clocks and lints them together: the one loader of `rules lint`
 * and of every command that runs the rules. A refused clock file is reported once, not again as
 * "no deadline clock" in every rule that uses it.
 */
export function readRuleFiles(options: RuleFilesOptions): RuleFilesResult {
  const loaded = readRules(options.rulesDir);
  const clocks = readClockDefs(options.deadlinesDir);
  const lint = lintRules({ rules: loaded.rules, clocks: clocks.defs, refusedClocks: clocks.refused, labels: options.labels });
  const empty: Problem[] = [];
  const dir = (given: string | undefined, fallback: string): string => displayPath(given ?? fallback);
  if (loaded.problems.length === 0 && loaded.rules.length === 0) empty.push({ code: 'rules-missing', severity: 'error', file: dir(options.rulesDir, defaultAlertsDir()), message: 'no rule file in this directory', hint: 'point --rules at a folder of <id>.json alert rules such as rules/alerts' });
  if (clocks.problems.length === 0 && clocks.defs.length === 0) empty.push({ code: 'clocks-missing', severity: 'error', file: dir(options.deadlinesDir, defaultDeadlinesDir()), message: 'no <id>.json clock file in this folder', hint: 'point --deadlines at a folder of clock files such as rules/deadlines' });
  return { rules: loaded.rules, clocks: clocks.defs, problems: [...loaded.problems, ...clocks.problems, ...empty, ...lint] };
}

/** The rules and clocks of readRuleFiles, or a DocpackError with all their problems (exit 2): a rule file with any problem is refused, never half-used. */
export function loadRuleFiles(options: RuleFilesOptions): { rules: AlertRule[]; clocks: ClockDef[] } {
  const { rules, clocks, problems } = readRuleFiles(options);
  if (problems.length > 0) throw DocpackError.of(problems);
  return { rules: rules.map((entry) => entry.rule), clocks };
}

export function checkRuleText(text: string, file: string): { rule?: AlertRule; problems: Problem[]; sourceMap: SourceMap } {
  const sourceMap = new SourceMap(text);
  // Nesting is limited before anything recurses over the rule (20,000 levels overflowed the stack).
  const tooDeep = scanStructure(text, DEFAULT_MAX_DEPTH).find((found) => found.code === 'too-deep');
  if (tooDeep) {
    const { offset, ...rest } = tooDeep;
    return { problems: [{ severity: 'error', file, ...rest, ...positionAt(text, offset), hint: 'a rule nests a few levels of all/any/not; check for a generated or corrupted file' }], sourceMap };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problems: [{ severity: 'error', file, ...describeSyntaxError(text, error) }], sourceMap };
  }
  const huge = nonFiniteNumbers(value);
  if (huge.length > 0) {
    return { problems: huge.map((pointer) => ({ severity: 'error' as const, file, code: 'bad-number', pointer, field: pointerToField(pointer), ...sourceMap.locate(pointer), message: 'the number is too large (JSON.parse would read it as Infinity)', hint: 'write a number JavaScript can hold, at most about 1.8e308' })), sourceMap };
  }
  const validate = ruleSchemaValidator();
  if (!validate(value)) {
    const problems = describeSchemaErrors(validate.errors ?? []).map(({ key, ...rest }) => ({ severity: 'error' as const, file, ...rest, ...sourceMap.locate(rest.pointer, key) }));
    return { problems, sourceMap };
  }
  const rule = value as AlertRule;
  const problems: Problem[] = [];
  const expected = path.basename(file, '.json');
  if (rule.id !== expected) {
    problems.push({ code: 'rule-id-mismatch', severity: 'error', file, ...sourceMap.locate('/id'), field: 'id', message: `id "${rule.id}" differs from the file name`, hint: `rename the file to ${rule.id}.json or set "id": "${expected}"` });
  }
  for (const found of checkConditionSyntax(rule.conditions, '/conditions')) {
    problems.push({ severity: 'error', file, ...found, ...sourceMap.locate(found.pointer ?? '') });
  }
  // The finding's times are read with the same paths as conditions: checked here, not when the rule first runs.
  for (const key of ['due', 'openedAt', 'closedAt'] as const) {
    const ref = rule[key];
    if (ref?.path !== undefined && !parsePath(ref.path)) {
      problems.push({ code: 'bad-path', severity: 'error', file, pointer: `/${key}/path`, field: `${key}.path`, ...sourceMap.locate(`/${key}/path`), message: `path "${ref.path}" is not supported`, hint: PATH_HINT });
    }
  }
  return { rule: problems.length === 0 ? rule : undefined, problems, sourceMap };
}

/** Pointers of numbers JSON.parse read as ±Infinity (1e309), walked without recursion. */
function nonFiniteNumbers(value: unknown): string[] {
  const found: string[] = [];
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [node, pointer] = stack.pop() as [unknown, string];
    if (typeof node === 'number' && !Number.isFinite(node)) found.push(pointer);
    else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) stack.push([child, `${pointer}/${escapePointerSegment(key)}`]);
    }
  }
  return found.sort();
}

/** What the schema cannot say about conditions: operators known to the evaluator, paths in the supported subset. */
export function checkConditionSyntax(condition: RuleCondition, pointer: string): Omit<Problem, 'severity' | 'file'>[] {
  const problems: Omit<Problem, 'severity' | 'file'>[] = [];
  if ('all' in condition) condition.all.forEach((part, index) => problems.push(...checkConditionSyntax(part, `${pointer}/all/${index}`)));
  else if ('any' in condition) condition.any.forEach((part, index) => problems.push(...checkConditionSyntax(part, `${pointer}/any/${index}`)));
  else if ('not' in condition) problems.push(...checkConditionSyntax(condition.not, `${pointer}/not`));
  else {
    if (!isOperator(condition.operator)) {
      problems.push({ code: 'unknown-operator', pointer: `${pointer}/operator`, message: `unknown operator "${condition.operator}"`, hint: 'use equal, notEqual, in, notIn, contains, doesNotContain, lessThan(Inclusive), greaterThan(Inclusive)' });
    }
    if (condition.path !== undefined && !parsePath(condition.path)) {
      problems.push({ code: 'bad-path', pointer: `${pointer}/path`, message: `path "${condition.path}" is not supported`, hint: PATH_HINT });
    }
    const value = condition.value as { fact?: unknown; path?: unknown } | unknown;
    if (value !== null && typeof value === 'object' && 'fact' in (value as object)) {
      const ref = value as { path?: unknown };
      if (typeof ref.path === 'string' && !parsePath(ref.path)) {
        problems.push({ code: 'bad-path', pointer: `${pointer}/value/path`, message: `path "${ref.path}" is not supported`, hint: PATH_HINT });
      }
    } else if ((condition.operator === 'in' || condition.operator === 'notIn') && !Array.isArray(condition.value)) {
      problems.push({ code: 'bad-value', pointer: `${pointer}/value`, message: `"${condition.operator}" needs a list of values`, hint: 'write the value as [ ... ]' });
    }
  }
  return problems;
}

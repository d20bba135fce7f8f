import { readFileSync } from 'node:fs';
import { subjectPattern } from '../clocks/subjects.ts';
import type { ClockDef } from '../clocks/types.ts';
import type { Problem } from '../errors.ts';
import type { Labels } from '../render/labels.ts';
import { recordSchemaPath } from '../records/schema.ts';
import { PATH_HINT, parsePath } from './conditions.ts';
import { parseSubjectPattern, singular } from './evaluate.ts';
import type { LoadedRule } from './load.ts';
import { FILTERS, placeholders } from './message.ts';
import type { FactRef, RuleCondition } from './types.ts';

/** Where each clock subject kind sits in a record, as a rule subject pattern. */
export { SUBJECT_KIND_PATTERNS as CLOCK_SUBJECT_PATTERNS } from '../clocks/subjects.ts';

/** The fields of a clock state a rule may read. */
const CLOCK_FIELDS = new Set(['project', 'clock', 'subjectKind', 'subject', 'label', 'variant', 'occurrence', 'state', 'start', 'due', 'stoppedAt', 'dueMs', 'unit', 'remaining', 'overdue']);
const AS_OF_FIELDS = new Set(['time', 'date', 'ms']);
const FINDING_FIELDS = new Set(['due', 'openedAt', 'closedAt', 'level']);

type Schema = { $ref?: string; properties?: Record<string, Schema>; items?: Schema; type?: unknown; additionalProperties?: unknown };

let recordSchema: Schema & { $defs: Record<string, Schema> } | undefined;

function deref(schema: Schema | undefined): Schema | undefined {
  recordSchema ??= JSON.parse(readFileSync(recordSchemaPath, 'utf8')) as Schema & { $defs: Record<string, Schema> };
  let current = schema;
  for (let guard = 0; current?.$ref && guard < 10; guard += 1) current = recordSchema.$defs[current.$ref.replace('#/$defs/', '')];
  return current;
}

/** The record schema of a path below a node; undefined when the schema has no such field. */
export function schemaAt(start: Schema | undefined, segments: readonly (string | number)[]): Schema | undefined {
  let node = deref(start);
  for (const segment of segments) {
    if (!node) return undefined;
    node = typeof segment === 'number' ? deref(node.items) : deref(node.properties?.[segment]);
  }
  return node;
}

export function rootSchema(): Schema {
  deref(undefined);
  return recordSchema as Schema;
}

/** The schema of the element a subject pattern iterates to, and the chain facts it defines. */
export function subjectSchemas(pattern: string): { subject?: Schema; chain: Map<string, Schema> } {
  const chain = new Map<string, Schema>();
  let node: Schema | undefined = rootSchema();
  for (const step of parseSubjectPattern(pattern)) {
    node = schemaAt(node, [step.key]);
    if (step.iterate) {
      node = deref(node?.items);
      if (node) chain.set(singular(step.key), node);
    }
  }
  return { subject: node, chain };
}

export interface LintInput {
  rules: readonly LoadedRule[];
  clocks: readonly ClockDef[];
  labels: Labels;
}

/** Checks rules beyond their schema: facts, paths, clocks, parameters and message placeholders. */
export function lintRules(input: LintInput): Problem[] {
  const problems: Problem[] = [];
  const clocks = new Map(input.clocks.map((clock) => [clock.id, clock]));
  for (const { file, rule, sourceMap } of input.rules) {
    const report = (pointer: string, code: string, message: string, hint?: string): void => {
      problems.push({ code, severity: 'error', file, ...sourceMap.locate(pointer), field: pointer.slice(1).replace(/\//g, '.'), message, ...(hint ? { hint } : {}) });
    };
    let pattern: string;
    let clockFact: ClockDef | undefined;
    if (typeof rule.subject === 'string') {
      pattern = rule.subject;
    } else {
      clockFact = clocks.get(rule.subject.clock);
      if (!clockFact) {
        report('/subject/clock', 'unknown-clock', `no deadline clock "${rule.subject.clock}"`, `clocks: ${[...clocks.keys()].join(', ')}`);
        continue;
      }
      pattern = subjectPattern(clockFact.subject);
    }
    const { subject, chain } = subjectSchemas(pattern);
    if (!subject) {
      report('/subject', 'unknown-subject', `subject "${pattern}" is not a part of the record schema`, 'write a path such as "orders[].circuits[]" or "problems[]"');
      continue;
    }
    const params = rule.params ?? {};
    /** Checks one fact + path; returns a problem message or undefined. */
    const check = (fact: string, path: string[] | (string | number)[]): string | undefined => {
      if (fact === 'subject' || fact === 'project' || chain.has(fact)) {
        const start = fact === 'subject' ? subject : fact === 'project' ? rootSchema() : chain.get(fact);
        return schemaAt(start, path) ? undefined : `"${fact}" has no field ${path.join('.')} in the record schema`;
      }
      if (fact === 'params') return path.length === 0 || Object.prototype.hasOwnProperty.call(params, String(path[0])) ? undefined : `parameter "${String(path[0])}" is not defined in "params"`;
      if (fact === 'asOf') return path.length === 0 || AS_OF_FIELDS.has(String(path[0])) ? undefined : `asOf has no field "${String(path[0])}" (time, date, ms)`;
      if (fact === 'clock') {
        if (!clockFact) return 'the fact "clock" exists only for rules whose subject is { "clock": ... }';
        return path.length === 0 || CLOCK_FIELDS.has(String(path[0])) ? undefined : `a clock state has no field "${String(path[0])}"`;
      }
      if (fact.startsWith('clock:')) {
        const clock = clocks.get(fact.slice('clock:'.length));
        if (!clock) return `no deadline clock "${fact.slice('clock:'.length)}" in rules/deadlines`;
        if (subjectPattern(clock.subject) !== pattern) return `clock "${clock.id}" is kept per ${clock.subject}, not for subject "${pattern}": it would always be absent`;
        return path.length === 0 || CLOCK_FIELDS.has(String(path[0])) ? undefined : `a clock state has no field "${String(path[0])}"`;
      }
      return `unknown fact "${fact}"; facts here: subject, project, params, asOf, ${[...chain.keys()].join(', ')}${clockFact ? ', clock' : ''}, clock:<clock id>`;
    };
    const checkRef = (ref: FactRef, pointer: string): void => {
      const segments = ref.path === undefined ? [] : parsePath(ref.path);
      if (!segments) return report(`${pointer}/path`, 'bad-path', `path "${ref.path}" is not supported`, PATH_HINT);
      const message = check(ref.fact, segments);
      if (message) report(pointer, 'unknown-fact-path', message);
    };
    const walk = (condition: RuleCondition, pointer: string): void => {
      if ('all' in condition) return condition.all.forEach((part, index) => walk(part, `${pointer}/all/${index}`));
      if ('any' in condition) return condition.any.forEach((part, index) => walk(part, `${pointer}/any/${index}`));
      if ('not' in condition) return walk(condition.not, `${pointer}/not`);
      checkRef(condition, pointer);
      const value = condition.value as FactRef | unknown;
      if (value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, 'fact')) checkRef(value as FactRef, `${pointer}/value`);
    };
    walk(rule.conditions, '/conditions');
    for (const key of ['due', 'openedAt', 'closedAt'] as const) {
      const ref = rule[key];
      if (ref) checkRef(ref, `/${key}`);
    }
    for (const placeholder of placeholders(rule.message)) {
      if (placeholder.filter !== undefined) {
        const [name, argument] = placeholder.filter.split(':');
        if (!(FILTERS as readonly string[]).includes(name ?? '')) report('/message', 'unknown-filter', `unknown filter "${placeholder.filter}" in ${placeholder.text}`, `filters: ${FILTERS.join(', ')}`);
        else if (name === 'label' && (argument === undefined || !input.labels[argument])) report('/message', 'unknown-label-group', `no label group "${argument ?? ''}" in templates/labels.json (${placeholder.text})`);
      }
      if (FINDING_FIELDS.has(placeholder.root) && placeholder.path.length === 0) continue;
      const message = check(placeholder.root, placeholder.path.map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment)));
      if (message) report('/message', 'unknown-placeholder', `${placeholder.text}: ${message}`);
    }
    for (const [level, after] of Object.entries(rule.escalation ?? {})) {
      if (after !== undefined && ['local', 'province', 'group'].indexOf(level) < ['local', 'province', 'group'].indexOf(rule.level)) {
        report(`/escalation/${level}`, 'unused-escalation', `escalation from "${level}" never applies: the rule starts at "${rule.level}"`);
      }
    }
  }
  return problems;
}

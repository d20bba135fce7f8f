import type { ClockDef, ClockState, SubjectKind } from '../clocks/types.ts';
import { CLOCK_STATUSES } from '../clocks/types.ts';
import { SUBJECT_KIND_PATTERNS as CLOCK_SUBJECT_PATTERNS, parseSubjectPattern, singular, subjectPattern } from '../clocks/subjects.ts';
import type { Problem } from '../errors.ts';
import type { Labels } from '../render/labels.ts';
import {
  constantFits,
  describeValueType,
  didYouMean,
  recordSchema,
  resolveSchema,
  valueTypeOf,
  valueTypeOfConstant,
  walkSchema,
  type SchemaNode,
  type ValueType,
} from '../records/schema-paths.ts';
import { PATH_HINT, parsePath } from './conditions.ts';
import type { LoadedRule } from './load.ts';
import { FILTERS, placeholders } from './message.ts';
import { referencesOf, referenceTargetSchema } from '../records/references.ts';
import type { PlanScheduleFact } from './evaluate.ts';
import type { FactRef, RuleCondition } from './types.ts';

/** Where each clock subject kind sits in a record, as a rule subject pattern. */
export { CLOCK_SUBJECT_PATTERNS };

const TIME: ValueType = { types: ['string', 'null'], format: 'dateTime' };
const TEXT: ValueType = { types: ['string'] };
const NUMBER_OR_NULL: ValueType = { types: ['number', 'null'] };

/** The fields of a clock state (src/clocks/types.ts ClockState) and what they hold; `variant` is narrowed per clock. */
const CLOCK_STATE_FIELDS: Record<keyof ClockState, ValueType> = {
  project: TEXT,
  clock: TEXT,
  subjectKind: { types: ['string'], enum: Object.keys(CLOCK_SUBJECT_PATTERNS) },
  subject: TEXT,
  label: TEXT,
  variant: TEXT,
  occurrence: TEXT,
  state: { types: ['string'], enum: CLOCK_STATUSES },
  start: TIME,
  due: TIME,
  stoppedAt: TIME,
  dueMs: NUMBER_OR_NULL,
  unit: { types: ['string'], enum: ['workingDays', 'calendarDays', 'hours', 'minutes'] },
  remaining: NUMBER_OR_NULL,
  overdue: NUMBER_OR_NULL,
  problem: { types: ['object'] },
  provisional: { types: ['boolean'] },
};
/** The fact planSchedule (alerts/evaluate.ts PlanScheduleFact): when an order's plan ends on the calendar. */
const PLAN_SCHEDULE_FIELDS: Record<keyof PlanScheduleFact, ValueType> = {
  end: { types: ['string'], format: 'date' },
  endAt: { types: ['string'], format: 'dateTime' },
  endMs: { types: ['number'] },
  totalWorkingDays: { types: ['number'] },
  spanWorkingDays: { types: ['number'] },
};
const AS_OF_FIELDS: Record<string, ValueType> = { time: { types: ['string'], format: 'dateTime' }, date: { types: ['string'], format: 'date' }, ms: { types: ['number'] } };
/** Placeholders a message may use besides facts: the finding's own times and level. */
const FINDING_FIELDS = new Set(['due', 'openedAt', 'closedAt', 'level']);
const NUMERIC = new Set(['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive']);

/** Where a problem is: a JSON pointer in the rule file, and a character of the string there when the wrong part is inside it. */
interface Place {
  pointer: string;
  offset?: number;
}

/** What a fact and path lead to: its type (undefined when not known), or why it leads nowhere. */
type Resolved = { ok: true; type?: ValueType } | { ok: false; message: string; hint?: string; offset: number; inFact?: boolean };

export interface LintInput {
  rules: readonly LoadedRule[];
  clocks: readonly ClockDef[];
  /** Ids of clock files that were refused (their problems are reported already): not "no such clock". */
  refusedClocks?: readonly string[];
  labels: Labels;
}

/** The element a subject pattern iterates to, the facts its arrays define, or where the pattern goes wrong. */
export function subjectSchemas(pattern: string): { subject?: SchemaNode; chain: Map<string, SchemaNode>; lists?: string[]; failed?: { offset: number; message: string; hint?: string } } {
  const chain = new Map<string, SchemaNode>();
  /** The list elements on the way (the names of the facts "last:<name>"). */
  const lists: string[] = [];
  let node: SchemaNode = recordSchema();
  let offset = 0;
  const done: string[] = [];
  const steps = parseSubjectPattern(pattern);
  for (const [index, step] of steps.entries()) {
    const walked = walkSchema(node, [step.key]);
    if (!walked.node) {
      const near = didYouMean(step.key, walked.choices);
      const corrected = near ? [...done, `${near}${step.iterate ? '[]' : ''}`, ...steps.slice(index + 1).map((rest) => `${rest.key}${rest.iterate ? '[]' : ''}`)].join('.') : undefined;
      return { chain, failed: { offset, message: `subject "${pattern}" is not a part of the record schema (no "${step.key}"${done.length > 0 ? ` in ${done.join('.')}` : ''})`, hint: corrected ? `did you mean "${corrected}"?` : `fields here: ${walked.choices.join(', ')}` } };
    }
    const isArray = resolveSchema(walked.node).node.type === 'array';
    if (step.iterate !== isArray) {
      return {
        chain,
        failed: { offset, message: step.iterate ? `"${step.key}" in subject "${pattern}" is not a list: write it without []` : `"${step.key}" in subject "${pattern}" is a list: write ${step.key}[] to take each element`, hint: 'e.g. "orders[].circuits[]", "problems[]", "afterSale.faults[]"' },
      };
    }
    node = walked.node;
    if (step.iterate) {
      node = resolveSchema(node).node.items as SchemaNode;
      chain.set(singular(step.key), node);
      lists.push(singular(step.key));
    }
    done.push(`${step.key}${step.iterate ? '[]' : ''}`);
    offset += step.key.length + (step.iterate ? 2 : 0) + 1;
  }
  // A field naming another part of the record (x-ref) gives that part as a fact, unless the chain has the name.
  for (const reference of referencesOf(pattern)) {
    const target = referenceTargetSchema(reference);
    if (target && !chain.has(reference.fact)) chain.set(reference.fact, target);
  }
  return { subject: node, chain, lists };
}

/** Offsets of the segments of a JSONPath (after "$"): where each name starts, for the column of a wrong one. */
function segmentOffsets(path: string): number[] {
  const offsets: number[] = [];
  const token = /\.([^.[]+)|\['([^']*)'\]|\[(\d+)\]/gy;
  token.lastIndex = 1;
  for (let match = token.exec(path); match; match = token.exec(path)) offsets.push(match.index + (match[0].startsWith("['") ? 2 : 1));
  return offsets;
}

/** Checks rules beyond their schema: facts, paths and their types, values, clocks, parameters and message placeholders. */
export function lintRules(input: LintInput): Problem[] {
  const problems: Problem[] = [];
  const clocks = new Map(input.clocks.map((clock) => [clock.id, clock]));
  const refused = new Set(input.refusedClocks ?? []);
  for (const { file, rule, sourceMap } of input.rules) {
    const report = (place: Place, code: string, message: string, hint?: string): void => {
      const position = place.offset === undefined ? sourceMap.locate(place.pointer) : sourceMap.locateInString(place.pointer, place.offset);
      problems.push({ code, severity: 'error', file, ...position, field: place.pointer.slice(1).replace(/\//g, '.'), message, ...(hint ? { hint } : {}) });
    };
    let pattern: string;
    let clockFact: ClockDef | undefined;
    if (typeof rule.subject === 'string') {
      pattern = rule.subject;
    } else {
      clockFact = clocks.get(rule.subject.clock);
      if (!clockFact) {
        // A refused clock file has its own problems; this rule is checked again once it loads.
        if (!refused.has(rule.subject.clock)) {
          const near = didYouMean(rule.subject.clock, [...clocks.keys(), ...refused]);
          report({ pointer: '/subject/clock', offset: 0 }, 'unknown-clock', `no deadline clock "${rule.subject.clock}"`, near ? `did you mean "${near}"?` : `clocks: ${[...clocks.keys()].join(', ')}`);
        }
        continue;
      }
      pattern = subjectPattern(clockFact.subject);
    }
    const { subject, chain, lists = [], failed } = subjectSchemas(pattern);
    if (!subject) {
      report({ pointer: '/subject', offset: failed?.offset ?? 0 }, 'unknown-subject', failed?.message ?? `subject "${pattern}" is not a part of the record schema`, failed?.hint);
      continue;
    }
    const params = rule.params ?? {};
    const hasPlan = chain.has('order') || pattern === 'orders[]';
    const factNames = ['subject', 'project', 'params', 'asOf', ...(hasPlan ? ['planSchedule'] : []), ...chain.keys(), ...lists.map((name) => `last:${name}`), ...(clockFact ? ['clock'] : [])];
    const clocksHere = [...clocks.values()].filter((clock) => subjectPattern(clock.subject) === pattern).map((clock) => clock.id);

    /** A clock state's field: its type, the variant narrowed to the clock's variant ids. */
    const clockField = (clock: ClockDef | undefined, path: readonly (string | number)[], offsets: readonly number[]): Resolved => {
      if (path.length === 0) return { ok: true, type: { types: ['object'] } };
      const name = String(path[0]);
      if (!Object.hasOwn(CLOCK_STATE_FIELDS, name)) {
        const near = didYouMean(name, Object.keys(CLOCK_STATE_FIELDS));
        return { ok: false, message: `a clock state has no field "${name}"`, hint: near ? `did you mean "${near}"?` : `fields: ${Object.keys(CLOCK_STATE_FIELDS).join(', ')}`, offset: offsets[0] ?? 0 };
      }
      if (path.length > 1) return { ok: true };
      const type = CLOCK_STATE_FIELDS[name as keyof ClockState];
      if (name === 'variant' && clock) return { ok: true, type: { types: ['string'], enum: ['default', ...(clock.variants ?? []).map((variant) => variant.id)] } };
      return { ok: true, type };
    };

    /** Resolves a fact and path to the type of what it reads. `offsets` are the columns of the path's segments (in the path string, or in a placeholder). */
    const resolve = (fact: string, path: readonly (string | number)[], offsets: readonly number[], factOffset: number): Resolved => {
      if (fact === 'subject' || fact === 'project' || chain.has(fact)) {
        const start = fact === 'subject' ? subject : fact === 'project' ? recordSchema() : (chain.get(fact) as SchemaNode);
        const walked = walkSchema(start, path);
        if (walked.node) return { ok: true, type: valueTypeOf(walked.node) };
        const name = String(path[walked.failedAt]);
        const near = didYouMean(name, walked.choices);
        const where = path.slice(0, walked.failedAt).join('.');
        return {
          ok: false,
          message: `"${fact}" has no field ${path.join('.')} in the record schema${where ? ` (no "${name}" in ${where})` : ''}`,
          hint: near ? `did you mean "${near}"?` : walked.choices.length > 0 ? `fields here: ${walked.choices.join(', ')}` : undefined,
          offset: offsets[walked.failedAt] ?? 0,
        };
      }
      if (fact.startsWith('last:')) {
        const name = fact.slice('last:'.length);
        if (!lists.includes(name)) {
          const near = didYouMean(name, lists);
          return { ok: false, message: `no list element "${name}" on the way to subject "${pattern}" for the fact "${fact}"`, hint: near ? `did you mean "last:${near}"?` : lists.length > 0 ? `facts: ${lists.map((list) => `last:${list}`).join(', ')}` : 'the subject is not in a list', offset: factOffset + 'last:'.length, inFact: true };
        }
        if (path.length > 0) return { ok: false, message: `"${fact}" is true or false: it has no fields`, hint: 'leave out "path"', offset: offsets[0] ?? 0 };
        return { ok: true, type: { types: ['boolean'] } };
      }
      if (fact === 'params') {
        if (path.length === 0) return { ok: true, type: { types: ['object'] } };
        const name = String(path[0]);
        if (!Object.hasOwn(params, name)) {
          const near = didYouMean(name, Object.keys(params));
          return { ok: false, message: `parameter "${name}" is not defined in "params"`, hint: near ? `did you mean "${near}"?` : `add it to "params"${Object.keys(params).length > 0 ? ` (parameters: ${Object.keys(params).join(', ')})` : ''}`, offset: offsets[0] ?? 0 };
        }
        return { ok: true, ...(path.length === 1 ? { type: valueTypeOfConstant(params[name]) } : {}) };
      }
      if (fact === 'asOf') {
        if (path.length === 0) return { ok: true, type: { types: ['object'] } };
        const name = String(path[0]);
        if (!Object.hasOwn(AS_OF_FIELDS, name)) {
          const near = didYouMean(name, Object.keys(AS_OF_FIELDS));
          return { ok: false, message: `asOf has no field "${name}" (time, date, ms)`, ...(near ? { hint: `did you mean "${near}"?` } : {}), offset: offsets[0] ?? 0 };
        }
        return { ok: true, type: AS_OF_FIELDS[name] };
      }
      if (fact === 'planSchedule') {
        if (!hasPlan) return { ok: false, message: 'the fact "planSchedule" exists only for an order and its parts (subject "orders[]" or below)', offset: factOffset, inFact: true };
        if (path.length === 0) return { ok: true, type: { types: ['object'] } };
        const name = String(path[0]);
        if (!Object.hasOwn(PLAN_SCHEDULE_FIELDS, name)) {
          const near = didYouMean(name, Object.keys(PLAN_SCHEDULE_FIELDS));
          return { ok: false, message: `planSchedule has no field "${name}"`, hint: near ? `did you mean "${near}"?` : `fields: ${Object.keys(PLAN_SCHEDULE_FIELDS).join(', ')}`, offset: offsets[0] ?? 0 };
        }
        return { ok: true, type: PLAN_SCHEDULE_FIELDS[name as keyof PlanScheduleFact] };
      }
      if (fact === 'clock') {
        if (!clockFact) return { ok: false, message: 'the fact "clock" exists only for rules whose subject is { "clock": ... }', hint: `use "clock:<clock id>" (${clocksHere.join(', ') || 'no clock is kept for this subject'})`, offset: factOffset, inFact: true };
        return clockField(clockFact, path, offsets);
      }
      if (fact.startsWith('clock:')) {
        const id = fact.slice('clock:'.length);
        const clock = clocks.get(id);
        if (!clock) {
          if (refused.has(id)) return { ok: true };
          const near = didYouMean(id, clocksHere.length > 0 ? clocksHere : [...clocks.keys()]) ?? didYouMean(id, [...clocks.keys()]);
          return { ok: false, message: `no deadline clock "${id}" in the deadlines directory`, hint: near ? `did you mean "clock:${near}"?` : `clocks for this subject: ${clocksHere.join(', ') || 'none'}`, offset: factOffset + 'clock:'.length, inFact: true };
        }
        if (subjectPattern(clock.subject) !== pattern) {
          return { ok: false, message: `clock "${clock.id}" is kept per ${clock.subject}, not for subject "${pattern}": it would always be absent`, hint: clocksHere.length > 0 ? `clocks for this subject: ${clocksHere.join(', ')}` : undefined, offset: factOffset + 'clock:'.length, inFact: true };
        }
        return clockField(clock, path, offsets);
      }
      const near = didYouMean(fact, [...factNames, ...clocksHere.map((id) => `clock:${id}`)]);
      return { ok: false, message: `unknown fact "${fact}"`, hint: near ? `did you mean "${near}"?` : `facts here: ${factNames.join(', ')}, clock:<clock id>`, offset: factOffset, inFact: true };
    };

    /** Checks a fact reference ({ fact, path }) at `pointer`; returns the type it reads, or undefined when unknown or wrong. */
    const checkRef = (ref: FactRef, pointer: string): ValueType | undefined => {
      const segments = ref.path === undefined ? [] : parsePath(ref.path);
      if (!segments) {
        report({ pointer: `${pointer}/path` }, 'bad-path', `path "${ref.path}" is not supported`, PATH_HINT);
        return undefined;
      }
      const resolved = resolve(ref.fact, segments, segmentOffsets(ref.path ?? ''), 0);
      if (resolved.ok) return resolved.type;
      report({ pointer: `${pointer}/${resolved.inFact || ref.path === undefined ? 'fact' : 'path'}`, offset: resolved.offset }, 'unknown-fact-path', resolved.message, resolved.hint);
      return undefined;
    };

    /** Checks a constant against the type of what it is compared with. */
    const checkValue = (value: unknown, type: ValueType, pointer: string, operator: string, path: string): void => {
      if (NUMERIC.has(operator)) {
        if (typeof value !== 'number') {
          const numeric = typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value));
          report({ pointer }, 'bad-value', `${operator} compares numbers; ${JSON.stringify(value)} is ${typeof value === 'string' ? 'a text' : describeValueType(valueTypeOfConstant(value))}`, numeric ? `write ${Number(value)} without quotes` : 'write a number');
        }
        return;
      }
      if (!constantFits(value, type)) {
        const strings = (type.enum ?? []).filter((item): item is string => typeof item === 'string');
        const near = typeof value === 'string' ? didYouMean(value, strings) : undefined;
        const hint = near ? `did you mean ${JSON.stringify(near)}?` : value === null ? 'a field a record lacks is absent, not null: use "exists": false' : typeof value === 'string' && type.types.includes('number') && Number.isFinite(Number(value)) ? `write ${Number(value)} without quotes` : undefined;
        report({ pointer }, 'bad-value', `${JSON.stringify(value)} is never a value of ${path}, which is ${describeValueType(type)}`, hint);
      }
    };

    const walk = (condition: RuleCondition, pointer: string): void => {
      if ('all' in condition) return condition.all.forEach((part, index) => walk(part, `${pointer}/all/${index}`));
      if ('any' in condition) return condition.any.forEach((part, index) => walk(part, `${pointer}/any/${index}`));
      if ('not' in condition) return walk(condition.not, `${pointer}/not`);
      const left = checkRef(condition, pointer);
      const where = `${condition.fact}${condition.path ? ` ${condition.path}` : ''}`;
      const value = condition.value;
      const operator = condition.operator;
      if (value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, 'fact')) {
        const right = checkRef(value as FactRef, `${pointer}/value`);
        if (left && right && left.types.length > 0 && right.types.length > 0) {
          const numericSide = (type: ValueType): boolean => type.types.includes('number');
          if (NUMERIC.has(operator) && !(numericSide(left) && numericSide(right))) {
            report({ pointer: `${pointer}/value` }, 'bad-value', `${operator} compares numbers; ${numericSide(left) ? (value as FactRef).fact : where} is ${describeValueType(numericSide(left) ? right : left)}`);
          } else if ((operator === 'equal' || operator === 'notEqual') && !left.types.some((type) => right.types.includes(type))) {
            report({ pointer: `${pointer}/value` }, 'bad-value', `${where} (${describeValueType(left)}) is never equal to ${(value as FactRef).fact} (${describeValueType(right)})`);
          }
        }
        return;
      }
      if (operator === 'exists') {
        if (typeof value !== 'boolean') report({ pointer: `${pointer}/value` }, 'bad-value', `exists takes true (present) or false (absent), not ${JSON.stringify(value)}`, typeof value === 'string' && (value === 'true' || value === 'false') ? `write ${value} without quotes` : undefined);
        return;
      }
      if (!left || left.types.length === 0) return;
      if (NUMERIC.has(operator) && !left.types.includes('number')) {
        report({ pointer: `${pointer}/operator` }, 'bad-operator', `${operator} compares numbers, and ${where} is ${describeValueType(left)}`, left.format ? 'compare times with a clock (rules/deadlines) or the fact asOf.ms' : undefined);
        return;
      }
      if (operator === 'in' || operator === 'notIn') {
        if (Array.isArray(value)) value.forEach((item, index) => checkValue(item, left, `${pointer}/value/${index}`, 'equal', where));
        return;
      }
      if (operator === 'contains' || operator === 'doesNotContain') {
        if (!left.types.includes('array')) report({ pointer: `${pointer}/operator` }, 'bad-operator', `${operator} looks into a list, and ${where} is ${describeValueType(left)}`, 'use equal / notEqual, or in / notIn with a list of values');
        else if (left.items) checkValue(value, left.items, `${pointer}/value`, 'equal', `an element of ${where}`);
        return;
      }
      checkValue(value, left, `${pointer}/value`, operator, where);
    };
    walk(rule.conditions, '/conditions');
    for (const key of ['due', 'openedAt', 'closedAt'] as const) {
      const ref = rule[key];
      if (!ref) continue;
      const type = checkRef(ref, `/${key}`);
      if (type && type.types.length > 0 && !type.format && !type.types.includes('number')) {
        report({ pointer: `/${key}` }, 'bad-time', `"${key}" must read a date or a time, and ${ref.fact}${ref.path ? ` ${ref.path}` : ''} is ${describeValueType(type)}`);
      }
    }
    for (const placeholder of placeholders(rule.message)) {
      // Offsets inside the message string: the placeholder's root, then each segment after a dot.
      const inner = placeholder.text.indexOf(placeholder.root);
      const rootOffset = placeholder.index + inner;
      const offsets: number[] = [];
      let cursor = rootOffset + placeholder.root.length;
      for (const segment of placeholder.path) {
        offsets.push(cursor + 1);
        cursor += segment.length + 1;
      }
      if (placeholder.filter !== undefined) {
        const [name, argument] = placeholder.filter.split(':');
        const filterOffset = placeholder.index + placeholder.text.indexOf(placeholder.filter, inner + placeholder.root.length);
        if (!(FILTERS as readonly string[]).includes(name ?? '')) {
          const near = didYouMean(name ?? '', FILTERS);
          report({ pointer: '/message', offset: filterOffset }, 'unknown-filter', `unknown filter "${placeholder.filter}" in ${placeholder.text}`, near ? `did you mean "${near}"?` : `filters: ${FILTERS.join(', ')}`);
        } else if (name === 'label' && (argument === undefined || !input.labels[argument])) {
          const near = didYouMean(argument ?? '', Object.keys(input.labels));
          report({ pointer: '/message', offset: filterOffset + 'label:'.length }, 'unknown-label-group', `no label group "${argument ?? ''}" in templates/labels.json (${placeholder.text})`, near ? `did you mean "${near}"?` : undefined);
        }
      }
      if (FINDING_FIELDS.has(placeholder.root) && placeholder.path.length === 0) continue;
      const resolved = resolve(placeholder.root, placeholder.path.map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment)), offsets, rootOffset);
      if (!resolved.ok) report({ pointer: '/message', offset: resolved.offset }, 'unknown-placeholder', `${placeholder.text}: ${resolved.message}`, resolved.hint);
    }
    for (const [level, after] of Object.entries(rule.escalation ?? {})) {
      if (after !== undefined && ['local', 'province', 'group'].indexOf(level) < ['local', 'province', 'group'].indexOf(rule.level)) {
        report({ pointer: `/escalation/${level}` }, 'unused-escalation', `escalation from "${level}" never applies: the rule starts at "${rule.level}"`);
      }
    }
  }
  return problems;
}

// Reads rules/deadlines/*.json: one clock per file, checked against deadline.schema.json and
// against the record schema (every path must name a real field of the subject).
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { DocpackError, pointerToField, type Problem } from '../errors.ts';
import { SourceMap, describeSyntaxError } from '../records/json-text.ts';
import { constantFits, describeValueType, didYouMean, recordSchema, resolveSchema, schemaDefinition, valueTypeOf, walkSchema, type SchemaNode } from '../records/schema-paths.ts';
import { listRuleFiles } from '../rule-files.ts';
import { dataPath } from '../package-files.ts';
import { schemaValidator } from '../validators.ts';
import { compileClock } from './compute.ts';
import { splitPath } from './paths.ts';
import { isSubjectKind, parseSubjectPattern } from './subjects.ts';
import type { ClockDef, Condition, Scalar, SubjectKind, TimeSource } from './types.ts';

const DEFAULT_DIR_LABEL = 'rules/deadlines';

/** rules/deadlines of the working directory when it has one, else the package's. */
export function defaultDeadlinesDir(): string {
  return dataPath('rules/deadlines');
}

export interface ClockDefsResult {
  defs: ClockDef[];
  /** Problems of every file, each naming it; a file with a problem contributes no clock. */
  problems: Problem[];
  /** Ids (file names) of the clock files refused: rules that use them are not told "no such clock" again. */
  refused: string[];
}

function clockSchema(): ValidateFunction {
  return schemaValidator('deadline');
}


/**
 * Reads every <id>.json of `dir` (default: the repo's rules/deadlines; *.test.json and the schema
 * are skipped), sorted by file name. Files with problems are left out and their problems returned.
 */
export function readClockDefs(dir?: string): ClockDefsResult {
  const folder = dir ?? defaultDeadlinesDir();
  const label = (name: string): string => (dir === undefined ? `${DEFAULT_DIR_LABEL}/${name}` : join(dir, name));
  let names: string[];
  try {
    names = listRuleFiles(folder);
  } catch (error) {
    return {
      defs: [],
      refused: [],
      problems: [
        problem({
          code: 'clocks-missing',
          file: dir ?? DEFAULT_DIR_LABEL,
          message: `cannot read the deadline folder (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
          hint: 'point at a folder of <id>.json clock files such as rules/deadlines',
        }),
      ],
    };
  }
  const defs: ClockDef[] = [];
  const problems: Problem[] = [];
  const refused: string[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    const file = label(name);
    let text: string;
    try {
      text = readFileSync(join(folder, name), 'utf8');
    } catch (error) {
      problems.push(problem({ code: 'clock-invalid', file, message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})` }));
      refused.push(basename(name, '.json'));
      continue;
    }
    const found = checkClockText(text, file, basename(name, '.json'));
    if (found.problems.length > 0 || !found.def) {
      problems.push(...found.problems);
      refused.push(basename(name, '.json'));
      continue;
    }
    const first = seen.get(found.def.id);
    if (first !== undefined) {
      problems.push(
        problem({ code: 'duplicate-clock', file, pointer: '/id', field: 'id', message: `clock id "${found.def.id}" is also defined in ${first}`, hint: 'give each clock its own id' }),
      );
      continue;
    }
    seen.set(found.def.id, file);
    defs.push(found.def);
  }
  return { defs, problems, refused };
}

/**
 * The clock definitions of `dir` (default: the repo's rules/deadlines). Throws a DocpackError
 * naming the file of the first problem (code clock-invalid, duplicate-clock, ...).
 */
export function loadClockDefs(dir?: string): ClockDef[] {
  const { defs, problems } = readClockDefs(dir);
  if (problems.length > 0) throw DocpackError.of(problems);
  if (defs.length === 0) {
    throw new DocpackError({ code: 'clocks-missing', file: dir ?? DEFAULT_DIR_LABEL, message: 'no <id>.json clock file in this folder' });
  }
  return defs;
}

/** Checks the text of one clock file; `expectedId` is the file name without .json. */
export function checkClockText(text: string, file: string, expectedId?: string): { def?: ClockDef; problems: Problem[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { problems: [problem({ file, ...describeSyntaxError(text, error), code: 'clock-invalid' })] };
  }
  const map = new SourceMap(text);
  const place = (found: Omit<Problem, 'severity' | 'file'> & { offset?: number; key?: string }): Problem => {
    const { offset, key, ...rest } = found;
    let position: { line: number; column: number } | undefined;
    try {
      position = rest.pointer === undefined ? undefined : offset === undefined ? map.locate(rest.pointer, key) : map.locateInString(rest.pointer, offset);
    } catch {
      position = undefined;
    }
    return problem({ ...rest, file, ...position });
  };
  const validate = clockSchema();
  if (!validate(data)) {
    return { problems: describeSchemaErrors(validate.errors ?? []).map(place) };
  }
  const def = data as ClockDef;
  const problems = checkClockDef(def, expectedId).map(place);
  if (problems.length === 0) {
    try {
      compileClock(def);
    } catch (error) {
      if (error instanceof DocpackError) problems.push(place({ ...error.problem, pointer: '' }));
      else throw error;
    }
  }
  return problems.length > 0 ? { problems } : { def, problems };
}

/** Errors of a oneOf branch that only say "this is not that form": summarised as one message per place. */
// (Schema paths inside a $ref start again at "#"; only condition and timeSource are oneOf at their top.)
const FORM_ERROR = /^#\/oneOf(\/\d+\/(required|additionalProperties|type))?$/;
const CONDITION_PLACE = /\/(applies|when|not|some)$|\/(all|any)\/\d+$/;
const FORM_HINTS: Record<string, string> = {
  condition: 'write {"all": [...]}, {"any": [...]}, {"not": {...}}, or {"path": "...", and one of "equals", "in", "exists", "some", "within"}',
  timeSource: 'write a path such as "survey.doneAt", or {"first": [paths]} or {"earliest": [paths]}',
};

/** Ajv's errors in words, most specific first; "not this form" noise of oneOf branches summarised. */
function describeSchemaErrors(errors: readonly ErrorObject[]): (Omit<Problem, 'severity' | 'file'> & { key?: string })[] {
  const out: (Omit<Problem, 'severity' | 'file'> & { key?: string })[] = [];
  const seen = new Set<string>();
  const add = (pointer: string, message: string, hint: string, key?: string): void => {
    const seenKey = `${pointer} ${message}`;
    if (seen.has(seenKey)) return;
    seen.add(seenKey);
    out.push({ code: 'clock-invalid', pointer, field: pointerToField(pointer) || '(clock)', message, hint, ...(key !== undefined ? { key } : {}) });
  };
  const formPlaces = new Set(errors.filter((error) => error.keyword === 'oneOf').map((error) => error.instancePath));
  // A type error where a oneOf failed only says "not the string form"; the form summary says more.
  const specific = errors.filter(
    (error) => error.keyword !== 'if' && !FORM_ERROR.test(error.schemaPath) && !(error.keyword === 'type' && formPlaces.has(error.instancePath)),
  );
  for (const error of [...specific].sort((a, b) => b.instancePath.length - a.instancePath.length)) {
    const params = error.params as Record<string, unknown>;
    let message = error.message ?? `fails ${error.keyword}`;
    if (typeof params.additionalProperty === 'string') {
      // Pointed at the misspelt key itself, with the field it was probably meant to be.
      const allowed = Object.keys(((error.parentSchema ?? {}) as { properties?: object }).properties ?? {});
      const near = didYouMean(params.additionalProperty, allowed);
      add(error.instancePath, `unknown field "${params.additionalProperty}"`, near ? `did you mean "${near}"?` : allowed.length > 0 ? `fields here: ${allowed.join(', ')}` : 'see rules/deadlines/deadline.schema.json', params.additionalProperty);
      continue;
    }
    else if (Array.isArray(params.allowedValues)) message = `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    else if (params.allowedValue !== undefined) message = `must be ${JSON.stringify(params.allowedValue)}`;
    else if (error.keyword === 'pattern' && String(params.pattern).startsWith('^[A-Za-z]')) {
      message = `${JSON.stringify(error.data)} is not a dotted path such as "survey.doneAt" or "affectedCustomers.2.reportedAt"`;
    } else if (error.keyword === 'pattern' && String(params.pattern).startsWith('^[a-z0-9]')) {
      message = `${JSON.stringify(error.data)} is not an id of lower-case words joined by "-", such as "survey-due"`;
    } else if (error.keyword === 'pattern' && String(params.pattern).startsWith('§')) {
      message = 'must cite the handbook section it implements, e.g. "§2.2.2"';
    }
    add(error.instancePath, message, 'see rules/deadlines/deadline.schema.json');
  }
  for (const error of errors) {
    if (!FORM_ERROR.test(error.schemaPath)) continue;
    const place = error.instancePath;
    if (specific.some((other) => other.instancePath === place || other.instancePath.startsWith(`${place}/`))) continue;
    if ([...formPlaces].some((other) => other.startsWith(`${place}/`))) continue;
    const form = CONDITION_PLACE.test(place) ? 'condition' : 'timeSource';
    const value = error.data;
    const keys = value !== null && typeof value === 'object' && !Array.isArray(value) ? ` (fields: ${Object.keys(value).join(', ') || 'none'})` : '';
    add(place, `is not a valid ${form === 'condition' ? 'condition' : 'time source'}${keys}`, FORM_HINTS[form]!);
  }
  if (out.length === 0) {
    for (const error of errors) add(error.instancePath, error.message ?? `fails ${error.keyword}`, 'see rules/deadlines/deadline.schema.json');
  }
  return out.slice(0, 5);
}

const SUBJECT_SCHEMA: Record<SubjectKind, string | null> = {
  project: null,
  order: 'order',
  circuit: 'circuit',
  problem: 'problem',
  resourceCheck: 'resourceCheck',
  resourceReserve: 'resourceReserve',
  fault: 'fault',
};

interface PathUse {
  pointer: string;
  path: string;
  /** time: must be a date or a time; array: must be an array. */
  kind: 'time' | 'value' | 'array';
  values?: Scalar[];
  /** Where the values are written (/equals, /in): a wrong value is pointed at there. */
  valuesPointer?: string;
  /** Schema node the path is relative to, when not the subject (items of `some`, period reports). */
  base?: SchemaNode;
}

/** What JSON Schema cannot say about a clock: its id, variant ids and that every path names a real field. */
export function checkClockDef(def: ClockDef, expectedId?: string): (Omit<Problem, 'severity' | 'file'> & { offset?: number })[] {
  const problems: (Omit<Problem, 'severity' | 'file'> & { offset?: number })[] = [];
  if (expectedId !== undefined && def.id !== expectedId) {
    problems.push({ code: 'clock-invalid', pointer: '/id', field: 'id', message: `id "${def.id}" does not match the file name (${expectedId}.json)`, hint: `rename the file to ${def.id}.json or set "id": "${expectedId}"` });
  }
  const variantIds = new Set<string>(['default']);
  (def.variants ?? []).forEach((variant, index) => {
    if (variantIds.has(variant.id)) {
      problems.push({ code: 'clock-invalid', pointer: `/variants/${index}/id`, field: `variants[${index}].id`, message: `variant id "${variant.id}" is ${variant.id === 'default' ? 'reserved' : 'used twice'}`, hint: 'give each variant its own id' });
    }
    variantIds.add(variant.id);
  });

  const uses: PathUse[] = [];
  const time = (source: TimeSource | undefined, pointer: string): void => {
    if (source === undefined) return;
    if (typeof source === 'string') uses.push({ pointer, path: source, kind: 'time' });
    else if ('first' in source) source.first.forEach((path, i) => uses.push({ pointer: `${pointer}/first/${i}`, path, kind: 'time' }));
    else if ('burst' in source) {
      uses.push({ pointer: `${pointer}/burst/items`, path: source.burst.items, kind: 'array' });
      const items = itemsOf(source.burst.items, undefined);
      if (items) {
        uses.push({ pointer: `${pointer}/burst/time`, path: source.burst.time, kind: 'time', base: items });
        condition(source.burst.where, `${pointer}/burst/where`, items);
        if (source.burst.distinct !== undefined) uses.push({ pointer: `${pointer}/burst/distinct`, path: source.burst.distinct, kind: 'value', base: items });
      }
    } else source.earliest.forEach((path, i) => uses.push({ pointer: `${pointer}/earliest/${i}`, path, kind: 'time' }));
  };
  const root = recordSchema();
  let subjectSchema: SchemaNode;
  if (isSubjectKind(def.subject)) {
    const subjectDef = SUBJECT_SCHEMA[def.subject];
    subjectSchema = subjectDef === null ? root : schemaDefinition(subjectDef);
  } else {
    const found = patternSchema(root, def.subject);
    if (!found.node) {
      problems.push({ code: 'clock-subject', pointer: '/subject', field: 'subject', message: `"${def.subject}" is not a part of the record (no "${found.failed}")`, hint: `${found.hint ?? ''}; or one of the kinds ${Object.keys(SUBJECT_SCHEMA).join(', ')}` });
      return problems;
    }
    subjectSchema = found.node;
  }
  const seesOrder = def.subject === 'order' || def.subject === 'circuit' || def.subject.startsWith('orders[].');
  /** Items schema of the array at `path` (for `some`), when the path leads to one. */
  const itemsOf = (path: string, base: SchemaNode | undefined): SchemaNode | undefined => {
    const { root: start, segments } = splitPath(path);
    const from = start === 'project' ? root : start === 'order' ? schemaDefinition('order') : (base ?? subjectSchema);
    const walked = walkSchema(from, segments);
    return walked.node ? (resolveSchema(walked.node).node.items as SchemaNode | undefined) : undefined;
  };
  const condition = (cond: Condition | undefined, pointer: string, base?: SchemaNode): void => {
    if (cond === undefined) return;
    if ('all' in cond) cond.all.forEach((part, i) => condition(part, `${pointer}/all/${i}`, base));
    else if ('any' in cond) cond.any.forEach((part, i) => condition(part, `${pointer}/any/${i}`, base));
    else if ('not' in cond) condition(cond.not, `${pointer}/not`, base);
    else if ('some' in cond) {
      uses.push({ pointer: `${pointer}/path`, path: cond.path, kind: 'array', base });
      const items = itemsOf(cond.path, base);
      if (items) condition(cond.some, `${pointer}/some`, items);
    } else if ('within' in cond) {
      uses.push({ pointer: `${pointer}/path`, path: cond.path, kind: 'time', base });
      uses.push({ pointer: `${pointer}/within/of`, path: cond.within.of, kind: 'time', base });
    } else if ('equals' in cond) uses.push({ pointer: `${pointer}/path`, path: cond.path, kind: 'value', values: [cond.equals], valuesPointer: `${pointer}/equals`, base });
    else if ('in' in cond) uses.push({ pointer: `${pointer}/path`, path: cond.path, kind: 'value', values: cond.in, valuesPointer: `${pointer}/in`, base });
    else uses.push({ pointer: `${pointer}/path`, path: cond.path, kind: 'value', base });
  };
  condition(def.applies, '/applies');
  time(def.start, '/start');
  time(def.stop, '/stop');
  time(def.cancel?.at, '/cancel/at');
  time(def.cancel?.notAfter, '/cancel/notAfter');
  time(def.anchor, '/anchor');
  time(def.notBefore, '/notBefore');
  (def.variants ?? []).forEach((variant, i) => {
    condition(variant.when, `/variants/${i}/when`);
    time(variant.start, `/variants/${i}/start`);
    time(variant.anchor, `/variants/${i}/anchor`);
    time(variant.notBefore, `/variants/${i}/notBefore`);
  });

  if (def.period) {
    uses.push({ pointer: '/period/reports', path: def.period.reports, kind: 'array' });
    const items = itemsOf(def.period.reports, undefined);
    if (items) {
      uses.push({ pointer: '/period/key', path: def.period.key, kind: 'value', base: items });
      uses.push({ pointer: '/period/submittedAt', path: def.period.submittedAt, kind: 'time', base: items });
    }
  }

  for (const use of uses) {
    const field = pointerToField(use.pointer);
    const { root: start, segments } = splitPath(use.path);
    const prefix = start === 'subject' ? 0 : start.length + 1;
    let base: SchemaNode;
    if (start === 'project') base = root;
    else if (start === 'order') {
      if (!seesOrder) {
        problems.push({ code: 'clock-path', pointer: use.pointer, field, message: `"${use.path}": "order." is only visible to order and circuit clocks (and subjects under "orders[].")`, hint: `this clock's subject is ${def.subject}` });
        continue;
      }
      base = schemaDefinition('order');
    } else base = use.base ?? subjectSchema;
    const walked = walkSchema(base, segments);
    if (!walked.node) {
      const failed = String(segments[walked.failedAt]);
      const near = didYouMean(failed, walked.choices);
      // The column of the wrong name inside the path: "survey.doneAtt" points at doneAtt.
      const offset = prefix + segments.slice(0, walked.failedAt).reduce<number>((sum, segment) => sum + String(segment).length + 1, 0);
      const parts = use.path.split('.');
      parts[walked.failedAt + (prefix > 0 ? 1 : 0)] = near ?? failed;
      const hint = near ? `did you mean "${parts.join('.')}"?` : walked.choices.length > 0 ? `fields here: ${walked.choices.join(', ')}` : undefined;
      problems.push({ code: 'clock-path', pointer: use.pointer, offset, field, message: `"${use.path}" is not a field of the ${start === 'subject' ? def.subject : start} (no "${failed}")`, ...(hint ? { hint } : {}) });
      continue;
    }
    const resolved = resolveSchema(walked.node);
    const type = valueTypeOf(walked.node);
    if (use.kind === 'time' && !resolved.refs.includes('date') && !resolved.refs.includes('dateTime')) {
      problems.push({ code: 'clock-path', pointer: use.pointer, field, message: `"${use.path}" is not a date or a time`, hint: 'start, stop, anchor, notBefore and cancel need a date (YYYY-MM-DD) or time field' });
    } else if (use.kind === 'array' && resolved.node.type !== 'array') {
      problems.push({ code: 'clock-path', pointer: use.pointer, field, message: `"${use.path}" is not an array` });
    } else if (use.values) {
      use.values.forEach((value, index) => {
        if (constantFits(value, type)) return;
        const strings = (type.enum ?? []).filter((item): item is string => typeof item === 'string');
        const near = typeof value === 'string' ? didYouMean(value, strings) : undefined;
        problems.push({
          code: 'clock-path',
          pointer: use.valuesPointer !== undefined ? (use.valuesPointer.endsWith('/in') ? `${use.valuesPointer}/${index}` : use.valuesPointer) : use.pointer,
          field,
          message: `${JSON.stringify(value)} is never a value of "${use.path}", which is ${describeValueType(type)}`,
          ...(near ? { hint: `did you mean ${JSON.stringify(near)}?` } : value === null ? { hint: 'a field a record lacks is absent, not null: write { "path": ..., "exists": false }' } : {}),
        });
      });
    }
  }
  return problems;
}

/** The schema of what a subject pattern names ("afterSale.cutovers[]": one cutover), or where it fails. */
export function patternSchema(root: SchemaNode, pattern: string): { node?: SchemaNode; failed: string; hint?: string } {
  let node: SchemaNode = root;
  for (const step of parseSubjectPattern(pattern)) {
    const properties = (resolve(root, node).node.properties ?? {}) as Record<string, SchemaNode>;
    const next = Object.hasOwn(properties, step.key) ? properties[step.key] : undefined;
    if (!next) return { failed: step.key, hint: suggestion(step.key, Object.keys(properties)) };
    node = resolve(root, next).node;
    if (step.iterate) {
      if (node.type !== 'array' || !node.items) return { failed: `${step.key}[]`, hint: `"${step.key}" is not a list: write it without []` };
      node = resolve(root, node.items as SchemaNode).node;
    } else if (node.type === 'array') return { failed: step.key, hint: `"${step.key}" is a list: write "${step.key}[]" to run the clock for each element` };
  }
  return { node, failed: '' };
}

function defOf(root: SchemaNode, name: string): SchemaNode {
  return ((root.$defs as Record<string, SchemaNode>)[name] ?? {}) as SchemaNode;
}

/** Follows $ref chains, collecting the names of the $defs passed through. */
function resolve(root: SchemaNode, node: SchemaNode): { node: SchemaNode; refs: string[] } {
  const refs: string[] = [];
  let current = node;
  for (let guard = 0; guard < 20 && typeof current.$ref === 'string'; guard++) {
    const name = current.$ref.replace('#/$defs/', '');
    refs.push(name);
    current = defOf(root, name);
  }
  return { node: current, refs };
}

function suggestion(name: string, choices: string[]): string {
  const near = didYouMean(name, choices);
  return near ? `did you mean "${near}"?` : `fields here: ${choices.join(', ')}`;
}

function problem(found: Omit<Problem, 'severity'>): Problem {
  return { severity: 'error', ...found };
}

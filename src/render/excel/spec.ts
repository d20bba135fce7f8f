// Sheet specs: templates/excel/<name>.xlsx.json, one workbook each. sheet-spec.schema.json is the
// authority (every file is checked against it); their types are generated from it (sheet-spec.gen.ts).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { closest } from 'fastest-levenshtein';
import { DocpackError, pointerToField, type Problem } from '../../errors.ts';
import { dataPath } from '../../package-files.ts';
import { SourceMap } from '../../records/json-text.ts';
import { schemaValidator } from '../../validators.ts';
import type { Labels } from '../../labels.ts';

import type { ColumnSpec, Condition, HighlightSpec, ValueSpec, WorkbookSpec } from './sheet-spec.gen.ts';
import type { Scalar } from '../../clocks/types.ts';

export type { Scalar };

/**
 * A workbook spec, templates/excel/<name>.xlsx.json, and its parts: generated from sheet-spec.schema.json.
 * Conditions are the deadline clocks' own form without `some` and `within`.
 */
export type { ColumnSpec, Condition, HighlightSpec, SheetSpec, ValueSpec, WorkbookSpec } from './sheet-spec.gen.ts';
export type ColumnType = ColumnSpec['type'];
export type HighlightStyle = HighlightSpec['style'];
export type HighlightTest = HighlightSpec['when'];

/** A spec with where it came from: `name` is the file name without .xlsx.json (what --spec takes). */
export interface LoadedSpec {
  name: string;
  file: string;
  spec: WorkbookSpec;
}

/** What a row source offers a spec: the names its row contexts define (first path segments). */
export interface SourceShape {
  name: string;
  context: readonly string[];
}

const SPEC_SUFFIX = '.xlsx.json';
const DEFAULT_DIR_LABEL = 'templates/excel';

/** templates/excel of the working directory when it has one, else the package's. */
export function defaultSpecDir(): string {
  return dataPath('templates/excel');
}

function specSchema(): ValidateFunction {
  return schemaValidator('sheet-spec');
}

export interface SpecCheckContext {
  labels: Labels;
  sources: readonly SourceShape[];
}

/**
 * Reads every <name>.xlsx.json of `dir` (default templates/excel), sorted by name, and checks each
 * against the schema, the labels file and the row sources. A file with problems gives no spec.
 */
export function readSheetSpecs(context: SpecCheckContext, dir?: string): { specs: LoadedSpec[]; problems: Problem[] } {
  const folder = dir ?? defaultSpecDir();
  const shown = (name: string): string => (dir === undefined ? `${DEFAULT_DIR_LABEL}/${name}` : path.join(dir, name));
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => name.endsWith(SPEC_SUFFIX)).sort();
  } catch (error) {
    return {
      specs: [],
      problems: [
        {
          code: 'specs-missing',
          severity: 'error',
          file: dir ?? DEFAULT_DIR_LABEL,
          message: `cannot read the sheet spec folder (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
          hint: 'point --templates at a folder of <name>.xlsx.json files',
        },
      ],
    };
  }
  const specs: LoadedSpec[] = [];
  const problems: Problem[] = [];
  for (const name of names) {
    const file = shown(name);
    const checked = checkSpecText(readFileSync(path.join(folder, name), 'utf8'), file, context);
    if (checked.spec) specs.push({ name: name.slice(0, -SPEC_SUFFIX.length), file, spec: checked.spec });
    problems.push(...checked.problems);
  }
  return { specs, problems };
}

/** Checks one spec file's text: JSON, schema, then references (columns, label groups, row sources, paths). */
export function checkSpecText(text: string, file: string, context: SpecCheckContext): { spec?: WorkbookSpec; problems: Problem[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { problems: [{ code: 'spec-invalid', severity: 'error', file, message: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  const map = new SourceMap(text);
  const place = (pointer: string, message: string, hint?: string): Problem => {
    let position: { line: number; column: number } | undefined;
    try {
      position = map.locate(pointer);
    } catch {
      position = undefined;
    }
    return { code: 'spec-invalid', severity: 'error', file, ...position, pointer, field: pointerToField(pointer) || undefined, message, hint };
  };
  const validate = specSchema();
  if (!validate(data)) {
    return { problems: schemaProblems(validate.errors ?? []).map(({ pointer, message }) => place(pointer, message, 'see templates/excel/sheet-spec.schema.json')) };
  }
  const spec = data as WorkbookSpec;
  const problems = referenceProblems(spec, context).map(({ pointer, message, hint }) => place(pointer, message, hint));
  return problems.length > 0 ? { problems } : { spec, problems };
}

/** The most useful schema errors: the deepest ones, without oneOf noise when a branch explains more. */
function schemaProblems(errors: readonly ErrorObject[]): { pointer: string; message: string }[] {
  const useful = errors.filter((error) => error.keyword !== 'oneOf' && error.keyword !== 'if');
  const picked = useful.length > 0 ? useful : errors;
  const seen = new Set<string>();
  const out: { pointer: string; message: string }[] = [];
  for (const error of picked) {
    const params = error.params as Record<string, unknown>;
    const detail =
      error.keyword === 'additionalProperties'
        ? `unknown property "${String(params.additionalProperty)}"`
        : error.keyword === 'enum'
          ? `${error.message ?? 'is invalid'}: ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`
          : (error.message ?? 'is invalid');
    const key = `${error.instancePath} ${detail}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ pointer: error.instancePath, message: detail });
  }
  return out.slice(0, 10);
}

interface RefProblem {
  pointer: string;
  message: string;
  hint?: string;
}

function suggest(name: string, known: readonly string[]): string {
  const near = known.length > 0 ? closest(name, known as string[]) : undefined;
  return near ? `did you mean "${near}"? known: ${known.join(', ')}` : `known: ${known.join(', ')}`;
}

/** Paths read by a value spec. */
export function valuePaths(value: ValueSpec): string[] {
  if (typeof value === 'string') return [value];
  if ('daysOverdue' in value) return [value.daysOverdue];
  if ('daysUntil' in value) return [value.daysUntil];
  if ('workingDaysUntil' in value) return [value.workingDaysUntil];
  if ('addMonths' in value) return [value.addMonths[0]];
  if ('first' in value) return value.first;
  if ('join' in value) return value.join;
  if ('count' in value) return [value.count];
  return value.lessThan;
}

function conditionPaths(condition: Condition, pointer: string): { path: string; pointer: string }[] {
  if ('all' in condition) return condition.all.flatMap((item, index) => conditionPaths(item, `${pointer}/all/${index}`));
  if ('any' in condition) return condition.any.flatMap((item, index) => conditionPaths(item, `${pointer}/any/${index}`));
  if ('not' in condition) return conditionPaths(condition.not, `${pointer}/not`);
  return [{ path: condition.path, pointer: `${pointer}/path` }];
}

function referenceProblems(spec: WorkbookSpec, context: SpecCheckContext): RefProblem[] {
  const problems: RefProblem[] = [];
  const sourceNames = context.sources.map((source) => source.name);
  const sheetNames = new Set<string>();
  const claimName = (name: string, pointer: string): void => {
    if (sheetNames.has(name.toLowerCase())) problems.push({ pointer, message: `sheet name "${name}" is used twice`, hint: 'Excel sheet names must differ (case-insensitively)' });
    sheetNames.add(name.toLowerCase());
  };
  spec.sheets.forEach((sheet, sheetIndex) => {
    const at = `/sheets/${sheetIndex}`;
    if (sheet.summary) claimName(sheet.summary.name, `${at}/summary/name`);
    claimName(sheet.name, `${at}/name`);
    const source = context.sources.find((candidate) => candidate.name === sheet.rows);
    if (!source) problems.push({ pointer: `${at}/rows`, message: `no row source "${sheet.rows}"`, hint: suggest(sheet.rows, sourceNames) });
    const checkPath = (path: string, pointer: string): void => {
      if (!source) return;
      const root = path.split('.')[0] ?? '';
      if (!source.context.includes(root)) {
        problems.push({ pointer, message: `"${path}": rows of "${sheet.rows}" have no "${root}"`, hint: suggest(root, source.context) });
      }
    };
    if (sheet.filter) for (const found of conditionPaths(sheet.filter, `${at}/filter`)) checkPath(found.path, found.pointer);
    const columns = new Map<string, ColumnSpec>();
    sheet.columns.forEach((column, columnIndex) => {
      const colAt = `${at}/columns/${columnIndex}`;
      if (columns.has(column.key)) problems.push({ pointer: `${colAt}/key`, message: `column key "${column.key}" is used twice in this sheet` });
      columns.set(column.key, column);
      const paths = valuePaths(column.value);
      paths.forEach((path, index) => checkPath(path, typeof column.value === 'string' ? `${colAt}/value` : `${colAt}/value/${Object.keys(column.value)[0]}${paths.length > 1 || 'addMonths' in column.value ? `/${index}` : ''}`));
      if (column.when) for (const found of conditionPaths(column.when, `${colAt}/when`)) checkPath(found.path, found.pointer);
      const group = column.labels ?? (column.type === 'boolean' ? 'boolean' : undefined);
      if (group !== undefined && !context.labels[group]) {
        problems.push({ pointer: `${colAt}/labels`, message: `no label group "${group}" in templates/labels.json`, hint: suggest(group, Object.keys(context.labels)) });
      }
      if (column.labels !== undefined && column.type !== 'enum' && column.type !== 'boolean') {
        problems.push({ pointer: `${colAt}/labels`, message: `labels only apply to enum and boolean columns, not ${column.type}` });
      }
      if (column.dropdown && column.type !== 'enum' && column.type !== 'boolean') {
        problems.push({ pointer: `${colAt}/dropdown`, message: `a dropdown needs an enum or boolean column, not ${column.type}` });
      }
      if (column.dropdown && group !== undefined && context.labels[group]) {
        const listed = Object.values(context.labels[group]!).join(',');
        if (Object.values(context.labels[group]!).some((text) => /[,"]/.test(text)) || listed.length > 255) {
          problems.push({ pointer: `${colAt}/dropdown`, message: `the labels of "${group}" cannot form an Excel dropdown (a comma or quote in a label, or over 255 characters)` });
        }
      }
    });
    const needColumn = (key: string, pointer: string): ColumnSpec | undefined => {
      const column = columns.get(key);
      if (!column) problems.push({ pointer, message: `no column "${key}" in sheet "${sheet.name}"`, hint: suggest(key, [...columns.keys()]) });
      return column;
    };
    sheet.sort?.forEach((key, index) => needColumn(key.column, `${at}/sort/${index}/column`));
    sheet.summary?.by.forEach((key, index) => needColumn(key, `${at}/summary/by/${index}`));
    if (sheet.summary?.where) needColumn(sheet.summary.where.column, `${at}/summary/where/column`);
    sheet.highlight?.forEach((highlight, index) => {
      const hAt = `${at}/highlight/${index}/when`;
      const column = needColumn(highlight.when.column, `${hAt}/column`);
      if (highlight.when.lessThanColumn !== undefined) needColumn(highlight.when.lessThanColumn, `${hAt}/lessThanColumn`);
      if (!column) return;
      const group = column.labels ?? (column.type === 'boolean' ? 'boolean' : undefined);
      const tested = highlight.when.equals !== undefined ? [highlight.when.equals] : (highlight.when.in ?? []);
      if (group !== undefined && context.labels[group]) {
        for (const value of tested) {
          if (context.labels[group]![String(value)] === undefined) {
            problems.push({ pointer: `${hAt}/${highlight.when.equals !== undefined ? 'equals' : 'in'}`, message: `"${String(value)}" is not a value of label group "${group}"`, hint: suggest(String(value), Object.keys(context.labels[group]!)) });
          }
        }
      }
    });
  });
  return problems;
}

/** Loads the specs or throws the first problem (for callers that cannot go on without them). */
export function loadSheetSpecs(context: SpecCheckContext, dir?: string): LoadedSpec[] {
  const { specs, problems } = readSheetSpecs(context, dir);
  const first = problems[0];
  if (first) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    throw new DocpackError({ ...first, message: `${first.message}${more}` });
  }
  return specs;
}

/** Picks specs by name (file name without .xlsx.json), title or file name; "all" picks every one. */
export function selectSpecs(specs: readonly LoadedSpec[], wanted: readonly string[]): { selected: LoadedSpec[]; unknown: string[] } {
  if (wanted.includes('all')) return { selected: [...specs], unknown: [] };
  const selected: LoadedSpec[] = [];
  const unknown: string[] = [];
  for (const name of wanted) {
    const found = specs.find((spec) => spec.name === name || spec.spec.title === name || (spec.spec.fileName ?? spec.spec.title) === name);
    if (!found) unknown.push(name);
    else if (!selected.includes(found)) selected.push(found);
  }
  return { selected, unknown };
}

import { readFileSync } from 'node:fs';
import { DocpackError } from '../errors.ts';
import { dataPath } from '../package-files.ts';
import { SourceMap, describeSyntaxError } from '../records/json-text.ts';
import { describeSchemaErrors } from '../records/schema.ts';
import { schemaValidator } from '../validators.ts';
import type { PackEntry, PackSpec } from './pack-spec.gen.ts';
import type { ProjectRecord } from '../records/types.gen.ts';

/** templates/pack.json: which documents each project and the portfolio get (generated from pack.schema.json). */
export type { PackEntry, PackSpec } from './pack-spec.gen.ts';

/** templates/pack.json of the working directory when it has one, else the package's. */
export function defaultPackPath(): string {
  return dataPath('templates/pack.json');
}

/** Loads templates/pack.json (or --pack), checked against pack.schema.json beside the default one. */
export function loadPackSpec(file: string = defaultPackPath()): PackSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new DocpackError({ code: 'pack-unreadable', file, message: 'cannot read the pack definition', hint: 'check the path given to --pack' });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DocpackError({ file, ...describeSyntaxError(text, error) });
  }
  const validate = schemaValidator('pack');
  if (!validate(value)) {
    const [first] = describeSchemaErrors(validate.errors ?? []);
    const sourceMap = new SourceMap(text);
    if (first) throw new DocpackError({ ...first, file, ...sourceMap.locate(first.pointer, first.key) });
  }
  return value as PackSpec;
}

/** Whether the record holds a path: "[]" segments mean "in some element of the array". */
export function recordHas(record: unknown, requirement: string): boolean {
  const steps = requirement.split('.').map((part) => ({ key: part.replace(/\[\]$/, ''), iterate: part.endsWith('[]') }));
  const holds = (value: unknown, index: number): boolean => {
    if (index === steps.length) return value !== undefined && value !== null;
    const step = steps[index]!;
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, step.key)) return false;
    const child = (value as Record<string, unknown>)[step.key];
    if (!step.iterate) return holds(child, index + 1);
    return Array.isArray(child) && child.some((element) => holds(element, index + 1));
  };
  return holds(record, 0);
}

/** The project entries that apply to a record: by phase and by what it holds (no 实施方案 before a plan). */
export function entriesFor(spec: PackSpec, record: ProjectRecord): PackEntry[] {
  return spec.project.filter((entry) => (!entry.phases || entry.phases.includes(record.phase)) && (entry.requires ?? []).every((requirement) => recordHas(record, requirement)));
}

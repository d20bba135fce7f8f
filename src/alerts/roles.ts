// Who a rule notifies is data: rules/alerts/_roles.json maps each role to paths into the record
// ("project.team.customerManager", "order.projectManager.person", "project.team.partners[].owner").
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DocpackError, type Problem } from '../errors.ts';
import { SourceMap, describeSyntaxError } from '../records/json-text.ts';
import type { Level } from '../records/types.gen.ts';
import type { Recipient } from './types.ts';

export const ROLES_FILE = '_roles.json';

/** Role → the paths tried in order. */
export type RoleSources = Readonly<Record<string, readonly string[]>>;

const PATH = /^[A-Za-z]+(\[\])?(\.[A-Za-z]+(\[\])?)*$/;

export interface RolesResult {
  file: string;
  roles: RoleSources;
  sourceMap?: SourceMap;
  problems: Problem[];
}

/** Reads <dir>/_roles.json; every problem names file:line:column. */
export function readRoles(dir: string): RolesResult {
  const file = path.join(dir, ROLES_FILE);
  const shown = displayPath(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { file: shown, roles: {}, problems: [{ code: 'roles-missing', severity: 'error', file: shown, message: `cannot read the roles file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, hint: 'rules/alerts/_roles.json says who each role in "notify" is; copy it into the rules folder' }] };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { file: shown, roles: {}, problems: [{ severity: 'error', file: shown, ...describeSyntaxError(text, error) }] };
  }
  const sourceMap = new SourceMap(text);
  const problems: Problem[] = [];
  const roles: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { file: shown, roles, sourceMap, problems: [{ code: 'roles-invalid', severity: 'error', file: shown, line: 1, column: 1, message: 'must be an object: { "role": ["path", ...] }' }] };
  }
  for (const [role, paths] of Object.entries(value)) {
    if (role.startsWith('$')) continue;
    const at = `/${role}`;
    if (!/^[A-Za-z]+$/.test(role)) problems.push({ code: 'roles-invalid', severity: 'error', file: shown, ...sourceMap.locate(at, role), field: role, message: `role "${role}" must be a word of letters (e.g. customerManager)` });
    else if (!Array.isArray(paths) || paths.length === 0 || paths.some((entry) => typeof entry !== 'string')) problems.push({ code: 'roles-invalid', severity: 'error', file: shown, ...sourceMap.locate(at), field: role, message: 'must be a list of paths, e.g. ["project.team.customerManager"]' });
    else {
      (paths as string[]).forEach((entry, index) => {
        if (!PATH.test(entry)) problems.push({ code: 'roles-invalid', severity: 'error', file: shown, ...sourceMap.locate(`${at}/${index}`), field: `${role}[${index}]`, message: `"${entry}" is not a path such as "project.team.customerManager" or "project.team.partners[].owner"` });
      });
      roles[role] = paths as string[];
    }
  }
  return { file: shown, roles, sourceMap, problems };
}

const cache = new Map<string, RoleSources>();

/** The roles of a rules folder; throws a DocpackError on a bad file (exit 2). */
export function loadRoles(dir: string): RoleSources {
  const key = path.resolve(dir);
  let roles = cache.get(key);
  if (!roles) {
    const read = readRoles(dir);
    const first = read.problems[0];
    if (first) throw new DocpackError({ ...first, message: `${first.message}${read.problems.length > 1 ? ` (and ${read.problems.length - 1} more: run docpack rules lint)` : ''}` });
    roles = read.roles;
    cache.set(key, roles);
  }
  return roles;
}

function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}

interface PersonLike {
  name: string;
  org?: string;
  level?: Level;
}

function isPerson(value: unknown): value is PersonLike {
  return value !== null && typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string';
}

/** A role path split once: its steps, each a key and whether it fans out over a list. */
type RolePath = { key: string; fan: boolean }[];

function parseRolePath(source: string): RolePath {
  return source.split('.').map((part) => ({ key: part.replace(/\[\]$/, ''), fan: part.endsWith('[]') }));
}

/** Every value a path reaches; [] segments fan out over lists. Own properties only. */
function reach(facts: Readonly<Record<string, unknown>>, steps: RolePath): unknown[] {
  const own = Object.prototype.hasOwnProperty;
  const root = steps[0];
  if (!root || !own.call(facts, root.key)) return [];
  // Loops over arrays of its own (no destructuring, map or flatMap): recipients are found for every finding.
  let values: unknown[] = [facts[root.key]];
  if (root.fan) values = fanOut(values);
  for (let index = 1; index < steps.length; index += 1) {
    const { key, fan } = steps[index]!;
    for (let at = 0; at < values.length; at += 1) {
      const value = values[at];
      values[at] = value !== null && typeof value === 'object' && !Array.isArray(value) && own.call(value, key) ? (value as Record<string, unknown>)[key] : undefined;
    }
    if (fan) values = fanOut(values);
  }
  return values;
}

/** The elements of the lists among `values`, in order (what flatMap gives; other values give none). */
function fanOut(values: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const value of values) if (Array.isArray(value)) for (const item of value as unknown[]) out.push(item);
  return out;
}

/** A rule's recipients: for each role, the people of its first path that gives anyone. */
export function compileRecipients(notify: readonly string[], roles: RoleSources): (facts: Readonly<Record<string, unknown>>) => Recipient[] {
  const plan = notify.map((role) => ({ role, sources: (roles[role] ?? []).map(parseRolePath) }));
  return (facts) => {
    const out: Recipient[] = [];
    for (const { role, sources } of plan) {
      for (const source of sources) {
        const people = reach(facts, source).filter(isPerson);
        if (people.length === 0) continue;
        for (const person of people) out.push({ role, name: person.name, org: person.org, level: person.level });
        break;
      }
    }
    return out;
  };
}

/**
 * What `rules lint` checks of roles: every role a rule notifies is defined and has a Chinese name
 * (the "role" label group), and every role path starts at project, subject or an element name.
 */
export function lintRoles(read: RolesResult, rules: readonly { file: string; rule: { notify: readonly string[] }; sourceMap: SourceMap }[], roleLabels: Readonly<Record<string, string>> | undefined): Problem[] {
  const problems: Problem[] = [...read.problems];
  for (const [role, paths] of Object.entries(read.roles)) {
    if (!roleLabels || roleLabels[role] === undefined) {
      problems.push({ code: 'unlabelled-role', severity: 'error', file: read.file, ...read.sourceMap?.locate(`/${role}`, role), field: role, message: `role "${role}" has no Chinese name`, hint: `add "${role}": "..." to the "role" group of templates/labels.json` });
    }
    paths.forEach((source, index) => {
      const root = source.split('.')[0]!.replace(/\[\]$/, '');
      if (root !== 'project' && root !== 'subject' && !/^[a-z][A-Za-z]*$/.test(root)) {
        problems.push({ code: 'roles-invalid', severity: 'error', file: read.file, ...read.sourceMap?.locate(`/${role}/${index}`), field: `${role}[${index}]`, message: `"${source}" must start at project, subject or an element such as order` });
      }
    });
  }
  const known = Object.keys(read.roles);
  for (const { file, rule, sourceMap } of rules) {
    rule.notify.forEach((role, index) => {
      if (!Object.prototype.hasOwnProperty.call(read.roles, role)) {
        const near = known.filter((candidate) => candidate.toLowerCase() === role.toLowerCase() || candidate.startsWith(role.slice(0, 5)));
        problems.push({ code: 'unknown-role', severity: 'error', file, ...sourceMap.locate(`/notify/${index}`), field: `notify[${index}]`, message: `no role "${role}" in ${read.file}`, hint: near.length > 0 ? `did you mean "${near[0]}"?` : `roles: ${known.join(', ')}` });
      }
    });
  }
  return problems;
}

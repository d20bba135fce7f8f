import { readFileSync } from 'node:fs';
import { DocpackError } from './errors.ts';
import { dataPath } from './package-files.ts';

export type Labels = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** templates/labels.json of the working directory when it has one, else the package's. */
export function defaultLabelsPath(): string {
  return dataPath('templates/labels.json');
}

/** Loads the one labels file every template uses for enum values. */
export function loadLabels(file: string | URL = defaultLabelsPath()): Labels {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const labels: Record<string, Record<string, string>> = Object.create(null) as Record<string, Record<string, string>>;
  for (const [group, values] of Object.entries(parsed)) {
    if (group.startsWith('$')) continue;
    labels[group] = Object.assign(Object.create(null) as Record<string, string>, values as Record<string, string>);
  }
  return labels;
}

/** The label of `value` in `group`; an unknown group or value is an error, never a silent raw value. */
export function label(labels: Labels, group: string, value: unknown): string {
  const values = labels[group];
  if (!values) throw new DocpackError({ code: 'unknown-label-group', message: `no label group "${group}" in templates/labels.json`, hint: `groups: ${Object.keys(labels).join(', ')}` });
  const key = String(value);
  const text = values[key];
  if (text === undefined) throw new DocpackError({ code: 'unknown-label', message: `no label for "${key}" in group "${group}" of templates/labels.json`, hint: `add "${key}": "..." to "${group}"` });
  return text;
}

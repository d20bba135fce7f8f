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

/**
 * The date style of the documents, from the `dateFormat` group of templates/labels.json:
 * `date` (e.g. "{year}年{month}月{day}日") and `dateTime` (e.g. "{year}年{month}月{day}日 {hour}:{minute}").
 * {month} and {day} print without a leading zero, {MM} and {DD} with one.
 */
export function dateFormat(labels: Labels, kind: 'date' | 'dateTime'): string {
  const format = labels.dateFormat?.[kind];
  if (format === undefined) {
    throw new DocpackError({
      code: 'unknown-label',
      message: `no "${kind}" in group "dateFormat" of templates/labels.json: the documents' date style`,
      hint: '"dateFormat": { "date": "{year}年{month}月{day}日", "dateTime": "{year}年{month}月{day}日 {hour}:{minute}" }',
    });
  }
  return format;
}

const formattedDates = new Map<string, string>();

/** Fills a dateFormat pattern with an ISO date (and a time's hour and minute). Remembered: findings repeat the same few dates. */
export function formatDate(isoDate: string, format: string, hour = '00', minute = '00'): string {
  const key = `${isoDate}\u0000${format}\u0000${hour}\u0000${minute}`;
  let text = formattedDates.get(key);
  if (text === undefined) {
    if (formattedDates.size >= 100_000) formattedDates.clear();
    text = fillDate(isoDate, format, hour, minute);
    formattedDates.set(key, text);
  }
  return text;
}

function fillDate(isoDate: string, format: string, hour: string, minute: string): string {
  const [year = '', month = '', day = ''] = isoDate.split('-');
  const fields: Record<string, string> = { year, MM: month, DD: day, month: String(Number(month)), day: String(Number(day)), hour, minute };
  return format.replace(/\{(year|MM|DD|month|day|hour|minute)\}/g, (_, field: string) => fields[field] ?? '');
}

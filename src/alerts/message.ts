import { dateFormat, formatDate, label, type Labels } from '../labels.ts';
import { formatInstant, timeToEpochMs } from '../time.ts';
import type { Facts } from './conditions.ts';

/** `{{root.path|filter}}` placeholders in rule messages. Whitespace inside the braces is allowed. */
const PLACEHOLDER = /\{\{\s*([^{}|\s]+)\s*(?:\|\s*([^{}\s]+)\s*)?\}\}/g;

export interface Placeholder {
  text: string;
  root: string;
  path: string[];
  filter?: string;
  index: number;
}

export const FILTERS = ['date', 'datetime', 'label'] as const;

/** Lists the placeholders of a message, for rendering and for `rules lint`. */
export function placeholders(message: string): Placeholder[] {
  const found: Placeholder[] = [];
  for (const match of message.matchAll(PLACEHOLDER)) {
    const expression = match[1] ?? '';
    // The root is everything up to the first dot: clock ids contain dashes and a colon ("clock:survey-due").
    const [root = '', ...path] = expression.split('.');
    found.push({ text: match[0], root, path, ...(match[2] !== undefined ? { filter: match[2] } : {}), index: match.index ?? 0 });
  }
  return found;
}

const EMPTY = '—';

/** Resolves a placeholder's value through own properties only: a message can never reach a prototype. */
export function resolvePlaceholder(facts: Facts, placeholder: Pick<Placeholder, 'root' | 'path'>): unknown {
  const own = Object.prototype.hasOwnProperty;
  let value: unknown = own.call(facts, placeholder.root) ? facts[placeholder.root] : undefined;
  for (const segment of placeholder.path) {
    if (value === null || typeof value !== 'object' || !own.call(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** Renders a rule message; absent values print as "—" so a message never shows "undefined". */
export function renderMessage(message: string, facts: Facts, labels: Labels): string {
  const rendered = message.replace(PLACEHOLDER, (text, expression: string, filter: string | undefined) => {
    const [root = '', ...path] = expression.split('.');
    const value = resolvePlaceholder(facts, { root, path });
    if (value === undefined || value === null || value === '') return EMPTY;
    return applyFilter(value, filter, labels);
  });
  // Free text that ends a sentence itself, followed by the template's own full stop.
  return rendered.replace(/([。；！？])[。；]/g, '$1');
}

function applyFilter(value: unknown, filter: string | undefined, labels: Labels): string {
  if (filter === undefined) return Array.isArray(value) ? value.join('、') : String(value);
  if (filter === 'date' || filter === 'datetime') {
    // The documents' date style (templates/labels.json dateFormat): a message is read inside them.
    if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value, dateFormat(labels, 'date'));
    const ms = typeof value === 'number' ? value : timeToEpochMs(String(value));
    if (Number.isNaN(ms)) return String(value);
    const iso = formatInstant(ms); // 2026-10-09T23:59:59+08:00
    return filter === 'date' ? formatDate(iso.slice(0, 10), dateFormat(labels, 'date')) : formatDate(iso.slice(0, 10), dateFormat(labels, 'dateTime'), iso.slice(11, 13), iso.slice(14, 16));
  }
  if (filter.startsWith('label:')) return label(labels, filter.slice('label:'.length), value);
  return String(value);
}

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

type MessagePart = string | { root: string; path: string[]; filter: string | undefined };

const compiledMessages = new Map<string, MessagePart[]>();

/** A message as literal text and placeholders, parsed once per message text (a rule's message renders once per finding). */
function compileMessage(message: string): MessagePart[] {
  let parts = compiledMessages.get(message);
  if (!parts) {
    parts = [];
    let at = 0;
    for (const match of message.matchAll(PLACEHOLDER)) {
      const index = match.index ?? 0;
      if (index > at) parts.push(message.slice(at, index));
      const [root = '', ...path] = (match[1] ?? '').split('.');
      parts.push({ root, path, filter: match[2] });
      at = index + match[0].length;
    }
    if (at < message.length) parts.push(message.slice(at));
    if (compiledMessages.size >= 10_000) compiledMessages.clear();
    compiledMessages.set(message, parts);
  }
  return parts;
}

/**
 * Renders a rule message; absent values print as "—" so a message never shows "undefined".
 * `overrides` are facts that win over `facts` (the finding's due, openedAt, closedAt and level),
 * without copying every fact into a new object.
 */
export function renderMessage(message: string, facts: Facts, labels: Labels, overrides?: Facts): string {
  const own = Object.prototype.hasOwnProperty;
  let rendered = '';
  for (const part of compileMessage(message)) {
    if (typeof part === 'string') {
      rendered += part;
      continue;
    }
    const value = overrides && own.call(overrides, part.root) ? resolvePlaceholder(overrides, part) : resolvePlaceholder(facts, part);
    rendered += value === undefined || value === null || value === '' ? EMPTY : applyFilter(value, part.filter, labels);
  }
  // Free text that ends a sentence itself, followed by the template's own full stop.
  return SENTENCE_END.test(rendered) ? rendered.replace(DOUBLE_STOP, '$1') : rendered;
}

const SENTENCE_END = /[。；！？][。；]/;
const DOUBLE_STOP = /([。；！？])[。；]/g;

/** Dates and times as the date filters print them, per labels and filter: findings repeat the same few. */
const filteredDates = new WeakMap<Labels, Record<'date' | 'datetime', Map<string | number, string>>>();

function applyFilter(value: unknown, filter: string | undefined, labels: Labels): string {
  if (filter === undefined) return Array.isArray(value) ? value.join('、') : String(value);
  if (filter === 'date' || filter === 'datetime') {
    if (typeof value !== 'string' && typeof value !== 'number') return formatDateFilter(value, filter, labels);
    let byFilter = filteredDates.get(labels);
    if (!byFilter) filteredDates.set(labels, (byFilter = { date: new Map(), datetime: new Map() }));
    const known = byFilter[filter];
    let text = known.get(value);
    if (text === undefined) {
      if (known.size >= 10_000) known.clear();
      text = formatDateFilter(value, filter, labels);
      known.set(value, text);
    }
    return text;
  }
  if (filter.startsWith('label:')) return label(labels, filter.slice('label:'.length), value);
  return String(value);
}

function formatDateFilter(value: unknown, filter: 'date' | 'datetime', labels: Labels): string {
  // The documents' date style (templates/labels.json dateFormat): a message is read inside them.
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value, dateFormat(labels, 'date'));
  const ms = typeof value === 'number' ? value : timeToEpochMs(String(value));
  if (Number.isNaN(ms)) return String(value);
  const iso = formatInstant(ms); // 2026-10-09T23:59:59+08:00
  return filter === 'date' ? formatDate(iso.slice(0, 10), dateFormat(labels, 'date')) : formatDate(iso.slice(0, 10), dateFormat(labels, 'dateTime'), iso.slice(11, 13), iso.slice(14, 16));
}

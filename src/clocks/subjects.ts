// What a deadline clock runs for: one of the named kinds (order, circuit, fault...) or any part of the
// record written as a subject pattern, like an alert rule's subject: "afterSale.cutovers[]" (each
// cutover notice), "afterSale.visits[]", "contract.executionSheet" (the one sheet, when present).
import { elementKey, keyFieldsOf, parseSubjectPattern, singular, type PatternStep } from '../records/references.ts';
import type { SubjectKind } from './types.ts';

/** The named kinds and the part of the record each one is. */
export const SUBJECT_KIND_PATTERNS: Readonly<Record<SubjectKind, string>> = {
  project: '',
  order: 'orders[]',
  circuit: 'orders[].circuits[]',
  problem: 'problems[]',
  resourceCheck: 'resourceChecks[]',
  resourceReserve: 'resourceReserves[]',
  fault: 'afterSale.faults[]',
};

export function isSubjectKind(subject: string): subject is SubjectKind {
  return Object.prototype.hasOwnProperty.call(SUBJECT_KIND_PATTERNS, subject);
}

/** The subject pattern of a clock's subject: a kind's pattern, or the pattern itself. */
export function subjectPattern(subject: string): string {
  return isSubjectKind(subject) ? SUBJECT_KIND_PATTERNS[subject] : subject;
}

/** One reading of subject patterns (records/references.ts, below every stage that reads them). */
export { parseSubjectPattern, singular, type PatternStep };

/** What clock states call the subject's kind: the kind's name, else the singular of the pattern's last part ("cutover"). */
export function subjectKindName(subject: string): string {
  if (isSubjectKind(subject)) return subject;
  const steps = parseSubjectPattern(subject);
  const last = steps[steps.length - 1];
  return last ? (last.iterate ? singular(last.key) : last.key) : 'project';
}

export interface PatternSubject {
  pointer: string;
  value: unknown;
  /** The id of the innermost element (or "#n", qualified by its parent's id), or the project id. */
  label: string;
  /** The order on the way, for "order." paths. */
  order: unknown;
}


/** Every part of the record a pattern names, with pointers and labels as the alert rules give them. */
export function expandPattern(record: { id: string }, pattern: string): PatternSubject[] {
  const steps = parseSubjectPattern(pattern);
  const keyFields = keyFieldsOf(pattern);
  const out: PatternSubject[] = [];
  const walk = (value: unknown, index: number, pointer: string, keys: string[], order: unknown): void => {
    if (index === steps.length) {
      const last = keys[keys.length - 1];
      const label = last === undefined ? record.id : last.startsWith('#') && keys.length > 1 ? `${keys[keys.length - 2]} ${last}` : last;
      out.push({ pointer, value, label, order });
      return;
    }
    const step = steps[index]!;
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, step.key)) return;
    const child = (value as Record<string, unknown>)[step.key];
    const childPointer = `${pointer}/${step.key}`;
    if (!step.iterate) {
      if (child !== undefined && child !== null) walk(child, index + 1, childPointer, keys, order);
      return;
    }
    if (!Array.isArray(child)) return;
    child.forEach((element, position) => {
      walk(element, index + 1, `${childPointer}/${position}`, [...keys, elementKey(element, position, keyFields[index])], index === 0 && step.key === 'orders' ? element : order);
    });
  };
  walk(record, 0, '', [], undefined);
  return out;
}

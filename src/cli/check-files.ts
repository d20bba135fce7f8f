// The work of `docpack check` for one record file, the same on the main thread and on a worker
// (src/cli/check-worker.ts): read and validate it once, run clocks → alerts, and format its findings
// as the command prints them, text or JSON, so that the main thread only puts the pieces in order.
import { DateTime } from 'luxon';
import { compileRules } from '../alerts/evaluate.ts';
import { checkRecord, type CheckContext } from '../alerts/pipeline.ts';
import type { Finding } from '../alerts/types.ts';
import type { Problem } from '../errors.ts';
import { label, loadLabels, type Labels } from '../labels.ts';
import { loadCheckContext, type RulesOptions } from '../facts/context.ts';
import { emptyTally, tallyFindings, type FindingTally } from '../pack/summary.ts';
import { loadRecordFile, type FileOutcome, type LoadOptions } from '../records/load.ts';

export type CheckFormat = 'text' | 'json';

/** One input file checked: its load outcome and, when valid, what the rules found. */
export interface FileCheck extends FileOutcome {
  checked?: {
    /** Clock and rule problems of the record (calendar coverage, a plan past the calendar...). */
    problems: Problem[];
    /** Open findings counted (no escalation kept: check prints them all). */
    tally: FindingTally;
    findings: number;
    /**
     * The record's findings as the command prints them, UTF-8: text, each finding followed by a
     * newline; JSON, each finding as an item of the "findings" array (four spaces in), joined by ",\n".
     */
    output: Uint8Array;
  };
}

/** Reads, validates and checks one record file. A record that is not valid is not checked. */
export function checkFile(file: string, context: CheckContext, format: CheckFormat, options: LoadOptions = {}): FileCheck {
  const { record, ...outcome } = loadRecordFile(file, options);
  if (!record || !outcome.valid) return outcome;
  const result = checkRecord(record, context);
  // evaluateAlerts returns them sorted already (compareFindings); sortFindings again would only compare them all once more.
  const findings = result.findings;
  const text = format === 'json' ? findingsJson(findings) : findingsText(findings, context.labels);
  return {
    ...outcome,
    checked: {
      problems: result.problems.map((problem) => ({ ...problem, file: problem.file ?? file })),
      tally: tallyFindings(findings, emptyTally(), 0),
      findings: findings.length,
      output: Buffer.from(text, 'utf8'),
    },
  };
}

/** Findings as items of the "findings" array of `check --json` (JSON.stringify(…, null, 2) of the whole output). */
export function findingsJson(findings: readonly Finding[]): string {
  if (findings.length === 0) return '';
  // Stringified at the depth they have in the output, in one call (per item and re-indented costs twice as much).
  const text = JSON.stringify({ findings }, null, 2);
  return text.slice(JSON_HEAD.length, text.length - JSON_TAIL.length);
}

const JSON_HEAD = '{\n  "findings": [\n';
const JSON_TAIL = '\n  ]\n}';

/** Findings as `check` prints them for people, each followed by a newline. */
export function findingsText(findings: readonly Finding[], labels: Labels): string {
  let text = '';
  for (const finding of findings) text += `${formatFinding(finding, labels)}\n`;
  return text;
}

let defaultLabels: Labels | undefined;

/** A finding for people; level names come from the "level" group of templates/labels.json. */
export function formatFinding(finding: Finding, labels: Labels = (defaultLabels ??= loadLabels())): string {
  // Concatenated as it goes (no arrays to join): check formats every finding of every record.
  let head = `${finding.project} ${finding.subject.label}  ${finding.ruleId}  ${finding.type}/${finding.level}`;
  if (finding.escalation.length > 0) {
    head += ` (${label(labels, 'level', 'local')}`;
    for (const step of finding.escalation) head += `→${label(labels, 'level', step.level)}`;
    head += ')';
  }
  head += ` ${finding.severity}`;
  if (finding.due) head += ` due ${finding.due.slice(0, 16).replace('T', ' ')}`;
  if (finding.closedAt) head += ` closed ${finding.closedAt.slice(0, 16).replace('T', ' ')}`;
  head += `  [${finding.id}]\n    ${finding.message}`;
  if (finding.recipients.length > 0) {
    head += '\n    notify: ';
    finding.recipients.forEach((recipient, index) => {
      head += `${index > 0 ? '、' : ''}${recipient.name}（${recipient.role}）`;
    });
  }
  return head;
}

/** What a worker needs to build the same check context as the main thread. */
export interface CheckSetup {
  /** The as-of in epoch milliseconds. */
  asOfMs: number;
  rules: RulesOptions;
  /** --rule: only these rules (already checked to exist). */
  ruleIds?: string[];
}

/** The check context of a run: calendar, clocks, rules (or the --rule subset of them) and labels. */
export function checkContextOf(setup: CheckSetup): CheckContext {
  const context = loadCheckContext(DateTime.fromMillis(setup.asOfMs), setup.rules);
  if (setup.ruleIds) {
    const keep = new Set(setup.ruleIds);
    context.ruleSet = compileRules(context.ruleSet.rules.filter((entry) => keep.has(entry.rule.id)).map((entry) => entry.rule), context.ruleSet.roles);
  }
  return context;
}

/** A worker's task: a batch of files, checked in order. */
export interface CheckTask {
  setup: CheckSetup;
  files: string[];
  format: CheckFormat;
  load: LoadOptions;
}

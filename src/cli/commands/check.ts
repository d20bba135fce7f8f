import type { Command } from 'commander';
import { didYouMean } from '../../records/schema-paths.ts';
import { compileRules } from '../../alerts/evaluate.ts';
import { checkRecord, sortFindings } from '../../alerts/pipeline.ts';
import type { Finding } from '../../alerts/types.ts';
import { formatProblem, type Problem } from '../../errors.ts';
import { loadRecordFile, scanRecords } from '../../records/load.ts';
import { calendarHorizonWarnings, emptyTally, tallyFindings, tallyReaches, type FindingTally } from '../../pack/summary.ts';
import { label, loadLabels, type Labels } from '../../labels.ts';
import { formatTime } from '../../time.ts';
import { asOfOption, loadCheckContext, calendarProvisionalOption, withCalendarProvisional, withRuleDirs } from '../context.ts';
import { ExitCode } from '../exit-codes.ts';
import type { CliIo, SetExit } from '../io.ts';
import { UsageError } from '../usage-error.ts';

interface CheckOptions {
  asOf?: string;
  json?: boolean;
  failOn?: string;
  rules?: string;
  deadlines?: string;
  calendarDir?: string;
  calendarProvisional?: boolean;
  rule?: string[];
}

export function failOnOption(text: string | undefined): 'warning' | 'escalation' | undefined {
  if (text === undefined) return undefined;
  if (text !== 'warning' && text !== 'escalation') throw new UsageError(`--fail-on "${text}": use warning or escalation`);
  return text;
}

export function registerCheck(program: Command, io: CliIo, setExit: SetExit): void {
  withCalendarProvisional(withRuleDirs(
    program
      .command('check')
      .description('compute the deadline clocks and run the alert rules: warnings and escalations, sorted')
      .argument('<inputs...>', 'record files, directories or glob patterns')
      .option('--as-of <time>', 'the moment to check at, e.g. 2026-11-25T09:00:00+08:00 (default: now, Asia/Shanghai)')
      .option('--json', 'print findings and problems as JSON')
      .option('--fail-on <type>', 'exit 1 when an open finding reaches this type: warning or escalation')
      .option('--rule <id...>', 'only these rules'),
  ))
    .action(async (inputs: string[], options: CheckOptions) => {
      const failOn = failOnOption(options.failOn);
      const asOf = asOfOption(options.asOf);
      const context = loadCheckContext(asOf, { rulesDir: options.rules, deadlinesDir: options.deadlines, calendarDir: options.calendarDir, calendarProvisional: calendarProvisionalOption(options.calendarProvisional) });
      if (options.rule) {
        const known = new Set(context.ruleSet.rules.map((entry) => entry.rule.id));
        const unknown = options.rule.filter((id) => !known.has(id));
        if (unknown.length > 0) throw new UsageError(`unknown rule ${unknown.map((id) => { const near = didYouMean(id, [...known]); return near ? `${id} (did you mean ${near}?)` : id; }).join(', ')}; run docpack rules list`);
        const keep = new Set(options.rule);
        context.ruleSet = compileRules(context.ruleSet.rules.filter((entry) => keep.has(entry.rule.id)).map((entry) => entry.rule), context.ruleSet.roles);
      }
      // Records are checked once up front, then read and checked one at a time in project order:
      // findings sort by project first, so each record's findings can be printed as they come.
      const scanned = await scanRecords(inputs);
      const valid = scanned.files.filter((file) => file.valid && file.id !== undefined).sort((a, b) => ((a.id as string) < (b.id as string) ? -1 : 1));
      const problems: Problem[] = [...scanned.problems];
      const findings: Finding[] = [];
      const tally = emptyTally();
      let total = 0;
      let records = 0;
      for (const file of valid) {
        const record = loadRecordFile(file.file).record;
        if (!record) continue;
        records += 1;
        const result = checkRecord(record, context);
        problems.push(...result.problems.map((problem) => ({ ...problem, file: problem.file ?? file.file })));
        const sorted = sortFindings(result.findings);
        tallyFindings(sorted, tally, 0);
        total += sorted.length;
        if (options.json) findings.push(...sorted);
        else for (const finding of sorted) io.out(formatFinding(finding));
      }
      problems.push(...calendarHorizonWarnings({ calendar: context.calendar, asOfMs: context.asOfMs, tally, problems }));
      if (options.json) {
        io.out(JSON.stringify({ asOf: formatTime(asOf), findings, problems }, null, 2));
      } else {
        for (const problem of problems) io.err(formatProblem(problem));
        io.out(summaryLine(total, tally, records, scanned.files.length - records));
      }
      if (problems.some((problem) => problem.severity === 'error')) setExit(ExitCode.invalidInput);
      if (tallyReaches(tally, failOn)) setExit(ExitCode.findings);
    });
}

let defaultLabels: Labels | undefined;

/** A finding for people; level names come from the "level" group of templates/labels.json. */
export function formatFinding(finding: Finding, labels: Labels = (defaultLabels ??= loadLabels())): string {
  const state = finding.closedAt ? ` closed ${finding.closedAt.slice(0, 16).replace('T', ' ')}` : '';
  const due = finding.due ? ` due ${finding.due.slice(0, 16).replace('T', ' ')}` : '';
  const path = finding.escalation.length > 0 ? ` (${['local', ...finding.escalation.map((step) => step.level)].map((level) => label(labels, 'level', level)).join('→')})` : '';
  return [
    `${finding.project} ${finding.subject.label}  ${finding.ruleId}  ${finding.type}/${finding.level}${path} ${finding.severity}${due}${state}  [${finding.id}]`,
    `    ${finding.message}`,
    finding.recipients.length > 0 ? `    notify: ${finding.recipients.map((recipient) => `${recipient.name}（${recipient.role}）`).join('、')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

function summaryLine(total: number, tally: FindingTally, valid: number, invalid: number): string {
  return `${total} findings (${tally.open} open: ${tally.open - tally.escalationsOpen} warnings, ${tally.escalationsOpen} escalations) in ${valid} records${invalid > 0 ? `; ${invalid} invalid` : ''}`;
}

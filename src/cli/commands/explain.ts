import type { Command } from 'commander';
import { didYouMean } from '../../records/schema-paths.ts';
import { buildFacts, compileRules, evaluateAlerts, expandSubjects, indexClocks, subjectAt, type SubjectInstance } from '../../alerts/evaluate.ts';
import type { ExplainedCondition } from '../../alerts/reference.ts';
import type { AlertRule, Finding, RuleCondition } from '../../alerts/types.ts';
import { computeClocks, latestClockStates } from '../../clocks/compute.ts';
import type { ClockDef, ClockState, Duration } from '../../clocks/types.ts';
import { formatProblem } from '../../errors.ts';
import { recordAsKnownAt } from '../../records/as-of.ts';
import { loadRecords } from '../../records/load.ts';
import type { ProjectRecord } from '../../records/types.gen.ts';
import { label, type Labels } from '../../labels.ts';
import { formatTime } from '../../time.ts';
import { asOfOption, loadCheckContext, calendarProvisionalOption, withCalendarProvisional, withRuleDirs, type RuleDirFlags } from '../context.ts';
import { ExitCode } from '../exit-codes.ts';
import type { CliIo, SetExit } from '../io.ts';
import { UsageError } from '../usage-error.ts';
import { formatFinding } from './check.ts';

interface ExplainOptions extends RuleDirFlags {
  rule: string;
  subject?: string;
  asOf?: string;
  json?: boolean;
}

interface Target {
  record: ProjectRecord;
  instance: SubjectInstance;
  facts: Record<string, unknown>;
  occurrence?: string;
  clocks: ClockState[];
  findings: Finding[];
}

export function registerExplain(program: Command, io: CliIo, setExit: SetExit): void {
  withCalendarProvisional(withRuleDirs(
    program
      .command('explain')
      .description('say why a rule raises a finding or not, in words: the deadline behind it (start, due, variant, why breached), when the finding climbed each level, and the condition tree with each fact\'s value')
      .argument('<records...>', 'record files, folders (every record in them is explained) or glob patterns')
      .requiredOption('--rule <id>', 'the rule to explain')
      .option('--subject <id>', 'only this subject: the id check prints (GD-ZH-MSTP-20261103-05, "ORD-1 2026-W47") or a JSON pointer (/orders/0/circuits/1)')
      .option('--as-of <time>', 'the moment to check at (default: now, Asia/Shanghai)')
      .option('--json', 'print the explanation as JSON'),
  )).action(async (inputs: string[], options: ExplainOptions) => {
    const asOf = asOfOption(options.asOf);
    const context = loadCheckContext(asOf, { rulesDir: options.rules, deadlinesDir: options.deadlines, calendarDir: options.calendarDir, calendarProvisional: calendarProvisionalOption(options.calendarProvisional) });
    const entry = context.ruleSet.rules.find((candidate) => candidate.rule.id === options.rule);
    if (!entry) {
      const near = didYouMean(options.rule, context.ruleSet.rules.map((candidate) => candidate.rule.id));
      throw new UsageError(`unknown rule "${options.rule}"${near ? ` (did you mean "${near}"?)` : ''}; run docpack rules list`);
    }
    const { rule } = entry;
    const loaded = await loadRecords(inputs);
    for (const problem of loaded.problems) io.err(formatProblem(problem));
    if (loaded.problems.some((problem) => problem.severity === 'error')) setExit(ExitCode.invalidInput);
    if (loaded.records.length === 0) {
      if (loaded.problems.length === 0) throw new UsageError(`no record in ${inputs.join(' ')}`);
      return;
    }
    const ruleSet = compileRules([rule], context.ruleSet.roles);
    const clockDefs = new Map(context.clockDefs.map((def) => [def.id, def]));
    const behind = clocksBehind(rule);
    const targets: Target[] = [];
    for (const { record: full } of [...loaded.records].sort((a, b) => (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0))) {
      // The record as known at the as-of: later events have not happened yet.
      const record = recordAsKnownAt(full, context.asOfMs);
      const clocks = computeClocks(record, context.clockDefs, context.calendar, context.asOfMs);
      const clockIndex = indexClocks(clocks);
      const input = { record, clocks, calendar: context.calendar, asOfMs: context.asOfMs, labels: context.labels };
      const findings = evaluateAlerts(input, ruleSet).findings;
      const clocksOf = (pointer: string, occurrence?: string): ClockState[] => {
        const states = clocks.filter((state) => state.subject === pointer && behind.includes(state.clock));
        if (occurrence !== undefined) return states.filter((state) => state.occurrence === undefined || state.occurrence === occurrence);
        return Object.values(latestClockStates(states).get(pointer) ?? {});
      };
      if (typeof rule.subject === 'string') {
        for (const instance of expandSubjects(record, rule.subject)) {
          targets.push({ record, instance, facts: buildFacts(input, instance, clockIndex.get(instance.pointer), undefined, undefined, ruleSet.usesPlanSchedule), clocks: clocksOf(instance.pointer), findings });
        }
      } else {
        const clockId = rule.subject.clock;
        for (const state of clocks.filter((candidate) => candidate.clock === clockId)) {
          const instance = subjectAt(record, state.subject);
          if (instance) targets.push({ record, instance, facts: buildFacts(input, instance, clockIndex.get(state.subject), state, undefined, ruleSet.usesPlanSchedule), occurrence: state.occurrence, clocks: clocksOf(state.subject, state.occurrence), findings });
        }
      }
    }
    const selected = options.subject === undefined ? targets : targets.filter((target) => matchesSubject(target, options.subject as string));
    if (selected.length === 0) {
      const names = targets.map((target) => displayName(target)).join(', ') || '(none)';
      throw new UsageError(options.subject === undefined ? `rule ${rule.id} has no subjects in ${loaded.records.map((entry) => entry.record.id).join(', ')}` : `no subject ${options.subject} for rule ${rule.id}; subjects: ${names}`);
    }
    const explained = [];
    for (const target of selected) {
      target.facts.params = rule.params ?? {};
      // json-rules-engine, the reference evaluator, is loaded only to explain.
      const { evaluateWithEngine } = await import('../../alerts/reference.ts');
      const { result, tree } = await evaluateWithEngine(rule.conditions, target.facts);
      const finding = target.findings.find((candidate) => candidate.subject.pointer === target.instance.pointer && candidate.subject.occurrence === target.occurrence) ?? null;
      explained.push({ project: target.record.id, subject: target.instance.pointer, label: target.instance.label, occurrence: target.occurrence, holds: result, clocks: target.clocks, tree, finding });
    }
    if (options.json) {
      const projects = [...new Set(explained.map((item) => item.project))];
      io.out(JSON.stringify({ rule: rule.id, ...(projects.length === 1 ? { project: projects[0] } : { projects }), asOf: formatTime(asOf), subjects: explained }, null, 2));
      return;
    }
    io.out(`rule ${rule.id} (${rule.title}) as of ${formatTime(asOf)}`);
    io.out(`  ${rule.description}`);
    for (const item of explained) {
      io.out('');
      io.out(`${item.project} ${item.label}${item.occurrence ? ` ${item.occurrence}` : ''} (${item.subject || 'the project'}): ${item.finding ? `${item.finding.type === 'escalation' ? 'escalation' : 'warning'} at ${levelText(context.labels, item.finding.level)}${item.finding.closedAt ? ', closed' : ''}` : 'no finding'}`);
      for (const state of item.clocks) for (const line of describeClock(state, clockDefs.get(state.clock))) io.out(`  ${line}`);
      if (item.finding) for (const line of describeEscalation(item.finding, rule, context.labels)) io.out(`  ${line}`);
      io.out('  conditions (as json-rules-engine evaluates them):');
      for (const line of renderTree(item.tree, 2)) io.out(line);
      if (item.finding) io.out(`  → finding:\n${formatFinding(item.finding).replace(/^/gm, '    ')}`);
      else io.out('  → no finding: the conditions do not hold');
    }
  });
}

/** The subject as check prints it: its id (with the week for weekly clocks), or its pointer. */
function matchesSubject(target: Target, wanted: string): boolean {
  const { instance, occurrence } = target;
  return wanted === instance.pointer || wanted === instance.label || (occurrence !== undefined && wanted === `${instance.label} ${occurrence}`);
}

function displayName(target: Target): string {
  return `${target.instance.label}${target.occurrence ? ` ${target.occurrence}` : ''}`;
}

/** The deadline clocks a rule reads: clock:<id> facts in its conditions, due, openedAt, closedAt, and its clock subject. */
export function clocksBehind(rule: AlertRule): string[] {
  const ids = new Set<string>();
  if (typeof rule.subject !== 'string') ids.add(rule.subject.clock);
  const addFact = (fact: string): void => {
    if (fact.startsWith('clock:')) ids.add(fact.slice('clock:'.length));
  };
  const walk = (condition: RuleCondition): void => {
    if ('all' in condition) condition.all.forEach(walk);
    else if ('any' in condition) condition.any.forEach(walk);
    else if ('not' in condition) walk(condition.not);
    else {
      addFact(condition.fact);
      const value = condition.value as { fact?: unknown } | null;
      if (value !== null && typeof value === 'object' && typeof value.fact === 'string') addFact(value.fact);
    }
  };
  walk(rule.conditions);
  for (const ref of [rule.due, rule.openedAt, rule.closedAt]) if (ref) addFact(ref.fact);
  return [...ids].sort();
}

function when(time: string | null): string {
  return time === null ? '—' : `${time.slice(0, 10)} ${time.slice(11, 16)}`;
}

const UNIT_TEXT: Record<string, [string, string]> = {
  workingDays: ['working day', 'working days'],
  calendarDays: ['calendar day', 'calendar days'],
  months: ['month', 'months'],
  hours: ['hour', 'hours'],
  minutes: ['minute', 'minutes'],
};

function amount(duration: Duration | undefined): string {
  if (!duration) return '';
  const [unit, n] = Object.entries(duration)[0] as [string, number];
  const [one, many] = UNIT_TEXT[unit] ?? [unit, unit];
  return `${n} ${n === 1 ? one : many}`;
}

function reportAmount(n: number | null, unit: ClockState['unit']): string {
  if (n === null) return '';
  const [one, many] = UNIT_TEXT[unit] ?? [unit, unit];
  return `${n} ${n === 1 ? one : many}`;
}

function sourceText(source: ClockDef['start']): string {
  if (source === undefined) return '';
  if (typeof source === 'string') return source;
  if ('first' in source) return `the first of ${source.first.join(', ')}`;
  if ('earliest' in source) return `the earliest of ${source.earliest.join(', ')}`;
  return `the ${source.burst.count}th ${source.burst.items} within ${source.burst.withinMinutes} minutes`;
}

/** A deadline clock in words: what it counts, start, due, variant, and why it is in its state. */
export function describeClock(state: ClockState, def: ClockDef | undefined): string[] {
  const variant = def?.variants?.find((candidate) => candidate.id === state.variant);
  const target = variant?.target ?? def?.target;
  const rule = def
    ? def.period
      ? `one per week, due at the end of the week's last working day${def.period ? `, stopped by a report (${def.period.reports})` : ''}`
      : def.direction === 'before'
        ? `${amount(target).startsWith('0 ') ? 'by' : `${amount(target)} before`} ${sourceText(variant?.anchor ?? def.anchor)}`
        : `within ${amount(target)} of ${sourceText(def.start)}`
    : '';
  const lines = [
    `deadline ${state.clock}${def ? ` (${def.title})` : ''}${state.occurrence ? ` for ${state.occurrence}` : ''}: ${rule}`,
    `  variant  ${state.variant}${variant?.description ? ` — ${variant.description}` : ''}`,
    `  start    ${when(state.start)}${def?.start ? ` (${sourceText(def.start)})` : ''}`,
    `  due      ${when(state.due)}`,
  ];
  if (def?.period) lines.push(`  report   ${state.stoppedAt ? when(state.stoppedAt) : 'none yet'} (${def.period.reports} with ${def.period.key} ${state.occurrence ?? ''})`);
  else if (def?.stop || state.stoppedAt) lines.push(`  done     ${state.stoppedAt ? when(state.stoppedAt) : 'not yet'}${def?.stop ? ` (${sourceText(def.stop)})` : ''}`);
  lines.push(`  state    ${state.state}: ${stateReason(state)}`);
  return lines;
}

function stateReason(state: ClockState): string {
  switch (state.state) {
    case 'breached':
      return state.stoppedAt !== null
        ? `done ${when(state.stoppedAt)}, ${reportAmount(state.overdue, state.unit)} after the due`
        : `not done, ${reportAmount(state.overdue, state.unit)} past the due ${when(state.due)}`;
    case 'met':
      return `done ${when(state.stoppedAt)}, before the due${state.remaining !== null ? ` (${reportAmount(state.remaining, state.unit)} to spare)` : ''}`;
    case 'due-soon':
      return `not done, due soon: ${reportAmount(state.remaining, state.unit)} left`;
    case 'running':
      return `not done, ${reportAmount(state.remaining, state.unit)} left`;
    case 'not-started':
      return 'its start has not happened yet';
    case 'stopped':
      return `made moot ${when(state.stoppedAt)} (e.g. completed on time)`;
    case 'error':
      return state.problem?.message ?? 'could not be computed';
    default:
      return 'does not apply to this subject';
  }
}

function levelText(labels: Labels, level: string): string {
  try {
    return `${label(labels, 'level', level)} ${level}`;
  } catch {
    return level;
  }
}

/** When the finding opened and climbed each level (local → province → group), in words. */
export function describeEscalation(finding: Finding, rule: AlertRule, labels: Labels): string[] {
  const lines = [`opened   ${when(finding.openedAt)} at ${levelText(labels, rule.level)}`];
  let previous = rule.level;
  for (const step of finding.escalation) {
    const days = rule.escalation?.[previous as 'local' | 'province'];
    lines.push(`raised   ${when(step.since)} to ${levelText(labels, step.level)}${days !== undefined ? ` (open ${days} working day${days === 1 ? '' : 's'} at ${levelText(labels, previous)})` : ''}`);
    previous = step.level;
  }
  const next = ['local', 'province', 'group'][['local', 'province', 'group'].indexOf(finding.level) + 1];
  const after = rule.escalation?.[finding.level as 'local' | 'province'];
  if (finding.closedAt) lines.push(`closed   ${when(finding.closedAt)}: it stays at ${levelText(labels, finding.level)}`);
  else if (next && after !== undefined) lines.push(`next     ${levelText(labels, next)} after ${after} working day${after === 1 ? '' : 's'} open at ${levelText(labels, finding.level)}`);
  else if (next) lines.push(`next     none: the rule does not escalate from ${levelText(labels, finding.level)}`);
  return lines;
}

function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 99)}…` : text;
}

/** The condition tree as json-rules-engine evaluated it, one node a line. */
export function renderTree(node: ExplainedCondition, depth: number): string[] {
  const indent = '  '.repeat(depth);
  const mark = node.result ? '✓' : '✗';
  if (node.kind !== 'fact') return [`${indent}${mark} ${node.kind}`, ...(node.children ?? []).flatMap((child) => renderTree(child, depth + 1))];
  const right = node.valueResult !== undefined && JSON.stringify(node.valueResult) !== JSON.stringify(node.value) ? `${show(node.value)} = ${show(node.valueResult)}` : show(node.value);
  return [`${indent}${mark} ${node.fact}${node.path ? ` ${node.path}` : ''} ${node.operator} ${right}   (fact value: ${show(node.factResult)})`];
}

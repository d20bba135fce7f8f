import type { Command } from 'commander';
import { buildFacts, compileRules, evaluateAlerts, expandSubjects, indexClocks, subjectAt, type SubjectInstance } from '../../alerts/evaluate.ts';
import { evaluateWithEngine, type ExplainedCondition } from '../../alerts/reference.ts';
import { computeClocks } from '../../clocks/compute.ts';
import { formatProblem } from '../../errors.ts';
import { loadRecords } from '../../records/load.ts';
import { formatTime } from '../../time.ts';
import { asOfOption, loadCheckContext, withRuleDirs } from '../context.ts';
import { ExitCode } from '../exit-codes.ts';
import type { CliIo, SetExit } from '../io.ts';
import { UsageError } from '../usage-error.ts';
import { formatFinding } from './check.ts';

interface ExplainOptions {
  rule: string;
  subject?: string;
  asOf?: string;
  json?: boolean;
  rules?: string;
  deadlines?: string;
  calendarDir?: string;
}

export function registerExplain(program: Command, io: CliIo, setExit: SetExit): void {
  withRuleDirs(
    program
      .command('explain')
      .description("show why a rule raises a finding or not: json-rules-engine's condition tree with each fact's value")
      .argument('<record>', 'one record file')
      .requiredOption('--rule <id>', 'the rule to explain')
      .option('--subject <pointer>', 'only this subject, e.g. /orders/0/circuits/1 (default: every subject of the rule)')
      .option('--as-of <time>', 'the moment to check at (default: now, Asia/Shanghai)')
      .option('--json', 'print the explanation as JSON'),
  )
    .action(async (recordFile: string, options: ExplainOptions) => {
      const asOf = asOfOption(options.asOf);
      const context = loadCheckContext(asOf, { rulesDir: options.rules, deadlinesDir: options.deadlines, calendarDir: options.calendarDir });
      const entry = context.ruleSet.rules.find((candidate) => candidate.rule.id === options.rule);
      if (!entry) throw new UsageError(`unknown rule "${options.rule}"; run docpack rules list`);
      const loaded = await loadRecords([recordFile]);
      const loadedRecord = loaded.records[0];
      if (!loadedRecord) {
        for (const problem of loaded.problems) io.err(formatProblem(problem));
        setExit(ExitCode.invalidInput);
        return;
      }
      const { record } = loadedRecord;
      const { rule } = entry;
      const clocks = computeClocks(record, context.clockDefs, context.calendar, context.asOfMs);
      const clockIndex = indexClocks(clocks);
      const input = { record, clocks, calendar: context.calendar, asOfMs: context.asOfMs, labels: context.labels };
      const findings = evaluateAlerts(input, compileRules([rule], context.ruleSet.roles)).findings;
      const targets: { instance: SubjectInstance; facts: Record<string, unknown>; occurrence?: string }[] = [];
      if (typeof rule.subject === 'string') {
        for (const instance of expandSubjects(record, rule.subject)) targets.push({ instance, facts: buildFacts(input, instance, clockIndex.get(instance.pointer)) });
      } else {
        const clockId = rule.subject.clock;
        for (const state of clocks.filter((candidate) => candidate.clock === clockId)) {
          const instance = subjectAt(record, state.subject);
          if (instance) targets.push({ instance, facts: buildFacts(input, instance, clockIndex.get(state.subject), state), occurrence: state.occurrence });
        }
      }
      const selected = options.subject === undefined ? targets : targets.filter((target) => target.instance.pointer === options.subject);
      if (selected.length === 0) {
        throw new UsageError(options.subject === undefined ? `rule ${rule.id} has no subjects in ${record.id}` : `no subject ${options.subject} for rule ${rule.id}; subjects: ${targets.map((target) => target.instance.pointer).join(', ') || '(none)'}`);
      }
      const explained = [];
      for (const target of selected) {
        target.facts.params = rule.params ?? {};
        const { result, tree } = await evaluateWithEngine(rule.conditions, target.facts);
        const finding = findings.find((candidate) => candidate.subject.pointer === target.instance.pointer && candidate.subject.occurrence === target.occurrence);
        explained.push({ subject: target.instance.pointer, label: target.instance.label, occurrence: target.occurrence, holds: result, tree, finding: finding ?? null });
      }
      if (options.json) {
        io.out(JSON.stringify({ rule: rule.id, project: record.id, asOf: formatTime(asOf), subjects: explained }, null, 2));
        return;
      }
      io.out(`rule ${rule.id} (${rule.title}) on ${record.id} as of ${formatTime(asOf)}`);
      io.out(`  ${rule.description}`);
      for (const item of explained) {
        io.out('');
        io.out(`subject ${item.subject || '(project)'} ${item.label}${item.occurrence ? ` ${item.occurrence}` : ''}`);
        for (const line of renderTree(item.tree, 1)) io.out(line);
        if (item.finding) io.out(`  → finding:\n${formatFinding(item.finding).replace(/^/gm, '    ')}`);
        else io.out('  → no finding: the conditions do not hold');
      }
    });
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

import { Engine, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import { existsOperator, type Facts } from './conditions.ts';
import type { RuleCondition } from './types.ts';

/** One node of the condition tree as json-rules-engine evaluated it. */
export interface ExplainedCondition {
  kind: 'all' | 'any' | 'not' | 'fact';
  result: boolean;
  fact?: string;
  path?: string;
  operator?: string;
  value?: unknown;
  factResult?: unknown;
  valueResult?: unknown;
  children?: ExplainedCondition[];
}

/** json-rules-engine wants a top-level all/any/not; a bare fact comparison is wrapped in `all`. */
function topLevel(condition: RuleCondition): TopLevelCondition {
  return ('all' in condition || 'any' in condition || 'not' in condition ? condition : { all: [condition] }) as TopLevelCondition;
}

/**
 * Evaluates a condition with json-rules-engine itself: the reference the compiled evaluator is
 * tested against, and what `docpack explain` shows.
 */
export async function evaluateWithEngine(condition: RuleCondition, facts: Facts): Promise<{ result: boolean; tree: ExplainedCondition }> {
  const engine = new Engine([], { allowUndefinedFacts: true, replaceFactsInEventParams: false });
  engine.addOperator('exists', existsOperator);
  const rule: RuleProperties = { conditions: topLevel(condition), event: { type: 'match' }, name: 'rule' };
  engine.addRule(rule);
  const outcome = await engine.run({ ...facts });
  const matched = outcome.results.length > 0;
  const ruleResult = matched ? outcome.results[0] : outcome.failureResults[0];
  const conditions = (ruleResult as unknown as { conditions: unknown }).conditions;
  return { result: matched, tree: toExplained(conditions) };
}

function toExplained(node: unknown): ExplainedCondition {
  const raw = node as Record<string, unknown>;
  for (const kind of ['all', 'any'] as const) {
    if (Array.isArray(raw[kind])) {
      const children = (raw[kind] as unknown[]).map(toExplained);
      const result = kind === 'all' ? children.every((child) => child.result) : children.some((child) => child.result);
      return { kind, result, children };
    }
  }
  if (raw.not !== undefined) {
    const child = toExplained(raw.not);
    return { kind: 'not', result: !child.result, children: [child] };
  }
  return {
    kind: 'fact',
    result: raw.result === true,
    fact: String(raw.fact),
    ...(raw.path !== undefined ? { path: String(raw.path) } : {}),
    operator: String(raw.operator),
    value: raw.value,
    factResult: raw.factResult,
    ...(raw.valueResult !== undefined ? { valueResult: raw.valueResult } : {}),
  };
}

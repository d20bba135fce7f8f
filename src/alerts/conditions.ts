import type { Evidence, FactCondition, RuleCondition } from './types.ts';

/**
 * A compiled evaluator for json-rules-engine conditions: the same results as the engine
 * (test/alerts/differential.test.ts proves it with random facts and conditions), as plain
 * synchronous closures built once per run instead of promise chains per fact.
 */

export type Facts = Readonly<Record<string, unknown>>;
export type CompiledCondition = (facts: Facts) => boolean;

/** The operators json-rules-engine ships; rules may use these and no others. */
export const OPERATORS = [
  'equal',
  'notEqual',
  'in',
  'notIn',
  'contains',
  'doesNotContain',
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
  'exists',
] as const;

export type OperatorName = (typeof OPERATORS)[number];

const isNumeric = (value: unknown): boolean => Number.parseFloat(value as string).toString() !== 'NaN';

/**
 * docpack's one custom operator, registered on json-rules-engine too (engine.addOperator):
 * `exists: true` holds when the value is present (not undefined and not null), `exists: false` when absent.
 * JSON cannot write `undefined`, so without it a rule could not ask "has no return reason".
 */
export const existsOperator = (a: unknown, b: unknown): boolean => (a !== undefined && a !== null) === b;

/** Each operator with the fact-value check the engine applies before it (false when the check fails). */
const OPERATOR_FUNCTIONS: Record<OperatorName, (fact: unknown, value: unknown) => boolean> = {
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
  in: (a, b) => (b as unknown[]).indexOf(a) > -1,
  notIn: (a, b) => (b as unknown[]).indexOf(a) === -1,
  contains: (a, b) => Array.isArray(a) && a.indexOf(b) > -1,
  doesNotContain: (a, b) => Array.isArray(a) && a.indexOf(b) === -1,
  lessThan: (a, b) => isNumeric(a) && (a as number) < (b as number),
  lessThanInclusive: (a, b) => isNumeric(a) && (a as number) <= (b as number),
  greaterThan: (a, b) => isNumeric(a) && (a as number) > (b as number),
  greaterThanInclusive: (a, b) => isNumeric(a) && (a as number) >= (b as number),
  exists: existsOperator,
};

export function isOperator(name: string): name is OperatorName {
  return Object.prototype.hasOwnProperty.call(OPERATOR_FUNCTIONS, name);
}

/**
 * The JSONPath subset rules may use: `$`, `.name`, `['a name']` and `[index]`. json-rules-engine
 * resolves paths with jsonpath-plus; on this subset both agree. Inside brackets jsonpath-plus gives
 * many characters a meaning of its own (slices, unions, filters, recursion, parents), so a bracketed
 * name holds only letters, digits, other non-ASCII characters (Chinese), spaces and - _ # % & + < = > ! " { } | /
 * (test/alerts/differential.test.ts compares the two on random names).
 */
const PATH_TOKEN = /\.([A-Za-z_$][\w$]*)|\['([\p{L}\p{N}\p{M} _#%&+<=>!"{}|/-]+|[^\x00-\x7f]+)'\]|\[(\d+)\]/uy;

/** What to write instead of a path parsePath refuses. */
export const PATH_HINT = "use $.name, $['name'] and $[0]; a bracketed name holds letters, digits, Chinese, spaces and - _ # % & + < = > ! \" { } | / only (json-rules-engine reads other characters as JSONPath syntax)";

export function parsePath(path: string): (string | number)[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const segments: (string | number)[] = [];
  PATH_TOKEN.lastIndex = 1;
  while (PATH_TOKEN.lastIndex < path.length) {
    const start = PATH_TOKEN.lastIndex;
    const match = PATH_TOKEN.exec(path);
    if (!match || match.index !== start) return undefined;
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(match[2]);
    else segments.push(Number(match[3]));
  }
  return segments;
}

/**
 * Builds a getter for `fact` at `path`, with the engine's rule that a path on a non-object root gives
 * the value itself; below the root, strings are indexable as in jsonpath-plus (`$.name[0]` is a character).
 */
export function compileFactGetter(fact: string, path: string | undefined): (facts: Facts) => unknown {
  const own = Object.prototype.hasOwnProperty;
  if (!path) return (facts) => (own.call(facts, fact) ? facts[fact] : undefined);
  const segments = parsePath(path);
  if (!segments) throw new Error(`unsupported path "${path}": ${PATH_HINT}`);
  return (facts) => {
    const root = own.call(facts, fact) ? facts[fact] : undefined;
    if (root === null || typeof root !== 'object') return root;
    let value: unknown = root;
    for (const segment of segments) {
      // jsonpath-plus steps into strings too (own properties: indices and length).
      if (value === null || (typeof value !== 'object' && typeof value !== 'string') || !own.call(value, segment)) return undefined;
      value = (value as Record<string | number, unknown>)[segment];
    }
    return value;
  };
}

function isFactRef(value: unknown): value is { fact: string; path?: string } {
  return value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, 'fact');
}

function compileLeaf(condition: FactCondition): CompiledCondition {
  if (!isOperator(condition.operator)) throw new Error(`unknown operator "${condition.operator}"`);
  const operator = OPERATOR_FUNCTIONS[condition.operator];
  const left = compileFactGetter(condition.fact, condition.path);
  if (isFactRef(condition.value)) {
    const right = compileFactGetter(condition.value.fact, condition.value.path);
    return (facts) => operator(left(facts), right(facts));
  }
  const constant = condition.value;
  return (facts) => operator(left(facts), constant);
}

/** Compiles a condition tree into one synchronous predicate. */
export function compileCondition(condition: RuleCondition): CompiledCondition {
  if ('all' in condition) {
    const parts = condition.all.map(compileCondition);
    return (facts) => {
      for (const part of parts) if (!part(facts)) return false;
      return true;
    };
  }
  if ('any' in condition) {
    const parts = condition.any.map(compileCondition);
    // json-rules-engine: an empty `any` holds (it resolves an empty condition list to true).
    if (parts.length === 0) return () => true;
    return (facts) => {
      for (const part of parts) if (part(facts)) return true;
      return false;
    };
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not);
    return (facts) => !inner(facts);
  }
  return compileLeaf(condition);
}

type EvidenceCollector = (facts: Facts, into: Evidence[]) => void;

const evidenceCollectors = new WeakMap<RuleCondition, EvidenceCollector>();

/** Every fact comparison of the tree with the value it saw: the evidence of a finding. */
export function collectEvidence(condition: RuleCondition, facts: Facts): Evidence[] {
  const found: Evidence[] = [];
  evidenceCollectorOf(condition)(facts, found);
  return found;
}

/** The tree's evidence as closures, compiled once per condition object (a rule's conditions give evidence for each of its findings). */
function evidenceCollectorOf(condition: RuleCondition): EvidenceCollector {
  let collector = evidenceCollectors.get(condition);
  if (!collector) {
    collector = compileEvidence(condition);
    evidenceCollectors.set(condition, collector);
  }
  return collector;
}

function compileEvidence(condition: RuleCondition): EvidenceCollector {
  if ('all' in condition || 'any' in condition) {
    const parts = ('all' in condition ? condition.all : condition.any).map(compileEvidence);
    return (facts, into) => {
      for (const part of parts) part(facts, into);
    };
  }
  if ('not' in condition) return compileEvidence(condition.not);
  const left = compileFactGetter(condition.fact, condition.path);
  const right = isFactRef(condition.value) ? compileFactGetter(condition.value.fact, condition.value.path) : undefined;
  const constant = condition.value;
  const holds = compileLeaf(condition);
  const { fact, path, operator } = condition;
  if (path !== undefined) return (facts, into) => void into.push({ fact, path, operator, value: right ? right(facts) : constant, factValue: left(facts), result: holds(facts) });
  return (facts, into) => void into.push({ fact, operator, value: right ? right(facts) : constant, factValue: left(facts), result: holds(facts) });
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPERATORS, compileCondition, type Facts } from '../../src/alerts/conditions.ts';
import { evaluateWithEngine } from '../../src/alerts/reference.ts';
import type { RuleCondition } from '../../src/alerts/types.ts';
import { runs } from '../support/runs.ts';

// Random facts and random conditions over every supported operator: the compiled evaluator must
// give exactly json-rules-engine's result, including when one of them throws.
const names = ['a', 'b', 'state', 'due', 'clock:survey-due'];
const scalar = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom('x', 'y', '3', '2.5', '', 'abc', 'breached'),
  fc.boolean(),
  fc.constant(null),
  fc.double({ min: -5, max: 5, noNaN: true }),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.constantFrom(...names.slice(0, 4)), tie('node'), { maxKeys: 3 })),
})).node;
const facts = fc.dictionary(fc.constantFrom(...names, 'params'), value, { maxKeys: 5 }) as fc.Arbitrary<Facts>;
const path = fc.option(
  fc.array(fc.oneof(fc.constantFrom('.a', '.b', '.state', '.due', "['due']", "['a']", "['a b']", "['状态']"), fc.constantFrom('[0]', '[1]')), { maxLength: 3 }).map((parts) => `$${parts.join('')}`),
  { nil: undefined },
);
const rightHand = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 4 }),
  fc.record({ fact: fc.constantFrom(...names), path }, { requiredKeys: ['fact'] }),
);
const leaf = fc.record({ fact: fc.constantFrom(...names, 'missing'), path, operator: fc.constantFrom(...OPERATORS), value: rightHand }, { requiredKeys: ['fact', 'operator', 'value'] });
const condition: fc.Arbitrary<RuleCondition> = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf as fc.Arbitrary<RuleCondition>,
    fc.record({ all: fc.array(tie('tree'), { maxLength: 3 }) }) as fc.Arbitrary<RuleCondition>,
    fc.record({ any: fc.array(tie('tree'), { maxLength: 3 }) }) as fc.Arbitrary<RuleCondition>,
    fc.record({ not: tie('tree') }) as fc.Arbitrary<RuleCondition>,
  ),
})).tree;

async function outcome(run: () => Promise<boolean> | boolean): Promise<boolean | 'error'> {
  try {
    return await run();
  } catch {
    return 'error';
  }
}

describe('compiled conditions vs json-rules-engine', () => {
  it('agree on random facts and conditions over every operator', async () => {
    await fc.assert(
      fc.asyncProperty(condition, facts, async (tree, input) => {
        const engine = await outcome(async () => (await evaluateWithEngine(tree, input)).result);
        const compiled = await outcome(() => compileCondition(tree)(input));
        // The engine evaluates every sibling, so it errors (e.g. "in" against a non-list) where the
        // compiled evaluator may have short-circuited; `rules lint` refuses such rules. Otherwise: equal.
        if (engine === 'error') expect([true, false, 'error']).toContain(compiled);
        else expect(compiled).toBe(engine);
      }),
      { numRuns: Number(process.env.DIFF_RUNS ?? runs(1500, 300)) },
    );
  });

  it('agree on every bracketed name the compiled evaluator accepts, and it refuses the rest', async () => {
    const name = fc.string({ unit: fc.constantFrom(...'ab 中-_.#%&+<=>!"{}|/$*:~?()@`\',;[]^\\'.split('')), minLength: 1, maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(name, fc.constantFrom(42, 'x'), async (key, value) => {
        const tree = { fact: 'f', path: `$['${key}']`, operator: 'equal', value } as RuleCondition;
        const facts: Facts = { f: { [key]: value } };
        let compiled: (facts: Facts) => boolean;
        try {
          compiled = compileCondition(tree);
        } catch {
          return; // refused: `rules lint` reports such a path
        }
        expect(compiled(facts), key).toBe((await evaluateWithEngine(tree, facts)).result);
        expect(compiled(facts), key).toBe(true);
      }),
      { numRuns: Number(process.env.DIFF_RUNS ?? runs(1000, 200)) },
    );
  });

  it('agree on the cases that matter most for rules', async () => {
    const cases: [RuleCondition, Facts][] = [
      [{ fact: 'clock', path: '$.state', operator: 'equal', value: 'breached' }, { clock: { state: 'breached' } }],
      [{ fact: 'clock', path: '$.state', operator: 'equal', value: 'breached' }, {}],
      [{ fact: 'subject', path: '$.available', operator: 'lessThan', value: { fact: 'subject', path: '$.warningThreshold' } }, { subject: { available: 2, warningThreshold: 5 } }],
      [{ fact: 'subject', path: '$.available', operator: 'lessThan', value: 5 }, { subject: { available: '2' } }],
      [{ fact: 'subject', path: '$.x', operator: 'greaterThan', value: 1 }, { subject: 'scalar' }],
      [{ not: { fact: 'subject', path: '$.completedAt', operator: 'notEqual', value: undefined } }, { subject: {} }],
      [{ fact: 'tags', operator: 'contains', value: 'urgent' }, { tags: ['urgent'] }],
      [{ fact: 'level', operator: 'in', value: ['local', 'province'] }, { level: 'group' }],
      [{ all: [] }, {}],
      [{ any: [] }, {}],
      // Below the root jsonpath-plus steps into strings: $[0][0] of ["xy"] is "x" (found by the property above).
      [{ fact: 'ids', path: '$[0][0]', operator: 'equal', value: 'x' }, { ids: ['xy'] }],
      [{ fact: 'ids', path: '$[0].length', operator: 'equal', value: 2 }, { ids: ['xy'] }],
    ];
    for (const [tree, input] of cases) {
      expect(compileCondition(tree)(input), JSON.stringify(tree)).toBe((await evaluateWithEngine(tree, input)).result);
    }
  });
});

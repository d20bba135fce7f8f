import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inJobOrder } from '../../src/pack/build.ts';

describe('results consumed in job order (findings.json, the portfolio parts)', () => {
  it('consumes every item once, in index order, whatever order they arrive in', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }).chain((n) => fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n })), (arrival) => {
        const consumed: number[] = [];
        const arrive = inJobOrder<number>((item) => consumed.push(item));
        for (const index of arrival) {
          expect(arrive(index, index)).toBe(index);
          // Everything before the lowest index not yet arrived is consumed at once.
          const arrived = new Set(arrival.slice(0, arrival.indexOf(index) + 1));
          let frontier = 0;
          while (arrived.has(frontier)) frontier += 1;
          expect(consumed).toEqual([...Array(frontier).keys()]);
        }
        expect(consumed).toEqual([...Array(arrival.length).keys()]);
      }),
    );
  });

  it('stops consuming after the consumer fails, and refuses an index twice', () => {
    const consumed: number[] = [];
    const arrive = inJobOrder<number>((item) => {
      if (item === 1) throw new Error('disk full');
      consumed.push(item);
    });
    arrive(2, 2);
    arrive(0, 0);
    expect(() => arrive(1, 1)).toThrow('disk full');
    arrive(3, 3);
    expect(consumed).toEqual([0]);
    expect(() => arrive(3, 3)).toThrow('came back twice');
  });
});

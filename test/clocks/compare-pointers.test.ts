import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { comparePointers, comparePointersBySegments } from '../../src/clocks/compute.ts';
import { runs } from '../support/runs.ts';

// comparePointers compares in place; comparePointersBySegments splits, as it always did. Same sign and value.
const segment = fc.oneof(fc.constantFrom('', 'orders', 'circuits', 'afterSale', 'faults', 'a', 'ab', 'b', '~1', '0', '00'), fc.nat(120).map(String), fc.string({ maxLength: 4 }).filter((text) => !text.includes('/')));
const pointer = fc.oneof(fc.constant(''), fc.array(segment, { minLength: 1, maxLength: 6 }).map((segments) => `/${segments.join('/')}`), fc.array(segment, { maxLength: 4 }).map((segments) => segments.join('/')));

describe('comparePointers', () => {
  it('gives what comparing the split segments gives, on any two pointers', () => {
    fc.assert(
      fc.property(pointer, pointer, (a, b) => {
        expect(comparePointers(a, b)).toBe(comparePointersBySegments(a, b));
        // pointers that share a prefix are where the two ways could part
        expect(comparePointers(`${a}${b}`, a)).toBe(comparePointersBySegments(`${a}${b}`, a));
        expect(comparePointers(a, `${a}/${b}`)).toBe(comparePointersBySegments(a, `${a}/${b}`));
      }),
      { numRuns: runs(20_000, 2_000) },
    );
  });

  it('orders array positions as numbers and the shorter pointer first', () => {
    const sorted = ['/orders/10', '/orders/2/circuits/1', '', '/orders/2', '/afterSale', '/orders/2/circuits/10', '/orders/2/circuits/9'].sort(comparePointers);
    expect(sorted).toEqual(['', '/afterSale', '/orders/2', '/orders/2/circuits/1', '/orders/2/circuits/9', '/orders/2/circuits/10', '/orders/10']);
  });
});

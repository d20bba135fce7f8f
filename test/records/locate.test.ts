import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapePointerSegment } from '../../src/errors.ts';
import { SourceMap, locatePlaces, placeKey, type PlaceWanted } from '../../src/records/json-text.ts';
import { runs } from '../support/runs.ts';

/** Every pointer of a value, and for objects each member name as a key place. */
function placesOf(value: unknown, pointer = '', into: PlaceWanted[] = []): PlaceWanted[] {
  into.push({ pointer });
  if (Array.isArray(value)) value.forEach((item, index) => placesOf(item, `${pointer}/${index}`, into));
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      into.push({ pointer, key });
      placesOf(child, `${pointer}/${escapePointerSegment(key)}`, into);
    }
  }
  return into;
}

describe('locatePlaces (one pass, no syntax tree)', () => {
  it('gives the positions SourceMap gives, for every place of random JSON and for places that do not exist', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.constantFrom(undefined, 0, 2, '\t'), fc.array(fc.string({ maxLength: 4 }).map((text) => `z${text}`), { maxLength: 3 }), (value, indent, missing) => {
        const text = JSON.stringify(value, null, indent);
        const places = placesOf(JSON.parse(text));
        for (const segment of missing) places.push({ pointer: `/${escapePointerSegment(segment)}/x` }, { pointer: '', key: segment });
        const map = new SourceMap(text);
        const found = locatePlaces(text, places);
        for (const place of places) expect(found.get(placeKey(place)), JSON.stringify(place)).toEqual(map.locate(place.pointer, place.key));
      }),
      { numRuns: runs(300, 100) },
    );
  });
});

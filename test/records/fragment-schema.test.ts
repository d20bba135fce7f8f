import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { recordFragmentSchema, recordFragmentText } from '../../src/records/fragment-schema.ts';
import { createAjv } from '../../src/records/schema.ts';

it('src/schemas/record-fragment.schema.json is generated from the current record schema (run npm run gen:types)', () => {
  expect(readFileSync('src/schemas/record-fragment.schema.json', 'utf8')).toBe(recordFragmentText());
});

it('a fragment may leave out required fields, but not misspell one or give a wrong type or value', () => {
  const validate = createAjv().compile(recordFragmentSchema(JSON.parse(readFileSync('src/schemas/project.schema.json', 'utf8')) as Record<string, unknown>));
  expect(validate({ orders: [{ id: 'O1', complexity: 'complex' }] })).toBe(true);
  expect(validate({ contract: { signing: { status: 'signed' } } })).toBe(true);
  expect(validate({ orders: [{ id: 'O1', complexty: 'complex' }] })).toBe(false);
  expect(validate({ orders: [{ id: 'O1', complexity: 'hard' }] })).toBe(false);
  expect(validate({ orders: [{ id: 'O1', urgent: 'yes' }] })).toBe(false);
  expect(validate({ customer: { tier: 'gold' } })).toBe(false);
});

import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { generateRecordTypes } from '../../src/records/gen-types.ts';

it('src/records/types.gen.ts is generated from the current schema (run npm run gen:types)', async () => {
  expect(readFileSync('src/records/types.gen.ts', 'utf8')).toBe(await generateRecordTypes());
});

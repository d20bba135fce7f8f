import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { FORMAT_TYPES, generateFormatTypes, generateRecordTypes } from '../../src/records/gen-types.ts';

it('src/records/types.gen.ts is generated from the current schema (run npm run gen:types)', async () => {
  expect(readFileSync('src/records/types.gen.ts', 'utf8')).toBe(await generateRecordTypes());
});

it.each(FORMAT_TYPES.map((format) => [format.target, format] as const))('%s is generated from the current schema (run npm run gen:types)', async (target, format) => {
  expect(readFileSync(target, 'utf8')).toBe(await generateFormatTypes(format));
});

// Derives the TypeScript types of every JSON file format from its JSON Schema, the single source of truth:
// the project record (src/records/types.gen.ts) and the formats of FORMAT_TYPES (alert rules and their cases,
// deadline clocks, calendar years, sheet specs, the pack spec, docpack.config.json), each into a .gen.ts
// beside the module that reads it. Run `npm run gen:types` after editing a schema; a test fails when they drift.
// It also writes src/schemas/record-fragment.schema.json, the schema of rule cases' record fragments.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FORMAT_TYPES, generateFormatTypes, generateRecordTypes } from '../src/records/gen-types.ts';
import { recordFragmentText } from '../src/records/fragment-schema.ts';

const check = process.argv.includes('--check');
const outputs: [string, string][] = [
  ['src/records/types.gen.ts', await generateRecordTypes()],
  ...(await Promise.all(FORMAT_TYPES.map(async (format): Promise<[string, string]> => [format.target, await generateFormatTypes(format)]))),
  ['src/schemas/record-fragment.schema.json', recordFragmentText()],
];
let stale = 0;
for (const [relative, text] of outputs) {
  const target = fileURLToPath(new URL(`../${relative}`, import.meta.url));
  if (check) {
    if (readFileSync(target, 'utf8') !== text) {
      console.error(`${relative} is out of date: run npm run gen:types`);
      stale += 1;
    }
  } else {
    writeFileSync(target, text);
    console.log(`wrote ${relative}`);
  }
}
if (stale > 0) process.exit(1);

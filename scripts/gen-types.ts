// Derives the TypeScript types of a project record from the JSON Schema, the single source of truth.
// Run `npm run gen:types` after editing src/schemas/project.schema.json; a test fails when they drift.
// It also writes src/schemas/record-fragment.schema.json, the schema of rule cases' record fragments.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateRecordTypes } from '../src/records/gen-types.ts';
import { recordFragmentText } from '../src/records/fragment-schema.ts';

const target = fileURLToPath(new URL('../src/records/types.gen.ts', import.meta.url));
const source = await generateRecordTypes();
const check = process.argv.includes('--check');
if (check) {
  const current = readFileSync(target, 'utf8');
  if (current !== source) {
    console.error('src/records/types.gen.ts is out of date: run npm run gen:types');
    process.exit(1);
  }
} else {
  writeFileSync(target, source);
  console.log(`wrote ${target}`);
}

const fragmentTarget = fileURLToPath(new URL('../src/schemas/record-fragment.schema.json', import.meta.url));
const fragment = recordFragmentText();
if (check) {
  if (readFileSync(fragmentTarget, 'utf8') !== fragment) {
    console.error('src/schemas/record-fragment.schema.json is out of date: run npm run gen:types');
    process.exit(1);
  }
} else {
  writeFileSync(fragmentTarget, fragment);
  console.log(`wrote ${fragmentTarget}`);
}

// The validators of docpack's JSON file formats. Compiling a schema with Ajv costs a second or more at
// every start (the record schema alone ~0.5 s, Ajv's meta-schema for each instance another ~0.2 s), so
// `npm run build` compiles each one ahead of time with Ajv's standalone code generation into
// dist/validators/<name>.cjs. The compiled CLI loads that code and no Ajv at all; the sources (tsx,
// vitest) compile at run time. Each generated file carries the digest of the schema text and options it
// was made from: a schema edited after the build is compiled at run time instead, and said so on stderr.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Ajv2020, Options, ValidateFunction } from 'ajv/dist/2020.js';
import { packageFile } from './package-files.ts';
import { isIsoDate, isLocalDateTime } from './time.ts';
import { ASOF_KEYWORD, KEY_KEYWORD, REF_KEYWORD } from './schema-keywords.ts';

/** Every JSON file format docpack reads, by name, with its schema (relative to the package root). */
export const SCHEMA_FILES = {
  project: 'src/schemas/project.schema.json',
  config: 'src/schemas/config.schema.json',
  alert: 'rules/alerts/alert.schema.json',
  deadline: 'rules/deadlines/deadline.schema.json',
  calendar: 'rules/calendars/calendar.schema.json',
  'sheet-spec': 'templates/excel/sheet-spec.schema.json',
  pack: 'templates/pack.schema.json',
} as const;
export type SchemaName = keyof typeof SCHEMA_FILES;
export const SCHEMA_NAMES = Object.keys(SCHEMA_FILES) as SchemaName[];

/**
 * One set of options for every schema. strictRequired off: if/then branches name properties declared at
 * the top level; verbose: errors carry the schema and data that describeSchemaErrors puts in words.
 */
const OPTIONS: Options = { allErrors: true, strict: true, strictRequired: false, verbose: true, allowUnionTypes: true };

/** The formats our schemas use besides ajv-formats' email; the generated code gets them passed in. */
export const FORMATS = { date: isIsoDate, 'local-date-time': isLocalDateTime } as const;

/** Changes whenever the generated code would: the schema's text, the options, this generator's version. */
const GENERATOR = 'docpack-validators/1';

const require = createRequire(import.meta.url);

/** Creates an Ajv instance with the formats and keywords every docpack schema uses (Ajv loaded on first use). */
export function createAjv(extra: Options = {}): Ajv2020 {
  const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  // ajv-formats is CommonJS; its function is the module itself (and its .default).
  const addFormats = require('ajv-formats') as (ajv: Ajv2020, formats: string[]) => Ajv2020;
  const ajv = new Ajv({ ...OPTIONS, ...extra });
  addFormats(ajv, ['email']);
  for (const [name, check] of Object.entries(FORMATS)) ajv.addFormat(name, check);
  // The record schema says per field how it reads at an as-of (records/as-of.ts); ajv checks the annotation's shape.
  ajv.addKeyword({ keyword: ASOF_KEYWORD.keyword, metaSchema: ASOF_KEYWORD.metaSchema });
  // References between parts of the record (x-ref) and the names of id-less list elements (x-key), read by the alert rules.
  ajv.addKeyword({ keyword: REF_KEYWORD.keyword, metaSchema: REF_KEYWORD.metaSchema });
  ajv.addKeyword({ keyword: KEY_KEYWORD.keyword, metaSchema: KEY_KEYWORD.metaSchema });
  return ajv;
}

/** The digest a generated validator records: of the schema text and of how it was compiled. */
export function schemaDigest(schemaText: string): string {
  return createHash('sha256').update(`${GENERATOR}\n${JSON.stringify(OPTIONS)}\n${Object.keys(FORMATS).join(',')}\n`).update(schemaText).digest('hex');
}

/** The schema file's text, from the package (never from a records repository's folders). */
export function schemaText(name: SchemaName): string {
  return readFileSync(packageFile(SCHEMA_FILES[name]), 'utf8');
}

/** Whether this module runs compiled (dist/validators.js) rather than from the sources. */
const compiled = import.meta.url.endsWith('.js');

/**
 * Where the generated validators are: beside this module when compiled; from the sources, only where
 * DOCPACK_VALIDATORS_DIR names a build's dist/validators/ (the test suite, whose set-up keeps dist/ fresh:
 * the generated code gives Ajv's verdicts and errors, test/validators.test.ts).
 */
const generatedDir = compiled ? new URL('validators/', import.meta.url) : process.env.DOCPACK_VALIDATORS_DIR ? pathToFileURL(`${process.env.DOCPACK_VALIDATORS_DIR}/`) : undefined;

/** What a generated dist/validators/<name>.cjs exports. */
export interface GeneratedValidator {
  digest: string;
  create: (formats: typeof FORMATS) => ValidateFunction;
}

const validators = new Map<SchemaName, ValidateFunction>();

/** The validator of a file format: the build's generated code when it matches the schema, else compiled now. */
export function schemaValidator<T = unknown>(name: SchemaName): ValidateFunction<T> {
  let validate = validators.get(name);
  if (!validate) {
    const text = schemaText(name);
    validate = generatedDir ? precompiled(name, text, generatedDir) : undefined;
    validate ??= createAjv().compile(JSON.parse(text) as object);
    validators.set(name, validate);
  }
  return validate as ValidateFunction<T>;
}

function precompiled(name: SchemaName, text: string, dir: URL): ValidateFunction | undefined {
  const file = fileURLToPath(new URL(`${name}.cjs`, dir));
  const generated = existsSync(file) ? (require(file) as GeneratedValidator) : undefined;
  const why = !generated ? 'the build has no compiled validator for it' : generated.digest !== schemaDigest(text) ? 'it changed after the last build' : undefined;
  if (generated && why === undefined) return generated.create(FORMATS);
  // Correct either way, only slower: said once per schema so that a stale build does not go unnoticed.
  process.stderr.write(`docpack: ${SCHEMA_FILES[name]}: ${why}; compiling it at start (npm run build makes it fast again)\n`);
  return undefined;
}

/**
 * The CommonJS module `npm run build` writes as dist/validators/<name>.cjs: Ajv's standalone code for the
 * schema, wrapped in a function of the format checks (they stay in time.ts, one definition), with the
 * digest of what it was made from. Deterministic: the same schema and Ajv give the same text.
 */
export function validatorModuleSource(name: SchemaName): string {
  const { _ } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const standalone = (require('ajv/dist/standalone/index.js') as { default: (ajv: Ajv2020, validate: ValidateFunction) => string }).default;
  const text = schemaText(name);
  const ajv = createAjv({ code: { source: true, lines: true, formats: _`formats` } });
  const code = standalone(ajv, ajv.compile(JSON.parse(text) as object));
  return [
    `// Generated by \`npm run build\` from ${SCHEMA_FILES[name]} with Ajv's standalone code (src/validators.ts). Do not edit.`,
    `'use strict';`,
    `exports.digest = ${JSON.stringify(schemaDigest(text))};`,
    `exports.create = function (formats) {`,
    `const module = { exports: {} };`,
    code,
    `return module.exports;`,
    `};`,
    '',
  ].join('\n');
}

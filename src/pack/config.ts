import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DocpackError } from '../errors.ts';
import { SourceMap, describeSyntaxError } from '../records/json-text.ts';
import { describeSchemaErrors } from '../records/schema.ts';
import { schemaValidator } from '../validators.ts';

/** docpack.config.json (generated from src/schemas/config.schema.json). */
export type { DocpackConfig } from './config.gen.ts';
import type { DocpackConfig } from './config.gen.ts';

export const CONFIG_FILE = 'docpack.config.json';

/** Reads docpack.config.json from `dir` when it exists (it is optional), checked against its schema. */
export function loadConfig(dir: string = process.cwd()): DocpackConfig {
  const file = path.join(dir, CONFIG_FILE);
  if (!existsSync(file)) return {};
  const text = readFileSync(file, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DocpackError({ file: CONFIG_FILE, ...describeSyntaxError(text, error) });
  }
  const validate = schemaValidator('config');
  if (!validate(value)) {
    const [first] = describeSchemaErrors(validate.errors ?? []);
    if (first) {
      const { key, ...rest } = first;
      throw new DocpackError({ ...rest, file: CONFIG_FILE, ...new SourceMap(text).locate(first.pointer, key) });
    }
  }
  return value as DocpackConfig;
}

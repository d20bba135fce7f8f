// json-rules-engine (the reference evaluator behind `explain`) reads fact paths with jsonpath-plus,
// whose filter expressions once ran as code. package.json pins the 10.x line at its safe-eval
// release by an override (11.x needs Node 22; json-rules-engine 7.3 asks for ^10.3).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Almanac } from 'json-rules-engine';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

describe('jsonpath-plus under json-rules-engine', () => {
  it('is at least 10.4.0, as pinned by the override', () => {
    const installed = (JSON.parse(readFileSync(require.resolve('jsonpath-plus/package.json'), 'utf8')) as { version: string }).version;
    const [major, minor] = installed.split('.').map(Number) as [number, number];
    expect(major).toBe(10);
    expect(minor).toBeGreaterThanOrEqual(4);
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { overrides?: Record<string, string> };
    expect(manifest.overrides?.['jsonpath-plus']).toBe('^10.4.0');
  });

  it('never runs a filter expression of a fact path as code', async () => {
    const state = globalThis as { docpackPwned?: boolean };
    state.docpackPwned = false;
    const almanac = new Almanac();
    almanac.addRuntimeFact('subject', { a: { b: 1 } });
    for (const path of [
      '$[?(@.constructor.constructor("globalThis.docpackPwned = true")())]',
      '$..[?(@property.constructor.constructor("globalThis.docpackPwned = true")())]',
      '$[?(this.docpackPwned = true)]',
      '$[?(globalThis.docpackPwned = true)]',
    ]) {
      await almanac.factValue('subject', {}, path).catch(() => undefined);
    }
    expect(state.docpackPwned).toBe(false);
  });
});

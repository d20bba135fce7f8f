import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { memoryIo } from '../../src/cli/io.ts';

describe('docpack validate', () => {
  it('counts valid and invalid records and exits 2 when any is invalid', async () => {
    const io = memoryIo();
    const code = await main(['validate', 'fixtures/invalid/bad-enum.json', 'fixtures/invalid/missing-field.json'], io);
    expect(code).toBe(2);
    expect(io.stdout.at(-1)).toBe('0 valid, 2 invalid (2 problems)');
  });

  it('prints problems as data with --json', async () => {
    const io = memoryIo();
    const code = await main(['validate', '--json', 'fixtures/invalid/wrong-type.json'], io);
    expect(code).toBe(2);
    const result = JSON.parse(io.stdout.join('')) as { problems: { code: string; line: number; column: number; pointer: string }[] };
    expect(result.problems).toEqual([
      expect.objectContaining({ code: 'wrong-type', line: 30, column: 17, pointer: '/orders/0/urgent', field: 'orders[0].urgent' }),
    ]);
  });

  it('treats a bad option value as invalid input (exit 2), not a crash', async () => {
    const io = memoryIo();
    expect(await main(['validate', '--max-file-size', 'lots', 'fixtures/invalid'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('"lots" is not a size');
  });

  it('runs as the installed bin with no stack trace on bad input', () => {
    const run = spawnSync('node', ['bin/docpack.js', 'validate', 'fixtures/invalid/proto-key.json'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stdout).toContain('fixtures/invalid/proto-key.json:12:5 customer.__proto__: the key "__proto__" is not allowed');
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(execFileSync('node', ['bin/docpack.js', '--help'], { encoding: 'utf8' })).toContain('validate');
  });
});

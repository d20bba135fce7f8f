// DOCPACK_DATA: a folder laid out like docpack's whose rules and templates replace the package's. It is
// how the tests pin their rules (vitest.config.ts); a wrong one is an error, never ignored.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { dataPath } from '../../src/package-files.ts';

async function run(args: string[]): Promise<{ code: number; stderr: string }> {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, stderr: io.stderr.join('\n') };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('DOCPACK_DATA', () => {
  it('replaces the data paths it has, and only those', () => {
    vi.stubEnv('DOCPACK_DATA', 'test/pinned');
    expect(dataPath('rules/alerts')).toBe(path.resolve('test/pinned/rules/alerts'));
    expect(dataPath('rules/calendars')).toBe(path.resolve('rules/calendars'));
    vi.stubEnv('DOCPACK_DATA', '');
    expect(dataPath('rules/alerts')).toBe(path.resolve('rules/alerts'));
  });

  it('a folder that does not exist, or has none of the data paths, is exit 2 with one line', async () => {
    vi.stubEnv('DOCPACK_DATA', path.join(tmpdir(), 'docpack-no-such-folder'));
    const missing = await run(['rules', 'lint']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^docpack: DOCPACK_DATA=\S+ does not exist: unset it/);
    // One level too deep: the folder exists but holds no rules/ or templates/ of its own.
    vi.stubEnv('DOCPACK_DATA', mkdtempSync(path.join(tmpdir(), 'docpack-data-')));
    const empty = await run(['rules', 'lint']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^docpack: DOCPACK_DATA=\S+ has none of rules\/alerts, rules\/deadlines/);
  });
});

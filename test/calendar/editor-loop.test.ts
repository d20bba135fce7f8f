// The calendar half of the rule editor's loop: in a copy of the repository, add a year written by hand
// and a provisional one with the CLI, touching neither src/ nor test/, and the calendar tests stay green.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { calendarYearFromPackage, packageInfo, readPackageYear } from '../../scripts/import-calendar.ts';
import { formatCalendarJson } from '../../src/calendar/format.ts';
import { useShippedRules } from '../shipped.ts';
import { copyBuild, runCli } from '../support/cli.ts';

// This file is about the shipped rules/ (and a copy of the repository), not the frozen copy the other tests use.
useShippedRules();

const repo = fileURLToPath(new URL('../../', import.meta.url));
const copy = mkdtempSync(join(tmpdir(), 'docpack-editor-calendar-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('adding calendar years without touching src/ or test/', () => {
  it('a hand-written 2024 and a provisional 2027 keep the calendar tests green', () => {
    const files = execFileSync('git', ['ls-files', '-z', '-co', '--exclude-standard'], { cwd: repo, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const file of files) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      cpSync(join(repo, file), join(copy, file));
    }
    symlinkSync(join(repo, 'node_modules'), join(copy, 'node_modules'), 'dir');
    copyBuild(copy);
    const before = execFileSync('git', ['hash-object', ...files.filter((file) => /^(src|test)\//.test(file)).map((file) => join(copy, file))], { encoding: 'utf8' });

    // Written by hand from the 2024 notice (国办发明电〔2023〕7号): the days as the notice gives them, no importedFrom.
    const info = packageInfo();
    const year2024 = calendarYearFromPackage(2024, readPackageYear(2024, info)!, { version: info.version, notice: '国务院办公厅关于2024年部分节假日安排的通知，2023年10月25日' });
    delete year2024.source.importedFrom;
    writeFileSync(join(copy, 'rules/calendars/2024.json'), formatCalendarJson(year2024));

    const docpack = (...args: string[]) => runCli(args, { bin: join(copy, 'bin/docpack.js'), cwd: copy });
    const listed = docpack('calendar', 'list', '2024');
    expect(listed.status).toBe(0);
    expect(listed.stdout.split('\n')[0]).toBe('2024: 国务院办公厅关于2024年部分节假日安排的通知，2023年10月25日 (written by hand)');
    const provisional = docpack('calendar', 'provisional', '2027');
    expect(provisional.status).toBe(0);
    expect(docpack('calendar', 'coverage', '--as-of', '2026-11-25').stdout.split('\n').map((line) => line.slice(0, 17))).toEqual([
      '2024  official   ',
      '2025  official   ',
      '2026  official   ',
      '2027  provisional',
      '',
    ]);
    expect(JSON.parse(readFileSync(join(copy, 'rules/calendars/2027.json'), 'utf8'))).toMatchObject({ year: 2027, provisional: true });

    // The tests that read rules/calendars (the others are run by the whole suite on the same files).
    const tests = ['test/calendar/data.test.ts', 'test/calendar/calendar.test.ts', 'test/calendar/cli.test.ts', 'test/clocks/cli.test.ts'];
    const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...tests], { cwd: copy, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0', DOCPACK_OFFICE_PREPARE: '0' } });
    expect(run.stdout + run.stderr).toMatch(/Test Files\s+4 passed \(4\)/);
    expect(run.status).toBe(0);
    // Nothing in src/ or test/ changed.
    const after = execFileSync('git', ['hash-object', ...files.filter((file) => /^(src|test)\//.test(file)).map((file) => join(copy, file))], { encoding: 'utf8' });
    expect(after).toBe(before);
  }, 180_000);
});

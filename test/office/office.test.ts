// The office round trip is never skipped in CI, and says so loudly when skipped on a developer's machine.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { officeAvailability, officeRequired } from './office.ts';
import { officeFilteredOut } from './setup.ts';

const none = (): boolean => false;
const all = (): boolean => true;

describe('the LibreOffice round trip helper', () => {
  afterEach(() => vi.restoreAllMocks());

  it('throws when soffice is unavailable and CI=true or DOCPACK_REQUIRE_OFFICE=1 (what .ci/run sets)', () => {
    expect(() => officeAvailability('some.test.ts', { env: { CI: 'true' }, has: none })).toThrow(/some\.test\.ts: the LibreOffice round trip must run here \(CI=true or DOCPACK_REQUIRE_OFFICE=1\), but soffice and pdftotext are not installed \(apt-get install libreoffice-writer-nogui/);
    expect(() => officeAvailability('some.test.ts', { env: { DOCPACK_REQUIRE_OFFICE: '1' }, has: (command) => command !== 'soffice' })).toThrow(/but soffice is not installed/);
  });

  it('skips with a loud warning on a developer machine without soffice', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(officeAvailability('some.test.ts', { env: {}, has: none })).toMatchObject({ run: false, reason: expect.stringContaining('soffice and pdftotext are not installed') });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^SKIPPED some\.test\.ts: the LibreOffice round trip, because .*CI fails on this\.$/));
  });

  it('runs, silently, where soffice and pdftotext are installed, CI or not', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(officeAvailability('some.test.ts', { env: { CI: 'true' }, has: all })).toEqual({ run: true });
    expect(officeAvailability('some.test.ts', { env: {}, has: all })).toEqual({ run: true });
    expect(warn).not.toHaveBeenCalled();
  });

  it('reads CI as GitHub, GitLab and .ci/run set it', () => {
    expect(officeRequired({ CI: 'true' })).toBe(true);
    expect(officeRequired({ CI: '1' })).toBe(true);
    expect(officeRequired({ DOCPACK_REQUIRE_OFFICE: '1' })).toBe(true);
    expect(officeRequired({ CI: 'false' })).toBe(false);
    expect(officeRequired({})).toBe(false);
  });
});

describe('whether a run needs the office round trip', () => {
  it('prepares it for the whole suite and for a run that names an office test, not for one that names only others', () => {
    expect(officeFilteredOut([])).toBe(false);
    expect(officeFilteredOut(['run'])).toBe(false);
    expect(officeFilteredOut(['run', 'test/pack/documents-office.test.ts'])).toBe(false);
    expect(officeFilteredOut(['run', 'test/time.test.ts'])).toBe(true);
  });

  it('does not take the value of an option for a test file filter', () => {
    expect(officeFilteredOut(['run', '--config', 'vitest.other.config.ts'])).toBe(false);
    expect(officeFilteredOut(['run', '--exclude', 'test/editor-walkthrough.test.ts'])).toBe(false);
    expect(officeFilteredOut(['run', '--config', 'vitest.other.config.ts', 'test/time.test.ts'])).toBe(true);
  });
});

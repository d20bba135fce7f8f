// docpack's tests run against a frozen copy of the rules, test/pinned/rules (vitest.config.ts sets
// DOCPACK_DATA), so that a team's edits to rules/ never turn them red. The few tests that are about the
// shipped rules themselves (their cases, the sample's expected findings, the editor's walk-through, a
// records repository's own rules) opt out here.
import { afterAll, beforeAll, vi } from 'vitest';

/** Runs this file's tests (and the processes they start) with the shipped rules/ instead of the frozen copy. */
export function useShippedRules(): void {
  beforeAll(() => {
    vi.stubEnv('DOCPACK_DATA', '');
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });
}

/** The frozen copy of rules/alerts and rules/deadlines the other tests run against. */
export const PINNED_ALERTS = 'test/pinned/rules/alerts';
export const PINNED_DEADLINES = 'test/pinned/rules/deadlines';

import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { SLOW_FIRST } from './sequencer.ts';

// A renamed or removed file would quietly lose its early start (test/setup/sequencer.ts).
it('names test files that exist, each once', () => {
  for (const file of SLOW_FIRST) expect(existsSync(file), file).toBe(true);
  expect(new Set(SLOW_FIRST).size).toBe(SLOW_FIRST.length);
});

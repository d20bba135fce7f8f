// Tests that assert what lies outside the calendar (a 2027 deadline is an error) use a copy of
// 2025-2026, so that adding a year to rules/calendars (imported, by hand or provisional) needs no test edit.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

let pinned: string | undefined;

/** A folder holding rules/calendars/2025.json and 2026.json only; removed when the process exits. */
export function pinnedCalendarDir(): string {
  if (pinned === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'docpack-calendar-2025-2026-'));
    const rules = fileURLToPath(new URL('../../rules/calendars/', import.meta.url));
    for (const year of [2025, 2026]) copyFileSync(join(rules, `${year}.json`), join(dir, `${year}.json`));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    pinned = dir;
  }
  return pinned;
}

import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { memoryIo } from '../src/cli/io.ts';
import { parseDateTime } from '../src/time.ts';
import { checkRecordText } from '../src/records/load.ts';
import { isIsoDate, isLocalDateTime, parseAsOf } from '../src/time.ts';
import { readFileSync } from 'node:fs';

describe('times out of range', () => {
  it('refuses offsets that are not real ones (+99:99, +14:01, -12:60) and keeps the real range', () => {
    for (const text of ['2026-11-25T09:00:00+99:99', '2026-11-25T09:00+14:01', '2026-11-25T09:00:00-12:60', '2026-11-25T09:00:00+23:59']) {
      expect(isLocalDateTime(text), text).toBe(false);
      expect(parseDateTime(text), text).toBeNaN();
      expect(parseAsOf(text), text).toBeNull();
    }
    for (const text of ['2026-11-25T09:00:00+14:00', '2026-11-25T09:00:00-12:00', '2026-11-25T09:00:00+05:45', '2026-11-25T09:00:00Z']) {
      expect(isLocalDateTime(text), text).toBe(true);
      expect(parseDateTime(text), text).toBe(parseAsOf(text)?.toMillis());
    }
  });

  it('refuses year 0000 and years before 1900', () => {
    for (const text of ['0000-01-01', '1899-12-31', '0001-06-15']) {
      expect(isIsoDate(text), text).toBe(false);
      expect(parseDateTime(`${text}T00:00:00+08:00`), text).toBeNaN();
    }
    expect(isIsoDate('1900-01-01')).toBe(true);
  });

  it('says so for --as-of (exit 2) and in a record, with a hint', async () => {
    const io = memoryIo();
    expect(await main(['check', 'fixtures/projects/P2026-GOV-001.json', '--as-of', '2026-11-25T09:00:00+99:99'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('--as-of "2026-11-25T09:00:00+99:99" is not a time (a real date from 1900 on, an offset from -12:00 to +14:00)');
    const text = readFileSync('fixtures/projects/P2026-GOV-001.json', 'utf8').replace('"2026-11-24T18:20:00+08:00"', '"2026-11-24T18:20:00+99:99"');
    const outcome = checkRecordText('x.json', text);
    expect(outcome.problems).toMatchObject([{ code: 'bad-time', field: 'updatedAt', hint: 'the offset must be a real one, from -12:00 to +14:00 (e.g. +08:00)' }]);
    const year0 = checkRecordText('x.json', readFileSync('fixtures/projects/P2026-GOV-001.json', 'utf8').replace('"2026-12-18"', '"0000-12-18"'));
    expect(year0.problems).toMatchObject([{ code: 'bad-date', hint: 'years start at 1900 (Excel holds no earlier date)' }]);
  });
});

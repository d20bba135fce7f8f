// Ids name folders and files: a pack copied to Windows or macOS must not lose any.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRecordText, loadRecords } from '../../src/records/load.ts';
import { SAFE_ID, isSafeId } from '../../src/records/safe-id.ts';

const fixture = readFileSync('fixtures/projects/P2026-GOV-001.json', 'utf8');
const withId = (id: string): string => fixture.replace('"id": "P2026-GOV-001"', `"id": ${JSON.stringify(id)}`);

describe('names that collide elsewhere', () => {
  it('the schema says what the code says', () => {
    const schema = JSON.parse(readFileSync('src/schemas/project.schema.json', 'utf8')) as { $defs: { safeId: { pattern: string } } };
    expect(schema.$defs.safeId.pattern).toBe(SAFE_ID.source);
  });

  it('refuses Windows device names in any case, alone or before a dot, and a trailing dot', () => {
    for (const id of ['CON', 'con', 'Nul', 'PRN', 'AUX', 'COM1', 'lpt9', 'CON.x', 'nul.json', 'P2026.', 'A.b.']) expect(isSafeId(id), id).toBe(false);
    for (const id of ['CONSOLE', 'COM10', 'NULL', 'P2026-GOV-001', 'A.b', 'auxiliary', 'LPT']) expect(isSafeId(id), id).toBe(true);
  });

  it('says why in the record problem', () => {
    expect(checkRecordText('x.json', withId('CON')).problems).toMatchObject([{ code: 'unsafe-id', field: 'id', hint: expect.stringContaining('"CON" is a reserved device name on Windows') }]);
    expect(checkRecordText('x.json', withId('P2026-GOV-001.')).problems).toMatchObject([{ code: 'unsafe-id', hint: expect.stringContaining('Windows drops a trailing dot') }]);
  });

  it('refuses two project ids that differ only in case (one folder on Windows and macOS)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'docpack-names-'));
    writeFileSync(path.join(dir, 'a.json'), withId('P2026-GOV-001'));
    writeFileSync(path.join(dir, 'b.json'), withId('p2026-gov-001'));
    const result = await loadRecords([dir]);
    expect(result.records).toEqual([]);
    expect(result.problems.map((problem) => problem.code)).toEqual(['duplicate-project-id', 'duplicate-project-id']);
    expect(result.problems[0]?.message).toContain('(as "p2026-gov-001": ids differing only in case name one folder on Windows and macOS)');
  });

  it('refuses two order ids of a record that differ only in case (each names a 实施方案 file)', () => {
    const record = JSON.parse(fixture) as { orders: { id: string }[] };
    const copy = structuredClone(record.orders[0]!);
    copy.id = record.orders[0]!.id.toLowerCase();
    record.orders.push(copy);
    const problems = checkRecordText('x.json', JSON.stringify(record, null, 2)).problems.filter((problem) => problem.field === 'orders[1].id');
    expect(problems).toMatchObject([{ code: 'duplicate-id', field: 'orders[1].id', message: `order id "${copy.id}" differs only in case from "${record.orders[0]!.id}"` }]);
  });
});

import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { memoryIo } from '../../src/cli/io.ts';
import type { ClockState } from '../../src/clocks/types.ts';
import { PINNED_DEADLINES } from '../shipped.ts';

const AS_OF = '2026-11-25T09:00:00+08:00';

function deadlines(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'docpack-deadlines-'));
  cpSync(PINNED_DEADLINES, dir, { recursive: true });
  for (const [name, value] of Object.entries(files)) writeFileSync(path.join(dir, name), JSON.stringify(value, null, 2));
  return dir;
}

const cutoverNotice = {
  $schema: './deadline.schema.json',
  id: 'cutover-notice',
  title: '割接通知',
  description: '§2.3.3: the customer is told of a cutover 3 working days before it starts (a team default).',
  subject: 'afterSale.cutovers[]',
  stop: 'notifiedAt',
  direction: 'before',
  anchor: 'plannedStart',
  target: { workingDays: 3 },
  dueTime: 'start-of-day',
};

const arrangementDue = {
  $schema: './deadline.schema.json',
  id: 'arrangement-due',
  title: '项目实施安排',
  description: '§2.1.2 item 4: the 项目实施安排 within 5 working days of the 合同执行单 (a team default).',
  subject: 'contract.executionSheet',
  start: 'receivedOn',
  stop: 'project.contract.implementationArrangement.issuedOn',
  direction: 'after',
  target: { workingDays: 5 },
};

describe('deadline clocks on any part of the record (subject patterns)', () => {
  it('runs a clock for each cutover notice and for the contract execution sheet, with pointers and labels', async () => {
    const dir = deadlines({ 'cutover-notice.json': cutoverNotice, 'arrangement-due.json': arrangementDue });
    const io = memoryIo();
    expect(await main(['clocks', 'fixtures/projects', '--deadlines', dir, '--as-of', AS_OF, '--json', '--clock', 'cutover-notice,arrangement-due'], io)).toBe(0);
    const states = (JSON.parse(io.stdout.join('')) as { clocks: ClockState[] }).clocks;
    const unnotified = states.find((state) => state.label === 'CO-DG-20261206-03')!;
    // Planned 12-06 00:30 (Sunday): 3 working days before is Wed 12-02, due at its start.
    expect(unnotified).toMatchObject({ clock: 'cutover-notice', subjectKind: 'cutover', subject: '/afterSale/cutovers/2', state: 'running', due: '2026-12-02T00:00:00+08:00' });
    const med = states.find((state) => state.project === 'P2026-MED-009' && state.clock === 'arrangement-due')!;
    // Received Thu 11-05; 5 working days: 11-06, 11-09..11-12 → end of 11-12; no arrangement yet.
    expect(med).toMatchObject({ subjectKind: 'executionSheet', subject: '/contract/executionSheet', label: 'P2026-MED-009', state: 'breached', due: '2026-11-12T23:59:59+08:00' });
    expect(states.filter((state) => state.clock === 'arrangement-due').map((state) => state.project).sort()).toEqual(['P2026-DONE-014', 'P2026-FIN-002', 'P2026-MED-009']);
  });

  it('refuses a subject the record does not have, at file:line:column, with a did-you-mean', async () => {
    const dir = deadlines({ 'cutover-notice.json': { ...cutoverNotice, subject: 'afterSale.cutover[]' } });
    const io = memoryIo();
    expect(await main(['rules', 'lint', '--deadlines', dir], io)).toBe(2);
    expect(io.stdout.join('\n')).toMatch(/cutover-notice\.json:\d+:\d+ subject: "afterSale\.cutover\[\]" is not a part of the record \(no "cutover"\)\n\s+hint: did you mean "cutovers"\?/);
  });
});

import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { memoryIo } from '../../src/cli/io.ts';
import type { Finding } from '../../src/alerts/types.ts';

// The findings fixtures/projects/STORIES.md works out by hand for 2026-11-25T09:00+08:00:
// [project, rule, subject label, type/level (closed)]. Changing a rule or a fixture changes this on purpose.
const EXPECTED = [
    ['P2026-AS-005', 'serious-fault-key-customer', 'F-DG-20261108-01', 'escalation/province closed'],
    ['P2026-AS-005', 'serious-fault-key-customer', 'F-DG-20261123-04', 'escalation/province closed'],
    ['P2026-AS-005', 'serious-fault-not-reported', 'F-DG-20261123-04', 'escalation/group'],
    ['P2026-AS-006', 'serious-fault-ordinary', 'F-FS-20261116-01', 'escalation/province closed'],
    ['P2026-AS-007', 'serious-fault-cross-city', 'F-ZJ-20261110-02', 'escalation/province closed'],
    ['P2026-AS-007', 'serious-fault-key-customer', 'F-ZJ-20261125-03', 'escalation/province'],
    ['P2026-EDU-008', 'plan-late', 'ORD-SG-20260928-0145', 'warning/local closed'],
    ['P2026-EDU-008', 'survey-late', 'ORD-SG-20260917-0132', 'warning/local closed'],
    ['P2026-FIN-002', 'weekly-report-missing', 'ORD-GD-20261023-0588 2026-W47', 'warning/local'],
    ['P2026-FIN-002', 'circuit-completion-warning', 'GD-GZ-OTN-20261026-02', 'warning/local'],
    ['P2026-MED-009', 'property-issue', 'ORD-FS-20261109-0688 #2', 'escalation/province'],
    ['P2026-MED-009', 'property-issue', 'ORD-FS-20261109-0688 #3', 'escalation/province'],
    ['P2026-MFG-012', 'circuit-completion-warning', 'GD-ZH-MSTP-20261103-02', 'warning/local'],
    ['P2026-MFG-012', 'circuit-completion-warning', 'GD-ZH-MSTP-20261103-04', 'warning/local'],
    ['P2026-MFG-012', 'circuit-completion-warning', 'GD-ZH-MSTP-20261103-05', 'escalation/group'],
    ['P2026-MFG-012', 'circuit-overdue', 'GD-ZH-MSTP-20261103-05', 'escalation/province'],
    ['P2026-MFG-012', 'plan-ends-after-required-completion', 'GD-ZH-MSTP-20261103-05', 'escalation/group'],
    ['P2026-MFG-012', 'circuit-warning-pool', 'GD-ZH-INT-20261110-01', 'warning/local'],
    ['P2026-MFG-012', 'circuit-warning-pool', 'GD-ZH-INT-20261110-04', 'warning/local'],
    ['P2026-PRE-011', 'requirements-not-confirmed', 'P2026-PRE-011', 'escalation/province'],
    ['P2026-PRE-011', 'problem-overdue', 'PB-PRE-011-01', 'escalation/province'],
    ['P2026-PRE-011', 'problem-overdue', 'PB-PRE-011-02', 'warning/local'],
    ['P2026-PRE-011', 'resource-check-expired', 'RC-PRE-011-01', 'warning/local'],
    ['P2026-PRE-013', 'contract-review-unacceptable', 'P2026-PRE-013', 'warning/local'],
    ['P2026-RES-004', 'resource-second-check', 'RC-RES-004-01', 'escalation/group'],
    ['P2026-RES-004', 'resource-check-expired', 'RC-RES-004-02', 'warning/local'],
    ['P2026-RES-004', 'resource-second-check', 'RC-RES-004-05', 'warning/local'],
    ['P2026-RES-004', 'reserve-below-threshold', 'RR-RES-004-01', 'warning/local'],
    ['P2026-RES-004', 'reserve-below-threshold', 'RR-RES-004-02', 'warning/local'],
    ['P2026-RET-010', 'order-returned-without-reason', 'ORD-GZ-20261116-0702', 'escalation/group'],
    ['P2026-URG-003', 'circuit-completion-warning', 'GD-ZS-MSTP-20261119-02', 'warning/local'],
    ['P2026-URG-003', 'circuit-warning-pool', 'GD-ZS-MSTP-20261119-02', 'warning/local'],
    ['P2026-URG-003', 'plan-ends-after-required-completion', 'GD-ZS-MSTP-20261119-02', 'warning/local'],
    ['P2026-URG-003', 'circuit-warning-pool', 'GD-ZS-MSTP-20261119-03', 'warning/local'],
    ['P2026-URG-003', 'plan-ends-after-required-completion', 'GD-ZS-MSTP-20261119-03', 'warning/local'],
];

describe('the fixtures give the findings their stories imply', () => {
  it('as of 2026-11-25T09:00+08:00', async () => {
    const io = memoryIo();
    await main(['check', '--json', '--as-of', '2026-11-25T09:00:00+08:00', 'fixtures/projects'], io);
    const { findings } = JSON.parse(io.stdout.join('')) as { findings: Finding[] };
    const actual = findings.map((finding) => [finding.project, finding.ruleId, finding.subject.label, `${finding.type}/${finding.level}${finding.closedAt ? ' closed' : ''}`]);
    expect(actual).toEqual(EXPECTED);
  });

  it('healthy projects raise nothing', async () => {
    const io = memoryIo();
    const code = await main(['check', '--as-of', '2026-11-25T09:00:00+08:00', '--fail-on', 'warning', 'fixtures/projects/P2026-GOV-001.json', 'fixtures/projects/P2026-DONE-014.json', 'fixtures/projects/P2026-LOST-015.json'], io);
    expect(code).toBe(0);
    expect(io.stdout.at(-1)).toMatch(/^0 findings/);
  });
});

import type { Finding } from '../../../src/alerts/types.ts';

type Given = Pick<Finding, 'ruleId' | 'type' | 'severity' | 'level' | 'subject' | 'message'> & Partial<Finding>;

/** A finding as the alerts stage gives it, from the parts a test cares about. */
export function finding(given: Given): Finding {
  return { id: '', title: '', project: '', projectName: '', due: null, openedAt: null, closedAt: null, recipients: [], evidence: [], escalation: [], ...given };
}

/** Hand-made findings, one of them hostile. */
export const FINDINGS: Finding[] = ([
  {
    id: 'F-0001',
    ruleId: 'circuit-warning-pool',
    title: '进入电路预警池',
    type: 'warning',
    severity: 'major',
    level: 'local',
    project: 'P2026-URG-003',
    projectName: '',
    subject: { pointer: '/orders/0/circuits/1', label: 'GD-ZS-MSTP-20261119-02' },
    due: '2026-11-19T10:00:00+08:00',
    message: '电路 GD-ZS-MSTP-20261119-02 已进入电路预警池(加急,要求 2026-11-27 完成)。',
    recipients: [{ role: 'projectManager', name: '杨子健' }, { role: 'chiefCustomerEngineer', name: '陈晓' }],
  },
  {
    id: 'F-0002',
    ruleId: 'serious-fault-key-customer',
    title: '重点客户严重故障',
    type: 'escalation',
    severity: 'critical',
    level: 'province',
    project: 'P2026-AS-005',
    projectName: '东莞松山湖园区互联网专线项目',
    subject: { pointer: '/afterSale/faults/0', label: 'FLT-DG-001' },
    due: null,
    message: '=HYPERLINK("http://evil.example","点击")',
    recipients: [{ role: 'customerManager', name: '李晓明' }, { role: 'owner', name: '王五' }],
  },
  {
    id: 'F-0003',
    ruleId: 'circuit-warning-pool',
    title: '进入电路预警池',
    type: 'warning',
    severity: 'minor',
    level: 'local',
    project: 'P2026-MFG-012',
    projectName: '',
    subject: { pointer: '/orders/1/circuits/0', label: 'GD-ZH-INT-20261110-01' },
    due: '2026-11-24T00:00:00+08:00',
    message: '电路 GD-ZH-INT-20261110-01 已进入电路预警池。',
    recipients: [],
  },
  {
    id: 'F-0004',
    ruleId: 'problem-overdue',
    title: '问题超过计划解决时间',
    type: 'escalation',
    severity: 'major',
    level: 'group',
    project: 'P2026-PRE-011',
    projectName: '',
    subject: { pointer: '/problems/0', label: 'PB-PRE-011-01' },
    due: '2026-11-13T23:59:59+08:00',
    message: '问题 PB-PRE-011-01 逾期 12 天未解决,已逐级上报至集团。',
    recipients: [{ role: 'owner', name: '曾凡荣' }],
  },
] satisfies Given[]).map(finding);

import { describe, expect, it } from 'vitest';
import { docxText } from '../../../src/render/word/extract-text.ts';
import { readRecord, renderAll } from './support.ts';
import { finding as hand } from '../excel/findings.ts';

const textOf = async (file: string, name: string, overrides: Parameters<typeof renderAll>[1] = {}): Promise<string> => {
  const documents = await renderAll(readRecord(file), overrides);
  const found = documents.find((document) => document.fileName.startsWith(name));
  if (!found) throw new Error(`no ${name} among ${documents.map((document) => document.fileName).join(', ')}`);
  return docxText(found.bytes);
};

describe('实施方案', () => {
  it('runs segments in parallel as the record says and shows the plan span, not the sum', async () => {
    const text = await textOf('fixtures/projects/P2026-MED-009.json', '实施方案');
    expect(text).toContain('| 计划工期 | 11 个工作日（各分段合计 17 个工作日，部分并行） |');
    expect(text).toContain('| 计划开始 | 2026年11月17日 | 计划完成 | 2026年12月1日 |');
    expect(text).toContain('| 4 | HIS/PACS 业务联调 | 1、2、3 | 3 | 2026年11月27日 | 2026年12月1日 |');
  });

  it('has no boilerplate requirement where the record has none, and one date style', async () => {
    const text = await textOf('fixtures/projects/P2026-MED-009.json', '实施方案');
    expect(text).not.toContain('按相关规范实施');
    expect(text).not.toContain('各分段实施要求');
    expect(text).not.toMatch(/\b2026-\d\d-\d\d\b/);
    // A segment with a requirement keeps it (GOV-001's first and last segments).
    const gov = await textOf('fixtures/projects/P2026-GOV-001.json', '实施方案');
    expect(gov).toContain('各分段实施要求：');
    expect(gov).toContain('24 小时误码测试无误码');
  });

  it('says at the top when the plan ends after a required completion, from the rule\'s finding', async () => {
    const message = '定单 ORD-ZH-20261102-0391 的实施方案计划于 2026-12-01 完成，晚于电路 GD-ZH-MSTP-20261103-05 的要求完成时间 2026-11-20。';
    const finding = hand({ ruleId: 'plan-ends-after-required-completion', type: 'warning', severity: 'major', level: 'local', subject: { pointer: '/orders/0', label: 'ORD-ZH-20261102-0391' }, due: null, message });
    const late = await textOf('fixtures/projects/P2026-MFG-012.json', '实施方案-ORD-ZH-20261102-0391', { findings: [finding] });
    const top = late.slice(0, late.indexOf('| 定单编号 |'));
    expect(top).toContain(`计划完成晚于要求完成时间：${message}`);
    // Bold, not literal asterisks (CommonMark cannot close ** right after a full-width colon before a letter).
    expect(top).not.toContain('**');
    // Another order's finding, or none, says nothing.
    const other = await textOf('fixtures/projects/P2026-MFG-012.json', '实施方案-ORD-ZH-20261109-0402', { findings: [finding] });
    expect(other).not.toContain('计划完成晚于要求完成时间');
    expect(await textOf('fixtures/projects/P2026-MFG-012.json', '实施方案-ORD-ZH-20261102-0391')).not.toContain('计划完成晚于要求完成时间');
  });
});

describe('周进度报告', () => {
  it('mid-week: the week\'s report is not yet due, and the latest report is shown with its week', async () => {
    const text = await textOf('fixtures/projects/P2026-MED-009.json', '周进度报告', { week: '2026-W48' });
    expect(text).toContain('本周进度报告应于2026年11月27日 23:59前提交，尚未到提交期限。');
    expect(text).toContain('以下为最近一次进度报告（2026-W47，2026年11月20日 17:00提交）。');
    expect(text).toContain('## 本周工作内容（2026-W47）');
    expect(text).not.toContain('本周未提交');
  });

  it('after its due: missing, said plainly', async () => {
    const text = await textOf('fixtures/projects/P2026-FIN-002.json', '周进度报告', { week: '2026-W47' });
    expect(text).toContain('本周进度报告应于2026年11月20日 23:59前提交，逾期未提交。');
  });

  it('shows a deadline the unit extended by a filed warning', async () => {
    const text = await textOf('fixtures/projects/P2026-FIN-002.json', '周进度报告', { week: '2026-W48' });
    expect(text).toContain('| 2026年12月15日 / 已报延期至 / 2026年12月22日 / 进行中 |');
  });
});

describe('项目需求书', () => {
  it('keeps internal matters out of the book the customer signs', async () => {
    const text = await textOf('fixtures/projects/P2026-PRE-011.json', '项目需求书');
    expect(text).not.toContain('建议政企部做商务处理');
    expect(text).not.toContain('集成商报价');
    expect(text).not.toContain('建议解决方案');
  });

  it('has one date and a meaningful version on the cover, and the customer engineer in the 客户工程师 row', async () => {
    const text = await textOf('fixtures/projects/P2026-FIN-002.json', '项目需求书');
    expect(text).not.toContain('文档日期');
    expect(text).toMatch(/\| 版　　本： \| 确认稿（客户已于2026年\d+月\d+日确认） \|/);
    const record = readRecord('fixtures/projects/P2026-FIN-002.json');
    expect(text).toContain(`| 客户工程师 | ${record.team.customerEngineers![0]!.name} |`);
    expect(text).not.toContain(`| 客户工程师 | ${record.team.chiefCustomerEngineer.name} |`);
  });

  it('a lost bid says so and asks no one to sign', async () => {
    const text = await textOf('fixtures/projects/P2026-LOST-015.json', '项目需求书');
    expect(text).toContain('本项目未中标，本需求书仅作存档，不再提请客户确认。');
    expect(text).not.toContain('签字（盖章）');
  });
});

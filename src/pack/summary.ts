import type { Finding } from '../alerts/types.ts';
import { formatProblem, type Problem } from '../errors.ts';
import type { Labels } from '../render/labels.ts';
import type { ManifestEntry } from './output.ts';

export interface SummaryInput {
  /** The heading; default "docpack 文档包 <as-of date>". */
  title?: string;
  asOf: string;
  /** With `documents` the project table gets a column of document counts. */
  projects: { id: string; name: string; documents?: number }[];
  invalid: { file: string; problems: Problem[] }[];
  findings: readonly Finding[];
  manifest: readonly ManifestEntry[];
  labels: Labels;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** summary.md: a short Markdown report of the run, fit for a CI job summary. Deterministic: no timings. */
export function renderSummary(input: SummaryInput): string {
  const open = input.findings.filter((finding) => finding.closedAt === null);
  const escalations = open.filter((finding) => finding.type === 'escalation');
  const level = (value: string): string => input.labels.level?.[value] ?? value;
  const lines: string[] = [
    `# ${input.title ?? `docpack 文档包 ${input.asOf.slice(0, 10)}`}`,
    '',
    `As of ${input.asOf}: ${input.projects.length} projects, ${input.manifest.filter((entry) => /\.(docx|xlsx)$/.test(entry.path)).length} documents, ${open.length} open findings (${escalations.length} escalations), ${input.invalid.length} invalid records.`,
    '',
    '| 级别 level | 预警 warnings | 升级 escalations |',
    '| --- | ---: | ---: |',
  ];
  for (const value of ['local', 'province', 'group']) {
    const atLevel = open.filter((finding) => finding.level === value);
    lines.push(`| ${level(value)} | ${atLevel.filter((finding) => finding.type === 'warning').length} | ${atLevel.filter((finding) => finding.type === 'escalation').length} |`);
  }
  lines.push('');
  if (escalations.length > 0) {
    lines.push('## 升级 Escalations', '', '| 项目 | 对象 | 规则 | 级别 | 截止 | 说明 |', '| --- | --- | --- | --- | --- | --- |');
    for (const finding of escalations) {
      lines.push(`| ${cell(finding.project)} | ${cell(finding.subject.label)} | ${finding.ruleId} | ${level(finding.level)} | ${finding.due ? finding.due.slice(0, 16).replace('T', ' ') : '—'} | ${cell(finding.message)} |`);
    }
    lines.push('');
  }
  if (input.invalid.length > 0) {
    lines.push('## 无效记录 Invalid records', '', 'These records were not rendered; fix them and run again.', '', '```');
    for (const item of input.invalid) for (const problem of item.problems) lines.push(formatProblem(problem));
    lines.push('```', '');
  }
  const withDocuments = input.projects.some((project) => project.documents !== undefined);
  lines.push('## 项目 Projects', '', withDocuments ? '| 项目 | 名称 | 文档 | 未关闭预警 |' : '| 项目 | 名称 | 未关闭预警 |', withDocuments ? '| --- | --- | ---: | ---: |' : '| --- | --- | ---: |');
  for (const project of input.projects) {
    const count = open.filter((finding) => finding.project === project.id).length;
    lines.push(`| ${cell(project.id)} | ${cell(project.name)} |${withDocuments ? ` ${project.documents ?? 0} |` : ''} ${count} |`);
  }
  lines.push('');
  return `${lines.join('\n')}\n`;
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DocpackError } from '../../../src/errors.ts';
import { loadLabels } from '../../../src/labels.ts';
import { escapeMarkdown } from '../../../src/render/word/escape.ts';
import { docxText } from '../../../src/render/word/extract-text.ts';
import { convertMarkdown } from '../../../src/render/word/markdown.ts';
import { compileTemplate, createTemplateEnv } from '../../../src/render/word/template.ts';
import { plainView, recordView } from '../../../src/render/word/view.ts';
import { calendar, readRecord, renderAll } from './support.ts';
import { finding as hand } from '../excel/findings.ts';
import { runs } from '../../support/runs.ts';

const env = createTemplateEnv({ labels: loadLabels(), calendar });
const record = readRecord('fixtures/projects/P2026-GOV-001.json');
const context = plainView({ project: recordView(record), doc: { title: '测试', date: '2026-11-25' } });

function render(source: string, file = 'templates/word/test.md.hbs'): string {
  return compileTemplate(env, source, file).render(context);
}

function problemOf(fn: () => unknown): DocpackError['problem'] {
  try {
    fn();
  } catch (error) {
    if (error instanceof DocpackError) return error.problem;
    throw error;
  }
  throw new Error('expected a DocpackError');
}

describe('strict templates', () => {
  it('fails on a field the data does not have, naming the template file, line and column', () => {
    const problem = problemOf(() => render('# {{project.name}}\n\n客户:{{project.customer.nmae}}\n'));
    expect(problem).toMatchObject({ code: 'template-missing-field', file: 'templates/word/test.md.hbs', line: 3 });
    expect(problem.column).toBeGreaterThan(0);
    expect(problem.message).toContain('"nmae"');
    expect(problem.hint).toContain('{{#if');
  });

  it('also fails on a misspelt field inside {{#if}}, a helper argument or the middle of a path', () => {
    expect(problemOf(() => render('{{#if project.survay}}x{{/if}}')).code).toBe('template-missing-field');
    expect(problemOf(() => render('{{cnDate project.updatedOn}}')).code).toBe('template-missing-field');
    expect(problemOf(() => render('{{project.custmer.name}}')).code).toBe('template-missing-field');
    expect(problemOf(() => render('{{#each project.orders}}\n{{#if survey}}{{survey.doneAtt}}{{/if}}\n{{/each}}')).line).toBe(2);
  });

  it('lets templates test optional fields a record lacks: they are null, not missing', () => {
    expect(record.afterSale).toBeUndefined();
    expect(render('{{#if project.afterSale}}有{{else}}无{{/if}}售后')).toBe('无售后');
    expect(render('[{{project.afterSale}}]')).toBe('[]');
    expect(render('{{placeholder project.notes}}')).not.toBe('');
    const problem = problemOf(() => render('{{project.afterSale.faults}}'));
    expect(problem.code).toBe('template-empty-value');
  });

  it('cannot reach prototypes', () => {
    expect(problemOf(() => render('{{constructor}}')).code).toBe('template-missing-field');
    expect(problemOf(() => render('{{__proto__}}')).code).toBe('template-missing-field');
    expect(problemOf(() => render('{{project.constructor.name}}')).code).toBe('template-missing-field');
    // lookup is as strict as a path: a prototype's field is a field the data does not have.
    expect(problemOf(() => render('[{{lookup this "constructor"}}]')).code).toBe('template-missing-field');
    expect(problemOf(() => render('[{{lookup project "__proto__"}}]')).code).toBe('template-missing-field');
    expect(problemOf(() => render('[{{#with (lookup this "constructor")}}{{name}}{{/with}}]')).code).toBe('template-missing-field');
    expect(problemOf(() => render('[{{#each project.orders}}{{lookup this "constructor"}}{{/each}}]')).code).toBe('template-missing-field');
  });

  it('refuses unknown helpers, partials and syntax errors with the line', () => {
    expect(problemOf(() => render('a\n{{eval "1+1"}}'))).toMatchObject({ code: 'template-unknown-helper', line: 2 });
    expect(problemOf(() => render('{{> header}}')).code).toBe('template-syntax');
    expect(problemOf(() => render('x\n{{#if project.name}}\n'))).toMatchObject({ code: 'template-syntax', file: 'templates/word/test.md.hbs' });
  });
});

describe('escaping', () => {
  it('returns plain text as it is and escapes the rest exactly as the full rewrite does', () => {
    // The full rewrite, line by line, as escapeMarkdown does it when the text has anything to escape.
    const full = (text: string): string =>
      text
        .replace(/\r\n?/g, '\n')
        .split('\n')
        .map((line) =>
          line
            .replace(/\t/g, '    ')
            .replace(/[\\`*_[\]<>|~&!#]/g, (character) => `\\${character}`)
            .replace(/^([-+=]|\d+[.)])/, (marker) => `${marker.slice(0, -1)}\\${marker.slice(-1)}`)
            .replace(/^ +/, (spaces) => '&#32;'.repeat(spaces.length)),
        )
        .join('<br>');
    const piece = fc.constantFrom('电路', 'GD-01', ' ', '-', '+', '=', '1.', '2)', '#', '*', '|', '\\', '\n', '\r', '\t', '&', 'a', '9');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const text = pieces.join('');
        expect(escapeMarkdown(text)).toBe(full(text));
      }),
      { numRuns: runs(20_000, 2_000) },
    );
  });

  it('escapes record text so Markdown syntax in it stays text', () => {
    expect(escapeMarkdown('A*B|C_D #1')).toBe('A\\*B\\|C\\_D \\#1');
    expect(escapeMarkdown('- 不是列表')).toBe('\\- 不是列表');
    expect(escapeMarkdown('1. 不是编号')).toBe('1\\. 不是编号');
    expect(escapeMarkdown('第一行\n# 第二行')).toBe('第一行<br>\\# 第二行');
    const markdown = `| a | b |\n|---|---|\n| ${escapeMarkdown('x|y*z* [l](u) <b>')} | ${escapeMarkdown('line1\nline2')} |\n`;
    const converted = convertMarkdown(markdown, { template: 't' });
    expect(converted.body.length).toBeGreaterThan(0);
  });

  it('prints a customer name with * and | as it is, also inside a table', async () => {
    const tricky = structuredClone(record);
    tricky.customer.name = '*星号*|竖线_下划线_ #井号 <br> 客户';
    tricky.name = '项目 | 名称 **粗**';
    const documents = await renderAll(tricky);
    const book = documents.find((document) => document.fileName === '项目需求书.docx');
    expect(book).toBeDefined();
    const text = docxText(book!.bytes);
    expect(text).toContain('| 客户名称 | *星号*|竖线_下划线_ #井号 <br> 客户 |');
    expect(text).toContain('== 项目 | 名称 **粗**');
  });

  it('{{{raw}}} prints Markdown; {{x}} does not', () => {
    const view = plainView({ text: '**粗**' });
    expect(compileTemplate(env, '{{text}} {{{text}}}', 't').render(view)).toBe('\\*\\*粗\\*\\* **粗**');
  });
});

describe('helpers', () => {
  it('formats dates, times, money, labels and numbers the Chinese way', () => {
    expect(render('{{cnDate "2026-11-24"}}')).toBe('2026年11月24日');
    expect(render('{{cnDate "2026-11-24T23:30:00Z"}}')).toBe('2026年11月25日');
    expect(render('{{cnTime "2026-11-24T09:30:00+08:00"}}')).toBe('2026年11月24日 09:30');
    expect(render('{{money 1234567}} {{money 0.5}} {{money -3}}')).toBe('¥1,234,567.00 ¥0.50 \\-¥3.00');
    expect(render('{{label "tier" project.customer.tier}}')).toBe('省级重点客户');
    expect(render('{{cnNum 1}}{{cnNum 10}}{{cnNum 12}}{{cnNum 25}}')).toBe('一十十二二十五');
    expect(render('{{#each project.problems}}{{seq @index}}{{/each}}')).toBe('12');
    expect(render('{{or project.notes "—"}}|{{or null "—"}}|{{placeholder null}}|{{cnDate null}}|{{cnDate null empty="未定"}}')).toMatch(/^[^|]+\|—\|—\|—\|未定$/);
  });

  it('writes dates in the one style templates/labels.json sets (dateFormat), and says so when it is missing', () => {
    expect(render('{{date "2026-11-04"}}|{{dateTime "2026-11-04T09:05:00+08:00"}}|{{dateTime "2026-11-04"}}|{{date null}}')).toBe('2026年11月4日|2026年11月4日 09:05|2026年11月4日|—');
    const labels = loadLabels();
    const slashes = createTemplateEnv({ labels: { ...labels, dateFormat: { date: '{year}/{MM}/{DD}', dateTime: '{year}/{MM}/{DD} {hour}:{minute}' } }, calendar });
    expect(compileTemplate(slashes, '{{date "2026-11-04"}} {{dateTime "2026-11-24T23:30:00Z"}}', 't.md.hbs').render(context)).toBe('2026/11/04 2026/11/25 07:30');
    const { dateFormat: _, ...without } = labels;
    const bare = createTemplateEnv({ labels: without, calendar });
    expect(problemOf(() => compileTemplate(bare, '\n{{date "2026-11-04"}}', 'templates/word/t.md.hbs').render(context))).toMatchObject({ code: 'unknown-label', line: 2 });
  });

  it('counts and adds working days on the official calendar (National Day 2026)', () => {
    // National Day 2026: 10-01..10-07 off, Saturday 10-10 a make-up working day.
    expect(render('{{addWorkingDays "2026-09-30" 1}}')).toBe('2026-10-08');
    expect(render('{{workingDaysBetween "2026-09-30" "2026-10-12"}}')).toBe('4');
    expect(render('{{addWorkingDays "2026-10-09" 1}}')).toBe('2026-10-10');
  });

  it('names the template line of a helper error (unknown label group)', () => {
    expect(problemOf(() => render('\n\n{{label "nosuch" project.phase}}'))).toMatchObject({ code: 'unknown-label-group', line: 3, file: 'templates/word/test.md.hbs' });
  });
});

describe('markdown directives', () => {
  it('supports page breaks, a cover and named styles', () => {
    const converted = convertMarkdown('<!-- style: Title -->\n封面\n\n<!-- endcover -->\n\n# 一\n\n<!-- pagebreak -->\n\n正文\n', { template: 't' });
    expect(converted.cover).toHaveLength(1);
    expect(converted.body).toHaveLength(2);
  });

  it('refuses HTML, unknown styles and tables whose widths do not match', () => {
    expect(() => convertMarkdown('<div>x</div>\n', { template: 't' })).toThrow(/HTML is not supported/);
    expect(() => convertMarkdown('<!-- style: Fancy -->\nx\n', { template: 't' })).toThrow(/unknown paragraph style/);
    expect(() => convertMarkdown('<!-- table widths="1,2,3" -->\n| a | b |\n|---|---|\n| 1 | 2 |\n', { template: 't' })).toThrow(/names 3 columns/);
    expect(() => convertMarkdown('![图](x.png)\n', { template: 't' })).toThrow(/image is not supported/);
  });
});

describe('weekly report findings', () => {
  it('lists the findings it is given and says 无未关闭的预警与升级 without any', async () => {
    const fin = readRecord('fixtures/projects/P2026-FIN-002.json');
    const without = await renderAll(fin);
    expect(docxText(without.find((document) => document.fileName.startsWith('周进度报告'))!.bytes)).toContain('无未关闭的预警与升级。');
    const findings = [
      hand({
        ruleId: 'circuit-warning-pool',
        type: 'escalation',
        severity: 'major',
        level: 'province',
        subject: { pointer: '/orders/0/circuits/1', label: '电路 GD-GZ-OTN-20261026-02' },
        due: '2026-12-15',
        message: '未报进度的电路进入预警池 | 已升级至省公司',
      }),
    ];
    const withFindings = await renderAll(fin, { findings });
    const text = docxText(withFindings.find((document) => document.fileName.startsWith('周进度报告'))!.bytes);
    expect(text).toContain('| 1 | 升级 | 重要 | 省 | 电路 GD-GZ-OTN-20261026-02 | 2026年12月15日 | 未报进度的电路进入预警池 | 已升级至省公司 |');
    expect(text).toContain('未关闭预警 | 1 项');
    expect(text).not.toContain('无未关闭的预警与升级');
  });
});

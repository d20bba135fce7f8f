// Template strictness: lookup is as strict as paths, and print headers stay within Excel's limit.
import { describe, expect, it } from 'vitest';
import { DocpackError } from '../../src/errors.ts';
import { loadLabels } from '../../src/labels.ts';
import { EXCEL_HEADER_MAX, headerCode, renderWorkbook, type WriterMode } from '../../src/render/excel/render.ts';
import { compileTemplate, createTemplateEnv } from '../../src/render/word/template.ts';
import { plainView, recordView } from '../../src/render/word/view.ts';
import { inputFor, readBack, specNamed } from './excel/helpers.ts';
import { calendar, readRecord } from './word/support.ts';

const env = createTemplateEnv({ labels: loadLabels(), calendar });
const record = readRecord('fixtures/projects/P2026-GOV-001.json');
const context = plainView({ project: recordView(record), doc: { title: '测试', date: '2026-11-25' } });

function problemOf(source: string): DocpackError['problem'] {
  try {
    compileTemplate(env, source, 'templates/word/test.md.hbs').render(context);
  } catch (error) {
    if (error instanceof DocpackError) return error.problem;
    throw error;
  }
  throw new Error('expected a DocpackError');
}

describe('lookup', () => {
  it('fails on a field the data does not have, with file, line and column (printed a blank, exit 0)', () => {
    expect(problemOf('# 标题\n\n客户：{{lookup project "custmer"}}\n')).toMatchObject({
      code: 'template-missing-field',
      file: 'templates/word/test.md.hbs',
      line: 3,
      column: 4,
      message: 'lookup: "custmer" is not a field of the data here',
    });
    expect(problemOf('{{#with (lookup project "custmer")}}x{{/with}}')).toMatchObject({ code: 'template-missing-field' });
    expect(problemOf('{{lookup (lookup project "contract") "x"}}').code).toMatch(/^template-(missing-field|empty-value)$/);
  });

  it('still reads fields that exist, and list items', () => {
    const rendered = compileTemplate(env, '{{lookup project.customer "name"}} {{#with (lookup (lookup project "orders") 0)}}{{id}}{{/with}}', 't').render(context);
    expect(rendered).toBe(`${record.customer.name} ${record.orders![0]!.id}`);
  });

  it('cannot reach prototypes', () => {
    expect(problemOf('{{lookup project "constructor"}}')).toMatchObject({ code: 'template-missing-field' });
  });
});

describe('print headers', () => {
  it('fit Excel\'s 255 characters, shortened with … at a code point, never inside an escaped &&', () => {
    expect(headerCode('问题治理表 P1 短名', '截至 2026-11-25')).toBe('&L问题治理表 P1 短名&R截至 2026-11-25');
    const long = headerCode(`问题治理表 P1 ${'很长的项目名称&'.repeat(60)}😀 — 问题`, '截至 2026年11月25日 09:00');
    expect(long.length).toBeLessThanOrEqual(EXCEL_HEADER_MAX);
    expect(long).toMatch(/…&R截至 2026年11月25日 09:00$/);
    expect(long.replace(/&&/g, '')).not.toMatch(/&(?![LR])/);
  });

  for (const mode of ['memory', 'stream'] as WriterMode[]) {
    it(`a 300-character project name gives a header within the limit (${mode} writer; was written as is)`, async () => {
      const named = { ...record, name: `${'超长项目名称'.repeat(50)}` };
      const { data } = await renderWorkbook({ ...inputFor(specNamed('problem-table'), [named], { subtitle: `${named.id} ${named.name}` }), mode });
      const workbook = await readBack(data);
      for (const sheet of workbook.worksheets) {
        const header = sheet.headerFooter.oddHeader ?? '';
        expect(header.length).toBeGreaterThan(100);
        expect(header.length).toBeLessThanOrEqual(EXCEL_HEADER_MAX);
        expect(header).toContain('…&R截至');
      }
    });
  }
});

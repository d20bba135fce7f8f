import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROW_SOURCES } from '../../../src/render/excel/sources.ts';
import { checkSpecText, readSheetSpecs, selectSpecs } from '../../../src/render/excel/spec.ts';
import { labels, specs } from './helpers.ts';

const context = { labels, sources: ROW_SOURCES };
const problemTable = readFileSync('templates/excel/problem-table.xlsx.json', 'utf8');

function mutate(edit: (spec: Record<string, any>) => void): string {
  const spec = JSON.parse(problemTable) as Record<string, any>;
  edit(spec);
  return JSON.stringify(spec, null, 2);
}

describe('sheet specs', () => {
  it('ships the five workbooks, all valid against the schema, labels and row sources', () => {
    const read = readSheetSpecs(context);
    expect(read.problems).toEqual([]);
    expect(read.specs.map((spec) => [spec.name, spec.spec.title, spec.spec.scope])).toEqual([
      ['circuit-warnings', '电路预警清单', 'portfolio'],
      ['problem-table', '问题治理表', 'project'],
      ['resource-register', '资源核查台账', 'portfolio'],
      ['warning-summary', '预警升级汇总', 'portfolio'],
      ['weekly-report', '周报', 'portfolio'],
    ]);
  });

  it('selects specs by file name, title or "all"', () => {
    expect(selectSpecs(specs, ['问题治理表', 'circuit-warnings']).selected.map((spec) => spec.name)).toEqual(['problem-table', 'circuit-warnings']);
    expect(selectSpecs(specs, ['all']).selected).toHaveLength(5);
    expect(selectSpecs(specs, ['nope']).unknown).toEqual(['nope']);
  });

  it('reports a schema error with its line, column and field', () => {
    const text = mutate((spec) => {
      spec.sheets[0].columns[1].type = 'txt';
    });
    const { spec, problems } = checkSpecText(text, 'bad.xlsx.json', context);
    expect(spec).toBeUndefined();
    expect(problems[0]).toMatchObject({ code: 'spec-invalid', file: 'bad.xlsx.json', field: 'sheets[0].columns[1].type', line: expect.any(Number) });
    expect(problems[0]!.message).toContain('"text"');
  });

  it('refuses code where an expression is expected', () => {
    const text = mutate((spec) => {
      spec.sheets[0].columns[0].value = { eval: 'process.exit(1)' };
    });
    expect(checkSpecText(text, 'bad.xlsx.json', context).problems.length).toBeGreaterThan(0);
  });

  it('names unknown columns, label groups, row sources and path roots, with a suggestion', () => {
    const cases: [(spec: Record<string, any>) => void, RegExp, RegExp][] = [
      [(spec) => (spec.sheets[0].sort = [{ column: 'plannedResolutoin' }]), /no column "plannedResolutoin"/, /did you mean "plannedResolution"/],
      [(spec) => (spec.sheets[0].columns[8].labels = 'problemStatu'), /no label group "problemStatu"/, /did you mean "problemStatus"/],
      [(spec) => (spec.sheets[0].rows = 'problem'), /no row source "problem"/, /did you mean "problems"/],
      [(spec) => (spec.sheets[0].columns[0].value = 'problm.id'), /rows of "problems" have no "problm"/, /did you mean "problem"/],
      [(spec) => (spec.sheets[0].highlight[1].when.in = ['resolved', 'done']), /"done" is not a value of label group "problemStatus"/, /known/],
      [(spec) => (spec.sheets[0].columns[0].dropdown = true), /a dropdown needs an enum or boolean column/, /.*/],
    ];
    for (const [edit, message, hint] of cases) {
      const { problems } = checkSpecText(mutate(edit), 'bad.xlsx.json', context);
      expect(problems).toHaveLength(1);
      expect(problems[0]!.message).toMatch(message);
      expect(problems[0]!.hint ?? '').toMatch(hint);
      expect(problems[0]!.line).toBeGreaterThan(1);
    }
  });

  it('rejects sheet names Excel cannot take and duplicate column keys', () => {
    expect(checkSpecText(mutate((spec) => (spec.sheets[0].name = '问题/治理')), 'x', context).problems[0]!.field).toBe('sheets[0].name');
    expect(checkSpecText(mutate((spec) => (spec.sheets[0].name = 'a'.repeat(32))), 'x', context).problems[0]!.field).toBe('sheets[0].name');
    const duplicate = checkSpecText(mutate((spec) => (spec.sheets[0].columns[1].key = 'id')), 'x', context).problems;
    expect(duplicate[0]!.message).toContain('column key "id" is used twice');
  });
});

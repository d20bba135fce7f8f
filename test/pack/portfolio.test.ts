// The portfolio documents put together from each project's part (worked out on the worker thread that
// rendered the project, kept in scratch files) are the documents rendered over every project at once.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { memoryIo } from '../../src/cli/io.ts';
import { addEncodedRows, collectedSheet, encodedSheetRows, mergeMeasured, renderWorkbook, sheetRows, type Measured, type PrecomputedSheet } from '../../src/render/excel/render.ts';
import { decodeCell, encodeCell } from '../../src/render/excel/sorted-rows.ts';
import { buildRowSources } from '../../src/render/excel/sources.ts';
import { portfolioWeeklyEntry, portfolioWeeklyFromEntries, portfolioWeeklyInstance, type PortfolioWeeklyEntry } from '../../src/render/word/portfolio.ts';
import { timeToEpochMs, weekOf } from '../../src/time.ts';
import { PortfolioAssembly } from '../../src/pack/portfolio.ts';
import type { PackSpec } from '../../src/pack/spec.ts';
import type { ProjectFacts } from '../../src/facts/facts.ts';
import type { ProjectRecord } from '../../src/records/types.gen.ts';
import { AS_OF, calendar, factsOf, fixtures, labels, ruleFindings, specs } from '../render/excel/helpers.ts';

/** A record whose wrapped texts are long, with explicit lines and an unbreakable piece wider than any column. */
function longTexts(record: ProjectRecord): ProjectRecord {
  const copy = structuredClone(record);
  copy.name = `${copy.name}：${'长'.repeat(90)}\n第二行 ${'x'.repeat(300)}`;
  return copy;
}

/** Each project's rows as the scratch files hold them (JSON, cells encoded), concatenated in project order. */
function precomputed(spec: (typeof specs)[number], facts: readonly ProjectFacts[]): PrecomputedSheet[] {
  const parts = facts.map((project) => {
    const sheets = sheetRows({ spec: spec.spec, specFile: spec.file, sources: buildRowSources({ projects: [project], labels }), asOf: AS_OF, calendar, labels });
    return JSON.parse(JSON.stringify(sheets.map((sheet) => ({ rows: sheet.rows.map((cells) => cells.map(encodeCell)), problems: sheet.problems })))) as { rows: unknown[][]; problems: PrecomputedSheet['problems'] }[];
  });
  return spec.spec.sheets.map((_, index) => ({
    rows: parts.flatMap((part) => part[index]!.rows.map((cells) => cells.map(decodeCell))),
    problems: parts.flatMap((part) => part[index]!.problems),
  }));
}

describe('portfolio documents from per-project parts', () => {
  it('gives every portfolio workbook byte for byte, with the same problems, as rendering over every project', async () => {
    const records = await fixtures();
    const withLong = [...records.slice(0, 3).map(longTexts), ...records.slice(3)];
    const facts = factsOf(withLong, ruleFindings(withLong));
    const portfolio = specs.filter((spec) => spec.spec.scope === 'portfolio');
    expect(portfolio.length).toBeGreaterThanOrEqual(3);
    for (const spec of portfolio) {
      const whole = await renderWorkbook({ spec: spec.spec, specFile: spec.file, sources: buildRowSources({ projects: facts, labels }), asOf: AS_OF, calendar, labels });
      const parts = await renderWorkbook({ spec: spec.spec, specFile: spec.file, sources: {}, precomputed: precomputed(spec, facts), asOf: AS_OF, calendar, labels });
      expect(parts.data.equals(whole.data), spec.name).toBe(true);
      expect(parts.report).toEqual(whole.report);
    }
  });

  it('gives the same workbooks from rows collected part by part, measured part by part, as rendering over every project', async () => {
    const records = await fixtures();
    const withLong = [...records.slice(0, 3).map(longTexts), ...records.slice(3)];
    const facts = factsOf(withLong, ruleFindings(withLong));
    for (const spec of specs.filter((candidate) => candidate.spec.scope === 'portfolio')) {
      const whole = await renderWorkbook({ spec: spec.spec, specFile: spec.file, sources: buildRowSources({ projects: facts, labels }), asOf: AS_OF, calendar, labels });
      const collected = spec.spec.sheets.map((sheet) => collectedSheet(sheet));
      const measured: (Measured | undefined)[] = spec.spec.sheets.map(() => undefined);
      const problems: PrecomputedSheet['problems'][number][][] = spec.spec.sheets.map(() => []);
      for (const project of facts) {
        // As a worker thread sends it: structured-cloned.
        const parts = structuredClone(encodedSheetRows({ spec: spec.spec, specFile: spec.file, sources: buildRowSources({ projects: [project], labels }), asOf: AS_OF, calendar, labels }));
        parts.forEach((part, index) => {
          addEncodedRows(collected[index]!, part);
          measured[index] = mergeMeasured(measured[index], part.measured);
          problems[index]!.push(...part.problems);
        });
      }
      const precomputedSheets = collected.map((rows, index) => {
        rows.sort();
        return { collected: rows, measured: measured[index]!, problems: problems[index]! };
      });
      const parts = await renderWorkbook({ spec: spec.spec, specFile: spec.file, sources: {}, precomputed: precomputedSheets, asOf: AS_OF, calendar, labels });
      for (const rows of collected) rows.close();
      expect(parts.data.equals(whole.data), spec.name).toBe(true);
      expect(parts.report).toEqual(whole.report);
      expect(measured.every((sheet) => sheet !== undefined && sheet.rows > 0), spec.name).toBe(true);
    }
  });

  it('uses the merged measures as they are, and measures the rows again where a summary value is not among its labels', async () => {
    const records = await fixtures();
    const facts = factsOf(records, ruleFindings(records));
    const spec = specs.find((candidate) => candidate.name === 'warning-summary')!;
    const whole = await renderWorkbook({ spec: spec.spec, specFile: spec.file, sources: buildRowSources({ projects: facts, labels }), asOf: AS_OF, calendar, labels });
    const render = async (change: (measured: Measured) => void): Promise<Buffer> => {
      const collected = spec.spec.sheets.map((sheet) => collectedSheet(sheet));
      const measured: (Measured | undefined)[] = spec.spec.sheets.map(() => undefined);
      for (const project of facts) {
        encodedSheetRows({ spec: spec.spec, specFile: spec.file, sources: buildRowSources({ projects: [project], labels }), asOf: AS_OF, calendar, labels }).forEach((part, index) => {
          addEncodedRows(collected[index]!, part);
          measured[index] = mergeMeasured(measured[index], part.measured);
        });
      }
      change(measured[0]!);
      const sheets = collected.map((rows, index) => {
        rows.sort();
        return { collected: rows, measured: measured[index]!, problems: [] };
      });
      const rendered = await renderWorkbook({ spec: spec.spec, specFile: spec.file, sources: {}, precomputed: sheets, asOf: AS_OF, calendar, labels });
      for (const rows of collected) rows.close();
      return rendered.data;
    };
    // Used as they are: a width changed in them changes the sheet.
    expect((await render((measured) => measured.widths.fill(3))).equals(whole.data)).toBe(false);
    // A summary value not among the labels of its column (whose place in the list follows the rows' order): measured again.
    const withUnknown = await render((measured) => {
      measured.widths.fill(3);
      const [column, tally] = [...measured.counts.entries()].find(([key]) => key === 'severity')!;
      expect(column).toBe('severity');
      tally.set('string:未知', { value: '未知', count: 1 });
    });
    expect(withUnknown.equals(whole.data)).toBe(true);
  });

  it('counts a conversion problem met in several projects once, with every occurrence, as one pass does', async () => {
    const records = await fixtures();
    // A circuit bandwidth that is not text breaks no sheet; a date that is not a date does: every project gets one.
    const broken = records.map((record) => {
      const copy = structuredClone(record) as ProjectRecord & { resourceChecks?: { requestedAt: unknown }[] };
      for (const check of copy.resourceChecks ?? []) check.requestedAt = 'soon';
      return copy as ProjectRecord;
    });
    const facts = factsOf(broken, ruleFindings(records));
    const spec = specs.find((candidate) => candidate.name === 'resource-register')!;
    const whole = await renderWorkbook({ spec: spec.spec, specFile: spec.file, sources: buildRowSources({ projects: facts, labels }), asOf: AS_OF, calendar, labels });
    const parts = await renderWorkbook({ spec: spec.spec, specFile: spec.file, sources: {}, precomputed: precomputed(spec, facts), asOf: AS_OF, calendar, labels });
    expect(whole.report.problems.length).toBeGreaterThan(0);
    expect(parts.report.problems).toEqual(whole.report.problems);
    expect(parts.data.equals(whole.data)).toBe(true);
  });

  it('gives the 周报 from per-project entries (through JSON) as from the projects, with sections and as an overview', async () => {
    const records = await fixtures();
    const week = weekOf(AS_OF);
    const weekStartMs = timeToEpochMs(`${week.start}T00:00:00+08:00`);
    const projects = factsOf(records, ruleFindings(records)).map((facts) => ({
      facts,
      findings: facts.findings.filter((finding) => finding.closedAt === null).map((finding) => ({ ...finding, isNew: finding.openedAt !== null && timeToEpochMs(finding.openedAt) >= weekStartMs })),
    }));
    const poolNextWeek = projects.flatMap((project) => project.facts.poolNextWeek);
    for (const detailed of [true, false]) {
      // projectCount past DETAIL_LIMIT makes the overview; the real count is then given to the entries.
      const expected = portfolioWeeklyInstance({ asOf: AS_OF, calendar, week: week.id, projects, projectCount: detailed ? projects.length : 51, poolNextWeek });
      const entries = projects.map((project) => JSON.parse(JSON.stringify(portfolioWeeklyEntry(project, { asOf: AS_OF, calendar, week, detailed }))) as PortfolioWeeklyEntry);
      const actual = portfolioWeeklyFromEntries({ asOf: AS_OF, week, entries, projectCount: detailed ? projects.length : 51, poolNextWeek, detailed });
      expect(JSON.stringify(actual.context)).toBe(JSON.stringify(expected.context));
      expect(actual.context.detailed).toBe(detailed);
    }
  });
});

describe('the 周报 of a province', () => {
  it('counts every escalation it does not list, however many the projects have (the list is trimmed as it grows)', async () => {
    const records = await fixtures();
    const week = weekOf(AS_OF);
    const one = factsOf(records, ruleFindings(records)).find((facts) => facts.findings.some((finding) => finding.type === 'escalation' && finding.closedAt === null))!;
    const open = one.findings.filter((finding) => finding.closedAt === null).map((finding) => ({ ...finding, isNew: false }));
    const base = portfolioWeeklyEntry({ facts: one, findings: open }, { asOf: AS_OF, calendar, week, detailed: false });
    const perProject = base.escalations.length;
    expect(perProject).toBeGreaterThan(0);
    // Enough projects for well over 4 × 200 escalations: the list is cut down to 200 several times on the way.
    const count = Math.ceil(2_000 / perProject);
    const entries = Array.from({ length: count }, (_, index) => {
      const id = `P-${String(index).padStart(5, '0')}`;
      return { ...base, overview: { ...base.overview, id }, escalations: base.escalations.map((finding) => ({ ...finding, project: id })) };
    });
    const weekly = portfolioWeeklyFromEntries({ asOf: AS_OF, week, entries, projectCount: count, poolNextWeek: [], detailed: false });
    const context = weekly.context as { totals: { escalations: number }; escalationList: unknown[]; escalationsOmitted: number };
    expect(context.totals.escalations).toBe(count * perProject);
    expect(context.escalationList).toHaveLength(200);
    expect(context.escalationsOmitted).toBe(count * perProject - 200);
  });
});

describe('docpack build --timings', () => {
  it('prints each stage summed over the projects, the main thread\'s stages and the worker start-up', async () => {
    const io = memoryIo();
    const out = mkdtempSync(path.join(tmpdir(), 'docpack-timings-'));
    expect(await main(['build', 'fixtures/projects', '--as-of', '2026-11-25T09:00:00+08:00', '--out', out, '--timings'], io)).toBe(0);
    const stderr = io.stderr.join('\n');
    expect(stderr).toContain('stage times (1 thread, wall');
    for (const stage of ['project: load+validate', 'project: facts', 'project: word: requirements', 'project: excel: problem-table', 'project: portfolio rows', 'project: format findings', 'main, while rendering: findings.json', 'main, while rendering: portfolio parts', 'main: scan inputs', 'main: portfolio documents', 'main:   portfolio: warning-summary', 'main: findings.json', 'sum of stages']) {
      expect(stderr).toMatch(new RegExp(`${stage.replace(/[+:]/g, (c) => `\\${c}`)}\\s+\\d+\\.\\d\\d s`));
    }
    // The portfolio documents are put together at the same time: their own times are not in the sum.
    expect(stderr).toMatch(/main: {3}portfolio: circuit-warnings\s+\d+\.\d\d s {2}\(at the same time\)/);
    // No scratch files in the pack.
    const manifest = JSON.parse(readFileSync(path.join(out, '2026-11-25', 'manifest.json'), 'utf8')) as { files: { path: string }[] };
    expect(manifest.files.some((file) => file.path.startsWith('.work'))).toBe(false);
  });
});

describe('the portfolio assembly', () => {
  const pack = { portfolio: [{ kind: 'excel', template: 'circuit-warnings' }] } as unknown as PackSpec;
  const bySpec = new Map(specs.map((spec) => [spec.name, spec]));

  it("refuses a project's part that does not match the pack, instead of leaving its rows out", () => {
    const assembly = new PortfolioAssembly(pack, bySpec, false);
    try {
      expect(() => assembly.add([{ kind: 'excel', sheets: [] }])).toThrow(/portfolio entry 0: a project's part has no rows for sheet 1/);
      expect(() => assembly.add([{ kind: 'word', weekly: '{}' }])).toThrow(/portfolio entry 0: a project's part does not match the pack definition/);
      expect(() => assembly.add([])).toThrow(/does not match the pack definition/);
    } finally {
      assembly.close();
    }
  });
});

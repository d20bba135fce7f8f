import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProjectRecord } from '../../../src/records/types.gen.ts';
import { renderWorkbookToFile } from '../../../src/pack/workbooks.ts';
import { renderWorkbook, type WriterMode } from '../../../src/render/excel/render.ts';
import type { Finding } from '../../../src/alerts/types.ts';
import type { WorkbookSpec } from '../../../src/render/excel/spec.ts';
import { displayWidth } from '../../../src/render/excel/values.ts';
import { fixZipTimes, zipTimeOf } from '../../../src/render/zip.ts';
import { AS_OF, calendar, fixtures, inputFor, labels, readBack, render, sheetText, specNamed, ruleFindings } from './helpers.ts';

const HOSTILE = ['=1+1', '+SUM(A1:A9)', '-2+3', '@SUM(1,1)', '\t=1+1', '\r=1+1', '=HYPERLINK("http://evil.example","x")', "=cmd|' /C calc'!A0"];
const execFileAsync = promisify(execFile);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'docpack-excel-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every entry's DOS time and date, read straight from the central directory. */
function zipEntryTimes(zip: Buffer): { name: string; time: number; date: number }[] {
  let end = zip.length - 22;
  while (zip.readUInt32LE(end) !== 0x06054b50) end -= 1;
  const entries = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const out: { name: string; time: number; date: number }[] = [];
  for (let i = 0; i < entries; i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    out.push({ name: zip.toString('utf8', at + 46, at + 46 + nameLength), time: zip.readUInt16LE(at + 12), date: zip.readUInt16LE(at + 14) });
    expect(zip.readUInt16LE(local + 10), 'local header time').toBe(zip.readUInt16LE(at + 12));
    expect(zip.readUInt16LE(local + 12), 'local header date').toBe(zip.readUInt16LE(at + 14));
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return out;
}

function hostileRecord(base: ProjectRecord): ProjectRecord {
  const record = structuredClone(base);
  record.problems = HOSTILE.map((text, index) => ({
    id: `PB-X-${index}`,
    description: text,
    target: text,
    suggestedResolution: text,
    owner: { name: text, org: text, level: 'local' as const },
    plannedResolution: '2026-12-01',
    status: 'open' as const,
  }));
  record.problems.push({ id: 'PB-X-CTRL', description: 'bell\u0007 and \uD800 lone surrogate\r\nnext line', target: 't', owner: { name: 'n', org: 'o', level: 'local' }, plannedResolution: '2026-12-01', status: 'open' });
  record.resourceChecks = HOSTILE.map((text, index) => ({ id: `RC-X-${index}`, demandOrder: { id: text, type: 'query' as const }, segment: text, requestedAt: '2026-11-01T09:00:00+08:00' }));
  return record;
}

async function sheetXml(data: Buffer): Promise<string[]> {
  const zip = await JSZip.loadAsync(data);
  const names = Object.keys(zip.files).filter((name) => /^xl\/(worksheets\/sheet\d+|sharedStrings)\.xml$/.test(name));
  return Promise.all(names.map((name) => zip.file(name)!.async('string')));
}

describe('formula injection', () => {
  for (const mode of ['memory', 'stream'] as WriterMode[]) {
    it(`writes record text starting with = + - @ tab or CR as string cells, never formulas (${mode} writer)`, async () => {
      const record = hostileRecord((await fixtures())[0]!);
      for (const [name, sheetName, header] of [['problem-table', '问题治理表', '问题描述'], ['resource-register', '资源核查', '核查段落']] as const) {
        const data = await render(specNamed(name), [record], { mode });
        for (const xml of await sheetXml(data)) {
          expect(xml).not.toMatch(/<f[ >]/);
          expect(xml).not.toContain('t="e"');
        }
        const sheet = (await readBack(data)).getWorksheet(sheetName)!;
        const column = (sheet.getRow(2).values as unknown[]).indexOf(header);
        const seen: unknown[] = [];
        let control: unknown;
        sheet.eachRow((row, number) => {
          // Row 1 is the title, row 2 the headers.
          if (number <= 2) return;
          const cell = row.getCell(column);
          expect(cell.type).toBe(ExcelJS.ValueType.String);
          expect(cell.formula).toBeUndefined();
          expect(cell.numFmt).toBe('@');
          if (row.getCell(1).value === 'PB-X-CTRL') control = cell.value;
          else seen.push(cell.value);
        });
        if (name === 'problem-table') expect(control).toBe('bell\uFFFD and \uFFFD lone surrogate\nnext line');
        // Line breaks come back as LF: XML reads a CR as LF, so the writer stores LF to begin with.
        expect([...seen].sort()).toEqual(HOSTILE.map((text) => text.replace(/\r/g, '\n')).sort());
      }
    });
  }
});

describe('dates', () => {
  it('are Date cells of the Shanghai civil date and wall clock in any TZ, and the files are byte-identical', async () => {
    // Three processes side by side, each running the compiled dist/ (render-child.mjs).
    const runs = await Promise.all(
      ['UTC', 'America/New_York', 'Asia/Shanghai'].map(async (tz) => {
        const { stdout } = await execFileAsync(process.execPath, ['test/render/excel/render-child.mjs'], { encoding: 'utf8', env: { ...process.env, TZ: tz } });
        return JSON.parse(stdout.trim().split('\n').at(-1)!) as { tz: string; offset: number; problemTable: string; register: string; date: string };
      }),
    );
    expect(runs.map((run) => run.offset)).toEqual([0, 300, -480]);
    for (const run of runs) {
      expect(run.date).toBe('2026-11-13T00:00:00.000Z');
      expect(run.problemTable).toBe(runs[0]!.problemTable);
      expect(run.register).toBe(runs[0]!.register);
    }
    // The children render what this process renders from the sources.
    const records = await fixtures();
    const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
    expect(sha(await render(specNamed('problem-table'), [records.find((record) => record.id === 'P2026-PRE-011')!]))).toBe(runs[0]!.problemTable);
    expect(sha(await render(specNamed('resource-register'), records))).toBe(runs[0]!.register);
  });
});

describe('determinism', () => {
  it('renders the same bytes twice, in both writers, with zip entries stamped with the as-of', async () => {
    const records = await fixtures();
    const expected = zipTimeOf(AS_OF);
    expect(expected).toMatchObject({ dosDate: ((2026 - 1980) << 9) | (11 << 5) | 25, dosTime: 9 << 11 });
    for (const [name, scope] of [['problem-table', [records.find((record) => record.id === 'P2026-PRE-011')!]], ['circuit-warnings', records], ['warning-summary', records]] as const) {
      for (const mode of ['memory', 'stream'] as WriterMode[]) {
        const first = await render(specNamed(name), scope, { mode });
        await new Promise((resolve) => setTimeout(resolve, 50));
        const second = await render(specNamed(name), scope, { mode });
        expect(first.equals(second), `${name} ${mode}`).toBe(true);
        const times = zipEntryTimes(first);
        expect(times.length).toBeGreaterThan(5);
        for (const entry of times) expect(entry, entry.name).toMatchObject({ time: expected.dosTime, date: expected.dosDate });
        const core = await (await JSZip.loadAsync(first)).file('docProps/core.xml')!.async('string');
        expect(core).toContain('<dc:creator>docpack</dc:creator>');
        expect(core).toContain('<dcterms:created xsi:type="dcterms:W3CDTF">2026-11-25T01:00:00Z</dcterms:created>');
        expect(core).toContain('<dcterms:modified xsi:type="dcterms:W3CDTF">2026-11-25T01:00:00Z</dcterms:modified>');
      }
    }
  });

  it('fixes the entry times ExcelJS takes from the clock', async () => {
    const zip = new JSZip();
    zip.file('a.xml', '<a/>', { date: new Date('2001-02-03T04:05:06Z') });
    zip.file('b.xml', '<b/>');
    const data = Buffer.from(await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    const before = zipEntryTimes(data);
    expect(before[0]!.date).not.toBe(zipTimeOf(AS_OF).dosDate);
    const fixed = fixZipTimes(data, zipTimeOf(AS_OF));
    for (const entry of zipEntryTimes(fixed)) expect(entry).toMatchObject({ time: zipTimeOf(AS_OF).dosTime, date: zipTimeOf(AS_OF).dosDate });
    // Still a valid zip with the same content.
    expect(await (await JSZip.loadAsync(fixed)).file('a.xml')!.async('string')).toBe('<a/>');
  });

  it('gives the same sheets from the streaming and the in-memory writer, over hundreds of rows of the rules\' findings', async () => {
    const spec = specNamed('circuit-warnings');
    const records = await fixtures();
    // 80 copies of the portfolio under new ids: ~640 rows listed (the writers have
    // no row-count threshold; test/render/excel/stream.test.ts compares them over 3,000 synthetic rows).
    const portfolio = Array.from({ length: 80 }, (_, copy) => records.map((record) => ({ ...record, id: `${record.id}-${copy}` }))).flat();
    const findings = ruleFindings(portfolio);
    const memory = await readBack(await render(spec, portfolio, { mode: 'memory', findings }));
    const stream = await readBack(await render(spec, portfolio, { mode: 'stream', yieldEvery: 50, findings }));
    const text = sheetText(memory.getWorksheet('电路预警清单')!);
    expect(text.split('\n').length).toBeGreaterThan(500);
    expect(sheetText(stream.getWorksheet('电路预警清单')!)).toBe(text);
  });
});

describe('column widths', () => {
  it('count CJK characters twice, clamp, and keep fixed widths', async () => {
    const spec: WorkbookSpec = {
      $schema: './sheet-spec.schema.json',
      title: '宽度',
      scope: 'portfolio',
      sheets: [
        {
          name: '宽度',
          rows: 'rows',
          columns: [
            { key: 'cjk', header: 'A', value: 'row.cjk', type: 'text' },
            { key: 'ascii', header: 'B', value: 'row.ascii', type: 'text' },
            { key: 'long', header: 'C', value: 'row.long', type: 'text', maxWidth: 30 },
            { key: 'fixed', header: 'D', value: 'row.cjk', type: 'text', width: 12 },
            { key: 'header', header: '一个很长的中文表头名称', value: 'row.ascii', type: 'text' },
          ],
        },
      ],
    };
    const rows = [{ row: { cjk: '湛江东海岛临港物流园区', ascii: 'abcdefghijk', long: '长'.repeat(100) } }];
    for (const mode of ['memory', 'stream'] as WriterMode[]) {
      const { data } = await renderWorkbook({ spec, sources: { rows }, asOf: AS_OF, calendar, labels, mode });
      const sheet = (await readBack(data)).getWorksheet('宽度')!;
      expect(displayWidth('湛江东海岛临港物流园区')).toBe(22);
      expect(sheet.getColumn(1).width).toBe(24);
      expect(sheet.getColumn(2).width).toBe(13);
      expect(sheet.getColumn(3).width).toBe(30);
      expect(sheet.getColumn(4).width).toBe(12);
      expect(sheet.getColumn(5).width).toBe(displayWidth('一个很长的中文表头名称') + 3);
    }
  });
});

describe('the measuring pass', () => {
  it('stops reading a column once its width cannot change, and gives the same widths', async () => {
    const spec: WorkbookSpec = {
      $schema: './sheet-spec.schema.json',
      title: '宽度',
      scope: 'portfolio',
      sheets: [
        {
          name: '宽度',
          rows: 'rows',
          columns: [
            { key: 'date', header: '日', value: 'row.date', type: 'date' },
            { key: 'time', header: '更新时间', value: 'row.time', type: 'datetime' },
            { key: 'long', header: 'C', value: 'row.long', type: 'text', maxWidth: 20 },
            { key: 'short', header: 'D', value: 'row.short', type: 'text' },
          ],
        },
      ],
    };
    const reads = { date: 0, time: 0, long: 0, short: 0 };
    const rows = Array.from({ length: 100 }, (_, index) => ({
      row: {
        get date() {
          reads.date += 1;
          return index < 10 ? undefined : '2026-11-25';
        },
        get time() {
          reads.time += 1;
          return '2026-11-25T09:00:00+08:00';
        },
        get long() {
          reads.long += 1;
          return index === 50 ? '长'.repeat(30) : 'x';
        },
        get short() {
          reads.short += 1;
          return index === 99 ? 'abcdefghijklmnop' : 'x';
        },
      },
    }));
    for (const mode of ['memory', 'stream'] as WriterMode[]) {
      for (const key of Object.keys(reads) as (keyof typeof reads)[]) reads[key] = 0;
      const { data } = await renderWorkbook({ spec, sources: { rows }, asOf: AS_OF, calendar, labels, mode });
      // Writing reads every row once; measuring reads a date column up to its first date, a capped one up to its cap.
      expect(reads).toEqual({ date: 100 + 11, time: 100 + 1, long: 100 + 51, short: 100 + 100 });
      const sheet = (await readBack(data)).getWorksheet('宽度')!;
      expect([1, 2, 3, 4].map((index) => sheet.getColumn(index).width)).toEqual([12, 18, 20, 18]);
    }
  });
});

describe('writing files', () => {
  it('writes atomically in both writers and leaves no temporary file', async () => {
    const records = await fixtures();
    for (const [name, scope] of [['problem-table', records.slice(0, 1)], ['resource-register', records]] as const) {
      const file = path.join(scratch, name, 'out.xlsx');
      const report = await renderWorkbookToFile(inputFor(specNamed(name), scope), file);
      expect(report.problems).toEqual([]);
      const { data } = await renderWorkbook(inputFor(specNamed(name), scope));
      const written = readFileSync(file);
      expect(createHash('sha256').update(written).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
      expect(readdirSync(path.dirname(file))).toEqual(['out.xlsx']);
    }
  });

  it('leaves neither the target nor a temporary file when rendering fails', async () => {
    const file = path.join(scratch, 'failed', 'out.xlsx');
    const input = inputFor(specNamed('warning-summary'), await fixtures());
    const failing = { [Symbol.iterator]: function* (): Generator<never> { throw new Error('a row source failed'); } };
    await expect(renderWorkbookToFile({ ...input, sources: { ...input.sources, findings: failing } }, file)).rejects.toThrow(/a row source failed/);
    expect(readdirSync(path.dirname(file))).toEqual([]);
  });
});

describe('values that cannot be computed', () => {
  it('leave the cell blank and are reported once, naming the sheet and project', async () => {
    const records = await fixtures();
    const urgent = structuredClone(records.find((record) => record.id === 'P2026-URG-003')!);
    // Past the years rules/calendars covers: a working-day count is an error, never a guess.
    urgent.orders![0]!.circuits[1]!.requiredCompletion = '2031-01-10';
    const input = inputFor(specNamed('circuit-warnings'), [urgent]);
    const { data, report } = await renderWorkbook(input);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ severity: 'error', file: 'templates/excel/circuit-warnings.xlsx.json' });
    expect(report.problems[0]!.message).toMatch(/^sheet "电路预警清单", project P2026-URG-003: .*2031/);
    expect(report.problems[0]!.message).not.toContain('more like it');
    const sheet = (await readBack(data)).getWorksheet('电路预警清单')!;
    const ids = sheet.getColumn(4).values.slice(3);
    const row = ids.indexOf('GD-ZS-MSTP-20261119-02') + 3;
    // Listed (its clocks could not be evaluated, so it cannot be ruled out), with a blank count.
    expect(row).toBeGreaterThan(2);
    expect(sheet.getRow(row).getCell(9).value).toBeNull();
  });
});

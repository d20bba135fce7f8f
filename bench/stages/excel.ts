// Excel stage: one workbook of N rows x 12 columns (styles, two dropdowns, a conditional format),
// written by the in-memory ExcelJS Workbook and by the streaming writer (src/render/excel/
// xlsx-stream.ts: sheet XML written directly, deflated by zlib as it is produced) through the same
// renderer as `docpack workbook`, next to a floor (the bare cells' XML built by hand, no styles,
// zipped with fflate at level 6, streamed to the file). Each measurement runs in its own process so
// that each peak RSS is its own; CPU seconds (user + system, all threads) show the work when other
// processes share the cores:
//   node --import tsx bench/stages/excel.ts <memory|stream|floor> <rows> [deflate level]
//   node --import tsx bench/stages/excel.ts levels [rows]   stream mode at each zlib level: time and size
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Zip, ZipDeflate } from 'fflate';
import type { StageResult } from '../types.ts';

type Mode = 'memory' | 'stream' | 'floor';
const MODES: readonly Mode[] = ['memory', 'stream', 'floor'];

interface Measurement {
  mode: Mode;
  rows: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
  bytes: number;
  level?: number;
}

const STATUSES = ['open', 'in-progress', 'resolved', 'closed', 'deferred'] as const;
const LEVELS = ['local', 'province', 'group'] as const;
const SITES = ['广州天河局', '深圳福田局', '佛山禅城局', '东莞南城局', '珠海香洲局', '长沙岳麓局', '南宁青秀局'];

interface SyntheticRow {
  id: string;
  customer: string;
  status: string;
  required: string;
  updatedAt: string;
  bandwidth: number;
  fee: number;
  share: number;
  urgent: boolean;
  note: string;
  level: string;
}

/** Row i of the synthetic sheet: what a circuit row context looks like, without a record behind it. */
function syntheticRow(i: number): { row: SyntheticRow } {
  const day = 1 + (i % 28);
  const month = 1 + (i % 12);
  const date = `2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return {
    row: {
      id: `GD-CIR-${String(i).padStart(7, '0')}`,
      customer: `${SITES[i % SITES.length]!}客户${i % 997}有限公司`,
      status: STATUSES[i % STATUSES.length]!,
      required: date,
      updatedAt: `${date}T${String(8 + (i % 10)).padStart(2, '0')}:30:00+08:00`,
      bandwidth: 100 * (1 + (i % 10)),
      fee: 1200 + (i % 5000) * 3.5,
      share: (i % 100) / 100,
      urgent: i % 7 === 0,
      note: i % 3 === 0 ? `=SUM(A1:A${i % 50})` : `A端 ${SITES[i % SITES.length]!} 至 Z端 ${SITES[(i + 3) % SITES.length]!}，第 ${i} 段`,
      level: LEVELS[i % LEVELS.length]!,
    },
  };
}

function spec(): import('../../src/render/excel/spec.ts').WorkbookSpec {
  return {
    $schema: './sheet-spec.schema.json',
    title: '基准测试',
    scope: 'portfolio',
    sheets: [
      {
        name: '数据',
        rows: 'bench',
        columns: [
          { key: 'id', header: '电路编号', value: 'row.id', type: 'text' },
          { key: 'customer', header: '客户名称', value: 'row.customer', type: 'text' },
          { key: 'status', header: '状态', value: 'row.status', type: 'enum', labels: 'problemStatus', dropdown: true },
          { key: 'required', header: '要求完成时间', value: 'row.required', type: 'date' },
          { key: 'left', header: '剩余工作日', value: { workingDaysUntil: 'row.required' }, type: 'number' },
          { key: 'updatedAt', header: '更新时间', value: 'row.updatedAt', type: 'datetime' },
          { key: 'bandwidth', header: '带宽(M)', value: 'row.bandwidth', type: 'number' },
          { key: 'fee', header: '费用', value: 'row.fee', type: 'money' },
          { key: 'share', header: '完成比例', value: 'row.share', type: 'percent' },
          { key: 'urgent', header: '加急', value: 'row.urgent', type: 'boolean', dropdown: true },
          { key: 'note', header: '备注', value: 'row.note', type: 'text', wrap: true, maxWidth: 40 },
          { key: 'level', header: '级别', value: 'row.level', type: 'enum', labels: 'level' },
        ],
        highlight: [{ when: { column: 'left', lessThan: 0 }, style: 'bad' }],
      },
    ],
  };
}

const peak = (): number => process.resourceUsage().maxRSS / 1024;

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The floor: the same cells as inline-string / number XML, by hand, deflated by fflate as it is produced. */
async function floor(rows: number, file: string): Promise<void> {
  const fd = openSync(file, 'w');
  const zip = new Zip((error, chunk) => {
    if (error) throw error;
    writeSync(fd, chunk);
  });
  const encoder = new TextEncoder();
  const add = (name: string, text: string): void => {
    const entry = new ZipDeflate(name, { level: 6 });
    zip.add(entry);
    entry.push(encoder.encode(text), true);
  };
  add('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>');
  add('_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>');
  add('xl/workbook.xml', '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>');
  add('xl/_rels/workbook.xml.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>');
  const sheet = new ZipDeflate('xl/worksheets/sheet1.xml', { level: 6 });
  zip.add(sheet);
  const text = (ref: string, value: string): string => `<c r="${ref}" t="inlineStr"><is><t>${xmlEscape(value)}</t></is></c>`;
  const number = (ref: string, value: number): string => `<c r="${ref}"><v>${value}</v></c>`;
  let chunk = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
  for (let i = 0; i < rows; i++) {
    const { row } = syntheticRow(i);
    const r = i + 2;
    const excelDay = Date.UTC(2026, Number(row.required.slice(5, 7)) - 1, Number(row.required.slice(8, 10))) / 86_400_000 + 25569;
    chunk +=
      `<row r="${r}">` +
      text(`A${r}`, row.id) +
      text(`B${r}`, row.customer) +
      text(`C${r}`, row.status) +
      number(`D${r}`, excelDay) +
      number(`E${r}`, 0) +
      number(`F${r}`, excelDay + 0.5) +
      number(`G${r}`, row.bandwidth) +
      number(`H${r}`, row.fee) +
      number(`I${r}`, row.share) +
      text(`J${r}`, row.urgent ? '是' : '否') +
      text(`K${r}`, row.note) +
      text(`L${r}`, row.level) +
      '</row>';
    if (chunk.length > 1 << 16) {
      sheet.push(encoder.encode(chunk));
      chunk = '';
      if (i % 10_000 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  sheet.push(encoder.encode(`${chunk}</sheetData></worksheet>`), true);
  zip.end();
  closeSync(fd);
}

async function measure(mode: Mode, rows: number, level?: number): Promise<Measurement> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'docpack-bench-excel-'));
  const file = path.join(dir, 'bench.xlsx');
  try {
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    if (mode === 'floor') {
      await floor(rows, file);
    } else {
      const [{ renderWorkbookToFile }, { loadCalendar }, { loadLabels }, { parseAsOf }] = await Promise.all([
        import('../../src/pack/workbooks.ts'),
        import('../../src/calendar/calendar.ts'),
        import('../../src/labels.ts'),
        import('../../src/time.ts'),
      ]);
      const source = { [Symbol.iterator]: function* () { for (let i = 0; i < rows; i++) yield syntheticRow(i); } };
      const report = await renderWorkbookToFile(
        { spec: spec(), sources: { bench: source }, asOf: parseAsOf('2026-11-25T09:00:00+08:00')!, calendar: loadCalendar(), labels: loadLabels(), mode, deflateLevel: level },
        file,
      );
      if (report.problems.length > 0) throw new Error(JSON.stringify(report.problems[0]));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(cpu);
    return { mode, rows, seconds, cpuSeconds: (used.user + used.system) / 1e6, peakRssMiB: peak(), bytes: statSync(file).size, ...(level === undefined ? {} : { level }) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runChild(mode: Mode, rows: number, level?: number): Measurement {
  const script = fileURLToPath(import.meta.url);
  const args = ['--import', 'tsx', script, mode, String(rows), ...(level === undefined ? [] : [String(level)])];
  const output = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Measurement;
}

const LABELS: Record<Mode, string> = { memory: 'in-memory Workbook', stream: 'streaming writer', floor: 'floor: hand XML + fflate' };

/** Both writers and the floor at each row count, each in its own process. */
function measureAll(rowsList: number[]): Measurement[] {
  return rowsList.flatMap((rows) => MODES.map((mode) => runChild(mode, rows)));
}

/** Measures both writers and the floor at each row count, each in its own process. */
export async function benchExcel(rowsList: number[]): Promise<StageResult[]> {
  const measured = measureAll(rowsList);
  return measured.map((measurement) => {
    const floor = measured.find((other) => other.mode === 'floor' && other.rows === measurement.rows)!;
    return {
      stage: `excel ${measurement.rows / 1000}k rows, ${LABELS[measurement.mode]}`,
      unit: 'rows',
      items: measurement.rows,
      seconds: measurement.seconds,
      ...(measurement.mode === 'floor' ? {} : { floor: { label: 'hand XML + fflate', seconds: floor.seconds } }),
      peakRssMiB: measurement.peakRssMiB,
    };
  });
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const [modeText, rowsText, levelText] = process.argv.slice(2);
  if (modeText === 'levels') {
    // The stream mode's zlib level: each in its own process, a few times, the median.
    const rows = Number(rowsText ?? 100_000);
    for (const level of [1, 3, 6, 9]) {
      const runs = [0, 1, 2].map(() => runChild('stream', rows, level)).sort((a, b) => a.seconds - b.seconds);
      const median = runs[1]!;
      console.log(`level ${level}: ${median.seconds.toFixed(2)} s (${median.cpuSeconds.toFixed(2)} s CPU), ${(median.bytes / 1024 / 1024).toFixed(2)} MiB, peak RSS ${median.peakRssMiB.toFixed(0)} MiB`);
    }
  } else if (modeText === undefined || rowsText === undefined) {
    // npx tsx bench/stages/excel.ts: the whole table at 10k and 100k rows.
    for (const row of measureAll([10_000, 100_000])) {
      console.log(
        `${String(row.rows).padStart(7)} rows  ${LABELS[row.mode].padEnd(26)} ${row.seconds.toFixed(2).padStart(6)} s  ${row.cpuSeconds.toFixed(2).padStart(6)} s CPU  ` +
          `${Math.round(row.rows / row.seconds).toLocaleString('en-US').padStart(9)} rows/s  peak RSS ${row.peakRssMiB.toFixed(0).padStart(4)} MiB  ${(row.bytes / 1024 / 1024).toFixed(2).padStart(6)} MiB`,
      );
    }
  } else {
    if (!(MODES as readonly string[]).includes(modeText)) throw new Error(`usage: excel.ts <${MODES.join('|')}> <rows>`);
    process.stdout.write(`${JSON.stringify(await measure(modeText as Mode, Number(rowsText), levelText === undefined ? undefined : Number(levelText)))}\n`);
  }
}

// Run by test/office/setup.ts in the background (node --import tsx test/office/prepare.ts <dir>): writes
// every document the office round-trip tests read and converts them all, one soffice process per output
// format, then writes <dir>/status.json (test/office/office.ts waits for it).
//  - the sample pack (docpack build fixtures/projects as of 2026-11-25 09:00): every document to PDF
//    (test/pack/documents-office.test.ts);
//  - the Word documents of P2026-FIN-002 as the renderer gives them (test/render/word/libreoffice.test.ts);
//  - the workbooks of test/render/excel/libreoffice.test.ts, to PDF and to CSV.
// Files are converted under ASCII names: soffice's handling of non-ASCII command-line names depends on the locale.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import type { ProjectRecord } from '../../src/records/types.gen.ts';
import { FINDINGS } from '../render/excel/findings.ts';
import { fixtures, render, ruleFindings, specNamed } from '../render/excel/helpers.ts';
import { readRecord, renderAll } from '../render/word/support.ts';
import { missingOfficeTools, type OfficeStatus } from './office.ts';

/** Every sheet to CSV, UTF-8, cells as shown (token 9), all sheets (token 12 = -1). */
const CSV_FILTER = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1';

/** The workbooks of test/render/excel/libreoffice.test.ts, by name. */
async function excelWorkbooks(): Promise<[string, Buffer][]> {
  const records = await fixtures();
  const pre011 = records.find((record) => record.id === 'P2026-PRE-011')!;
  // A long problem table (several printed pages) with hostile text in it.
  const long: ProjectRecord = structuredClone(pre011);
  long.problems = Array.from({ length: 120 }, (_, index) => ({
    ...pre011.problems![index % pre011.problems!.length]!,
    id: `PB-LONG-${String(index).padStart(3, '0')}`,
    description: index === 0 ? '=1+1' : index === 1 ? '@SUM(1,2)' : index === 2 ? 'a_x0041_b & <c> _x000d_' : pre011.problems![index % pre011.problems!.length]!.description,
  }));
  return [
    ['problem-table', await render(specNamed('problem-table'), [pre011], { subtitle: `${pre011.id} ${pre011.name}` })],
    ['problem-long', await render(specNamed('problem-table'), [long], { subtitle: `${long.id} ${long.name}` })],
    // The same through the streaming writer (portfolio workbooks use it): the same cells and pages.
    ['problem-long-stream', await render(specNamed('problem-table'), [long], { subtitle: `${long.id} ${long.name}`, mode: 'stream' })],
    ['circuit-warnings', await render(specNamed('circuit-warnings'), records, { findings: ruleFindings(records) })],
    ['resource-register', await render(specNamed('resource-register'), records, { findings: ruleFindings(records) })],
    ['warning-summary', await render(specNamed('warning-summary'), records, { findings: FINDINGS })],
  ];
}

function soffice(dir: string, args: string[]): void {
  // A profile of our own, so parallel runs and a user's open LibreOffice do not collide.
  execFileSync('soffice', [`-env:UserInstallation=file://${path.join(dir, 'profile')}`, '--headless', '--norestore', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeout: 480_000 });
}

async function prepare(dir: string): Promise<OfficeStatus> {
  const started = Date.now();
  const status: OfficeStatus = { ok: false, missing: missingOfficeTools(), seconds: 0, converted: {}, pack: {}, word: [] };
  if (status.missing.length > 0) return { ...status, error: `${status.missing.join(' and ')} not installed` };
  const input = path.join(dir, 'in');
  mkdirSync(input, { recursive: true });

  const io = memoryIo();
  const code = await main(['build', 'fixtures/projects', '--out', path.join(dir, 'out'), '--as-of', '2026-11-25T09:00:00+08:00'], io);
  if (code !== 0) throw new Error(`docpack build exited ${code}: ${io.stderr.join('\n')}`);
  const pack = path.join(dir, 'out', '2026-11-25');
  const manifest = JSON.parse(readFileSync(path.join(pack, 'manifest.json'), 'utf8')) as { files: { path: string }[] };
  const documents = manifest.files.map((file) => file.path).filter((file) => /\.(docx|xlsx)$/.test(file));
  documents.forEach((file, index) => {
    const name = `pack-${String(index).padStart(3, '0')}`;
    status.pack[file] = name;
    copyFileSync(path.join(pack, file), path.join(input, `${name}${path.extname(file)}`));
  });

  // P2026-FIN-002 has all four kinds: 项目需求书, 项目实施安排, 实施方案, 周进度报告.
  const rendered = await renderAll(readRecord('fixtures/projects/P2026-FIN-002.json'));
  rendered.forEach((document, index) => {
    status.word.push({ fileName: document.fileName, name: `word-${index}` });
    writeFileSync(path.join(input, `word-${index}.docx`), document.bytes);
  });

  const workbooks = await excelWorkbooks();
  for (const [name, data] of workbooks) writeFileSync(path.join(input, `excel-${name}.xlsx`), data);

  const all = [...Object.values(status.pack).map((name, index) => `${name}${path.extname(documents[index]!)}`), ...status.word.map((entry) => `${entry.name}.docx`), ...workbooks.map(([name]) => `excel-${name}.xlsx`)];
  soffice(dir, ['--convert-to', 'pdf', '--outdir', 'pdf', ...all.map((file) => path.join('in', file))]);
  status.converted.pdf = all.length;
  soffice(dir, ['--convert-to', CSV_FILTER, '--outdir', 'csv', ...workbooks.map(([name]) => path.join('in', `excel-${name}.xlsx`))]);
  status.converted.csv = workbooks.length;
  return { ...status, ok: true, seconds: (Date.now() - started) / 1000 };
}

const dir = process.argv[2];
if (!dir) throw new Error('usage: prepare.ts <dir>');
let status: OfficeStatus;
try {
  status = await prepare(dir);
} catch (error) {
  const detail = error instanceof Error ? `${error.message}${'stderr' in error ? `\n${String(error.stderr)}` : ''}` : String(error);
  status = { ok: false, missing: [], error: detail, seconds: 0, converted: {}, pack: {}, word: [] };
}
// Written beside and renamed: a reader never sees half a status.
writeFileSync(path.join(dir, 'status.json.tmp'), `${JSON.stringify(status, null, 2)}\n`);
execFileSync('mv', [path.join(dir, 'status.json.tmp'), path.join(dir, 'status.json')]);

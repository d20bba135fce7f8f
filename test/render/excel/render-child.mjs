// Run by safety.test.ts in a child process with another TZ (node test/render/excel/render-child.mjs): renders
// two workbooks of the fixtures (the problem table of P2026-PRE-011 and the resource register of every
// project, as helpers.ts's render() gives them: facts without findings) and prints their SHA-256 and a date
// cell as JSON. It runs the compiled dist/ (test/setup/dist.ts keeps it as new as src/), not the sources
// through tsx: three processes, each a second or more faster.
import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';

const dist = new URL('../../../dist/', import.meta.url);
const load = (file) => import(new URL(file, dist).href);
const [{ loadRecords }, { loadLabels }, { loadCalendar }, { loadCheckContext }, { loadSheetSpecs }, { ROW_SOURCES, buildRowSources }, { projectFacts }, { parseAsOf, weekOf }, { renderWorkbook }] = await Promise.all(
  ['records/load.js', 'labels.js', 'calendar/calendar.js', 'cli/context.js', 'render/excel/spec.js', 'render/excel/sources.js', 'facts/facts.js', 'time.js', 'render/excel/render.js'].map(load),
);

const asOf = parseAsOf('2026-11-25T09:00:00+08:00');
const labels = loadLabels();
const calendar = loadCalendar();
const context = loadCheckContext(asOf);
const specs = loadSheetSpecs({ labels, sources: ROW_SOURCES });
const loaded = await loadRecords(['fixtures/projects']);
if (loaded.problems.length > 0) throw new Error(`fixtures invalid: ${JSON.stringify(loaded.problems[0])}`);
const records = loaded.records.map((entry) => entry.record);

async function render(name, scope) {
  const spec = specs.find((candidate) => candidate.name === name);
  if (!spec) throw new Error(`no spec ${name}`);
  const projects = scope.map((record) => projectFacts(record, context, { week: weekOf(asOf), findings: [] }));
  const { data, report } = await renderWorkbook({ spec: spec.spec, specFile: spec.file, sources: buildRowSources({ projects, labels }), asOf, calendar, labels });
  if (report.problems.length > 0) throw new Error(`render problems: ${JSON.stringify(report.problems)}`);
  return data;
}

const problemTable = await render('problem-table', [records.find((record) => record.id === 'P2026-PRE-011')]);
const register = await render('resource-register', records);
const sha = (data) => createHash('sha256').update(data).digest('hex');
const book = new ExcelJS.Workbook();
await book.xlsx.load(problemTable);
const date = book.getWorksheet('问题治理表').getCell('H3').value;
process.stdout.write(`${JSON.stringify({ tz: process.env.TZ, offset: new Date(0).getTimezoneOffset(), problemTable: sha(problemTable), register: sha(register), date: date.toISOString() })}\n`);

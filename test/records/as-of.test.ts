import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRecord } from '../../src/alerts/pipeline.ts';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { loadCheckContext } from '../../src/cli/context.ts';
import { renderProject, type ProjectJob } from '../../src/pack/project.ts';
import { loadPackSpec } from '../../src/pack/spec.ts';
import { compileAsOfPlan, existedSince, recordAsKnownAt } from '../../src/records/as-of.ts';
import { loadRecordFile } from '../../src/records/load.ts';
import { recordSchemaPath } from '../../src/records/schema.ts';
import type { ProjectRecord } from '../../src/records/types.gen.ts';
import { docxText } from '../../src/render/word/extract-text.ts';
import { isoWeekOf, dayOf } from '../../src/time.ts';
import { formatTime, parseAsOf, timeToEpochMs } from '../../src/time.ts';
import { DateTime } from 'luxon';
import { runs } from '../support/runs.ts';

const FIXTURES = path.resolve('fixtures/projects');
const fixtureFiles = readdirSync(FIXTURES).filter((name) => name.endsWith('.json')).sort();
const fixture = (name: string): ProjectRecord => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as ProjectRecord;

/** GOV-001 with one circuit due 2026-10-09 that was completed 2026-10-12 08:00 (no progress reports). */
function lateCircuitRecord(): ProjectRecord {
  const record = fixture('P2026-GOV-001.json');
  const order = record.orders?.[0] as NonNullable<ProjectRecord['orders']>[number];
  Object.assign(order, { receivedAt: '2026-09-01T09:00:00+08:00', convertedAt: '2026-09-02T10:00:00+08:00', review: { result: 'accepted', reviewedAt: '2026-09-01T15:00:00+08:00' } });
  order.projectManager = { ...(order.projectManager as NonNullable<typeof order.projectManager>), namedAt: '2026-09-02T14:00:00+08:00' };
  order.survey = { doneAt: '2026-09-03T16:00:00+08:00' };
  order.plan = { ...(order.plan as NonNullable<typeof order.plan>), doneAt: '2026-09-04T11:00:00+08:00' };
  order.progressReports = [];
  order.circuits = [{ ...(order.circuits[0] as (typeof order.circuits)[number]), requiredCompletion: '2026-10-09', completedAt: '2026-10-12T08:00:00+08:00', progressReportsRequired: false }];
  record.orders = [order];
  return record;
}

type Node = Record<string, unknown>;

/**
 * The oracle: later events removed by hand, field by field, written independently of the schema's
 * x-asOf annotations that recordAsKnownAt reads.
 */
function removeLaterEventsByHand(input: ProjectRecord, asOfMs: number): ProjectRecord {
  const record = structuredClone(input) as unknown as Node;
  const day = DateTime.fromMillis(asOfMs, { zone: 'Asia/Shanghai' }).toISODate() as string;
  const later = (value: unknown): boolean =>
    typeof value === 'string' && (value.length === 10 ? value > day : timeToEpochMs(value) > asOfMs);
  const drop = (node: Node | undefined, field: string, ...with_: string[]): boolean => {
    if (!node || !later(node[field])) return false;
    delete node[field];
    for (const other of with_) delete node[other];
    return true;
  };
  const keep = <T>(list: T[] | undefined, field: string): T[] | undefined => list?.filter((item) => !later((item as Node)[field]));

  const requirements = record.requirements as Node | undefined;
  if (requirements) {
    drop(requirements, 'draftedOn');
    const confirmation = requirements.confirmation as Node | undefined;
    if (confirmation) {
      if (drop(confirmation, 'confirmedOn', 'confirmedBy') && confirmation.confirmed === true) confirmation.confirmed = false;
      drop(confirmation, 'requestedOn');
    }
  }
  if (record.problems) {
    record.problems = keep(record.problems as Node[], 'raisedOn');
    for (const problem of record.problems as Node[]) {
      if (drop(problem, 'resolvedOn') && (problem.status === 'resolved' || problem.status === 'closed')) problem.status = 'in-progress';
      const history = problem.history as Node[] | undefined;
      if (history) {
        const kept = keep(history, 'at') as Node[];
        problem.history = kept;
        if (kept.length < history.length) {
          const withStatus = kept.filter((entry) => entry.status !== undefined).sort((a, b) => timeToEpochMs(a.at as string) - timeToEpochMs(b.at as string));
          const last = withStatus[withStatus.length - 1];
          if (last) problem.status = last.status;
        }
      }
    }
  }
  const contract = record.contract as Node | undefined;
  if (contract) {
    if (later((contract.review as Node | undefined)?.reviewedOn)) delete contract.review;
    const signing = contract.signing as Node | undefined;
    if (signing && drop(signing, 'signedOn', 'contractNo') && signing.status === 'signed') signing.status = 'negotiating';
    if (later((contract.executionSheet as Node | undefined)?.receivedOn)) delete contract.executionSheet;
    if (later((contract.implementationArrangement as Node | undefined)?.issuedOn)) delete contract.implementationArrangement;
  }
  if (record.resourceChecks) {
    record.resourceChecks = keep(record.resourceChecks as Node[], 'requestedAt');
    for (const check of record.resourceChecks as Node[]) {
      drop(check, 'feedbackAt', 'result', 'scheduleMet');
      drop(check, 'usedAt');
      const second = check.secondCheck as Node | undefined;
      if (second && later(second.requestedAt)) delete check.secondCheck;
      else drop(second, 'completedAt', 'result', 'scheduleMet', 'note');
    }
  }
  if (record.resourceReserves) {
    record.resourceReserves = keep(record.resourceReserves as Node[], 'measuredAt');
    for (const reserve of record.resourceReserves as Node[]) drop(reserve, 'constructionTriggeredAt');
  }
  if (record.orders) {
    record.orders = keep(record.orders as Node[], 'receivedAt');
    for (const order of record.orders as Node[]) {
      if (later((order.review as Node | undefined)?.reviewedAt)) delete order.review;
      drop(order, 'convertedAt');
      if (later((order.projectManager as Node | undefined)?.namedAt)) delete order.projectManager;
      const survey = order.survey as Node | undefined;
      if (survey && later(survey.doneAt)) delete order.survey;
      else for (const issue of (survey?.propertyIssues as Node[] | undefined) ?? []) {
        drop(issue, 'customerManagerNotifiedAt');
        drop(issue, 'resolvedAt');
      }
      if (later((order.plan as Node | undefined)?.doneAt)) delete order.plan;
      for (const circuit of order.circuits as Node[]) {
        drop(circuit, 'completedAt');
        if (later((circuit.warningFiled as Node | undefined)?.at)) delete circuit.warningFiled;
      }
      if (order.progressReports) order.progressReports = keep(order.progressReports as Node[], 'submittedAt');
      const commissioning = order.commissioning as Node | undefined;
      if (commissioning && later(commissioning.startedAt)) delete order.commissioning;
      else drop(commissioning, 'doneAt', 'result', 'note');
      const delivery = order.delivery as Node | undefined;
      drop(delivery, 'completedAt');
      drop(delivery, 'deliveredAt', 'acceptedBy');
    }
  }
  const afterSale = record.afterSale as Node | undefined;
  if (afterSale) {
    if (afterSale.faults) {
      afterSale.faults = keep(afterSale.faults as Node[], 'startAt');
      for (const fault of afterSale.faults as Node[]) {
        drop(fault, 'restoredAt');
        drop(fault, 'reportedToProvinceAt');
        if (fault.affectedCustomers) fault.affectedCustomers = keep(fault.affectedCustomers as Node[], 'reportedAt');
      }
    }
    for (const cutover of (afterSale.cutovers as Node[] | undefined) ?? []) drop(cutover, 'notifiedAt');
    if (afterSale.visits) afterSale.visits = keep(afterSale.visits as Node[], 'on');
  }
  return record as unknown as ProjectRecord;
}

/** Every date or time field of the record schema, as a path with [] for list items. */
function timeFields(): { path: string; annotation: unknown }[] {
  const schema = JSON.parse(readFileSync(recordSchemaPath, 'utf8')) as Node;
  const defs = schema.$defs as Record<string, Node>;
  const out: { path: string; annotation: unknown }[] = [];
  const visit = (node: Node, at: string, depth: number): void => {
    if (depth > 30) return;
    if (typeof node.$ref === 'string') {
      const name = node.$ref.replace('#/$defs/', '');
      if (name === 'date' || name === 'dateTime') {
        out.push({ path: at, annotation: node['x-asOf'] });
        return;
      }
      visit(defs[name] as Node, at, depth + 1);
      return;
    }
    if (node.type === 'array' && node.items) visit(node.items as Node, `${at}[]`, depth + 1);
    for (const [key, child] of Object.entries((node.properties as Record<string, Node> | undefined) ?? {})) visit(child, at ? `${at}.${key}` : key, depth + 1);
  };
  visit(schema, '', 0);
  return out;
}

describe('the record as known at the as-of', () => {
  it('the schema says of every date and time field whether it is an event, a plan or bookkeeping', () => {
    const fields = timeFields();
    expect(fields.length).toBeGreaterThan(40);
    const unannotated = fields.filter((field) => field.annotation === undefined).map((field) => field.path);
    expect(unannotated).toEqual([]);
    const plans = fields.filter((field) => field.annotation === 'plan').map((field) => field.path);
    expect(plans).toEqual(expect.arrayContaining(['problems[].plannedResolution', 'orders[].circuits[].requiredCompletion', 'orders[].circuits[].warningFiled.newCompletion']));
  });

  it('a circuit completed after the as-of is open, in the pool, warned and overdue (the issue’s example)', () => {
    const record = lateCircuitRecord();
    const circuitId = record.orders?.[0]?.circuits[0]?.id;
    const asOf = parseAsOf('2026-10-11T23:59:59+08:00')!;
    const check = checkRecord(record, loadCheckContext(asOf));
    const rules = check.findings.filter((finding) => finding.subject.label === circuitId).map((finding) => `${finding.ruleId} ${finding.closedAt === null ? 'open' : 'closed'}`);
    expect(rules).toEqual(expect.arrayContaining(['circuit-warning-pool open', 'circuit-completion-warning open', 'circuit-overdue open']));
    expect(check.record.orders?.[0]?.circuits[0]?.completedAt).toBeUndefined();
    // The input is never modified.
    expect(record.orders?.[0]?.circuits[0]?.completedAt).toBe('2026-10-12T08:00:00+08:00');
  });

  it('report weekly of a past week describes the week as it was: the circuit completed after it is in its findings', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'docpack-asof-weekly-'));
    try {
      writeFileSync(path.join(dir, 'record.json'), JSON.stringify(lateCircuitRecord(), null, 2));
      const io = memoryIo();
      const code = await main(['report', 'weekly', path.join(dir, 'record.json'), '--week', '2026-W41', '--out', path.join(dir, 'out')], io);
      expect(code).toBe(0);
      const written = JSON.parse(readFileSync(path.join(dir, 'out', 'weekly', '2026-W41', 'findings.json'), 'utf8')) as { asOf: string; findings: { ruleId: string }[] };
      expect(written.asOf).toBe('2026-10-11T23:59:59+08:00');
      expect(written.findings.map((finding) => finding.ruleId)).toEqual(expect.arrayContaining(['circuit-warning-pool', 'circuit-completion-warning', 'circuit-overdue']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a fault still down at 10:30:30 and restored at 10:31 is an open serious fault at 10:30:30', () => {
    const record = fixture('P2026-AS-005.json');
    const fault = record.afterSale?.faults?.[0] as NonNullable<NonNullable<ProjectRecord['afterSale']>['faults']>[number];
    Object.assign(fault, { startAt: '2026-11-08T10:00:00+08:00', restoredAt: '2026-11-08T10:31:00+08:00', reportedToProvinceAt: '2026-11-08T10:40:00+08:00' });
    fault.affectedCustomers = [{ ...(fault.affectedCustomers?.[0] as NonNullable<typeof fault.affectedCustomers>[number]), reportedAt: '2026-11-08T10:05:00+08:00' }];
    const check = checkRecord(record, loadCheckContext(parseAsOf('2026-11-08T10:30:30+08:00')!));
    const finding = check.findings.find((candidate) => candidate.subject.label === fault.id);
    expect(finding?.ruleId).toBe('serious-fault-key-customer');
    expect(finding?.closedAt).toBeNull();
    expect(finding?.message).not.toContain('10:31');
  });

  it('a problem resolved after the as-of is still open, with the status its history had then', () => {
    const record = fixture('P2026-PRE-011.json');
    const problem = record.problems?.[0] as NonNullable<ProjectRecord['problems']>[number];
    Object.assign(problem, {
      status: 'closed',
      resolvedOn: '2026-11-20',
      history: [
        { at: '2026-11-10T09:00:00+08:00', by: 'x', note: 'started', status: 'in-progress' },
        { at: '2026-11-20T09:00:00+08:00', by: 'x', note: 'done', status: 'resolved' },
        { at: '2026-11-24T09:00:00+08:00', by: 'x', note: 'closed', status: 'closed' },
      ],
    });
    const at = (time: string): ProjectRecord['problems'] => recordAsKnownAt(record, timeToEpochMs(time)).problems;
    expect(at('2026-11-22T12:00:00+08:00')?.[0]).toMatchObject({ status: 'resolved', resolvedOn: '2026-11-20' });
    expect(at('2026-11-15T12:00:00+08:00')?.[0]?.status).toBe('in-progress');
    expect(at('2026-11-15T12:00:00+08:00')?.[0]?.resolvedOn).toBeUndefined();
    expect(at('2026-11-15T12:00:00+08:00')?.[0]?.history).toHaveLength(1);
    // A date-only event happened on its day: known from that day's start.
    expect(at('2026-11-20T00:00:00+08:00')?.[0]?.resolvedOn).toBe('2026-11-20');
  });

  it('is idempotent and shares what did not change', () => {
    for (const name of fixtureFiles) {
      const record = fixture(name);
      const asOfMs = timeToEpochMs('2026-10-15T12:00:00+08:00');
      const once = recordAsKnownAt(record, asOfMs);
      expect(recordAsKnownAt(once, asOfMs)).toEqual(once);
      expect(recordAsKnownAt(record, timeToEpochMs('2030-01-01T00:00:00+08:00'))).toBe(record);
      expect(record.customer).toBe(once.customer);
    }
  });

  it('equals the record with its later events removed by hand, for every fixture and random times', () => {
    const start = timeToEpochMs('2026-08-01T00:00:00+08:00');
    const end = timeToEpochMs('2027-01-01T00:00:00+08:00');
    fc.assert(
      fc.property(fc.constantFrom(...fixtureFiles), fc.integer({ min: start, max: end }), (name, asOfMs) => {
        const record = fixture(name);
        expect(recordAsKnownAt(record, asOfMs)).toEqual(removeLaterEventsByHand(record, asOfMs));
      }),
      { numRuns: runs(400, 100) },
    );
  });
});

describe('when a part of the record came to exist', () => {
  type Plan = { kind: 'array'; item: Plan } | { kind: 'object'; events: { field: string; exists: boolean }[]; children: [string, Plan][] };
  const plan = compileAsOfPlan(JSON.parse(readFileSync(recordSchemaPath, 'utf8')) as Record<string, unknown>) as unknown as Plan;

  /** existedSince as it read before it walked the pointer in place: split into segments. */
  function bySegments(record: ProjectRecord, pointer: string): number | undefined {
    let since: number | undefined;
    let value: unknown = record;
    let node: Plan | undefined = plan;
    const segments = pointer === '' ? [] : pointer.slice(1).split('/');
    for (let index = 0; ; index += 1) {
      if (node?.kind === 'object' && value !== null && typeof value === 'object') {
        for (const event of node.events) {
          if (!event.exists) continue;
          const raw = (value as Record<string, unknown>)[event.field];
          const ms = typeof raw !== 'string' ? Number.NaN : timeToEpochMs(raw.length === 10 ? `${raw}T00:00:00+08:00` : raw);
          if (!Number.isNaN(ms) && (since === undefined || ms > since)) since = ms;
        }
      }
      if (index === segments.length || value === null || typeof value !== 'object') return since;
      const segment = segments[index] as string;
      value = (value as Record<string, unknown>)[segment];
      if (node?.kind === 'array') node = node.item;
      else if (node?.kind === 'object') node = node.children.find(([key]) => key === segment)?.[1];
    }
  }

  it('is the latest creating event on the way to the part, as the pointer split into segments gives, for every fixture and pointer', () => {
    const segment = fc.oneof(fc.constantFrom('orders', 'circuits', 'afterSale', 'faults', 'problems', 'resourceChecks', 'progressReports', 'warnings', 'survey', 'propertyIssues', 'id', ''), fc.nat(3).map(String));
    const pointer = fc.oneof(fc.constant(''), fc.array(segment, { minLength: 1, maxLength: 5 }).map((segments) => `/${segments.join('/')}`));
    let found = 0;
    fc.assert(
      fc.property(fc.constantFrom(...fixtureFiles), pointer, (name, at) => {
        const record = fixture(name);
        const since = existedSince(record, at);
        if (since !== undefined) found += 1;
        expect(since).toBe(bySegments(record, at));
      }),
      { numRuns: runs(5_000, 1_000) },
    );
    // Orders and circuits of the fixtures say when they were received: some pointers reach them.
    expect(found).toBeGreaterThan(0);
    expect(existedSince(fixture(fixtureFiles[0]!), '/orders/0/circuits/0')).toBe(bySegments(fixture(fixtureFiles[0]!), '/orders/0/circuits/0'));
  });
});

/** Text of every document of a rendered project folder, by file name. */
async function documentTexts(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    if (!statSync(file).isFile()) continue;
    if (name.endsWith('.docx')) out[name] = docxText(readFileSync(file));
    else if (name.endsWith('.xlsx')) {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(readFileSync(file) as unknown as ArrayBuffer);
      out[name] = workbook.worksheets.map((sheet) => sheet.getSheetValues().map((row) => JSON.stringify(row)).join('\n')).join('\n\n');
    }
  }
  return out;
}

describe('every stage works on the record as known at the as-of', () => {
  it('findings, clocks and every document of a project equal those of the record with its later events removed by hand', async () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'docpack-asof-'));
    const pack = loadPackSpec();
    const start = timeToEpochMs('2026-09-01T00:00:00+08:00');
    const end = timeToEpochMs('2026-12-31T00:00:00+08:00');
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...fixtureFiles), fc.integer({ min: start, max: end }), async (name, asOfMs) => {
          run += 1;
          const asOf = DateTime.fromMillis(asOfMs, { zone: 'Asia/Shanghai' });
          const full = loadRecordFile(path.join(FIXTURES, name)).record as ProjectRecord;
          const byHand = removeLaterEventsByHand(full, asOfMs);
          const context = loadCheckContext(asOf);
          const a = checkRecord(full, context);
          const b = checkRecord(byHand, context);
          expect(a.findings).toEqual(b.findings);
          expect(a.clocks).toEqual(b.clocks);
          expect(a.problems).toEqual(b.problems);

          const handFile = path.join(scratch, `${run}-${name}`);
          writeFileSync(handFile, JSON.stringify(byHand, null, 2));
          const job = (file: string, staging: string): ProjectJob => ({ file, staging, asOf: formatTime(asOf), week: isoWeekOf(dayOf(asOfMs)), pack, rules: {} });
          const stagingA = path.join(scratch, `${run}-a`);
          const stagingB = path.join(scratch, `${run}-b`);
          const resultA = await renderProject(job(path.join(FIXTURES, name), stagingA));
          const resultB = await renderProject(job(handFile, stagingB));
          expect(resultA.documents.map((entry) => entry.path)).toEqual(resultB.documents.map((entry) => entry.path));
          expect(resultA.tally).toEqual(resultB.tally);
          expect(resultA.poolNextWeek).toEqual(resultB.poolNextWeek);
          const dir = `projects/${full.id}`;
          expect(await documentTexts(path.join(stagingA, dir))).toEqual(await documentTexts(path.join(stagingB, dir)));
        }),
        { numRuns: 12 },
      );
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

import type { DateTime } from 'luxon';
import type { Finding } from '../../alerts/types.ts';
import type { WorkingCalendar } from '../../calendar/types.ts';
import type { ProjectFacts } from '../../facts/facts.ts';
import type { ProjectRecord } from '../../records/types.gen.ts';
import { formatTime, localParts, parseDateTime } from '../../time.ts';
import { toIsoDate } from './helpers.ts';
import { plainView, recordView, viewOf, type ViewObject } from './view.ts';

export interface DocumentOptions {
  asOf: DateTime;
  calendar: WorkingCalendar;
  /** The facts stage's product for the record: plan schedules, the week's orders and their report clocks, circuit states. */
  facts: ProjectFacts;
  /** The open findings the documents show (the weekly report, the plan's lateness note). */
  findings: readonly Finding[];
}

/** One document to render: its template, file name and the data the template sees. */
export interface DocumentInstance {
  kind: DocumentKind;
  fileName: string;
  title: string;
  context: ViewObject;
}

export interface DocumentKind {
  /** The Chinese name users type after --template, e.g. 项目需求书. */
  name: string;
  /** An ASCII alias, e.g. requirements. */
  alias: string;
  /** File under templates/word/. */
  template: string;
  /** What the record needs for this document, for error messages. */
  needs: string;
  instances(record: ProjectRecord, options: DocumentOptions): DocumentInstance[];
}

function docView(title: string, record: ProjectRecord, options: DocumentOptions, extra: Record<string, unknown> = {}): ViewObject {
  const updated = parseDateTime(record.updatedAt);
  const asOf = options.asOf.toMillis();
  return plainView({
    title,
    date: localParts(asOf).date,
    asOf: formatTime(options.asOf),
    version: Number.isNaN(updated) ? 'V1.0' : `V${localParts(updated).date.replaceAll('-', '.')}`,
    generator: 'docpack',
    ...extra,
  });
}

function context(record: ProjectRecord, doc: ViewObject, extra: Record<string, unknown> = {}): ViewObject {
  return plainView({ project: recordView(record), doc, ...extra });
}

const REQUIREMENT_KINDS = ['businessApplication', 'management', 'networking', 'schedule', 'service'] as const;
const CLOSED_PROBLEM = new Set(['resolved', 'closed']);

export const requirementsBook: DocumentKind = {
  name: '项目需求书',
  alias: 'requirements',
  template: 'requirements.md.hbs',
  needs: 'requirements',
  instances(record, options) {
    const requirements = record.requirements;
    if (!requirements) return [];
    const title = '项目需求书';
    return [
      {
        kind: this,
        fileName: `${title}.docx`,
        title,
        context: context(record, docView(title, record, options), {
          needs: REQUIREMENT_KINDS.map((kind) => ({ kind, ...(viewOf(requirements[kind], 'requirementSection') as ViewObject) })),
          // The customer signs this book: internal matters (problem.internal) stay in 问题治理表.
          openProblems: (record.problems ?? []).filter((problem) => !CLOSED_PROBLEM.has(problem.status) && problem.internal !== true).map((problem) => viewOf(problem, 'problem')),
          internalProblems: (record.problems ?? []).filter((problem) => !CLOSED_PROBLEM.has(problem.status) && problem.internal === true).length,
          lostBid: record.contract?.signing?.status === 'lost',
          confirmed: requirements.confirmation?.confirmed === true,
          customerEngineer: record.team.customerEngineers?.[0] ? viewOf(record.team.customerEngineers[0], 'person') : null,
        }),
      },
    ];
  },
};

export const implementationArrangement: DocumentKind = {
  name: '项目实施安排',
  alias: 'implementation-arrangement',
  template: 'implementation-arrangement.md.hbs',
  needs: 'contract.implementationArrangement',
  instances(record, options) {
    const arrangement = record.contract?.implementationArrangement;
    if (!arrangement) return [];
    const title = '项目实施安排';
    const contract = recordView(record).contract as ViewObject;
    return [
      {
        kind: this,
        fileName: `${title}.docx`,
        title,
        context: context(record, docView(title, record, options), {
          arrangement: contract.implementationArrangement,
          executionSheet: contract.executionSheet,
          signing: contract.signing,
        }),
      },
    ];
  },
};

/** A finding as templates see it. */
function findingView(finding: Finding): Record<string, unknown> {
  return {
    ruleId: finding.ruleId,
    title: finding.title ?? null,
    type: finding.type,
    severity: finding.severity,
    level: finding.level,
    subject: { pointer: finding.subject.pointer, label: finding.subject.label },
    due: finding.due ?? null,
    message: finding.message,
  };
}

export const implementationPlan: DocumentKind = {
  name: '实施方案',
  alias: 'implementation-plan',
  template: 'implementation-plan.md.hbs',
  needs: 'an order with a plan',
  instances(record, options) {
    const title = '实施方案';
    return (record.orders ?? []).flatMap((order, orderIndex) => {
      const planned = options.facts.plans.get(orderIndex);
      if (!order.plan || !planned) return [];
      // A plan that cannot be scheduled (a day past the calendar's years) fails its document alone.
      if ('error' in planned) throw planned.error;
      const planSchedule = planned.schedule;
      const schedule = planSchedule.segments.map((segment) => ({ ...segment, follows: segment.follows.map((index) => String(index + 1)) }));
      const chained = planSchedule.segments.every((segment) => (segment.index === 0 ? segment.follows.length === 0 : segment.follows.length === 1 && segment.follows[0] === segment.index - 1));
      const orderPointer = `/orders/${orderIndex}`;
      const orderFindings = options.findings
        .filter((finding) => finding.subject.pointer === orderPointer || finding.subject.pointer.startsWith(`${orderPointer}/`))
        .map(findingView);
      const owners = [...new Set(schedule.map((segment) => segment.owner).filter((owner): owner is string => owner !== null))];
      const orderView = viewOf(order, 'order') as ViewObject;
      return [
        {
          kind: this,
          fileName: `${title}-${order.id}.docx`,
          title,
          context: context(record, docView(title, record, options), {
            order: orderView,
            plan: orderView.plan,
            survey: orderView.survey,
            schedule,
            scheduleStart: planSchedule.firstDay,
            scheduleEnd: planSchedule.end,
            totalWorkingDays: planSchedule.totalWorkingDays,
            spanWorkingDays: planSchedule.spanWorkingDays,
            parallel: !chained,
            hasRequirements: schedule.some((segment) => segment.requirements !== null),
            orderFindings,
            owners,
            projectManager: order.projectManager ? viewOf(order.projectManager.person, 'person') : record.team.projectManager ? viewOf(record.team.projectManager, 'person') : null,
          }),
        },
      ];
    });
  },
};

export const weeklyReport: DocumentKind = {
  name: '周进度报告',
  alias: 'weekly-report',
  template: 'weekly-report.md.hbs',
  needs: 'an order that is under way in the week (a circuit not completed before it, or a progress report of that week)',
  instances(record, options) {
    const { week, weekOrders } = options.facts;
    if (weekOrders.length === 0) return [];
    const title = '周进度报告';
    const counts = { completed: 0, 'in-progress': 0, overdue: 0 };
    const orderViews = weekOrders.map(({ order, orderIndex, report, latestReport: latest, clock, reportsRequired, status: reportStatus }) => {
      const reportDue = clock?.due ?? null;
      const circuits = order.circuits.map((circuit, circuitIndex) => {
        const state = options.facts.circuits.get(`/orders/${orderIndex}/circuits/${circuitIndex}`)?.state ?? 'in-progress';
        counts[state] += 1;
        return { ...(viewOf(circuit, 'circuit') as ViewObject), state, extendedTo: circuit.warningFiled?.newCompletion ?? null };
      });
      return {
        ...(viewOf(order, 'order') as ViewObject),
        report: report ? viewOf(report, 'progressReport') : null,
        latestReport: latest ? viewOf(latest, 'progressReport') : null,
        reportStatus,
        reportDue,
        reportsRequired,
        circuits,
      };
    });
    const findings = options.findings.map(findingView);
    return [
      {
        kind: this,
        fileName: `${title}-${week.id}.docx`,
        title: `${title}（${week.id}）`,
        context: context(record, docView(`${title}（${week.id}）`, record, options), {
          week,
          orders: orderViews,
          findings,
          circuitCounts: { completed: counts.completed, inProgress: counts['in-progress'], overdue: counts.overdue },
        }),
      },
    ];
  },
};

export const DOCUMENT_KINDS: readonly DocumentKind[] = [requirementsBook, implementationArrangement, implementationPlan, weeklyReport];

/** The kind a --template value names (Chinese name or alias), or undefined. */
export function findDocumentKind(name: string): DocumentKind | undefined {
  return DOCUMENT_KINDS.find((kind) => kind.name === name || kind.alias === name);
}

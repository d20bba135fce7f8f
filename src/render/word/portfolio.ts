import type { DateTime } from 'luxon';
import type { WorkingCalendar } from '../../calendar/types.ts';
import type { Finding } from '../../alerts/types.ts';
import type { PoolEntry, ProjectFacts } from '../../facts/facts.ts';
import { ZONE, formatTime, parseIsoWeek, weekOf, type IsoWeek } from '../../time.ts';
import { weeklyReport, type DocumentInstance, type DocumentKind } from './documents.ts';
import { plainView, type ViewObject } from './view.ts';

export type { PoolEntry };

export interface PortfolioProject {
  /** The facts stage's product for the project, computed for the report's week. */
  facts: ProjectFacts;
  /** The project's open findings, and whether each opened during the week. */
  findings: readonly (Finding & { isNew: boolean })[];
}

export interface PortfolioOptions {
  asOf: DateTime;
  calendar: WorkingCalendar;
  week?: string;
  /** An array, or an iterable read once (with projectCount) for portfolios too big to hold. */
  projects: Iterable<PortfolioProject>;
  projectCount?: number;
  poolNextWeek: readonly PoolEntry[];
}

/** The kind record-level lists and --template use; rendered through WordRenderer.renderPortfolio. */
export const portfolioWeekly: Omit<DocumentKind, 'instances'> = {
  name: '周报',
  alias: 'portfolio-weekly',
  template: 'portfolio-weekly.md.hbs',
  needs: 'the records of the run',
};

/** Up to this many projects the 周报 has a section per project; beyond, an overview table. */
export const DETAIL_LIMIT = 50;
/** Longest list a Word document shows; the rest are counted and left to the .xlsx workbooks. */
export const LIST_LIMIT = 200;

const LEVEL_RANK: Record<string, number> = { group: 3, province: 2, local: 1 };
const SEVERITY_RANK: Record<string, number> = { critical: 4, major: 3, minor: 2, info: 1 };

/** Escalations by severity, level, project and subject: a total order, so the list is deterministic. */
function escalationOrder(a: Finding & { project: string }, b: Finding & { project: string }): number {
  return (
    (SEVERITY_RANK[b.severity] ?? 0) - (SEVERITY_RANK[a.severity] ?? 0) ||
    (LEVEL_RANK[b.level] ?? 0) - (LEVEL_RANK[a.level] ?? 0) ||
    (a.project < b.project ? -1 : a.project > b.project ? 1 : 0) ||
    (a.subject.label < b.subject.label ? -1 : a.subject.label > b.subject.label ? 1 : 0) ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)
  );
}

/** One project's part of the 周报, worked out apart (on a worker thread) and plain data: it crosses threads and scratch files. */
export interface PortfolioWeeklyEntry {
  overview: { id: string; name: string; customer: string; open: number; escalations: number; fresh: number; reports: string };
  /** The project's open escalations, in findings order. */
  escalations: (Finding & { project: string })[];
  openFindings: number;
  newFindings: number;
  /** Whether the project counts as reported (has open findings or a report of the week; detailed: a section). */
  reported: boolean;
  /** The project's section, in a detailed 周报 (up to DETAIL_LIMIT projects). */
  section?: Record<string, unknown>;
}

/** Whether a 周报 of this many projects has a section per project. */
export function portfolioWeeklyDetailed(projectCount: number): boolean {
  return projectCount <= DETAIL_LIMIT;
}

/** One project's part of the 周报 of `week` (detailed: with its section). */
export function portfolioWeeklyEntry(project: PortfolioProject, options: { asOf: DateTime; calendar: WorkingCalendar; week: IsoWeek; detailed: boolean }): PortfolioWeeklyEntry {
  const { facts, findings } = project;
  const { record } = facts;
  const { week } = options;
  const projectEscalations = findings.filter((finding) => finding.type === 'escalation');
  const fresh = findings.filter((finding) => finding.isNew).length;
  const orders = (record.orders ?? []).filter((order) => order.circuits.length > 0);
  const submitted = orders.filter((order) => (order.progressReports ?? []).some((report) => report.week === week.id)).length;
  const entry: PortfolioWeeklyEntry = {
    overview: { id: record.id, name: record.name, customer: record.customer.name, open: findings.length, escalations: projectEscalations.length, fresh, reports: `${submitted}/${orders.length}` },
    escalations: projectEscalations.map((finding) => ({ ...finding, project: record.id })),
    openFindings: findings.length,
    newFindings: fresh,
    reported: false,
  };
  if (!options.detailed) {
    entry.reported = findings.length > 0 || submitted > 0;
    return entry;
  }
  // Reuse the project weekly report's view: the same orders, circuits and report of the week.
  const [instance] = weeklyReport.instances(record, { asOf: options.asOf, calendar: options.calendar, facts, findings });
  if (!instance && findings.length === 0) return entry;
  entry.reported = true;
  entry.section = {
    ...(instance?.context ?? {}),
    id: record.id,
    name: record.name,
    customer: record.customer.name,
    phase: record.phase,
    findings: findings.map((finding) => ({ ...finding, title: finding.title ?? null, due: finding.due ?? null })),
    hasOrders: instance !== undefined,
  };
  return entry;
}

/**
 * 周报: the week of every project. A team's portfolio (up to DETAIL_LIMIT projects) gets a section per
 * project with the week's report and its open findings; a province's gets an overview table of the
 * projects that need attention most. Lists are capped at LIST_LIMIT rows with the rest counted: a
 * Word document is read by people; the complete lists are in 周报.xlsx and 预警升级汇总.xlsx.
 */
export function portfolioWeeklyInstance(options: PortfolioOptions): DocumentInstance & { week: IsoWeek } {
  const week = options.week ? parseIsoWeek(options.week) : weekOf(options.asOf);
  const projectCount = options.projectCount ?? (Array.isArray(options.projects) ? options.projects.length : Number.POSITIVE_INFINITY);
  const detailed = portfolioWeeklyDetailed(projectCount);
  const entries = {
    *[Symbol.iterator]() {
      for (const project of options.projects) yield portfolioWeeklyEntry(project, { asOf: options.asOf, calendar: options.calendar, week, detailed });
    },
  };
  return portfolioWeeklyFromEntries({ asOf: options.asOf, week, entries, projectCount, poolNextWeek: options.poolNextWeek, detailed });
}

/** The 周报 from each project's part (portfolioWeeklyEntry), in project order. */
export function portfolioWeeklyFromEntries(options: { asOf: DateTime; week: IsoWeek; entries: Iterable<PortfolioWeeklyEntry>; projectCount: number; poolNextWeek: readonly PoolEntry[]; detailed: boolean }): DocumentInstance & { week: IsoWeek } {
  const weekly = new PortfolioWeeklyAssembly(options.detailed);
  for (const entry of options.entries) weekly.add(entry);
  return weekly.finish(options);
}

/**
 * The 周报 put together a project at a time (add, in project order, e.g. as each project's render
 * comes back), then finished once every project is in: it holds the overview rows, the sections of a
 * detailed 周报 and the most urgent escalations, never every project's findings.
 */
export class PortfolioWeeklyAssembly {
  private readonly projects: ViewObject[] = [];
  private readonly overview: PortfolioWeeklyEntry['overview'][] = [];
  private readonly escalationList: (Finding & { project: string })[] = [];
  private openFindings = 0;
  private newFindings = 0;
  private escalations = 0;
  private reported = 0;

  constructor(private readonly detailed: boolean) {}

  add(entry: PortfolioWeeklyEntry): void {
    const { escalationList } = this;
    this.openFindings += entry.openFindings;
    this.newFindings += entry.newFindings;
    this.escalations += entry.overview.escalations;
    escalationList.push(...entry.escalations);
    // Keep the list bounded on big portfolios: only the first LIST_LIMIT in the final order are shown.
    if (escalationList.length > 4 * LIST_LIMIT) escalationList.splice(0, escalationList.length, ...escalationList.sort(escalationOrder).slice(0, LIST_LIMIT));
    this.overview.push(entry.overview);
    if (entry.reported) this.reported += 1;
    if (this.detailed && entry.section) this.projects.push(plainView(entry.section));
  }

  finish(options: { asOf: DateTime; week: IsoWeek; projectCount: number; poolNextWeek: readonly PoolEntry[] }): DocumentInstance & { week: IsoWeek } {
    const { week, projectCount } = options;
    const { detailed, projects, overview, escalationList } = this;
    // Most urgent first: escalations, then open findings, then the project id.
    const urgency = (a: { escalations: number; open: number; id: string }, b: { escalations: number; open: number; id: string }): number =>
      b.escalations - a.escalations || b.open - a.open || (a.id < b.id ? -1 : 1);
    overview.sort(urgency);
    const rank = new Map(overview.map((entry, index) => [entry.id, index]));
    projects.sort((a, b) => (rank.get(String(a.id)) ?? 0) - (rank.get(String(b.id)) ?? 0));
    escalationList.sort(escalationOrder);
    const title = `周报（${week.id}）`;
    return {
      kind: { ...portfolioWeekly, instances: () => [] },
      fileName: '周报.docx',
      title,
      week,
      context: plainView({
        doc: { title, date: options.asOf.setZone(ZONE).toISODate(), asOf: formatTime(options.asOf), version: 'V1.0', generator: 'docpack' },
        week,
        detailed,
        totals: { projects: projectCount === Number.POSITIVE_INFINITY ? overview.length + projects.length : projectCount, reported: this.reported, openFindings: this.openFindings, newFindings: this.newFindings, escalations: this.escalations, poolNextWeek: options.poolNextWeek.length },
        projects,
        overview: overview.slice(0, LIST_LIMIT),
        overviewOmitted: Math.max(0, overview.length - LIST_LIMIT),
        escalationList: escalationList.slice(0, LIST_LIMIT).map((finding) => ({ ...finding, title: finding.title ?? null, due: finding.due ?? null })),
        // Every escalation not listed: the list itself is trimmed as it grows, so it is counted from the total.
        escalationsOmitted: Math.max(0, this.escalations - Math.min(escalationList.length, LIST_LIMIT)),
        poolNextWeek: options.poolNextWeek.slice(0, LIST_LIMIT).map((entry) => ({ ...entry })),
        poolOmitted: Math.max(0, options.poolNextWeek.length - LIST_LIMIT),
      }),
    };
  }
}

import type { DateTime } from 'luxon';
import type { WorkingCalendar } from '../../calendar/types.ts';
import type { ProjectRecord } from '../../records/types.gen.ts';
import { ZONE, formatTime } from '../../time.ts';
import { parseIsoWeek, weekOf, weeklyReport, type DocumentInstance, type DocumentKind, type IsoWeek, type ReportFinding } from './documents.ts';
import { plainView, type ViewObject } from './view.ts';

/** A circuit that enters the warning pool in the week after the report's week (§2.2.5). */
export interface PoolEntry {
  project: string;
  circuitId: string;
  requiredCompletion: string;
  /** When it enters the pool, e.g. 2026-12-01T00:00:00+08:00. */
  entersAt: string;
}

export interface PortfolioProject {
  record: ProjectRecord;
  /** The project's open findings, and whether each opened during the week. */
  findings: readonly (ReportFinding & { isNew: boolean })[];
}

export interface PortfolioOptions {
  asOf: DateTime;
  calendar: WorkingCalendar;
  week?: string;
  projects: readonly PortfolioProject[];
  poolNextWeek: readonly PoolEntry[];
}

/** The kind record-level lists and --template use; rendered through WordRenderer.renderPortfolio. */
export const portfolioWeekly: Omit<DocumentKind, 'instances'> = {
  name: '周报',
  alias: 'portfolio-weekly',
  template: 'portfolio-weekly.md.hbs',
  needs: 'the records of the run',
};

/** 周报: for each project under way in the week, its weekly report's content and open findings. */
export function portfolioWeeklyInstance(options: PortfolioOptions): DocumentInstance & { week: IsoWeek } {
  const week = options.week ? parseIsoWeek(options.week) : weekOf(options.asOf);
  const projects: ViewObject[] = [];
  let openFindings = 0;
  let newFindings = 0;
  let escalations = 0;
  for (const { record, findings } of options.projects) {
    // Reuse the project weekly report's view: the same orders, circuits and report of the week.
    const [instance] = weeklyReport.instances(record, { asOf: options.asOf, calendar: options.calendar, week: week.id, findings });
    openFindings += findings.length;
    newFindings += findings.filter((finding) => finding.isNew).length;
    escalations += findings.filter((finding) => finding.type === 'escalation').length;
    if (!instance && findings.length === 0) continue;
    const context = instance?.context ?? {};
    projects.push(
      plainView({
        ...context,
        id: record.id,
        name: record.name,
        customer: record.customer.name,
        phase: record.phase,
        findings: findings.map((finding) => ({ ...finding, title: finding.title ?? null, due: finding.due ?? null })),
        hasOrders: instance !== undefined,
      }),
    );
  }
  const title = `周报(${week.id})`;
  return {
    kind: { ...portfolioWeekly, instances: () => [] },
    fileName: '周报.docx',
    title,
    week,
    context: plainView({
      doc: { title, date: options.asOf.setZone(ZONE).toISODate(), asOf: formatTime(options.asOf), version: 'V1.0', generator: 'docpack' },
      week,
      totals: { projects: options.projects.length, reported: projects.length, openFindings, newFindings, escalations, poolNextWeek: options.poolNextWeek.length },
      projects,
      poolNextWeek: options.poolNextWeek.map((entry) => ({ ...entry })),
    }),
  };
}

import type { Finding } from '../alerts/types.ts';
import { provisionalNote } from '../calendar/note.ts';
import type { WorkingCalendar } from '../calendar/types.ts';
import { dayOf, formatDay, formatInstant, timeToEpochMs, weekStartMs, type IsoWeek } from '../time.ts';
import { formatProblem, type Problem } from '../errors.ts';
import type { Labels } from '../labels.ts';

/** An open escalation as summary.md lists it: the parts of the finding it shows, kept instead of the finding on big runs. */
export type SlimFinding = Pick<Finding, 'project' | 'ruleId' | 'level' | 'due' | 'message'> & { subject: Pick<Finding['subject'], 'label'> };

/** Counts of open findings, kept instead of the findings themselves on big runs. */
export interface FindingTally {
  open: number;
  byLevel: Record<string, { warning: number; escalation: number }>;
  escalationsOpen: number;
  /** The first open escalations, in findings order, up to the cap. */
  escalations: SlimFinding[];
  /** Open findings computed on a provisional calendar year, and the earliest due among them. */
  provisional: number;
  provisionalFirstDue: string | null;
}

export const SUMMARY_ESCALATIONS = 100;
export const SUMMARY_PROJECTS = 200;
/** Problems summary.md lists (stderr has them all). */
export const SUMMARY_PROBLEMS = 100;

/** Whether a finding opened during the week that starts at `startMs` (or later: the as-of may be past the week). */
export function openedInWeek(finding: Finding, startMs: number): boolean {
  return finding.openedAt !== null && timeToEpochMs(finding.openedAt) >= startMs;
}

/** The open findings, each marked with whether it opened during `week` (the 周报's "new this week"). */
export function openFindingsOfWeek<F extends Finding>(findings: readonly F[], week: IsoWeek): (F & { isNew: boolean })[] {
  const startMs = weekStartMs(week);
  return findings.filter((finding) => finding.closedAt === null).map((finding) => ({ ...finding, isNew: openedInWeek(finding, startMs) }));
}

export function emptyTally(): FindingTally {
  return { open: 0, byLevel: {}, escalationsOpen: 0, escalations: [], provisional: 0, provisionalFirstDue: null };
}

/** Adds findings (in findings order) to a tally. */
export function tallyFindings(findings: Iterable<Finding>, tally: FindingTally = emptyTally(), cap = SUMMARY_ESCALATIONS): FindingTally {
  for (const finding of findings) {
    if (finding.closedAt !== null) continue;
    tally.open += 1;
    const level = (tally.byLevel[finding.level] ??= { warning: 0, escalation: 0 });
    level[finding.type] += 1;
    if (finding.provisional) {
      tally.provisional += 1;
      tally.provisionalFirstDue = earlier(tally.provisionalFirstDue, finding.due);
    }
    if (finding.type !== 'escalation') continue;
    tally.escalationsOpen += 1;
    if (tally.escalations.length < cap) {
      tally.escalations.push({ project: finding.project, subject: { label: finding.subject.label }, ruleId: finding.ruleId, level: finding.level, due: finding.due, message: finding.message });
    }
  }
  return tally;
}

/** The earlier of two times written alike (2026-12-31T23:59:59+08:00; every time is +08:00), null counting as none. */
function earlier(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  return b !== null && b < a ? b : a;
}

/** How far ahead `build` and `check` look for deadlines on a calendar year that is provisional or missing. */
export const CALENDAR_HORIZON_DAYS = 60;

/**
 * Warnings (not errors: the run's exit code is unchanged) when a deadline within the next 60 days
 * needs a calendar year that is provisional (open findings computed on it) or missing (clocks that
 * could not be computed: code calendar-coverage, already reported as errors one by one).
 */
export function calendarHorizonWarnings(input: {
  calendar: WorkingCalendar & { readonly ignoredProvisional?: readonly number[] };
  asOfMs: number;
  tally: FindingTally;
  problems: readonly Problem[];
}): Problem[] {
  const { calendar } = input;
  const until = formatDay(dayOf(input.asOfMs) + CALENDAR_HORIZON_DAYS);
  const untilMs = Date.parse(`${until}T23:59:59+08:00`);
  const years: number[] = [];
  for (let year = Number(formatInstant(input.asOfMs).slice(0, 4)); year <= Number(until.slice(0, 4)); year++) years.push(year);
  const warnings: Problem[] = [];
  const missing = years.filter((year) => year > calendar.coverage.to || year < calendar.coverage.from);
  const uncovered = input.problems.filter((problem) => problem.code === 'calendar-coverage').length;
  if (missing.length > 0 && uncovered > 0) {
    const ignored = missing.filter((year) => calendar.ignoredProvisional?.includes(year));
    warnings.push({
      code: 'calendar-horizon',
      severity: 'warning',
      message: `calendar: the next ${CALENDAR_HORIZON_DAYS} days (to ${until}) reach ${missing.join(', ')}, which the working-day calendar does not have${ignored.length > 0 ? ` (${ignored.join(', ')} provisional, not used)` : ''}: ${uncovered} deadline${uncovered === 1 ? '' : 's'} could not be computed and their warnings are missing`,
      hint:
        ignored.length > 0
          ? `use the provisional year with --calendar-provisional (or "calendarProvisional": true in docpack.config.json), or import the official one when the notice is out`
          : `import ${missing[0]} when the State Council's notice is out (npx tsx scripts/import-calendar.ts ${missing[0]}); until then: docpack calendar provisional ${missing[0]}, and --calendar-provisional`,
    });
  }
  const provisional = years.filter((year) => calendar.provisionalYears.includes(year));
  const firstDue = input.tally.provisionalFirstDue;
  if (provisional.length > 0 && input.tally.provisional > 0 && firstDue !== null && Date.parse(firstDue) <= untilMs) {
    warnings.push({
      code: 'calendar-horizon',
      severity: 'warning',
      message: `calendar: ${input.tally.provisional} open finding${input.tally.provisional === 1 ? ' was' : 's were'} computed on the provisional ${provisional.join(', ')} calendar, the first due ${firstDue.slice(0, 16).replace('T', ' ')}: ${provisionalNote(provisional)}`,
      hint: `when the State Council publishes the notice, import the year (npx tsx scripts/import-calendar.ts ${provisional[0]}) and check these deadlines again`,
    });
  }
  return warnings;
}

/** Whether an open finding reaches --fail-on, from the counts. */
export function tallyReaches(tally: FindingTally, failOn: 'warning' | 'escalation' | undefined): boolean {
  if (!failOn) return false;
  return failOn === 'warning' ? tally.open > 0 : tally.escalationsOpen > 0;
}

/** Joins per-project tallies, given in project order. */
export function mergeTallies(tallies: Iterable<FindingTally>, cap = SUMMARY_ESCALATIONS): FindingTally {
  const total = emptyTally();
  for (const tally of tallies) {
    total.open += tally.open;
    total.escalationsOpen += tally.escalationsOpen;
    total.provisional += tally.provisional;
    total.provisionalFirstDue = earlier(total.provisionalFirstDue, tally.provisionalFirstDue);
    for (const [level, counts] of Object.entries(tally.byLevel)) {
      const into = (total.byLevel[level] ??= { warning: 0, escalation: 0 });
      into.warning += counts.warning;
      into.escalation += counts.escalation;
    }
    for (const escalation of tally.escalations) if (total.escalations.length < cap) total.escalations.push(escalation);
  }
  return total;
}

export interface SummaryInput {
  /** The heading; default "docpack 文档包 <as-of date>". */
  title?: string;
  asOf: string;
  /** With `documents` the project table gets a column of document counts. */
  projects: { id: string; name: string; documents?: number; open: number }[];
  invalid: { file: string; problems: Problem[] }[];
  /** Problems that did not stop the run (a clock that could not be computed, a document that could not be rendered). */
  problems?: Problem[];
  tally: FindingTally;
  /** Word and Excel documents in the pack. */
  documents: number;
  labels: Labels;
  /** Provisional calendar years the run used (--calendar-provisional). */
  provisionalYears?: readonly number[];
}

/**
 * Record text as inert GitHub Markdown inside a table cell: the characters that are inline syntax
 * there backslash-escaped (emphasis, links and images, inline HTML and autolinks, entities, code
 * spans, strikethrough, math, issue references, the cell break), every line break or control
 * character a space (a lone CR split a row), and a word joiner (U+2060) put into `://`, `www.` and
 * `@` so that GFM does not turn a bare URL or address into a link. Ids stay readable (P2026-GOV-001).
 */
export function markdownCell(text: string): string {
  return text
    .replace(/[\u0000-\u001F\u007F\u0085\u2028\u2029]/g, ' ')
    .replace(/[\\`*_[\]<>|~&!$#]/g, (character) => `\\${character}`)
    .replace(/:\/\//g, ':\u2060//')
    .replace(/(www)\./gi, '$1\u2060.')
    .replace(/@/g, '\u2060@');
}

const cell = markdownCell;

/** A code fence longer than any run of backticks in `lines`, so no line can close it early. */
function fenceFor(lines: readonly string[]): string {
  let longest = 0;
  for (const line of lines) for (const run of line.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}

/** summary.md: a short Markdown report of the run, fit for a CI job summary. Deterministic: no timings. */
export function renderSummary(input: SummaryInput): string {
  const { tally } = input;
  // Calendar warnings have a section of their own; "Problems" are what the run left out.
  const calendarWarnings = (input.problems ?? []).filter((problem) => problem.code === 'calendar-horizon');
  input = { ...input, problems: (input.problems ?? []).filter((problem) => problem.code !== 'calendar-horizon') };
  const level = (value: string): string => input.labels.level?.[value] ?? value;
  const lines: string[] = [
    `# ${input.title ?? `docpack 文档包 ${input.asOf.slice(0, 10)}`}`,
    '',
    `As of ${input.asOf}: ${input.projects.length} projects, ${input.documents} documents, ${tally.open} open findings (${tally.escalationsOpen} escalations), ${input.invalid.length} invalid records${input.problems?.length ? `, ${input.problems.length} problem${input.problems.length === 1 ? '' : 's'} (below)` : ''}${calendarWarnings.length > 0 ? `, ${calendarWarnings.length} calendar warning${calendarWarnings.length === 1 ? '' : 's'} (below)` : ''}.`,
    '',
    '| 级别 level | 预警 warnings | 升级 escalations |',
    '| --- | ---: | ---: |',
  ];
  for (const value of ['local', 'province', 'group']) {
    const counts = tally.byLevel[value] ?? { warning: 0, escalation: 0 };
    lines.push(`| ${level(value)} | ${counts.warning} | ${counts.escalation} |`);
  }
  lines.push('');
  if (tally.escalationsOpen > 0) {
    lines.push('## 升级 Escalations', '', '| 项目 | 对象 | 规则 | 级别 | 截止 | 说明 |', '| --- | --- | --- | --- | --- | --- |');
    for (const finding of tally.escalations) {
      lines.push(`| ${cell(finding.project)} | ${cell(finding.subject.label)} | ${finding.ruleId} | ${level(finding.level)} | ${finding.due ? finding.due.slice(0, 16).replace('T', ' ') : '—'} | ${cell(finding.message)} |`);
    }
    if (tally.escalationsOpen > tally.escalations.length) lines.push('', `…and ${tally.escalationsOpen - tally.escalations.length} more escalations: see findings.json and portfolio/预警升级汇总.xlsx.`);
    lines.push('');
  }
  if (input.invalid.length > 0) {
    const text = input.invalid.flatMap((item) => item.problems.map((problem) => formatProblem(problem).replace(/\r\n?/g, '\n')));
    const fence = fenceFor(text);
    lines.push('## 无效记录 Invalid records', '', 'These records were not rendered; fix them and run again.', '', fence, ...text, fence, '');
  }
  const provisionalYears = input.provisionalYears ?? [];
  if (calendarWarnings.length > 0 || tally.provisional > 0 || provisionalYears.length > 0) {
    lines.push('## 日历 Calendar', '');
    if (provisionalYears.length > 0) {
      lines.push(
        `${provisionalYears.join(', ')} ${provisionalYears.length === 1 ? 'is' : 'are'} provisional (computed from 全国年节及纪念日放假办法 before the State Council's notice): ${provisionalNote(provisionalYears)}. ` +
          `${tally.provisional} open finding${tally.provisional === 1 ? ' was' : 's were'} computed on ${provisionalYears.length === 1 ? 'it' : 'them'}; each is marked \`provisional\` in findings.json and its message says so.`,
        '',
      );
    }
    if (calendarWarnings.length > 0) {
      lines.push('```');
      for (const warning of calendarWarnings) lines.push(formatProblem(warning));
      lines.push('```', '');
    }
  }
  const problems = input.problems ?? [];
  if (problems.length > 0) {
    lines.push(
      '## 问题 Problems',
      '',
      'The run went on, but these were left out (a deadline not computed, a document not rendered): their warnings may be missing.',
      '',
    );
    const text = problems.slice(0, SUMMARY_PROBLEMS).map((problem) => formatProblem(problem).replace(/\r\n?/g, '\n'));
    const fence = fenceFor(text);
    lines.push(fence, ...text, fence, '');
    if (problems.length > SUMMARY_PROBLEMS) lines.push(`…and ${problems.length - SUMMARY_PROBLEMS} more problems: the run's stderr lists them all.`, '');
  }
  const withDocuments = input.projects.some((project) => project.documents !== undefined);
  lines.push('## 项目 Projects', '', withDocuments ? '| 项目 | 名称 | 文档 | 未关闭预警 |' : '| 项目 | 名称 | 未关闭预警 |', withDocuments ? '| --- | --- | ---: | ---: |' : '| --- | --- | ---: |');
  // A CI job summary is read by people (and limited to 1 MiB): big runs list the projects needing most attention.
  const listed = input.projects.length <= SUMMARY_PROJECTS ? input.projects : [...input.projects].sort((a, b) => b.open - a.open || (a.id < b.id ? -1 : 1)).slice(0, SUMMARY_PROJECTS);
  for (const project of listed) {
    lines.push(`| ${cell(project.id)} | ${cell(project.name)} |${withDocuments ? ` ${project.documents ?? 0} |` : ''} ${project.open} |`);
  }
  if (listed.length < input.projects.length) lines.push('', `The ${SUMMARY_PROJECTS} projects with the most open findings of ${input.projects.length}; every project is in manifest.json and findings.json.`);
  lines.push('');
  return `${lines.join('\n')}\n`;
}

import type { Level } from '../records/types.gen.ts';

/** A fact comparison in json-rules-engine's format. */
export interface FactCondition {
  fact: string;
  path?: string;
  operator: string;
  value: unknown;
  params?: Record<string, unknown>;
  name?: string;
  priority?: number;
}

/** json-rules-engine's condition tree: all / any / not over fact comparisons. */
export type RuleCondition =
  | { all: RuleCondition[]; name?: string; priority?: number }
  | { any: RuleCondition[]; name?: string; priority?: number }
  | { not: RuleCondition; name?: string; priority?: number }
  | FactCondition;

/** A reference to a fact value, as json-rules-engine writes one on the right-hand side. */
export interface FactRef {
  fact: string;
  path?: string;
}

export type FindingType = 'warning' | 'escalation';
export type Severity = 'info' | 'minor' | 'major' | 'critical';

/**
 * One alert rule, rules/alerts/<id>.json: json-rules-engine conditions plus our metadata.
 * rules/alerts/alert.schema.json is the authority; this interface mirrors it.
 */
export interface AlertRule {
  $schema?: string;
  /** Stable id, equal to the file name; appears in every finding. */
  id: string;
  title: string;
  /** What the rule checks and why, citing the handbook section (e.g. "§2.2.5"). */
  description: string;
  severity: Severity;
  type: FindingType;
  /** The level the finding is raised to first. */
  level: Level;
  /**
   * What the rule is evaluated for: a path over the record whose `[]` segments iterate arrays
   * ("orders[].circuits[]", "problems[]", "" for the project), or the occurrences of a clock.
   */
  subject: string | { clock: string };
  /** Roles told about the finding: customerManager, chiefCustomerEngineer, projectManager, owner... */
  notify: string[];
  /** Rule parameters; conditions reach them as the fact "params", messages as {{params.x}}. */
  params?: Record<string, unknown>;
  conditions: RuleCondition;
  /** The deadline the finding is about, e.g. { "fact": "clock:survey-due", "path": "$.due" }. */
  due?: FactRef;
  /** When the situation began; escalation counts working days from here. Defaults to `due`. */
  openedAt?: FactRef;
  /** When the situation ended (a fault restored): the finding stays, marked closed, and stops climbing. */
  closedAt?: FactRef;
  /** Working days a finding may stay open at a level before it is raised to the next one. */
  escalation?: Partial<Record<'local' | 'province', number>>;
  /** Message with {{fact.path}} placeholders and optional |date, |datetime, |label:<group> filters. */
  message: string;
}

export interface Recipient {
  role: string;
  name: string;
  org?: string;
  level?: Level;
}

/** Why a finding holds: each fact comparison with the value it saw. */
export interface Evidence {
  fact: string;
  path?: string;
  operator: string;
  value: unknown;
  factValue: unknown;
  result: boolean;
}

export interface EscalationStep {
  level: Level;
  since: string;
}

export interface Finding {
  /** Stable across runs: a hash of project, rule, subject key and occurrence. */
  id: string;
  ruleId: string;
  title: string;
  type: FindingType;
  severity: Severity;
  /** The current level, after escalation. */
  level: Level;
  project: string;
  projectName: string;
  subject: { pointer: string; label: string; occurrence?: string };
  due: string | null;
  openedAt: string | null;
  /** Set when the situation has ended (e.g. the fault was restored); escalation stops there. */
  closedAt: string | null;
  message: string;
  recipients: Recipient[];
  evidence: Evidence[];
  /** Level by level, when the finding climbed: local → province → group, never skipping one. */
  escalation: EscalationStep[];
  /**
   * Present (true) when a clock the rule reads, or its escalation, counted a day of a provisional
   * calendar year (--calendar-provisional): the finding may change once the State Council's notice is out.
   */
  provisional?: true;
}

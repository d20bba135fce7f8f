import type { Level } from '../records/types.gen.ts';

import type { AlertRuleFile, RuleCondition } from './rule.gen.ts';

/**
 * rules/alerts/<id>.json as its schema allows it (json-rules-engine conditions plus our metadata), the
 * condition tree and fact references: generated from rules/alerts/alert.schema.json.
 */
export type { AlertRuleFile, FactRef, RuleCondition, TopCondition } from './rule.gen.ts';

/**
 * A loaded rule: the file once the loader checked its conditions (checkConditionSyntax), whose top level
 * is then one condition of the tree (all, any or not) rather than the file's looser TopCondition.
 */
export interface AlertRule extends Omit<AlertRuleFile, 'conditions'> {
  conditions: RuleCondition;
}

/** A fact comparison in json-rules-engine's format: the leaf of the condition tree. */
export type FactCondition = Extract<RuleCondition, { fact: string }>;

export type FindingType = 'warning' | 'escalation';
export type Severity = 'info' | 'minor' | 'major' | 'critical';

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

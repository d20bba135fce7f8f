/* Generated from rules/alerts/alert.schema.json by `npm run gen:types`. Do not edit by hand. */

/**
 * The rule's condition: exactly one of all, any or not (json-rules-engine reads only the first), with an optional name and priority.
 *
 * This interface was referenced by `AlertRuleFile`'s JSON-Schema
 * via the `definition` "topCondition".
 */
export type TopCondition =
  | {
      all: RuleCondition[];
      name?: string;
      priority?: number;
    }
  | {
      any: RuleCondition[];
      name?: string;
      priority?: number;
    }
  | {
      not: RuleCondition;
      name?: string;
      priority?: number;
    };
/**
 * This interface was referenced by `AlertRuleFile`'s JSON-Schema
 * via the `definition` "condition".
 */
export type RuleCondition =
  | {
      all: RuleCondition[];
      /**
       * JSONPath subset: $.name, $['name'], $[0].
       */
      path?: string;
      params?: Record<string, unknown>;
      name?: string;
      priority?: number;
    }
  | {
      any: RuleCondition[];
      /**
       * JSONPath subset: $.name, $['name'], $[0].
       */
      path?: string;
      params?: Record<string, unknown>;
      name?: string;
      priority?: number;
    }
  | {
      not: RuleCondition;
      /**
       * JSONPath subset: $.name, $['name'], $[0].
       */
      path?: string;
      params?: Record<string, unknown>;
      name?: string;
      priority?: number;
    }
  | {
      /**
       * subject, project, params, asOf, clock:<clock id>, clock, or an array element name such as order or circuit.
       */
      fact: string;
      /**
       * json-rules-engine's operators, plus exists (true: the value is present; false: absent or null).
       */
      operator:
        | 'equal'
        | 'notEqual'
        | 'in'
        | 'notIn'
        | 'contains'
        | 'doesNotContain'
        | 'lessThan'
        | 'lessThanInclusive'
        | 'greaterThan'
        | 'greaterThanInclusive'
        | 'exists';
      /**
       * A constant, or { "fact": ..., "path": ... } to compare with another fact.
       */
      value: unknown;
      /**
       * JSONPath subset: $.name, $['name'], $[0].
       */
      path?: string;
      params?: Record<string, unknown>;
      name?: string;
      priority?: number;
    };

/**
 * One warning or escalation rule: json-rules-engine conditions plus docpack's metadata. File name = id + .json; cases for `docpack rules test` go in <id>.test.json beside it.
 */
export interface AlertRuleFile {
  $schema?: string;
  /**
   * Stable id, kebab-case, equal to the file name. It appears in every finding: never reuse one for a different meaning.
   */
  id: string;
  /**
   * Short Chinese name for tables, e.g. 详细资源勘查超时.
   */
  title: string;
  /**
   * What the rule checks and why, citing the handbook section, e.g. §2.2.2.
   */
  description: string;
  severity: 'info' | 'minor' | 'major' | 'critical';
  /**
   * A warning becomes an escalation when it climbs above its first level.
   */
  type: 'warning' | 'escalation';
  /**
   * The level the finding is raised to first (本地网 / 省 / 集团).
   */
  level: 'local' | 'province' | 'group';
  /**
   * What the rule is evaluated for. A path over the record whose [] segments iterate arrays ("orders[].circuits[]", "problems[]", "afterSale.faults[]", "" for the project); each array element is also a fact named by the array's singular (orders[] -> order). Or { "clock": id }: one evaluation per state of that deadline clock (e.g. each week of the weekly report clock), with the fact "clock".
   */
  subject:
    | string
    | {
        clock: string;
      };
  /**
   * Roles told about the finding, as _roles.json beside the rules defines them (paths into the record: the team, the order's project manager, the subject's owner...). docpack rules lint checks each one.
   */
  notify: string[];
  /**
   * Rule parameters: conditions read them as the fact "params", messages as {{params.name}}.
   */
  params?: Record<string, unknown>;
  conditions: TopCondition;
  due?: FactRef;
  openedAt?: FactRef;
  closedAt?: FactRef;
  /**
   * Working days a finding may stay open at a level before it is raised to the next (local -> province -> group, never skipping a level).
   */
  escalation?: {
    local?: number;
    province?: number;
  };
  /**
   * Chinese message with {{fact.path}} placeholders, e.g. {{subject.id}}, {{clock:survey-due.due|datetime}}, {{order.urgent|label:boolean}}. Filters: date, datetime, label:<group>.
   */
  message: string;
}
/**
 * This interface was referenced by `AlertRuleFile`'s JSON-Schema
 * via the `definition` "factRef".
 */
export interface FactRef {
  fact: string;
  path?: string;
}

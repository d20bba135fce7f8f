/* Generated from rules/alerts/alert-test.schema.json by `npm run gen:types`. Do not edit by hand. */

/**
 * Cases for one rule, run by `docpack rules test`: a record built from _test-base.json, the shared fragments a case uses and its own record fragment (objects merge, arrays replace), an as-of, and the findings the rule must raise (all of them: [] means none).
 */
export interface RuleSuite {
  $schema?: string;
  /**
   * The rule id these cases test.
   */
  rule: string;
  /**
   * Record fragments the cases share, by name; a case lists those it builds on in "use".
   */
  fragments?: {
    [k: string]: Record<string, unknown> | undefined;
  };
  /**
   * @minItems 1
   */
  cases: [
    {
      name: string;
      /**
       * e.g. 2026-10-12T09:00:00+08:00
       */
      asOf: string;
      /**
       * Names of shared fragments ("fragments"), merged in this order over _test-base.json before "record".
       */
      use?: string[];
      record?: Record<string, unknown>;
      /**
       * Items: A finding the rule must raise; only the fields given are compared.
       */
      expect: {
        /**
         * JSON pointer of the subject, e.g. /orders/0/circuits/1
         */
        subject?: string;
        label?: string;
        occurrence?: string;
        type?: 'warning' | 'escalation';
        level?: 'local' | 'province' | 'group';
        severity?: 'info' | 'minor' | 'major' | 'critical';
        due?: string | null;
        /**
         * When the situation began (escalation counts from here), e.g. 2026-10-08T09:00:00+08:00
         */
        openedAt?: string | null;
        closed?: boolean;
        messageIncludes?: string;
      }[];
    },
    ...{
      name: string;
      /**
       * e.g. 2026-10-12T09:00:00+08:00
       */
      asOf: string;
      /**
       * Names of shared fragments ("fragments"), merged in this order over _test-base.json before "record".
       */
      use?: string[];
      record?: Record<string, unknown>;
      /**
       * Items: A finding the rule must raise; only the fields given are compared.
       */
      expect: {
        /**
         * JSON pointer of the subject, e.g. /orders/0/circuits/1
         */
        subject?: string;
        label?: string;
        occurrence?: string;
        type?: 'warning' | 'escalation';
        level?: 'local' | 'province' | 'group';
        severity?: 'info' | 'minor' | 'major' | 'critical';
        due?: string | null;
        /**
         * When the situation began (escalation counts from here), e.g. 2026-10-08T09:00:00+08:00
         */
        openedAt?: string | null;
        closed?: boolean;
        messageIncludes?: string;
      }[];
    }[]
  ];
}

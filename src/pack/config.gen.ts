/* Generated from src/schemas/config.schema.json by `npm run gen:types`. Do not edit by hand. */

/**
 * Optional defaults for docpack build and docpack report, read from the working directory. Command-line flags win.
 */
export interface DocpackConfig {
  $schema?: string;
  /**
   * Record files, directories or globs (default ["fixtures/projects"]).
   *
   * @minItems 1
   */
  inputs?: [string, ...string[]];
  /**
   * Output directory (default "out").
   */
  out?: string;
  /**
   * Pack definition (default templates/pack.json).
   */
  pack?: string;
  failOn?: 'warning' | 'escalation';
  concurrency?: number;
  /**
   * A .docx whose styles the Word documents take.
   */
  referenceDoc?: string;
  /**
   * Alert rules directory (default rules/alerts).
   */
  rules?: string;
  /**
   * Deadline clocks directory (default rules/deadlines).
   */
  deadlines?: string;
  /**
   * Working-day calendar directory (default rules/calendars).
   */
  calendar?: string;
  /**
   * Use provisional calendar years ("provisional": true, written by docpack calendar provisional <year> before the State Council's notice), as --calendar-provisional does, in every command. Every deadline computed on one is marked provisional. Default false: a deadline that needs such a year is an error.
   */
  calendarProvisional?: boolean;
}

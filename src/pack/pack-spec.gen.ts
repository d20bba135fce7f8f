/* Generated from templates/pack.schema.json by `npm run gen:types`. Do not edit by hand. */

/**
 * Which documents each project gets and which portfolio documents a run produces.
 */
export interface PackSpec {
  $schema?: string;
  /**
   * Documents per project, each written to projects/<id>/ when its condition holds.
   */
  project: PackEntry[];
  /**
   * Documents over all projects, written to portfolio/.
   */
  portfolio: PackEntry[];
}
/**
 * This interface was referenced by `PackSpec`'s JSON-Schema
 * via the `definition` "entry".
 */
export interface PackEntry {
  /**
   * word: templates/word/<template>.md.hbs; excel: templates/excel/<template>.xlsx.json.
   */
  kind: 'word' | 'excel';
  template: string;
  /**
   * Only for projects in these phases (default: every phase).
   */
  phases?: ('pre-sale' | 'in-sale' | 'after-sale')[];
  /**
   * Only when the record holds each of these paths ("orders[].plan": some order has a plan; "problems[]": at least one problem).
   */
  requires?: string[];
}

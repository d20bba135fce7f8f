/**
 * The note every deadline computed on a provisional calendar year carries (finding messages, and so
 * check, summary.md and the documents). Kept apart from provisional.ts so the pipeline does not load
 * the lunar library.
 */
export function provisionalNote(years: readonly number[]): string {
  return `按法定节假日暂算，待国务院公布${years.join('、')}年放假安排后复核`;
}

import type { CalendarFile } from './calendar.ts';

/** One year of `docpack calendar coverage`. */
export interface CoverageEntry {
  year: number;
  /** official: from the State Council's notice (imported or written by hand); provisional: from the law alone; missing: no file. */
  status: 'official' | 'provisional' | 'missing';
  /** Whether deadlines are computed on it: official years always, provisional years only when opted in. */
  used: boolean;
  /** The year's file as the user knows it (for a missing year, the file to add). */
  file: string;
  /** Where the dates come from: the notice, how the file was made, or the law. */
  source?: string;
}

/**
 * The years from the first file (or `through`, when earlier) up to the later of the last file and
 * `through` (the year after the as-of: deadlines reach that far), each official, provisional or missing.
 */
export function calendarCoverage(files: readonly CalendarFile[], options: { provisional: boolean; through: number; dir: string }): CoverageEntry[] {
  const byYear = new Map(files.map((entry) => [entry.year, entry]));
  const years = files.map((entry) => entry.year);
  const first = Math.min(options.through, ...years);
  const last = Math.max(options.through, ...years);
  const entries: CoverageEntry[] = [];
  for (let year = first; year <= last; year++) {
    const found = byYear.get(year);
    if (!found) {
      entries.push({ year, status: 'missing', used: false, file: `${options.dir}/${year}.json` });
      continue;
    }
    const { data } = found;
    const provisional = data.provisional === true;
    entries.push({
      year,
      status: provisional ? 'provisional' : 'official',
      used: !provisional || options.provisional,
      file: found.file,
      source: provisional
        ? `${data.source.law ?? 'the law'}${data.source.computedWith ? `, lunar dates by ${data.source.computedWith}` : ''}`
        : `${data.source.notice ?? ''} (${data.source.importedFrom ? `imported from ${data.source.importedFrom}` : 'written by hand'})`,
    });
  }
  return entries;
}

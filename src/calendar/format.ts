import type { CalendarYear } from './calendar.ts';

/**
 * A year file's text: JSON with two-space indent, but each list of dates on one line, so a year
 * reads like the notice. Keys in the schema's order; optional ones only when present.
 */
export function formatCalendarJson(value: CalendarYear): string {
  const lines: string[] = ['{'];
  lines.push(`  "$schema": ${JSON.stringify(value.$schema ?? './calendar.schema.json')},`);
  lines.push(`  "year": ${value.year},`);
  if (value.provisional !== undefined) lines.push(`  "provisional": ${value.provisional},`);
  const { notice, url, importedFrom, law, computedWith } = value.source;
  const source = { notice, url, importedFrom, law, computedWith };
  lines.push(`  "source": ${JSON.stringify(source, null, 2).replace(/\n/g, '\n  ')},`);
  lines.push('  "holidays": [');
  value.holidays.forEach((holiday, index) => {
    lines.push('    {');
    lines.push(`      "name": ${JSON.stringify(holiday.name)},`);
    lines.push(`      "nameEn": ${JSON.stringify(holiday.nameEn)},`);
    lines.push(`      "days": [${holiday.days.map((day) => JSON.stringify(day)).join(', ')}],`);
    lines.push(`      "makeupWorkdays": [${holiday.makeupWorkdays.map((day) => JSON.stringify(day)).join(', ')}]${holiday.note !== undefined ? ',' : ''}`);
    if (holiday.note !== undefined) lines.push(`      "note": ${JSON.stringify(holiday.note)}`);
    lines.push(index === value.holidays.length - 1 ? '    }' : '    },');
  });
  lines.push('  ]');
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/**
 * Markdown escaping of record text interpolated into templates, so that a customer name with
 * `*`, `|` or `#` stays text and never becomes emphasis, a table column or a heading.
 */

// Characters that are Markdown syntax wherever they stand (inline markers, tables, HTML, entities).
const ANYWHERE = /[\\`*_[\]<>|~&!#]/g;
// Characters that are syntax at the start of a line (lists, headings, quotes, setext underlines),
// escaped when the value starts with them, since the template may put it at the start of a line.
const LEADING = /^([-+=]|\d+[.)])/;
// Whether escapeMarkdown has anything to do: most values (names, dates, states) are plain text.
const NEEDS_ESCAPING = /[\\`*_[\]<>|~&!#\r\n\t]|^(?:[-+= ]|\d+[.)])/;

/**
 * Escapes `text` for Markdown inline content. Line breaks become `<br>` (the one inline HTML tag the
 * renderer accepts), which works inside paragraphs and GFM table cells alike; leading spaces become
 * character references so they cannot start an indented code block. Only characters that can be
 * syntax are escaped: every escape is a construct the parser has to read.
 */
export function escapeMarkdown(text: string): string {
  if (!NEEDS_ESCAPING.test(text)) return text;
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) =>
      line
        .replace(/\t/g, '    ')
        .replace(ANYWHERE, (character) => `\\${character}`)
        .replace(LEADING, (marker) => `${marker.slice(0, -1)}\\${marker.slice(-1)}`)
        .replace(/^ +/, (spaces) => '&#32;'.repeat(spaces.length)),
    )
    .join('<br>');
}

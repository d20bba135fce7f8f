/**
 * The one sanitiser of text that reaches XML (Word bodies, tables, headers and file properties;
 * sheet cells, print headers and workbook properties). XML 1.0 cannot carry C0 controls other than
 * tab, LF and CR, lone surrogates, U+FFFE or U+FFFF: one of them written raw makes the whole part
 * unreadable (LibreOffice and Word refuse the file). Each becomes U+FFFD, so the reader sees where
 * something was. C1 controls and the other noncharacters are legal XML 1.0 and are kept.
 */

// eslint-disable-next-line no-control-regex
export const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** A cheap first test: most text has none of these and is returned as it is, without a copy. */
// eslint-disable-next-line no-control-regex
const SUSPECT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** `text` with every character XML 1.0 forbids replaced by U+FFFD. */
export function xmlSafe(text: string): string {
  return SUSPECT.test(text) ? text.replace(NOT_XML, '\uFFFD') : text;
}

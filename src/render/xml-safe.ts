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

// The one XML escaper, in the three forms the writers need. Each is one test for the common case
// (nothing to escape: the text is returned without a copy) and one replacement otherwise.

/** Anything that needs a look in element text or an attribute value. */
// eslint-disable-next-line no-control-regex
const TEXT_SPECIAL = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
// eslint-disable-next-line no-control-regex
const ATTRIBUTE_SPECIAL = /[&<>"\t\n\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };
const entity = (char: string): string => ENTITIES[char] ?? '';

/** Element text (the sheet writer): & < > escaped, CR kept as &#13;, characters XML cannot carry replaced by U+FFFD. */
export function xmlText(text: string): string {
  if (!TEXT_SPECIAL.test(text)) return text;
  return xmlSafe(text).replace(/[&<>\r]/g, entity);
}

/** Attribute value (in double quotes): as xmlText, and " tab LF CR as references, which attribute normalisation would otherwise turn into spaces. */
export function xmlAttribute(text: string): string {
  if (!ATTRIBUTE_SPECIAL.test(text)) return text;
  return xmlSafe(text).replace(/[&<>"\t\n\r]/g, entity);
}

// docx escapes these five and drops the control characters XML 1.0 does not allow.
// eslint-disable-next-line no-control-regex
const DOCX_ESCAPED = /[&"'<>\x00-\x08\x0B\x0C\x0E-\x1F]/g;

/** Text and attributes as the `docx` library writes them (the Word writer's bytes equal docx's): & " ' < > escaped, forbidden controls dropped. */
export function xmlTextAsDocx(value: string): string {
  return value.replace(DOCX_ESCAPED, entity);
}

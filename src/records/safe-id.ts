/**
 * Ids that become file and directory names: 1-64 letters, digits, '.', '_' and '-', starting with a
 * letter or digit, no '..', and nothing a pack copied to Windows would lose: no trailing '.' (Windows
 * drops it) and no reserved device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9, in any case, alone or
 * before a '.'). The record schema's `safeId` pattern is this one (a test holds them together).
 * Ids differing only in case are refused where they would name files (load.ts, semantics.ts).
 */
export const SAFE_ID = /^(?!(?:[Cc][Oo][Nn]|[Pp][Rr][Nn]|[Aa][Uu][Xx]|[Nn][Uu][Ll]|[Cc][Oo][Mm][1-9]|[Ll][Pp][Tt][1-9])(?:\.|$))[A-Za-z0-9](?:[A-Za-z0-9_-]|\.(?![.]|$)){0,63}$/;

/** A reserved device name on Windows, alone or with an extension: "CON", "nul.json", "Com1.x". */
export const RESERVED_NAME = /^(?:CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(?:\.|$)/i;

export function isSafeId(value: unknown): value is string {
  return typeof value === 'string' && SAFE_ID.test(value);
}

/** Why an id is not safe, for the hint. */
export function unsafeIdHint(value: unknown): string {
  if (typeof value === 'string' && RESERVED_NAME.test(value)) return `"${value.split('.')[0]}" is a reserved device name on Windows: a folder or file of that name cannot exist there; choose another id`;
  if (typeof value === 'string' && value.endsWith('.') && !value.includes('..') && value !== '.') return 'an id may not end with ".": Windows drops a trailing dot, and two ids would become one name';
  return 'use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit; no "/", spaces or ".."';
}

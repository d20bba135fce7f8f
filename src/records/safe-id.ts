/**
 * Ids that become file and directory names: 1-64 letters, digits, '.', '_' and '-', starting with a
 * letter or digit, no '..'. The record schema's `safeId` pattern says the same for editors.
 */
export const SAFE_ID = /^[A-Za-z0-9](?:[A-Za-z0-9_-]|\.(?!\.)){0,63}$/;

export function isSafeId(value: unknown): value is string {
  return typeof value === 'string' && SAFE_ID.test(value);
}

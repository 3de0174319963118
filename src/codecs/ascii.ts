/**
 * ASCII-only string helpers for charset labels and parameter names, which are ASCII
 * case-insensitive and may carry ASCII whitespace (WHATWG Encoding "get an encoding";
 * RFC 9110 §5.6.6 for parameter names). Unicode-aware versions would match too much (C-40).
 *
 * @module
 */

/** Strips ASCII whitespace (tab, LF, FF, CR, space) from both ends; no other white space. */
export function trimAscii(s: string): string {
  return s.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '');
}

/** ASCII-only lower case: `toLowerCase` would turn the Kelvin sign into `k` (C-40). */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/**
 * True when every code unit of `s` is below 0x80. A loop rather than a regular expression: for
 * the short values of an environ, a dozen or more per request, the regex call costs more than
 * the scan (measured by instruction counts of the legacy hello).
 */
export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

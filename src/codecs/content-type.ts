/**
 * The `charset` parameter of a Content-Type value (C-28; RFC 9110 §5.6.6 `parameters`, §8.3.2).
 *
 * `charsetOf` in `text.ts` is the public face: it trims, lower-cases and looks up what this returns.
 * This file only finds the raw value (unquoted), and never throws: a Content-Type comes from the
 * client or the application, and reading it must not fail the request.
 *
 * @example
 * ```ts
 * charsetParameter('text/html; Charset="utf-8"; q=1'); // 'utf-8'
 * charsetParameter('text/html'); // undefined
 * ```
 *
 * @module
 */

import { asciiLower } from './ascii';

/** RFC 9110 §5.6.6 `parameters`: returns the first `charset` value, unquoted, or undefined. */
export function charsetParameter(contentType: string): string | undefined {
  const n = contentType.length;
  let i = contentType.indexOf(';');
  if (i === -1) return undefined;
  while (i < n) {
    i++; // past ';'
    while (i < n && (contentType[i] === ' ' || contentType[i] === '\t')) i++;
    const nameStart = i;
    while (i < n && contentType[i] !== '=' && contentType[i] !== ';') i++;
    if (i >= n || contentType[i] === ';') continue; // no '=': not a parameter, skip it
    const name = contentType.slice(nameStart, i).replace(/[\t ]+$/, '');
    i++; // past '='
    while (i < n && (contentType[i] === ' ' || contentType[i] === '\t')) i++;
    let value = '';
    if (contentType[i] === '"') {
      // quoted-string: `\` escapes the next character; an unterminated string ends at the end.
      for (i++; i < n; i++) {
        const c = contentType[i];
        if (c === '"') break;
        if (c === '\\' && i + 1 < n) i++;
        value += contentType[i];
      }
      while (i < n && contentType[i] !== ';') i++;
    } else {
      const valueStart = i;
      while (i < n && contentType[i] !== ';') i++;
      value = contentType.slice(valueStart, i).replace(/[\t ]+$/, '');
    }
    if (name.length === 7 && asciiLower(name) === 'charset') return value;
  }
  return undefined;
}

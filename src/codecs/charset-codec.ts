/**
 * What a charset codec is, and the checks the codecs share: well-formed text, and decoding
 * around the flaws a validator finds.
 *
 * Internal to the text codecs: `unicode-codecs.ts` and `table-codecs.ts` implement `Codec`,
 * `charset-registry.ts` maps labels to them, and `text.ts` calls them.
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { CharsetDecodeError } from './charset-errors';

/**
 * Text to bytes and back in one charset. `strict` is true unless the caller passed `'replace'`;
 * `charset` is the canonical name, for error messages.
 */
export interface Codec {
  encode(text: string, strict: boolean, charset: string): Buffer;
  decode(bytes: Buffer, strict: boolean, charset: string): string;
}

// ES2024 String methods, present in Node 20 but not in our `lib` (ES2023).
interface WellFormed {
  isWellFormed(): boolean;
  toWellFormed(): string;
}
export const isWellFormed = (s: string): boolean => (s as unknown as WellFormed).isWellFormed();
export const toWellFormed = (s: string): string => (s as unknown as WellFormed).toWellFormed();

/** A lone surrogate: `text.search(LONE_SURROGATE)` is where strict encoding fails. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A malformed byte range: `start` is reported, decoding resumes at `end`. */
export interface Flaw {
  start: number;
  end: number;
}
export type FindFlaw = (bytes: Buffer, from: number) => Flaw | undefined;

/**
 * Decodes with a validator: strict throws at the first flaw; replace decodes the valid stretches
 * between flaws (each starts on a character boundary) and puts one U+FFFD for each flaw.
 */
export function decodeChecked(
  bytes: Buffer,
  findFlaw: FindFlaw,
  decodeValid: (valid: Buffer) => string,
  strict: boolean,
  charset: string,
): string {
  let flaw = findFlaw(bytes, 0);
  if (flaw === undefined) return decodeValid(bytes);
  if (strict) throw new CharsetDecodeError(bytes, flaw.start, charset);
  let text = '';
  let from = 0;
  while (flaw !== undefined) {
    text += `${decodeValid(bytes.subarray(from, flaw.start))}\uFFFD`;
    from = flaw.end;
    flaw = findFlaw(bytes, from);
  }
  return text + decodeValid(bytes.subarray(from));
}

/** The byte at `i`, or -1 past the end (so that range checks fail there). */
export function byteAt(bytes: Buffer, i: number): number {
  return i < bytes.length ? bytes[i]! : -1;
}

/**
 * The latin-1 tunnel between native strings and bytes (CODECS C-1…C-5).
 *
 * Byte 0xNN is code point U+00NN for all 256 values, so decoding never fails and the round trip
 * is exact. Encoding must be checked first: `Buffer.from(s, 'latin1')` silently keeps the low
 * byte of larger code units (C-4, N-4), which would corrupt data instead of refusing it.
 *
 * @module
 */

import { Buffer } from 'node:buffer';

// One code unit above 0xFF anywhere makes a string non-native (N-2, C-5).
const NON_NATIVE = /[^\x00-\xFF]/;

/** Thrown when a string that must be native holds a code unit above U+00FF (N-3, C-4). */
export class NativeStringError extends TypeError {
  override name = 'NativeStringError';
  /** The offending character (a whole surrogate pair when there is one). */
  readonly character: string;
  /** Its code point, e.g. 0x20ac for '€'. */
  readonly codePoint: number;
  /** Its UTF-16 index in the string. */
  readonly index: number;

  constructor(value: string, index: number, what = 'native string') {
    const codePoint = value.codePointAt(index) ?? 0;
    const character = String.fromCodePoint(codePoint);
    super(
      `${what} holds ${describeCharacter(character, codePoint)} at index ${index}; ` +
        'native strings carry bytes as latin-1 and allow only U+0000..U+00FF (N-2). ' +
        'Encode text to bytes first (e.g. UTF-8), then view the bytes as latin-1.',
    );
    this.character = character;
    this.codePoint = codePoint;
    this.index = index;
  }
}

function describeCharacter(character: string, codePoint: number): string {
  const hex = codePoint.toString(16).toUpperCase().padStart(4, '0');
  const printable = codePoint >= 0x20 && !(codePoint >= 0xd800 && codePoint <= 0xdfff);
  return printable ? `'${character}' (U+${hex})` : `U+${hex}`;
}

/** True when every code unit of `s` is <= 0xFF (N-2). */
export function isNativeString(s: unknown): s is string {
  return typeof s === 'string' && !NON_NATIVE.test(s);
}

/** Index of the first code unit above 0xFF, or -1. */
export function indexOfNonNative(s: string): number {
  return s.search(NON_NATIVE);
}

/** Throws `NativeStringError` unless `s` is a native string. `what` names it in the message. */
export function assertNativeString(s: string, what?: string): void {
  if (NON_NATIVE.test(s)) throw new NativeStringError(s, s.search(NON_NATIVE), what);
}

/** Bytes to a native string: always succeeds and never loses a byte (C-1). */
export function bytesToNative(bytes: Uint8Array): string {
  // Most bytes arriving here are already Buffers (node:http, file reads); a view costs an object.
  if (Buffer.isBuffer(bytes)) return bytes.toString('latin1');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** A native string to bytes; throws `NativeStringError` naming the first character that does not fit. */
export function nativeToBytes(s: string, what?: string): Buffer {
  // test() rather than search(): it keeps no match state and is what makes a checked encode of
  // a header-sized string nearly as quick as Buffer's unchecked one (`npm run bench`, codecs).
  if (NON_NATIVE.test(s)) throw new NativeStringError(s, s.search(NON_NATIVE), what);
  return Buffer.from(s, 'latin1');
}

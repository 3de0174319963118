/**
 * The errors of the charset codecs (C-3, C-39): an unknown or unsupported label, a character a
 * charset cannot encode, bytes a charset cannot decode. `text.ts` re-exports them.
 *
 * Each message says what was wrong, where, and what to do instead, because the silent alternative
 * (`?`, `EF BF BD`, U+FFFD from iconv-lite, `Buffer` and `TextDecoder`) loses data.
 *
 * @example
 * ```ts
 * import { CharsetDecodeError, decodeText } from 'tsgi/codecs';
 *
 * try {
 *   decodeText(Buffer.from([0x41, 0xff]), 'utf-8');
 * } catch (error) {
 *   if (!(error instanceof CharsetDecodeError)) throw error;
 *   console.log(error.charset, error.offset); // utf-8 1
 * }
 * ```
 *
 * @module
 */

/** A label that names no charset tsgi can use: unknown, or known but not implemented (ISO-2022-JP). */
export class UnknownCharsetError extends RangeError {
  override name = 'UnknownCharsetError';
  /** The label as given. */
  readonly label: string;
  /** True when the label names a real charset that tsgi cannot serve (the message says why). */
  readonly known: boolean;

  constructor(label: string, reason?: string) {
    const shown = JSON.stringify(label.length > 64 ? `${label.slice(0, 64)}…` : label);
    super(
      reason === undefined
        ? `unknown charset ${shown}; check the spelling (labels are matched case-insensitively, ` +
            'e.g. "utf-8", "iso-8859-1", "windows-1252", "shift_jis", "gbk", "euc-kr")'
        : `charset ${shown} is not supported: ${reason}`,
    );
    this.label = label;
    this.known = reason !== undefined;
  }
}

/** Text and bytes did not fit the charset. `charset` is its canonical name. */
export class CharsetError extends Error {
  override name = 'CharsetError';
  readonly charset: string;

  constructor(message: string, charset: string) {
    super(message);
    this.charset = charset;
  }
}

/** Strict `encodeText` met a character the charset cannot represent, or a lone surrogate. */
export class CharsetEncodeError extends CharsetError {
  override name = 'CharsetEncodeError';
  /** The character (a whole surrogate pair for an astral one; the lone unit for a lone surrogate). */
  readonly character: string;
  /** Its code point, e.g. 0x20ac for '€'. */
  readonly codePoint: number;
  /** Its UTF-16 index in the text. */
  readonly index: number;

  constructor(text: string, index: number, charset: string) {
    const codePoint = text.codePointAt(index) ?? 0;
    const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
    const lone = codePoint >= 0xd800 && codePoint <= 0xdfff;
    super(
      lone
        ? `lone surrogate ${hex} at index ${index} is not a character, so ${charset} cannot encode it ` +
            "(Buffer.from would silently write EF BF BD); repair the string or pass errors: 'replace'"
        : `${printable(codePoint) ? `'${String.fromCodePoint(codePoint)}' (${hex})` : hex} at index ${index} ` +
            `cannot be encoded in ${charset}; use a charset that has it (utf-8 has every character) ` +
            "or pass errors: 'replace'",
      charset,
    );
    this.character = String.fromCodePoint(codePoint);
    this.codePoint = codePoint;
    this.index = index;
  }
}

function printable(codePoint: number): boolean {
  return codePoint >= 0x20 && !(codePoint >= 0x7f && codePoint <= 0x9f);
}

/** Strict `decodeText` met bytes that are not valid in the charset. */
export class CharsetDecodeError extends CharsetError {
  override name = 'CharsetDecodeError';
  /** Offset of the first byte of the first invalid sequence. */
  readonly offset: number;

  constructor(bytes: Uint8Array, offset: number, charset: string) {
    const shown = Array.from(bytes.subarray(offset, offset + 4), (b) => b.toString(16).toUpperCase().padStart(2, '0'));
    super(
      `invalid ${charset} byte sequence at offset ${offset} (${shown.join(' ')}` +
        `${bytes.length > offset + 4 ? ' …' : ''}); the bytes are not ${charset} or are damaged ` +
        "(C-38: is the declared charset right?); pass errors: 'replace' to get U+FFFD instead",
      charset,
    );
    this.offset = offset;
  }
}

/**
 * Text to bytes and back in a named charset, and the `charset` parameter of a Content-Type
 * (CODECS C-28…C-32, C-36…C-38).
 *
 * Use it where an application turns a request body into text or text into a response body, in
 * whatever charset the Content-Type declares. Environ values and headers are not text: they are
 * native strings, the latin-1 view of bytes (`latin1.ts`, C-1…C-7).
 *
 * Both directions are strict by default. A character the charset lacks, a lone surrogate, or bytes
 * that are not valid in the charset throw (`CharsetEncodeError`, `CharsetDecodeError`), where
 * iconv-lite, `Buffer` and `TextDecoder` would silently write `?`, `EF BF BD` or U+FFFD and lose
 * data (C-3, C-39). Pass `'replace'` to substitute instead: one `?` per character a legacy charset
 * lacks (U+FFFD in the Unicode charsets), one U+FFFD per invalid byte sequence.
 *
 * Decisions, each explained where it is made:
 * - `iso-8859-1`, `latin1`, `l1` mean ISO-8859-1 (byte = code point), not windows-1252 as in
 *   browsers; likewise `us-ascii` is 7-bit and every `iso-8859-n` is itself (C-4;
 *   `charset-labels.ts`, `table-codecs.ts`).
 * - UTF-8 and latin-1 use `Buffer`/`TextDecoder` directly, never iconv-lite, which is not even
 *   loaded until a charset needs it (`iconv.ts`).
 * - A lone surrogate is an error in every charset in strict mode.
 * - A BOM is data: decoding keeps it as U+FEFF, except in `utf-16` and `utf-32`, whose BOM is the
 *   byte-order mark; without one they are big-endian (C-32; RFC 2781; `unicode-codecs.ts`).
 * - `charsetOf` returns an unknown label as is; using it throws `UnknownCharsetError`.
 *
 * This file is the public API. The rest lives beside it, one concern per file:
 * `charset-errors.ts` (the errors), `charset-registry.ts` (label to codec, over the table in
 * `charset-labels.ts`), `content-type.ts` (the `charset` parameter), `unicode-codecs.ts` and
 * `table-codecs.ts` (the codecs, on `charset-codec.ts`), `iconv.ts` (iconv-lite, loaded lazily).
 *
 * @example
 * ```ts
 * import { charsetOf, decodeText, encodeText } from 'tsgi/codecs';
 *
 * // C-29: a missing charset has no universal default, so the caller chooses one.
 * const charset = charsetOf(environ.CONTENT_TYPE) ?? 'utf-8';
 * const form = decodeText(body, charset); // CharsetDecodeError on bytes that are not `charset`
 *
 * // C-31: encode once, declare the same charset, measure bytes.
 * const payload = encodeText('こんにちは', 'shift_jis'); // <Buffer 82 b1 82 f1 82 c9 82 bf 82 cd>
 * startResponse('200 OK', [
 *   ['Content-Type', 'text/plain; charset=shift_jis'],
 *   ['Content-Length', String(payload.length)],
 * ]);
 * ```
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { asciiLower, trimAscii } from './ascii';
import { lookupCharset, resolveCharset } from './charset-registry';
import { charsetParameter } from './content-type';

export { CharsetDecodeError, CharsetEncodeError, CharsetError, UnknownCharsetError } from './charset-errors';

/** `'replace'`: a character the charset lacks becomes `?` (U+FFFD in UTF-8/16/32, UTF-7, CESU-8). */
export type EncodeErrors = 'strict' | 'replace';
/** `'replace'`: each invalid byte sequence becomes one U+FFFD. */
export type DecodeErrors = 'strict' | 'replace';

// ---------------------------------------------------------------------------------------------
// Public API

/**
 * Encodes `text` in `charset`. Strict by default: throws `CharsetEncodeError` at the first
 * character the charset cannot represent (or lone surrogate); `'replace'` substitutes it.
 */
export function encodeText(text: string, charset: string, errors: EncodeErrors = 'strict'): Buffer {
  // C-36: a Buffer or number here would be stringified by Buffer.from; refuse it.
  if (typeof text !== 'string') throw new TypeError(`encodeText: text must be a string, got ${typeOf(text)}`);
  const found = resolveCharset(charset);
  return found.codec.encode(text, errors === 'strict' || isStrict(errors), found.name);
}

/**
 * Decodes `bytes` in `charset`. Strict by default: throws `CharsetDecodeError` at the first
 * invalid byte sequence; `'replace'` puts U+FFFD there. A BOM is kept, except in utf-16/utf-32.
 */
export function decodeText(bytes: Uint8Array, charset: string, errors: DecodeErrors = 'strict'): string {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`decodeText: bytes must be a Uint8Array, got ${typeOf(bytes)}`);
  }
  const found = resolveCharset(charset);
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return found.codec.decode(buffer, errors === 'strict' || isStrict(errors), found.name);
}

/** The canonical name (lower case, e.g. `shift_jis`) for any label; throws `UnknownCharsetError`. */
export function normalizeCharset(label: string): string {
  return resolveCharset(label).name;
}

/** True when `label` names a charset `encodeText`/`decodeText` accept. */
export function isCharsetSupported(label: string): boolean {
  return lookupCharset(label) !== undefined;
}

/**
 * The `charset` parameter of a Content-Type value (C-28, RFC 9110 §5.6.6, §8.3.2): its canonical
 * name when known; when unknown, the label trimmed and lower-cased, so that `normalizeCharset`,
 * `encodeText` or `decodeText` raise `UnknownCharsetError` naming it where it is used. `undefined`
 * when there is no charset parameter (or it is empty); the default is then the caller's to choose
 * (C-29: none for `text/*` today, UTF-8 for JSON and forms). Never throws.
 *
 * Parameter names are case-insensitive, whitespace around `;` is skipped, values may be
 * quoted-strings with `\` escapes, other parameters are ignored and the first `charset` wins.
 * Whitespace around `=` is tolerated, though RFC 9110 does not allow it. RFC 2231 `charset*=`
 * forms are not decoded.
 */
export function charsetOf(contentType: string | undefined): string | undefined {
  if (typeof contentType !== 'string') return undefined;
  const value = charsetParameter(contentType);
  if (value === undefined) return undefined;
  const label = asciiLower(trimAscii(value));
  if (label === '') return undefined;
  return lookupCharset(label)?.name ?? label;
}

function isStrict(errors: unknown): boolean {
  if (errors === 'strict') return true;
  if (errors === 'replace') return false;
  throw new TypeError(`errors must be 'strict' or 'replace', got ${JSON.stringify(errors) ?? String(errors)}`);
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

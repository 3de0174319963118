/**
 * Path codecs: the "WSGI decoding dance" (CODECS C-6) from a native `PATH_INFO`, `SCRIPT_NAME`
 * or query value to text, with an explicit choice of what happens to bytes that are not valid
 * in the charset (C-16), and the inverse "encoding dance" for middleware that rewrites paths.
 *
 * Use {@link decodePath} wherever an app compares or routes on a path: the native string is a
 * byte container (`/café` arrives as `'/cafÃ©'`, C-2, C-33), and `decodeURIComponent` is the
 * wrong tool on it (it throws on `%E9` and decodes twice, C-19, C-34). Pick the error mode:
 *
 * | `errors`            | invalid bytes become         | lossless | C-16 row            |
 * |---------------------|------------------------------|----------|---------------------|
 * | `'strict'` (default)| a {@link PathDecodeError} (answer 400) | n/a | strict routers |
 * | `'replace'`         | U+FFFD                       | no       | Werkzeug (C-13/C-14)|
 * | `'repercent'`       | `%XX`, one per octet         | yes      | Django (C-15) — recommended |
 * | `'latin1-fallback'` | the whole value read as latin-1 | no (ambiguous) | legacy heuristics |
 *
 * @example
 * decodePath('/caf\u00c3\u00a9');                       // '/café'
 * decodePath('/caf\u00e9', { errors: 'repercent' });    // '/caf%E9'
 * decodePath('/caf\u00e9', { errors: 'replace' });      // '/caf\uFFFD'
 * decodePath('/caf\u00e9');                             // throws PathDecodeError (byteOffset 4)
 * decodeQueryValue('caf%C3%A9+au+lait', { plusAsSpace: true }); // 'café au lait'
 * encodePath('/café');                                  // '/caf\u00c3\u00a9' (native)
 * encodePathToUrl('/café');                             // '/caf%C3%A9'
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { assertNativeString, bytesToNative } from './latin1';
import { percentDecodeNative } from './percent';
import { decodeText, encodeText, normalizeCharset } from './text';
import { quotePath } from '../native/util';

/** What to do with bytes that are not valid in the charset (C-16). */
export type PathErrors = 'strict' | 'replace' | 'latin1-fallback' | 'repercent';

export interface DecodePathOptions {
  /**
   * The charset the bytes are text in. Default `'utf-8'` (browsers encode paths as UTF-8, C-8).
   * `latin1`/`iso-8859-1` mean true ISO-8859-1 (C-4); other labels go through text.ts, which
   * throws for a label it does not know.
   */
  charset?: string;
  /** Default `'strict'`. */
  errors?: PathErrors;
}

export interface DecodeQueryOptions extends DecodePathOptions {
  /**
   * Read `+` as a space before percent-decoding, as `application/x-www-form-urlencoded` does
   * (C-29). Default `false`: in a path `+` is a plus (C-9); a `%2B` is a plus either way.
   */
  plusAsSpace?: boolean;
}

export interface EncodePathOptions {
  /** The charset to encode the text in. Default `'utf-8'`. */
  charset?: string;
}

/**
 * A value whose bytes are not valid in its charset, under `errors: 'strict'`. A gateway or
 * router answers `400 Bad Request` for it: the client sent a path the app cannot name.
 */
export class PathDecodeError extends Error {
  override name = 'PathDecodeError';
  /** Offset of the first invalid byte, counted in the percent-decoded bytes (= native code units). */
  readonly byteOffset: number;
  /** The charset the bytes were checked against, e.g. `'utf-8'`. */
  readonly charset: string;
  /** The native value that failed (bytes as latin-1). */
  readonly value: string;
  /** The invalid bytes at {@link byteOffset}, as `%XX`, e.g. `'%E9'`. */
  readonly bytes: string;

  constructor(value: string, byteOffset: number, length: number, charset: string) {
    const bytes = percentEncodeAll(value.slice(byteOffset, byteOffset + length));
    super(
      `${shownValue(value)} is not valid ${charset}: ${bytes} at byte offset ${byteOffset}. ` +
        "Answer 400, or decode with errors: 'repercent' (keeps such octets as %XX, C-15) or 'replace' (U+FFFD, C-14).",
    );
    this.byteOffset = byteOffset;
    this.charset = charset;
    this.value = value;
    this.bytes = bytes;
  }
}

/** Text that the charset cannot represent (a lone surrogate, or `€` in latin-1). */
export class PathEncodeError extends Error {
  override name = 'PathEncodeError';
  /** The character (a lone surrogate shows as itself). */
  readonly character: string;
  readonly codePoint: number;
  /** Its UTF-16 index in the text. */
  readonly index: number;
  readonly charset: string;

  constructor(text: string, index: number, charset: string) {
    const codePoint = text.codePointAt(index) ?? 0;
    const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
    const surrogate = codePoint >= 0xd800 && codePoint <= 0xdfff;
    super(
      `path text holds ${surrogate ? `the lone surrogate ${hex}` : `${JSON.stringify(String.fromCodePoint(codePoint))} (${hex})`} ` +
        `at index ${index}, which ${charset} cannot encode`,
    );
    this.character = String.fromCodePoint(codePoint);
    this.codePoint = codePoint;
    this.index = index;
    this.charset = charset;
  }
}

// --- charsets -------------------------------------------------------------------------------

const UTF8 = 'utf-8';
const LATIN1 = 'iso-8859-1';
const UTF8_LABEL = /^utf-?8$/i;
// True ISO-8859-1, the identity on bytes (C-1) — not the WHATWG meaning of these labels,
// which is windows-1252 (C-4). A path is not an HTML document.
const LATIN1_LABEL = /^(?:iso[-_]?8859-1|latin-?1|l1)$/i;

/** The charset name used for the fast paths, or the canonical name text.ts gives any other label. */
function charsetName(label: string | undefined): string {
  if (label === undefined) return UTF8;
  const trimmed = label.trim();
  if (UTF8_LABEL.test(trimmed)) return UTF8;
  if (LATIN1_LABEL.test(trimmed)) return LATIN1;
  const canonical = normalizeCharset(trimmed);
  return UTF8_LABEL.test(canonical) ? UTF8 : canonical;
}

// --- UTF-8 ----------------------------------------------------------------------------------

// `ignoreBOM`: a leading EF BB BF stays U+FEFF instead of vanishing (C-32), so the round trip
// through encodePath keeps it.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientUtf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * The UTF-8 sequence at `i`: its length when valid, else minus the length of its maximal
 * invalid subpart (Unicode §3.9, what TextDecoder replaces by one U+FFFD and Python's decoder
 * reports as `start..end`). Overlongs, surrogates (ED A0..) and code points above U+10FFFF are
 * invalid.
 */
function utf8SequenceAt(b: Uint8Array, i: number): number {
  const b0 = b[i] ?? 0;
  if (b0 < 0x80) return 1;
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) need = 1;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    need = 2;
    if (b0 === 0xe0) lo = 0xa0;
    else if (b0 === 0xed) hi = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    need = 3;
    if (b0 === 0xf0) lo = 0x90;
    else if (b0 === 0xf4) hi = 0x8f;
  } else return -1;
  for (let k = 1; k <= need; k++) {
    const c = b[i + k];
    if (c === undefined || c < lo || c > hi) return -k;
    lo = 0x80;
    hi = 0xbf;
  }
  return need + 1;
}

/** Offset and length of the first invalid UTF-8 sequence, or undefined. */
function firstInvalidUtf8(b: Uint8Array): [number, number] | undefined {
  for (let i = 0; i < b.length; ) {
    const n = utf8SequenceAt(b, i);
    if (n < 0) return [i, -n];
    i += n;
  }
  return undefined;
}

// --- other charsets (through text.ts) -------------------------------------------------------

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Strict decoding in any charset: the text, or undefined when the bytes do not decode *and
 * re-encode to themselves*. The round-trip test makes "valid" mean exactly what
 * `encodePath(decodePath(x)) === x` needs, whatever text.ts does with bad input (throw, U+FFFD
 * or `?`), and it also refuses byte sequences a charset decodes but never produces (duplicate
 * mappings), which would otherwise come back as different bytes.
 */
function decodeExact(bytes: Uint8Array, charset: string): string | undefined {
  try {
    const text = decodeText(bytes, charset, 'strict');
    return sameBytes(encodeText(text, charset, 'strict'), bytes) ? text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The character sequence at `i` in a multi-byte charset: the shortest slice of 1..4 bytes that
 * decodes exactly, else undefined (an invalid octet). This resynchronises after a bad byte in
 * ASCII-compatible charsets (Shift_JIS, EUC-*, GBK/GB18030, Big5); stateful encodings
 * (ISO-2022-*, UTF-7) cannot be cut this way and their bad bytes are located only roughly.
 */
function charAt(bytes: Uint8Array, i: number, charset: string): [string, number] | undefined {
  for (let n = 1; n <= 4 && i + n <= bytes.length; n++) {
    const text = decodeExact(bytes.subarray(i, i + n), charset);
    if (text !== undefined && text !== '') return [text, n];
  }
  return undefined;
}

// --- decoding -------------------------------------------------------------------------------

const HEX = '0123456789ABCDEF';

function percentEncodeAll(native: string): string {
  let out = '';
  for (let i = 0; i < native.length; i++) {
    const c = native.charCodeAt(i);
    out += `%${HEX.charAt(c >> 4)}${HEX.charAt(c & 15)}`;
  }
  return out;
}

// A literal `%` already followed by two hex digits would read back as an escape: under
// 'repercent' it is written `%25` so that percent-decoding the output gives the bytes back.
const AMBIGUOUS_PERCENT = /%(?=[0-9A-Fa-f]{2})/g;

function shownValue(native: string): string {
  const url = quotePath(native, "/:@!$&'()*+,;=");
  return JSON.stringify(url.length > 200 ? `${url.slice(0, 200)}…` : url);
}

/**
 * Turns a native value (`PATH_INFO`, `SCRIPT_NAME`: percent-decoded bytes viewed as latin-1,
 * C-9) into text, the decoding dance of C-6. Throws `NativeStringError` when `native` holds a
 * code unit above U+00FF: it is already text, and decoding it again would garble it (C-33,
 * C-41). With the default `errors: 'strict'` it throws {@link PathDecodeError} for bytes that
 * are not valid in `charset`; see the module comment for the other modes.
 *
 * `'repercent'` follows Django's `repercent_broken_unicode` (C-15, RFC 3987 §3.2 step 3) with
 * one addition: a literal `%` followed by two hex digits becomes `%25`, so the output is
 * lossless — `percentDecodeNative(encodePath(out))` is `native` again (C-39).
 *
 * `'latin1-fallback'` returns the value read as latin-1 when it is not valid in `charset`. The
 * result is ambiguous (C-16): `é` may have come from `C3 A9` or `E9`, and `encodePath` in the
 * original charset does not give the bytes back. Prefer `'repercent'`.
 */
export function decodePath(native: string, options?: DecodePathOptions): string {
  assertNativeString(native, 'a path to decode');
  return decodeNative(native, options?.charset, options?.errors ?? 'strict');
}

/**
 * For `QUERY_STRING`-like raw values (still percent-encoded, C-9): optionally reads `+` as a
 * space, percent-decodes per byte (a malformed `%` stays literal), then decodes like
 * {@link decodePath}. A {@link PathDecodeError}'s `byteOffset` counts the percent-decoded bytes.
 * Split a query string at `&` and `=` first and decode each name and value: decoding the whole
 * string would let an escaped `%26` or `%3D` split it (the same loss as `%2F` in paths, C-10).
 *
 * @example
 * decodeQueryValue('caf%C3%A9');                            // 'café'
 * decodeQueryValue('a+b%2Bc', { plusAsSpace: true });       // 'a b+c'
 */
export function decodeQueryValue(raw: string, options?: DecodeQueryOptions): string {
  assertNativeString(raw, 'a query value to decode');
  // `+` first, so that an escaped `%2B` stays a plus (WHATWG URL form parsing).
  const spaced = options?.plusAsSpace === true ? raw.replaceAll('+', ' ') : raw;
  return decodeNative(percentDecodeNative(spaced), options?.charset, options?.errors ?? 'strict');
}

function decodeNative(native: string, label: string | undefined, errors: PathErrors): string {
  if (errors !== 'strict' && errors !== 'replace' && errors !== 'repercent' && errors !== 'latin1-fallback') {
    throw new TypeError(`errors must be 'strict', 'replace', 'repercent' or 'latin1-fallback', got ${JSON.stringify(errors)}`);
  }
  const charset = charsetName(label);
  // Every byte is valid latin-1 and means itself: the native string is already the text (C-1).
  // Only the '%' rule of 'repercent' still applies.
  if (charset === LATIN1) return errors === 'repercent' ? native.replace(AMBIGUOUS_PERCENT, '%25') : native;
  if (charset === UTF8) return decodeUtf8(native, errors);
  return decodeOther(native, Buffer.from(native, 'latin1'), charset, errors);
}

function decodeUtf8(native: string, errors: PathErrors): string {
  // ASCII is valid UTF-8 and means itself: skip the decoder (the common case).
  if (!/[^\x00-\x7F]/.test(native)) return errors === 'repercent' ? native.replace(AMBIGUOUS_PERCENT, '%25') : native;
  const bytes = Buffer.from(native, 'latin1');
  let text: string | undefined;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    text = undefined;
  }
  if (text !== undefined) return errors === 'repercent' ? text.replace(AMBIGUOUS_PERCENT, '%25') : text;
  switch (errors) {
    case 'replace':
      return lenientUtf8.decode(bytes);
    case 'latin1-fallback':
      return native;
    case 'strict': {
      const [offset, length] = firstInvalidUtf8(bytes) ?? [0, 1];
      throw new PathDecodeError(native, offset, length, UTF8);
    }
    case 'repercent': {
      let out = '';
      let from = 0;
      for (let i = 0; i < bytes.length; ) {
        const n = utf8SequenceAt(bytes, i);
        if (n > 0) {
          i += n;
          continue;
        }
        out += strictUtf8.decode(bytes.subarray(from, i)).replace(AMBIGUOUS_PERCENT, '%25');
        out += percentEncodeAll(native.slice(i, i - n));
        i -= n;
        from = i;
      }
      return out + strictUtf8.decode(bytes.subarray(from)).replace(AMBIGUOUS_PERCENT, '%25');
    }
  }
}

function decodeOther(native: string, bytes: Buffer, charset: string, errors: PathErrors): string {
  const text = decodeExact(bytes, charset);
  if (text !== undefined) return errors === 'repercent' ? text.replace(AMBIGUOUS_PERCENT, '%25') : text;
  switch (errors) {
    case 'replace':
      return decodeText(bytes, charset, 'replace');
    case 'latin1-fallback':
      return native;
    case 'strict':
    case 'repercent': {
      // The '%' rule applies per run of valid characters: an escape written for an invalid
      // octet is a complete `%XX`, so it cannot pair with a literal `%` on either side of it.
      let out = '';
      let run = '';
      for (let i = 0; i < bytes.length; ) {
        const found = charAt(bytes, i, charset);
        if (found !== undefined) {
          run += found[0];
          i += found[1];
          continue;
        }
        if (errors === 'strict') throw new PathDecodeError(native, i, 1, charset);
        out += run.replace(AMBIGUOUS_PERCENT, '%25') + percentEncodeAll(native.charAt(i));
        run = '';
        i += 1;
      }
      return out + run.replace(AMBIGUOUS_PERCENT, '%25');
    }
  }
}

// --- encoding -------------------------------------------------------------------------------

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The encoding dance (C-6): text → bytes in `charset` → native string (the bytes as latin-1),
 * ready for `PATH_INFO`/`SCRIPT_NAME` in an environ. The inverse of {@link decodePath}: for
 * any text the charset can represent, `decodePath(encodePath(t, o), o) === t`. Throws
 * {@link PathEncodeError} for a character the charset cannot hold, and for a lone surrogate,
 * which `Buffer.from` would silently turn into U+FFFD (C-3).
 *
 * @example
 * encodePath('/café');                          // '/caf\u00c3\u00a9'
 * encodePath('/café', { charset: 'latin1' });   // '/caf\u00e9'
 */
export function encodePath(text: string, options?: EncodePathOptions): string {
  const charset = charsetName(options?.charset);
  if (charset === LATIN1) {
    const wide = text.search(/[^\x00-\xFF]/);
    if (wide !== -1) throw new PathEncodeError(text, wide, charset);
    return text;
  }
  const lone = text.search(LONE_SURROGATE);
  if (lone !== -1) throw new PathEncodeError(text, lone, charset);
  if (charset === UTF8) return Buffer.from(text, 'utf8').toString('latin1');

  let bytes: Uint8Array | undefined;
  try {
    bytes = encodeText(text, charset, 'strict');
    if (decodeText(bytes, charset, 'strict') !== text) bytes = undefined;
  } catch {
    bytes = undefined;
  }
  if (bytes === undefined) throw new PathEncodeError(text, firstUnencodable(text, charset), charset);
  return bytesToNative(bytes);
}

/** Index of the first character `charset` cannot encode and decode back to itself. */
function firstUnencodable(text: string, charset: string): number {
  let index = 0;
  for (const char of text) {
    try {
      if (decodeText(encodeText(char, charset, 'strict'), charset, 'strict') !== char) return index;
    } catch {
      return index;
    }
    index += char.length;
  }
  // Each character alone is fine but the whole is not (a stateful encoding): point at the start.
  return 0;
}

/**
 * Text → an ASCII, percent-encoded URL path: {@link encodePath}, then `%XX` per byte with
 * `quotePath` (N-126, C-18). Unreserved characters and those in `safe` (default `/`) stay.
 * Unlike `encodeURI`, the charset is a choice and nothing is encoded twice.
 *
 * @example
 * encodePathToUrl('/café au lait');  // '/caf%C3%A9%20au%20lait'
 */
export function encodePathToUrl(text: string, options?: EncodePathOptions & { safe?: string }): string {
  return quotePath(encodePath(text, options), options?.safe ?? '/');
}

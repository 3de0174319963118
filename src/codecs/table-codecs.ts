/**
 * The legacy (non-Unicode) charsets: ISO-8859-1 on `Buffer`, and every other single- and
 * multi-byte table through iconv-lite, made strict.
 *
 * iconv-lite never fails: it writes `?` for a character its table lacks and U+FFFD for bytes it
 * cannot map. Strict mode detects both (C-3, C-39) by probing each table once for what it writes
 * (`probeTable`), counting, and only on a mismatch walking the text or bytes to the culprit.
 * GB18030 also gets a validator of its own, because iconv-lite decodes four-byte sequences that
 * have no code point.
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { byteAt, decodeChecked } from './charset-codec';
import type { Codec, Flaw } from './charset-codec';
import { CharsetDecodeError, CharsetEncodeError } from './charset-errors';
import { iconvCodec, iconvDecode, iconvEncode } from './iconv';
import type { IconvCodec } from './iconv';
import { indexOfNonNative } from './latin1';

// Latin-1 (C-1, C-4). `iso-8859-1`, `latin1` and `l1` are the IANA charset ISO-8859-1, byte 0xNN =
// U+00NN, and not windows-1252. WHATWG maps those labels to windows-1252 because browsers met
// mislabelled pages (C-4; C-29 for HTML). HTTP never did: RFC 2616 (§2.2, §3.7.1) made ISO-8859-1
// the charset of header TEXT and the default of text/*, RFC 7230/7231 dropped both, and RFC 9110
// §5.5 keeps such octets as opaque obs-text: bytes, never windows-1252. It is also the charset of
// PEP 3333's native strings, whose round trip needs all 256 bytes, and windows-1252 leaves 0x81,
// 0x8D, 0x8F, 0x90 and 0x9D undefined. `windows-1252`/`cp1252` name Microsoft's table.
//
// Buffer's 'latin1' does both directions. Encoding is checked first, because Buffer.from keeps only
// the low byte of a wider code unit. The check is a regex, as in latin1.ts: V8 answers it without a
// scan for one-byte strings, which made it ~40x faster than a charCodeAt loop on 64 KiB of ASCII
// (Node 20), so a regex stays on this hot path.
const NON_LATIN1 = /[^\x00-\xFF]/;
const WIDE_CHARACTER = /[\uD800-\uDBFF][\uDC00-\uDFFF]|[^\x00-\xFF]/g;

export const LATIN1: Codec = {
  encode(text, strict, charset) {
    if (NON_LATIN1.test(text)) {
      if (strict) throw new CharsetEncodeError(text, indexOfNonNative(text), charset);
      text = text.replace(WIDE_CHARACTER, '?');
    }
    return Buffer.from(text, 'latin1');
  },
  decode(bytes) {
    return bytes.toString('latin1'); // total: every byte is a character (C-1)
  },
};

/** What a table codec writes for a character it lacks, learnt from the codec itself. */
interface TableProbe {
  readonly codec: IconvCodec;
  /** The substitute bytes (`?`, 0x3F, unless someone changed iconv.defaultCharSingleByte). */
  readonly substitute: Buffer;
  /** The character that legitimately encodes to `substitute` ('?'), if any. */
  readonly substituteChar: string | undefined;
  /** The bytes of U+FFFD when the charset really has it (GB18030 maps all of Unicode). */
  readonly replacementBytes: Buffer | undefined;
}

function probeTable(name: string, multiByte: boolean): TableProbe {
  const codec = iconvCodec(name);
  const substitute = iconvEncode(codec, '\uDC00'); // a lone surrogate is in no table
  const decoded = iconvDecode(codec, substitute);
  const substituteChar = iconvEncode(codec, decoded).equals(substitute) ? decoded : undefined;
  // Single-byte tables mark undefined bytes with U+FFFD, so U+FFFD "encodes" to such a byte (0x9D
  // in windows-1252): never a real mapping. Among the multi-byte ones only GB18030 has U+FFFD.
  const replacement = iconvEncode(codec, '\uFFFD');
  const real = multiByte && !replacement.equals(substitute) && iconvDecode(codec, replacement) === '\uFFFD';
  return { codec, substitute, substituteChar, replacementBytes: real ? replacement : undefined };
}

// Legacy single- and multi-byte charsets through iconv-lite, which never fails: it writes '?' for a
// character its table lacks and U+FFFD for bytes it cannot map. Strict mode detects both.
export function iconvTable(name: string, multiByte: boolean): Codec {
  let probe: TableProbe | undefined;
  const gb18030 = name === 'gb18030';
  return {
    encode(text, strict, charset) {
      probe ??= probeTable(name, multiByte);
      const { codec, substitute, substituteChar, replacementBytes } = probe;
      if (!strict) {
        // One substitute per character: single-byte tables would write two for a surrogate pair,
        // and 0x9D-like "undefined" bytes for U+FFFD.
        if (!multiByte) text = text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|\uFFFD/g, substituteChar ?? '?');
        return iconvEncode(codec, text);
      }
      const bytes = iconvEncode(codec, text);
      // Fast check: as many substitute bytes out as '?' in; no U+FFFD unless the charset has it.
      // (0x3F is never a trail byte in these charsets, so it stands for '?' or a substitution.)
      if (
        count(bytes, substitute) === countText(text, substituteChar) &&
        (replacementBytes !== undefined || !text.includes('\uFFFD'))
      ) {
        return bytes;
      }
      const index = firstUnencodable(text, probe);
      if (index !== -1) throw new CharsetEncodeError(text, index, charset);
      return bytes; // not reached: the counts only differ when some character was substituted
    },
    decode(bytes, strict, charset) {
      probe ??= probeTable(name, multiByte);
      const { codec } = probe;
      const decodeValid = (valid: Buffer): string => iconvDecode(codec, valid);
      // iconv-lite reads GB18030 four-byte sequences outside the defined ranges as arbitrary
      // characters (even lone surrogates); findGb18030Flaw finds them (WHATWG Encoding §11.2.1).
      if (!strict) {
        return gb18030 ? decodeChecked(bytes, findGb18030Flaw, decodeValid, false, charset) : decodeValid(bytes);
      }
      const text = decodeValid(bytes);
      let offset = -1;
      if (text.includes('\uFFFD')) {
        // Single-byte: one character per byte, so the index is the offset.
        offset = multiByte ? firstUndecodable(bytes, probe) : text.indexOf('\uFFFD');
      }
      const flaw = gb18030 ? findGb18030Flaw(bytes, 0) : undefined;
      if (flaw !== undefined && (offset === -1 || flaw.start < offset)) offset = flaw.start;
      if (offset !== -1) throw new CharsetDecodeError(bytes, offset, charset);
      return text;
    },
  };
}

function count(haystack: Buffer, needle: Buffer): number {
  let n = 0;
  const single = needle.length === 1 ? needle[0]! : -1;
  for (
    let at = single === -1 ? haystack.indexOf(needle) : haystack.indexOf(single);
    at !== -1;
    at = single === -1 ? haystack.indexOf(needle, at + needle.length) : haystack.indexOf(single, at + 1)
  ) {
    n++;
  }
  return n;
}

function countText(text: string, char: string | undefined): number {
  if (char === undefined || char === '') return 0;
  let n = 0;
  for (let at = text.indexOf(char); at !== -1; at = text.indexOf(char, at + char.length)) n++;
  return n;
}

/**
 * Index of the first character the table substitutes, found by feeding one code point at a time
 * to one encoder (which keeps multi-character sequences such as Big5-HKSCS's Ê̄ intact). Only
 * reached when the fast check failed, and it stops at the culprit.
 */
function firstUnencodable(text: string, probe: TableProbe): number {
  const encoder = new probe.codec.encoder(undefined, probe.codec);
  let written = 0;
  let legitimate = 0;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    if ((cp >= 0xd800 && cp <= 0xdfff) || (cp === 0xfffd && probe.replacementBytes === undefined)) return i;
    const char = String.fromCodePoint(cp);
    written += count(encoder.write(char), probe.substitute);
    if (char === probe.substituteChar) legitimate++;
    if (written > legitimate) return i;
    i += char.length;
  }
  return -1;
}

/**
 * Offset of the first byte sequence a multi-byte table decodes to U+FFFD, feeding one byte at a
 * time: iconv-lite emits the U+FFFD when the sequence that started at `start` fails. A U+FFFD
 * that came from the charset's own encoding of it (GB18030 84 31 A4 37) is not a failure. Only
 * reached when the text holds a U+FFFD, and it stops at the first failure.
 */
function firstUndecodable(bytes: Buffer, probe: TableProbe): number {
  const decoder = new probe.codec.decoder(undefined, probe.codec);
  const real = probe.replacementBytes;
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    const chunk = decoder.write(bytes.subarray(i, i + 1));
    if (chunk.length === 0) continue;
    if (chunk.includes('\uFFFD') && !(chunk === '\uFFFD' && real?.equals(bytes.subarray(start, i + 1)))) return start;
    start = i + 1;
  }
  return (decoder.end() ?? '').includes('\uFFFD') ? start : -1;
}

/**
 * A GB18030 four-byte sequence whose pointer has no code point: above 39419 and below 189000, or
 * above 1237575 (WHATWG Encoding, gb18030 decoder). Walks sequences as iconv-lite does: after a
 * malformed lead it resumes at the next byte.
 */
function findGb18030Flaw(bytes: Buffer, from: number): Flaw | undefined {
  for (let i = from; i < bytes.length; ) {
    const b1 = bytes[i]!;
    const b2 = byteAt(bytes, i + 1);
    if (b1 < 0x81 || b1 === 0xff) i++;
    else if (b2 >= 0x30 && b2 <= 0x39) {
      const b3 = byteAt(bytes, i + 2);
      const b4 = byteAt(bytes, i + 3);
      if (b3 >= 0x81 && b3 <= 0xfe && b4 >= 0x30 && b4 <= 0x39) {
        const pointer = (b1 - 0x81) * 12600 + (b2 - 0x30) * 1260 + (b3 - 0x81) * 10 + (b4 - 0x30);
        if ((pointer > 39419 && pointer < 189000) || pointer > 1237575) return { start: i, end: i + 4 };
        i += 4;
      } else i++;
    } else if ((b2 >= 0x40 && b2 <= 0x7e) || (b2 >= 0x80 && b2 <= 0xfe)) i += 2;
    else i++;
  }
  return undefined;
}

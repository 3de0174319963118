/**
 * The Unicode charsets: UTF-8, UTF-16, UTF-32 (ours, on `Buffer` and `TextDecoder`), and UTF-7
 * and CESU-8 (iconv-lite, behind validators of ours), each with the finder of its ill-formed
 * sequences.
 *
 * All of them are strict about lone surrogates: in text they are not characters, and in bytes
 * they are not valid, whatever Node's own codecs let through (C-3). With `strict` false, a lone
 * surrogate is written as U+FFFD and each flaw in the bytes is read as one U+FFFD.
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { byteAt, decodeChecked, isWellFormed, LONE_SURROGATE, toWellFormed } from './charset-codec';
import type { Codec, FindFlaw, Flaw } from './charset-codec';
import { CharsetDecodeError, CharsetEncodeError } from './charset-errors';
import { iconvCodec, iconvDecode, iconvEncode } from './iconv';

// UTF-8: Buffer and TextDecoder only. `TextDecoder` is the strict decoder (C-3) with `ignoreBOM`
// so that a BOM survives as U+FEFF, as with `buf.toString('utf8')` (C-32).
const UTF8_FATAL = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Up to this many characters, ASCII text is copied by a loop into Buffer's pool: for a tag or
 * a line (a legacy app's typical chunk) the call into C++ costs more than the copy. Measured:
 * 12 characters 1.8x Buffer.from's speed, 24 1.2x, 32 0.8x.
 */
const SHORT_TEXT = 24;

/** `text` as bytes when it is all ASCII, else undefined (and the few bytes taken are wasted). */
function shortAscii(text: string): Buffer | undefined {
  const bytes = Buffer.allocUnsafe(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return undefined;
    bytes[i] = code;
  }
  return bytes;
}

export const UTF8: Codec = {
  encode(text, strict, charset) {
    // ASCII is UTF-8 as it is, and holds no surrogate.
    if (text.length <= SHORT_TEXT) {
      const ascii = shortAscii(text);
      if (ascii !== undefined) return ascii;
    }
    // Lone surrogates are not characters; Buffer.from would write EF BF BD for each (C-3).
    if (strict && !isWellFormed(text)) throw new CharsetEncodeError(text, text.search(LONE_SURROGATE), charset);
    return Buffer.from(text, 'utf8');
  },
  decode(bytes, strict, charset) {
    if (!strict) return bytes.toString('utf8'); // one U+FFFD per maximal invalid subpart, like WHATWG
    try {
      return UTF8_FATAL.decode(bytes);
    } catch (error) {
      const flaw = findUtf8Flaw(bytes, 0, false); // TextDecoder does not say where
      if (flaw === undefined) throw error;
      throw new CharsetDecodeError(bytes, flaw.start, charset);
    }
  },
};

/**
 * The first ill-formed UTF-8 sequence (Unicode Table 3-7), as a maximal subpart. With `cesu`,
 * CESU-8 (Unicode TR #26): no four-byte forms; surrogates as paired three-byte sequences.
 */
function findUtf8Flaw(bytes: Buffer, from: number, cesu: boolean): Flaw | undefined {
  for (let i = from; i < bytes.length; ) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) need = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      need = 2;
      if (lead === 0xe0) lo = 0xa0;
      else if (lead === 0xed && !cesu) hi = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4 && !cesu) {
      need = 3;
      if (lead === 0xf0) lo = 0x90;
      else if (lead === 0xf4) hi = 0x8f;
    } else return { start: i, end: i + 1 };
    let j = i + 1;
    for (; j <= i + need; j++, lo = 0x80, hi = 0xbf) {
      const b = byteAt(bytes, j);
      if (b < lo || b > hi) return { start: i, end: j };
    }
    if (cesu && lead === 0xed && bytes[i + 1]! >= 0xa0) {
      // A high surrogate (ED A0..AF) must be followed by a low one (ED B0..BF); a low one alone is bad.
      const second = bytes[i + 1]!;
      const next = byteAt(bytes, j + 1);
      const pairs = second < 0xb0 && byteAt(bytes, j) === 0xed && next >= 0xb0 && next <= 0xbf;
      const last = byteAt(bytes, j + 2);
      if (!pairs || last < 0x80 || last > 0xbf) return { start: i, end: j };
      j += 3;
    }
    i = j;
  }
  return undefined;
}

// UTF-16. Node's 'utf16le' keeps lone surrogates and drops an odd last byte without a word, so both
// are checked here. `utf-16` (no endianness in the label) reads a BOM and consumes it; without one
// it is big-endian, as RFC 2781 §4.3 says for the MIME charset "UTF-16". (WHATWG reads it as
// little-endian and iconv-lite guesses from the content; both differ from the registration.) It
// encodes as BOM + big-endian. `utf-16le`/`utf-16be` keep a BOM as U+FEFF.
export function utf16(endian: 'le' | 'be' | 'bom'): Codec {
  return {
    encode(text, strict, charset) {
      if (!isWellFormed(text)) {
        if (strict) throw new CharsetEncodeError(text, text.search(LONE_SURROGATE), charset);
        text = toWellFormed(text);
      }
      const start = endian === 'bom' ? 2 : 0;
      const out = Buffer.alloc(start + text.length * 2);
      if (start) out.set([0xfe, 0xff]);
      out.write(text, start, 'utf16le');
      if (endian !== 'le') out.subarray(start).swap16();
      return out;
    },
    decode(bytes, strict, charset) {
      let start = 0;
      let bigEndian = endian !== 'le';
      if (endian === 'bom' && bytes.length >= 2) {
        if (bytes[0] === 0xfe && bytes[1] === 0xff) start = 2;
        else if (bytes[0] === 0xff && bytes[1] === 0xfe) [start, bigEndian] = [2, false];
      }
      const end = start + ((bytes.length - start) & ~1);
      const units = bigEndian ? Buffer.from(bytes.subarray(start, end)).swap16() : bytes.subarray(start, end);
      let text = units.toString('utf16le');
      if (!isWellFormed(text)) {
        if (strict) throw new CharsetDecodeError(bytes, start + 2 * text.search(LONE_SURROGATE), charset);
        text = toWellFormed(text);
      }
      if (end !== bytes.length) {
        if (strict) throw new CharsetDecodeError(bytes, end, charset);
        text += '\uFFFD';
      }
      return text;
    },
  };
}

// UTF-32: simple enough to do here, and iconv-lite's codec passes surrogate code points through.
// `utf-32` follows the same BOM rule as `utf-16` (big-endian without one).
export function utf32(endian: 'le' | 'be' | 'bom'): Codec {
  return {
    encode(text, strict, charset) {
      const start = endian === 'bom' ? 4 : 0;
      const out = Buffer.alloc(start + text.length * 4);
      const bigEndian = endian !== 'le';
      if (start) out.writeUInt32BE(0xfeff, 0);
      let j = start;
      for (let i = 0; i < text.length; i++, j += 4) {
        let cp = text.charCodeAt(i);
        if (cp >= 0xd800 && cp <= 0xdfff) {
          const next = text.charCodeAt(i + 1);
          if (cp <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
            i++;
          } else if (strict) {
            throw new CharsetEncodeError(text, i, charset);
          } else {
            cp = 0xfffd;
          }
        }
        if (bigEndian) out.writeUInt32BE(cp, j);
        else out.writeUInt32LE(cp, j);
      }
      return out.subarray(0, j);
    },
    decode(bytes, strict, charset) {
      let start = 0;
      let bigEndian = endian !== 'le';
      if (endian === 'bom' && bytes.length >= 4) {
        const head = bytes.readUInt32BE(0);
        if (head === 0xfeff) start = 4;
        else if (head === 0xfffe0000) [start, bigEndian] = [4, false];
      }
      const end = start + ((bytes.length - start) & ~3);
      const points: number[] = [];
      let text = '';
      for (let i = start; i < end; i += 4) {
        const cp = bigEndian ? bytes.readUInt32BE(i) : bytes.readUInt32LE(i);
        const valid = cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
        if (!valid && strict) throw new CharsetDecodeError(bytes, i, charset);
        points.push(valid ? cp : 0xfffd);
        if (points.length === 8192) text += String.fromCodePoint(...points.splice(0));
      }
      text += String.fromCodePoint(...points);
      if (end !== bytes.length) {
        if (strict) throw new CharsetDecodeError(bytes, end, charset);
        text += '\uFFFD';
      }
      return text;
    },
  };
}

// UTF-7 and CESU-8 through iconv-lite, which decodes them leniently: it lets lone surrogates
// through, reads ill-formed UTF-7 shift sequences somehow, and its CESU-8 decoder ends a truncated
// sequence with "0\uFFFD" (iconv-lite 0.7.3). So a validator finds the flaws and iconv-lite only
// ever sees the valid stretches between them.
function iconvUnicode(name: string, findFlaw: FindFlaw): Codec {
  return {
    encode(text, strict, charset) {
      if (!isWellFormed(text)) {
        if (strict) throw new CharsetEncodeError(text, text.search(LONE_SURROGATE), charset);
        text = toWellFormed(text);
      }
      return iconvEncode(iconvCodec(name), text);
    },
    decode(bytes, strict, charset) {
      const codec = iconvCodec(name);
      return decodeChecked(bytes, findFlaw, (valid) => iconvDecode(codec, valid), strict, charset);
    },
  };
}

/**
 * The first ill-formed UTF-7 item (RFC 2152; with `imap`, RFC 3501 §5.1.3): a byte above 0x7F, or a
 * whole shift sequence that is empty without "-", leaves 6+ or non-zero bits over, holds a lone
 * surrogate, or (IMAP) does not end with "-".
 */
function findUtf7Flaw(bytes: Buffer, from: number, imap: boolean): Flaw | undefined {
  const shift = imap ? 0x26 : 0x2b; // '&' : '+'
  for (let i = from; i < bytes.length; ) {
    const byte = bytes[i]!;
    if (byte >= 0x80) return { start: i, end: i + 1 };
    if (byte !== shift) {
      i++;
      continue;
    }
    const start = i++;
    let bits = 0;
    let acc = 0;
    let units = 0;
    let high = false; // a high surrogate waits for its low half
    let bad = false;
    for (let v = base64Value(byteAt(bytes, i), imap); v !== -1; v = base64Value(byteAt(bytes, ++i), imap)) {
      acc = (acc << 6) | v;
      bits += 6;
      if (bits < 16) continue;
      bits -= 16;
      const unit = acc >>> bits;
      acc &= (1 << bits) - 1;
      units++;
      const low = unit >= 0xdc00 && unit <= 0xdfff;
      if (low !== high) bad = true;
      high = unit >= 0xd800 && unit <= 0xdbff;
    }
    const dash = byteAt(bytes, i) === 0x2d;
    if (high || bits >= 6 || acc !== 0) bad = true;
    if (units === 0 && bits === 0 && !dash) bad = true; // "+" must be followed by base64 or "-"
    if (imap && !dash) bad = true;
    if (dash) i++;
    if (bad) return { start, end: i };
  }
  return undefined;
}

function base64Value(byte: number, imap: boolean): number {
  if (byte >= 0x41 && byte <= 0x5a) return byte - 0x41; // A-Z
  if (byte >= 0x61 && byte <= 0x7a) return byte - 0x61 + 26; // a-z
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30 + 52; // 0-9
  if (byte === 0x2b) return 62; // +
  if (byte === (imap ? 0x2c : 0x2f)) return 63; // IMAP uses ',' for '/'
  return -1;
}

/** UTF-7 (RFC 2152), or with `imap` the modified UTF-7 of IMAP mailbox names (RFC 3501 §5.1.3). */
export function utf7(imap: boolean): Codec {
  return iconvUnicode(imap ? 'utf7imap' : 'utf7', (bytes, from) => findUtf7Flaw(bytes, from, imap));
}

/** CESU-8 (Unicode TR #26): UTF-8 with astral characters as two three-byte surrogates. */
export const CESU8: Codec = iconvUnicode('cesu8', (bytes, from) => findUtf8Flaw(bytes, from, true));

import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import type { Encoding } from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { CharsetDecodeError, CharsetEncodeError, decodeText, encodeText } from '../../src/codecs/text';

const ascii = Array.from({ length: 0x60 }, (_, i) => String.fromCharCode(0x20 + i)); // incl. DEL

/**
 * Characters a double-byte charset maps both ways, found by decoding every two-byte code with
 * iconv-lite and keeping what encodes back to the same character.
 */
function doubleByteRepertoire(codec: Encoding): string[] {
  const found = new Set<string>();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      const c = iconv.decode(Buffer.from([lead, trail]), codec);
      if (c !== '\uFFFD' && [...c].length === 1 && iconv.decode(iconv.encode(c, codec), codec) === c) found.add(c);
    }
  }
  return [...found];
}

const textFrom = (chars: string[]): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...chars), { maxLength: 64 }).map((a) => a.join(''));

describe('text codecs: round trips', () => {
  it('C-3: UTF-8 round-trips any well-formed string, with the same bytes as Buffer', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const bytes = encodeText(s, 'utf-8');
        expect(bytes).toEqual(Buffer.from(s, 'utf8'));
        expect(decodeText(bytes, 'utf-8')).toBe(s);
      }),
      { numRuns: 500 },
    );
  });

  it('C-1: latin-1 round-trips any native string, with the same bytes as Buffer', () => {
    const native = fc
      .array(fc.integer({ min: 0, max: 0xff }), { maxLength: 200 })
      .map((codes) => String.fromCharCode(...codes));
    fc.assert(
      fc.property(native, (s) => {
        const bytes = encodeText(s, 'iso-8859-1');
        expect(bytes).toEqual(Buffer.from(s, 'latin1'));
        expect(decodeText(bytes, 'latin1')).toBe(s);
      }),
      { numRuns: 500 },
    );
  });

  it('UTF-16 and UTF-32 round-trip any well-formed string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (s) => {
        for (const charset of ['utf-16le', 'utf-16be', 'utf-16', 'utf-32le', 'utf-32be', 'utf-32', 'utf-7', 'cesu-8']) {
          expect(decodeText(encodeText(s, charset), charset), charset).toBe(s);
        }
      }),
      { numRuns: 200 },
    );
  });

  for (const [charset, codec] of [
    ['shift_jis', 'shiftjis'],
    ['euc-jp', 'eucjp'],
    ['gbk', 'gbk'],
    ['gb18030', 'gb18030'],
    ['big5', 'big5hkscs'],
    ['euc-kr', 'cp949'],
  ] as const) {
    it(`${charset} round-trips strings drawn from characters it represents, as iconv-lite encodes them`, () => {
      const repertoire = doubleByteRepertoire(codec);
      expect(repertoire.length).toBeGreaterThan(5000);
      fc.assert(
        fc.property(textFrom([...ascii, ...repertoire]), (s) => {
          const bytes = encodeText(s, charset);
          expect(bytes).toEqual(iconv.encode(s, codec));
          expect(decodeText(bytes, charset)).toBe(s);
        }),
        { numRuns: 200 },
      );
    });
  }
});

describe('text codecs: strict never substitutes silently', () => {
  it('C-38: strict decode either returns what replace returns, or throws where replace substitutes', () => {
    const unicode = ['utf-8', 'utf-16le', 'utf-16be', 'utf-32le', 'cesu-8', 'utf-7'];
    const legacy = ['shift_jis', 'euc-jp', 'gbk', 'gb18030', 'big5', 'euc-kr', 'windows-1252', 'us-ascii', 'koi8-r'];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 48 }), fc.constantFrom(...unicode, ...legacy), (bytes, charset) => {
        const replaced = decodeText(bytes, charset, 'replace');
        let strict: string | undefined;
        try {
          strict = decodeText(bytes, charset);
        } catch (error) {
          expect(error).toBeInstanceOf(CharsetDecodeError);
          const offset = (error as CharsetDecodeError).offset;
          expect(offset).toBeGreaterThanOrEqual(0);
          expect(offset).toBeLessThan(bytes.length);
          expect(replaced).toContain('\uFFFD');
          return;
        }
        expect(strict).toBe(replaced);
        if (charset === 'gb18030') return; // has a U+FFFD of its own (84 31 A4 37)
        // Anything else can only contain U+FFFD if the bytes spell it in a Unicode charset.
        if (strict.includes('\uFFFD')) expect(unicode).toContain(charset);
      }),
      { numRuns: 3000 },
    );
  });

  it('C-3: UTF-8 strict fails exactly on invalid UTF-8, at an offset before which all is valid', () => {
    const mostlyUtf8 = fc.oneof(
      fc.uint8Array({ maxLength: 32 }),
      fc
        .tuple(
          fc.string({ unit: 'binary', maxLength: 16 }),
          fc.uint8Array({ maxLength: 3 }),
          fc.string({ maxLength: 8 }),
        )
        .map(([a, junk, b]) => Buffer.concat([Buffer.from(a), junk, Buffer.from(b)])),
    );
    const whatwg = new TextDecoder('utf-8', { ignoreBOM: true });
    fc.assert(
      fc.property(mostlyUtf8, (bytes) => {
        // Replace mode substitutes as the WHATWG decoder does (one U+FFFD per maximal subpart).
        expect(decodeText(bytes, 'utf-8', 'replace')).toBe(whatwg.decode(bytes));
        if (isUtf8(bytes)) {
          expect(decodeText(bytes, 'utf-8')).toBe(Buffer.from(bytes).toString('utf8'));
          return;
        }
        const error = (() => {
          try {
            decodeText(bytes, 'utf-8');
          } catch (e) {
            return e as CharsetDecodeError;
          }
          throw new Error('strict decode accepted invalid UTF-8');
        })();
        expect(isUtf8(bytes.subarray(0, error.offset))).toBe(true);
        expect(isUtf8(bytes.subarray(0, error.offset + 1))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('strict encode names the first character iconv-lite cannot map, and nothing earlier', () => {
    const repertoire = doubleByteRepertoire('shiftjis');
    const foreign = ['\u20ac', '\u{1F600}', '\uAC00', '\u0E01', '\uFFFD', '\ud800'];
    const oracle = (c: string): boolean =>
      c !== '\uFFFD' && iconv.decode(iconv.encode(c, 'shiftjis'), 'shiftjis') === c;
    fc.assert(
      fc.property(textFrom([...ascii, ...repertoire.slice(0, 2000), ...foreign]), (s) => {
        const chars = s.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\s\S]/g) ?? [];
        const bad = chars.findIndex((c) => !oracle(c));
        const index = chars.slice(0, Math.max(bad, 0)).join('').length;
        try {
          encodeText(s, 'shift_jis');
          expect(bad).toBe(-1);
        } catch (error) {
          expect(error).toBeInstanceOf(CharsetEncodeError);
          expect((error as CharsetEncodeError).index).toBe(index);
          expect((error as CharsetEncodeError).character).toBe(chars[bad]);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NativeStringError, bytesToNative } from '../../src/codecs/latin1';
import { PathDecodeError, decodePath, decodeQueryValue, encodePath, encodePathToUrl } from '../../src/codecs/path';
import { percentDecodeNative } from '../../src/codecs/percent';

const numRuns = 1000;

/** One code point, weighted towards the interesting ranges: ASCII (with `%` and hex digits), latin-1, BMP, astral. */
const codePoint = fc.oneof(
  fc.constantFrom('%', 'A', 'e', '9', '/', '+', ' ', '\u00e9', '\ufeff', '\ufffd'),
  fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x80, max: 0x7ff }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x800, max: 0xffff }).filter((c) => c < 0xd800 || c > 0xdfff).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
);
/** Any well-formed text (no lone surrogates). */
const text = fc.string({ unit: codePoint, maxLength: 30 });

/** Byte strings mixing valid UTF-8 of text with arbitrary bytes, so that both kinds meet. */
const mixedBytes = fc
  .array(fc.oneof(text.map((t) => Buffer.from(t, 'utf8')), fc.uint8Array({ maxLength: 4 }), fc.uint8Array({ minLength: 1, maxLength: 1 }).map((b) => Buffer.from([0xc0 | (b[0] ?? 0)]))), {
    maxLength: 6,
  })
  .map((parts) => Buffer.concat(parts));

/** An independent oracle for UTF-8 validity: Buffer replaces invalid sequences, so they do not survive a round trip. */
function isValidUtf8(bytes: Uint8Array): boolean {
  const buffer = Buffer.from(bytes);
  return Buffer.from(buffer.toString('utf8'), 'utf8').equals(buffer);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('decodePath / encodePath properties (UTF-8)', () => {
  it('C-6: decodePath inverts encodePath for any text, and encodePath inverts decodePath on its output', () => {
    fc.assert(
      fc.property(text, (t) => {
        const native = encodePath(t);
        expect(native).toMatch(/^[\x00-\xFF]*$/);
        expect(decodePath(native)).toBe(t);
        expect(encodePath(decodePath(native))).toBe(native);
      }),
      { numRuns },
    );
  });

  it('C-18: encodePathToUrl gives ASCII that percent-decodes per byte to encodePath, and decodeQueryValue reads it back', () => {
    fc.assert(
      fc.property(text, (t) => {
        const url = encodePathToUrl(t, { safe: '' });
        expect(url).toMatch(/^(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})*$/);
        expect(percentDecodeNative(url)).toBe(encodePath(t));
        expect(decodeQueryValue(url)).toBe(t);
        expect(decodeQueryValue(url, { plusAsSpace: true })).toBe(t); // `+` was written %2B
      }),
      { numRuns },
    );
  });

  it("C-15: 'repercent' is lossless and always well-formed text", () => {
    fc.assert(
      fc.property(mixedBytes, (bytes) => {
        const native = bytesToNative(bytes);
        const out = decodePath(native, { errors: 'repercent' });
        expect(LONE_SURROGATE.test(out)).toBe(false);
        expect(percentDecodeNative(encodePath(out))).toBe(native);
        if (isValidUtf8(bytes) && !/%[0-9A-Fa-f]{2}/.test(native)) expect(out).toBe(decodePath(native));
      }),
      { numRuns },
    );
  });

  it("C-14: 'replace' never throws, gives well-formed text, and replaces as Buffer's UTF-8 decoder does", () => {
    fc.assert(
      fc.property(mixedBytes, (bytes) => {
        const native = bytesToNative(bytes);
        const out = decodePath(native, { errors: 'replace' });
        expect(LONE_SURROGATE.test(out)).toBe(false);
        expect(out).toBe(Buffer.from(bytes).toString('utf8'));
      }),
      { numRuns },
    );
  });

  it('C-16: strict throws iff the bytes are not valid UTF-8, at the first invalid byte', () => {
    fc.assert(
      fc.property(mixedBytes, (bytes) => {
        const native = bytesToNative(bytes);
        let error: unknown;
        try {
          decodePath(native);
        } catch (e) {
          error = e;
        }
        expect(error === undefined).toBe(isValidUtf8(bytes));
        if (error !== undefined) {
          expect(error).toBeInstanceOf(PathDecodeError);
          const { byteOffset, bytes: shown } = error as PathDecodeError;
          expect(isValidUtf8(bytes.subarray(0, byteOffset))).toBe(true);
          expect(shown.startsWith(`%${(bytes[byteOffset] ?? 0).toString(16).toUpperCase().padStart(2, '0')}`)).toBe(true);
        }
      }),
      { numRuns },
    );
  });

  it("C-16: 'latin1-fallback' never throws and gives the UTF-8 text or the latin-1 reading", () => {
    fc.assert(
      fc.property(mixedBytes, (bytes) => {
        const native = bytesToNative(bytes);
        const out = decodePath(native, { errors: 'latin1-fallback' });
        expect(out).toBe(isValidUtf8(bytes) ? Buffer.from(bytes).toString('utf8') : native);
      }),
      { numRuns },
    );
  });

  it('C-33: a code unit above U+00FF is refused in every mode', () => {
    const wide = fc.integer({ min: 0x100, max: 0xffff }).map((c) => String.fromCharCode(c));
    fc.assert(
      fc.property(text, wide, fc.constantFrom('strict', 'replace', 'repercent', 'latin1-fallback' as const), (t, w, errors) => {
        expect(() => decodePath(t + w, { errors })).toThrow(NativeStringError);
      }),
      { numRuns },
    );
  });
});

describe('decodePath / encodePath properties (other charsets, through text.ts)', () => {
  it('C-1: latin-1 round-trips every native string as itself', () => {
    const native = fc.string({ unit: 'binary-ascii', maxLength: 30 }).map((s) => s.replace(/%/g, '')); // '%' would be escaped by 'repercent' only
    fc.assert(
      fc.property(native, (n) => {
        expect(decodePath(n, { charset: 'latin1' })).toBe(n);
        expect(encodePath(n, { charset: 'latin1' })).toBe(n);
      }),
      { numRuns },
    );
  });

  it('C-8: Shift_JIS text round-trips, and repercent is lossless on arbitrary bytes', () => {
    const sjisText = fc.string({ unit: fc.constantFrom('a', '/', '%', '4', '1', '日', '本', '語', 'あ', 'ア', 'ｱ', '・'), maxLength: 12 });
    fc.assert(
      fc.property(sjisText, mixedBytes, (t, bytes) => {
        const native = encodePath(t, { charset: 'shift_jis' });
        expect(decodePath(native, { charset: 'shift_jis' })).toBe(t);
        const raw = bytesToNative(bytes);
        const out = decodePath(raw, { charset: 'shift_jis', errors: 'repercent' });
        expect(percentDecodeNative(encodePath(out, { charset: 'shift_jis' }))).toBe(raw);
      }),
      { numRuns },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeTargetText, percentDecodeNative } from '../../src/codecs/percent';
import { quotePath } from '../../src/native/util';

describe('percentDecodeNative (C-9)', () => {
  it('C-9: decodes each %XX to one byte, held as one code unit', () => {
    expect(percentDecodeNative('/caf%C3%A9')).toBe('/caf\u00c3\u00a9');
    expect(percentDecodeNative('/caf%e9')).toBe('/caf\u00e9');
  });

  it('C-9, C-10: %2F becomes a slash, + stays a plus', () => {
    expect(percentDecodeNative('/a%2Fb+c')).toBe('/a/b+c');
  });

  it('C-9: a malformed % is kept literally', () => {
    expect(percentDecodeNative('/100%')).toBe('/100%');
    expect(percentDecodeNative('/%zz%4')).toBe('/%zz%4');
    expect(percentDecodeNative('/%%41')).toBe('/%A');
  });

  it('C-9: round-trips every native string through per-byte quoting', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)) }), (native) => {
        expect(percentDecodeNative(quotePath(native))).toBe(native);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('encodeTargetText (RFC 3987 §3.1)', () => {
  it('encodes the UTF-8 bytes of non-ASCII characters and keeps existing escapes', () => {
    expect(encodeTargetText('/café')).toBe('/caf%C3%A9');
    expect(encodeTargetText('/caf%C3%A9')).toBe('/caf%C3%A9');
    expect(encodeTargetText('/a b')).toBe('/a%20b');
    expect(encodeTargetText('/😀')).toBe('/%F0%9F%98%80');
  });

  it('gives pure ASCII for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(encodeTargetText(text)).toMatch(/^[\x21-\x7E]*$/);
      }),
      { numRuns: 1000 },
    );
  });
});

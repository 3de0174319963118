import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NativeStringError, assertNativeString, bytesToNative, isNativeString, nativeToBytes } from '../../src/codecs/latin1';

describe('the latin-1 tunnel (C-1…C-5)', () => {
  it('C-1: every byte value maps to the code point of the same number, and back', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const native = bytesToNative(all);
    expect([...native].map((c) => c.charCodeAt(0))).toEqual([...all]);
    expect(nativeToBytes(native)).toEqual(Buffer.from(all));
  });

  it('C-1: any bytes round-trip exactly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (b) => {
        expect(nativeToBytes(bytesToNative(b))).toEqual(Buffer.from(b));
      }),
      { numRuns: 1000 },
    );
  });

  it('N-2, C-5: é and C1 controls are native; €, Œ and astral characters are not', () => {
    expect(isNativeString('caf\u00e9\u0085')).toBe(true);
    for (const s of ['\u20ac', '\u0152', '\u{1F600}', '\ud800']) expect(isNativeString(s), s).toBe(false);
    expect(isNativeString(42)).toBe(false);
  });

  it('N-4, C-4: a wide character is refused, never truncated to its low byte', () => {
    // Buffer.from('\u0141', 'latin1') would silently give 0x41 ('A').
    expect(() => nativeToBytes('\u0141')).toThrow(NativeStringError);
  });

  it('N-3: the error names the character, its code point and its index', () => {
    const error = (() => {
      try {
        assertNativeString('price: 5€', 'header "X-Price"');
      } catch (e) {
        return e as NativeStringError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(NativeStringError);
    expect(error?.character).toBe('€');
    expect(error?.codePoint).toBe(0x20ac);
    expect(error?.index).toBe(8);
    expect(error?.message).toMatch(/header "X-Price" holds '€' \(U\+20AC\) at index 8/);
  });

  it('C-5: a surrogate pair is named as one character', () => {
    try {
      nativeToBytes('a\u{1F600}');
    } catch (e) {
      expect((e as NativeStringError).codePoint).toBe(0x1f600);
      expect((e as NativeStringError).index).toBe(1);
      return;
    }
    throw new Error('expected a NativeStringError');
  });
});

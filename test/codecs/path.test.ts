import { describe, expect, it } from 'vitest';
import { NativeStringError } from '../../src/codecs/latin1';
import {
  PathDecodeError,
  PathEncodeError,
  decodePath,
  decodeQueryValue,
  encodePath,
  encodePathToUrl,
  type PathErrors,
} from '../../src/codecs/path';
import { percentDecodeNative } from '../../src/codecs/percent';

/** The PathDecodeError `fn` throws (fails the test when it throws nothing or something else). */
function decodeError(fn: () => unknown): PathDecodeError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PathDecodeError);
    return error as PathDecodeError;
  }
  throw new Error('expected a PathDecodeError');
}

describe('decodePath: the decoding dance (C-6)', () => {
  it('C-6: the UTF-8 bytes of é seen as latin-1 decode to é', () => {
    expect(decodePath('/caf\u00c3\u00a9')).toBe('/café');
  });

  it('C-9, C-11: a request path /caf%C3%A9, percent-decoded per byte by the server, becomes /café', () => {
    expect(decodePath(percentDecodeNative('/caf%C3%A9'))).toBe('/café');
    expect(decodePath(percentDecodeNative('/%E6%97%A5%E6%9C%AC/%F0%9F%98%80'))).toBe('/日本/😀');
  });

  it('C-33: the native string is not the text; compare after decoding', () => {
    const pathInfo: string = '/caf\u00c3\u00a9';
    expect(pathInfo === '/café').toBe(false);
    expect(decodePath(pathInfo) === '/café').toBe(true);
  });

  it('C-33, C-41: a value that is already text (a code unit above U+00FF) is not decoded twice', () => {
    const once = decodePath(percentDecodeNative('/%E6%97%A5'));
    expect(() => decodePath(once)).toThrow(NativeStringError);
    expect(() => decodeQueryValue('q=\u20ac')).toThrow(NativeStringError);
  });

  it('ASCII passes through unchanged in every mode', () => {
    for (const errors of ['strict', 'replace', 'repercent', 'latin1-fallback'] as const) {
      expect(decodePath('/a/b;c=d,e+f', { errors })).toBe('/a/b;c=d,e+f');
    }
  });

  it('C-32: a leading UTF-8 BOM stays U+FEFF, so the round trip keeps it', () => {
    expect(decodePath('\u00ef\u00bb\u00bf/a')).toBe('\ufeff/a');
    expect(encodePath('\ufeff/a')).toBe('\u00ef\u00bb\u00bf/a');
  });

  it('rejects an unknown errors mode', () => {
    expect(() => decodePath('/\u00e9', { errors: 'ignore' as PathErrors })).toThrow(TypeError);
  });
});

describe("errors: 'strict' (C-16: strict routers answer 400)", () => {
  it('C-16: %E9 is not UTF-8: PathDecodeError names the offset, the bytes and the charset', () => {
    const error = decodeError(() => decodePath(percentDecodeNative('/caf%E9')));
    expect(error.byteOffset).toBe(4);
    expect(error.bytes).toBe('%E9');
    expect(error.charset).toBe('utf-8');
    expect(error.value).toBe('/caf\u00e9');
    expect(error.message).toContain('%E9');
    expect(error.message).toContain('byte offset 4');
    expect(error.message).toContain('utf-8');
  });

  it('C-3: a truncated sequence is reported whole (its maximal invalid subpart)', () => {
    const error = decodeError(() => decodePath('/ok/\u00e2\u0082/x'));
    expect(error.byteOffset).toBe(4);
    expect(error.bytes).toBe('%E2%82');
  });

  it('C-3: overlongs, surrogates and code points above U+10FFFF are invalid UTF-8', () => {
    expect(decodeError(() => decodePath('/\u00c0\u00af')).byteOffset).toBe(1); // overlong '/'
    expect(decodeError(() => decodePath('/\u00ed\u00a0\u0080')).bytes).toBe('%ED'); // U+D800
    expect(decodeError(() => decodePath('/\u00f4\u0090\u0080\u0080')).bytes).toBe('%F4'); // > U+10FFFF
  });

  it('C-19: decodeURIComponent throws URIError on %E9; decodeQueryValue throws a PathDecodeError with the offset', () => {
    expect(() => decodeURIComponent('caf%E9')).toThrow(URIError);
    const error = decodeError(() => decodeQueryValue('caf%E9'));
    expect(error.byteOffset).toBe(3);
  });
});

describe("errors: 'replace' (C-13, C-14: Werkzeug)", () => {
  it('C-14: an invalid byte becomes U+FFFD', () => {
    expect(decodePath('/caf\u00e9', { errors: 'replace' })).toBe('/caf\ufffd');
  });

  it('C-3, C-39: one U+FFFD per maximal invalid subpart, and the bytes are lost', () => {
    expect(decodePath('/\u00e2\u0082x\u00ff', { errors: 'replace' })).toBe('/\ufffdx\ufffd');
    expect(encodePath(decodePath('/caf\u00e9', { errors: 'replace' }))).not.toBe('/caf\u00e9');
  });
});

describe("errors: 'repercent' (C-15: Django, recommended by C-16)", () => {
  it('C-15: repercent keeps invalid octets as %XX', () => {
    expect(decodePath('/caf\u00e9', { errors: 'repercent' })).toBe('/caf%E9');
    expect(decodePath(percentDecodeNative('/caf%E9'), { errors: 'repercent' })).toBe('/caf%E9');
  });

  it('C-15: valid sequences are decoded and each invalid octet escaped', () => {
    expect(decodePath('/caf\u00c3\u00a9/\u00e9\u00e2\u0082x\u00ff', { errors: 'repercent' })).toBe('/café/%E9%E2%82x%FF');
  });

  it('C-15, C-39: a literal % before two hex digits becomes %25, so percent-decoding gives the bytes back', () => {
    const native = '/50%41/caf\u00e9/100%';
    const text = decodePath(native, { errors: 'repercent' });
    expect(text).toBe('/50%2541/caf%E9/100%');
    expect(percentDecodeNative(encodePath(text))).toBe(native);
  });

  it('C-15: valid UTF-8 without %XX-like text decodes as strict does', () => {
    expect(decodePath('/caf\u00c3\u00a9/100%', { errors: 'repercent' })).toBe('/café/100%');
  });
});

describe("errors: 'latin1-fallback' (C-16: legacy heuristic)", () => {
  it('C-16: valid UTF-8 is decoded as UTF-8', () => {
    expect(decodePath('/caf\u00c3\u00a9', { errors: 'latin1-fallback' })).toBe('/café');
  });

  it('C-16: invalid UTF-8 is read whole as latin-1, which is ambiguous', () => {
    expect(decodePath('/caf\u00e9', { errors: 'latin1-fallback' })).toBe('/café');
    // The same text from two different byte sequences: the heuristic cannot be inverted.
    expect(decodePath('/caf\u00e9', { errors: 'latin1-fallback' })).toBe(decodePath('/caf\u00c3\u00a9', { errors: 'latin1-fallback' }));
    expect(decodePath('/\u00c3\u00a9\u00e9', { errors: 'latin1-fallback' })).toBe('/\u00c3\u00a9\u00e9');
  });
});

describe('charsets', () => {
  it('C-1, C-4: latin-1 means ISO-8859-1 (identity), not windows-1252', () => {
    expect(decodePath('/caf\u00e9\u0080', { charset: 'iso-8859-1' })).toBe('/caf\u00e9\u0080');
    expect(decodePath('/\u0080', { charset: 'latin1' })).toBe('/\u0080');
    expect(encodePath('/café', { charset: 'latin1' })).toBe('/caf\u00e9');
    expect(() => encodePath('/\u20ac', { charset: 'ISO-8859-1' })).toThrow(PathEncodeError);
  });

  it('accepts UTF-8 labels in any case', () => {
    expect(decodePath('/\u00c3\u00a9', { charset: 'UTF8' })).toBe('/é');
    expect(encodePath('/é', { charset: ' UTF-8 ' })).toBe('/\u00c3\u00a9');
  });

  it('C-2, C-8: a Shift_JIS path decodes and encodes through text.ts', () => {
    const native = '/\u0093\u00fa\u0096\u007b'; // 日本 in Shift_JIS: 93 FA 96 7B
    expect(decodePath(native, { charset: 'shift_jis' })).toBe('/日本');
    expect(encodePath('/日本', { charset: 'shift_jis' })).toBe(native);
    expect(encodePathToUrl('/日本', { charset: 'shift_jis' })).toBe('/%93%FA%96%7B');
  });

  it('C-16: an invalid Shift_JIS byte is located, replaced or re-percent-encoded', () => {
    const native = '/\u0093\u00fa\u0093'; // 日, then a lead byte with nothing after it
    const error = decodeError(() => decodePath(native, { charset: 'shift_jis' }));
    expect(error.byteOffset).toBe(3);
    expect(error.bytes).toBe('%93');
    expect(decodePath(native, { charset: 'shift_jis', errors: 'repercent' })).toBe('/日%93');
    expect(decodePath(native, { charset: 'shift_jis', errors: 'replace' })).toBe('/日\ufffd');
    expect(decodePath(native, { charset: 'shift_jis', errors: 'latin1-fallback' })).toBe(native);
    expect(() => encodePath('/\u00e9\u0301', { charset: 'shift_jis' })).toThrow(PathEncodeError);
  });
});

describe('encodePath and encodePathToUrl: the encoding dance (C-6, C-18)', () => {
  it('C-6: text becomes the latin-1 view of its UTF-8 bytes', () => {
    expect(encodePath('/café')).toBe('/caf\u00c3\u00a9');
    expect(encodePath('/😀')).toBe('/\u00f0\u009f\u0098\u0080');
  });

  it('C-3: a lone surrogate is refused, not turned into U+FFFD', () => {
    let caught: unknown;
    try {
      encodePath('/a\ud800b');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PathEncodeError);
    expect((caught as PathEncodeError).index).toBe(2);
    expect((caught as PathEncodeError).codePoint).toBe(0xd800);
  });

  it('C-18, N-126: a URL path percent-encodes each byte once, unlike encodeURI on the native string', () => {
    expect(encodePathToUrl('/café au lait')).toBe('/caf%C3%A9%20au%20lait');
    expect(encodeURI(encodePath('/café'))).toBe('/caf%C3%83%C2%A9'); // the double encoding C-18 warns about
    expect(encodePathToUrl('/a;b=c', { safe: '/;=' })).toBe('/a;b=c');
    expect(encodePathToUrl('/a;b=c')).toBe('/a%3Bb%3Dc');
  });

  it('C-34: decodePath and encodePath invert each other where encodeURIComponent cannot', () => {
    const native = percentDecodeNative('/caf%C3%A9');
    expect(encodePath(decodePath(native))).toBe(native);
    expect(decodePath(encodePath('/日本/😀'))).toBe('/日本/😀');
  });
});

describe('decodeQueryValue', () => {
  it('C-9: percent-decodes per byte, then decodes the text', () => {
    expect(decodeQueryValue('caf%C3%A9')).toBe('café');
    expect(decodeQueryValue('100%')).toBe('100%');
  });

  it('C-29: + is a space only with plusAsSpace; %2B is a plus either way', () => {
    expect(decodeQueryValue('a+b%2Bc')).toBe('a+b+c');
    expect(decodeQueryValue('a+b%2Bc', { plusAsSpace: true })).toBe('a b+c');
  });

  it('C-15: repercent on a query value keeps the bad byte as %XX', () => {
    expect(decodeQueryValue('caf%E9+x', { errors: 'repercent', plusAsSpace: true })).toBe('caf%E9 x');
  });
});

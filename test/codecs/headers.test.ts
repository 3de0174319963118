import { describe, expect, it } from 'vitest';
import { HeaderEncodingError, defaultHeaderPolicy, encodeHeaderValue, type HeaderPolicy } from '../../src/codecs/headers';
import { headerValueProblem } from '../../src/native/checks';

/** The HeaderEncodingError `fn` throws (fails the test when it throws nothing or something else). */
function encodingError(fn: () => unknown): HeaderEncodingError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(HeaderEncodingError);
    return error as HeaderEncodingError;
  }
  throw new Error('expected a HeaderEncodingError');
}

const POLICIES: HeaderPolicy[] = ['strict', 'rfc2047', 'rfc8187', 'percent'];

describe('defaultHeaderPolicy', () => {
  it('C-26: URL-valued headers get percent, Content-Disposition RFC 8187, everything else strict', () => {
    expect(defaultHeaderPolicy('Location')).toBe('percent');
    expect(defaultHeaderPolicy('Content-Location')).toBe('percent');
    expect(defaultHeaderPolicy('Link')).toBe('percent');
    expect(defaultHeaderPolicy('Content-Disposition')).toBe('rfc8187');
    expect(defaultHeaderPolicy('X-Title')).toBe('strict');
    expect(defaultHeaderPolicy('')).toBe('strict');
  });

  it('C-23: RFC 2047 is legacy and never the default', () => {
    for (const name of ['Subject', 'X-Anything', 'Content-Type', 'Warning']) expect(defaultHeaderPolicy(name)).not.toBe('rfc2047');
  });

  it('C-40: names match in any ASCII case', () => {
    expect(defaultHeaderPolicy('LOCATION')).toBe('percent');
    expect(defaultHeaderPolicy('content-disposition')).toBe('rfc8187');
  });

  it("'auto' uses the name's default policy", () => {
    expect(encodeHeaderValue('/café', 'auto', 'Location')).toBe('/caf%C3%A9');
    expect(() => encodeHeaderValue('\u20ac', 'auto', 'X-Price')).toThrow(HeaderEncodingError);
    expect(() => encodeHeaderValue('\u20ac', 'auto')).toThrow(HeaderEncodingError);
  });
});

describe('every policy', () => {
  it('C-27: a value that is already valid ASCII passes through unchanged', () => {
    for (const policy of POLICIES) {
      expect(encodeHeaderValue('https://example.com/a?b=c%20d#e', policy, 'Location')).toBe('https://example.com/a?b=c%20d#e');
      expect(encodeHeaderValue('', policy)).toBe('');
    }
    for (const policy of ['strict', 'rfc2047', 'rfc8187'] as const) {
      expect(encodeHeaderValue('attachment; filename="a b.pdf"', policy)).toBe('attachment; filename="a b.pdf"');
    }
  });

  it('C-3: a lone surrogate is refused by every policy', () => {
    for (const policy of POLICIES) {
      const error = encodingError(() => encodeHeaderValue('attachment; filename="a\ud800"', policy, 'Content-Disposition'));
      expect(error.index).toBe(23);
      expect(error.codePoint).toBe(0xd800);
    }
  });

  it('rejects an unknown policy', () => {
    expect(() => encodeHeaderValue('\u20ac', 'base64' as HeaderPolicy)).toThrow(TypeError);
  });
});

describe("'strict' (N-121, C-35)", () => {
  it('C-22: latin-1 (obs-text) and HTAB are valid and pass', () => {
    expect(encodeHeaderValue('café\tau lait', 'strict', 'X-Drink')).toBe('café\tau lait');
  });

  it('C-35: a character above U+00FF throws, naming header, character, code point and index', () => {
    const error = encodingError(() => encodeHeaderValue('5 \u20ac', 'strict', 'X-Price'));
    expect(error.header).toBe('X-Price');
    expect(error.character).toBe('\u20ac');
    expect(error.codePoint).toBe(0x20ac);
    expect(error.index).toBe(2);
    expect(error.message).toContain('"X-Price"');
    expect(error.message).toContain('U+20AC');
    expect(error.message).toContain('index 2');
    expect(error.message).toContain('rfc8187');
  });

  it('C-5: an astral character is reported whole', () => {
    const error = encodingError(() => encodeHeaderValue('a😀', 'strict', 'X-Mood'));
    expect(error.character).toBe('😀');
    expect(error.codePoint).toBe(0x1f600);
    expect(error.index).toBe(1);
  });

  it('C-35: the error suggests the policy that would carry the value', () => {
    expect(encodingError(() => encodeHeaderValue('/caf\u0113', 'strict', 'Location')).message).toContain("'percent'");
    expect(encodingError(() => encodeHeaderValue('attachment; filename="\u0113"', 'strict', 'Content-Disposition')).message).toContain("'rfc8187'");
    expect(encodingError(() => encodeHeaderValue('\u0113', 'strict', 'X-Title')).message).toContain("'rfc2047'");
  });

  it('C-22: CR, LF, NUL and other controls throw', () => {
    expect(encodingError(() => encodeHeaderValue('a\r\nSet-Cookie: x=1', 'strict', 'X-A')).index).toBe(1);
    expect(encodingError(() => encodeHeaderValue('a\0', 'strict', 'X-A')).message).toContain('split or truncate');
    expect(encodingError(() => encodeHeaderValue('a\x7f', 'strict', 'X-A')).codePoint).toBe(0x7f);
  });
});

describe("'rfc2047' (C-23)", () => {
  it('C-23: a value outside latin-1 becomes one B encoded-word in UTF-8', () => {
    expect(encodeHeaderValue('\u20ac', 'rfc2047', 'X-Price')).toBe('=?UTF-8?B?4oKs?=');
    expect(encodeHeaderValue('Grüße \u20ac', 'rfc2047', 'X-Greeting')).toBe('=?UTF-8?B?R3LDvMOfZSDigqw=?=');
    expect(Buffer.from('w6k=', 'base64').toString('utf8')).toBe('é'); // C-23's own example word
  });

  it('C-22, N-121: latin-1 text passes through, as RFC 2616 TEXT', () => {
    expect(encodeHeaderValue('café', 'rfc2047', 'X-Drink')).toBe('café');
  });

  it('C-23, B-71: a long value becomes several words of at most 75 characters, one space apart, no folding', () => {
    const text = '\u20ac'.repeat(40) + ' 😀'.repeat(20);
    const encoded = encodeHeaderValue(text, 'rfc2047', 'X-Long');
    const words = encoded.split(' ');
    expect(words.length).toBeGreaterThan(2);
    for (const word of words) {
      expect(word.length).toBeLessThanOrEqual(75);
      expect(word).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/]+=*\?=$/);
    }
    expect(encoded).not.toMatch(/[\r\n]/);
    // Each word holds whole characters (RFC 2047 §5), so each decodes on its own.
    const decoded = words.map((word) => Buffer.from(word.slice(10, -2), 'base64').toString('utf8'));
    expect(decoded.join('')).toBe(text);
    expect(decoded.join('')).not.toContain('\ufffd');
  });

  it('C-22: control characters travel inside the encoded-word, never raw', () => {
    const encoded = encodeHeaderValue('a\r\n\u20ac', 'rfc2047', 'X-A');
    expect(headerValueProblem('X-A', encoded)).toBeUndefined();
    expect(Buffer.from(encoded.slice(10, -2), 'base64').toString('utf8')).toBe('a\r\n\u20ac');
  });
});

describe("'rfc8187' (C-24, C-25)", () => {
  const cd = (value: string): string => encodeHeaderValue(value, 'rfc8187', 'Content-Disposition');

  it('C-25: an ASCII fallback filename comes first, then filename* in UTF-8', () => {
    expect(cd('attachment; filename="résumé.pdf"')).toBe(`attachment; filename="resume.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`);
  });

  it('C-24: filename* escapes every byte that is not an attr-char', () => {
    expect(cd('attachment; filename="\u20ac rates!#$&+-.^_`|~.txt"')).toBe(
      "attachment; filename=\" rates!#$&+-.^_`|~.txt\"; filename*=UTF-8''%E2%82%AC%20rates!#$&+-.^_`|~.txt",
    );
  });

  it('C-25: the fallback has no ", \\ or % (quoted-string escapes are parsed first)', () => {
    expect(cd('attachment; filename="a\\"b\\\\c é%41.txt"; size=3')).toBe(
      `attachment; filename="a_b_c e_41.txt"; filename*=UTF-8''a%22b%5Cc%20%C3%A9%2541.txt; size=3`,
    );
  });

  it('C-25: a token value is read as written', () => {
    expect(cd('inline; filename=報告.pdf')).toBe(`inline; filename=".pdf"; filename*=UTF-8''%E5%A0%B1%E5%91%8A.pdf`);
  });

  it('C-25: a value that already has filename* keeps it; filename only gets its fallback', () => {
    expect(cd(`attachment; filename="résumé.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`)).toBe(
      `attachment; filename="resume.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`,
    );
  });

  it('C-24: ASCII parameters keep their spelling; only the non-ASCII one is rewritten', () => {
    expect(cd('inline; name="field"; FileName="naïve\tfile.txt"')).toBe(
      `inline; name="field"; FileName="naive file.txt"; FileName*=UTF-8''na%C3%AFve%09file.txt`,
    );
  });

  it('C-22: a control character in a parameter value is carried as %XX', () => {
    const encoded = cd('attachment; filename="a\r\nb.txt"');
    expect(encoded).toBe(`attachment; filename="ab.txt"; filename*=UTF-8''a%0D%0Ab.txt`);
    expect(headerValueProblem('Content-Disposition', encoded)).toBeUndefined();
  });

  it('C-24: non-ASCII outside a parameter value cannot be carried and throws', () => {
    expect(encodingError(() => cd('pièce-jointe; filename=a')).index).toBe(2);
    expect(encodingError(() => cd('attachment; filé=a')).index).toBe(15);
    expect(encodingError(() => cd('attachment; filename="é" x')).message).toContain('quoted-string');
    expect(encodingError(() => cd(`attachment; filename*=UTF-8''é`)).message).toContain('percent-encoded');
  });
});

describe("'percent' (C-26: IRI → URI)", () => {
  const loc = (value: string): string => encodeHeaderValue(value, 'percent', 'Location');

  it('C-26: percent-encodes the UTF-8 bytes of non-ASCII, spaces and controls, and keeps existing escapes', () => {
    expect(loc('/café')).toBe('/caf%C3%A9');
    expect(loc('/a b/%C3%A9?q=ü&r=%zz#frag ment')).toBe('/a%20b/%C3%A9?q=%C3%BC&r=%zz#frag%20ment');
    expect(loc('/x\r\nSet-Cookie: a=1')).toBe('/x%0D%0ASet-Cookie:%20a=1');
  });

  it('C-26: a latin-1 character in the text is text, so it gets UTF-8 %XX too', () => {
    expect(loc('/caf\u00e9')).toBe('/caf%C3%A9');
  });

  it('C-26: a non-ASCII host becomes punycode (RFC 3987 §3.1)', () => {
    expect(loc('https://bücher.example/straße?q=ü')).toBe('https://xn--bcher-kva.example/stra%C3%9Fe?q=%C3%BC');
    expect(loc('//user:pä@日本.jp:81/a b')).toBe('//user:p%C3%A4@xn--wgv71a.jp:81/a%20b');
    expect(loc('http://[::1]:8080/é')).toBe('http://[::1]:8080/%C3%A9');
    expect(loc('http://a b.example/')).toBe('http://a%20b.example/');
  });

  it('C-26: Link targets are URIs and Link titles use title* (RFC 8187)', () => {
    expect(encodeHeaderValue('<https://example.com/café>; rel="alternate"; title="Café menu", <https://b.example/>; rel=next', 'auto', 'Link')).toBe(
      `<https://example.com/caf%C3%A9>; rel="alternate"; title="Cafe menu"; title*=UTF-8''Caf%C3%A9%20menu, <https://b.example/>; rel=next`,
    );
    expect(encodeHeaderValue('<https://a.example/>; rel="next", ', 'percent', 'Link')).toBe('<https://a.example/>; rel="next", ');
  });

  it('C-26: a malformed Link list throws', () => {
    expect(encodingError(() => encodeHeaderValue('<https://a.example/é', 'percent', 'Link')).index).toBe(0);
    expect(encodingError(() => encodeHeaderValue('<https://a.example/>, x <b>', 'percent', 'Link')).index).toBe(22);
  });

  it('C-27: every result is a valid native header value', () => {
    for (const value of ['/é', 'https://日本.jp/\u0000', '<https://é.example/é>; title="é"']) {
      expect(headerValueProblem('Location', loc(value))).toBeUndefined();
    }
  });
});

import { domainToUnicode } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeaderEncodingError, encodeHeaderValue } from '../../src/codecs/headers';
import { percentDecodeNative } from '../../src/codecs/percent';
import { headerValueProblem } from '../../src/native/checks';

const numRuns = 1000;

/** One code point, weighted towards the interesting ranges: specials, controls, latin-1, BMP, astral. */
const codePoint = fc.oneof(
  fc.constantFrom('"', '\\', ';', '%', '=', '?', '_', ' ', '\t', '\r', '\n', '\0', '\u00e9', '\u20ac', '\u{1F600}'),
  fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x80, max: 0x7ff }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x800, max: 0xffff }).filter((c) => c < 0xd800 || c > 0xdfff).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
);
/** Any well-formed text (no lone surrogates). */
const text = fc.string({ unit: codePoint, maxLength: 40 });

const FIELD_CONTENT = /^[\t\x20-\x7E\x80-\xFF]*$/;
const URI = /^[\x21-\x7E]*$/;

/** `%XX` per byte, then the bytes as UTF-8. */
function percentDecodeUtf8(s: string): string {
  return Buffer.from(percentDecodeNative(s), 'latin1').toString('utf8');
}

/** Decodes a run of RFC 2047 `B` encoded-words in UTF-8 separated by single spaces (RFC 2047 §6.2). */
function decodeWords(value: string): string {
  const bytes = value.split(' ').map((word) => {
    const match = /^=\?UTF-8\?B\?([A-Za-z0-9+/]*=*)\?=$/.exec(word);
    if (match === null) throw new Error(`not an encoded-word: ${word}`);
    return Buffer.from(match[1] ?? '', 'base64');
  });
  return Buffer.concat(bytes).toString('utf8');
}

/** Parameters of `type; a=b; c="d"`, as a map from lower-cased name to text (quoted-strings unescaped). */
function parseParameters(value: string): Map<string, string> {
  const params = new Map<string, string>();
  const re = /;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (const match of value.matchAll(re)) {
    const raw = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '').trim();
    params.set((match[1] ?? '').toLowerCase(), raw);
  }
  return params;
}

/** An RFC 8187 ext-value in UTF-8 back to text. */
function decodeExtValue(ext: string): string {
  const match = /^UTF-8'[^']*'(.*)$/i.exec(ext);
  if (match === null) throw new Error(`not an ext-value: ${ext}`);
  return percentDecodeUtf8(match[1] ?? '');
}

const quote = (s: string): string => `"${s.replace(/["\\]/g, '\\$&')}"`;

describe("'strict' properties", () => {
  it('C-35: throws iff the value is not a valid header value, and otherwise returns it unchanged', () => {
    fc.assert(
      fc.property(text, (t) => {
        if (FIELD_CONTENT.test(t)) expect(encodeHeaderValue(t, 'strict', 'X-T')).toBe(t);
        else expect(() => encodeHeaderValue(t, 'strict', 'X-T')).toThrow(HeaderEncodingError);
      }),
      { numRuns },
    );
  });
});

describe("'rfc2047' properties", () => {
  it('C-23: any text gives a valid header of B words of at most 75 characters that decodes back to the text', () => {
    fc.assert(
      fc.property(text, (t) => {
        const out = encodeHeaderValue(t, 'rfc2047', 'X-T');
        expect(headerValueProblem('X-T', out)).toBeUndefined();
        if (FIELD_CONTENT.test(t)) {
          expect(out).toBe(t);
          return;
        }
        for (const word of out.split(' ')) expect(word.length).toBeLessThanOrEqual(75);
        expect(decodeWords(out)).toBe(t);
      }),
      { numRuns },
    );
  });
});

describe("'rfc8187' properties", () => {
  const params = fc.uniqueArray(fc.record({ name: fc.constantFrom('filename', 'title', 'name', 'x-a'), value: text }), {
    selector: (p) => p.name,
    maxLength: 3,
  });

  it('C-24, C-25: any parameter values give a valid header whose filename* (else filename) decodes back, fallback first', () => {
    fc.assert(
      fc.property(fc.constantFrom('attachment', 'inline'), params, (type, list) => {
        const value = type + list.map((p) => `; ${p.name}=${quote(p.value)}`).join('');
        const out = encodeHeaderValue(value, 'rfc8187', 'Content-Disposition');
        expect(headerValueProblem('Content-Disposition', out)).toBeUndefined();
        expect(out).toMatch(/^[\t\x20-\x7E]*$/);
        const parsed = parseParameters(out);
        for (const p of list) {
          const ext = parsed.get(`${p.name}*`);
          expect(ext !== undefined ? decodeExtValue(ext) : parsed.get(p.name)).toBe(p.value);
          if (ext !== undefined) {
            expect(out.indexOf(`; ${p.name}=`)).toBeLessThan(out.indexOf(`; ${p.name}*=`));
            expect(parsed.get(p.name)).toMatch(/^[\x20-\x7E]*$/);
            expect(parsed.get(p.name)).not.toMatch(/["\\%]/);
          }
        }
      }),
      { numRuns },
    );
  });
});

describe("'percent' properties", () => {
  it('C-26: any path text becomes a URI whose %XX decode as UTF-8 to the text', () => {
    fc.assert(
      fc.property(
        text.filter((t) => !t.includes('%')),
        (t) => {
          const out = encodeHeaderValue(`/p/${t}`, 'percent', 'Location');
          expect(headerValueProblem('Location', out)).toBeUndefined();
          expect(out).toMatch(URI);
          expect(percentDecodeUtf8(out)).toBe(`/p/${t}`);
        },
      ),
      { numRuns },
    );
  });

  it('C-26: a non-ASCII host becomes punycode that maps back to it', () => {
    const label = fc.string({ unit: fc.constantFrom('a', 'k', 'z', '\u00e9', '\u00fc', '\u00f1', '日', '本'), minLength: 1, maxLength: 10 });
    const host = fc.array(label, { minLength: 1, maxLength: 3 }).map((labels) => labels.join('.'));
    fc.assert(
      fc.property(host, text.filter((t) => !t.includes('%')), (h, t) => {
        const out = encodeHeaderValue(`https://${h}/${t}`, 'percent', 'Location');
        expect(out).toMatch(URI);
        const match = /^https:\/\/([^/]*)(\/.*)$/s.exec(out);
        expect(match).not.toBeNull();
        expect(domainToUnicode(match?.[1] ?? '')).toBe(h);
        expect(percentDecodeUtf8(match?.[2] ?? '')).toBe(`/${t}`);
      }),
      { numRuns },
    );
  });

  it('C-26: a Link target is percent-encoded and its title carried by title*', () => {
    fc.assert(
      fc.property(
        text.filter((t) => !/[%<>]/.test(t)),
        text,
        (target, title) => {
          const out = encodeHeaderValue(`<https://example.com/${target}>; rel="next"; title=${quote(title)}`, 'auto', 'Link');
          expect(headerValueProblem('Link', out)).toBeUndefined();
          const match = /^<([^>]*)>(.*)$/s.exec(out);
          expect(percentDecodeUtf8(match?.[1] ?? '')).toBe(`https://example.com/${target}`);
          const parsed = parseParameters(match?.[2] ?? '');
          const ext = parsed.get('title*');
          expect(ext !== undefined ? decodeExtValue(ext) : parsed.get('title')).toBe(title);
          expect(parsed.get('rel')).toBe('next');
        },
      ),
      { numRuns },
    );
  });
});

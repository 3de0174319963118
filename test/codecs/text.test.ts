import iconv from 'iconv-lite';
import type { Encoding } from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { CHARSETS } from '../../src/codecs/charset-labels';
import type { CharsetDefinition } from '../../src/codecs/charset-labels';
import {
  CharsetDecodeError,
  CharsetEncodeError,
  CharsetError,
  UnknownCharsetError,
  charsetOf,
  decodeText,
  encodeText,
  isCharsetSupported,
  normalizeCharset,
} from '../../src/codecs/text';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

// The independent oracle: iconv-lite itself. Our codecs that bypass it map to its equivalent.
// (iconv-lite's utf16/utf32 write a little-endian BOM; ours are big-endian, so compare with those.)
const ORACLE: Record<string, string> = { latin1: 'iso88591', utf16: 'utf16be', utf32: 'utf32be' };
const oracleCodec = (d: CharsetDefinition): Encoding => (ORACLE[d.codec] ?? d.codec) as Encoding;
const representable = (d: CharsetDefinition, c: string): boolean =>
  iconv.decode(iconv.encode(c, oracleCodec(d)), oracleCodec(d), { stripBOM: false }) === c;

/** Every codec iconv-lite has, by its canonical name, with the aliases that lead to it. */
function iconvCodecs(): Map<string, string[]> {
  iconv.getCodec('utf8'); // loads iconv.encodings
  const table = iconv.encodings as unknown as Record<string, unknown>;
  const codecs = new Map<string, string[]>();
  for (const alias of Object.keys(table)) {
    if (alias.startsWith('_')) continue;
    let name = alias;
    while (typeof table[name] === 'string') name = table[name] as string;
    codecs.set(name, [...(codecs.get(name) ?? []), alias]);
  }
  return codecs;
}

// Candidate characters from many scripts; each charset's sample keeps those it can represent.
const POOL: string[] = [];
for (const [from, to] of [
  [0xa0, 0x24f], [0x370, 0x3ff], [0x400, 0x4ff], [0x531, 0x556], [0x5d0, 0x5ea], [0x621, 0x64a],
  [0xe01, 0xe5b], [0xe81, 0xedd], [0x10d0, 0x10f0], [0x1ea0, 0x1ef9], [0x2013, 0x203e], [0x20ac, 0x20ac],
  [0x2122, 0x2122], [0x2500, 0x2593], [0x3041, 0x3093], [0x30a1, 0x30f6], [0x4e00, 0x4e80], [0xac00, 0xac40],
  [0xff01, 0xff5e],
] as const) {
  for (let c = from; c <= to; c++) POOL.push(String.fromCodePoint(c));
}
POOL.push('日', '本', '語', '漢', '國', '한', '국', '어', '\u{20000}', '\u{1F600}');

function sampleFor(d: CharsetDefinition): { ascii: string; other: string[] } {
  let ascii = '';
  for (let c = 0x20; c < 0x7f; c++) if (representable(d, String.fromCharCode(c))) ascii += String.fromCharCode(c);
  const all = POOL.filter((c) => representable(d, c));
  const step = Math.max(1, Math.floor(all.length / 48));
  return { ascii, other: all.filter((_, i) => i % step === 0) };
}

describe('charset table', () => {
  it('every codec iconv-lite implements is supported (base64, hex and binary are not charsets)', () => {
    const codecs = iconvCodecs();
    expect(codecs.size).toBeGreaterThan(90);
    for (const codec of codecs.keys()) {
      if (['base64', 'hex', 'binary'].includes(codec)) {
        expect(isCharsetSupported(codec), codec).toBe(false);
        expect((thrown(() => normalizeCharset(codec)) as Error).message).toMatch(/not a charset/);
      } else {
        expect(isCharsetSupported(codec), codec).toBe(true);
      }
    }
  });

  it('every iconv-lite alias names the same table, except where WHATWG or IANA decide otherwise', () => {
    const ours = (codec: string): string => ({ utf8: 'utf8', latin1: 'iso88591', utf16le: 'ucs2' })[codec] ?? codec;
    // WHATWG: gb2312 and its aliases mean GBK (iconv-lite: cp936, a subset), "chinese" too (iconv-lite:
    // gb18030). macroman is the same table as macintosh. Pure numbers ("1252") are not labels.
    const elsewhere: Record<string, string> = { macroman: 'macintosh', chinese: 'gbk' };
    for (const alias of ['gb2312', 'gb231280', 'gb23121980', 'csgb2312', 'csiso58gb231280', 'euccn']) {
      elsewhere[alias] = 'gbk';
    }
    for (const [codec, aliases] of iconvCodecs()) {
      if (['base64', 'hex', 'binary'].includes(codec)) continue;
      for (const alias of aliases) {
        if (/^\d+$/.test(alias)) {
          expect(isCharsetSupported(alias), alias).toBe(alias === '866'); // WHATWG lists "866"
          continue;
        }
        const definition = CHARSETS.find((d) => d.name === normalizeCharset(alias))!;
        expect(ours(definition.codec), alias).toBe(elsewhere[alias] ?? codec);
      }
    }
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(decodeText(all, 'macroman', 'replace')).toBe(iconv.decode(Buffer.from(all), 'macroman'));
  });

  it('labels are unique, lower case, and no two charsets share a spelling', () => {
    const seen = new Map<string, string>();
    for (const { name, labels } of CHARSETS) {
      expect(labels[0]).toBe(name);
      for (const label of labels) {
        expect(label).toBe(label.toLowerCase());
        const loose = label.replace(/:\d{4}$/, '').replace(/[-_.: ]/g, '');
        expect(seen.get(loose) ?? name, label).toBe(name);
        seen.set(loose, name);
        expect(normalizeCharset(label)).toBe(name);
      }
    }
    expect(CHARSETS.length).toBe(98);
  });
});

describe('labels', () => {
  it('aliases and case variants of WHATWG/IANA labels resolve to one canonical name', () => {
    const cases: Record<string, string[]> = {
      'utf-8': ['UTF-8', 'utf8', 'Unicode-1-1-UTF-8', ' utf-8\t', 'x-unicode20utf8'],
      'iso-8859-1': ['ISO-8859-1', 'latin1', 'L1', 'ISO_8859-1:1987', 'iso-ir-100', 'cp819', 'latin-1'],
      'windows-1252': ['windows-1252', 'CP1252', 'x-cp1252'],
      'us-ascii': ['US-ASCII', 'ascii', 'ANSI_X3.4-1968'],
      shift_jis: [
        'Shift_JIS', 'sjis', 'shift-jis', 'SHIFT-JIS', 'x-sjis', 'MS_Kanji', 'csShiftJIS', 'cp932', 'windows-31j', 'ms932',
      ],
      'euc-jp': ['EUC-JP', 'x-euc-jp', 'cseucpkdfmtjapanese'],
      gbk: ['GBK', 'gb2312', 'GB_2312-80', 'x-gbk', 'chinese', 'iso-ir-58'],
      gb18030: ['GB18030'],
      big5: ['Big5', 'big5-hkscs', 'cn-big5', 'x-x-big5'],
      'euc-kr': ['EUC-KR', 'ks_c_5601-1987', 'KS_C_5601-1989', 'korean', 'windows-949', 'cp949'],
      'koi8-r': ['KOI8-R', 'koi8', 'koi', 'koi8_r'],
      'utf-16le': ['UTF-16LE', 'ucs-2', 'unicode'],
      'utf-16': ['UTF-16'],
      'iso-8859-8': ['iso-8859-8-i', 'logical', 'visual'],
    };
    for (const [name, labels] of Object.entries(cases)) {
      for (const label of labels) {
        expect(normalizeCharset(label), label).toBe(name);
        expect(isCharsetSupported(label), label).toBe(true);
      }
    }
  });

  it('an unknown label throws UnknownCharsetError naming it and suggesting to check the spelling', () => {
    const error = thrown(() => encodeText('x', 'utf-9')) as UnknownCharsetError;
    expect(error).toBeInstanceOf(UnknownCharsetError);
    expect(error).toBeInstanceOf(RangeError);
    expect(error.label).toBe('utf-9');
    expect(error.known).toBe(false);
    expect(error.message).toContain('"utf-9"');
    expect(error.message).toMatch(/check the spelling/);
    expect(isCharsetSupported('utf-9')).toBe(false);
    expect(() => decodeText(new Uint8Array(1), '')).toThrow(UnknownCharsetError);
  });

  it('ISO-2022-JP is known but not supported: iconv-lite does not implement it', () => {
    for (const label of ['ISO-2022-JP', 'csISO2022JP']) {
      const error = thrown(() => decodeText(hex('1b2442'), label)) as UnknownCharsetError;
      expect(error).toBeInstanceOf(UnknownCharsetError);
      expect(error.known).toBe(true);
      expect(error.message).toMatch(/is not supported: iconv-lite.*does not implement ISO-2022-JP/);
    }
    expect(iconv.encodingExists('iso-2022-jp')).toBe(false);
    expect((thrown(() => normalizeCharset('hz-gb-2312')) as Error).message).toMatch(/replacement/);
  });

  it('C-40: labels are folded with ASCII rules only (the Kelvin sign is not a k)', () => {
    expect(isCharsetSupported('\u212Aoi8-r')).toBe(false);
    expect(isCharsetSupported('KOI8-R')).toBe(true);
    expect(isCharsetSupported('utf-8\u00a0')).toBe(false); // NBSP is not ASCII whitespace
  });
});

describe('latin-1 and windows-1252 (C-1, C-4)', () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);

  it('C-4: iso-8859-1 is true latin-1, not windows-1252', () => {
    for (const label of ['iso-8859-1', 'latin1', 'l1', 'ISO_8859-1']) {
      expect(decodeText(hex('80 81 9f'), label)).toBe('\u0080\u0081\u009f');
    }
    expect(decodeText(hex('80 9f'), 'windows-1252')).toBe('\u20ac\u0178');
    expect(encodeText('\u20ac', 'windows-1252')).toEqual(hex('80'));
    expect(() => encodeText('\u20ac', 'iso-8859-1')).toThrow(CharsetEncodeError);
  });

  it('C-4: windows-1252 follows Microsoft\'s table: 0x81 is not a character there', () => {
    const error = thrown(() => decodeText(hex('41 81'), 'cp1252')) as CharsetDecodeError;
    expect(error).toBeInstanceOf(CharsetDecodeError);
    expect(error.offset).toBe(1);
    expect(decodeText(hex('41 81'), 'cp1252', 'replace')).toBe('A\uFFFD');
  });

  it('C-1: every byte round-trips through iso-8859-1, and matches Buffer', () => {
    const text = decodeText(all, 'iso-8859-1');
    expect(text).toBe(Buffer.from(all).toString('latin1'));
    expect(encodeText(text, 'iso-8859-1')).toEqual(Buffer.from(all));
  });

  it('C-4: a character above U+00FF is refused, naming it, never truncated to its low byte', () => {
    const error = thrown(() => encodeText('caf\u00e9 \u0141', 'latin1')) as CharsetEncodeError;
    expect(error).toBeInstanceOf(CharsetEncodeError);
    expect(error).toBeInstanceOf(CharsetError);
    expect(error).toMatchObject({ character: '\u0141', codePoint: 0x141, index: 5, charset: 'iso-8859-1' });
    expect(error.message).toContain("'\u0141' (U+0141) at index 5");
    expect(error.message).toContain('iso-8859-1');
  });

  it('C-4: replace writes one ? per character, an astral one included', () => {
    expect(encodeText('a\u20acb\u{1F600}c\ud800', 'iso-8859-1', 'replace')).toEqual(Buffer.from('a?b?c?'));
  });
});

describe('UTF-8 (C-3)', () => {
  it('C-3: strict decode refuses C3 28 and names the offset and the charset', () => {
    const error = thrown(() => decodeText(hex('61 c3 28'), 'utf-8')) as CharsetDecodeError;
    expect(error).toBeInstanceOf(CharsetDecodeError);
    expect(error).toMatchObject({ offset: 1, charset: 'utf-8' });
    expect(error.message).toContain('offset 1 (C3 28)');
    expect(decodeText(hex('61 c3 28'), 'utf-8', 'replace')).toBe('a\uFFFD(');
  });

  it('C-3: overlongs, surrogates, values above U+10FFFF and truncation are all refused', () => {
    const bad: Array<[string, number]> = [
      ['c0 80', 0], ['e0 80 80', 0], ['ed a0 80', 0], ['f4 90 80 80', 0], ['f5', 0], ['41 e2 82', 1], ['80', 0],
    ];
    for (const [bytes, offset] of bad) {
      expect((thrown(() => decodeText(hex(bytes), 'utf8')) as CharsetDecodeError).offset, bytes).toBe(offset);
    }
  });

  it('C-3: a real U+FFFD (EF BF BD) in valid input is not mistaken for a replacement', () => {
    expect(decodeText(hex('ef bf bd'), 'utf-8')).toBe('\uFFFD');
    expect(encodeText('\uFFFD', 'utf-8')).toEqual(hex('ef bf bd'));
  });

  it('C-3: a lone surrogate is refused in strict mode; replace writes EF BF BD as Buffer would', () => {
    const error = thrown(() => encodeText('ok\udc00', 'utf-8')) as CharsetEncodeError;
    expect(error).toMatchObject({ codePoint: 0xdc00, index: 2, charset: 'utf-8' });
    expect(error.message).toMatch(/lone surrogate U\+DC00 at index 2/);
    expect(encodeText('ok\udc00', 'utf-8', 'replace')).toEqual(Buffer.from('ok\udc00'));
    expect(encodeText('\u{1F600}', 'utf-8')).toEqual(hex('f0 9f 98 80'));
  });

  it('C-3: short text (the ASCII loop) and long text (Buffer) encode alike, lone surrogates refused in both, around the length where one gives way to the other', () => {
    for (let length = 0; length <= 40; length++) {
      const ascii = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEF'.slice(0, length);
      expect(encodeText(ascii, 'utf-8'), ascii).toEqual(Buffer.from(ascii, 'utf8'));
      for (const at of [0, Math.floor(length / 2), length - 1]) {
        if (at < 0) continue;
        const mixed = `${ascii.slice(0, at)}é${ascii.slice(at + 1)}`;
        expect(encodeText(mixed, 'utf-8'), mixed).toEqual(Buffer.from(mixed, 'utf8'));
        const lone = `${ascii.slice(0, at)}\udc00${ascii.slice(at + 1)}`;
        expect(() => encodeText(lone, 'utf-8'), JSON.stringify(lone)).toThrow(CharsetEncodeError);
      }
    }
  });

  it('decodes a Uint8Array view at its own offset, not its whole buffer', () => {
    const backing = new Uint8Array([0xff, 0x68, 0x69, 0xff]);
    expect(decodeText(backing.subarray(1, 3), 'utf-8')).toBe('hi');
    expect(decodeText(backing.subarray(1, 3), 'shift_jis')).toBe('hi');
  });
});

describe('BOMs (C-32)', () => {
  it('C-32: UTF-8 keeps a leading BOM as U+FEFF, like Buffer#toString and unlike TextDecoder', () => {
    expect(decodeText(hex('ef bb bf 41'), 'utf-8')).toBe('\uFEFFA');
    expect(decodeText(hex('ef bb bf 41'), 'utf-8', 'replace')).toBe('\uFEFFA');
    expect(decodeText(hex('ef bb bf 41'), 'cesu-8')).toBe('\uFEFFA');
  });

  it('C-32: utf-16le/utf-16be keep a BOM; utf-16 consumes it and is big-endian without one (RFC 2781)', () => {
    expect(decodeText(hex('ff fe 41 00'), 'utf-16le')).toBe('\uFEFFA');
    expect(decodeText(hex('fe ff 00 41'), 'utf-16be')).toBe('\uFEFFA');
    expect(decodeText(hex('ff fe 41 00'), 'utf-16')).toBe('A');
    expect(decodeText(hex('fe ff 00 41'), 'utf-16')).toBe('A');
    expect(decodeText(hex('00 41'), 'utf-16')).toBe('A');
    expect(encodeText('A', 'utf-16')).toEqual(hex('fe ff 00 41'));
    expect(encodeText('A', 'utf-16le')).toEqual(hex('41 00'));
  });

  it('C-32: utf-32 reads its BOM the same way', () => {
    expect(decodeText(hex('ff fe 00 00 41 00 00 00'), 'utf-32')).toBe('A');
    expect(decodeText(hex('00 00 00 41'), 'utf-32')).toBe('A');
    expect(encodeText('\u{1F600}', 'utf-32')).toEqual(hex('00 00 fe ff 00 01 f6 00'));
    expect(decodeText(hex('00 00 fe ff'), 'utf-32be')).toBe('\uFEFF');
  });
});

describe('every supported charset', () => {
  const onlyAscii: string[] = [];

  it.each(CHARSETS.map((d) => [d.name, d] as const))('round-trips a sample it can represent: %s', (_, d) => {
    const { ascii, other } = sampleFor(d);
    if (other.length === 0) onlyAscii.push(d.name);
    expect(ascii.length).toBeGreaterThan(90);
    const sample = `${ascii}\n${other.join('')}`;
    const bytes = encodeText(sample, d.name);
    expect(decodeText(bytes, d.name)).toBe(sample);
    if (!['utf16', 'utf32'].includes(d.codec)) {
      // Same bytes as iconv-lite, where it is the codec.
      expect(bytes).toEqual(iconv.encode(sample, oracleCodec(d)));
    }
  });

  it('only us-ascii gets a pure ASCII sample', () => {
    expect(onlyAscii).toEqual(['us-ascii']);
  });

  const each = CHARSETS.map((d) => [d.name, d] as const);

  it.each(each)('refuses (strict) and replaces a character it lacks: %s', (_, d) => {
    const missing = ['\u{1F600}', '\uA66E', '\uFFFF'].find((c) => !representable(d, c)) ?? '\ud800';
    const text = `ab${missing}cd`;
    const error = thrown(() => encodeText(text, d.name)) as CharsetEncodeError;
    expect(error).toBeInstanceOf(CharsetEncodeError);
    expect(error).toMatchObject({ character: missing, codePoint: missing.codePointAt(0), index: 2, charset: d.name });
    expect(error.message).toContain('at index 2');
    expect(error.message).toContain(d.name);
    const substitute = d.kind === 'unicode' ? '\uFFFD' : '?';
    expect(decodeText(encodeText(text, d.name, 'replace'), d.name)).toBe(`ab${substitute}cd`);
  });

  it.each(each)('refuses a lone surrogate and, where it has no U+FFFD, U+FFFD too: %s', (name, d) => {
    for (const lone of ['\ud800', '\udfff', '\ud800x', 'x\udc00']) {
      expect(() => encodeText(lone, name), JSON.stringify(lone)).toThrow(CharsetEncodeError);
    }
    const hasReplacementCharacter = d.kind === 'unicode' || name === 'gb18030';
    if (hasReplacementCharacter) expect(decodeText(encodeText('\uFFFD', name), name)).toBe('\uFFFD');
    else expect((thrown(() => encodeText('a\uFFFD', name)) as CharsetEncodeError).index).toBe(1);
  });
});

describe('strict encoding in legacy charsets', () => {
  it('names the first unencodable character even after representable multi-byte ones', () => {
    const error = thrown(() => encodeText('日本語?テキスト€😀', 'shift_jis')) as CharsetEncodeError;
    expect(error).toMatchObject({ character: '€', index: 8, charset: 'shift_jis' });
    expect(encodeText('日本語?テキスト€😀', 'shift_jis', 'replace')).toEqual(
      Buffer.concat([iconv.encode('日本語?テキスト', 'shiftjis'), Buffer.from('??')]),
    );
  });

  it('a literal ? is not mistaken for a substitution', () => {
    expect(encodeText('why?', 'windows-1251')).toEqual(Buffer.from('why?'));
    expect(encodeText('なぜ?', 'euc-jp')).toEqual(iconv.encode('なぜ?', 'eucjp'));
  });

  it('keeps the JIS X 0201 mappings iconv-lite and WHATWG share: ¥ and ‾ in Shift_JIS', () => {
    expect(encodeText('\u00a5\u203e', 'shift_jis')).toEqual(hex('5c 7e'));
  });

  it('Big5-HKSCS sequences (Ê̄) encode as one code', () => {
    expect(encodeText('\u00ca\u0304', 'big5')).toEqual(hex('88 62'));
    expect(decodeText(hex('88 62'), 'big5')).toBe('\u00ca\u0304');
  });
});

describe('strict decoding', () => {
  const refuse = (bytes: string, charset: string, offset: number, replaced: string): void => {
    const error = thrown(() => decodeText(hex(bytes), charset)) as CharsetDecodeError;
    expect(error, `${charset} ${bytes}`).toBeInstanceOf(CharsetDecodeError);
    expect(error.offset, `${charset} ${bytes}`).toBe(offset);
    expect(error.charset).toBe(normalizeCharset(charset));
    expect(error.message).toContain(`offset ${offset}`);
    expect(decodeText(hex(bytes), charset, 'replace'), `${charset} ${bytes}`).toBe(replaced);
  };

  it('Shift_JIS: a lone lead byte at the end, and a lead byte before an invalid trail', () => {
    refuse('41 81', 'shift_jis', 1, 'A\uFFFD');
    refuse('82 a0 82 20', 'shift_jis', 2, '\u3042\uFFFD ');
    refuse('a0', 'shift_jis', 0, '\uFFFD');
  });

  it('EUC-JP, GBK, Big5, EUC-KR: invalid sequences at their offsets', () => {
    refuse('a4 a2 a4', 'euc-jp', 2, '\u3042\uFFFD');
    refuse('41 ff', 'gbk', 1, 'A\uFFFD');
    refuse('a4 a4 80', 'big5', 2, '\u4E2D\uFFFD');
    refuse('b0 a1 c9', 'euc-kr', 2, '\uAC00\uFFFD');
  });

  it('GB18030: four-byte sequences outside its ranges are errors, its own U+FFFD is not', () => {
    expect(decodeText(hex('84 31 a4 37'), 'gb18030')).toBe('\uFFFD');
    expect(decodeText(hex('90 30 81 30 e3 32 9a 35'), 'gb18030')).toBe('\u{10000}\u{10FFFF}');
    refuse('41 84 31 a5 30 42', 'gb18030', 1, 'A\uFFFDB');
    refuse('fe 39 fe 39', 'gb18030', 0, '\uFFFD');
    refuse('84 31 a4 37 ff', 'gb18030', 4, '\uFFFD\uFFFD');
  });

  it('single-byte charsets: undefined bytes at their offsets', () => {
    refuse('41 42 80', 'us-ascii', 2, 'AB\uFFFD');
    refuse('41 a5', 'iso-8859-3', 1, 'A\uFFFD');
  });

  it('UTF-16 and UTF-32: lone surrogates, odd lengths, values above U+10FFFF', () => {
    refuse('41 00 00 d8 42 00', 'utf-16le', 2, 'A\uFFFDB');
    refuse('00 41 dc 00', 'utf-16be', 2, 'A\uFFFD');
    refuse('41 00 42', 'utf-16le', 2, 'A\uFFFD');
    refuse('00 11 00 00', 'utf-32be', 0, '\uFFFD');
    refuse('00 d8 00 00', 'utf-32le', 0, '\uFFFD');
    refuse('41 00 00 00 42', 'utf-32le', 4, 'A\uFFFD');
  });

  it('CESU-8: surrogate pairs decode, lone surrogates and four-byte UTF-8 do not', () => {
    expect(decodeText(hex('ed a0 bd ed b2 a9'), 'cesu-8')).toBe('\u{1F4A9}');
    expect(encodeText('\u{1F4A9}', 'cesu-8')).toEqual(hex('ed a0 bd ed b2 a9'));
    refuse('41 ed a0 bd 42', 'cesu-8', 1, 'A\uFFFDB');
    refuse('f0 9f 92 a9', 'cesu-8', 0, '\uFFFD\uFFFD\uFFFD\uFFFD');
    refuse('41 e0', 'cesu-8', 1, 'A\uFFFD'); // iconv-lite alone would give "A0\uFFFD"
  });

  it('UTF-7: high bytes and ill-formed shift sequences (RFC 2152)', () => {
    expect(decodeText(Buffer.from('Hi +AOk- +- +//0-'), 'utf-7')).toBe('Hi \u00e9 + \uFFFD');
    refuse(Buffer.from('a+!').toString('hex'), 'utf-7', 1, 'a\uFFFD!');
    refuse(Buffer.from('a+AOkA-').toString('hex'), 'utf-7', 1, 'a\uFFFD');
    refuse('41 e9', 'utf-7', 1, 'A\uFFFD');
    refuse(Buffer.from('+2D0-').toString('hex'), 'utf-7', 0, '\uFFFD');
    expect(decodeText(Buffer.from('&AOk-&-'), 'utf-7-imap')).toBe('\u00e9&');
    refuse(Buffer.from('&AOk').toString('hex'), 'utf-7-imap', 0, '\uFFFD');
  });

  it('C-39: replace is lossy (re-encoding does not give the bytes back), which is why strict is the default', () => {
    const bytes = hex('2f 63 61 66 e9'); // "/caf" + latin-1 é, sent where UTF-8 was expected
    expect(encodeText(decodeText(bytes, 'utf-8', 'replace'), 'utf-8')).not.toEqual(bytes);
    expect(() => decodeText(bytes, 'utf-8')).toThrow(CharsetDecodeError);
    expect(encodeText(decodeText(bytes, 'iso-8859-1'), 'iso-8859-1')).toEqual(bytes);
  });

  it('does not modify the bytes it decodes (utf-16be swaps a copy)', () => {
    const bytes = hex('00 41 00 42');
    decodeText(bytes, 'utf-16be');
    expect(bytes).toEqual(hex('00 41 00 42'));
  });
});

describe('charsetOf (C-28)', () => {
  it('C-28: reads the charset parameter however it is spelt', () => {
    const cases: Array<[string | undefined, string | undefined]> = [
      ['text/plain; charset=utf-8', 'utf-8'],
      ['text/plain;charset=UTF-8', 'utf-8'],
      ['TEXT/PLAIN; CHARSET=Shift_JIS', 'shift_jis'],
      ['text/html; Charset="ISO-8859-1"', 'iso-8859-1'],
      ['text/plain ; format=flowed ;  charset = "windows-1252" ; delsp=yes', 'windows-1252'],
      ['text/plain;\tcharset=\t"utf\\-8"', 'utf-8'],
      ['multipart/form-data; boundary="a;charset=latin1"; charset=euc-kr', 'euc-kr'],
      ['text/plain; charset=utf-8; charset=iso-8859-1', 'utf-8'],
      ['text/plain; charset="unterminated', 'unterminated'],
      ['text/plain; charset=X-Unknown', 'x-unknown'],
      ['text/plain; charset=" Latin1 "', 'iso-8859-1'],
      ['text/plain; xcharset=utf-8', undefined],
      ['text/plain; charset', undefined],
      ['text/plain; charset=', undefined],
      ['text/plain; charset=""', undefined],
      ['text/plain', undefined],
      ['', undefined],
      [undefined, undefined],
    ];
    for (const [contentType, expected] of cases) expect(charsetOf(contentType), String(contentType)).toBe(expected);
  });

  it('C-31: every canonical name can be declared in a Content-Type and read back', () => {
    for (const { name } of CHARSETS) {
      expect(charsetOf(`text/plain; charset=${name}`)).toBe(name);
      expect(charsetOf(`text/plain; charset="${name.toUpperCase()}"`)).toBe(name);
    }
  });

  it('C-29: an absent charset is undefined, so the caller picks the default; an unknown one fails where used', () => {
    expect(charsetOf('application/json')).toBeUndefined();
    const charset = charsetOf('text/plain; charset=klingon')!;
    expect(charset).toBe('klingon');
    expect(() => decodeText(Buffer.from('x'), charset)).toThrow(UnknownCharsetError);
  });
});

describe('arguments (C-36)', () => {
  it('C-36: refuses a non-string text and non-byte input instead of stringifying them', () => {
    expect(() => encodeText(Buffer.from('x') as unknown as string, 'utf-8')).toThrow(TypeError);
    expect(() => decodeText('x' as unknown as Uint8Array, 'utf-8')).toThrow(/must be a Uint8Array, got string/);
  });

  it('refuses an unknown errors mode', () => {
    expect(() => encodeText('x', 'utf-8', 'ignore' as 'strict')).toThrow(/'strict' or 'replace'/);
    expect(() => decodeText(Buffer.from('x'), 'utf-8', 'ignore' as 'strict')).toThrow(TypeError);
  });

  it('C-37: the bytes, not the string, measure the body', () => {
    expect(encodeText('caf\u00e9', 'utf-8').length).toBe(5);
    expect(encodeText('caf\u00e9', 'iso-8859-1').length).toBe(4);
    expect(encodeText('日本', 'utf-16le').length).toBe(4);
  });
});

/**
 * The charset label table: every charset tsgi can encode and decode, its canonical name, the
 * codec that implements it and every label that names it.
 * charset-registry.ts turns it into the lookup; it needs no codec library, so iconv-lite stays
 * unloaded until a charset needs it.
 *
 * Written once (not fetched at run time) from three sources, in this order of precedence:
 * 1. the IANA / MIME meaning of a label, where browsers changed it: latin-1, ASCII and the
 *    ISO 8859 labels name those charsets, not windows-125x (C-4; RFC 9110 §8.3.2 defers charset
 *    names to the IANA registry), and a label iconv-lite has a table of its own for keeps it
 *    (koi8-ru, tis-620, iso-8859-11);
 * 2. the label table of the WHATWG Encoding Standard (https://encoding.spec.whatwg.org/#names-and-labels),
 *    whose labels are listed verbatim;
 * 3. iconv-lite 0.7's own aliases (its encodings/*.js), minus the purely numeric ones ("1252").
 * test/codecs/text.test.ts checks that every iconv-lite codec and alias is reachable from here.
 *
 * Labels are matched ASCII case-insensitively after trimming ASCII whitespace; a label that does
 * not match exactly is retried without a ":yyyy" suffix and without `-`, `_`, `.`, `:` and spaces
 * (iconv-lite's looser rule), so "Shift-JIS", "utf_8" and "ISO_8859-1:1987" all resolve.
 *
 * @module
 */

/** How a charset maps text to bytes, which decides how table-codecs.ts detects what it cannot map. */
export type CharsetKind = 'unicode' | 'single-byte' | 'multi-byte';

export interface CharsetDefinition {
  /** Canonical name, lower case: what `normalizeCharset` and `charsetOf` return. */
  readonly name: string;
  /** The codec: `utf8`, `latin1`, `utf16*` and `utf32*` are ours; the rest are iconv-lite codec names. */
  readonly codec: string;
  readonly kind: CharsetKind;
  /** Every label for it, lower case, the canonical name first. */
  readonly labels: readonly string[];
}

export const CHARSETS: readonly CharsetDefinition[] = [
  // Unicode. Our own code for UTF-8, UTF-16 and UTF-32; iconv-lite for UTF-7 and CESU-8.
  // 'utf-16' and the UTF-16 labels WHATWG adds (unicode, ucs-2, ...) differ on purpose: see unicode-codecs.ts.
  {
    name: 'utf-8',
    codec: 'utf8',
    kind: 'unicode',
    labels: ['utf-8', 'unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'utf8', 'x-unicode20utf8', 'csutf8'],
  },
  {
    name: 'utf-16le',
    codec: 'utf16le',
    kind: 'unicode',
    labels: [
      'utf-16le', 'csunicode', 'iso-10646-ucs-2', 'ucs-2', 'unicode', 'unicodefeff', 'csutf16le',
    ],
  },
  { name: 'utf-16be', codec: 'utf16be', kind: 'unicode', labels: ['utf-16be', 'unicodefffe', 'csutf16be'] },
  { name: 'utf-16', codec: 'utf16', kind: 'unicode', labels: ['utf-16', 'csutf16'] },
  { name: 'utf-32le', codec: 'utf32le', kind: 'unicode', labels: ['utf-32le', 'csutf32le', 'ucs4le'] },
  { name: 'utf-32be', codec: 'utf32be', kind: 'unicode', labels: ['utf-32be', 'csutf32be', 'ucs4be'] },
  { name: 'utf-32', codec: 'utf32', kind: 'unicode', labels: ['utf-32', 'csutf32', 'ucs4'] },
  { name: 'utf-7', codec: 'utf7', kind: 'unicode', labels: ['utf-7', 'unicode-1-1-utf-7', 'csunicode11utf7', 'csutf7'] },
  { name: 'utf-7-imap', codec: 'utf7imap', kind: 'unicode', labels: ['utf-7-imap'] },
  { name: 'cesu-8', codec: 'cesu8', kind: 'unicode', labels: ['cesu-8', 'cscesu8', 'cscesu-8'] },
  // 7-bit ASCII and the ISO 8859 family. These labels mean the IANA charset, not the WHATWG
  // windows-125x superset (C-4): iso-8859-1 is true latin-1, ascii is 7-bit, iso-8859-9 is not
  // windows-1254 and iso-8859-11 is not windows-874. iso-8859-1 uses Buffer's latin1 codec.
  {
    name: 'us-ascii',
    codec: 'ascii',
    kind: 'single-byte',
    labels: [
      'us-ascii', 'ansi_x3.4-1968', 'ascii', 'iso-ir-6', 'ansi_x3.4-1986', 'iso_646.irv:1991', 'iso646-us',
      'us', 'ibm367', 'cp367', 'csascii', 'ascii-8bit', 'ansi_x3.4',
    ],
  },
  {
    name: 'iso-8859-1',
    codec: 'latin1',
    kind: 'single-byte',
    labels: [
      'iso-8859-1', 'csisolatin1', 'iso-ir-100', 'iso8859-1', 'iso88591', 'iso_8859-1', 'iso_8859-1:1987',
      'l1', 'latin1', 'cp819', 'ibm819', 'cp28591',
    ],
  },
  {
    name: 'iso-8859-2',
    codec: 'iso88592',
    kind: 'single-byte',
    labels: [
      'iso-8859-2', 'csisolatin2', 'iso-ir-101', 'iso8859-2', 'iso88592', 'iso_8859-2', 'iso_8859-2:1987',
      'l2', 'latin2', 'cp28592',
    ],
  },
  {
    name: 'iso-8859-3',
    codec: 'iso88593',
    kind: 'single-byte',
    labels: [
      'iso-8859-3', 'csisolatin3', 'iso-ir-109', 'iso8859-3', 'iso88593', 'iso_8859-3', 'iso_8859-3:1988',
      'l3', 'latin3', 'cp28593',
    ],
  },
  {
    name: 'iso-8859-4',
    codec: 'iso88594',
    kind: 'single-byte',
    labels: [
      'iso-8859-4', 'csisolatin4', 'iso-ir-110', 'iso8859-4', 'iso88594', 'iso_8859-4', 'iso_8859-4:1988',
      'l4', 'latin4', 'cp28594',
    ],
  },
  {
    name: 'iso-8859-5',
    codec: 'iso88595',
    kind: 'single-byte',
    labels: [
      'iso-8859-5', 'csisolatincyrillic', 'cyrillic', 'iso-ir-144', 'iso8859-5', 'iso88595', 'iso_8859-5',
      'iso_8859-5:1988', 'cp28595',
    ],
  },
  {
    name: 'iso-8859-6',
    codec: 'iso88596',
    kind: 'single-byte',
    labels: [
      'iso-8859-6', 'arabic', 'asmo-708', 'csiso88596e', 'csiso88596i', 'csisolatinarabic', 'ecma-114',
      'iso-8859-6-e', 'iso-8859-6-i', 'iso-ir-127', 'iso8859-6', 'iso88596', 'iso_8859-6',
      'iso_8859-6:1987', 'arabic8', 'cp28596',
    ],
  },
  {
    name: 'iso-8859-7',
    codec: 'iso88597',
    kind: 'single-byte',
    labels: [
      'iso-8859-7', 'csisolatingreek', 'ecma-118', 'elot_928', 'greek', 'greek8', 'iso-ir-126', 'iso8859-7',
      'iso88597', 'iso_8859-7', 'iso_8859-7:1987', 'sun_eu_greek', 'cp28597',
    ],
  },
  {
    name: 'iso-8859-8',
    codec: 'iso88598',
    kind: 'single-byte',
    labels: [
      'iso-8859-8', 'csiso88598e', 'csisolatinhebrew', 'hebrew', 'iso-8859-8-e', 'iso-ir-138', 'iso8859-8',
      'iso88598', 'iso_8859-8', 'iso_8859-8:1988', 'visual', 'csiso88598i', 'iso-8859-8-i', 'logical',
      'hebrew8', 'cp28598',
    ],
  },
  {
    name: 'iso-8859-9',
    codec: 'iso88599',
    kind: 'single-byte',
    labels: [
      'iso-8859-9', 'csisolatin5', 'iso-ir-148', 'iso8859-9', 'iso88599', 'iso_8859-9', 'iso_8859-9:1989',
      'l5', 'latin5', 'turkish', 'turkish8', 'cp28599',
    ],
  },
  {
    name: 'iso-8859-10',
    codec: 'iso885910',
    kind: 'single-byte',
    labels: [
      'iso-8859-10', 'csisolatin6', 'iso-ir-157', 'iso8859-10', 'iso885910', 'l6', 'latin6', 'cp28600',
    ],
  },
  {
    name: 'iso-8859-11',
    codec: 'iso885911',
    kind: 'single-byte',
    labels: [
      'iso-8859-11', 'iso8859-11', 'iso885911', 'thai', 'thai8', 'cp28601',
    ],
  },
  {
    name: 'iso-8859-13',
    codec: 'iso885913',
    kind: 'single-byte',
    labels: [
      'iso-8859-13', 'iso8859-13', 'iso885913', 'latin7', 'l7', 'iso-ir-179', 'cp28603',
    ],
  },
  {
    name: 'iso-8859-14',
    codec: 'iso885914',
    kind: 'single-byte',
    labels: [
      'iso-8859-14', 'iso8859-14', 'iso885914', 'latin8', 'l8', 'iso-ir-199', 'celtic', 'celtic8',
      'iso-celtic', 'cp28604',
    ],
  },
  {
    name: 'iso-8859-15',
    codec: 'iso885915',
    kind: 'single-byte',
    labels: [
      'iso-8859-15', 'csisolatin9', 'iso8859-15', 'iso885915', 'iso_8859-15', 'l9', 'latin9', 'iso-ir-203',
      'cp28605',
    ],
  },
  {
    name: 'iso-8859-16',
    codec: 'iso885916',
    kind: 'single-byte',
    labels: [
      'iso-8859-16', 'iso_8859-16', 'iso_8859-16:2001', 'latin10', 'l10', 'iso-ir-226', 'cp28606',
    ],
  },
  // DOS and IBM code pages.
  { name: 'ibm866', codec: 'cp866', kind: 'single-byte', labels: ['ibm866', '866', 'cp866', 'csibm866'] },
  {
    name: 'ibm437',
    codec: 'cp437',
    kind: 'single-byte',
    labels: [
      'ibm437', 'cp437', 'cspc8codepage437', 'csibm437',
    ],
  },
  { name: 'ibm737', codec: 'cp737', kind: 'single-byte', labels: ['ibm737', 'cp737', 'csibm737'] },
  {
    name: 'ibm775',
    codec: 'cp775',
    kind: 'single-byte',
    labels: [
      'ibm775', 'cp775', 'cspc775baltic', 'csibm775',
    ],
  },
  { name: 'ibm808', codec: 'cp808', kind: 'single-byte', labels: ['ibm808', 'cp808'] },
  {
    name: 'ibm850',
    codec: 'cp850',
    kind: 'single-byte',
    labels: [
      'ibm850', 'cp850', 'cspc850multilingual', 'csibm850',
    ],
  },
  {
    name: 'ibm852',
    codec: 'cp852',
    kind: 'single-byte',
    labels: [
      'ibm852', 'cp852', 'cspcp852', 'csibm852',
    ],
  },
  { name: 'ibm855', codec: 'cp855', kind: 'single-byte', labels: ['ibm855', 'cp855', 'csibm855'] },
  { name: 'ibm856', codec: 'cp856', kind: 'single-byte', labels: ['ibm856', 'cp856', 'csibm856'] },
  { name: 'ibm857', codec: 'cp857', kind: 'single-byte', labels: ['ibm857', 'cp857', 'csibm857'] },
  { name: 'ibm858', codec: 'cp858', kind: 'single-byte', labels: ['ibm858', 'cp858', 'csibm858'] },
  { name: 'ibm860', codec: 'cp860', kind: 'single-byte', labels: ['ibm860', 'cp860', 'csibm860'] },
  { name: 'ibm861', codec: 'cp861', kind: 'single-byte', labels: ['ibm861', 'cp861', 'csibm861'] },
  {
    name: 'ibm862',
    codec: 'cp862',
    kind: 'single-byte',
    labels: [
      'ibm862', 'cp862', 'cspc862latinhebrew', 'csibm862',
    ],
  },
  { name: 'ibm863', codec: 'cp863', kind: 'single-byte', labels: ['ibm863', 'cp863', 'csibm863'] },
  { name: 'ibm864', codec: 'cp864', kind: 'single-byte', labels: ['ibm864', 'cp864', 'csibm864'] },
  { name: 'ibm865', codec: 'cp865', kind: 'single-byte', labels: ['ibm865', 'cp865', 'csibm865'] },
  { name: 'ibm869', codec: 'cp869', kind: 'single-byte', labels: ['ibm869', 'cp869', 'cpgr', 'csibm869'] },
  { name: 'ibm922', codec: 'cp922', kind: 'single-byte', labels: ['ibm922', 'cp922', 'csibm922'] },
  { name: 'ibm1046', codec: 'cp1046', kind: 'single-byte', labels: ['ibm1046', 'cp1046', 'csibm1046'] },
  { name: 'ibm1124', codec: 'cp1124', kind: 'single-byte', labels: ['ibm1124', 'cp1124', 'csibm1124'] },
  { name: 'ibm1125', codec: 'cp1125', kind: 'single-byte', labels: ['ibm1125', 'cp1125', 'csibm1125'] },
  { name: 'ibm1129', codec: 'cp1129', kind: 'single-byte', labels: ['ibm1129', 'cp1129', 'csibm1129'] },
  { name: 'ibm1133', codec: 'cp1133', kind: 'single-byte', labels: ['ibm1133', 'cp1133', 'csibm1133'] },
  { name: 'ibm1161', codec: 'cp1161', kind: 'single-byte', labels: ['ibm1161', 'cp1161', 'csibm1161'] },
  { name: 'ibm1162', codec: 'cp1162', kind: 'single-byte', labels: ['ibm1162', 'cp1162', 'csibm1162'] },
  { name: 'ibm1163', codec: 'cp1163', kind: 'single-byte', labels: ['ibm1163', 'cp1163', 'csibm1163'] },
  { name: 'cp720', codec: 'cp720', kind: 'single-byte', labels: ['cp720'] },
  { name: 'mik', codec: 'mik', kind: 'single-byte', labels: ['mik'] },
  // Windows code pages (Microsoft's tables: undefined bytes such as 0x81 in windows-1252 are
  // invalid, where WHATWG maps them to C1 controls).
  {
    name: 'windows-874',
    codec: 'windows874',
    kind: 'single-byte',
    labels: [
      'windows-874', 'dos-874', 'cp874', 'win874',
    ],
  },
  {
    name: 'windows-1250',
    codec: 'windows1250',
    kind: 'single-byte',
    labels: [
      'windows-1250', 'cp1250', 'x-cp1250', 'msee', 'win1250',
    ],
  },
  {
    name: 'windows-1251',
    codec: 'windows1251',
    kind: 'single-byte',
    labels: [
      'windows-1251', 'cp1251', 'x-cp1251', 'mscyrl', 'win1251',
    ],
  },
  {
    name: 'windows-1252',
    codec: 'windows1252',
    kind: 'single-byte',
    labels: [
      'windows-1252', 'cp1252', 'x-cp1252', 'msansi', 'win1252',
    ],
  },
  {
    name: 'windows-1253',
    codec: 'windows1253',
    kind: 'single-byte',
    labels: [
      'windows-1253', 'cp1253', 'x-cp1253', 'msgreek', 'win1253',
    ],
  },
  {
    name: 'windows-1254',
    codec: 'windows1254',
    kind: 'single-byte',
    labels: [
      'windows-1254', 'cp1254', 'x-cp1254', 'msturk', 'win1254',
    ],
  },
  {
    name: 'windows-1255',
    codec: 'windows1255',
    kind: 'single-byte',
    labels: [
      'windows-1255', 'cp1255', 'x-cp1255', 'mshebr', 'win1255',
    ],
  },
  {
    name: 'windows-1256',
    codec: 'windows1256',
    kind: 'single-byte',
    labels: [
      'windows-1256', 'cp1256', 'x-cp1256', 'msarab', 'win1256',
    ],
  },
  {
    name: 'windows-1257',
    codec: 'windows1257',
    kind: 'single-byte',
    labels: [
      'windows-1257', 'cp1257', 'x-cp1257', 'winbaltrim', 'win1257',
    ],
  },
  {
    name: 'windows-1258',
    codec: 'windows1258',
    kind: 'single-byte',
    labels: [
      'windows-1258', 'cp1258', 'x-cp1258', 'win1258',
    ],
  },
  // KOI8. WHATWG folds koi8-ru into koi8-u; iconv-lite has a koi8-ru table of its own, so we keep it.
  {
    name: 'koi8-r',
    codec: 'koi8r',
    kind: 'single-byte',
    labels: [
      'koi8-r', 'cskoi8r', 'koi', 'koi8', 'koi8_r', 'cp20866', 'ibm878',
    ],
  },
  { name: 'koi8-u', codec: 'koi8u', kind: 'single-byte', labels: ['koi8-u', 'cp21866', 'ibm1168'] },
  { name: 'koi8-ru', codec: 'koi8ru', kind: 'single-byte', labels: ['koi8-ru'] },
  { name: 'koi8-t', codec: 'koi8t', kind: 'single-byte', labels: ['koi8-t'] },
  // Mac OS. The x-mac-* names are Microsoft's; WHATWG decodes x-mac-cyrillic and x-mac-ukrainian
  // with one table (iconv-lite's macukraine, except 0xFF) and has no other x-mac-* charsets.
  {
    name: 'macintosh',
    codec: 'macintosh',
    kind: 'single-byte',
    labels: [
      'macintosh', 'csmacintosh', 'mac', 'x-mac-roman', 'macroman',
    ],
  },
  { name: 'x-mac-ce', codec: 'maccenteuro', kind: 'single-byte', labels: ['x-mac-ce', 'maccenteuro'] },
  {
    name: 'x-mac-croatian',
    codec: 'maccroatian',
    kind: 'single-byte',
    labels: [
      'x-mac-croatian', 'maccroatian',
    ],
  },
  {
    name: 'x-mac-cyrillic',
    codec: 'maccyrillic',
    kind: 'single-byte',
    labels: [
      'x-mac-cyrillic', 'maccyrillic',
    ],
  },
  { name: 'x-mac-greek', codec: 'macgreek', kind: 'single-byte', labels: ['x-mac-greek', 'macgreek'] },
  {
    name: 'x-mac-icelandic',
    codec: 'maciceland',
    kind: 'single-byte',
    labels: [
      'x-mac-icelandic', 'maciceland',
    ],
  },
  {
    name: 'x-mac-romanian',
    codec: 'macromania',
    kind: 'single-byte',
    labels: [
      'x-mac-romanian', 'macromania',
    ],
  },
  { name: 'x-mac-thai', codec: 'macthai', kind: 'single-byte', labels: ['x-mac-thai', 'macthai'] },
  {
    name: 'x-mac-turkish',
    codec: 'macturkish',
    kind: 'single-byte',
    labels: [
      'x-mac-turkish', 'macturkish',
    ],
  },
  {
    name: 'x-mac-ukrainian',
    codec: 'macukraine',
    kind: 'single-byte',
    labels: [
      'x-mac-ukrainian', 'macukraine',
    ],
  },
  // Other single-byte charsets iconv-lite implements.
  {
    name: 'tis-620',
    codec: 'tis620',
    kind: 'single-byte',
    labels: [
      'tis-620', 'iso-ir-166', 'tis620-0', 'tis620.2529-1', 'tis620.2533-0',
    ],
  },
  { name: 'armscii-8', codec: 'armscii8', kind: 'single-byte', labels: ['armscii-8'] },
  { name: 'georgian-academy', codec: 'georgianacademy', kind: 'single-byte', labels: ['georgian-academy'] },
  { name: 'georgian-ps', codec: 'georgianps', kind: 'single-byte', labels: ['georgian-ps'] },
  {
    name: 'pt154',
    codec: 'pt154',
    kind: 'single-byte',
    labels: [
      'pt154', 'ptcp154', 'csptcp154', 'cp154', 'cyrillic-asian',
    ],
  },
  {
    name: 'rk1048',
    codec: 'rk1048',
    kind: 'single-byte',
    labels: [
      'rk1048', 'kz-1048', 'strk1048-2002', 'cskz1048',
    ],
  },
  { name: 'tcvn', codec: 'tcvn', kind: 'single-byte', labels: ['tcvn', 'tcvn5712-1', 'tcvn5712'] },
  { name: 'viscii', codec: 'viscii', kind: 'single-byte', labels: ['viscii', 'csviscii'] },
  {
    name: 'hp-roman8',
    codec: 'hproman8',
    kind: 'single-byte',
    labels: [
      'hp-roman8', 'roman8', 'r8', 'cshproman8', 'x-roman8', 'ibm1051',
    ],
  },
  {
    name: 'iso646-jp',
    codec: 'iso646jp',
    kind: 'single-byte',
    labels: [
      'iso646-jp', 'jis_c6220-1969-ro', 'jp', 'iso-ir-14', 'csiso14jisc6220ro',
    ],
  },
  {
    name: 'iso646-cn',
    codec: 'iso646cn',
    kind: 'single-byte',
    labels: [
      'iso646-cn', 'gb_1988-80', 'cn', 'iso-ir-57', 'csiso57gb1988',
    ],
  },
  // CJK. iconv-lite's shiftjis table is Microsoft's cp932 (NEC and IBM rows decode; the duplicates
  // encode to one form), as WHATWG's Shift_JIS is, so windows-31j and cp932 are the same charset.
  // gb2312 and friends mean GBK as in WHATWG (iconv-lite maps them to cp936, a subset);
  // big5 is Big5-HKSCS as in WHATWG; euc-kr is Microsoft's cp949 (UHC) as in WHATWG.
  {
    name: 'shift_jis',
    codec: 'shiftjis',
    kind: 'multi-byte',
    labels: [
      'shift_jis', 'csshiftjis', 'ms932', 'ms_kanji', 'shift-jis', 'sjis', 'windows-31j', 'x-sjis', 'cp932',
      'windows-932', 'ms-31j',
    ],
  },
  {
    name: 'euc-jp',
    codec: 'eucjp',
    kind: 'multi-byte',
    labels: [
      'euc-jp', 'cseucpkdfmtjapanese', 'x-euc-jp',
    ],
  },
  {
    name: 'gbk',
    codec: 'gbk',
    kind: 'multi-byte',
    labels: [
      'gbk', 'chinese', 'csgb2312', 'csiso58gb231280', 'gb2312', 'gb_2312', 'gb_2312-80', 'iso-ir-58',
      'x-gbk', 'euc-cn', 'gb_2312-1980',
    ],
  },
  { name: 'cp936', codec: 'cp936', kind: 'multi-byte', labels: ['cp936', 'ms936', 'windows-936'] },
  { name: 'gb18030', codec: 'gb18030', kind: 'multi-byte', labels: ['gb18030', 'csgb18030'] },
  {
    name: 'big5',
    codec: 'big5hkscs',
    kind: 'multi-byte',
    labels: [
      'big5', 'big5-hkscs', 'cn-big5', 'csbig5', 'x-x-big5', 'csbig5hkscs',
    ],
  },
  { name: 'cp950', codec: 'cp950', kind: 'multi-byte', labels: ['cp950', 'ms950', 'windows-950'] },
  {
    name: 'euc-kr',
    codec: 'cp949',
    kind: 'multi-byte',
    labels: [
      'euc-kr', 'cseuckr', 'csksc56011987', 'iso-ir-149', 'korean', 'ks_c_5601-1987', 'ks_c_5601-1989',
      'ksc5601', 'ksc_5601', 'windows-949', 'cp949', 'uhc', 'ms949',
    ],
  },
];

export interface UnsupportedCharset {
  readonly labels: readonly string[];
  /** Completes "charset X is not supported: ..." in `UnknownCharsetError`. */
  readonly reason: string;
}

/**
 * Labels of charsets we know but cannot serve, with the reason the error gives. iconv-lite has no
 * ISO-2022 or HZ codecs; WHATWG maps iso-2022-kr/cn and hz-gb-2312 to its "replacement" encoding
 * (decodes to a single U+FFFD) precisely so that nobody decodes them.
 */
export const UNSUPPORTED_CHARSETS: readonly UnsupportedCharset[] = [
  {
    labels: ['iso-2022-jp', 'csiso2022jp', 'iso-2022-jp-1', 'iso-2022-jp-2', 'csiso2022jp2', 'iso-2022-jp-3'],
    reason:
      'iconv-lite, the only codec library tsgi uses, does not implement ISO-2022-JP; ' +
      'use shift_jis, euc-jp or utf-8',
  },
  {
    labels: ['iso-2022-kr', 'csiso2022kr', 'iso-2022-cn', 'iso-2022-cn-ext', 'hz-gb-2312', 'replacement'],
    reason:
      'iconv-lite does not implement it, and the WHATWG Encoding Standard maps it to the ' +
      '"replacement" encoding so that it is never decoded',
  },
  {
    labels: ['x-user-defined'],
    reason: 'it is a browser-only WHATWG encoding that iconv-lite does not implement',
  },
  {
    labels: ['base64', 'hex', 'binary'],
    reason: 'it is a Node.js Buffer encoding, not a charset ("binary" stands for iso-8859-1)',
  },
];

/**
 * Response header values from text: turns a value that may hold any Unicode into a valid
 * native header value (latin-1, no CR/LF/NUL or other controls; N-59, N-121, C-22, C-27), by
 * the encoding that suits the header, or refuses it with an error that says which one would.
 *
 * Use it where an app builds a header from data it does not control — a download's file name,
 * a redirect to a user-supplied or internationalised URL — before handing the list to
 * `startResponse`, which would otherwise fail on `'résumé €.pdf'` (C-35, N-122).
 *
 * | policy      | for                                   | carries non-latin-1 text as            |
 * |-------------|---------------------------------------|----------------------------------------|
 * | `'strict'`  | everything else (the default)         | — it throws {@link HeaderEncodingError} |
 * | `'rfc8187'` | `Content-Disposition` and other parameter lists | `filename="ascii"; filename*=UTF-8''%XX` (C-24, C-25) |
 * | `'percent'` | `Location`, `Content-Location`, `Link` | IRI → URI: UTF-8 `%XX`, punycode host (C-26) |
 * | `'rfc2047'` | legacy clients that decode MIME words | `=?UTF-8?B?…?=` encoded-words (C-23)    |
 *
 * `'auto'` picks {@link defaultHeaderPolicy} by header name. A value already in the policy's
 * output form passes through unchanged.
 *
 * For response headers only. The part headers of a `multipart/form-data` body must not use
 * `filename*` (RFC 7578 §4.2, C-26), and cookie values need their own encoding (RFC 6265).
 *
 * @example
 * encodeHeaderValue('attachment; filename="résumé.pdf"', 'auto', 'Content-Disposition');
 * // `attachment; filename="resume.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`
 * encodeHeaderValue('https://bücher.example/straße?q=ü', 'auto', 'Location');
 * // 'https://xn--bcher-kva.example/stra%C3%9Fe?q=%C3%BC'
 * encodeHeaderValue('Grüße €', 'rfc2047', 'X-Greeting');      // '=?UTF-8?B?R3LDvMOfZSDigqw=?='
 * encodeHeaderValue('€', 'auto', 'X-Price');                  // throws HeaderEncodingError
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { domainToASCII } from 'node:url';
import { encodeTargetText } from './percent';
import { asciiLower } from './ascii';

/** How a header value with characters outside latin-1 (or control characters) is carried. */
export type HeaderPolicy = 'strict' | 'rfc2047' | 'rfc8187' | 'percent';

/** A header value that the chosen policy cannot turn into a valid native header value. */
export class HeaderEncodingError extends Error {
  override name = 'HeaderEncodingError';
  /** The header name as given (`''` when none was). */
  readonly header: string;
  /** The offending character (a whole surrogate pair when there is one). */
  readonly character: string;
  readonly codePoint: number;
  /** Its UTF-16 index in the value. */
  readonly index: number;

  constructor(header: string, value: string, index: number, why: string) {
    const codePoint = value.codePointAt(index) ?? 0;
    const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
    const printable = codePoint >= 0x20 && codePoint !== 0x7f && !(codePoint >= 0x80 && codePoint <= 0x9f) && !isSurrogate(codePoint);
    const char = printable ? `'${String.fromCodePoint(codePoint)}' (${hex})` : hex;
    super(`header ${header === '' ? '(unnamed)' : JSON.stringify(header)} holds ${char} at index ${index}: ${why}`);
    this.header = header;
    this.character = String.fromCodePoint(codePoint);
    this.codePoint = codePoint;
    this.index = index;
  }
}

function isSurrogate(codePoint: number): boolean {
  return codePoint >= 0xd800 && codePoint <= 0xdfff;
}

// --- policy by header name ------------------------------------------------------------------

// URL-valued headers take IRI → URI (C-26); Link's params are RFC 8187 (`title*`, RFC 8288
// §3.4.1). Content-Disposition is the RFC 6266 case (C-25). Nothing defaults to RFC 2047: HTTP
// user agents largely do not decode encoded-words and RFC 7230 dropped them (C-22, C-23), so
// an arbitrary header is better refused with a pointer than garbled for most readers.
const DEFAULT_POLICIES = new Map<string, HeaderPolicy>([
  ['location', 'percent'],
  ['content-location', 'percent'],
  ['link', 'percent'],
  ['content-disposition', 'rfc8187'],
]);

const POLICY_NAME_LENGTHS = new Set([...DEFAULT_POLICIES.keys()].map((name) => name.length));
const ASCII_NAME = /^[\x00-\x7F]*$/;

/**
 * The policy `'auto'` uses for a header name (ASCII case-insensitive, C-40): `'percent'` for
 * `Location`, `Content-Location` and `Link` (its targets; its parameters get RFC 8187),
 * `'rfc8187'` for `Content-Disposition`, `'strict'` for every other name — RFC 2047 is legacy
 * (C-23) and never chosen for you.
 */
export function defaultHeaderPolicy(name: string): HeaderPolicy {
  // Most names are none of the four, and their length says so without lower-casing a copy
  // (asciiLower keeps the length): this runs for every header of every legacy response.
  if (!POLICY_NAME_LENGTHS.has(name.length)) return 'strict';
  // For an ASCII name (a token: every valid one) toLowerCase is exact and the quickest; other
  // names must not fold Unicode letters into ASCII ones (the Kelvin sign into `k`, C-40).
  return DEFAULT_POLICIES.get(ASCII_NAME.test(name) ? name.toLowerCase() : asciiLower(name)) ?? 'strict';
}

// --- the entry point ------------------------------------------------------------------------

/** What `headerValueProblem` accepts (N-59, C-27): HTAB, SP, VCHAR, obs-text. */
const FIELD_CONTENT = /^[\t\x20-\x7E\x80-\xFF]*$/;
const NOT_FIELD_CONTENT = /[^\t\x20-\x7E\x80-\xFF]/;
/** The same without obs-text: what RFC 8187 and URI outputs are made of. */
const ASCII_FIELD = /^[\t\x20-\x7E]*$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Encodes a text header value so that it is a valid native string (latin-1, no CR/LF/NUL or
 * other controls). `'auto'` means {@link defaultHeaderPolicy}`(name)`; `name` also appears in
 * errors. A value already in the policy's output form comes back unchanged:
 *
 * - `'strict'`, `'rfc2047'`: any valid header value, latin-1 included (RFC 2616 `TEXT`, N-121).
 * - `'rfc8187'`: an ASCII value. A latin-1 `é` in a parameter is text, not a byte: recipients
 *   read raw non-ASCII in `filename` inconsistently (C-25), so it gets `filename*`.
 * - `'percent'`: a URI (ASCII, no spaces or controls); a `Link` value has its targets checked.
 *
 * Throws {@link HeaderEncodingError} when the policy cannot carry the value: under `'strict'`
 * for a character above U+00FF or a control character; for a lone surrogate under any policy
 * (it is not text, and UTF-8 cannot hold it, C-3); under `'rfc8187'` (and in `Link`
 * parameters) for non-ASCII outside a parameter value; under `'percent'` for a value that starts
 * with `<` but is not a `Link` list.
 */
export function encodeHeaderValue(text: string, policy: HeaderPolicy | 'auto', name = ''): string {
  const chosen = policy === 'auto' ? defaultHeaderPolicy(name) : policy;
  switch (chosen) {
    case 'strict':
      return encodeStrict(text, name);
    case 'rfc2047':
      return FIELD_CONTENT.test(text) ? text : encodeWords(wellFormed(text, name));
    case 'rfc8187':
      return ASCII_FIELD.test(text) ? text : encodeParameterList(wellFormed(text, name), name);
    case 'percent':
      return URI.test(text) ? text : encodeUrlValue(wellFormed(text, name), name);
    default:
      throw new TypeError(`policy must be 'strict', 'rfc2047', 'rfc8187', 'percent' or 'auto', got ${JSON.stringify(policy)}`);
  }
}

function wellFormed(text: string, name: string): string {
  const lone = text.search(LONE_SURROGATE);
  if (lone !== -1) {
    throw new HeaderEncodingError(name, text, lone, 'a lone surrogate is not text, and no encoding can carry it (UTF-8 would turn it into U+FFFD)');
  }
  return text;
}

// --- strict ---------------------------------------------------------------------------------

function encodeStrict(text: string, name: string): string {
  const at = text.search(NOT_FIELD_CONTENT);
  if (at === -1) return text;
  const code = text.charCodeAt(at);
  const policy = defaultHeaderPolicy(name);
  if (code > 0xff) {
    const hint =
      policy === 'percent'
        ? "encode it as a URL with the 'percent' policy (IRI → URI, C-26)"
        : policy === 'rfc8187'
          ? "encode it with the 'rfc8187' policy (filename*=UTF-8''…, C-24, C-25)"
          : "put the text in a parameter and use the 'rfc8187' policy (C-24), or the legacy 'rfc2047' policy (encoded-words, C-23)";
    throw new HeaderEncodingError(name, text, at, `header values carry only latin-1 (N-121, C-35); ${hint}`);
  }
  const what =
    code === 0x0d || code === 0x0a || code === 0x00
      ? 'CR, LF and NUL would split or truncate the response (RFC 9110 §5.5, N-59)'
      : 'control characters are not allowed in header values (RFC 9110 §5.5, N-59)';
  const hint =
    policy === 'percent'
      ? "the 'percent' policy writes it as %XX"
      : policy === 'rfc8187'
        ? "inside a parameter value the 'rfc8187' policy writes it as %XX"
        : "remove it, or carry it inside an encoded-word with the 'rfc2047' policy";
  throw new HeaderEncodingError(name, text, at, `${what}; ${hint}`);
}

// --- RFC 2047 -------------------------------------------------------------------------------

const WORD_PREFIX = '=?UTF-8?B?';
const WORD_SUFFIX = '?=';
/**
 * RFC 2047 §2: an encoded-word is at most 75 characters. 75 - 12 for `=?UTF-8?B?` and `?=`
 * leaves 63, so 60 base64 characters (a multiple of 4), which hold 45 bytes.
 */
const WORD_BYTES = ((75 - WORD_PREFIX.length - WORD_SUFFIX.length) >> 2) * 3;

/**
 * The whole value as encoded-words: `B` (base64) in UTF-8, at most 75 characters each, joined
 * by one space.
 *
 * - B, not Q: Q must also escape `=`, `?`, `_` and (in structured fields) most specials, so
 *   its word length depends on the text and grows to 3 characters per byte for non-Latin
 *   scripts; B is 4 per 3 bytes, fixed, and binary-safe, so even a control character round-trips.
 * - The whole value, not only the words that need it: whitespace between two adjacent
 *   encoded-words is dropped by decoders (RFC 2047 §6.2), so partial encoding has to pull the
 *   spaces around each encoded run inside the words, and a literal `=?…?=` left in clear text
 *   would be decoded by mistake. One run of words is exact: decoding concatenates them.
 * - A word holds whole characters (§5: a multi-octet character may not be split), and the
 *   words are separated by a single space with no folding — CR/LF are banned (N-59), so the
 *   line-length rule of §2 cannot be met and is not attempted (C-23).
 */
function encodeWords(text: string): string {
  const words: string[] = [];
  let chunk = '';
  let bytes = 0;
  for (const char of text) {
    const size = utf8Length(char.codePointAt(0) ?? 0);
    if (bytes + size > WORD_BYTES) {
      words.push(WORD_PREFIX + Buffer.from(chunk, 'utf8').toString('base64') + WORD_SUFFIX);
      chunk = '';
      bytes = 0;
    }
    chunk += char;
    bytes += size;
  }
  words.push(WORD_PREFIX + Buffer.from(chunk, 'utf8').toString('base64') + WORD_SUFFIX);
  return words.join(' ');
}

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

// --- RFC 8187 parameters --------------------------------------------------------------------

interface Segment {
  text: string;
  /** Index of `text` in the whole value, for error positions. */
  start: number;
}

/** Splits at each `;` outside a quoted-string (RFC 9110 §5.6.4: `\` escapes one character). */
function splitAtSemicolons(value: string, offset: number): Segment[] {
  const segments: Segment[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (quoted && c === 0x5c /* \ */) i++;
    else if (c === 0x22 /* " */) quoted = !quoted;
    else if (c === 0x3b /* ; */ && !quoted) {
      segments.push({ text: value.slice(start, i), start: offset + start });
      start = i + 1;
    }
  }
  segments.push({ text: value.slice(start), start: offset + start });
  return segments;
}

/** RFC 8187 §3.2.1 attr-char: ALPHA / DIGIT / `!#$&+-.^_`|~`; everything else is `%XX`. */
const ATTR_CHAR = /^[A-Za-z0-9!#$&+\-.^_`|~]$/;
const HEX = '0123456789ABCDEF';

function extendedValue(text: string): string {
  let out = "UTF-8''";
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && ATTR_CHAR.test(c) ? c : `%${HEX.charAt(byte >> 4)}${HEX.charAt(byte & 15)}`;
  }
  return out;
}

/**
 * The ASCII stand-in placed first for recipients without RFC 8187 (C-25), as Werkzeug's
 * `send_file` makes it: NFKD, so that `é` leaves a plain `e`, then drop what is not printable
 * ASCII. `"` and `\` (escapes some agents mishandle) and `%` (some agents percent-decode
 * `filename`) become `_`; a tab becomes a space. A name with no ASCII at all leaves an empty fallback: `filename*`,
 * which recipients prefer (RFC 6266 §4.3), still names it.
 */
function asciiFallback(text: string): string {
  return text
    .normalize('NFKD')
    .replaceAll('\t', ' ')
    .replace(/[^\x20-\x7E]/g, '')
    .replace(/["\\%]/g, '_');
}

/** The text of a parameter value: a quoted-string unescaped, or a token as written. */
function parameterValue(raw: string, start: number, name: string, whole: string): string {
  if (!raw.startsWith('"')) return raw;
  let out = '';
  for (let i = 1; i < raw.length; i++) {
    const c = raw.charAt(i);
    if (c === '\\') {
      out += raw.charAt(++i);
    } else if (c === '"') {
      const rest = raw.slice(i + 1);
      const junk = rest.search(/[^\t ]/);
      if (junk !== -1) {
        throw new HeaderEncodingError(name, whole, start + i + 1 + junk, 'text after a quoted-string is not part of a parameter (RFC 9110 §5.6.6)');
      }
      return out;
    } else out += c;
  }
  return out; // an unterminated quoted-string runs to the end: take what the writer meant
}

/**
 * Rewrites each parameter whose value is not printable ASCII as `name="fallback"` followed by
 * `name*=UTF-8''…` (C-24, C-25), leaving the other parts as written. A parameter that already
 * has a `name*` sibling keeps it and only gets its fallback. `head` is what precedes the first
 * `;` (the disposition type), which must already be ASCII.
 */
function encodeParameters(value: string, name: string, whole: string, offset: number): string {
  const [head, ...params] = splitAtSemicolons(value, offset);
  const bad = head === undefined ? -1 : head.text.search(/[^\t\x20-\x7E]/);
  if (head !== undefined && bad !== -1) {
    throw new HeaderEncodingError(
      name,
      whole,
      head.start + bad,
      "RFC 8187 carries parameter values only; what precedes the first ';' must be ASCII (RFC 6266 §4.1)",
    );
  }
  const extended = new Set<string>();
  for (const param of params) {
    const eq = param.text.indexOf('=');
    if (eq !== -1) extended.add(asciiLower(param.text.slice(0, eq).trim()));
  }

  let out = head?.text.trim() ?? '';
  for (const param of params) {
    const trimmed = param.text.trim();
    if (trimmed === '') continue;
    if (ASCII_FIELD.test(trimmed)) {
      out += `; ${trimmed}`;
      continue;
    }
    const lead = param.start + param.text.indexOf(trimmed);
    const eq = trimmed.indexOf('=');
    const paramName = eq === -1 ? trimmed : trimmed.slice(0, eq).trim();
    const nameBad = paramName.search(/[^!#$%&'*+\-.^_`|~0-9A-Za-z]/);
    if (eq === -1 || nameBad !== -1 || paramName === '') {
      const at = nameBad !== -1 ? nameBad : trimmed.search(/[^\t\x20-\x7E]/);
      throw new HeaderEncodingError(name, whole, lead + Math.max(at, 0), 'RFC 8187 carries parameter values only; a parameter name must be a token (RFC 9110 §5.6.6)');
    }
    if (paramName.endsWith('*')) {
      const at = trimmed.search(/[^\t\x20-\x7E]/);
      throw new HeaderEncodingError(name, whole, lead + at, `the extended parameter ${paramName} must already be percent-encoded (RFC 8187 §3.2)`);
    }
    const rawValue = trimmed.slice(eq + 1).trimStart();
    const text = parameterValue(rawValue, lead + trimmed.length - rawValue.length, name, whole);
    out += `; ${paramName}="${asciiFallback(text)}"`;
    if (!extended.has(`${asciiLower(paramName)}*`)) out += `; ${paramName}*=${extendedValue(text)}`;
  }
  return out;
}

function encodeParameterList(text: string, name: string): string {
  return encodeParameters(text, name, text, 0);
}


// --- percent (IRI → URI) --------------------------------------------------------------------

/** Already a URI: printable ASCII without spaces (RFC 3986 §2). */
const URI = /^[\x21-\x7E]*$/;
const AUTHORITY = /^([A-Za-z][A-Za-z0-9+.-]*:)?\/\/([^/?#]*)/;

/**
 * IRI → URI (RFC 3987 §3.1, C-26): the UTF-8 bytes of non-ASCII characters, spaces and
 * controls become `%XX`; existing escapes and all other ASCII stay. The host of an absolute
 * (or scheme-relative) IRI becomes punycode with Node's `domainToASCII` (UTS #46, RFC 3987
 * §3.1 step 2); a host it rejects is percent-encoded instead (RFC 3986 §3.2.2 reg-name).
 */
function iriToUri(iri: string): string {
  const match = AUTHORITY.exec(iri);
  if (match === null) return encodeTargetText(iri);
  const authority = match[2] ?? '';
  const at = authority.lastIndexOf('@');
  const userinfo = authority.slice(0, at + 1);
  const hostPort = authority.slice(at + 1);
  let host = hostPort;
  let port = '';
  if (!hostPort.startsWith('[')) {
    const colon = hostPort.lastIndexOf(':');
    if (colon !== -1 && /^[0-9]*$/.test(hostPort.slice(colon + 1))) {
      host = hostPort.slice(0, colon);
      port = hostPort.slice(colon);
    }
  }
  if (/[^\x00-\x7F]/.test(host)) {
    const ascii = domainToASCII(host);
    host = ascii !== '' ? ascii : encodeTargetText(host);
  } else host = encodeTargetText(host);
  return `${match[1] ?? ''}//${encodeTargetText(userinfo)}${host}${encodeTargetText(port)}${encodeTargetText(iri.slice(match[0].length))}`;
}

/**
 * A URL-valued header. A value that starts with `<` is read as a `Link` list (RFC 8288 §3):
 * each `<target>` is mapped IRI → URI and its parameters get RFC 8187 (`title*`), the rest is
 * kept as written. Anything else is one URI-reference (`Location`, `Content-Location`).
 */
function encodeUrlValue(text: string, name: string): string {
  if (!text.trimStart().startsWith('<')) return iriToUri(text);
  let out = '';
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('<', i);
    const lead = text.slice(i, open === -1 ? text.length : open);
    if (open === -1 && /^[\t ,]*$/.test(lead)) return out + lead; // a trailing comma or space
    if (open === -1 || !/^[\t ,]*$/.test(lead)) {
      const at = i + Math.max(lead.search(/[^\t ,]/), 0);
      throw new HeaderEncodingError(name, text, at, "a Link value is a list of '<target>; params' (RFC 8288 §3)");
    }
    const close = text.indexOf('>', open + 1);
    if (close === -1) throw new HeaderEncodingError(name, text, open, "a Link target '<' has no closing '>' (RFC 8288 §3)");
    out += `${lead}<${iriToUri(text.slice(open + 1, close))}>`;
    // Parameters run to the next ',' outside a quoted-string.
    let end = close + 1;
    let quoted = false;
    for (; end < text.length; end++) {
      const c = text.charCodeAt(end);
      if (quoted && c === 0x5c) end++;
      else if (c === 0x22) quoted = !quoted;
      else if (c === 0x2c && !quoted) break;
    }
    const params = text.slice(close + 1, end);
    out += ASCII_FIELD.test(params) ? params : encodeParameters(params, name, text, close + 1);
    i = end;
  }
  return out;
}

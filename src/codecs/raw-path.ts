/**
 * The raw, still percent-encoded SCRIPT_NAME and PATH_INFO (PEP 444's `web3.script_name` and
 * `web3.path_info`, BYTES.md §8), recovered from the raw request target.
 *
 * Decoding loses information (`%2F` and `/` look the same afterwards, CODECS C-10), so the raw
 * forms can only come from what the client sent: REQUEST_URI. They are split at the same
 * segment boundary as the decoded pair, and only when decoding the raw path gives exactly
 * SCRIPT_NAME + PATH_INFO; a rewritten path gets no raw keys at all, rather than keys
 * synthesised by re-quoting (B-42).
 *
 * @module
 */

/** The path part of a raw request target: before `?`, without scheme and authority. */
export function rawPathOf(requestUri: string): string {
  let path = requestUri;
  const mark = path.indexOf('?');
  if (mark !== -1) path = path.slice(0, mark);
  // absolute-form (RFC 9112 §3.2.2): the path starts after the authority.
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/]*/.exec(path);
  if (scheme !== null) path = path.slice(scheme[0].length) || '/';
  return path;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

const HEX = '0123456789ABCDEF';

/** B-41: raw bytes outside 0x21–0x7E are percent-encoded, so the value stays 7-bit ASCII. */
function asciiOnly(raw: string): string {
  if (/^[\x21-\x7E]*$/.test(raw)) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    out += c > 0x20 && c < 0x7f ? raw[i] : `%${HEX[c >> 4]}${HEX[c & 15]}`;
  }
  return out;
}

/**
 * Splits the raw path of `requestUri` into raw SCRIPT_NAME and raw PATH_INFO (native ASCII
 * strings) so that percent-decoding each gives `scriptName` and `pathInfo`; undefined when the
 * raw path does not decode to exactly `scriptName + pathInfo` (B-42).
 */
export function splitRawPath(requestUri: string, scriptName: string, pathInfo: string): [rawScript: string, rawPath: string] | undefined {
  const raw = rawPathOf(requestUri);
  const decoded = scriptName + pathInfo;
  // Walk the raw path one token (a literal character or a %XX escape) at a time, comparing
  // what it decodes to with the decoded pair, and note where SCRIPT_NAME ends.
  let at = 0;
  let matched = 0;
  let split = scriptName.length === 0 ? 0 : -1;
  while (at < raw.length) {
    let code = raw.charCodeAt(at);
    let width = 1;
    if (code === 0x25 /* % */) {
      const hi = hexValue(raw.charCodeAt(at + 1));
      const lo = hi === -1 ? -1 : hexValue(raw.charCodeAt(at + 2));
      if (lo !== -1) {
        code = hi * 16 + lo;
        width = 3;
      }
    }
    if (matched >= decoded.length || decoded.charCodeAt(matched) !== code) return undefined;
    at += width;
    matched++;
    if (matched === scriptName.length && split === -1) split = at;
  }
  if (matched !== decoded.length || split === -1) return undefined;
  const rawScript = raw.slice(0, split);
  const rawPath = raw.slice(split);
  // Each non-empty half must begin with a real slash: a boundary at an encoded one (%2F) is
  // not a segment boundary the client made (V-89).
  if ((rawScript !== '' && !rawScript.startsWith('/')) || (rawPath !== '' && !rawPath.startsWith('/'))) return undefined;
  return [asciiOnly(rawScript), asciiOnly(rawPath)];
}

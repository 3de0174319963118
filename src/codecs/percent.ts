/**
 * Byte-level percent-encoding for request targets (CODECS C-8, C-9, C-19).
 *
 * `decodeURIComponent` is the wrong tool on the server side: it throws on escapes that are not
 * UTF-8 (`%E9`) and turns bytes into text. Here every `%XX` becomes exactly one byte, held as a
 * native string (one code unit per byte), and a malformed `%` stays literal, as CGI servers do.
 *
 * @module
 */

import { Buffer } from 'node:buffer';

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30; // 0-9
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10; // a-f, A-F
  return -1;
}

/**
 * Percent-decodes a native string per byte (C-9): `/caf%C3%A9` → `'/cafÃ©'`. Hex is
 * case-insensitive, a malformed `%` is kept, `+` is not a space. Never throws.
 */
export function percentDecodeNative(raw: string): string {
  let at = raw.indexOf('%');
  if (at === -1) return raw;
  let out = '';
  let from = 0;
  while (at !== -1) {
    const hi = hexValue(raw.charCodeAt(at + 1));
    const lo = hi === -1 ? -1 : hexValue(raw.charCodeAt(at + 2));
    if (lo !== -1) {
      out += raw.slice(from, at) + String.fromCharCode(hi * 16 + lo);
      from = at + 3;
    }
    at = raw.indexOf('%', lo === -1 ? at + 1 : at + 3);
  }
  return out + raw.slice(from);
}

const UPPER_HEX = '0123456789ABCDEF';

/**
 * Turns text that may hold non-ASCII characters into an ASCII request target, percent-encoding
 * the UTF-8 bytes of each non-ASCII character and of controls and spaces, as browsers do for
 * IRIs (RFC 3987 §3.1). Existing `%XX` escapes and other ASCII are kept as they are.
 */
export function encodeTargetText(text: string): string {
  if (/^[\x21-\x7E]*$/.test(text)) return text;
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    out += byte > 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `%${UPPER_HEX[byte >> 4]}${UPPER_HEX[byte & 15]}`;
  }
  return out;
}

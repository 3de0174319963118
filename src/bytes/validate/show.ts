/**
 * How the bytes validator shows values in its messages. Bytes appear as Python-style bytes
 * literals, `b"200 OK"`, the notation of PEP 444 itself: printable ASCII as is, `\r`, `\n`,
 * `\t`, `\\` and `\"` escaped, every other byte as `\xNN`. Never `String(bytes)`, which gives
 * `"50,48,48"` or decodes as UTF-8 (BYTES.md B-78).
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { show } from '../../native/checks';

/** Bytes shown in full; longer values are cut and their length given. */
const MAX_SHOWN = 60;

/** One byte inside a `b"…"` literal. */
function escapeByte(byte: number): string {
  switch (byte) {
    case 0x09:
      return '\\t';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x22:
      return '\\"';
    case 0x5c:
      return '\\\\';
    default:
      return byte >= 0x20 && byte <= 0x7e ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
}

/** `b"200 OK"`; a value longer than 60 bytes is cut: `b"…"... (300 bytes)`. */
export function showBytes(bytes: Uint8Array): string {
  let out = 'b"';
  const shown = Math.min(bytes.byteLength, MAX_SHOWN);
  for (let i = 0; i < shown; i++) out += escapeByte(bytes[i] ?? 0);
  out += '"';
  return bytes.byteLength > shown ? `${out}... (${bytes.byteLength} bytes)` : out;
}

/** One byte on its own, e.g. `b"\r" (0x0d)`. */
export function showByte(byte: number): string {
  return `b"${escapeByte(byte)}" (0x${byte.toString(16).padStart(2, '0')})`;
}

/** A string in double quotes with escapes, cut after 60 characters. */
function quote(text: string): string {
  return show(text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}...` : text);
}

/** Like {@link describe}, but strings and primitives as literals: `1`, `false`, `"a"` (Array items, flags). */
export function literal(item: unknown, depth = 2): string {
  if (typeof item === 'string') return quote(item);
  if (item === null || item === undefined || typeof item === 'number' || typeof item === 'boolean' || typeof item === 'bigint') {
    return String(item);
  }
  return describe(item, depth);
}

/**
 * Any value an app or a server handed over: bytes as `b"…"`, short Arrays item by item (two
 * levels deep, so a header list reads `[[b"Content-Type", b"text/plain"]]`), strings quoted
 * and marked as strings, everything else as the native validator shows it.
 */
export function describe(value: unknown, depth = 2): string {
  if (value instanceof Uint8Array) return showBytes(value);
  if (typeof value === 'string') return `the string ${quote(value)}`;
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) {
    if (depth <= 0) return `an Array of ${value.length}`;
    const items = value.slice(0, 3).map((item: unknown) => literal(item, depth - 1));
    return `[${items.join(', ')}${value.length > 3 ? `, ... (${value.length} items)` : ''}]`;
  }
  if (typeof value === 'function') return `a function${value.name === '' ? '' : ` (${value.name})`}`;
  if (typeof value === 'object' && value !== null) {
    const tag = Object.prototype.toString.call(value).slice(8, -1);
    if (tag === 'Generator' || tag === 'AsyncGenerator') return `a ${tag} object`;
  }
  return show(value);
}

/** A latin-1 view of bytes (one code unit per byte), shown as the bytes it stands for. */
export function showLatin1(text: string): string {
  return showBytes(Buffer.from(text, 'latin1'));
}

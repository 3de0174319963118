/**
 * Charset labels to codecs: the lookup behind every `encodeText`, `decodeText`, `normalizeCharset`,
 * `isCharsetSupported` and `charsetOf`.
 *
 * The labels come from our own table (`charset-labels.ts`), so registering them needs no codec
 * library: iconv-lite stays unloaded until a charset needs it (`iconv.ts`). A lookup tries the exact
 * label, then the label trimmed and lower-cased (WHATWG "get an encoding"), then iconv-lite's looser
 * spelling; labels of charsets we know but cannot serve get an `UnknownCharsetError` saying why.
 *
 * @module
 */

import { asciiLower, trimAscii } from './ascii';
import type { Codec } from './charset-codec';
import { CHARSETS, UNSUPPORTED_CHARSETS } from './charset-labels';
import type { CharsetDefinition } from './charset-labels';
import { UnknownCharsetError } from './charset-errors';
import { iconvTable, LATIN1 } from './table-codecs';
import { CESU8, utf16, utf32, utf7, UTF8 } from './unicode-codecs';

/** A charset by its canonical name, with the codec that implements it. */
export interface Charset {
  readonly name: string;
  readonly codec: Codec;
}

const exactLabels = new Map<string, Charset>();
const looseLabels = new Map<string, Charset>();
const unsupportedLabels = new Map<string, string>();
// Labels found by the slow path (other case, whitespace, loose spelling): bounded, so labels taken
// from requests cannot grow it without limit.
const recentLabels = new Map<string, Charset>();
const RECENT_LIMIT = 64;

/** Fills the label maps; called once, at the end of this module. No codec loads anything yet. */
function registerCharsets(): void {
  for (const definition of CHARSETS) {
    const charset: Charset = { name: definition.name, codec: codecFor(definition) };
    for (const label of definition.labels) {
      exactLabels.set(label, charset);
      const key = looseKey(label);
      if (key !== undefined) looseLabels.set(key, charset);
    }
  }
  for (const { labels, reason } of UNSUPPORTED_CHARSETS) {
    for (const label of labels) {
      const key = looseKey(label);
      if (key !== undefined) unsupportedLabels.set(key, reason);
    }
  }
}

export function lookupCharset(label: string): Charset | undefined {
  // Hot path: an exact lower-case label such as 'utf-8' costs one Map lookup, no regex.
  const hit = exactLabels.get(label) ?? recentLabels.get(label);
  if (hit !== undefined || typeof label !== 'string') return hit;
  // WHATWG "get an encoding": ASCII whitespace trimmed, ASCII case-insensitive; then iconv-lite's
  // looser spelling rule (charset-labels.ts).
  const key = asciiLower(trimAscii(label));
  const found = exactLabels.get(key) ?? looseLabels.get(looseKey(key) ?? '');
  if (found !== undefined && label.length <= 64) {
    if (recentLabels.size >= RECENT_LIMIT) recentLabels.clear();
    recentLabels.set(label, found);
  }
  return found;
}

export function resolveCharset(label: string): Charset {
  const found = lookupCharset(label);
  if (found !== undefined) return found;
  const shown = typeof label === 'string' ? label : String(label);
  throw new UnknownCharsetError(shown, unsupportedLabels.get(looseKey(asciiLower(trimAscii(shown))) ?? ''));
}

/**
 * iconv-lite's loose spelling: no ":yyyy" suffix, no `-`, `_`, `.`, `:` or spaces. Undefined when
 * anything but letters and digits remains, so control characters are never skipped over.
 */
function looseKey(label: string): string | undefined {
  const key = label.replace(/:\d{4}$/, '').replace(/[-_.: ]/g, '');
  return /^[0-9a-z]+$/.test(key) ? key : undefined;
}

function codecFor(definition: CharsetDefinition): Codec {
  switch (definition.codec) {
    case 'utf8':
      return UTF8;
    case 'latin1':
      return LATIN1;
    case 'utf16le':
      return utf16('le');
    case 'utf16be':
      return utf16('be');
    case 'utf16':
      return utf16('bom');
    case 'utf32le':
      return utf32('le');
    case 'utf32be':
      return utf32('be');
    case 'utf32':
      return utf32('bom');
    case 'utf7':
      return utf7(false);
    case 'utf7imap':
      return utf7(true);
    case 'cesu8':
      return CESU8;
    default:
      return iconvTable(definition.codec, definition.kind === 'multi-byte');
  }
}

registerCharsets();

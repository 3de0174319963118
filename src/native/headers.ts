/**
 * `Headers`: a case-insensitive view over a response header list, the TypeScript counterpart of
 * `wsgiref.headers.Headers`.
 *
 * Use it to build or edit the `[name, value]` list an app passes to `startResponse`. It wraps the
 * array it is given rather than copying it, so every change lands in {@link Headers.list} and the
 * list can be handed over as is.
 *
 * Every name and value is checked on the way in, whatever the mode (cpython#150726 reports
 * wsgiref skipping its check under `-O`): names must be tokens (N-58), values latin-1 (N-3)
 * without control characters other than HTAB (N-59, D-N19). Hop-by-hop names and `Status` are
 * accepted here; refusing them is `startResponse`'s job (N-62), since a container may also serve
 * middleware that strips them again.
 *
 * @example
 * const headers = new Headers();
 * headers.set('Content-Type', 'text/csv; charset=utf-8');
 * headers.append('Content-Disposition', 'attachment', { filename: 'report.csv' });
 * headers.get('content-type'); // 'text/csv; charset=utf-8'
 * startResponse('200 OK', headers.list);
 *
 * @module
 */

import { headerValueProblem, isToken, show, whyNotToken } from './checks';
import { ProtocolError } from './errors';
import type { Header, HeaderList } from './types';

/** Parameters for {@link Headers.append}: `null`/`undefined` gives a bare `; key`. */
export type HeaderParams = Record<string, string | null | undefined>;

const ASCII_UPPER = /[A-Z]/g;

/**
 * ASCII-only case folding (N-61, C-40). `toLowerCase` would also fold non-ASCII letters, e.g.
 * the Kelvin sign U+212A onto `k`, so an entry pushed straight into the list could match a
 * token it is not.
 */
function foldName(name: string): string {
  return name.replace(ASCII_UPPER, (c) => String.fromCharCode(c.charCodeAt(0) | 0x20));
}

/** Throws unless `name` is a string and an RFC 9110 token (N-56, N-58). */
function assertName(name: unknown): asserts name is string {
  if (typeof name !== 'string') {
    throw new ProtocolError('N-56', `a header name must be a string, got ${show(name)}`);
  }
  // Only the token check applies: hop-by-hop names and `Status` concern what the server sends
  // (N-62) and are refused at startResponse, not by a general container.
  if (!isToken(name)) throw new ProtocolError('N-58', `header name ${show(name)} ${whyNotToken(name)} (RFC 9110 §5.1)`);
}

/** Throws unless `value` is a latin-1 string without CR, LF, NUL or other controls (N-3, N-59). */
function assertValue(name: string, value: unknown, context = ''): asserts value is string {
  if (typeof value !== 'string') {
    throw new ProtocolError('N-56', `${context}header ${show(name)} needs a string value, got ${show(value)}`);
  }
  const problem = headerValueProblem(name, value);
  if (problem !== undefined) {
    throw new ProtocolError(problem.check === 'header-value-latin1' ? 'N-3' : 'N-59', context + problem.message);
  }
}

/** Throws unless a parameter name is a token (RFC 9110 §5.6.6, the grammar N-58 names). */
function assertParamName(header: string, key: string): void {
  if (isToken(key)) return;
  throw new ProtocolError('N-58', `parameter name ${show(key)} of header ${show(header)} ${whyNotToken(key)} (RFC 9110 §5.6.6)`);
}

/** `key="value"` with `\` and `"` escaped (RFC 9110 §5.6.4 quoted-pair), or a bare `key`. */
function formatParam(key: string, value: string | null | undefined): string {
  if (value === null || value === undefined) return key;
  return `${key}="${value.replace(/[\\"]/g, '\\$&')}"`;
}

/** A case-insensitive, validating view over a {@link HeaderList}; see the module comment. */
export class Headers implements Iterable<Header> {
  /** The wrapped array itself: pass it to `startResponse`. Entries pushed here directly skip the checks. */
  readonly list: HeaderList;

  /** Wraps `list` (a new empty array by default) after checking every entry (N-56, N-58, N-59). */
  constructor(list: HeaderList = []) {
    if (!Array.isArray(list)) {
      throw new ProtocolError('N-56', `headers must be an array of [name, value] pairs, got ${show(list)}`);
    }
    list.forEach(function checkEntry(entry: unknown, i) {
      if (!Array.isArray(entry) || entry.length !== 2) {
        throw new ProtocolError('N-56', `headers[${i}] must be a [name, value] pair, got ${show(entry)}`);
      }
      const [name, value]: unknown[] = entry;
      assertName(name);
      assertValue(name, value);
    });
    this.list = list;
  }

  /** The number of entries, repeats included. */
  get length(): number {
    return this.list.length;
  }

  /** The first value of `name`, or `undefined`. */
  get(name: string): string | undefined {
    assertName(name);
    const key = foldName(name);
    return this.list.find((entry) => foldName(entry[0]) === key)?.[1];
  }

  /** Every value of `name`, in list order. */
  getAll(name: string): string[] {
    assertName(name);
    const key = foldName(name);
    const values: string[] = [];
    for (const [n, v] of this.list) if (foldName(n) === key) values.push(v);
    return values;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /**
   * Replaces every `name` entry with one `[name, value]` at the end, as wsgiref's
   * `__setitem__` does. Both are checked before anything is removed, so a bad value leaves
   * the list untouched.
   */
  set(name: string, value: string): this {
    assertName(name);
    assertValue(name, value);
    this.delete(name);
    this.list.push([name, value]);
    return this;
  }

  /**
   * Adds an entry without touching existing ones (wsgiref's `add_header`). Each parameter
   * becomes `; key="value"` with `\` and `"` escaped, or a bare `; key` for `null`/`undefined`;
   * `_` in a key becomes `-`, so `{ max_age: '0' }` writes `max-age="0"`. Keys keep object
   * property order (integer-like keys come first in JS).
   */
  append(name: string, value: string, params?: HeaderParams): this {
    assertName(name);
    assertValue(name, value);
    const parts = [value];
    if (params !== undefined) {
      for (const [rawKey, paramValue] of Object.entries(params)) {
        const key = rawKey.replaceAll('_', '-');
        assertParamName(name, key);
        if (paramValue !== null && paramValue !== undefined) {
          assertValue(name, paramValue, `parameter ${show(key)}: `);
        }
        parts.push(formatParam(key, paramValue));
      }
    }
    this.list.push([name, parts.join('; ')]);
    return this;
  }

  /**
   * Returns the first value of `name`; when there is none, appends `[name, value]` and returns
   * `value`. `value` is checked either way, so a bad default fails whatever the list holds.
   */
  setDefault(name: string, value: string): string {
    assertName(name);
    assertValue(name, value);
    const existing = this.get(name);
    if (existing !== undefined) return existing;
    this.list.push([name, value]);
    return value;
  }

  /** Removes every `name` entry in place (the wrapped array stays the same array). */
  delete(name: string): this {
    assertName(name);
    const key = foldName(name);
    const list = this.list;
    let kept = 0;
    for (const entry of list) if (foldName(entry[0]) !== key) list[kept++] = entry;
    list.length = kept;
    return this;
  }

  /** Names as stored (original case, repeats included). */
  keys(): string[] {
    return this.list.map((entry) => entry[0]);
  }

  values(): string[] {
    return this.list.map((entry) => entry[1]);
  }

  /** Copies of the entries: editing them does not bypass the checks. */
  entries(): Header[] {
    return this.list.map(([n, v]): Header => [n, v]);
  }

  *[Symbol.iterator](): Iterator<Header> {
    for (const [n, v] of this.list) yield [n, v];
  }

  /** `Name: value` CRLF per entry, then an empty line, as wsgiref's `__str__` formats them. */
  toString(): string {
    let text = '';
    for (const [n, v] of this.list) text += `${n}: ${v}\r\n`;
    return `${text}\r\n`;
  }
}

/**
 * The environ a legacy app sees (CODECS C-6): the native environ's values as text. The URL's
 * parts are decoded before the app runs, so that a path which is not text in `urlCharset` is
 * answered 400 (C-16); every other value is decoded when the app first reads it, as Werkzeug
 * and WebOb decode a request's fields on access. An app reads a handful of the dozens of values
 * a browser's request carries, and scanning all of them for bytes above 0x7F cost more than
 * the rest of the adapter (measured by instruction counts of the legacy hello).
 *
 * The app gets a Proxy over a copy of the native environ. Reads, spreads, `Object.entries`,
 * `JSON.stringify` and `console.log` all show text; what the app writes is its own text and
 * is kept as it is. The native environ is never changed.
 *
 * @module
 */

import { inspect, type InspectOptions } from 'node:util';
import { RequestError } from '../native/errors';
import type { Environ, InputStreamLike } from '../native/types';
import { isAscii } from './ascii';
import { decodePath, PathDecodeError, type PathErrors } from './path';
import { charsetOf, decodeText } from './text';

/** `wsgi.input` for a legacy app: bytes as ever, and the whole rest as text. */
export interface LegacyInput extends InputStreamLike {
  /** Reads the rest of the body and decodes it: `charset`, else the request's Content-Type charset, else UTF-8. */
  readText(charset?: string): Promise<string>;
}

/** The environ a legacy app sees: CGI values as decoded text. */
export interface LegacyEnviron extends Omit<Environ, 'wsgi.input'> {
  'wsgi.input': LegacyInput;
}

/** How a legacy adapter decodes request values, settled once per adapter rather than per request. */
export interface RequestText {
  urlCharset: string;
  errors: PathErrors;
  /**
   * Whether an ASCII path can still change when decoded: when ASCII bytes are other text in
   * urlCharset (UTF-16, ISO-2022-JP), or when 'repercent' must escape a '%' (C-15).
   */
  asciiPathsDecoded: boolean;
}

export function requestText(urlCharset: string, errors: PathErrors): RequestText {
  return { urlCharset, errors, asciiPathsDecoded: errors === 'repercent' || !isAsciiCompatible(urlCharset) };
}

/** Whether the 128 ASCII bytes decode to themselves in `charset` (not so in UTF-16 or ISO-2022-JP). */
function isAsciiCompatible(charset: string): boolean {
  const ascii = Uint8Array.from({ length: 128 }, (_, i) => i);
  try {
    return decodeText(ascii, charset) === String.fromCharCode(...ascii);
  } catch {
    return false;
  }
}

/**
 * One native value as text (C-6): the URL's parts in urlCharset (a path that cannot be text is
 * the client's fault: 400 under 'strict'), the query and everything else as UTF-8 where it is
 * valid and as the bytes' latin-1 view where it is not (no loss).
 */
function textOf(key: string, value: string, request: RequestText): string {
  if (key === 'PATH_INFO' || key === 'SCRIPT_NAME') {
    try {
      return decodePath(value, { charset: request.urlCharset, errors: request.errors });
    } catch (error) {
      // A path the app cannot name as text: the request is at fault (decodePath's advice).
      if (error instanceof PathDecodeError) throw new RequestError(400, error.message);
      throw error;
    }
  }
  if (key === 'QUERY_STRING') return decodePath(value, { charset: request.urlCharset, errors: 'latin1-fallback' });
  // wsgi.url_scheme and the like are the server's words, not bytes of the request.
  if (key.includes('.')) return value;
  return decodePath(value, { charset: 'utf-8', errors: 'latin1-fallback' });
}

/** The environ for a legacy app: see the module's comment. Throws RequestError(400) for a path that is not text. */
export function legacyEnviron(environ: Environ, request: RequestText): LegacyEnviron {
  // V8 copies an object of known shape in one step this way (CloneObjectIC); adding a key to
  // the copy, or giving it another prototype, would cost more than the rest of the adapter.
  const values: Values = { ...environ };
  const target = new TextEnviron(values, request);
  // Each by its name: V8 reads a named property of a known shape straight from its slot.
  const { SCRIPT_NAME: scriptName, PATH_INFO: pathInfo, QUERY_STRING: query } = environ;
  if (typeof scriptName === 'string' && target.changes(scriptName)) target.decodeNow('SCRIPT_NAME', scriptName);
  if (typeof pathInfo === 'string' && target.changes(pathInfo)) target.decodeNow('PATH_INFO', pathInfo);
  if (typeof query === 'string' && target.changes(query)) target.decodeNow('QUERY_STRING', query);
  values['wsgi.input'] = new LegacyInputStream(environ['wsgi.input'], typeof environ.CONTENT_TYPE === 'string' ? environ.CONTENT_TYPE : undefined);
  return new Proxy(target, TEXT_VIEW) as unknown as LegacyEnviron;
}

type Values = Record<PropertyKey, unknown>;

/**
 * The Proxy's target, one per request. `values` is a copy of the native environ, each value as
 * the gateway gave it until the app reads it; a value with bytes above 0x7F is then replaced
 * by its text, once. `text` names the keys whose values are text already (decoded, or the
 * app's own), so that none is decoded twice; an ASCII value is its own text and needs no
 * entry. The fields are private: the app sees only `values`, through the Proxy.
 */
class TextEnviron {
  readonly #values: Values;
  readonly #request: RequestText;
  #text: Set<PropertyKey> | undefined;

  constructor(values: Values, request: RequestText) {
    this.#values = values;
    this.#request = request;
  }

  get values(): Values {
    return this.#values;
  }

  /** Whether a URL part can change when decoded: when it is not ASCII, or when ASCII is not its own text. */
  changes(value: string): boolean {
    return this.#request.asciiPathsDecoded || !isAscii(value);
  }

  /** For the URL's parts: decoded before the app runs, so a bad path is a 400, not the app's error. */
  decodeNow(key: 'SCRIPT_NAME' | 'PATH_INFO' | 'QUERY_STRING', value: string): void {
    const text = textOf(key, value, this.#request);
    if (text !== value) this.store(key, text);
  }

  /** The value of `key` as text, decoded the first time it is read. */
  read(key: PropertyKey): unknown {
    const value = this.#values[key];
    if (typeof value !== 'string' || typeof key !== 'string' || isAscii(value) || this.#text?.has(key) === true) return value;
    const text = textOf(key, value, this.#request);
    this.store(key, text);
    return text;
  }

  /** Keeps a value that is text: decoded here, or the app's own. */
  store(key: PropertyKey, value: unknown): void {
    this.#values[key] = value;
    (this.#text ??= new Set()).add(key);
  }

  /**
   * What the app defines is its own text, whatever it holds. Always configurable: a Proxy may
   * not report a property as fixed when its target (which holds none) does not have it.
   */
  define(key: PropertyKey, descriptor: PropertyDescriptor): boolean {
    (this.#text ??= new Set()).add(key);
    return Reflect.defineProperty(this.#values, key, { ...descriptor, configurable: true });
  }

  /**
   * `util.inspect` (and so console.log): Node shows a Proxy by its target, without asking the
   * Proxy, and calls this with the Proxy as `this`; a spread of it reads every value as text.
   */
  [inspect.custom](_depth: number, options: InspectOptions, show: typeof inspect): string {
    return show({ ...(this as unknown as Values) }, options);
  }
}

/**
 * The traps, shared by every text environ: each request's state is its target's. The environ
 * behaves as the plain object `values` is, with text for values: keys, `in`, spreads,
 * `Object.entries`, `JSON.stringify`, writes and deletes. It cannot be frozen or sealed: a
 * Proxy whose target is not the object it shows could not keep that promise.
 */
const TEXT_VIEW: ProxyHandler<TextEnviron> = {
  get: (target, key) => target.read(key),
  set: (target, key, value) => {
    target.store(key, value);
    return true;
  },
  has: (target, key) => key in target.values,
  deleteProperty: (target, key) => delete target.values[key],
  ownKeys: (target) => Reflect.ownKeys(target.values),
  getOwnPropertyDescriptor: (target, key) => {
    const descriptor = Reflect.getOwnPropertyDescriptor(target.values, key);
    if (descriptor !== undefined && 'value' in descriptor) descriptor.value = target.read(key);
    return descriptor;
  },
  defineProperty: (target, key, descriptor) => target.define(key, descriptor),
  getPrototypeOf: (target) => Object.getPrototypeOf(target.values) as object | null,
  setPrototypeOf: () => false,
  preventExtensions: () => false,
};

/** `wsgi.input` for a legacy app: one object per request, its methods on the prototype. */
class LegacyInputStream implements LegacyInput {
  constructor(
    private readonly input: InputStreamLike,
    private readonly contentType: string | undefined,
  ) {}

  read(size?: number): Promise<Uint8Array> {
    return this.input.read(size);
  }

  readline(size?: number): Promise<Uint8Array> {
    return this.input.readline(size);
  }

  readlines(hint?: number): Promise<Uint8Array[]> {
    return this.input.readlines(hint);
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.input[Symbol.asyncIterator]();
  }

  async readText(charset?: string): Promise<string> {
    const bytes = await this.input.read();
    return decodeText(bytes, charset ?? charsetOf(this.contentType) ?? 'utf-8');
  }
}

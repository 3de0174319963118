/**
 * The environ a legacy app sees (CODECS C-6): the native environ's values as text. The URL's
 * parts are decoded before the app runs, so that a path which is not text in `urlCharset` is
 * answered 400 (C-16); every other value is decoded when the app first reads it, as Werkzeug
 * and WebOb decode a request's fields on access. An app reads a handful of the dozens of values
 * a browser's request carries, and scanning all of them for bytes above 0x7F cost more than
 * the rest of the adapter (measured by instruction counts of the legacy hello).
 *
 * The app gets a Proxy that reads the native environ and keeps what differs from it. Reads,
 * spreads, `Object.entries`, `JSON.stringify` and `console.log` all show text; what the app
 * writes is its own text and is kept as it is. The native environ is never changed.
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
  const target = new TextEnviron(environ, request);
  // Each by its name: V8 reads a named property of a known shape straight from its slot.
  const { SCRIPT_NAME: scriptName, PATH_INFO: pathInfo, QUERY_STRING: query } = environ;
  if (typeof scriptName === 'string' && target.changes(scriptName)) target.decodeNow('SCRIPT_NAME', scriptName);
  if (typeof pathInfo === 'string' && target.changes(pathInfo)) target.decodeNow('PATH_INFO', pathInfo);
  if (typeof query === 'string' && target.changes(query)) target.decodeNow('QUERY_STRING', query);
  return new Proxy(target, TEXT_VIEW) as unknown as LegacyEnviron;
}

type Values = Record<PropertyKey, unknown>;

const INPUT = 'wsgi.input';

/**
 * The Proxy's target, one per request. It never copies the native environ, which it only
 * reads: a copy was a fifth of what the adapter allocated per request. `own` holds what
 * differs from the native environ, in the order it came: a value decoded to text (once, on
 * first read), and what the app wrote; `gone` the native keys the app deleted. An ASCII value
 * is its own text and is read from the native environ every time. The fields are private:
 * the app sees only the environ they make up, through the Proxy.
 */
class TextEnviron {
  readonly #native: Values;
  readonly #request: RequestText;
  #own: Map<PropertyKey, unknown> | undefined;
  #gone: Set<PropertyKey> | undefined;

  constructor(native: Environ, request: RequestText) {
    this.#native = native as unknown as Values;
    this.#request = request;
  }

  /** Whether a URL part can change when decoded: when it is not ASCII, or when ASCII is not its own text. */
  changes(value: string): boolean {
    return this.#request.asciiPathsDecoded || !isAscii(value);
  }

  /** For the URL's parts: decoded before the app runs, so a bad path is a 400, not the app's error. */
  decodeNow(key: 'SCRIPT_NAME' | 'PATH_INFO' | 'QUERY_STRING', value: string): void {
    const text = textOf(key, value, this.#request);
    // Kept unless read() would give the same without decoding (an ASCII value unchanged).
    if (text !== value || !isAscii(value)) (this.#own ??= new Map()).set(key, text);
  }

  /** The value of `key` as the app sees it: its own, else the native one as text (decoded once). */
  read(key: PropertyKey): unknown {
    const own = this.#own;
    if (own !== undefined && own.has(key)) return own.get(key);
    if (this.#gone?.has(key) === true) return undefined;
    const value = this.#native[key];
    if (typeof value !== 'string' || typeof key !== 'string') return key === INPUT ? this.#input(value as InputStreamLike) : value;
    if (isAscii(value)) return value;
    const text = textOf(key, value, this.#request);
    (this.#own ??= new Map()).set(key, text);
    return text;
  }

  /** `wsgi.input` with readText(), made when the app first asks for it. */
  #input(native: InputStreamLike): LegacyInput {
    const contentType = this.#native.CONTENT_TYPE;
    const input = new LegacyInputStream(native, typeof contentType === 'string' ? contentType : undefined);
    (this.#own ??= new Map()).set(INPUT, input);
    return input;
  }

  /** Whether the environ has `key` of its own: an inherited `toString` is no environ key. */
  hasOwn(key: PropertyKey): boolean {
    if (this.#own?.has(key) === true) return true;
    return this.#gone?.has(key) !== true && Object.hasOwn(this.#native, key);
  }

  /** What the app writes is its own text, whatever it holds. */
  write(key: PropertyKey, value: unknown): void {
    (this.#own ??= new Map()).set(key, value);
    this.#gone?.delete(key);
  }

  delete(key: PropertyKey): void {
    this.#own?.delete(key);
    if (Object.hasOwn(this.#native, key)) (this.#gone ??= new Set()).add(key);
  }

  /** The native keys the app kept, then the ones it added, as a plain object orders them. */
  keys(): Array<string | symbol> {
    const gone = this.#gone;
    const keys = gone === undefined ? Reflect.ownKeys(this.#native) : Reflect.ownKeys(this.#native).filter((key) => !gone.has(key));
    if (this.#own !== undefined) for (const key of this.#own.keys()) if (!Object.hasOwn(this.#native, key) && typeof key !== 'number') keys.push(key);
    return keys;
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
 * behaves as a plain object of data properties with text for values: keys, `in`, spreads,
 * `Object.entries`, `JSON.stringify`, writes and deletes. A property defined with
 * Object.defineProperty is kept as a plain one (its value; a getter or setter is refused). It
 * cannot be frozen or sealed: a Proxy whose target holds none of the properties it shows could
 * not keep that promise.
 */
const TEXT_VIEW: ProxyHandler<TextEnviron> = {
  get: (target, key) => target.read(key),
  set: (target, key, value) => {
    target.write(key, value);
    return true;
  },
  // `in` sees inherited keys too, as on any plain object (the prototype is Object.prototype).
  has: (target, key) => target.hasOwn(key) || key in Object.prototype,
  deleteProperty: (target, key) => {
    target.delete(key);
    return true;
  },
  ownKeys: (target) => target.keys(),
  getOwnPropertyDescriptor: (target, key) =>
    target.hasOwn(key) ? { value: target.read(key), writable: true, enumerable: true, configurable: true } : undefined,
  defineProperty: (target, key, descriptor) => {
    if (descriptor.get !== undefined || descriptor.set !== undefined) return false;
    target.write(key, descriptor.value);
    return true;
  },
  getPrototypeOf: () => Object.prototype,
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

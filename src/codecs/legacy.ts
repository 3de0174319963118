/**
 * `fromLegacyApp(app, options)`: runs an app written as if text were bytes, unchanged, as a
 * native (PEP 3333) app. It is where MIGRATION.md starts: the seed's Hello World yields a
 * string; such apps expect `PATH_INFO` to be `'/café'`, not the latin-1 tunnel `'/cafÃ©'`, and
 * set headers with any Unicode in them.
 *
 * Request: CGI values become text (CODECS C-6): the path in `urlCharset` (a path that is not
 * valid there gets 400 under `errors: 'strict'`, before the app runs), everything else as
 * UTF-8 where it is valid and as its latin-1 view where it is not, when the app first reads it
 * (`legacy-environ.ts`). `wsgi.input` stays bytes, with `readText()` added.
 *
 * Response: string chunks are encoded in the charset of the response's Content-Type, which
 * gets `; charset=…` when a text type has none; `Uint8Array` chunks pass through, mixed freely.
 * A Content-Length counted in characters becomes the byte length, or goes when it cannot be
 * known. Status and header text are carried by `headerPolicy` (RFC 8187, RFC 2047, percent).
 *
 * @example
 * function hello(environ, startResponse) {            // the seed's app, unchanged
 *   startResponse('200 OK', [['Content-Type', 'text/plain']]);
 *   return [`Hello from ${environ.PATH_INFO}\n`];      // '/café', as text
 * }
 * await serve(fromLegacyApp(hello));                   // or: tsgi serve --flavour legacy
 *
 * @module
 */

import { inspectHeaders, isProblem, SERVER_RULE_OF_CHECK, show, statusProblem } from '../native/checks';
import { ProtocolError } from '../native/errors';
import type { Body, Closable, Environ, HeaderList, NativeApp, StartResponse, Write } from '../native/types';
import { defaultHeaderPolicy, encodeHeaderValue, type HeaderPolicy } from './headers';
import { legacyEnviron, requestText, type LegacyEnviron } from './legacy-environ';
import type { PathErrors } from './path';
import { asciiLower } from './ascii';
import { type Charset, resolveCharset } from './charset-registry';
import { charsetOf, normalizeCharset } from './text';
import { isThenable } from '../native/thenable';

export interface LegacyOptions {
  /** Charset of string body chunks when the Content-Type names none (and added to it). Default utf-8. */
  charset?: string;
  /** Charset of the request path's bytes (what browsers send: UTF-8). Default utf-8. */
  urlCharset?: string;
  /**
   * How header text outside latin-1 is carried: one policy for every header, or `'auto'`: the
   * sensible one per header (percent-encoding for Location, RFC 8187 for Content-Disposition,
   * refusal otherwise). Default `'auto'`.
   */
  headerPolicy?: HeaderPolicy | 'auto';
  /**
   * A path whose bytes are not valid in `urlCharset`: `'strict'` (the client gets 400),
   * `'replace'` (U+FFFD), `'repercent'` (lossless `%XX`) or `'latin1-fallback'`. Default strict.
   */
  errors?: PathErrors;
}

/** A chunk of a legacy body: text, or bytes as they are. */
export type LegacyChunk = string | Uint8Array;
export type LegacyBody = (Iterable<LegacyChunk> | AsyncIterable<LegacyChunk>) & Closable;
export type LegacyWrite = (data: LegacyChunk) => Promise<void>;
export type LegacyStartResponse = (status: string, headers: Array<[string, string]>, excInfo?: unknown) => LegacyWrite;

export type { LegacyEnviron, LegacyInput } from './legacy-environ';

export type LegacyApp = (environ: LegacyEnviron, startResponse: LegacyStartResponse) => LegacyBody | Promise<LegacyBody>;

/**
 * Types whose text charset is declared by a `charset` parameter (C-30: the list Werkzeug adds
 * one to). JSON has none (RFC 8259: always UTF-8, C-29).
 */
const TEXT_TYPES = /^(?:text\/[^;\s]+|application\/(?:javascript|ecmascript|sql|xml|xml-dtd|xml-external-parsed-entity)|[^;\s/]+\/[^;\s]+\+xml)\s*(?:;|$)/i;

export function fromLegacyApp(app: LegacyApp, options: LegacyOptions = {}): NativeApp {
  const charset = normalizeCharset(options.charset ?? 'utf-8');
  const urlCharset = normalizeCharset(options.urlCharset ?? 'utf-8');
  const policy = options.headerPolicy ?? 'auto';
  const request = requestText(urlCharset, options.errors ?? 'strict');
  const head: HeadText = { charset: resolveCharset(charset), policy, contentTypes: new Map(), fieldStatuses: new Set() };

  return function nativeFromLegacy(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
    const text = legacyEnviron(environ, request);
    const response = new LegacyResponse(startResponse, head);
    const result = app(text, response.startResponse);
    if (isThenable(result)) return Promise.resolve(result).then((body) => response.body(body));
    return response.body(result);
  };
}

// -----------------------------------------------------------------------------------------------
// The response: text encoded, Content-Length in bytes

/** A Content-Type value as the native side gets it, and the charset of the body's text. */
interface ContentType {
  value: string;
  charset: Charset;
}

/** How a legacy adapter encodes response heads, settled once per adapter rather than per response. */
interface HeadText {
  /** For text chunks when the Content-Type names no charset, and added to a text type's. */
  charset: Charset;
  policy: HeaderPolicy | 'auto';
  /** Content-Types seen, as sent: see LegacyResponse.contentType. */
  contentTypes: Map<string, ContentType>;
  /** Statuses seen that are their own native form: see LegacyResponse.encodeStatus. */
  fieldStatuses: Set<string>;
}

/**
 * Whether a header is `name`, in any ASCII case (C-40). The usual spelling is one comparison
 * of two interned strings; other spellings are lower-cased to be sure.
 */
function isNamed(name: string, usual: string, lower: string): boolean {
  return name === usual || (name.length === lower.length && asciiLower(name) === lower);
}

/** What a status passes on as it is: every policy leaves such text unchanged (HTAB, VCHAR, obs-text). */
function isFieldText(s: string): boolean {
  // A loop: for a status line it costs less than a regular expression's call.
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 ? c !== 0x09 : c === 0x7f || c > 0xff) return false;
  }
  return true;
}

/** Content-Types and statuses kept per adapter: an app's few, with room for one that builds them per request. */
const KEPT_PER_ADAPTER = 64;

class LegacyResponse {
  private startCalled = false;
  private status: string | undefined;
  /** The native headers held back with the status until the body is known (see start). */
  private headers: HeaderList | undefined;
  /** The app's Content-Length, if it gave one (characters or bytes: not known yet). */
  private declaredLength: number | undefined;
  /** The charset of this response's text chunks. */
  private charset: Charset;
  private committed = false;
  private write: Write | undefined;
  /** The startResponse handed to the app. */
  readonly startResponse: LegacyStartResponse;
  /** The write() that startResponse returns. */
  private readonly appWrite: LegacyWrite;

  constructor(
    private readonly nativeStartResponse: StartResponse,
    private readonly head: HeadText,
  ) {
    this.charset = head.charset;
    // Both made here: every app calls startResponse, so its write() is wanted anyway, and the
    // two closures share the constructor's context rather than one each.
    this.startResponse = (status, headers, excInfo) => this.start(status, headers, excInfo);
    this.appWrite = (data) => this.writeChunk(data);
  }

  /**
   * The legacy startResponse. A head without Content-Length goes to the native startResponse at
   * once, which checks it (N-63); one with a Content-Length waits for the body to show whether
   * it counted characters or bytes (C-37), so it is checked here and passed on later.
   */
  start(status: string, headers: Array<[string, string]>, excInfo: unknown): LegacyWrite {
    if (this.committed) {
      // The native side decides: replace before anything was sent, re-raise after (N-70, N-71).
      this.nativeStartResponse(this.encodeStatus(status), this.encodeHeaders(headers), excInfo);
      return this.appWrite;
    }
    if (excInfo === undefined && this.startCalled) {
      throw new ProtocolError('N-67', 'startResponse() was called a second time without excInfo');
    }
    // N-63: the call counts before it is checked.
    this.startCalled = true;
    this.status = undefined;
    const nativeStatus = this.encodeStatus(status);
    const nativeHeaders = this.encodeHeaders(headers);
    if (this.declaredLength === undefined) {
      // Nothing for the body to correct: one check, the native one, and no second pass later.
      this.write = this.nativeStartResponse(nativeStatus, nativeHeaders, excInfo);
      this.committed = true;
      return this.appWrite;
    }
    const bad = statusProblem(nativeStatus);
    if (bad !== undefined) throw new ProtocolError(SERVER_RULE_OF_CHECK[bad.check], bad.message);
    const facts = inspectHeaders(nativeHeaders);
    if (isProblem(facts)) throw new ProtocolError(SERVER_RULE_OF_CHECK[facts.check], facts.message);
    this.status = nativeStatus;
    this.headers = nativeHeaders;
    return this.appWrite;
  }

  /**
   * The status as a native string, by policy. What the policy lets through (here and in
   * encodeHeaders) is checked by the caller, as a native status and headers.
   */
  private encodeStatus(status: string): string {
    if (typeof status !== 'string') throw new ProtocolError('N-1', `status must be a string like "200 OK", got ${show(status)}`);
    // A status of latin-1 field characters is its own native form: the same string goes on, so
    // the native side finds it among the statuses it has checked before.
    const seen = this.head.fieldStatuses;
    if (seen.has(status)) return status;
    if (status.length <= 4 || isFieldText(status)) {
      // An app answers with a handful of statuses: each is scanned once per adapter.
      if (seen.size >= KEPT_PER_ADAPTER) seen.clear();
      seen.add(status);
      return status;
    }
    return `${status.slice(0, 4)}${encodeHeaderValue(status.slice(4), this.head.policy === 'rfc2047' ? 'rfc2047' : 'strict', 'Status')}`;
  }

  /** The headers as native strings, by policy; the charset and Content-Length noted. */
  private encodeHeaders(headers: Array<[string, string]>): HeaderList {
    if (!Array.isArray(headers)) throw new ProtocolError('N-56', `headers must be an array of [name, value] pairs, got ${show(headers)}`);
    this.declaredLength = undefined;
    this.charset = this.head.charset;
    // Sized once: a list grown by push starts with room for sixteen.
    const out: HeaderList = new Array<[string, string]>(headers.length);
    let count = 0;
    for (let i = 0; i < headers.length; i++) {
      const entry: unknown = headers[i];
      if (!Array.isArray(entry) || entry.length !== 2) throw new ProtocolError('N-56', `each header must be a [name, value] pair, got ${show(entry)}`);
      const name: unknown = entry[0];
      const value: unknown = entry[1];
      if (typeof name !== 'string' || typeof value !== 'string') throw new ProtocolError('N-56', `header names and values must be strings, got [${show(name)}, ${show(value)}]`);
      if (isNamed(name, 'Content-Length', 'content-length')) {
        // C-37: maybe characters; the body decides (see commit).
        this.declaredLength = Number(value);
        continue;
      }
      if (isNamed(name, 'Content-Type', 'content-type')) {
        const type = this.contentType(value, name);
        this.charset = type.charset;
        out[count++] = [name, type.value];
        continue;
      }
      out[count++] = [name, encodeHeaderValue(value, this.policyFor(name), name)];
    }
    // A Content-Length is held back (see commit): the list is then shorter than the app's. A
    // copy rather than `out.length = count`: V8 sets an array's length in its runtime, which
    // cost more than the rest of this function (callgrind).
    return count === out.length ? out : out.slice(0, count);
  }

  /** The policy for header `name`: the adapter's one, or under 'auto' the one that suits the header. */
  private policyFor(name: string): HeaderPolicy {
    const policy = this.head.policy;
    return policy === 'auto' ? defaultHeaderPolicy(name) : policy;
  }

  /**
   * A Content-Type as sent (C-30: `; charset=…` added to a text type without one) and the charset
   * its text is encoded in. Apps send the same few types, so each is worked out once per adapter;
   * this also hands the native checks the same string every time, which they have seen already.
   */
  private contentType(value: string, name: string): ContentType {
    const { contentTypes, charset } = this.head;
    const known = contentTypes.get(value);
    if (known !== undefined) return known;
    let sent = encodeHeaderValue(value, this.policyFor(name), name);
    const named = charsetOf(sent);
    if (named === undefined && TEXT_TYPES.test(sent)) sent += `; charset=${charset.name}`;
    const type = { value: sent, charset: named === undefined ? charset : resolveCharset(named) };
    if (contentTypes.size >= KEPT_PER_ADAPTER) contentTypes.clear();
    contentTypes.set(value, type);
    return type;
  }

  /**
   * Calls the native startResponse. C-37: a Content-Length is kept when the body is bytes (the
   * app counted bytes), replaced by the byte length when the whole body is known, and dropped
   * when text of unknown length follows (the gateway then chunks).
   */
  private commit(kind: 'bytes' | 'text', knownLength?: number): void {
    if (this.status === undefined) throw new ProtocolError('N-66', 'the body began before startResponse() was called');
    this.committed = true;
    const headers = this.headers as HeaderList;
    if (knownLength !== undefined && this.declaredLength !== undefined) headers.push(['Content-Length', String(knownLength)]);
    else if (kind === 'bytes' && this.declaredLength !== undefined) headers.push(['Content-Length', String(this.declaredLength)]);
    this.write = this.nativeStartResponse(this.status, headers);
  }

  private encode(chunk: unknown): Uint8Array {
    if (chunk instanceof Uint8Array) return chunk;
    if (typeof chunk === 'string') return this.charset.codec.encode(chunk, true, this.charset.name);
    throw new ProtocolError('N-9', `a legacy body yields strings or Uint8Array chunks, got ${show(chunk)}`);
  }

  private writeChunk(data: LegacyChunk): Promise<void> {
    if (!this.committed) this.commit(typeof data === 'string' ? 'text' : 'bytes');
    return (this.write as Write)(this.encode(data));
  }

  /** The native body: chunks encoded, startResponse passed on before the first one. */
  body(legacy: LegacyBody): Body {
    if (legacy === null || typeof legacy !== 'object' || typeof legacy === 'string') {
      throw new ProtocolError('N-9', `the application must return an iterable of chunks, got ${show(legacy)}`);
    }
    if (Array.isArray(legacy)) {
      const chunks: Uint8Array[] = new Array<Uint8Array>(legacy.length);
      for (let i = 0; i < chunks.length; i++) chunks[i] = this.encode((legacy as unknown[])[i]);
      if (!this.committed) this.commit('bytes', chunks.reduce((total, chunk) => total + chunk.byteLength, 0));
      // N-128: the app's close() is passed on; an array without one needs nothing to pass.
      return typeof (legacy as Closable).close === 'function' ? Object.assign(chunks, { close: () => (legacy as Closable).close?.() }) : chunks;
    }
    const self = this;
    const close = () => legacy.close?.();
    if (typeof (legacy as AsyncIterable<LegacyChunk>)[Symbol.asyncIterator] === 'function') {
      return {
        async *[Symbol.asyncIterator]() {
          for await (const chunk of legacy as AsyncIterable<LegacyChunk>) yield self.next(chunk);
          self.ensureCommitted();
        },
        close,
      };
    }
    return {
      *[Symbol.iterator]() {
        for (const chunk of legacy as Iterable<LegacyChunk>) yield self.next(chunk);
        self.ensureCommitted();
      },
      close,
    };
  }

  /** One chunk of an iterated body: the first non-empty one decides the Content-Length. */
  private next(chunk: LegacyChunk): Uint8Array {
    const bytes = this.encode(chunk);
    if (!this.committed && bytes.byteLength > 0) this.commit(typeof chunk === 'string' ? 'text' : 'bytes');
    return bytes;
  }

  private ensureCommitted(): void {
    if (!this.committed) this.commit('bytes', 0);
  }
}

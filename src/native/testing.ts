/**
 * The test client: build a complete environ from a few options, call an app through the same
 * lifecycle the gateways run, and get the whole response back. Use it to test your own apps and
 * middleware without a socket, like Werkzeug's EnvironBuilder and test client.
 *
 * @example
 * const environ = buildEnviron({ method: 'POST', path: '/café', body: 'name=x' });
 * const { status, headers, body } = await callApplication(app, environ);
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { assertNativeString } from '../codecs/latin1';
import { encodeTargetText, percentDecodeNative } from '../codecs/percent';
import { ErrorStream } from './error-stream';
import { fileWrapper } from './file-wrapper';
import { InputStream } from './input';
import { type LifecycleOptions, runApplication } from './lifecycle';
import { MemorySink } from './memory-sink';
import { addRequestHeader, environKeyOf } from './request-headers';
import type { Framing } from './sink';
import type { Environ, ErrorStreamLike, HeaderList, NativeApp } from './types';

type QueryValue = string | number | boolean;

export interface EnvironOptions {
  /** Default `GET`. */
  method?: string;
  /**
   * The path below the script name, as text: `'/café'` and `'/caf%C3%A9'` both become the
   * PATH_INFO `'/cafÃ©'` (the latin-1 tunnel of the UTF-8 bytes, N-2). A `?query` part is split
   * off unless `query` is given too. Default `/`.
   */
  path?: string;
  /** A raw query string, or values to form-encode as UTF-8 (`{ q: 'é', tag: ['a', 'b'] }`). */
  query?: string | URLSearchParams | Record<string, QueryValue | readonly QueryValue[]>;
  /**
   * Request headers. Values are native strings, as a server receives them; an array joins as
   * repeated fields do (D-N14). Content-Type and Content-Length become CONTENT_TYPE and
   * CONTENT_LENGTH (N-31).
   */
  headers?: Record<string, string | readonly string[]> | ReadonlyArray<readonly [string, string]>;
  /**
   * The request body: bytes, text (sent as UTF-8), or a stream of chunks (sent with no
   * Content-Length, as a chunked upload, with `wsgi.input_terminated`, D-N11).
   */
  body?: Uint8Array | string | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** Default `http`. */
  scheme?: 'http' | 'https';
  /** Default `localhost`. */
  serverName?: string;
  /** Default 80, or 443 for https. */
  serverPort?: string | number;
  /** The mount point, as text like `path` (`'/app'`); default empty (mounted at the root). */
  scriptName?: string;
  /** Default `HTTP/1.1`. */
  protocol?: string;
  /** Default `127.0.0.1`. */
  remoteAddr?: string;
  /** Default: a stream that keeps what the app writes, returned by callApplication as `errors`. */
  errors?: ErrorStreamLike;
  multithread?: boolean;
  multiprocess?: boolean;
  runOnce?: boolean;
  /** More environ keys, set last. */
  extra?: Record<string, unknown>;
}

const WSGI_VERSION: readonly [1, 0] = Object.freeze([1, 0] as const);

/** Builds an environ with every required key (§6, §7), like wsgiref's setup_testing_defaults. */
export function buildEnviron(options: EnvironOptions = {}): Environ {
  const scheme = options.scheme ?? 'http';
  let target = options.path ?? '/';
  let query = '';
  const mark = target.indexOf('?');
  if (mark !== -1) {
    if (options.query !== undefined) throw new TypeError('buildEnviron: give the query in `path` or in `query`, not both');
    query = encodeTargetText(target.slice(mark + 1));
    target = target.slice(0, mark);
  } else if (options.query !== undefined) {
    query = encodeQuery(options.query);
  }
  if (target !== '' && !target.startsWith('/')) throw new TypeError(`buildEnviron: path ${JSON.stringify(target)} must start with "/"`);
  const rawPath = encodeTargetText(target);
  const rawScript = encodeTargetText(options.scriptName ?? '');
  if (rawScript !== '' && (!rawScript.startsWith('/') || rawScript.endsWith('/'))) {
    throw new TypeError(`buildEnviron: scriptName ${JSON.stringify(options.scriptName)} must start with "/" and not end with one`);
  }
  const serverName = options.serverName ?? 'localhost';
  const serverPort = String(options.serverPort ?? (scheme === 'https' ? 443 : 80));
  const defaultPort = scheme === 'https' ? '443' : '80';

  const environ: Environ = {
    REQUEST_METHOD: options.method ?? 'GET',
    SCRIPT_NAME: percentDecodeNative(rawScript),
    PATH_INFO: percentDecodeNative(rawPath),
    QUERY_STRING: query,
    REQUEST_URI: rawScript + rawPath + (query === '' ? '' : `?${query}`),
    SERVER_NAME: serverName,
    SERVER_PORT: serverPort,
    SERVER_PROTOCOL: options.protocol ?? 'HTTP/1.1',
    SERVER_SOFTWARE: 'tsgi-test-client',
    GATEWAY_INTERFACE: 'CGI/1.1',
    REMOTE_ADDR: options.remoteAddr ?? '127.0.0.1',
    HTTP_HOST: serverPort === defaultPort ? serverName : `${serverName}:${serverPort}`,
    'wsgi.version': WSGI_VERSION,
    'wsgi.url_scheme': scheme,
    'wsgi.input': InputStream.empty(),
    'wsgi.errors': options.errors ?? ErrorStream.collecting(),
    'wsgi.multithread': options.multithread ?? false,
    'wsgi.multiprocess': options.multiprocess ?? false,
    'wsgi.run_once': options.runOnce ?? false,
    // N-35: our gateways frame request bodies themselves and always terminate the input.
    'wsgi.input_terminated': true,
    'wsgi.file_wrapper': fileWrapper,
  };
  if (scheme === 'https') environ.HTTPS = 'on';
  setHeaders(environ, options.headers);
  setBody(environ, options.body);
  if (options.extra !== undefined) Object.assign(environ, options.extra);
  return environ;
}

function encodeQuery(query: NonNullable<EnvironOptions['query']>): string {
  if (typeof query === 'string') return encodeTargetText(query.startsWith('?') ? query.slice(1) : query);
  if (query instanceof URLSearchParams) return query.toString();
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  return params.toString();
}

function setHeaders(environ: Environ, headers: EnvironOptions['headers']): void {
  if (headers === undefined) return;
  const pairs: Array<readonly [string, string]> = [];
  if (Array.isArray(headers)) {
    pairs.push(...(headers as ReadonlyArray<readonly [string, string]>));
  } else {
    for (const [name, value] of Object.entries(headers as Record<string, string | readonly string[]>)) {
      if (typeof value === 'string') pairs.push([name, value]);
      else for (const item of value) pairs.push([name, item]);
    }
  }
  let hostGiven = false;
  for (const [name, value] of pairs) {
    const key = environKeyOf(name);
    if (key === undefined) {
      throw new TypeError(
        `buildEnviron: header ${JSON.stringify(name)} holds "_", and tsgi gateways drop such headers (D-N14, C-21); use "-"`,
      );
    }
    assertNativeString(value, `header ${JSON.stringify(name)}`);
    if (key === 'HTTP_HOST' && !hostGiven) {
      // The given Host replaces the default one rather than joining it.
      delete environ.HTTP_HOST;
      hostGiven = true;
    }
    addRequestHeader(environ, key, value);
  }
}

function setBody(environ: Environ, body: EnvironOptions['body']): void {
  if (body === undefined) return;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    environ['wsgi.input'] = InputStream.from(bytes);
    environ.CONTENT_LENGTH ??= String(bytes.byteLength);
    return;
  }
  // A stream: its length is unknown unless the caller declared one (D-N11); a client sends such
  // a body chunked, and says so.
  const declared = environ.CONTENT_LENGTH;
  const length = declared === undefined ? undefined : Number(declared);
  if (declared === undefined) environ.HTTP_TRANSFER_ENCODING ??= 'chunked';
  environ['wsgi.input'] = new InputStream(body, { length, terminated: true });
}

export interface TestResponse {
  /** The status line, e.g. `'200 OK'`. */
  status: string;
  /** Its numeric code. */
  code: number;
  /** The headers as the gateway sent them (with a computed Content-Length where N-96 applies). */
  headers: HeaderList;
  /** The whole body. */
  body: Uint8Array;
  /** How the gateway framed the body (D-N22). */
  framing: Framing;
  /** False when a real connection would have been cut (an error after the headers went out). */
  complete: boolean;
  /** What went to `wsgi.errors` when buildEnviron supplied its collecting stream. */
  errors: string;
}

export interface CallOptions extends Pick<LifecycleOptions, 'errorBody' | 'generalPathOnly'> {
  /**
   * `'throw'` (default): a fault of the app rejects the call with its error, as the seed's
   * call_application would raise. `'respond'`: resolve with what a client would have received
   * (a 500, or a cut response with `complete: false`).
   */
  errors?: 'throw' | 'respond';
  /** Default: chunked framing allowed unless SERVER_PROTOCOL is HTTP/1.0. */
  canChunk?: boolean;
}

/**
 * Calls `app` through the gateways' lifecycle and collects the response (the seed's
 * call_application, done right): awaits async apps, honours `write()`, always calls `close()`.
 */
export async function callApplication(app: NativeApp, environ: Environ, options: CallOptions = {}): Promise<TestResponse> {
  const sink = new MemorySink({ canChunk: options.canChunk ?? environ.SERVER_PROTOCOL !== 'HTTP/1.0' });
  const errorStream: unknown = environ['wsgi.errors'];
  let fault: { error: unknown } | undefined;
  await runApplication(app, environ, sink, {
    errorBody: options.errorBody,
    generalPathOnly: options.generalPathOnly,
    onError: (error) => {
      fault ??= { error };
    },
  });
  if (fault !== undefined && (options.errors ?? 'throw') === 'throw') throw fault.error;
  const head = sink.head;
  if (head === undefined) throw new Error('callApplication: the lifecycle sent no response (a tsgi bug)');
  return {
    status: head.status,
    code: head.code,
    headers: head.headers,
    body: sink.body,
    framing: head.framing,
    complete: sink.state === 'ended',
    errors: errorStream instanceof ErrorStream && 'text' in errorStream ? String(errorStream.text) : '',
  };
}

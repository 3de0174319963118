/**
 * The environ of one HTTP request (NATIVE §6, §7; D-N14): how a request arrives, for the HTTP
 * gateway. Built from the raw request target and `rawHeaders`, never from `req.headers`, which
 * drops some repeats and joins others its own way (C-20).
 *
 * @module
 */

import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { percentDecodeNative } from '../codecs/percent';
import { RequestError } from '../native/errors';
import { fileWrapper } from '../native/file-wrapper';
import { connectionOf } from './connection';
import { InputStream } from '../native/input';
import { addRequestHeader, environKeyOf } from '../native/request-headers';
import type { Environ, ErrorStreamLike } from '../native/types';

/** What stays the same for every request of one server. */
export interface HttpEnvironContext {
  /** The mount point as a native string ('' at the root). */
  scriptName: string;
  serverName: string;
  serverPort: string;
  scheme: 'http' | 'https';
  errors: ErrorStreamLike;
  multithread: boolean;
  multiprocess: boolean;
  allowUnderscoreHeaders: boolean;
  maxHeaderCount: number;
  maxBodySize: number;
  serverSoftware: string;
  extra: Record<string, unknown> | undefined;
}

/** The request is outside the mount point: not routed to this app (N-13). */
export const NOT_MOUNTED = Symbol('not mounted');

const WSGI_VERSION: readonly [1, 0] = Object.freeze([1, 0] as const);
/** The input of a request without a body (and the environ's placeholder until the real one is set). */
const NO_INPUT = InputStream.empty();

/** What the gateway needs to know of the request body, noted while the environ is built. */
export interface BodyFacts {
  input: InputStream | undefined;
  /** The declared Content-Length, if any. */
  declaredLength: number | undefined;
  /** A body follows: a length above 0, or chunked. */
  hasBody: boolean;
}

/**
 * Builds the environ, and notes the body's facts in `facts` (so the gateway need not read them
 * back from an object whose shape varies with every client's headers). Throws a RequestError
 * for a request the app must not see (too many headers, a declared body over the limit);
 * returns NOT_MOUNTED for a path outside the mount. `onFirstRead` is the 100-continue hook
 * (D-N23), or undefined.
 */
export function buildHttpEnviron(
  req: IncomingMessage,
  ctx: HttpEnvironContext,
  onFirstRead: (() => void) | undefined,
  facts: BodyFacts,
): Environ | typeof NOT_MOUNTED {
  const raw = req.rawHeaders;
  // Node truncates silently past server.maxHeadersCount (set one above the limit), so more
  // than the limit means the client sent too many.
  if (raw.length > ctx.maxHeaderCount * 2) {
    throw new RequestError(431, `more than ${ctx.maxHeaderCount} request header fields (maxHeaderCount)`);
  }

  const target = req.url ?? '/';
  let path = target;
  let query = '';
  let authority: string | undefined;
  if (target.charCodeAt(0) !== 0x2f /* '/' */) {
    // absolute-form (a proxy request, RFC 9112 §3.2.2), '*' (OPTIONS) or authority-form (CONNECT).
    const absolute = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)(.*)$/.exec(target);
    if (absolute !== null) {
      authority = absolute[1];
      path = absolute[2] || '/';
    } else {
      path = '';
    }
  }
  const mark = path.indexOf('?');
  if (mark !== -1) {
    query = path.slice(mark + 1);
    path = path.slice(0, mark);
  }
  // C-9: every %XX to one byte, viewed as latin-1; the decoded path never goes through URL().
  let pathInfo = percentDecodeNative(path);
  const scriptName = ctx.scriptName;
  if (scriptName !== '') {
    if (pathInfo === scriptName) pathInfo = '';
    else if (pathInfo.startsWith(scriptName) && pathInfo.charCodeAt(scriptName.length) === 0x2f) pathInfo = pathInfo.slice(scriptName.length);
    else return NOT_MOUNTED;
  }

  const socket = req.socket;
  const connection = connectionOf(socket);
  const environ: Environ = {
    REQUEST_METHOD: req.method ?? 'GET',
    SCRIPT_NAME: scriptName,
    PATH_INFO: pathInfo,
    QUERY_STRING: query,
    REQUEST_URI: target,
    SERVER_NAME: ctx.serverName,
    SERVER_PORT: ctx.serverPort,
    SERVER_PROTOCOL: protocolOf(req.httpVersion),
    SERVER_SOFTWARE: ctx.serverSoftware,
    GATEWAY_INTERFACE: 'CGI/1.1',
    REMOTE_ADDR: connection.remoteAddress,
    REMOTE_PORT: connection.remotePort,
    'wsgi.version': WSGI_VERSION,
    'wsgi.url_scheme': ctx.scheme,
    // Set below, once the headers tell the body's length.
    'wsgi.input': NO_INPUT,
    'wsgi.errors': ctx.errors,
    'wsgi.multithread': ctx.multithread,
    'wsgi.multiprocess': ctx.multiprocess,
    'wsgi.run_once': false,
    'wsgi.input_terminated': true,
    'wsgi.file_wrapper': fileWrapper,
  };
  if (ctx.scheme === 'https') addTlsVariables(environ, socket as TLSSocket);
  const allowUnderscore = ctx.allowUnderscoreHeaders;
  let contentLength: string | undefined;
  let chunked = false;
  let keyCount = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const key = environKeyOf(raw[i] as string, allowUnderscore);
    if (key === undefined) continue;
    const value = raw[i + 1] as string;
    if (isRepeat(key, keyCount)) {
      addRequestHeader(environ, key, value); // D-N14: joined to the earlier value
    } else {
      KEYS_SET[keyCount++] = key;
      environ[key] = value;
    }
    // Node's parser already refused a Content-Length that is not one number (RFC 9112 §6.3).
    // Noting it here, not from req.headers, spares Node building that object per request.
    if (key === 'CONTENT_LENGTH') contentLength = value;
    else if (key === 'HTTP_TRANSFER_ENCODING') chunked = true;
  }
  const length = contentLength === undefined ? undefined : Number(contentLength);
  if (length !== undefined && length > ctx.maxBodySize) {
    throw new RequestError(413, `Content-Length ${String(contentLength)} is over the limit of ${ctx.maxBodySize} bytes (maxBodySize)`);
  }
  // N-35, D-N11: the gateway frames request bodies itself: Content-Length or de-chunked to EOF.
  // Most requests have no body: they share one empty stream, which holds no state.
  facts.declaredLength = length;
  facts.hasBody = length === undefined ? chunked : length > 0;
  if (facts.hasBody) {
    const input = new InputStream(req, { length, terminated: true, onFirstRead, maxLength: ctx.maxBodySize });
    environ['wsgi.input'] = input;
    facts.input = input;
  } else {
    environ['wsgi.input'] = NO_INPUT;
    facts.input = NO_INPUT;
  }
  // RFC 9112 §3.2.2: with an absolute-form target, its authority replaces the Host header.
  if (authority !== undefined) environ.HTTP_HOST = authority;
  if (ctx.extra !== undefined) Object.assign(environ, ctx.extra);
  return environ;
}

/**
 * The header keys this request set so far, for {@link isRepeat}: reused by every request, as
 * building an environ never waits. Found here rather than by reading `environ[key]`: the
 * environ's shape differs with each client's header set, so that read missed V8's caches and
 * cost about 200 instructions per header (callgrind).
 */
const KEYS_SET: string[] = [];

/**
 * Whether `key` was set by an earlier header of this request (a header sent twice, D-N14). A
 * scan, bounded by maxHeaderCount: keys come from one cache, so most comparisons are of the
 * same string object, and a dozen headers cost fewer than one read of the environ did.
 */
function isRepeat(key: string, count: number): boolean {
  for (let i = 0; i < count; i++) if (KEYS_SET[i] === key) return true;
  return false;
}

function protocolOf(version: string): string {
  return version === '1.1' ? 'HTTP/1.1' : version === '1.0' ? 'HTTP/1.0' : `HTTP/${version}`;
}

/** N-23: the mod_ssl variables that apply. */
function addTlsVariables(environ: Environ, socket: TLSSocket): void {
  environ.HTTPS = 'on';
  const protocol = typeof socket.getProtocol === 'function' ? socket.getProtocol() : null;
  if (protocol) environ.SSL_PROTOCOL = protocol;
  const cipher = typeof socket.getCipher === 'function' ? socket.getCipher() : undefined;
  if (cipher?.name) environ.SSL_CIPHER = cipher.name;
}

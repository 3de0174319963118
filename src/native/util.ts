/**
 * URL and path helpers over a native environ: the TypeScript counterparts of `wsgiref.util`'s
 * `shift_path_info`, `request_uri`, `application_uri` and `guess_scheme`.
 *
 * Use them in apps and middleware that dispatch on path segments or need their own URL. They
 * take any plain object with environ keys; a missing or non-string key counts as empty.
 * Environ paths are native strings (latin-1 views of the URL-decoded bytes), so URLs are rebuilt
 * by percent-encoding each code unit as one byte (N-126, C-18), never with `encodeURI`.
 *
 * @example
 * // environ: SCRIPT_NAME '', PATH_INFO '/blog/2024', QUERY_STRING 'page=2', HTTP_HOST 'example.com'
 * const section = shiftPathInfo(environ); // 'blog'; now SCRIPT_NAME '/blog', PATH_INFO '/2024'
 * requestUri(environ);                    // 'http://example.com/blog/2024?page=2'
 * applicationUri(environ);                // 'http://example.com/blog'
 *
 * @module
 */

import { assertNativeString } from '../codecs/latin1';
import { splitRawPath } from '../codecs/raw-path';
import { show } from './checks';
import { ProtocolError } from './errors';

/** A value of `environ` as a native string; absent and non-string keys read as empty. */
function text(environ: Readonly<Record<string, unknown>>, key: string): string {
  const value = environ[key];
  return typeof value === 'string' ? value : '';
}

// An ASCII-only pattern without the `u` flag: `i` then never folds a non-ASCII character onto
// an ASCII one (C-40).
const HTTPS_ON = /^(?:on|yes|1)$/i;

/**
 * `'https'` when `HTTPS` is `on`, `yes` or `1` in any ASCII case, else `'http'` (N-16; wsgiref
 * accepts `yes` too, but only in lower case).
 */
export function guessScheme(environ: Readonly<Record<string, unknown>>): 'http' | 'https' {
  return HTTPS_ON.test(text(environ, 'HTTPS')) ? 'https' : 'http';
}

const HEX = '0123456789ABCDEF';
/** RFC 3986 §2.3 unreserved characters: never escaped, whatever `safe` says. */
const UNRESERVED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';

const keepTables = new Map<string, Uint8Array>();

/** Which ASCII code units stay as they are: 1 for unreserved and safe ones. */
function keepTable(safe: string): Uint8Array {
  const cached = keepTables.get(safe);
  if (cached !== undefined) return cached;
  const table = new Uint8Array(128);
  for (const chars of [UNRESERVED, safe]) {
    for (let i = 0; i < chars.length; i++) {
      const c = chars.charCodeAt(i);
      // Like Python's quote, safe characters outside ASCII are ignored: the output stays ASCII.
      if (c < 128) table[c] = 1;
    }
  }
  // `safe` is nearly always a literal; the cap keeps computed ones from growing the cache.
  if (keepTables.size < 16) keepTables.set(safe, table);
  return table;
}

/**
 * Percent-encodes a native string one code unit = one byte (N-126, C-18), like Python's
 * `quote(s, safe, encoding='latin1')`: unreserved characters and those in `safe` stay,
 * everything else becomes `%XX` in upper case. Throws `NativeStringError` for a code unit above
 * U+00FF (N-3), which is not a byte and has no latin-1 encoding.
 *
 * @example
 * quotePath('/caf\xe9 au lait'); // '/caf%E9%20au%20lait'
 */
export function quotePath(native: string, safe = '/'): string {
  assertNativeString(native, 'path');
  const keep = keepTable(safe);
  let out = '';
  let start = 0;
  for (let i = 0; i < native.length; i++) {
    const c = native.charCodeAt(i);
    if (c < 128 && keep[c] === 1) continue;
    out += `${native.slice(start, i)}%${HEX.charAt(c >> 4)}${HEX.charAt(c & 15)}`;
    start = i + 1;
  }
  return start === 0 ? native : out + native.slice(start);
}

/** `HTTP_HOST`, else `SERVER_NAME` with `:SERVER_PORT` unless that is the scheme's default (N-124). */
function hostOf(environ: Readonly<Record<string, unknown>>, scheme: string): string {
  const host = text(environ, 'HTTP_HOST');
  if (host !== '') return host;
  const name = text(environ, 'SERVER_NAME');
  const port = text(environ, 'SERVER_PORT');
  const defaultPort = scheme === 'https' ? '443' : '80';
  // An empty port is left out rather than written as a bare `host:`.
  return port === '' || port === defaultPort ? name : `${name}:${port}`;
}

/**
 * The application's base URL, without `PATH_INFO` or the query (N-124): scheme, host and the
 * quoted `SCRIPT_NAME`, which is `/` at the server root. A missing `wsgi.url_scheme` is
 * guessed from `HTTPS`.
 */
export function applicationUri(environ: Readonly<Record<string, unknown>>): string {
  const scheme = text(environ, 'wsgi.url_scheme') || guessScheme(environ);
  return `${scheme}://${hostOf(environ, scheme)}${quotePath(text(environ, 'SCRIPT_NAME') || '/')}`;
}

/**
 * The request's URL rebuilt from the environ (N-124, like `wsgiref.util.request_uri`):
 * {@link applicationUri}, then `PATH_INFO` quoted with `/;=,` kept, then `?` and
 * `QUERY_STRING` unchanged when it is non-empty and `includeQuery` is true. It may differ from
 * what the client sent: escaping and a decoded `%2F` are not recoverable (N-125).
 */
export function requestUri(environ: Readonly<Record<string, unknown>>, includeQuery = true): string {
  let url = applicationUri(environ);
  const path = quotePath(text(environ, 'PATH_INFO'), '/;=,');
  // With an empty SCRIPT_NAME the base already ends in the root `/`; wsgiref drops the first
  // character unconditionally, we drop it only when it is that slash.
  url += text(environ, 'SCRIPT_NAME') === '' && path.startsWith('/') ? path.slice(1) : path;
  const query = text(environ, 'QUERY_STRING');
  if (includeQuery && query !== '') url += `?${query}`;
  return url;
}

/**
 * Resolves `.`, `..` and empty segments of an absolute path the way `posixpath.normpath` does
 * (no climbing above the root), but returns `''` for the root and never a leading `//`: a
 * SCRIPT_NAME is never `/` (V-17) and never holds a doubled slash.
 */
function normalizeScriptName(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return segments.length === 0 ? '' : `/${segments.join('/')}`;
}

/**
 * Moves the first segment of `PATH_INFO` to the end of `SCRIPT_NAME` and returns it, like
 * `wsgiref.util.shift_path_info`; `undefined` when `PATH_INFO` is empty or absent. It mutates
 * `environ` (only those two keys): pass a copy to keep the original.
 *
 * - Empty and `.` segments before the last one are skipped: `/a//b` and `/a/./b` both give `a`
 *   and leave `/b`.
 * - A trailing slash shows up as a final `''`, and `SCRIPT_NAME` then keeps a trailing `/`, so
 *   an app can tell `/x` from `/x/`. At the root there is nothing to tell apart and
 *   `SCRIPT_NAME` stays `''` (wsgiref sets `/`, which SCRIPT_NAME must never be, V-17).
 * - `..` is returned as a segment and removes the last segment of `SCRIPT_NAME`.
 * - A lone `.` (as in `/.`) returns `undefined` after emptying `PATH_INFO`.
 *
 * Throws `ProtocolError` when `SCRIPT_NAME` or `PATH_INFO` is non-empty and does not start with
 * `/` (NATIVE §6; wsgiref fails or returns garbage there).
 */
export function shiftPathInfo(environ: Record<string, unknown>): string | undefined {
  const pathInfo = text(environ, 'PATH_INFO');
  if (pathInfo === '') return undefined;
  const scriptName = text(environ, 'SCRIPT_NAME');
  if (!pathInfo.startsWith('/')) {
    throw new ProtocolError('V-14', `PATH_INFO ${show(pathInfo)} must be empty or start with "/"`);
  }
  if (scriptName !== '' && !scriptName.startsWith('/')) {
    throw new ProtocolError('V-13', `SCRIPT_NAME ${show(scriptName)} must be empty or start with "/"`);
  }

  const parts = pathInfo.split('/'); // parts[0] is the '' before the leading slash
  // The last segment is kept even when empty: it is how a trailing slash survives to the end.
  const rest = parts.slice(1, -1).filter((segment) => segment !== '' && segment !== '.');
  rest.push(parts.at(-1) ?? '');
  const name = rest.shift() ?? '';

  let shifted = normalizeScriptName(`${scriptName}/${name}`);
  if (name === '' && shifted !== '') shifted += '/';
  environ.SCRIPT_NAME = shifted;
  environ.PATH_INFO = rest.length === 0 ? '' : `/${rest.join('/')}`;
  // REQUEST_URI (and RAW_URI) hold the raw request target and stay as the client sent it.
  moveRawPath(environ);

  // `/.` reaches here because the last segment is never filtered; it names nothing.
  return name === '.' ? undefined : name;
}

/**
 * B-43: the raw (still percent-encoded) path keys move with the decoded ones, split again at
 * the new boundary; when no split gives exactly the new pair, they are dropped rather than
 * left pointing at the old one.
 */
function moveRawPath(environ: Record<string, unknown>): void {
  const rawScript = environ['tsgi.raw_script_name'];
  const rawPath = environ['tsgi.raw_path_info'];
  if (typeof rawScript !== 'string' || typeof rawPath !== 'string') return;
  const split = splitRawPath(rawScript + rawPath, text(environ, 'SCRIPT_NAME'), text(environ, 'PATH_INFO'));
  if (split === undefined) {
    delete environ['tsgi.raw_script_name'];
    delete environ['tsgi.raw_path_info'];
  } else {
    environ['tsgi.raw_script_name'] = split[0];
    environ['tsgi.raw_path_info'] = split[1];
  }
}

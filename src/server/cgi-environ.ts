/**
 * The native environ of a CGI request (RFC 3875 §4, NATIVE.md §5–§7), built from the process
 * environment the web server gave the script. A pure function over a plain record, so it is
 * tested without a process; {@link runCGI} (./cgi.ts) supplies the streams.
 *
 * Use it directly only to build a CGI-like environ yourself (a custom CGI runner, a test); to
 * serve a request as a CGI script, call `runCGI`.
 *
 * What it does, in order:
 * - copies **every** variable, CGI meta-variables and OS variables alike, as wsgiref's
 *   CGIHandler does (N-27, N-29: deployer configuration arrives this way, e.g. an nginx
 *   `fastcgi_param`);
 * - turns each name and value into a native string (N-20, N-27, C-12) — see {@link envToNative};
 * - drops `HTTP_CONTENT_TYPE` and `HTTP_CONTENT_LENGTH`, which nginx adds next to
 *   `CONTENT_TYPE`/`CONTENT_LENGTH` (N-31; RFC 3875 §4.1.18 lets a server leave them out);
 * - leaves out the optional request meta-variables that are empty, such as `REMOTE_USER` and
 *   `CONTENT_LENGTH` (N-22);
 * - fills the required keys that are absent **or empty** with defaults (N-21: these are never
 *   empty; nginx sends `SERVER_NAME=""` when no `server_name` is configured);
 * - adds the `wsgi.*` keys of a run-once, single-threaded, multi-process gateway (§7);
 * - adds the deployer's extra keys last, so they win (N-29).
 *
 * Every other variable is kept as given, empty ones too: an empty `HTTP_*` is a header sent
 * with an empty value (N-30), and an empty OS variable is the deployer's business.
 *
 * Not recoverable here (documented in docs/deploy.md): names with `_` versus `-` in request
 * headers (the web server already turned both into `HTTP_X_A_B`; nginx drops names with `_` by
 * default), and environment bytes that were not valid UTF-8 (see {@link envToNative}).
 *
 * @example
 * const environ = buildCGIEnviron(process.env, { input, errors });
 * environ.PATH_INFO; // '/cafÃ©' for the bytes of '/café'
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { fileWrapper } from '../native/file-wrapper';
import { guessScheme } from '../native/util';
import type { Environ, ErrorStreamLike, FileWrapperFactory, InputStreamLike } from '../native/types';

/** The variables a CGI environ must carry with a non-empty value (§6), and their defaults. */
export const CGI_DEFAULTS: Readonly<Record<string, string>> = Object.freeze({
  REQUEST_METHOD: 'GET',
  SERVER_NAME: 'localhost',
  // SERVER_PORT depends on the scheme: 80, or 443 for https.
  SERVER_PROTOCOL: 'HTTP/1.0',
});

/** Required, but empty is a valid value (§6: mounted at the root; no query). */
const EMPTY_OK_DEFAULTS = ['SCRIPT_NAME', 'PATH_INFO', 'QUERY_STRING'] as const;

/**
 * Optional meta-variables of RFC 3875 §4.1 that mean nothing when empty: left out then (N-22),
 * so `'REMOTE_USER' in environ` means someone authenticated. nginx's stock fastcgi_params sends
 * REMOTE_USER, CONTENT_TYPE and CONTENT_LENGTH empty on every request without them.
 */
const ABSENT_WHEN_EMPTY = new Set([
  'AUTH_TYPE',
  'CONTENT_LENGTH',
  'CONTENT_TYPE',
  'PATH_TRANSLATED',
  'REMOTE_HOST',
  'REMOTE_IDENT',
  'REMOTE_USER',
]);

/** Request headers the web server already gave as CONTENT_TYPE and CONTENT_LENGTH (N-31). */
const DUPLICATE_HEADERS = new Set(['HTTP_CONTENT_TYPE', 'HTTP_CONTENT_LENGTH']);

const WSGI_VERSION: readonly [1, 0] = Object.freeze([1, 0] as const);

export interface CGIStreams {
  /** `wsgi.input`: the request body on stdin, already bounded (runCGI builds it). */
  input: InputStreamLike;
  /** `wsgi.errors`: where the app's log goes (stderr for a CGI script). */
  errors: ErrorStreamLike;
  /** `wsgi.file_wrapper`; default the library's {@link fileWrapper}. */
  fileWrapper?: FileWrapperFactory;
}

/**
 * A value of the process environment as a native string: the UTF-8 bytes of the text, one code
 * unit per byte (N-27, C-12).
 *
 * Node decoded the environment's bytes as UTF-8 when it started, so re-encoding as UTF-8
 * recovers them exactly when they were valid UTF-8 — the usual case, since nginx passes the
 * decoded URL path (`/café` as `2F 63 61 66 C3 A9`) and header bytes as they arrived. Bytes that
 * were **not** valid UTF-8 (a path of `%E9` alone, a latin-1 header value) were already replaced
 * by U+FFFD when Node read them; they come out as `EF BF BD` and the original byte is lost.
 * wsgiref avoids this with `surrogateescape`, which Node has no counterpart for.
 */
export function envToNative(text: string): string {
  // ASCII, the overwhelming case, is the same in both encodings: skip the round trip.
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  return Buffer.from(text, 'utf8').toString('latin1');
}

/**
 * Builds the environ for one CGI request from `env` (usually `process.env`) and the request's
 * streams. `extras` are the deployer's keys (N-29), set last.
 */
export function buildCGIEnviron(
  env: Readonly<Record<string, string | undefined>>,
  streams: CGIStreams,
  extras?: Readonly<Record<string, unknown>>,
): Environ {
  // A plain object with Object.prototype (N-19, D-N1), filled with own data properties only.
  const environ: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(env)) {
    if (typeof value !== 'string') continue;
    const key = envToNative(name);
    if (DUPLICATE_HEADERS.has(key) || (value === '' && ABSENT_WHEN_EMPTY.has(key))) continue;
    environ[key] = envToNative(value);
  }

  for (const [key, fallback] of Object.entries(CGI_DEFAULTS)) {
    if (!environ[key]) environ[key] = fallback;
  }
  for (const key of EMPTY_OK_DEFAULTS) {
    // N-21 lets these be omitted when empty, but wsgiref's validator warns without QUERY_STRING
    // (V-6) and fails without SCRIPT_NAME and PATH_INFO (V-16): always present.
    if (typeof environ[key] !== 'string') environ[key] = '';
  }
  // N-16: HTTPS on, yes or 1 (any case) means the client used TLS.
  const scheme = guessScheme(environ);
  if (!environ.SERVER_PORT) environ.SERVER_PORT = scheme === 'https' ? '443' : '80';

  environ['wsgi.version'] = WSGI_VERSION;
  environ['wsgi.url_scheme'] = scheme;
  environ['wsgi.input'] = streams.input;
  environ['wsgi.errors'] = streams.errors;
  // §7: one request per process (run_once), nothing else runs in it (multithread false), and the
  // web server starts a process per request, so other copies of the app run at the same time.
  environ['wsgi.multithread'] = false;
  environ['wsgi.multiprocess'] = true;
  environ['wsgi.run_once'] = true;
  // N-35, D-N11: wsgi.input ends where the body ends — at CONTENT_LENGTH when the web server gave
  // one (N-37), else at the end of stdin — so an app may always read until an empty read.
  environ['wsgi.input_terminated'] = true;
  environ['wsgi.file_wrapper'] = streams.fileWrapper ?? fileWrapper;
  if (extras !== undefined) Object.assign(environ, extras);
  return environ as Environ;
}

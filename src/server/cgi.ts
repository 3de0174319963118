/**
 * Serve one request as a CGI script (RFC 3875): the request comes from the environment and
 * stdin, the response goes to stdout, the app's log to stderr. The web server (nginx with
 * fcgiwrap, Apache's mod_cgi, lighttpd...) starts a process per request; docs/deploy.md shows
 * the nginx configuration the integration tests run.
 *
 * Use it for low-traffic tools and admin pages where a process per request is fine, or where
 * CGI is all the host offers. For anything busy use `serve()`: a Node process per request costs
 * tens of milliseconds before the app even runs.
 *
 * A thin transport: it builds the environ (./cgi-environ.ts), bounds stdin, and hands a
 * {@link CGISink} to the lifecycle every gateway runs, which checks, frames and streams the
 * response and closes the body on every path.
 *
 * Two things are yours in a CGI script: stdout *is* the response, so log with `wsgi.errors` or
 * `console.error`, never `console.log`; and the web server waits for the process to exit, so
 * let it (close pools, clear timers) once `runCGI` resolved.
 *
 * @example
 * #!/usr/bin/env node
 * import { runCGI } from 'tsgi/server';
 * import { app } from './app.js';
 * await runCGI(app);
 *
 * @module
 */

import { sendStatusResponse } from '../native/error-response';
import { ErrorStream } from '../native/error-stream';
import { InputStream } from '../native/input';
import { runApplication } from '../native/lifecycle';
import type { NativeApp } from '../native/types';
import { buildCGIEnviron } from './cgi-environ';
import { CGISink, ignoreErrors } from './cgi-sink';
import { type GatewayOptions, resolveLimits } from './options';

export interface CGIOptions extends Pick<GatewayOptions, 'errorBody' | 'environ' | 'maxBodySize' | 'drainLimit'> {
  /** The CGI meta-variables (and OS variables). Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** The request body. Default `process.stdin`, opened only if the app reads. */
  stdin?: NodeJS.ReadableStream & AsyncIterable<Uint8Array>;
  /** Where the response goes. Default `process.stdout`. */
  stdout?: NodeJS.WritableStream;
  /** `wsgi.errors` and the gateway's own notes. Default `process.stderr`. */
  stderr?: NodeJS.WritableStream | ((text: string) => void);
}

/**
 * Runs `app` for the one request described by the environment and resolves once the response
 * was flushed to stdout (or stdout failed). App errors never reject it: they become a 500 or
 * a cut response (D-N24), logged to stderr. Rejects only for invalid options (a negative
 * limit). Does not exit the process: set `process.exitCode` and let it end.
 */
export async function runCGI(app: NativeApp, options: CGIOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const stdout = options.stdout ?? process.stdout;
  const errorTarget = options.stderr ?? process.stderr;
  // A closed stderr pipe (the web server gave up) must not end the process through an
  // unhandled 'error' event while the app logs.
  if (typeof errorTarget !== 'function') ignoreErrors(errorTarget);
  const limits = resolveLimits({ maxBodySize: options.maxBodySize, drainLimit: options.drainLimit });

  const errors = new ErrorStream(errorTarget);
  const stdin = new StdinSource(() => options.stdin ?? process.stdin);
  const declared = contentLengthOf(env.CONTENT_LENGTH);
  // RFC 3875 §4.2: the body is CONTENT_LENGTH bytes and the script must not read past them (N-37);
  // without a length, read to EOF: a de-chunked body may come without one, and fcgiwrap closes
  // stdin at its end (D-N11). The stream is framed either way, hence wsgi.input_terminated.
  const input =
    declared === undefined
      ? new InputStream(stdin, { terminated: true, maxLength: limits.maxBodySize })
      : new InputStream(declared === 'invalid' ? null : stdin, { length: declared === 'invalid' ? 0 : declared });
  const environ = buildCGIEnviron(env, { input, errors }, options.environ);

  const where = `${String(environ.REQUEST_METHOD)} ${String(environ.SCRIPT_NAME ?? '')}${String(environ.PATH_INFO ?? '')}`;
  const log = (message: string): void => {
    try {
      errors.write(`tsgi: ${where}: ${message}\n`);
    } catch {
      // Logging must never take the process down.
    }
  };
  const sink = new CGISink(stdout, { log });

  try {
    if (declared === 'invalid') {
      log(`CONTENT_LENGTH ${JSON.stringify(env.CONTENT_LENGTH)} is not a number of bytes; answered 400 (RFC 3875 §4.1.2)`);
      sendStatusResponse(sink, 400, environ.REQUEST_METHOD === 'HEAD');
    } else if (declared !== undefined && declared > limits.maxBodySize) {
      log(`CONTENT_LENGTH ${declared} is over maxBodySize ${limits.maxBodySize}; answered 413 without running the app`);
      sendStatusResponse(sink, 413, environ.REQUEST_METHOD === 'HEAD');
    } else {
      await runApplication(app, environ, sink, { errorBody: options.errorBody });
    }
    // fcgiwrap writes the whole body to stdin before it reads a byte of stdout: a script that
    // exits leaving more than a pipe's worth (64 KiB) unread makes it answer 502 instead of the
    // response. So read what the app left, up to drainLimit, while stdout flushes.
    await Promise.all([drainRest(input, declared, limits.drainLimit), sink.settle()]);
  } catch (error) {
    // Only a bug of tsgi gets here: the lifecycle never rejects.
    log(`the CGI gateway failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await sink.settle();
  } finally {
    // RFC 3875 §4.2: the server need not signal end-of-file; stop reading so the process can exit.
    stdin.release();
  }
}

/** CONTENT_LENGTH as a number; undefined when absent or empty (nginx sends it empty). */
function contentLengthOf(value: string | undefined): number | undefined | 'invalid' {
  if (value === undefined || value === '') return undefined;
  // RFC 3875 §4.1.2: CONTENT_LENGTH = "" | 1*digit.
  if (!/^[0-9]+$/.test(value)) return 'invalid';
  const length = Number(value);
  return Number.isSafeInteger(length) ? length : 'invalid';
}

/** Reads and drops the unread rest of a declared body, if it is at most `limit` bytes. */
async function drainRest(input: InputStream, declared: number | undefined | 'invalid', limit: number): Promise<void> {
  // Without a length, the end of the body is the end of stdin, which may never come when the
  // script runs by hand; and a body over the limit is not worth reading.
  if (typeof declared !== 'number' || declared === 0) return;
  await input.drain(limit);
}

/**
 * stdin as the input's source, opened on the first read only (a GET never touches it) and
 * released at the end. Releasing destroys the stream: Node keeps reading a pipe until EOF
 * otherwise, and a web server may keep stdin open past CONTENT_LENGTH.
 */
class StdinSource implements AsyncIterable<Uint8Array> {
  private stream: (NodeJS.ReadableStream & AsyncIterable<Uint8Array>) | undefined;

  constructor(private readonly open: () => NodeJS.ReadableStream & AsyncIterable<Uint8Array>) {}

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    const stream = this.open();
    this.stream = stream;
    ignoreErrors(stream);
    // A stdin in binary mode yields Buffers (Uint8Array); InputStream rejects anything else.
    return (stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  }

  release(): void {
    const stream = this.stream as { destroy?: () => void } | undefined;
    this.stream = undefined;
    try {
      stream?.destroy?.();
    } catch {
      // Nothing left to do with it.
    }
  }
}

/**
 * A tiny in-process bytes server for driving validated apps: a valid Web3 environ built by
 * hand (every key V-86 requires, B-8-bounded input, a text error stream, `web3.async: true`),
 * and a loop that settles any of the three return forms (tuple, Promise, poller), iterates the
 * body (async when it can) and always closes it.
 */

import type { BytesApp, BytesBody, BytesEnviron, BytesHeaderList, BytesResponse } from '../../../src/bytes/types';
import { bytesValidator, type ValidationWarning, type ValidatorOptions } from '../../../src/bytes/validate';
import type { ErrorStreamLike, InputStreamLike } from '../../../src/native/types';

/** Bytes from latin-1 text: `b('200 OK')`. */
export function b(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

/** Bytes back to latin-1 text, for assertions. */
export function text(chunks: readonly unknown[]): string {
  return Buffer.concat(chunks as Uint8Array[]).toString('latin1');
}

/**
 * `web3.input` over fixed bytes. Reads stop at `limit` (B-8: a server simulates EOF at
 * CONTENT_LENGTH); pass a larger limit to play a server that reads past it.
 */
export class FakeBytesInput implements InputStreamLike {
  private readonly data: Uint8Array;
  private readonly limit: number;
  private position = 0;

  constructor(data: Uint8Array | string = '', limit?: number) {
    this.data = typeof data === 'string' ? b(data) : data;
    this.limit = Math.min(limit ?? this.data.length, this.data.length);
  }

  async read(size?: number): Promise<Uint8Array> {
    const end = size === undefined || size < 0 ? this.limit : Math.min(this.limit, this.position + size);
    const chunk = this.data.slice(this.position, end);
    this.position = Math.max(this.position, end);
    return chunk;
  }

  async readline(size?: number): Promise<Uint8Array> {
    const newline = this.data.indexOf(0x0a, this.position);
    let end = newline === -1 || newline >= this.limit ? this.limit : newline + 1;
    if (size !== undefined && size >= 0) end = Math.min(end, this.position + size);
    const line = this.data.slice(this.position, end);
    this.position = Math.max(this.position, end);
    return line;
  }

  async readlines(): Promise<Uint8Array[]> {
    const lines: Uint8Array[] = [];
    for (let line = await this.readline(); line.length > 0; line = await this.readline()) lines.push(line);
    return lines;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (let line = await this.readline(); line.length > 0; line = await this.readline()) yield line;
  }
}

/** `web3.errors`: a text stream that records what it got. */
export class FakeErrors implements ErrorStreamLike {
  readonly text: string[] = [];
  flushes = 0;

  write(s: string): void {
    this.text.push(s);
  }

  writelines(lines: Iterable<string>): void {
    for (const line of lines) this.text.push(line);
  }

  flush(): void {
    this.flushes++;
  }
}

/** Pass as an override value to leave the key out. */
export const OMIT = Symbol('omit');

/**
 * A valid Web3 environ for `GET /` (or a POST of `body`, with CONTENT_LENGTH); `overrides`
 * replace (or, with {@link OMIT}, remove) keys.
 */
export function makeBytesEnviron(overrides: Record<string, unknown> = {}, body = ''): BytesEnviron {
  const environ: Record<string, unknown> = {
    REQUEST_METHOD: b(body === '' ? 'GET' : 'POST'),
    SCRIPT_NAME: b(''),
    PATH_INFO: b('/'),
    QUERY_STRING: b(''),
    SERVER_NAME: b('localhost'),
    SERVER_PORT: b('80'),
    SERVER_PROTOCOL: b('HTTP/1.1'),
    HTTP_HOST: b('localhost'),
    'web3.version': [1, 0],
    'web3.url_scheme': b('http'),
    'web3.input': new FakeBytesInput(body),
    'web3.errors': new FakeErrors(),
    'web3.multithread': false,
    'web3.multiprocess': false,
    'web3.run_once': false,
    'web3.async': true,
    'web3.script_name': b(''),
    'web3.path_info': b('/'),
  };
  if (body !== '') environ['CONTENT_LENGTH'] = b(String(b(body).length));
  for (const [key, value] of Object.entries(overrides)) {
    if (value === OMIT) delete environ[key];
    else environ[key] = value;
  }
  return environ as BytesEnviron;
}

/** The rule ids of some warnings, in order. */
export function rulesOf(warnings: readonly ValidationWarning[]): string[] {
  return warnings.map((w) => w.rule);
}

/** Validator options that collect warnings into `warnings`. */
export function collecting(options: ValidatorOptions = {}): { warnings: ValidationWarning[]; options: ValidatorOptions } {
  const warnings: ValidationWarning[] = [];
  return { warnings, options: { ...options, onWarning: (w) => warnings.push(w) } };
}

/** Turns what a (validated) app returned into its response, as a server does (B-61, B-62). */
export async function settle(returned: unknown, maxPolls = 50): Promise<unknown> {
  if (typeof returned !== 'function') return returned;
  for (let i = 0; i < maxPolls; i++) {
    // B-62: first on the next turn, then again until the poller answers.
    await new Promise((resolve) => setImmediate(resolve));
    const value: unknown = (returned as () => unknown)();
    if (value !== null && value !== undefined) return value;
  }
  throw new Error(`the poller did not answer within ${maxPolls} polls`);
}

export interface ServeOptions {
  environ?: BytesEnviron;
  options?: ValidatorOptions;
  /** Stop after this many chunks (the server stops early). */
  stopAfter?: number;
}

export interface Served {
  warnings: ValidationWarning[];
  environ: BytesEnviron;
  /** What the validated app returned: a tuple, a Promise or a poller. */
  returned: unknown;
  /** The settled response (whatever it was, in warn mode). */
  response: unknown;
  chunks: unknown[];
}

/**
 * Serves one request: calls the validated app, settles the response, iterates the body and
 * always calls `close()` (B-29). Rejects with whatever the app, the validator or the body threw.
 */
export async function serve(app: BytesApp, serveOptions: ServeOptions = {}): Promise<Served> {
  const { warnings, options } = collecting(serveOptions.options);
  const environ = serveOptions.environ ?? makeBytesEnviron();
  const returned: unknown = bytesValidator(app, options)(environ);
  const response = await settle(await (isThenable(returned) ? returned : Promise.resolve(returned)));
  const chunks: unknown[] = [];
  if (!Array.isArray(response) || response.length !== 3) return { warnings, environ, returned, response, chunks };
  const body = response[2] as BytesBody;
  const take = (chunk: unknown): boolean => {
    chunks.push(chunk);
    return serveOptions.stopAfter !== undefined && chunks.length >= serveOptions.stopAfter;
  };
  const iterable = body as Partial<Iterable<unknown> & AsyncIterable<unknown>> | null | undefined;
  try {
    if (typeof iterable?.[Symbol.asyncIterator] === 'function') {
      for await (const chunk of iterable as AsyncIterable<unknown>) if (take(chunk)) break;
    } else if (typeof iterable?.[Symbol.iterator] === 'function') {
      for (const chunk of iterable as Iterable<unknown>) if (take(chunk)) break;
    }
  } finally {
    if (typeof body?.close === 'function') await body.close();
  }
  return { warnings, environ, returned, response, chunks };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/** Default headers for a response with content. */
export const TEXT: BytesHeaderList = [[b('Content-Type'), b('text/plain; charset=utf-8')]];

/** A well-behaved app: the reference every test bends in one place. */
export const helloApp: BytesApp = () => [b('200 OK'), [...TEXT, [b('Content-Length'), b('5')]], [b('hello')]];

/** An app that returns exactly `tuple` (whatever it is). */
export function returning(tuple: unknown): BytesApp {
  return () => tuple as BytesResponse;
}

/** An app that returns a 200 text response with `headers` added and `body`. */
export function withBody(body: unknown, headers: BytesHeaderList = [], status = '200 OK'): BytesApp {
  return () => [b(status), [...TEXT, ...headers], body as BytesBody];
}

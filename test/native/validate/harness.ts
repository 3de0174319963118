/**
 * A tiny in-process server for driving validated apps: a valid environ with fake streams, a
 * recording `startResponse` that follows N-71 (throws on a late `excInfo` call), and a loop
 * that iterates the body (sync or async) and always closes it.
 */

import type { Body, Environ, ErrorStreamLike, InputStreamLike, NativeApp, StartResponse, Write } from '../../../src/native/types';
import { validator, type ValidationWarning, type ValidatorOptions } from '../../../src/native/validate';

const encoder = new TextEncoder();

export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** `wsgi.input` over fixed bytes; like a lax server, it does not stop at CONTENT_LENGTH. */
export class FakeInput implements InputStreamLike {
  private readonly data: Uint8Array;
  private position = 0;

  constructor(data: Uint8Array | string = '') {
    this.data = typeof data === 'string' ? bytes(data) : data;
  }

  async read(size?: number): Promise<Uint8Array> {
    const end = size === undefined || size < 0 ? this.data.length : Math.min(this.data.length, this.position + size);
    const chunk = this.data.slice(this.position, end);
    this.position = end;
    return chunk;
  }

  async readline(size?: number): Promise<Uint8Array> {
    const newline = this.data.indexOf(0x0a, this.position);
    let end = newline === -1 ? this.data.length : newline + 1;
    if (size !== undefined && size >= 0) end = Math.min(end, this.position + size);
    const line = this.data.slice(this.position, end);
    this.position = end;
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

export class FakeErrors implements ErrorStreamLike {
  readonly text: string[] = [];
  flushes = 0;

  write(text: string): void {
    this.text.push(text);
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

/** A valid environ for `GET /`; `overrides` replace (or, with {@link OMIT}, remove) keys. */
export function makeEnviron(overrides: Record<string, unknown> = {}, body: Uint8Array | string = ''): Environ {
  const environ: Record<string, unknown> = {
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: '/',
    QUERY_STRING: '',
    SERVER_NAME: 'localhost',
    SERVER_PORT: '80',
    SERVER_PROTOCOL: 'HTTP/1.1',
    'wsgi.version': [1, 0],
    'wsgi.url_scheme': 'http',
    'wsgi.input': new FakeInput(body),
    'wsgi.errors': new FakeErrors(),
    'wsgi.multithread': false,
    'wsgi.multiprocess': false,
    'wsgi.run_once': false,
    'wsgi.input_terminated': true,
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === OMIT) delete environ[key];
    else environ[key] = value;
  }
  return environ as Environ;
}

/** A recording server side: `startResponse`, `write`, and N-64's "headers sent" state. */
export class FakeServer {
  readonly calls: unknown[][] = [];
  readonly written: Uint8Array[] = [];
  /** N-64: set by the first write() and by the first non-empty chunk {@link run} takes. */
  sent = false;
  /** N-71: throw excInfo on a startResponse(..., excInfo) after headers were sent. */
  throwOnLateExcInfo = true;
  /** What write() returns; by default an already resolved Promise. */
  writeResult: () => Promise<void> = () => Promise.resolve();

  readonly write: Write = (chunk) => {
    this.sent = true;
    this.written.push(chunk);
    return this.writeResult();
  };

  readonly startResponse: StartResponse = (...args: unknown[]) => {
    this.calls.push(args);
    const excInfo = args[2];
    if (excInfo !== undefined && this.sent && this.throwOnLateExcInfo) throw excInfo;
    return this.write;
  };
}

export interface RunOptions {
  environ?: Environ;
  options?: ValidatorOptions;
  server?: FakeServer;
  /** Stop after this many chunks (the server stops early, N-89). */
  stopAfter?: number;
}

export interface Run {
  warnings: ValidationWarning[];
  server: FakeServer;
  environ: Environ;
  body: Body;
  chunks: unknown[];
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

/**
 * Serves one request: calls the validated app, iterates the body (async when it can, N-91),
 * hands chunks to the fake server and always calls `close()` (N-88). Rejects with whatever the
 * app, the validator or the body threw.
 */
export async function run(app: NativeApp, runOptions: RunOptions = {}): Promise<Run> {
  const { warnings, options } = collecting(runOptions.options);
  const server = runOptions.server ?? new FakeServer();
  const environ = runOptions.environ ?? makeEnviron();
  const validated = validator(app, options);
  const body = await validated(environ, server.startResponse);
  const chunks: unknown[] = [];
  const take = (chunk: unknown): boolean => {
    chunks.push(chunk);
    if (chunk instanceof Uint8Array && chunk.length > 0) server.sent = true;
    return runOptions.stopAfter !== undefined && chunks.length >= runOptions.stopAfter;
  };
  try {
    if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
      for await (const chunk of body as AsyncIterable<unknown>) if (take(chunk)) break;
    } else {
      for (const chunk of body as Iterable<unknown>) if (take(chunk)) break;
    }
  } finally {
    if (typeof body.close === 'function') await body.close();
  }
  return { warnings, server, environ, body, chunks };
}

/** A well-behaved app: the reference every test bends in one place. */
export const helloApp: NativeApp = (_environ, startResponse) => {
  startResponse('200 OK', [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', '5'],
  ]);
  return [bytes('hello')];
};

/** An app that calls startResponse with `status` and `headers` and returns an empty body. */
export function appWith(status: unknown, headers: unknown, excInfo?: unknown): NativeApp {
  return (_environ, startResponse) => {
    const start = startResponse as (...args: unknown[]) => Write;
    if (excInfo === undefined) start(status, headers);
    else start(status, headers, excInfo);
    return [];
  };
}

/** Default headers for a response with content. */
export const TEXT: [string, string][] = [['Content-Type', 'text/plain']];

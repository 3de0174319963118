/**
 * The native flavour's contract (PEP 3333, WSGI 1.0.1) on one screen.
 *
 * "Native string": a JS string whose every UTF-16 code unit is <= 0xFF (N-1, N-2), the latin-1
 * tunnel for bytes. Bodies are `Uint8Array` (Node's `Buffer` is one).
 *
 * @module
 */

/** A JS string whose every code unit fits in one byte (N-2). The type is documentation only. */
export type NativeString = string;

/** One response header: `[name, value]`, both native strings (N-56). */
export type Header = [name: NativeString, value: NativeString];

/** The list an app passes to `startResponse` (N-56). The server may modify it (N-57). */
export type HeaderList = Header[];

/**
 * `write(chunk)` as returned by `startResponse` (§12). Its Promise resolves once the chunk was
 * handed to the transport, honouring backpressure, and rejects when the client went away (D-N7).
 */
export type Write = (chunk: Uint8Array) => Promise<void>;

/**
 * `startResponse(status, headers, excInfo?)` (§10). `excInfo` is the caught error; `undefined`
 * means "not supplied", any other value is an error that may be re-thrown as is (D-N2).
 */
export type StartResponse = (status: NativeString, headers: HeaderList, excInfo?: unknown) => Write;

/** What a body may carry besides iteration: `close()`, called exactly once (N-88, D-N6). */
export interface Closable {
  close?(): unknown;
}

/**
 * A response body: an iterable of `Uint8Array` chunks, sync or async (N-9, D-N4). Arrays,
 * generators, async generators and Node `Readable`s in binary mode all qualify. A string or a
 * bare `Uint8Array` is not a body, although both are JS-iterable.
 */
export type Body = (Iterable<Uint8Array> | AsyncIterable<Uint8Array>) & Closable;

/** `wsgi.input` (§8). All methods are async; an empty `Uint8Array` means end of input (N-36). */
export interface InputStreamLike {
  read(size?: number): Promise<Uint8Array>;
  readline(size?: number): Promise<Uint8Array>;
  readlines(hint?: number): Promise<Uint8Array[]>;
  /** Yields lines, like a Python file (N-43). */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array>;
}

/** `wsgi.errors` (§9): a text stream; any JS string is accepted (N-48). */
export interface ErrorStreamLike {
  write(text: string): void;
  writelines(lines: Iterable<string>): void;
  flush(): void | Promise<void>;
}

/** Something with `read(size)` (and maybe `close()`), as `wsgi.file_wrapper` accepts (N-140). */
export interface FileLike {
  read(size?: number): Uint8Array | Promise<Uint8Array>;
  close?(): unknown;
  /** An open file descriptor: lets the server stream the file itself (D-N25). */
  fd?: number;
}

/** `wsgi.file_wrapper` (N-138): a plain function, so it can be called without `new`. */
export type FileWrapperFactory = (file: FileLike, blockSize?: number) => Body;

/**
 * The environ (§5–§7): a plain object (N-19, D-N1). The keys every server provides are typed;
 * everything else (`HTTP_*`, extensions) is `unknown` until the app checks it (N-26).
 */
export interface Environ {
  REQUEST_METHOD: NativeString;
  SCRIPT_NAME?: NativeString;
  PATH_INFO?: NativeString;
  QUERY_STRING?: NativeString;
  CONTENT_TYPE?: NativeString;
  CONTENT_LENGTH?: NativeString;
  SERVER_NAME: NativeString;
  SERVER_PORT: NativeString;
  SERVER_PROTOCOL: NativeString;
  'wsgi.version': readonly [1, 0];
  'wsgi.url_scheme': NativeString;
  'wsgi.input': InputStreamLike;
  'wsgi.errors': ErrorStreamLike;
  'wsgi.multithread': boolean;
  'wsgi.multiprocess': boolean;
  'wsgi.run_once': boolean;
  'wsgi.input_terminated'?: boolean;
  'wsgi.file_wrapper'?: FileWrapperFactory;
  [key: string]: unknown;
}

/**
 * A native application (N-6): called once per request with `(environ, startResponse)`; returns
 * a body or a Promise of one (N-11).
 */
export type NativeApp = (environ: Environ, startResponse: StartResponse) => Body | Promise<Body>;

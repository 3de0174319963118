/**
 * A fixture's request (the test client's EnvironOptions) as a real client sends it: an HTTP
 * request for nginx, or CGI variables and stdin for a script run directly. Options that a
 * real request cannot carry throw, so a new fixture using them fails loudly instead of being
 * tested with something else.
 */
import { buildEnviron, type EnvironOptions } from '../../../src/native/testing';

export type RequestBody = Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export interface HttpRequestSpec {
  method: string;
  /** The request target, percent-encoded (ASCII), starting with `/`. */
  target: string;
  /** Header fields in order, repeats kept; values are native strings (sent as latin-1). */
  headers: Array<[string, string]>;
  /** Bytes (sent with Content-Length) or a stream of chunks (sent chunked). */
  body?: RequestBody;
}

const UNSUPPORTED: ReadonlyArray<keyof EnvironOptions> = [
  'scheme',
  'serverName',
  'serverPort',
  'scriptName',
  'protocol',
  'remoteAddr',
  'errors',
  'multithread',
  'multiprocess',
  'runOnce',
  'extra',
];

function checkSupported(request: EnvironOptions): void {
  const used = UNSUPPORTED.filter((key) => request[key] !== undefined);
  if (used.length > 0) throw new Error(`a real request cannot carry the EnvironOptions ${used.join(', ')}`);
}

function headerPairs(headers: EnvironOptions['headers']): Array<[string, string]> {
  if (headers === undefined) return [];
  if (Array.isArray(headers)) return (headers as ReadonlyArray<readonly [string, string]>).map(([n, v]) => [n, v]);
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(headers as Record<string, string | readonly string[]>)) {
    for (const item of typeof value === 'string' ? [value] : value) pairs.push([name, item]);
  }
  return pairs;
}

function bodyOf(request: EnvironOptions): RequestBody | undefined {
  const body = request.body;
  if (body === undefined) return undefined;
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/** The HTTP request for a fixture, below `prefix` (e.g. `/cgi/hello`). */
export function httpRequestOf(request: EnvironOptions = {}, prefix = ''): HttpRequestSpec {
  checkSupported(request);
  // buildEnviron percent-encodes the path and query exactly as the test client does.
  const environ = buildEnviron({ path: request.path, query: request.query });
  const body = bodyOf(request);
  return {
    method: request.method ?? 'GET',
    target: prefix + String(environ.REQUEST_URI),
    headers: headerPairs(request.headers),
    ...(body === undefined ? {} : { body }),
  };
}

/** A native string's bytes as the text Node puts in a child's environment (UTF-8). */
function envText(native: string, key: string): string {
  const bytes = Buffer.from(native, 'latin1');
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) {
    throw new Error(`${key}: its bytes are not UTF-8, and Node can only pass text in a child's environment`);
  }
  return text;
}

async function collect(body: RequestBody): Promise<Buffer> {
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * The CGI variables and stdin of a fixture's request, as a web server would give them to the
 * script: the CGI keys of the test client's environ (so both agree by construction), the body
 * on stdin, no CONTENT_LENGTH for a streamed body (the script reads to EOF).
 */
export async function cgiRequestOf(request: EnvironOptions = {}): Promise<{ env: Record<string, string>; stdin: Buffer }> {
  checkSupported(request);
  const environ = buildEnviron(request);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(environ)) {
    if (!key.includes('.') && typeof value === 'string') env[key] = envText(value, key);
  }
  const body = bodyOf(request);
  return { env, stdin: body === undefined ? Buffer.alloc(0) : await collect(body) };
}

/** The request as raw HTTP/1.1 bytes, ending the connection after the response. */
export async function serializeRequest(spec: HttpRequestSpec): Promise<Buffer> {
  const lines = [`${spec.method} ${spec.target} HTTP/1.1`, 'Host: localhost', ...spec.headers.map(([n, v]) => `${n}: ${v}`), 'Connection: close'];
  const body = spec.body;
  if (body === undefined) return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  if (body instanceof Uint8Array) {
    lines.push(`Content-Length: ${body.byteLength}`);
    return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
  }
  lines.push('Transfer-Encoding: chunked');
  const parts: Buffer[] = [Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1')];
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    if (chunk.byteLength === 0) continue;
    parts.push(Buffer.from(`${chunk.byteLength.toString(16)}\r\n`, 'latin1'), Buffer.from(chunk), Buffer.from('\r\n', 'latin1'));
  }
  parts.push(Buffer.from('0\r\n\r\n', 'latin1'));
  return Buffer.concat(parts);
}

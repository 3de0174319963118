/**
 * A real nginx and fcgiwrap for the CGI integration tests, in a temporary directory, with the
 * configuration taken verbatim from docs/deploy.md ("CGI behind nginx with fcgiwrap"), and an
 * HTTP client that reports what a client saw as an `Observed`.
 *
 * @example
 * const server = await startNginxCGI({ script });
 * const observed = await observeThroughNginx(server, fixture);
 * await server.stop();
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fixture, Observed } from '../../fixtures';
import { type HttpRequestSpec, httpRequestOf } from './requests';

export const NGINX = '/usr/sbin/nginx';
export const FCGIWRAP = '/usr/sbin/fcgiwrap';
const DEPLOY_MD = new URL('../../../docs/deploy.md', import.meta.url);
export const CGI_HEADING = '## CGI behind nginx with fcgiwrap';

export const PROXY_HEADING = '## HTTP behind nginx (proxy_pass)';

/** Why the nginx tests cannot run here, or undefined when they can. */
export function nginxUnavailable(binaries: readonly string[] = [NGINX, FCGIWRAP]): string | undefined {
  for (const binary of binaries) {
    try {
      accessSync(binary, constants.X_OK);
    } catch {
      return `${binary} is missing (install Debian's nginx-light and fcgiwrap)`;
    }
  }
  return undefined;
}

/**
 * The first fenced `lang` block of the section under `heading` (up to the next heading of the
 * same or a higher level): the configuration the docs show is the one the test runs.
 */
export function fencedBlockUnder(markdown: string, heading: string, lang = 'nginx'): string {
  const start = markdown.split('\n').findIndex((line) => line.trimEnd() === heading);
  if (start < 0) throw new Error(`docs/deploy.md has no heading ${JSON.stringify(heading)}`);
  const level = /^#+/.exec(heading)![0].length;
  const lines = markdown.split('\n').slice(start + 1);
  const end = lines.findIndex((line) => new RegExp(`^#{1,${level}} `).test(line));
  const section = (end < 0 ? lines : lines.slice(0, end)).join('\n');
  const match = new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```$', 'm').exec(section);
  if (match === null) throw new Error(`no \`\`\`${lang} block under ${JSON.stringify(heading)} in docs/deploy.md`);
  return match[1]!;
}

/** The CGI configuration of docs/deploy.md with its placeholders filled in. */
export function cgiNginxConfig(values: { DIR: string; PORT: number; FCGIWRAP_SOCKET: string; SCRIPT: string }): string {
  return nginxConfig(CGI_HEADING, values);
}

/** The configuration under `heading` in docs/deploy.md with its placeholders filled in. */
export function nginxConfig(heading: string, values: Record<string, string | number>): string {
  const template = fencedBlockUnder(readFileSync(DEPLOY_MD, 'utf8'), heading);
  const config = template.replace(/\{\{([A-Z_]+)\}\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`docs/deploy.md uses an unknown placeholder ${whole}`);
    return String(value);
  });
  return config;
}

export interface NginxCGI {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** The temporary directory: config, logs, socket; TSGI_TEST_DIR of the scripts. */
  readonly dir: string;
  /** nginx's error log so far. */
  errorLog(): string;
  /** What the CGI scripts wrote to stderr so far (fcgiwrap passes it on). */
  scriptErrors(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The CGI script (absolute path, executable). */
  script: string;
  /** fcgiwrap processes, i.e. requests at once. Default 4. */
  children?: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(check: () => Promise<boolean> | boolean, what: string, failed: () => string | undefined, timeout = 5000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const problem = failed();
    if (problem !== undefined) throw new Error(`${what}: ${problem}`);
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what}: timed out`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function exitProblem(child: ChildProcess, output: () => string): () => string | undefined {
  return () => (child.exitCode !== null || child.signalCode !== null ? `exited (${child.exitCode ?? child.signalCode}): ${output()}` : undefined);
}

/** Sends `signal` to the process (or its whole group) we started, then waits for it to end. */
async function stopChild(child: ChildProcess, group: boolean): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(group ? -child.pid : child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(group ? -child.pid! : child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }, 3000);
  await ended;
  clearTimeout(timer);
}

/** Starts fcgiwrap on a Unix socket and nginx on a free loopback port, in a new temp dir. */
export async function startNginxCGI(options: StartOptions): Promise<NginxCGI> {
  const dir = await mkdtemp(join(tmpdir(), 'tsgi-nginx-'));
  const socket = join(dir, 'fcgiwrap.sock');
  const children: ChildProcess[] = [];
  let fcgiwrapErr = '';
  try {
    // fcgiwrap passes its environment to the scripts: keep it small and known.
    // detached: its own process group, so stopping it also stops the preforked children.
    const fcgiwrap = spawn(FCGIWRAP, ['-c', String(options.children ?? 4), '-s', `unix:${socket}`], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TSGI_TEST_DIR: dir },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    children.push(fcgiwrap);
    fcgiwrap.stderr!.on('data', (chunk: Buffer) => (fcgiwrapErr += chunk.toString('utf8')));
    await waitFor(() => existsSync(socket), 'fcgiwrap', exitProblem(fcgiwrap, () => fcgiwrapErr));

    const { nginx, port } = await launchNginx(dir, (port) => cgiNginxConfig({ DIR: dir, PORT: port, FCGIWRAP_SOCKET: socket, SCRIPT: options.script }));
    children.push(nginx);
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      dir,
      errorLog: () => readIfExists(join(dir, 'error.log')),
      scriptErrors: () => fcgiwrapErr,
      async stop() {
        await Promise.all([stopChild(nginx, false), stopChild(fcgiwrap, true)]);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(children.map((child, i) => stopChild(child, i === 0)));
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Writes the configuration for a free port to `dir`/nginx.conf and starts nginx on it. */
async function launchNginx(dir: string, configFor: (port: number) => string): Promise<{ nginx: ChildProcess; port: number }> {
  for (const temp of ['client_body', 'fastcgi', 'proxy', 'scgi', 'uwsgi']) await mkdir(join(dir, temp), { recursive: true });
  // A port found free may be taken before nginx binds it: try a few.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const conf = join(dir, 'nginx.conf');
    await writeFile(conf, configFor(port));
    let nginxOut = '';
    const nginx = spawn(NGINX, ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
    nginx.stdout!.on('data', (chunk: Buffer) => (nginxOut += chunk.toString('utf8')));
    nginx.stderr!.on('data', (chunk: Buffer) => (nginxOut += chunk.toString('utf8')));
    try {
      await waitFor(() => canConnect(port), 'nginx', exitProblem(nginx, () => nginxOut + readIfExists(join(dir, 'error.log'))));
      return { nginx, port };
    } catch (error) {
      await stopChild(nginx, false);
      if (attempt < 3 && /Address already in use/.test(String(error))) continue;
      throw error;
    }
  }
}

export interface NginxProxy {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  errorLog(): string;
  stop(): Promise<void>;
}

/** Starts nginx with the proxy configuration of docs/deploy.md, in front of `upstreamSocket`. */
export async function startNginxProxy(options: { upstreamSocket: string }): Promise<NginxProxy> {
  const dir = await mkdtemp(join(tmpdir(), 'tsgi-nginx-proxy-'));
  try {
    const { nginx, port } = await launchNginx(dir, (port) => nginxConfig(PROXY_HEADING, { DIR: dir, PORT: port, UPSTREAM_SOCKET: options.upstreamSocket }));
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      dir,
      errorLog: () => readIfExists(join(dir, 'error.log')),
      async stop() {
        await stopChild(nginx, false);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

function readIfExists(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export interface HttpResponse {
  code: number;
  /** The header fields as received, values as latin-1 native strings. */
  headers: Array<[string, string]>;
  body: Buffer;
  /** The body arrived whole, as its framing announced; false when the connection was cut. */
  complete: boolean;
  framing: 'none' | 'length' | 'chunked' | 'close';
}

export interface SendOptions {
  /** Called with the first body bytes and the request, e.g. to go away mid-response. */
  onFirstData?: (request: http.ClientRequest) => void;
  timeout?: number;
}

/** One HTTP/1.1 request on a fresh connection; reports what a client saw, cuts included. */
export function sendRequest(port: number, spec: HttpRequestSpec, options: SendOptions = {}): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, method: spec.method, path: spec.target, agent: false });
    const byName = new Map<string, string[]>();
    for (const [name, value] of spec.headers) byName.set(name, [...(byName.get(name) ?? []), value]);
    for (const [name, values] of byName) request.setHeader(name, values.length === 1 ? values[0]! : values);
    const body = spec.body;
    if (body instanceof Uint8Array && !request.hasHeader('content-length')) request.setHeader('Content-Length', body.byteLength);
    const timer = setTimeout(() => request.destroy(new Error('timed out')), options.timeout ?? 15_000);
    request.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.once('response', (response) => {
      const chunks: Buffer[] = [];
      let first = true;
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if (first) {
          first = false;
          options.onFirstData?.(request);
        }
      });
      // A cut connection ends the response with an error; what arrived is still the answer.
      response.on('error', () => undefined);
      response.once('close', () => {
        clearTimeout(timer);
        const headers: Array<[string, string]> = [];
        for (let i = 0; i + 1 < response.rawHeaders.length; i += 2) headers.push([response.rawHeaders[i]!, response.rawHeaders[i + 1]!]);
        const code = response.statusCode ?? 0;
        const framing =
          spec.method === 'HEAD' || code === 204 || code === 304
            ? 'none'
            : /chunked/i.test(String(response.headers['transfer-encoding'] ?? ''))
              ? 'chunked'
              : response.headers['content-length'] !== undefined
                ? 'length'
                : 'close';
        resolve({ code, headers, body: Buffer.concat(chunks), complete: response.complete, framing });
      });
    });
    void writeBody(request, body).catch((error: unknown) => request.destroy(error as Error));
  });
}

async function writeBody(request: http.ClientRequest, body: HttpRequestSpec['body']): Promise<void> {
  if (body === undefined) {
    request.end();
    return;
  }
  if (body instanceof Uint8Array) {
    request.end(body);
    return;
  }
  // No Content-Length: Node sends the chunks with chunked transfer coding.
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    if (!request.write(chunk)) await new Promise((r) => request.once('drain', r));
  }
  request.end();
}

/** The fixture's request, sent to nginx as `/cgi/<fixture>/<path>`, as a client saw the answer. */
export async function observeThroughNginx(server: Pick<NginxCGI, 'port'>, fixture: Pick<Fixture, 'name' | 'request'>): Promise<Observed> {
  const response = await sendRequest(server.port, httpRequestOf(fixture.request, `/cgi/${fixture.name}`));
  return response;
}

/** nginx's version as numbers, e.g. `[1, 22, 1]`; empty when it cannot be run. */
export function nginxVersion(): number[] {
  const result = spawnSync(NGINX, ['-v'], { encoding: 'utf8' });
  const match = /nginx\/(\d+(?:\.\d+)*)/.exec(`${result.stderr ?? ''}${result.stdout ?? ''}`);
  return match === null ? [] : match[1]!.split('.').map(Number);
}

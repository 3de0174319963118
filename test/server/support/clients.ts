/**
 * Clients for the gateway tests: node:http for normal traffic (and truncation detection), raw
 * sockets for malformed requests and pipelining, with a small parser for what comes back.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { afterEach } from 'vitest';
import { serve } from '../../../src/server/serve';
import type { GatewayServer, ServeOptions } from '../../../src/server/types';
import type { NativeApp } from '../../../src/native/types';

const running: GatewayServer[] = [];

/** A server on a free loopback port, closed after the test. Logs go to `log` unless given. */
export async function start(app: NativeApp, options: ServeOptions = {}): Promise<{ server: GatewayServer; port: number; log: string[] }> {
  const log: string[] = [];
  const server = await serve(app, { port: 0, errorLog: (line) => log.push(line), ...options });
  running.push(server);
  const port = typeof server.address === 'string' ? 0 : server.address.port;
  return { server, port, log };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

export interface ClientResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
  /** False when the connection broke before the response was whole. */
  complete: boolean;
}

export interface RequestOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer | AsyncIterable<Uint8Array>;
  agent?: http.Agent | false;
  https?: boolean;
}

/** One request with node:http; resolves even when the response is cut (complete: false). */
export function request(port: number, options: RequestOptions = {}): Promise<ClientResponse> {
  const transport = options.https === true ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: options.headers,
        agent: options.agent ?? false,
        rejectUnauthorized: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let done = false;
        const finish = (complete: boolean) => {
          if (done) return;
          done = true;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks), complete });
        };
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => finish(res.complete));
        res.on('error', () => finish(false));
        res.on('aborted', () => finish(false));
        res.on('close', () => finish(res.complete));
      },
    );
    req.on('error', reject);
    const body = options.body;
    if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) {
      req.end(body);
    } else {
      void (async () => {
        for await (const chunk of body) req.write(chunk);
        req.end();
      })().catch(reject);
    }
  });
}

/** Sends raw bytes and collects everything until the server closes or `waitMs` passes quietly. */
export function raw(port: number, data: string | Buffer | Array<string | Buffer>, waitMs = 500): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const quiet = () => {
      clearTimeout(timer);
      timer = setTimeout(() => socket.destroy(), waitMs);
    };
    socket.on('connect', async () => {
      const parts = Array.isArray(data) ? data : [data];
      for (const part of parts) {
        socket.write(typeof part === 'string' ? Buffer.from(part, 'latin1') : part);
        if (parts.length > 1) await new Promise((r) => setTimeout(r, 20));
      }
      quiet();
    });
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      quiet();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? undefined : reject(e)));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
  });
}

export interface ParsedResponse {
  statusLine: string;
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
  framing: 'length' | 'chunked' | 'close' | 'none';
  /** The framing said where the body ends and it did end there. */
  complete: boolean;
}

export function header(response: { headers: Array<[string, string]> }, name: string): string | undefined {
  return response.headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

/**
 * Parses every HTTP/1.x response in `bytes` (pipelining). `noBody` lists which responses (by
 * index) answer HEAD, whose framing headers describe a body that is not there.
 */
export function parseResponses(bytes: Buffer, noBody: ReadonlySet<number> = new Set()): ParsedResponse[] {
  const out: ParsedResponse[] = [];
  let at = 0;
  while (at < bytes.length) {
    const end = bytes.indexOf('\r\n\r\n', at, 'latin1');
    if (end === -1) throw new Error(`incomplete head: ${JSON.stringify(bytes.subarray(at).toString('latin1'))}`);
    const lines = bytes.subarray(at, end).toString('latin1').split('\r\n');
    const statusLine = lines[0] ?? '';
    const status = Number(statusLine.split(' ')[1]);
    const headers = lines.slice(1).map((line): [string, string] => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon), line.slice(colon + 1).trim()];
    });
    at = end + 4;
    const response: ParsedResponse = { statusLine, status, headers, body: Buffer.alloc(0), framing: 'none', complete: true };
    out.push(response);
    if (status === 100) continue;
    if (noBody.has(out.filter((r) => r.status !== 100).length - 1) || status === 204 || status === 304) continue;
    const length = header(response, 'content-length');
    if (header(response, 'transfer-encoding')?.toLowerCase() === 'chunked') {
      response.framing = 'chunked';
      const parts: Buffer[] = [];
      response.complete = false;
      for (;;) {
        const lineEnd = bytes.indexOf('\r\n', at, 'latin1');
        if (lineEnd === -1) break;
        const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16);
        if (Number.isNaN(size)) break;
        at = lineEnd + 2;
        if (size === 0) {
          at += 2; // the CRLF after the last chunk (no trailers)
          response.complete = true;
          break;
        }
        if (at + size > bytes.length) {
          parts.push(bytes.subarray(at));
          at = bytes.length;
          break;
        }
        parts.push(bytes.subarray(at, at + size));
        at += size + 2;
      }
      response.body = Buffer.concat(parts);
    } else if (length !== undefined) {
      response.framing = 'length';
      response.body = bytes.subarray(at, at + Number(length));
      response.complete = response.body.length === Number(length);
      at += Number(length);
    } else {
      response.framing = 'close';
      response.body = bytes.subarray(at);
      at = bytes.length;
    }
  }
  return out;
}

/**
 * runCGI behind a real nginx and fcgiwrap, configured with the block docs/deploy.md shows
 * ("CGI behind nginx with fcgiwrap"): the path tunnel, and what a client sees when a response
 * goes wrong. Every fixture runs through it in test/integration/gateways.test.ts. Skipped, saying why, where nginx
 * or fcgiwrap is not installed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCGIScript } from './support/cgi-script';
import {
  cgiNginxConfig,
  type NginxCGI,
  nginxUnavailable,
  sendRequest,
  startNginxCGI,
} from './support/nginx';

const unavailable = nginxUnavailable();
if (unavailable !== undefined) console.warn(`skipping the CGI tests behind nginx: ${unavailable}`);

const environOf = (body: Buffer) => JSON.parse(body.toString('latin1')) as Record<string, unknown>;

describe.skipIf(unavailable !== undefined)('CGI behind nginx and fcgiwrap (docs/deploy.md)', () => {
  let dir: string;
  let server: NginxCGI;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsgi-cgi-script-'));
    server = await startNginxCGI({ script: await buildCGIScript(dir) });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('runs the configuration of docs/deploy.md, placeholders filled in', () => {
    const running = readFileSync(join(server.dir, 'nginx.conf'), 'utf8');
    const socket = join(server.dir, 'fcgiwrap.sock');
    expect(running).toBe(cgiNginxConfig({ DIR: server.dir, PORT: server.port, FCGIWRAP_SOCKET: socket, SCRIPT: join(dir, 'tsgi-test.cgi.mjs') }));
    expect(running).not.toContain('{{');
  });

  // Every fixture through nginx: test/integration/gateways.test.ts, side by side with HTTP.

  it('C-6, N-2: /cgi/environ/caf%C3%A9/a%2Fb: SCRIPT_NAME, and PATH_INFO as the decoded bytes, tunnelled', async () => {
    const response = await sendRequest(server.port, {
      method: 'GET',
      target: '/cgi/environ/caf%C3%A9/a%2Fb?q=caf%C3%A9&x=a+b',
      headers: [['Proxy', 'http://evil.example'], ['X-Auth_User', 'spoofed'], ['X-Name', 'Zo\u00eb']],
    });
    expect(response.code).toBe(200);
    const environ = environOf(response.body);
    expect(environ).toMatchObject({
      REQUEST_METHOD: 'GET',
      SCRIPT_NAME: '/cgi/environ',
      PATH_INFO: '/caf\u00c3\u00a9/a/b',
      QUERY_STRING: 'q=caf%C3%A9&x=a+b',
      REQUEST_URI: '/cgi/environ/caf%C3%A9/a%2Fb?q=caf%C3%A9&x=a+b',
      SERVER_NAME: 'localhost',
      SERVER_PORT: String(server.port),
      SERVER_PROTOCOL: 'HTTP/1.1',
      GATEWAY_INTERFACE: 'CGI/1.1',
      TSGI_FIXTURE: 'environ',
      'wsgi.url_scheme': 'http',
      'wsgi.run_once': true,
    });
    // A latin-1 header byte (E9, not valid UTF-8 alone) was replaced by Node: the documented loss.
    expect(environ.HTTP_X_NAME).toBe('Zo\u00ef\u00bf\u00bd');
    // httpoxy is closed; nginx drops names with "_"; no Content-* duplicates, no empty ones.
    for (const key of ['HTTP_PROXY', 'HTTP_X_AUTH_USER', 'CONTENT_LENGTH', 'CONTENT_TYPE', 'REMOTE_USER', 'HTTPS']) {
      expect([key, Object.hasOwn(environ, key)]).toEqual([key, false]);
    }
  });

  it('D-N11: a chunked upload reaches the app with a CONTENT_LENGTH (nginx buffers and de-chunks it)', async () => {
    const response = await sendRequest(server.port, {
      method: 'POST',
      target: '/cgi/environ/',
      headers: [['Content-Type', 'application/octet-stream']],
      body: (async function* () {
        yield Buffer.alloc(3000);
        yield Buffer.alloc(4000);
      })(),
    });
    const environ = environOf(response.body);
    expect(environ).toMatchObject({ CONTENT_LENGTH: '7000', CONTENT_TYPE: 'application/octet-stream', 'wsgi.input_terminated': true });
    expect(Object.hasOwn(environ, 'HTTP_CONTENT_TYPE')).toBe(false);
    expect(Object.hasOwn(environ, 'HTTP_TRANSFER_ENCODING')).toBe(false);
  });

  it('N-94: a response with Content-Length cut short reaches the client truncated: nginx closes the connection', async () => {
    const response = await sendRequest(server.port, { method: 'GET', target: '/cgi/underrun/', headers: [] });
    expect(response).toMatchObject({ code: 200, complete: false, framing: 'length' });
    expect(response.body.toString()).toBe('too short');
    expect(response.headers).toContainEqual(['Content-Length', '100']);
    expect(server.errorLog()).toContain('upstream prematurely closed FastCGI stdout');
    expect(server.scriptErrors()).toContain("it declared a Content-Length, so the web server sees the body end early and cuts the client's connection");
  });

  it('N-76: without Content-Length the cut cannot be seen: the client gets a complete chunked response (documented)', async () => {
    const response = await sendRequest(server.port, { method: 'GET', target: '/cgi/throws-mid-body/', headers: [] });
    expect(response).toMatchObject({ code: 200, complete: true, framing: 'chunked' });
    expect(response.body.toString()).toBe('partial ');
    expect(server.scriptErrors()).toContain('it declared no Content-Length, so the client cannot tell the body is incomplete');
  });

  it('RFC 3875 §6.2.4: a 302 with a local Location reaches the client as the app sent it (nginx does not follow it)', async () => {
    const response = await sendRequest(server.port, { method: 'GET', target: '/cgi/redirect/', headers: [] });
    expect(response.code).toBe(302);
    expect(response.headers).toContainEqual(['Location', '/cgi/hello/']);
    expect(response.body.toString()).toBe('moved');
  });

  it('D-N24: an app failing before it sent anything: 500 to the client, the error in the script log', async () => {
    const response = await sendRequest(server.port, { method: 'GET', target: '/cgi/throws-before-start/', headers: [] });
    expect(response).toMatchObject({ code: 500, complete: true, framing: 'length' });
    expect(response.body.toString()).toBe('Internal Server Error\n');
    expect(server.scriptErrors()).toContain('tsgi: GET /cgi/throws-before-start/: application error: Error: database unavailable');
  });

  it('N-88: a client going away mid-response: the script gets EPIPE, closes the body and exits normally', async () => {
    const response = await sendRequest(
      server.port,
      { method: 'GET', target: '/cgi/stream/?n=5000&id=42', headers: [] },
      { onFirstData: (request) => request.destroy() },
    );
    expect(response.complete).toBe(false);
    // nginx closes the FastCGI connection, fcgiwrap closes the script's stdout and stderr (so
    // the script's own note about it is lost), the next write fails with EPIPE.
    const exitMarker = join(server.dir, 'exit-42');
    const deadline = Date.now() + 10_000;
    while (!existsSync(exitMarker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(readFileSync(exitMarker, 'utf8')).toBe('0');
    const closed = JSON.parse(readFileSync(join(server.dir, 'closed-42'), 'utf8')) as { produced: number; of: number };
    expect(closed.produced).toBeLessThan(closed.of);
  });

  it('an unread body of 200 KiB still gets the app\'s answer: tsgi reads it for fcgiwrap, which writes all of it first', async () => {
    const response = await sendRequest(server.port, { method: 'POST', target: '/cgi/ignore-body/', headers: [], body: Buffer.alloc(200 * 1024) });
    expect(response.code).toBe(200);
    expect(response.body.toString()).toBe(`ignored a body of ${200 * 1024} bytes`);
  });

  it('an unread body past drainLimit (256 KiB) plus a pipe (64 KiB) gets 502 from fcgiwrap (documented)', async () => {
    const response = await sendRequest(server.port, { method: 'POST', target: '/cgi/ignore-body/', headers: [], body: Buffer.alloc(600 * 1024) });
    expect(response.code).toBe(502);
    expect(response.body.toString()).toContain('An error occurred while reading the request');
  });

  it('CONTENT_LENGTH over maxBodySize: 413 without running the app', async () => {
    const response = await sendRequest(server.port, { method: 'POST', target: '/cgi/count-body-1k/', headers: [], body: Buffer.alloc(2000) });
    expect(response.code).toBe(413);
    expect(response.body.toString()).toBe('Content Too Large\n');
    const within = await sendRequest(server.port, { method: 'POST', target: '/cgi/count-body-1k/', headers: [], body: Buffer.alloc(1000) });
    expect(within.body.toString()).toBe('1000 bytes');
  });

  it('nginx refuses a body over client_max_body_size (1m) itself, before starting a script', async () => {
    const response = await sendRequest(server.port, { method: 'POST', target: '/cgi/count-body/', headers: [], body: Buffer.alloc(1024 * 1024 + 1) });
    expect(response.code).toBe(413);
  });
});

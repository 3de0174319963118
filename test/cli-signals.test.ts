/**
 * `tsgi serve` as a real process: SIGINT (Ctrl+C) stops it as gracefully as SIGTERM (tested in
 * cli.test.ts), a second one stops it at once, and `--socket PATH` serves on a Unix socket,
 * removes it on exit and replaces one left by a killed process.
 */
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestSocket, serveProcess, waitFor } from './support/serve-process';
import { request } from './server/support/clients';

const dir = mkdtempSync(join(tmpdir(), 'tsgi-signals-'));

/**
 * Says on stdout when a request arrives; answers `/after-sigint` once the process got SIGINT
 * (and 300 ms more, so the request is still in flight while the server stops), `/hang` never.
 */
const APP = join(dir, 'app.mjs');
writeFileSync(
  APP,
  `
export default async function app(environ, startResponse) {
  process.stdout.write('arrived ' + environ.PATH_INFO + '\\n');
  if (environ.PATH_INFO === '/hang') await new Promise(() => {});
  if (environ.PATH_INFO === '/after-sigint') {
    await new Promise((r) => process.once('SIGINT', r));
    await new Promise((r) => setTimeout(r, 300));
  }
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [Buffer.from('done ' + environ.PATH_INFO)];
}`,
);

describe('tsgi serve and SIGINT', () => {
  it('SIGINT lets the request in flight finish, refuses new connections, and exits 0', async () => {
    const server = await serveProcess([APP, '--port', '0']);
    const inFlight = request(server.port, { path: '/after-sigint' });
    expect(await waitFor(server.stdout, 'arrived /after-sigint')).toBe(true);
    server.child.kill('SIGINT');
    expect(await waitFor(server.stderr, 'SIGINT: finishing requests in flight')).toBe(true);
    // Stopped accepting: refused, or reset if it was still in the listen backlog.
    await expect(request(server.port)).rejects.toThrow(/ECONNREFUSED|ECONNRESET/);
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.complete).toBe(true);
    expect(response.body.toString()).toBe('done /after-sigint');
    expect(response.headers.connection).toBe('close');
    expect(await server.exited).toBe(0);
    expect(server.stdout()).not.toContain('arrived /\n');
  });

  it('a second SIGINT while a request hangs stops at once with exit code 130', async () => {
    const server = await serveProcess([APP, '--port', '0', '--shutdown-timeout', '30s']);
    const hanging = request(server.port, { path: '/hang' }).catch((e: NodeJS.ErrnoException) => e.code);
    expect(await waitFor(server.stdout, 'arrived /hang')).toBe(true);
    server.child.kill('SIGINT');
    expect(await waitFor(server.stderr, 'SIGINT: finishing')).toBe(true);
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(130);
    expect(server.stderr()).toContain('SIGINT again: stopping now');
    expect(await hanging).toBe('ECONNRESET');
  });

  it('--shutdown-timeout bounds the graceful stop: a hanging request is cut and the process exits 0', async () => {
    const server = await serveProcess([APP, '--port', '0', '--shutdown-timeout', '300ms']);
    const hanging = request(server.port, { path: '/hang' }).catch((e: NodeJS.ErrnoException) => e.code);
    expect(await waitFor(server.stdout, 'arrived /hang')).toBe(true);
    const stopped = Date.now();
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
    // Far below the 30 s default.
    expect(Date.now() - stopped).toBeLessThan(10_000);
    expect(await hanging).toBe('ECONNRESET');
  });
});

describe('tsgi serve --socket PATH (a Unix socket)', () => {
  it('serves over the socket, says so, and removes the socket file when SIGINT stops it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tsgi-sock-')), 'tsgi.sock');
    const server = await serveProcess(['examples/hello/native.mjs', '--socket', path]);
    expect(server.url).toBe(`http+unix://${encodeURIComponent(path)}`);
    expect(statSync(path).isSocket()).toBe(true);
    const response = await requestSocket(path, '/');
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('Hello World\n');
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
    expect(existsSync(path)).toBe(false);
  });

  it('a socket in use makes a second server exit 1; one left by a killed server is replaced', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tsgi-sock-')), 'tsgi.sock');
    const first = await serveProcess(['examples/hello/native.mjs', '--socket', path]);
    // In use: the live server keeps it, the second process says why and exits 1.
    await expect(serveProcess(['examples/hello/native.mjs', '--socket', path])).rejects.toThrow(/exited with 1 .*already in use/s);
    expect((await requestSocket(path)).status).toBe(200);
    // Killed without a chance to clean up: the socket file stays, and nobody answers on it.
    first.child.kill('SIGKILL');
    await first.exited;
    expect(statSync(path).isSocket()).toBe(true);
    await expect(requestSocket(path)).rejects.toThrow(/ECONNREFUSED/);
    // The next server removes the stale file and listens in its place.
    const next = await serveProcess(['examples/hello/native.mjs', '--socket', path]);
    expect((await requestSocket(path)).body.toString()).toBe('Hello World\n');
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
    expect(existsSync(path)).toBe(false);
  });
});

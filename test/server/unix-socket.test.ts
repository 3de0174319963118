/**
 * serve() on a Unix socket (behind nginx, docs/deploy.md): the environ has no real port, so
 * SERVER_PORT is the scheme's default and URLs rebuilt from SERVER_NAME/SERVER_PORT carry none
 * (NATIVE §20).
 */
import net from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requestUri } from '../../src/native/util';
import type { NativeApp } from '../../src/native/types';
import { serve } from '../../src/server/serve';
import type { GatewayServer } from '../../src/server/types';

let server: GatewayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** One HTTP/1.0 GET over the socket with no Host header at all; the whole answer, head and body. */
function get(socketPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let answer = '';
    socket.setEncoding('latin1').on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.write('GET /where HTTP/1.0\r\n\r\n');
  });
}

describe('serve() on a Unix socket', () => {
  it('N-124: SERVER_PORT is the scheme default, "80", not a TCP port nothing listens on, so a rebuilt URL has no port', async () => {
    const app: NativeApp = (environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return [Buffer.from(`${environ.SERVER_PORT} ${requestUri(environ)}`, 'latin1')];
    };
    const path = join(mkdtempSync(join(tmpdir(), 'tsgi-unix-')), 'app.sock');
    server = await serve(app, { path, serverName: 'app.example', errorLog: () => {} });
    const answer = await get(path);
    expect(answer.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    expect(answer.endsWith('\r\n\r\n80 http://app.example/where')).toBe(true);
  });
});

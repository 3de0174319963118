/**
 * Every fixture app through every gateway, side by side, expecting the same response: the
 * test client (the lifecycle alone), the HTTP gateway over a real socket, the HTTP gateway on a
 * Unix socket behind real nginx (proxy_pass), the CGI script run as a web server runs it, and
 * the CGI script behind real nginx and fcgiwrap, each nginx configured as docs/deploy.md says. Where CGI
 * genuinely cannot give the same answer, test/integration/support/cgi-exceptions.ts says why
 * and what it gives instead, checked as strictly.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEnviron, callApplication } from '../../src/native/testing';
import { serve } from '../../src/server/serve';
import { differences, fixtures } from '../fixtures';
import { cgiExceptions } from './support/cgi-exceptions';
import { buildCGIScript, observeCGIScript } from './support/cgi-script';
import {
  NGINX,
  type NginxCGI,
  type NginxProxy,
  nginxUnavailable,
  nginxVersion,
  observeThroughNginx,
  sendRequest,
  startNginxCGI,
  startNginxProxy,
} from './support/nginx';
import type { GatewayServer } from '../../src/server/types';
import type { NativeApp } from '../../src/native/types';
import { httpRequestOf, serializeRequest } from './support/requests';
import { toNativeApp } from '../../src/codecs/to-native-app';
import { buildBytesEnviron, callBytesApplication } from '../../src/bytes/testing';
import { bytesVersionOf } from '../fixtures/bytes-versions';
import { raw } from '../server/support/clients';

const nginxMissing = nginxUnavailable();
if (nginxMissing !== undefined) console.warn(`skipping the CGI-behind-nginx column of the gateway table: ${nginxMissing}`);
const proxyMissing = nginxUnavailable([NGINX]);
if (proxyMissing !== undefined) console.warn(`skipping the HTTP-behind-nginx column of the gateway table: ${proxyMissing}`);

/** One server for every fixture behind the proxy: the fixture is named by a request header. */
const FIXTURE_HEADER = 'X-Tsgi-Fixture';
const byName = new Map<string, NativeApp>([
  ...fixtures.map((f): [string, NativeApp] => [f.name, f.app]),
  // The bytes versions, through the adapter serve(app, { flavour: 'bytes' }) uses.
  ...fixtures.map((f): [string, NativeApp] => [`bytes-${f.name}`, toNativeApp(bytesVersionOf(f.name).app)]),
]);
const dispatcher: NativeApp = (environ, startResponse) => {
  const app = byName.get(String(environ.HTTP_X_TSGI_FIXTURE));
  if (app === undefined) throw new Error(`no fixture named ${String(environ.HTTP_X_TSGI_FIXTURE)}`);
  return app(environ, startResponse);
};

let dir: string;
let script: string;
let nginx: NginxCGI | undefined;
let upstream: GatewayServer | undefined;
let proxy: NginxProxy | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsgi-gateways-'));
  script = await buildCGIScript(dir);
  if (nginxMissing === undefined) nginx = await startNginxCGI({ script });
  if (proxyMissing === undefined) {
    const socket = join(dir, 'tsgi.sock');
    upstream = await serve(dispatcher, { path: socket, errorLog: () => undefined });
    proxy = await startNginxProxy({ upstreamSocket: socket });
  }
}, 60_000);

afterAll(async () => {
  await Promise.all([nginx?.stop(), proxy?.stop()]);
  await upstream?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const overCGI = cgiExceptions('cgi');
const overNginx = cgiExceptions('nginx', nginxMissing === undefined ? nginxVersion() : undefined);

describe.each(fixtures)('$name', (fixture) => {
  it('through the test client (the lifecycle)', async () => {
    const response = await callApplication(fixture.app, buildEnviron(fixture.request), { errors: 'respond' });
    expect(differences(response, fixture.expect)).toEqual([]);
  });

  it('over HTTP (node:http, a real socket)', async () => {
    const server = await serve(fixture.app, { port: 0, errorLog: () => undefined });
    try {
      const port = typeof server.address === 'string' ? 0 : server.address.port;
      const observed = await sendRequest(port, httpRequestOf(fixture.request));
      expect(differences(observed, fixture.expect)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it.skipIf(proxyMissing !== undefined)('over HTTP on a Unix socket, behind nginx (proxy_pass)', async () => {
    const spec = httpRequestOf(fixture.request);
    spec.headers.push([FIXTURE_HEADER, fixture.name]);
    const observed = await sendRequest((proxy as NginxProxy).port, spec);
    expect(differences(observed, fixture.expect)).toEqual([]);
  });

  const cgiException = overCGI[fixture.name];
  it(`as a CGI script${cgiException === undefined ? '' : ` (CGI cannot: ${cgiException.reason})`}`, async () => {
    const observed = await observeCGIScript(script, fixture);
    expect(differences(observed, cgiException?.expect ?? fixture.expect)).toEqual([]);
  });

  const nginxException = overNginx[fixture.name];
  it.skipIf(nginxMissing !== undefined)(
    `as CGI behind nginx and fcgiwrap${nginxException === undefined ? '' : ` (CGI cannot: ${nginxException.reason})`}`,
    async () => {
      const observed = await observeThroughNginx(nginx as NginxCGI, fixture);
      expect(differences(observed, nginxException?.expect ?? fixture.expect)).toEqual([]);
    },
  );
});

/** What both flavours put on the wire, with the Date header (the only thing that may differ) blanked. */
function wire(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/^Date: .*\r\n/m, 'Date: -\r\n');
}

describe.each(fixtures)('$name, bytes version', (fixture) => {
  const version = bytesVersionOf(fixture.name);

  it('through the test client (callBytesApplication)', async () => {
    const response = await callBytesApplication(version.app, buildBytesEnviron(fixture.request), { errors: 'respond' });
    expect(differences(response, fixture.expect)).toEqual([]);
  });

  it('over HTTP (serve flavour bytes): indistinguishable on the wire from the native fixture', async () => {
    const native = await serve(fixture.app, { port: 0, errorLog: () => undefined });
    const bytes = await serve(version.app, { flavour: 'bytes', port: 0, errorLog: () => undefined });
    try {
      const portOf = (s: GatewayServer) => (typeof s.address === 'string' ? 0 : s.address.port);
      const observed = await sendRequest(portOf(bytes), httpRequestOf(fixture.request));
      expect(differences(observed, fixture.expect)).toEqual([]);
      const onTheWire = async (port: number) => wire(await raw(port, await serializeRequest(httpRequestOf(fixture.request))));
      expect(await onTheWire(portOf(bytes))).toBe(await onTheWire(portOf(native)));
    } finally {
      await Promise.all([native.close(), bytes.close()]);
    }
  });

  it.skipIf(proxyMissing !== undefined)('over HTTP on a Unix socket, behind nginx (proxy_pass)', async () => {
    const spec = httpRequestOf(fixture.request);
    spec.headers.push([FIXTURE_HEADER, `bytes-${fixture.name}`]);
    const observed = await sendRequest((proxy as NginxProxy).port, spec);
    expect(differences(observed, fixture.expect)).toEqual([]);
  });

  const cgiException = overCGI[fixture.name];
  it(`as a CGI script${cgiException === undefined ? '' : ` (CGI cannot: ${cgiException.reason})`}`, async () => {
    const observed = await observeCGIScript(script, { name: `bytes-${fixture.name}`, request: fixture.request });
    expect(differences(observed, cgiException?.expect ?? fixture.expect)).toEqual([]);
  });

  const nginxException = overNginx[fixture.name];
  it.skipIf(nginxMissing !== undefined)(
    `as CGI behind nginx and fcgiwrap${nginxException === undefined ? '' : ` (CGI cannot: ${nginxException.reason})`}`,
    async () => {
      const observed = await observeThroughNginx(nginx as NginxCGI, { name: `bytes-${fixture.name}`, request: fixture.request });
      expect(differences(observed, nginxException?.expect ?? fixture.expect)).toEqual([]);
    },
  );
});

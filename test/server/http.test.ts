/**
 * The HTTP gateway over real sockets: node:http for normal traffic, raw sockets for malformed
 * requests, pipelining and disconnects.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Environ, NativeApp } from '../../src/native/types';
import { header, parseResponses, raw, request, start } from './support/clients';

const ok: [string, string][] = [['Content-Type', 'text/plain']];
const bytes = (s: string) => Buffer.from(s, 'latin1');

/** An app that answers with a JSON view of the environ's string and boolean values. */
const environEcho: NativeApp = (environ, startResponse) => {
  const view: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(environ)) if (typeof v === 'string' || typeof v === 'boolean') view[k] = v;
  view['wsgi.version'] = environ['wsgi.version'];
  view.fileWrapper = typeof environ['wsgi.file_wrapper'];
  startResponse('200 OK', [['Content-Type', 'application/json']]);
  // JSON of native strings, sent as latin-1 so every code unit is one byte on the wire.
  return [Buffer.from(JSON.stringify(view), 'latin1')];
};

async function environOf(port: number, options: Parameters<typeof request>[1] = {}): Promise<Record<string, unknown>> {
  const response = await request(port, options);
  return JSON.parse(response.body.toString('latin1')) as Record<string, unknown>;
}

describe('the environ (NATIVE §6, §7, D-N14)', () => {
  it('N-17, N-20, N-21: required CGI and wsgi.* keys, every CGI value a string', async () => {
    const { port } = await start(environEcho);
    const environ = await environOf(port, { path: '/x?y=1' });
    expect(environ).toMatchObject({
      REQUEST_METHOD: 'GET',
      SCRIPT_NAME: '',
      PATH_INFO: '/x',
      QUERY_STRING: 'y=1',
      SERVER_NAME: '127.0.0.1',
      SERVER_PORT: String(port),
      SERVER_PROTOCOL: 'HTTP/1.1',
      REMOTE_ADDR: '127.0.0.1',
      GATEWAY_INTERFACE: 'CGI/1.1',
      'wsgi.version': [1, 0],
      'wsgi.url_scheme': 'http',
      'wsgi.run_once': false,
      'wsgi.input_terminated': true,
      fileWrapper: 'function',
    });
    for (const [key, value] of Object.entries(environ)) if (!key.includes('.') && key !== 'fileWrapper') expect(typeof value, key).toBe('string');
  });

  it('N-33, D-N13: wsgi.multithread is true (requests overlap), multiprocess false with one process', async () => {
    const { port } = await start(environEcho);
    expect(await environOf(port)).toMatchObject({ 'wsgi.multithread': true, 'wsgi.multiprocess': false });
  });

  it('N-137: serialize runs one request at a time and says so with wsgi.multithread false', async () => {
    let inFlight = 0;
    let most = 0;
    const slow: NativeApp = async (environ, startResponse) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      startResponse('200 OK', ok);
      return [bytes(String(environ['wsgi.multithread']))];
    };
    const { port } = await start(slow, { serialize: true });
    const bodies = await Promise.all([1, 2, 3].map(() => request(port).then((r) => r.body.toString())));
    expect(bodies).toEqual(['false', 'false', 'false']);
    expect(most).toBe(1);
  });

  it('C-9: PATH_INFO is percent-decoded into the latin-1 tunnel; QUERY_STRING and REQUEST_URI stay raw', async () => {
    const { port } = await start(environEcho);
    const environ = await environOf(port, { path: '/caf%C3%A9/a%2Fb?q=%C3%A9&x=a+b' });
    expect(environ.PATH_INFO).toBe('/caf\u00c3\u00a9/a/b');
    expect(environ.QUERY_STRING).toBe('q=%C3%A9&x=a+b');
    expect(environ.REQUEST_URI).toBe('/caf%C3%A9/a%2Fb?q=%C3%A9&x=a+b');
  });

  it('N-30, N-31: each header becomes HTTP_*, Content-Type and Content-Length lose the prefix', async () => {
    const { port } = await start(environEcho);
    const environ = await environOf(port, { method: 'POST', headers: { 'Content-Type': 'text/plain', 'X-Request-Id': 'abc' }, body: 'hello' });
    expect(environ).toMatchObject({ CONTENT_TYPE: 'text/plain', CONTENT_LENGTH: '5', HTTP_X_REQUEST_ID: 'abc' });
    expect(environ).not.toHaveProperty('HTTP_CONTENT_TYPE');
    expect(environ).not.toHaveProperty('HTTP_CONTENT_LENGTH');
  });

  it('D-N14: repeated headers join with ",", Cookie with "; " (from rawHeaders, not req.headers)', async () => {
    const { port } = await start(environEcho);
    const response = await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\nX-Tag: a\r\nX-Tag: b\r\nCookie: a=1\r\nCookie: b=2\r\nUser-Agent: one\r\nConnection: close\r\n\r\n');
    const [parsed] = parseResponses(response);
    const environ = JSON.parse(parsed!.body.toString('latin1')) as Record<string, string>;
    expect(environ.HTTP_X_TAG).toBe('a,b');
    expect(environ.HTTP_COOKIE).toBe('a=1; b=2');
  });

  it('D-N14: a repeat in another case, or apart from the first, still joins; a request after it starts afresh', async () => {
    const { port } = await start(environEcho);
    const response = await raw(
      port,
      'GET / HTTP/1.1\r\nX-Tag: a\r\nHost: x\r\nAccept: */*\r\nx-tag: b\r\nX-TAG: c\r\n\r\n' +
        'GET / HTTP/1.1\r\nHost: y\r\nX-Tag: d\r\nConnection: close\r\n\r\n',
    );
    const [first, second] = parseResponses(response).map((r) => JSON.parse(r.body.toString('latin1')) as Record<string, string>);
    expect(first).toMatchObject({ HTTP_X_TAG: 'a,b,c', HTTP_HOST: 'x', HTTP_ACCEPT: '*/*' });
    expect(second).toMatchObject({ HTTP_X_TAG: 'd', HTTP_HOST: 'y' });
  });

  it('D-N14, C-21: a header whose name holds "_" is dropped, unless allowed', async () => {
    const spoof = 'GET / HTTP/1.1\r\nHost: x\r\nX-Auth-User: real\r\nX_Auth_User: admin\r\nConnection: close\r\n\r\n';
    const { port } = await start(environEcho);
    const [dropped] = parseResponses(await raw(port, spoof));
    expect(JSON.parse(dropped!.body.toString('latin1'))).toMatchObject({ HTTP_X_AUTH_USER: 'real' });
    const allowed = await start(environEcho, { allowUnderscoreHeaders: true });
    const [kept] = parseResponses(await raw(allowed.port, spoof));
    expect(JSON.parse(kept!.body.toString('latin1'))).toMatchObject({ HTTP_X_AUTH_USER: 'real,admin' });
  });

  it('C-7: header bytes above 0x7F arrive as their latin-1 view', async () => {
    const { port } = await start(environEcho);
    const response = await raw(port, Buffer.concat([bytes('GET / HTTP/1.1\r\nHost: x\r\nX-Name: caf'), Buffer.from('é', 'utf8'), bytes('\r\nConnection: close\r\n\r\n')]));
    const [parsed] = parseResponses(response);
    expect(JSON.parse(parsed!.body.toString('latin1')).HTTP_X_NAME).toBe('caf\u00c3\u00a9');
  });

  it('SCRIPT_NAME comes from the mount; requests outside it get 404', async () => {
    const { port } = await start(environEcho, { scriptName: '/app' });
    expect(await environOf(port, { path: '/app/x' })).toMatchObject({ SCRIPT_NAME: '/app', PATH_INFO: '/x' });
    expect(await environOf(port, { path: '/app' })).toMatchObject({ SCRIPT_NAME: '/app', PATH_INFO: '' });
    expect((await request(port, { path: '/application' })).status).toBe(404);
    expect((await request(port, { path: '/' })).status).toBe(404);
  });

  it('RFC 9112 §3.2.2: an absolute-form target gives the path, and its authority replaces Host', async () => {
    const { port } = await start(environEcho);
    const [parsed] = parseResponses(await raw(port, 'GET http://example.org:8080/p?q HTTP/1.1\r\nHost: other\r\nConnection: close\r\n\r\n'));
    expect(JSON.parse(parsed!.body.toString('latin1'))).toMatchObject({ PATH_INFO: '/p', QUERY_STRING: 'q', HTTP_HOST: 'example.org:8080' });
  });

  it('N-29: deployer keys are added to every environ', async () => {
    const { port } = await start(environEcho, { environ: { 'myapp.config': 'prod' } });
    expect(await environOf(port)).toMatchObject({ 'myapp.config': 'prod' });
  });

  it('N-16, N-23: HTTPS gives wsgi.url_scheme https, HTTPS=on and SSL_PROTOCOL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsgi-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    const { port, server } = await start(environEcho, { cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) });
    expect(server.url).toMatch(/^https:/);
    const environ = await environOf(port, { https: true });
    expect(environ).toMatchObject({ 'wsgi.url_scheme': 'https', HTTPS: 'on' });
    expect(environ.SSL_PROTOCOL).toMatch(/^TLS/);
  });
});

describe('request bodies (§8, D-N11, D-N23)', () => {
  const echo: NativeApp = async (environ, startResponse) => {
    const body = await environ['wsgi.input'].read();
    startResponse('200 OK', ok);
    return [bytes(`${body.byteLength}:${String(environ.CONTENT_LENGTH)}:${Buffer.from(body).toString('latin1')}`)];
  };

  it('N-37: a body with Content-Length is read exactly', async () => {
    const { port } = await start(echo);
    expect((await request(port, { method: 'POST', body: 'hello' })).body.toString()).toBe('5:5:hello');
  });

  it('N-113, D-N11: a chunked upload is de-chunked, with no CONTENT_LENGTH and a terminated input', async () => {
    const { port } = await start(echo);
    async function* chunks() {
      yield bytes('one ');
      await new Promise((r) => setTimeout(r, 10));
      yield bytes('two');
    }
    expect((await request(port, { method: 'POST', body: chunks() })).body.toString()).toBe('7:undefined:one two');
  });

  it('wsgi.input streams from the socket: the app sees the first chunk before the last was sent', async () => {
    let firstChunkAt = 0;
    const app: NativeApp = async (environ, startResponse) => {
      const first = await environ['wsgi.input'].read(5);
      firstChunkAt = Date.now();
      const rest = await environ['wsgi.input'].read();
      startResponse('200 OK', ok);
      return [first, rest];
    };
    const { port } = await start(app);
    let lastSentAt = 0;
    async function* slowUpload() {
      yield bytes('first');
      await new Promise((r) => setTimeout(r, 200));
      lastSentAt = Date.now();
      yield bytes(' last');
    }
    const response = await request(port, { method: 'POST', body: slowUpload() });
    expect(response.body.toString()).toBe('first last');
    expect(firstChunkAt).toBeLessThan(lastSentAt);
  });

  it('413: a declared body over maxBodySize is refused before the app runs', async () => {
    let ran = false;
    const { port, log } = await start(() => {
      ran = true;
      return [];
    }, { maxBodySize: 10 });
    const [parsed] = parseResponses(await raw(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n'));
    expect(parsed!.status).toBe(413);
    expect(header(parsed!, 'connection')).toBe('close');
    expect(ran).toBe(false);
    expect(log.join('')).toContain('maxBodySize');
  });

  it('413: a chunked upload that grows past maxBodySize fails the read, and the client gets 413', async () => {
    const { port } = await start(echo, { maxBodySize: 10 });
    const response = await request(port, { method: 'POST', body: (async function* () { yield bytes('0123456789'); yield bytes('x'); })() });
    expect(response.status).toBe(413);
  });

  it('400: a body shorter than its Content-Length (the client hung up half-way) is a request error', async () => {
    let seen: unknown;
    const app: NativeApp = async (environ, startResponse) => {
      try {
        await environ['wsgi.input'].read();
      } catch (error) {
        seen = error;
        throw error;
      }
      startResponse('200 OK', ok);
      return [];
    };
    const { port } = await start(app);
    await raw(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly this', 200);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toBeInstanceOf(Error);
  });

  it('N-118, D-N23: Expect: 100-continue gets 100 Continue when the app reads the body', async () => {
    const { port } = await start(echo);
    const response = await raw(port, ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n', 'hello'], 300);
    const parsed = parseResponses(response);
    expect(parsed.map((r) => r.status)).toEqual([100, 200]);
    expect(parsed[1]!.body.toString()).toBe('5:5:hello');
  });

  it('D-N23: an app that answers without reading gets no 100 Continue sent, and the connection closes', async () => {
    const { port } = await start((_e, startResponse) => {
      startResponse('403 Forbidden', ok);
      return [bytes('no')];
    });
    const parsed = parseResponses(await raw(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n'));
    expect(parsed.map((r) => r.status)).toEqual([403]);
    expect(header(parsed[0]!, 'connection')).toBe('close');
  });

  it('an unread small body is drained and the connection serves the next request', async () => {
    const { port } = await start((_e, startResponse) => {
      startResponse('200 OK', ok);
      return [bytes('ok')];
    });
    const two = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
    const parsed = parseResponses(await raw(port, two));
    expect(parsed.map((r) => r.status)).toEqual([200, 200]);
    expect(header(parsed[0]!, 'connection')).not.toBe('close');
  });

  it('an unread body above drainLimit is not read: the response says Connection: close', async () => {
    const { port } = await start((_e, startResponse) => {
      startResponse('200 OK', ok);
      return [bytes('ok')];
    }, { drainLimit: 4 });
    const parsed = parseResponses(await raw(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\nxx'));
    expect(parsed[0]!.status).toBe(200);
    expect(header(parsed[0]!, 'connection')).toBe('close');
  });
});

describe('malformed requests get a 4xx and close (DESIGN "Reliability rules")', () => {
  const hello: NativeApp = (_e, startResponse) => {
    startResponse('200 OK', ok);
    return [bytes('hello')];
  };
  const cases: Array<[string, string, number, RegExp]> = [
    ['both Content-Length and Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n', 400, /RFC 9112 §6\.1/],
    ['two Content-Length headers', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello', 400, /RFC 9112 §6\.3/],
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n', 400, /obs-fold/],
    ['a malformed request line', 'GARBAGE\r\n\r\n', 400, /request line/],
    ['raw non-ASCII in the target', 'GET /caf\u00e9 HTTP/1.1\r\nHost: x\r\n\r\n', 400, /C-7/],
  ];
  for (const [what, request, status, cause] of cases) {
    it(`${status} for ${what}, with the cause logged`, async () => {
      const { port, log } = await start(hello);
      const [parsed] = parseResponses(await raw(port, request));
      expect(parsed!.status).toBe(status);
      expect(header(parsed!, 'connection')).toBe('close');
      expect(log.join('')).toMatch(cause);
    });
  }

  it('431 for a request head over maxHeaderSize', async () => {
    const { port, log } = await start(hello, { maxHeaderSize: 1024 });
    const [parsed] = parseResponses(await raw(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(2000)}\r\n\r\n`));
    expect(parsed!.status).toBe(431);
    expect(log.join('')).toContain('maxHeaderSize');
  });

  it('431 for more header fields than maxHeaderCount; exactly the limit is fine', async () => {
    const { port } = await start(hello, { maxHeaderCount: 5 });
    const fields = (n: number) => Array.from({ length: n }, (_, i) => `X-${i}: v\r\n`).join('');
    const [over] = parseResponses(await raw(port, `GET / HTTP/1.1\r\nHost: x\r\n${fields(5)}\r\n`));
    expect(over!.status).toBe(431);
    const [atLimit] = parseResponses(await raw(port, `GET / HTTP/1.1\r\nHost: x\r\n${fields(3)}Connection: close\r\n\r\n`));
    expect(atLimit!.status).toBe(200);
  });

  it('408 for a client that sends its head too slowly', async () => {
    const { port, log } = await start(hello, { headerTimeout: 300 });
    const started = Date.now();
    const response = await raw(port, ['GET / HTTP/1.1\r\n', 'Host: x\r\n'], 2000);
    expect(response.toString('latin1')).toMatch(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(log.join('')).toContain('headerTimeout');
  });
});

describe('responses (N-64, N-97, D-N22, N-101…N-103)', () => {
  const twoChunks: NativeApp = (_e, startResponse) => {
    startResponse('200 OK', ok);
    return [bytes('ab'), bytes('cd')];
  };

  it('N-97: without a length, HTTP/1.1 gets chunked framing and keeps the connection', async () => {
    const { port } = await start(twoChunks);
    const parsed = parseResponses(await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    expect(parsed.map((r) => [r.framing, r.body.toString(), r.complete])).toEqual([['chunked', 'abcd', true], ['chunked', 'abcd', true]]);
  });

  it('N-95, D-N22: without a length, HTTP/1.0 gets a close-delimited body', async () => {
    const { port } = await start(twoChunks);
    const [parsed] = parseResponses(await raw(port, 'GET / HTTP/1.0\r\n\r\n'));
    expect(parsed!.framing).toBe('close');
    expect(parsed!.body.toString()).toBe('abcd');
  });

  it('N-96: a one-element Array gets Content-Length', async () => {
    const { port } = await start((_e, startResponse) => (startResponse('200 OK', ok), [bytes('hello')]));
    const response = await request(port);
    expect(response.headers['content-length']).toBe('5');
  });

  it('N-60: the gateway adds Date', async () => {
    const { port } = await start(twoChunks);
    expect((await request(port)).headers.date).toMatch(/GMT$/);
  });

  it('keep-alive and pipelining: three requests written at once are answered in order', async () => {
    const counter = (() => {
      let n = 0;
      return ((environ: Environ, startResponse: Parameters<NativeApp>[1]) => {
        startResponse('200 OK', ok);
        return [bytes(`${++n}:${environ.PATH_INFO ?? ''}`)];
      }) as NativeApp;
    })();
    const { port } = await start(counter);
    const three = ['/a', '/b', '/c'].map((p, i) => `GET ${p} HTTP/1.1\r\nHost: x\r\n${i === 2 ? 'Connection: close\r\n' : ''}\r\n`).join('');
    expect(parseResponses(await raw(port, three)).map((r) => r.body.toString())).toEqual(['1:/a', '2:/b', '3:/c']);
  });

  it('N-101, N-103: HEAD gets the headers without a body, no chunking and no invented length', async () => {
    const { port } = await start(twoChunks);
    const parsed = parseResponses(await raw(port, 'HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), new Set([0]));
    expect(parsed[0]!.status).toBe(200);
    expect(header(parsed[0]!, 'transfer-encoding')).toBeUndefined();
    expect(header(parsed[0]!, 'content-length')).toBeUndefined();
    expect(parsed[1]!.body.toString()).toBe('abcd');
  });

  it('N-100: 204 and 304 carry no body on the wire', async () => {
    const { port } = await start((environ, startResponse) => {
      startResponse(environ.PATH_INFO === '/204' ? '204 No Content' : '304 Not Modified', []);
      return [bytes('ignored')];
    });
    const parsed = parseResponses(await raw(port, 'GET /204 HTTP/1.1\r\nHost: x\r\n\r\nGET /304 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    expect(parsed.map((r) => [r.status, r.body.length])).toEqual([[204, 0], [304, 0]]);
  });

  it('D-N24: an app failing before output gets 500 and the connection stays usable', async () => {
    const { port, log } = await start(() => {
      throw new Error('boom');
    });
    const parsed = parseResponses(await raw(port, 'GET /fail HTTP/1.1\r\nHost: x\r\n\r\nGET /fail HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    expect(parsed.map((r) => r.status)).toEqual([500, 500]);
    expect(log.join('')).toContain('boom');
  });

  it('N-76: an app failing after output cuts a chunked response: no final chunk', async () => {
    const { port } = await start((_e, startResponse) => {
      startResponse('200 OK', ok);
      return (function* () {
        yield bytes('partial');
        throw new Error('late failure');
      })();
    });
    const [parsed] = parseResponses(await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(parsed!.status).toBe(200);
    expect(parsed!.complete).toBe(false);
    expect(parsed!.body.toString()).toBe('partial');
    const viaClient = await request(port);
    expect(viaClient.complete).toBe(false);
  });

  it('N-94: a body short of its Content-Length is cut, and the client notices', async () => {
    const { port } = await start((_e, startResponse) => {
      startResponse('200 OK', [['Content-Length', '100']]);
      return [bytes('short')];
    });
    const response = await request(port);
    expect(response.complete).toBe(false);
  });
});

describe('the client going away (N-88, N-89)', () => {
  it('N-88, N-89: a disconnect mid-body causes return() and close() once, and is logged as no app error', async () => {
    let closed = 0;
    let finallyRan = false;
    let sent = 0;
    const { port, log } = await start((_e, startResponse) => {
      startResponse('200 OK', ok);
      return Object.assign(
        (async function* () {
          try {
            for (;;) {
              sent++;
              yield Buffer.alloc(64 * 1024, 120);
              await new Promise((r) => setTimeout(r, 5));
            }
          } finally {
            finallyRan = true;
          }
        })(),
        { close: () => void closed++ },
      );
    });
    await new Promise<void>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
    });
    for (let i = 0; i < 100 && closed === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(1);
    expect(finallyRan).toBe(true);
    const before = sent;
    await new Promise((r) => setTimeout(r, 50));
    expect(sent).toBe(before);
    expect(log.join('')).not.toContain('application error');
  });
});

describe('graceful close and the access log', () => {
  it('close() lets a request in flight finish, refuses new connections, then resolves', async () => {
    const app: NativeApp = async (_e, startResponse) => {
      await new Promise((r) => setTimeout(r, 300));
      startResponse('200 OK', ok);
      return [bytes('done')];
    };
    const { port, server } = await start(app);
    const inFlight = request(port);
    await new Promise((r) => setTimeout(r, 50));
    const closed = server.close();
    await new Promise((r) => setTimeout(r, 20));
    await expect(request(port)).rejects.toThrow(/ECONNREFUSED/);
    const response = await inFlight;
    expect(response.body.toString()).toBe('done');
    expect(response.headers.connection).toBe('close');
    await closed;
  });

  it('close() ends idle keep-alive connections at once', async () => {
    const { port, server } = await start((_e, startResponse) => (startResponse('200 OK', ok), [bytes('x')]));
    const agent = new http.Agent({ keepAlive: true });
    await request(port, { agent });
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1000);
    agent.destroy();
  });

  it('the access log writes one Combined Log Format line per request', async () => {
    const lines: string[] = [];
    const sink = { write: (s: string) => lines.push(s) } as unknown as NodeJS.WritableStream;
    const { port } = await start((_e, startResponse) => (startResponse('200 OK', ok), [bytes('hello')]), { accessLog: sink });
    await request(port, { path: '/p?q=1', headers: { Referer: 'http://r/', 'User-Agent': 'tester "x"' } });
    await new Promise((r) => setTimeout(r, 20));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "GET \/p\?q=1 HTTP\/1\.1" 200 5 "http:\/\/r\/" "tester \\"x\\""\n$/);
  });
});

describe('server conformance on the wire (VALIDATOR.md §4)', () => {
  /** Reads a raw socket, noting when each piece arrived. */
  function timedRaw(port: number, data: string): Promise<Array<{ at: number; text: string }>> {
    return new Promise((resolve) => {
      const pieces: Array<{ at: number; text: string }> = [];
      const socket = net.connect(port, '127.0.0.1', () => socket.write(data));
      socket.on('data', (c: Buffer) => pieces.push({ at: Date.now(), text: c.toString('latin1') }));
      socket.on('close', () => resolve(pieces));
      socket.on('error', () => resolve(pieces));
    });
  }

  it('V-103 (N-64): nothing reaches the socket before the first non-empty chunk', async () => {
    let chunkAt = 0;
    const { port } = await start((_e, startResponse) => {
      startResponse('200 OK', ok);
      return (async function* () {
        yield new Uint8Array(0);
        await new Promise((r) => setTimeout(r, 150));
        chunkAt = Date.now();
        yield bytes('first');
      })();
    });
    const pieces = await timedRaw(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(pieces[0]!.at).toBeGreaterThanOrEqual(chunkAt);
    expect(pieces[0]!.text).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('V-104 (N-85, N-107): a yielded chunk is on the wire while the app prepares the next', async () => {
    let secondAt = 0;
    const { port } = await start((_e, startResponse) => {
      startResponse('200 OK', ok);
      return (async function* () {
        yield bytes('early');
        await new Promise((r) => setTimeout(r, 200));
        secondAt = Date.now();
        yield bytes('late');
      })();
    });
    const pieces = await timedRaw(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const early = pieces.find((p) => p.text.includes('early'));
    expect(early!.at).toBeLessThan(secondAt);
  });

  it('V-105 (N-93, N-94): never more than Content-Length on the wire; an underrun leaves the response incomplete', async () => {
    const { port } = await start((environ, startResponse) => {
      startResponse('200 OK', [['Content-Length', '5']]);
      return environ.PATH_INFO === '/over' ? [bytes('Hello World')] : [bytes('Hel')];
    });
    const [over] = parseResponses(await raw(port, 'GET /over HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    expect(over!.body.toString()).toBe('Hello');
    const wire = await raw(port, 'GET /under HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(parseResponses(wire)[0]!.complete).toBe(false);
  });

  it('V-106 (N-100, N-103): no body, chunking or invented length for HEAD, nor a body for 204/304', async () => {
    const { port } = await start((environ, startResponse) => {
      const code = environ.PATH_INFO === '/204' ? '204 No Content' : environ.PATH_INFO === '/304' ? '304 Not Modified' : '200 OK';
      startResponse(code, ok);
      return [bytes('body'), bytes('more')];
    });
    const wire = await raw(port, 'HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET /204 HTTP/1.1\r\nHost: x\r\n\r\nGET /304 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const text = wire.toString('latin1');
    expect(text).not.toContain('body');
    expect(text.toLowerCase()).not.toContain('transfer-encoding');
    expect(text.toLowerCase()).not.toContain('content-length');
    expect(parseResponses(wire, new Set([0])).map((r) => r.status)).toEqual([200, 204, 304]);
  });

  it('V-107 (N-88): close() runs exactly once after a normal end, an app error and a disconnect', async () => {
    const closes: Record<string, number> = { normal: 0, error: 0, gone: 0 };
    const { port } = await start((environ, startResponse) => {
      const which = (environ.PATH_INFO ?? '/').slice(1);
      startResponse('200 OK', ok);
      const body = (async function* () {
        yield bytes('x'.repeat(100));
        if (which === 'error') throw new Error('fails mid-body');
        if (which === 'gone') await new Promise((r) => setTimeout(r, 2000));
      })();
      return Object.assign(body, { close: () => void (closes[which] = (closes[which] ?? 0) + 1) });
    });
    await request(port, { path: '/normal' });
    await request(port, { path: '/error' });
    await new Promise<void>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/gone', agent: false }, (res) => res.once('data', () => (req.destroy(), resolve())));
    });
    for (let i = 0; i < 50 && closes.gone === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(closes).toEqual({ normal: 1, error: 1, gone: 1 });
  });

  it('V-108 (N-60): every response carries Date', async () => {
    const { port } = await start((_e, startResponse) => (startResponse('200 OK', ok), [bytes('x')]));
    const [parsed] = parseResponses(await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    expect(header(parsed!, 'date')).toMatch(/GMT$/);
  });

  it('V-109 (N-96): Content-Length is computed only for a one-element Array without write()', async () => {
    const { port } = await start((environ, startResponse) => {
      const write = startResponse('200 OK', ok);
      if (environ.PATH_INFO === '/array1') return [bytes('one')];
      if (environ.PATH_INFO === '/write') {
        void write(bytes('w'));
        return [bytes('one')];
      }
      return (function* () {
        yield bytes('gen');
      })();
    });
    const wire = await raw(port, ['/array1', '/write', '/gen'].map((p, i) => `GET ${p} HTTP/1.1\r\nHost: x\r\n${i === 2 ? 'Connection: close\r\n' : ''}\r\n`).join(''));
    expect(parseResponses(wire).map((r) => header(r, 'content-length') ?? r.framing)).toEqual(['3', 'chunked', 'chunked']);
  });

  it('V-110 (N-118): Expect: 100-continue never stalls: a final response or a 100 comes', async () => {
    const { port } = await start((_e, startResponse) => (startResponse('200 OK', ok), [bytes('x')]));
    const started = Date.now();
    const wire = await raw(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n', 200);
    expect(parseResponses(wire)[0]!.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('V-111 (N-62): a hop-by-hop header from the app never reaches the wire; the client gets 500', async () => {
    const { port } = await start((_e, startResponse) => (startResponse('200 OK', [['Connection', 'upgrade'], ['Upgrade', 'websocket']]), [bytes('x')]));
    const wire = await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(wire.toString('latin1').toLowerCase()).not.toContain('upgrade');
    expect(parseResponses(wire)[0]!.status).toBe(500);
  });

  it('V-112 (N-113, D-N11): a chunked body is decoded before the app reads it, with wsgi.input_terminated', async () => {
    const { port } = await start(async (environ, startResponse) => {
      const body = await environ['wsgi.input'].read();
      startResponse('200 OK', ok);
      return [bytes(`${String(environ['wsgi.input_terminated'])}:${String(environ.CONTENT_LENGTH)}:`), body];
    });
    const [parsed] = parseResponses(await raw(port, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n'));
    expect(parsed!.body.toString()).toBe('true:undefined:abcde');
  });
});

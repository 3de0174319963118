/**
 * The bytes flavour's rules (BYTES.md), each proved where it lives: the environ, web3.input,
 * the response forms, and the wire of a bytes app served over HTTP.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { buildBytesEnviron, callBytesApplication } from '../../src/bytes/testing';
import type { BytesApp, BytesEnviron, BytesHeaderList } from '../../src/bytes/types';
import { bytesToNativeEnviron, INPUT_TERMINATED, nativeToBytesEnviron, RAW_PATH_INFO, RAW_SCRIPT_NAME } from '../../src/codecs/environ';
import { toNativeApp } from '../../src/codecs/to-native-app';
import { HttpError } from '../../src/native/errors';
import { buildEnviron, callApplication } from '../../src/native/testing';
import { shiftPathInfo } from '../../src/native/util';
import { header, parseResponses, raw, request, start } from '../server/support/clients';

const b = (s: string) => Buffer.from(s, 'latin1');
const t = (u: Uint8Array | undefined) => (u === undefined ? undefined : Buffer.from(u).toString('latin1'));
const OK = b('200 OK');
const TEXT: [Uint8Array, Uint8Array] = [b('Content-Type'), b('text/plain')];

/** A bytes app answering with a JSON view of its environ: bytes as latin-1 text. */
const environEcho: BytesApp = (environ) => {
  const view: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(environ)) {
    view[key] = value instanceof Uint8Array ? `b:${t(value)}` : typeof value === 'object' && value !== null ? typeof value : value;
  }
  return [OK, [TEXT], [b(JSON.stringify(view))]];
};

async function bytesEnvironOverHttp(path: string, options: Parameters<typeof start>[1] = {}): Promise<Record<string, unknown>> {
  const { port } = await start(environEcho as never, { flavour: 'bytes', ...options });
  return JSON.parse((await request(port, { path })).body.toString('latin1')) as Record<string, unknown>;
}

describe('the bytes environ (B-2…B-13, B-32…B-37, B-40…B-43)', () => {
  it('B-2, B-3, B-13, B-34, B-35: web3.* keys; every CGI value bytes, SERVER_PORT included; keys strings', () => {
    const environ = buildBytesEnviron({ serverPort: 8080 });
    expect(Object.keys(environ).filter((k) => k.startsWith('wsgi.'))).toEqual([]);
    for (const key of ['web3.version', 'web3.url_scheme', 'web3.input', 'web3.errors', 'web3.multithread', 'web3.multiprocess', 'web3.run_once', 'web3.async']) {
      expect(environ, key).toHaveProperty([key]);
    }
    for (const [key, value] of Object.entries(environ)) if (!key.includes('.')) expect(value, key).toBeInstanceOf(Uint8Array);
    expect(t(environ.SERVER_PORT)).toBe('8080');
  });

  it('B-11: SCRIPT_NAME, PATH_INFO and QUERY_STRING are always present, empty when there is nothing', () => {
    const native = buildEnviron();
    delete native.SCRIPT_NAME;
    delete native.QUERY_STRING;
    native.PATH_INFO = '';
    const environ = nativeToBytesEnviron(native);
    expect([t(environ.SCRIPT_NAME), t(environ.PATH_INFO), t(environ.QUERY_STRING)]).toEqual(['', '', '']);
  });

  it('B-34: a bytes environ value that is a string is refused, naming the key', () => {
    const environ = buildBytesEnviron() as unknown as Record<string, unknown>;
    environ.PATH_INFO = '/text';
    expect(() => bytesToNativeEnviron(environ as unknown as BytesEnviron)).toThrow(/PATH_INFO must be a Uint8Array \(B-34\)/);
  });

  it('B-40: over HTTP, SCRIPT_NAME and PATH_INFO are the decoded bytes (%2F is /); QUERY_STRING is raw', async () => {
    const environ = await bytesEnvironOverHttp('/caf%C3%A9/a%2Fb?q=%C3%A9');
    expect(environ).toMatchObject({ PATH_INFO: 'b:/caf\u00c3\u00a9/a/b', QUERY_STRING: 'b:q=%C3%A9', SCRIPT_NAME: 'b:' });
  });

  it('B-12, B-41, D-B5: over HTTP, web3.script_name and web3.path_info are the raw forms, split at the mount', async () => {
    const environ = await bytesEnvironOverHttp('/app/caf%C3%A9/a%2Fb', { scriptName: '/app' });
    expect(environ).toMatchObject({ SCRIPT_NAME: 'b:/app', 'web3.script_name': 'b:/app', 'web3.path_info': 'b:/caf%C3%A9/a%2Fb' });
  });

  it('B-42: a path that no longer matches the request target gets no raw keys, never re-quoted ones', () => {
    const native = buildEnviron({ path: '/original' });
    native.PATH_INFO = '/rewritten';
    const environ = nativeToBytesEnviron(native);
    expect(environ).not.toHaveProperty(['web3.path_info']);
    expect(environ).not.toHaveProperty(['web3.script_name']);
  });

  it('B-43: shiftPathInfo moves the raw keys with the decoded ones, or drops them', () => {
    const native = bytesToNativeEnviron(nativeToBytesEnviron(buildEnviron({ path: '/a%2Fb/c%20d' })));
    expect([native[RAW_SCRIPT_NAME], native[RAW_PATH_INFO]]).toEqual(['', '/a%2Fb/c%20d']);
    expect(shiftPathInfo(native)).toBe('a');
    // The decoded path split at the slash that was %2F: the raw form cannot follow, so it goes.
    expect(native).not.toHaveProperty([RAW_PATH_INFO]);
    const plain = bytesToNativeEnviron(nativeToBytesEnviron(buildEnviron({ path: '/x/c%20d' })));
    shiftPathInfo(plain);
    expect([plain[RAW_SCRIPT_NAME], plain[RAW_PATH_INFO]]).toEqual(['/x', '/c%20d']);
  });

  it('B-32: over HTTP, the usual extra CGI variables are there, as bytes', async () => {
    expect(await bytesEnvironOverHttp('/')).toMatchObject({ REMOTE_ADDR: 'b:127.0.0.1', GATEWAY_INTERFACE: 'b:CGI/1.1' });
  });

  it('B-37: every extension key of a bytes environ from our gateway is lower-case, dotted and prefixed', async () => {
    const environ = await bytesEnvironOverHttp('/');
    for (const key of Object.keys(environ).filter((k) => k.includes('.'))) expect(key).toMatch(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/);
  });

  it('B-22: the environ is a plain object', () => {
    expect(Object.getPrototypeOf(buildBytesEnviron())).toBe(Object.prototype);
  });
});

describe('web3.input and web3.errors (B-7, B-8, B-38, B-39, D-B4)', () => {
  it('B-8, B-38, B-69: read() without a size returns the body up to CONTENT_LENGTH, then nothing', async () => {
    const environ = buildBytesEnviron({ method: 'POST', body: 'hello' });
    expect(t(await environ['web3.input'].read())).toBe('hello');
    expect((await environ['web3.input'].read()).byteLength).toBe(0);
  });

  it('B-7: readline(size) is supported', async () => {
    const environ = buildBytesEnviron({ method: 'POST', body: 'abcdef\nxyz' });
    expect(t(await environ['web3.input'].readline(3))).toBe('abc');
    expect(t(await environ['web3.input'].readline())).toBe('def\n');
  });

  it('B-8: without CONTENT_LENGTH (and without the streaming extension) the input is empty', async () => {
    const native = buildEnviron({ method: 'POST', body: 'hidden' });
    delete native.CONTENT_LENGTH;
    native['wsgi.input_terminated'] = false;
    const environ = nativeToBytesEnviron(native);
    const seen = await callApplication(toNativeApp(async (e) => [OK, [], [await e['web3.input'].read()]]), bytesToNativeEnviron(environ));
    expect(seen.body.byteLength).toBe(0);
  });

  it('D-B4: a chunked upload is read first, so the app sees CONTENT_LENGTH; past memoryLimit it goes through a temp file', async () => {
    const app: BytesApp = async (environ) => [OK, [], [b(`${t(environ.CONTENT_LENGTH)}:${(await environ['web3.input'].read()).byteLength}`)]];
    const upload = () => (async function* () {
      yield Buffer.alloc(3000, 97);
      yield Buffer.alloc(4000, 98);
    })();
    const small = await callApplication(toNativeApp(app), buildEnviron({ method: 'POST', body: upload() }));
    expect(Buffer.from(small.body).toString()).toBe('7000:7000');
    const spilled = await callApplication(toNativeApp(app, { memoryLimit: 1000 }), buildEnviron({ method: 'POST', body: upload() }));
    expect(Buffer.from(spilled.body).toString()).toBe('7000:7000');
  });

  it('D-B4: a chunked upload over maxBodySize gets 413', async () => {
    const app: BytesApp = () => [OK, [], []];
    const response = await callApplication(toNativeApp(app, { maxBodySize: 10 }), buildEnviron({ method: 'POST', body: (async function* () { yield Buffer.alloc(11); })() }), { errors: 'respond' });
    expect(response.code).toBe(413);
  });

  it('D-B4: chunkedBodies "stream" passes the body on as it arrives, marked tsgi.input_terminated', async () => {
    const app: BytesApp = async (environ) => [OK, [], [b(`${String(environ[INPUT_TERMINATED])}:${t(environ.CONTENT_LENGTH)}:${t(await environ['web3.input'].read())}`)]];
    const response = await callApplication(toNativeApp(app, { chunkedBodies: 'stream' }), buildEnviron({ method: 'POST', body: (async function* () { yield b('ab'); yield b('c'); })() }));
    expect(Buffer.from(response.body).toString()).toBe('true:undefined:abc');
  });

  it('B-39: web3.errors takes text', async () => {
    const environ = buildBytesEnviron();
    environ['web3.errors'].write('a line\n');
    expect(() => environ['web3.errors'].write(b('bytes') as unknown as string)).toThrow(TypeError);
  });

  it('B-53: Expect: 100-continue works for a bytes app reading web3.input', async () => {
    const app: BytesApp = async (environ) => [OK, [], [await environ['web3.input'].read()]];
    const { port } = await start(app as never, { flavour: 'bytes' });
    const parsed = parseResponses(await raw(port, ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n', 'hello'], 300));
    expect(parsed.map((r) => r.status)).toEqual([100, 200]);
    expect(parsed[1]!.body.toString()).toBe('hello');
  });
});

describe('calling the app and its response (B-14…B-31, B-47…B-62)', () => {
  it('B-16, B-19: the app is called once, with exactly one argument, the environ', async () => {
    const calls: unknown[][] = [];
    const app = ((...args: unknown[]) => {
      calls.push(args);
      return [OK, [], []];
    }) as unknown as BytesApp;
    const environ = buildBytesEnviron();
    await callBytesApplication(app, environ);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toEqual([environ]);
  });

  it('B-18: a bound method and a zero-arity function are served alike (no introspection)', async () => {
    class Site {
      body = b('bound');
      handle() {
        return [OK, [], [this.body]] as const;
      }
    }
    const site = new Site();
    const zero = function zeroArity() {
      return [OK, [], [b('zero')]];
    } as unknown as BytesApp;
    expect(t((await callBytesApplication(site.handle.bind(site) as unknown as BytesApp, buildBytesEnviron())).body)).toBe('bound');
    expect(t((await callBytesApplication(zero, buildBytesEnviron())).body)).toBe('zero');
  });

  it('B-15, B-61, D-B3: web3.async is true, and a returned Promise is accepted', async () => {
    expect(buildBytesEnviron()['web3.async']).toBe(true);
    const response = await callBytesApplication(async () => [OK, [], [b('later')]], buildBytesEnviron());
    expect(t(response.body)).toBe('later');
  });

  it('B-62: a poller is called until it answers', async () => {
    let calls = 0;
    const app = (() => () => (++calls < 4 ? null : [OK, [], [b('polled')]])) as unknown as BytesApp;
    expect(t((await callBytesApplication(app, buildBytesEnviron())).body)).toBe('polled');
    expect(calls).toBe(4);
  });

  it('B-62: a poller that never answers gets 503 after pollTimeout', async () => {
    const app = (() => () => null) as unknown as BytesApp;
    const error = await callBytesApplication(app, buildBytesEnviron(), { pollTimeout: 30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    const response = await callBytesApplication(app, buildBytesEnviron(), { pollTimeout: 30, errors: 'respond' });
    expect(response.code).toBe(503);
  });

  it('B-14, B-58, D-B8: no Content-Length is computed for a bytes app: a one-chunk body is chunked', async () => {
    const { port } = await start((() => [OK, [TEXT], [b('one chunk')]]) as never, { flavour: 'bytes' });
    const [parsed] = parseResponses(await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    expect(parsed!.framing).toBe('chunked');
    expect(header(parsed!, 'content-length')).toBeUndefined();
  });

  it('B-58: an app-given Content-Length is kept and enforced', async () => {
    const { port } = await start((() => [OK, [[b('Content-Length'), b('3')]], [b('abcdef')]]) as never, { flavour: 'bytes' });
    const [parsed] = parseResponses(await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    expect(parsed!.body.toString()).toBe('abc');
  });

  it('B-27, B-31, D-B7: nothing is sent before the first non-empty chunk, and each chunk goes at once', async () => {
    let firstAt = 0;
    let secondAt = 0;
    const app: BytesApp = () => [
      OK,
      [TEXT],
      (async function* () {
        yield new Uint8Array(0);
        await new Promise((r) => setTimeout(r, 120));
        firstAt = Date.now();
        yield b('first');
        await new Promise((r) => setTimeout(r, 120));
        secondAt = Date.now();
        yield b('second');
      })(),
    ];
    const { port } = await start(app as never, { flavour: 'bytes' });
    const pieces = await new Promise<Array<{ at: number; text: string }>>((resolve) => {
      const got: Array<{ at: number; text: string }> = [];
      const socket = net.connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      socket.on('data', (c: Buffer) => got.push({ at: Date.now(), text: c.toString('latin1') }));
      socket.on('close', () => resolve(got));
    });
    expect(pieces[0]!.at).toBeGreaterThanOrEqual(firstAt);
    expect(pieces.find((p) => p.text.includes('first'))!.at).toBeLessThan(secondAt);
  });

  it('B-28: body bytes pass untouched, every byte value and line ending', async () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const response = await callBytesApplication(() => [OK, [], [all, b('\r\n\n\r')]], buildBytesEnviron());
    expect(Buffer.from(response.body)).toEqual(Buffer.concat([all, b('\r\n\n\r')]));
  });

  it('B-30: nothing of the body is read but the iteration protocol and close()', async () => {
    const touched = new Set<PropertyKey>();
    const body = new Proxy(
      { *[Symbol.iterator]() { yield b('x'); }, close() {}, pipe() { throw new Error('must not be used'); } },
      { get: (target, key, receiver) => (touched.add(key), Reflect.get(target, key, receiver) as unknown) },
    );
    await callBytesApplication(() => [OK, [], body], buildBytesEnviron());
    expect(new Set([...touched].filter((k) => k !== 'then'))).toEqual(new Set(['close', Symbol.asyncIterator, Symbol.iterator]));
  });

  it('B-47, B-48: the server adds Date when the app gave none, and keeps an app\'s own (any case)', async () => {
    const { port } = await start(((environ: BytesEnviron) => {
      const headers: BytesHeaderList = [TEXT];
      if (t(environ.PATH_INFO) === '/own') headers.push([b('date'), b('Mon, 01 Jan 2024 00:00:00 GMT')]);
      return [OK, headers, [b('x')]];
    }) as never, { flavour: 'bytes' });
    expect((await request(port)).headers.date).toMatch(/GMT$/);
    expect((await request(port, { path: '/own' })).headers.date).toBe('Mon, 01 Jan 2024 00:00:00 GMT');
  });

  it('D-B6: the app\'s header array and its bytes are never changed', async () => {
    const headers: BytesHeaderList = [[b('Content-Length'), b('3')], TEXT];
    const copy = headers.map(([n, v]) => [Buffer.from(n), Buffer.from(v)]);
    await callBytesApplication(() => [b('204 No Content'), headers, []], buildBytesEnviron());
    expect(headers.map(([n, v]) => [Buffer.from(n), Buffer.from(v)])).toEqual(copy);
  });

  it('B-59, D-B10: an error before output gives 500; after output the connection is cut', async () => {
    const before = await callBytesApplication(() => { throw new Error('x'); }, buildBytesEnviron(), { errors: 'respond' });
    expect(before.code).toBe(500);
    const after = await callBytesApplication(() => [OK, [], (function* () { yield b('partial'); throw new Error('y'); })()], buildBytesEnviron(), { errors: 'respond' });
    expect(after.complete).toBe(false);
  });

  it('B-60: HEAD to a bytes app sends no body', async () => {
    const response = await callBytesApplication(() => [OK, [TEXT], [b('body')]], buildBytesEnviron({ method: 'HEAD' }));
    expect(response.framing).toBe('none');
    expect(response.body.byteLength).toBe(0);
  });
});

import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { NativeStringError } from '../../src/codecs/latin1';
import { ProtocolError } from '../../src/native/errors';
import { buildEnviron, callApplication } from '../../src/native/testing';
import type { NativeApp } from '../../src/native/types';

const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('buildEnviron', () => {
  it('N-17, N-21: fills every required CGI and wsgi.* key', () => {
    const environ = buildEnviron();
    for (const key of ['REQUEST_METHOD', 'SERVER_NAME', 'SERVER_PORT', 'SERVER_PROTOCOL', 'wsgi.version', 'wsgi.url_scheme', 'wsgi.input', 'wsgi.errors', 'wsgi.multithread', 'wsgi.multiprocess', 'wsgi.run_once']) {
      expect(environ, key).toHaveProperty([key]);
    }
    expect(environ).toMatchObject({ REQUEST_METHOD: 'GET', SCRIPT_NAME: '', PATH_INFO: '/', QUERY_STRING: '', SERVER_PORT: '80' });
    expect(environ['wsgi.version']).toEqual([1, 0]);
  });

  it('N-19, D-N1: the environ is a plain object', () => {
    expect(Object.getPrototypeOf(buildEnviron())).toBe(Object.prototype);
  });

  it('N-22: leaves out variables that have no value', () => {
    const environ = buildEnviron();
    for (const key of ['CONTENT_TYPE', 'CONTENT_LENGTH', 'REMOTE_USER', 'AUTH_TYPE', 'HTTPS']) expect(environ, key).not.toHaveProperty([key]);
  });

  it('N-23: provides the usual extra CGI variables', () => {
    expect(buildEnviron()).toMatchObject({ REMOTE_ADDR: '127.0.0.1', GATEWAY_INTERFACE: 'CGI/1.1', SERVER_SOFTWARE: expect.any(String) });
  });

  it('N-33: the wsgi.* flags are real booleans', () => {
    const environ = buildEnviron({ multithread: true });
    for (const key of ['wsgi.multithread', 'wsgi.multiprocess', 'wsgi.run_once', 'wsgi.input_terminated']) expect(typeof environ[key], key).toBe('boolean');
    expect(environ['wsgi.multithread']).toBe(true);
  });

  it('N-35: the input is always terminated, as on tsgi gateways', () => {
    expect(buildEnviron()['wsgi.input_terminated']).toBe(true);
    expect(buildEnviron({ body: 'x' })['wsgi.input_terminated']).toBe(true);
  });

  it('N-20: every CGI value is a string (SERVER_PORT included)', () => {
    const environ = buildEnviron({ serverPort: 8080 });
    for (const [key, value] of Object.entries(environ)) {
      if (!key.includes('.')) expect(typeof value, key).toBe('string');
    }
    expect(environ.SERVER_PORT).toBe('8080');
    expect(environ.HTTP_HOST).toBe('localhost:8080');
  });

  it('N-2, C-6: a text path is tunnelled as its UTF-8 bytes viewed as latin-1', () => {
    expect(buildEnviron({ path: '/café' }).PATH_INFO).toBe('/caf\u00c3\u00a9');
    expect(buildEnviron({ path: '/caf%C3%A9' }).PATH_INFO).toBe('/caf\u00c3\u00a9');
    expect(buildEnviron({ path: '/café' }).REQUEST_URI).toBe('/caf%C3%A9');
  });

  it('C-9: PATH_INFO is percent-decoded, QUERY_STRING is not', () => {
    const environ = buildEnviron({ path: '/a%2Fb?x=%41&y=é' });
    expect(environ.PATH_INFO).toBe('/a/b');
    expect(environ.QUERY_STRING).toBe('x=%41&y=%C3%A9');
  });

  it('forms a query from values, as UTF-8 form encoding', () => {
    expect(buildEnviron({ query: { q: 'a b', tag: ['x', 'é'] } }).QUERY_STRING).toBe('q=a+b&tag=x&tag=%C3%A9');
    expect(() => buildEnviron({ path: '/?a=1', query: 'b=2' })).toThrow(/not both/);
  });

  it('the script name is the mount point, tunnelled like the path', () => {
    const environ = buildEnviron({ scriptName: '/app', path: '/x' });
    expect(environ).toMatchObject({ SCRIPT_NAME: '/app', PATH_INFO: '/x', REQUEST_URI: '/app/x' });
    expect(() => buildEnviron({ scriptName: '/app/' })).toThrow(/must start with "\/" and not end with one/);
  });

  it('N-30, N-31: each header becomes one HTTP_* key; Content-Type and Content-Length lose the prefix', () => {
    const environ = buildEnviron({ headers: { 'Content-Type': 'text/plain', 'X-Trace': 'abc' } });
    expect(environ.CONTENT_TYPE).toBe('text/plain');
    expect(environ.HTTP_CONTENT_TYPE).toBeUndefined();
    expect(environ.HTTP_X_TRACE).toBe('abc');
  });

  it('D-N14: repeated headers join with ",", cookies with "; "', () => {
    const environ = buildEnviron({ headers: [['Accept', 'a'], ['accept', 'b'], ['Cookie', 'x=1'], ['Cookie', 'y=2']] });
    expect(environ.HTTP_ACCEPT).toBe('a,b');
    expect(environ.HTTP_COOKIE).toBe('x=1; y=2');
  });

  it('D-N14, C-21: a header name with "_" is refused with the reason', () => {
    expect(() => buildEnviron({ headers: { X_Auth_User: 'admin' } })).toThrow(/drop such headers/);
  });

  it('N-3: a header value outside latin-1 is refused, naming the character', () => {
    expect(() => buildEnviron({ headers: { 'X-Name': 'caf€' } })).toThrow(NativeStringError);
    expect(() => buildEnviron({ headers: { 'X-Name': 'caf€' } })).toThrow(/U\+20AC/);
  });

  it('a given Host replaces the default one', () => {
    expect(buildEnviron({ headers: { Host: 'example.org' } }).HTTP_HOST).toBe('example.org');
  });

  it('N-16: https sets the scheme, port 443 and HTTPS=on', () => {
    expect(buildEnviron({ scheme: 'https' })).toMatchObject({ 'wsgi.url_scheme': 'https', SERVER_PORT: '443', HTTPS: 'on' });
  });

  it('N-37: a text body is sent as UTF-8 with its byte length', async () => {
    const environ = buildEnviron({ method: 'POST', body: 'é' });
    expect(environ.CONTENT_LENGTH).toBe('2');
    expect(Buffer.from(await environ['wsgi.input'].read())).toEqual(bytes('é'));
  });

  it('D-N11: a streamed body has no Content-Length and a terminated input', async () => {
    const environ = buildEnviron({ method: 'POST', body: Readable.from([bytes('a'), bytes('b')]) });
    expect(environ.CONTENT_LENGTH).toBeUndefined();
    expect(environ['wsgi.input_terminated']).toBe(true);
    expect(Buffer.from(await environ['wsgi.input'].read()).toString()).toBe('ab');
  });
});

describe('callApplication (the seed\'s call_application, done right)', () => {
  const hello: NativeApp = (_e, start) => {
    start('200 OK', [['Content-Type', 'text/plain']]);
    return [bytes('Hello World\n')];
  };

  it('returns status, headers and the whole body', async () => {
    const response = await callApplication(hello, buildEnviron());
    expect(response.status).toBe('200 OK');
    expect(response.code).toBe(200);
    expect(response.headers).toEqual([['Content-Type', 'text/plain'], ['Content-Length', '12']]);
    expect(Buffer.from(response.body).toString()).toBe('Hello World\n');
    expect(response.complete).toBe(true);
  });

  it('awaits async apps and async bodies', async () => {
    const response = await callApplication(async (_e, start) => {
      await new Promise((r) => setTimeout(r, 1));
      start('200 OK', []);
      return (async function* () {
        yield bytes('a');
        yield bytes('b');
      })();
    }, buildEnviron());
    expect(Buffer.from(response.body).toString()).toBe('ab');
    expect(response.framing).toBe('chunked');
  });

  it('honours write()', async () => {
    const response = await callApplication((_e, start) => {
      const write = start('200 OK', []);
      void write(bytes('written '));
      return [bytes('yielded')];
    }, buildEnviron());
    expect(Buffer.from(response.body).toString()).toBe('written yielded');
  });

  it('always calls close(), also when the app fails mid-body', async () => {
    let closed = 0;
    const app: NativeApp = (_e, start) => {
      start('200 OK', []);
      return Object.assign(
        (function* () {
          yield bytes('x');
          throw new Error('broken');
        })(),
        { close: () => void closed++ },
      );
    };
    await expect(callApplication(app, buildEnviron())).rejects.toThrow('broken');
    const response = await callApplication(app, buildEnviron(), { errors: 'respond' });
    expect(response.complete).toBe(false);
    expect(closed).toBe(2);
  });

  it('by default rejects with the app\'s error; errors: "respond" gives the 500 a client would get', async () => {
    const failing: NativeApp = () => {
      throw new Error('nope');
    };
    await expect(callApplication(failing, buildEnviron())).rejects.toThrow('nope');
    const response = await callApplication(failing, buildEnviron(), { errors: 'respond' });
    expect(response.code).toBe(500);
    expect(response.errors).toContain('nope');
  });

  it('rejects with a ProtocolError naming the rule for bad output', async () => {
    const legacy = ((_e: unknown, start: (s: string, h: [string, string][]) => void) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      return ['Hello World\n'];
    }) as unknown as NativeApp;
    const error = await callApplication(legacy, buildEnviron()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).rule).toBe('N-9');
  });

  it('frames for HTTP/1.0 clients as a gateway would', async () => {
    const twoChunks: NativeApp = (_e, start) => (start('200 OK', []), [bytes('a'), bytes('b')]);
    expect((await callApplication(twoChunks, buildEnviron({ protocol: 'HTTP/1.0' }))).framing).toBe('close');
  });
});

import { describe, expect, it } from 'vitest';
import type { Environ } from '../../../src/native/types';
import { validator } from '../../../src/native/validate';
import { FakeErrors, FakeInput, FakeServer, helloApp, makeEnviron, OMIT, rulesOf, run } from './harness';

function rejectsWith(promise: Promise<unknown>, rule: string): Promise<void> {
  return expect(promise).rejects.toMatchObject({ name: 'ValidationError', rule });
}

/** Runs helloApp with environ overrides and returns the warning rule ids. */
async function warningsFor(overrides: Record<string, unknown>, profile: 'default' | 'wsgiref' = 'default'): Promise<string[]> {
  const { warnings } = await run(helloApp, { environ: makeEnviron(overrides), options: { profile } });
  return rulesOf(warnings);
}

function errorFor(overrides: Record<string, unknown>, rule: string, profile: 'default' | 'wsgiref' = 'default'): Promise<void> {
  return rejectsWith(run(helloApp, { environ: makeEnviron(overrides), options: { profile } }), rule);
}

describe('environ checks', () => {
  it('V-1: refuses a call with other than two arguments', () => {
    const validated = validator(helloApp) as (...args: unknown[]) => unknown;
    const server = new FakeServer();
    expect(() => validated(makeEnviron(), server.startResponse, 'extra')).toThrow(expect.objectContaining({ rule: 'V-1' }));
    expect(() => validated(makeEnviron())).toThrow(expect.objectContaining({ rule: 'V-1' }));
  });

  it('V-3: refuses an environ that is not a plain object', async () => {
    const server = new FakeServer();
    const call = (environ: unknown) => () => validator(helloApp)(environ as Environ, server.startResponse);
    expect(call(new Map())).toThrow(expect.objectContaining({ rule: 'V-3' }));
    expect(call(null)).toThrow(expect.objectContaining({ rule: 'V-3' }));
    expect(call(new Proxy(makeEnviron(), {}))).toThrow(expect.objectContaining({ rule: 'V-3' }));
    class EnvironClass {}
    expect(call(Object.assign(new EnvironClass(), makeEnviron()))).toThrow(expect.objectContaining({ rule: 'V-3' }));
  });

  it('V-3: refuses accessor properties but accepts a null-prototype object', async () => {
    const withGetter = makeEnviron();
    Object.defineProperty(withGetter, 'HTTP_HOST', { get: () => 'example.com', enumerable: true });
    await rejectsWith(run(helloApp, { environ: withGetter }), 'V-3');
    const bare = Object.assign(Object.create(null) as object, makeEnviron()) as Environ;
    await expect(run(helloApp, { environ: bare })).resolves.toMatchObject({ warnings: [] });
  });

  it('V-4: refuses an environ without a required key', async () => {
    await errorFor({ SERVER_NAME: OMIT }, 'V-4');
    await errorFor({ 'wsgi.run_once': OMIT }, 'V-4');
    // The default profile also requires the two keys wsgiref forgets.
    await errorFor({ SERVER_PROTOCOL: OMIT }, 'V-4');
    await errorFor({ 'wsgi.url_scheme': OMIT }, 'V-4');
  });

  it('V-4: the wsgiref profile fails a missing wsgi.url_scheme under V-9 (its KeyError)', async () => {
    await errorFor({ 'wsgi.url_scheme': OMIT }, 'V-9', 'wsgiref');
    expect(await warningsFor({ SERVER_PROTOCOL: OMIT }, 'wsgiref')).toEqual([]);
  });

  it('V-5: refuses HTTP_CONTENT_TYPE and HTTP_CONTENT_LENGTH', async () => {
    await errorFor({ HTTP_CONTENT_TYPE: 'text/plain' }, 'V-5');
    await errorFor({ HTTP_CONTENT_LENGTH: '3' }, 'V-5');
  });

  it('V-6: warns when QUERY_STRING is absent', async () => {
    expect(await warningsFor({ QUERY_STRING: OMIT })).toEqual(['V-6']);
  });

  it('V-7: refuses a CGI value that is not a string', async () => {
    await errorFor({ SERVER_PORT: 8080 }, 'V-7');
    await errorFor({ HTTP_HOST: undefined }, 'V-7');
    await errorFor({ REMOTE_ADDR: new String('127.0.0.1') }, 'V-7');
  });

  it('V-8: refuses a wsgi.version other than [1, 0]', async () => {
    await errorFor({ 'wsgi.version': '1.0' }, 'V-8');
    await errorFor({ 'wsgi.version': [1, 1] }, 'V-8');
    // wsgiref only asks for a tuple (here: an Array).
    expect(await warningsFor({ 'wsgi.version': [1, 1] }, 'wsgiref')).toEqual([]);
    await errorFor({ 'wsgi.version': '1.0' }, 'V-8', 'wsgiref');
  });

  it('V-9: refuses an unknown wsgi.url_scheme', async () => {
    await errorFor({ 'wsgi.url_scheme': 'ftp' }, 'V-9');
    await errorFor({ 'wsgi.url_scheme': 'HTTPS' }, 'V-9');
  });

  it('V-10: refuses a wsgi.input without the stream methods', async () => {
    const input = new FakeInput();
    await errorFor({ 'wsgi.input': { read: input.read.bind(input), readline: input.readline.bind(input) } }, 'V-10');
    const notIterable = { read: () => 0, readline: () => 0, readlines: () => 0 };
    await errorFor({ 'wsgi.input': notIterable }, 'V-10');
  });

  it('V-11: refuses a wsgi.errors without flush, write and writelines', async () => {
    const errors = new FakeErrors();
    await errorFor({ 'wsgi.errors': { write: errors.write.bind(errors), writelines: errors.writelines.bind(errors) } }, 'V-11');
    await errorFor({ 'wsgi.errors': process.stderr }, 'V-11');
  });

  it('V-12: warns about an unknown REQUEST_METHOD; CONNECT is known by default, not by wsgiref', async () => {
    expect(await warningsFor({ REQUEST_METHOD: 'PROPFIND' })).toEqual(['V-12']);
    expect(await warningsFor({ REQUEST_METHOD: 'CONNECT' })).toEqual([]);
    expect(await warningsFor({ REQUEST_METHOD: 'CONNECT' }, 'wsgiref')).toEqual(['V-12']);
  });

  it('V-13: refuses a SCRIPT_NAME that does not start with "/"', async () => {
    await errorFor({ SCRIPT_NAME: 'app' }, 'V-13');
  });

  it('V-14: refuses a PATH_INFO that does not start with "/"', async () => {
    await errorFor({ PATH_INFO: 'index.html' }, 'V-14');
    expect(await warningsFor({ PATH_INFO: '', SCRIPT_NAME: '/app' })).toEqual([]);
  });

  it('V-15: refuses a CONTENT_LENGTH that is not a decimal number', async () => {
    await errorFor({ CONTENT_LENGTH: '-1' }, 'V-15');
    await errorFor({ CONTENT_LENGTH: ' 12' }, 'V-15');
    await errorFor({ CONTENT_LENGTH: '1_000' }, 'V-15');
    // wsgiref uses int(): spaces and "_" pass, a negative number or a word does not.
    await errorFor({ CONTENT_LENGTH: '-1' }, 'V-15', 'wsgiref');
    await errorFor({ CONTENT_LENGTH: 'ten' }, 'V-15', 'wsgiref');
    expect(await warningsFor({ CONTENT_LENGTH: ' 1_0 ' }, 'wsgiref')).toEqual([]);
  });

  it('V-16: refuses an environ with neither SCRIPT_NAME nor PATH_INFO', async () => {
    await errorFor({ SCRIPT_NAME: '', PATH_INFO: OMIT }, 'V-16');
    expect(await warningsFor({ SCRIPT_NAME: '/app', PATH_INFO: OMIT })).toEqual([]);
  });

  it('V-17: refuses SCRIPT_NAME "/"', async () => {
    await errorFor({ SCRIPT_NAME: '/' }, 'V-17');
  });

  it('V-48: refuses a CGI value outside latin-1', async () => {
    await errorFor({ HTTP_X_NAME: 'caf\u00e9 \u20ac' }, 'V-48');
    expect(await warningsFor({ HTTP_X_NAME: 'caf\u00c3\u00a9' })).toEqual([]);
    // Not a wsgiref check.
    expect(await warningsFor({ HTTP_X_NAME: '\u20ac' }, 'wsgiref')).toEqual([]);
  });

  it('V-49: refuses an empty SERVER_NAME or a non-numeric SERVER_PORT, warns about SERVER_PROTOCOL', async () => {
    await errorFor({ SERVER_NAME: '' }, 'V-49');
    await errorFor({ SERVER_PORT: '' }, 'V-49');
    await errorFor({ SERVER_PORT: 'http' }, 'V-49');
    expect(await warningsFor({ SERVER_PROTOCOL: 'HTTP/1.1 ' })).toEqual(['V-49']);
    expect(await warningsFor({ SERVER_PROTOCOL: 'HTTP/2.0' })).toEqual([]);
  });

  it('V-58: refuses a REQUEST_METHOD that is not a token', async () => {
    await errorFor({ REQUEST_METHOD: 'GET /' }, 'V-58');
    await errorFor({ REQUEST_METHOD: '' }, 'V-58');
  });

  it('V-78: warns about non-boolean flags, refuses a wsgi.file_wrapper that is not a function', async () => {
    expect(await warningsFor({ 'wsgi.multithread': 1, 'wsgi.input_terminated': 'yes' })).toEqual(['V-78', 'V-78']);
    await errorFor({ 'wsgi.file_wrapper': {} }, 'V-78');
  });

  it('V-79: warns about an extension key that is not a lower-case dotted name', async () => {
    expect(await warningsFor({ 'MyServer.Socket': 1 })).toEqual(['V-79']);
    expect(await warningsFor({ 'myserver.socket': {} })).toEqual([]);
  });

  it('V-80: refuses an HTTP_ key with characters outside A-Z, 0-9 and _', async () => {
    await errorFor({ 'HTTP_X-FORWARDED-FOR': '10.0.0.1' }, 'V-80');
    await errorFor({ HTTP_host: 'example.com' }, 'V-80');
  });

  it('V-81: warns about a SCRIPT_NAME with a trailing slash', async () => {
    expect(await warningsFor({ SCRIPT_NAME: '/app/' })).toEqual(['V-81']);
  });
});

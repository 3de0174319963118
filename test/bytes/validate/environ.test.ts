import { describe, expect, it } from 'vitest';
import type { BytesEnviron } from '../../../src/bytes/types';
import { bytesValidator } from '../../../src/bytes/validate';
import { b, FakeBytesInput, FakeErrors, helloApp, makeBytesEnviron, OMIT, rulesOf, serve } from './harness';

function rejectsWith(promise: Promise<unknown>, rule: string): Promise<void> {
  return expect(promise).rejects.toMatchObject({ name: 'ValidationError', rule, flavour: 'bytes' });
}

function errorFor(overrides: Record<string, unknown>, rule: string): Promise<void> {
  return rejectsWith(serve(helloApp, { environ: makeBytesEnviron(overrides) }), rule);
}

async function warningsFor(overrides: Record<string, unknown>): Promise<string[]> {
  const { warnings } = await serve(helloApp, { environ: makeBytesEnviron(overrides) });
  return rulesOf(warnings);
}

/** The message of the ValidationError the environ overrides cause. */
async function messageFor(overrides: Record<string, unknown>): Promise<string> {
  const error = await serve(helloApp, { environ: makeBytesEnviron(overrides) }).catch((e: unknown) => e);
  return (error as Error).message;
}

describe('environ checks', () => {
  it('V-84: refuses a call with other than one argument, naming the missing startResponse', () => {
    const validated = bytesValidator(helloApp) as (...args: unknown[]) => unknown;
    expect(() => validated(makeBytesEnviron(), () => undefined)).toThrow(
      expect.objectContaining({ rule: 'V-84', flavour: 'bytes', message: expect.stringContaining('there is no startResponse in Web3') }),
    );
    expect(() => validated()).toThrow(expect.objectContaining({ rule: 'V-84' }));
  });

  it('V-85: refuses an environ that is not a plain object', () => {
    const call = (environ: unknown) => () => bytesValidator(helloApp)(environ as BytesEnviron);
    expect(call(null)).toThrow(expect.objectContaining({ rule: 'V-85' }));
    expect(call(new Map())).toThrow(expect.objectContaining({ rule: 'V-85' }));
    expect(call(new Proxy(makeBytesEnviron(), {}))).toThrow(expect.objectContaining({ rule: 'V-85' }));
    class EnvironClass {}
    expect(call(Object.assign(new EnvironClass(), makeBytesEnviron()))).toThrow(expect.objectContaining({ rule: 'V-85' }));
    const withGetter = makeBytesEnviron();
    Object.defineProperty(withGetter, 'HTTP_HOST', { get: () => b('x'), enumerable: true });
    expect(call(withGetter)).toThrow(expect.objectContaining({ rule: 'V-85' }));
    expect(call(Object.assign(makeBytesEnviron(), { [Symbol('key')]: b('x') }))).toThrow(expect.objectContaining({ rule: 'V-85' }));
  });

  it('V-85: refuses a CGI value that is not a Uint8Array, strings included, and accepts Buffers', async () => {
    await errorFor({ SERVER_PORT: '8080' }, 'V-85');
    await errorFor({ SERVER_PORT: 8080 }, 'V-85');
    await errorFor({ HTTP_ACCEPT: new Uint16Array(2) }, 'V-85');
    await errorFor({ REMOTE_ADDR: undefined }, 'V-85');
    expect(await messageFor({ PATH_INFO: '/a' })).toBe(
      'V-85: environ["PATH_INFO"] must be a Uint8Array, got the string "/a"; Web3 CGI values are bytes; encode it, e.g. Buffer.from("/a", "latin1")',
    );
    // Dotted keys may hold anything (B-37); Buffers and plain Uint8Arrays are both bytes.
    expect(await warningsFor({ 'myserver.config': 'text', HTTP_ACCEPT: new Uint8Array([0x2a]) })).toEqual([]);
    const bare = Object.assign(Object.create(null) as object, makeBytesEnviron()) as BytesEnviron;
    expect((await serve(helloApp, { environ: bare })).warnings).toEqual([]);
  });

  it('V-86: refuses an environ without a required key', async () => {
    for (const key of ['REQUEST_METHOD', 'QUERY_STRING', 'SCRIPT_NAME', 'SERVER_PROTOCOL', 'web3.version', 'web3.async', 'web3.run_once']) {
      await errorFor({ [key]: OMIT }, 'V-86');
    }
    expect(await messageFor({ QUERY_STRING: OMIT })).toBe(
      'V-86: environ lacks the required key "QUERY_STRING"; the server must set it, as b"" when the request has none',
    );
    // The raw path keys are optional (B-42).
    expect(await warningsFor({ 'web3.script_name': OMIT, 'web3.path_info': OMIT })).toEqual([]);
  });

  it('V-87: refuses a SERVER_PORT or CONTENT_LENGTH that is not ASCII digits', async () => {
    await errorFor({ SERVER_PORT: b('') }, 'V-87');
    await errorFor({ SERVER_PORT: b('80a') }, 'V-87');
    await errorFor({ CONTENT_LENGTH: b('-1') }, 'V-87');
    await errorFor({ CONTENT_LENGTH: b(' 3') }, 'V-87');
    expect(await messageFor({ SERVER_PORT: b('http') })).toBe(
      'V-87: SERVER_PORT b"http" is not ASCII digits; pass the port as bytes, e.g. b"8080"',
    );
    // An empty CONTENT_LENGTH means "no length", as in CGI.
    expect(await warningsFor({ CONTENT_LENGTH: b('') })).toEqual([]);
  });

  it('V-87: refuses a web3.version other than [1, 0] and a web3.url_scheme other than b"http"/b"https"', async () => {
    await errorFor({ 'web3.version': [1, 1] }, 'V-87');
    await errorFor({ 'web3.version': '1.0' }, 'V-87');
    await errorFor({ 'web3.url_scheme': 'http' }, 'V-87');
    await errorFor({ 'web3.url_scheme': b('ftp') }, 'V-87');
    expect(await warningsFor({ 'web3.url_scheme': b('https') })).toEqual([]);
  });

  it('V-88: refuses SCRIPT_NAME/PATH_INFO without a leading slash and SCRIPT_NAME b"/"', async () => {
    await errorFor({ SCRIPT_NAME: b('app'), 'web3.script_name': OMIT }, 'V-88');
    await errorFor({ PATH_INFO: b('x'), 'web3.path_info': OMIT }, 'V-88');
    await errorFor({ SCRIPT_NAME: b('/'), 'web3.script_name': OMIT }, 'V-88');
    expect(await warningsFor({ PATH_INFO: b(''), 'web3.path_info': b('') })).toEqual([]);
  });

  it('V-89: refuses raw path keys that are not bytes, not ASCII, or lack the leading slash', async () => {
    await errorFor({ 'web3.path_info': '/' }, 'V-89');
    await errorFor({ PATH_INFO: b('/a b'), 'web3.path_info': b('/a b') }, 'V-89');
    await errorFor({ PATH_INFO: b('/\xe9'), 'web3.path_info': b('/\xe9') }, 'V-89');
    // Without the slash both keys fail: the decoded one (V-88) and the raw one.
    const environ = makeBytesEnviron({ PATH_INFO: b('a'), 'web3.path_info': b('a') });
    const { warnings } = await serve(helloApp, { environ, options: { mode: 'warn' } });
    expect(rulesOf(warnings)).toEqual(['V-88', 'V-89']);
  });

  it('V-89: refuses raw path keys that do not percent-decode to SCRIPT_NAME/PATH_INFO', async () => {
    const ok = { SCRIPT_NAME: b('/a/b'), PATH_INFO: b('/c\xe9'), 'web3.script_name': b('/a%2Fb'), 'web3.path_info': b('/c%E9') };
    expect(await warningsFor(ok)).toEqual([]);
    await errorFor({ ...ok, PATH_INFO: b('/c%E9') }, 'V-89');
    // A raw split that differs from the decoded one: web3.path_info decodes to b"/c\xe9", not b"/b/c\xe9".
    await errorFor({ ...ok, SCRIPT_NAME: b('/a'), PATH_INFO: b('/b/c\xe9'), 'web3.script_name': b('/a') }, 'V-89');
    expect(await messageFor({ PATH_INFO: b('/x y'), 'web3.path_info': b('/x%20z') })).toBe(
      'V-89: web3.path_info b"/x%20z" percent-decodes to b"/x z", not to PATH_INFO b"/x y"; split the raw path where the decoded one ' +
        'is split, or omit the raw keys when they cannot be computed faithfully (B-42)',
    );
  });

  it('V-89: refuses raw path keys whose concatenation is not the path of REQUEST_URI', async () => {
    const mounted = { SCRIPT_NAME: b('/app'), PATH_INFO: b('/x'), 'web3.script_name': b('/app'), 'web3.path_info': b('/x') };
    expect(await warningsFor({ ...mounted, REQUEST_URI: b('/app/x?q=1') })).toEqual([]);
    expect(await warningsFor({ ...mounted, REQUEST_URI: b('http://example.com/app/x') })).toEqual([]);
    expect(await warningsFor({ ...mounted, REQUEST_URI: b('*') })).toEqual([]);
    await errorFor({ ...mounted, REQUEST_URI: b('/other/x') }, 'V-89');
  });

  it('V-90: warns about wsgi.* keys in a Web3 environ', async () => {
    expect(await warningsFor({ 'wsgi.input': new FakeBytesInput(), 'wsgi.version': [1, 0] })).toEqual(['V-90']);
  });

  it('V-91: refuses HTTP_CONTENT_TYPE and HTTP_CONTENT_LENGTH', async () => {
    await errorFor({ HTTP_CONTENT_TYPE: b('text/plain') }, 'V-91');
    await errorFor({ HTTP_CONTENT_LENGTH: b('3') }, 'V-91');
  });

  it('V-91: refuses web3.input and web3.errors without their methods', async () => {
    const input = new FakeBytesInput();
    await errorFor({ 'web3.input': { read: input.read.bind(input), readline: input.readline.bind(input), readlines: input.readlines.bind(input) } }, 'V-91');
    await errorFor({ 'web3.input': null }, 'V-91');
    const errors = new FakeErrors();
    await errorFor({ 'web3.errors': { write: errors.write.bind(errors), flush: errors.flush.bind(errors) } }, 'V-91');
  });
});

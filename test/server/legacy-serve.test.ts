/**
 * Issue 5, "done when": the legacy text app from examples/ runs unchanged under
 * `tsgi serve --flavour legacy` and answers correctly in Shift_JIS and in UTF-8, over real
 * sockets: in-process through `serve(app, { flavour: 'legacy' })`, and as the real `tsgi`
 * process. And legacy is never guessed: `--flavour auto` serves the same file as native,
 * where its text is refused (N-3, N-9).
 */
import { describe, expect, it } from 'vitest';
import { encodeText } from '../../src/codecs/text';
import type { NativeApp } from '../../src/native/types';
import greetings from '../../examples/legacy/greetings.mjs';
import { serveProcess, waitFor } from '../support/serve-process';
import { request, start } from './support/clients';

const EXAMPLE = 'examples/legacy/greetings.mjs';

/** The exact bytes each route must answer with: the text encoded in its declared charset. */
const JA = encodeText('こんにちは、世界\n', 'shift_jis');
const CAFE = Buffer.from('Bonjour du café\n', 'utf8');
const HELLO = Buffer.from('Hello, world\n', 'utf8');

/** The checks both ways of serving share: one request per route, the bytes and the headers. */
async function expectGreetings(port: number): Promise<void> {
  const ja = await request(port, { path: '/ja' });
  expect(ja.status).toBe(200);
  expect(ja.complete).toBe(true);
  expect(Buffer.compare(ja.body, JA), `Shift_JIS bytes, got ${ja.body.toString('hex')}`).toBe(0);
  expect(ja.headers['content-type']).toBe('text/plain; charset=Shift_JIS');
  // 9 characters, 17 bytes: the app's own Content-Length (characters) was corrected.
  expect(ja.headers['content-length']).toBe(String(JA.byteLength));
  expect(JA.byteLength).toBe(17);
  // The filename is no latin-1 text: RFC 8187 carries it, as UTF-8, after an ASCII fallback.
  expect(ja.headers['content-disposition']).toMatch(/^inline; filename="[ -~]*"; filename\*=UTF-8''%E3%81%93%E3%82%93/);

  const cafe = await request(port, { path: '/caf%C3%A9' });
  expect(cafe.status).toBe(200);
  expect(cafe.complete).toBe(true);
  expect(Buffer.compare(cafe.body, CAFE), `UTF-8 bytes, got ${cafe.body.toString('hex')}`).toBe(0);
  expect(cafe.headers['content-type']).toBe('text/plain; charset=utf-8');
  expect(cafe.headers['content-length']).toBe('17'); // 'Bonjour du café\n' is 16 characters
  expect(cafe.headers['content-disposition']).toBe(`inline; filename="Bonjour du cafe.txt"; filename*=UTF-8''Bonjour%20du%20caf%C3%A9.txt`);

  const hello = await request(port, { path: '/' });
  expect(hello.status).toBe(200);
  expect(Buffer.compare(hello.body, HELLO)).toBe(0);
  expect(hello.headers['content-length']).toBe(String(HELLO.byteLength));

  // A route the app does not know: its own 404, text/plain without a charset, gets one added.
  const missing = await request(port, { path: '/nope' });
  expect(missing.status).toBe(404);
  expect(missing.body.toString('utf8')).toBe('No greeting at /nope\n');
  expect(missing.headers['content-type']).toBe('text/plain; charset=utf-8');
}

describe("serve(app, { flavour: 'legacy' }) over a socket", () => {
  it('C-6, C-28, C-31, C-37: greetings answers /ja in Shift_JIS and /café in UTF-8, with byte Content-Lengths', async () => {
    const { port, log } = await start(greetings as unknown as NativeApp, { flavour: 'legacy' });
    await expectGreetings(port);
    expect(log.join('')).toBe('');
  });

  it('C-16: a path that is not UTF-8 gets 400 under the default strict decoding; the app never sees it', async () => {
    const { port } = await start(greetings as unknown as NativeApp, { flavour: 'legacy' });
    const response = await request(port, { path: '/caf%E9' });
    expect(response.status).toBe(400);
  });
});

describe('tsgi serve --flavour legacy (a real process)', () => {
  it('C-6, C-28, C-31, C-37: the example runs unchanged and answers in Shift_JIS and UTF-8 with the right bytes, charset and length', async () => {
    const server = await serveProcess([EXAMPLE, '--flavour', 'legacy', '--port', '0']);
    expect(server.stderr()).toContain('(legacy)');
    await expectGreetings(server.port);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    // Nothing went wrong on the way: no error lines besides serving and stopping.
    expect(server.stderr().split('\n').filter((l) => l !== '' && !/serving|SIGTERM/.test(l))).toEqual([]);
  });

  it('C-6, C-16: --url-charset and --charset reach the adapter: a Shift_JIS path is read as text, the 404 text goes out in Shift_JIS', async () => {
    const server = await serveProcess([EXAMPLE, '--flavour', 'legacy', '--url-charset', 'shift_jis', '--charset', 'shift_jis', '--port', '0']);
    // %93%FA%96%7B is 日本 in Shift_JIS; the app echoes the path it saw in its 404.
    const response = await request(server.port, { path: '/%93%FA%96%7B' });
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('text/plain; charset=shift_jis');
    const expected = encodeText('No greeting at /日本\n', 'shift_jis');
    expect(Buffer.compare(response.body, expected), response.body.toString('hex')).toBe(0);
    expect(response.headers['content-length']).toBe(String(expected.byteLength));
    // Declared charsets still win: /ja is Shift_JIS as before.
    expect(Buffer.compare((await request(server.port, { path: '/ja' })).body, JA)).toBe(0);
  });
});

describe('tsgi serve --flavour auto never picks legacy (issue 5)', () => {
  it('N-3, N-9, C-33: greetings declares 2 parameters, so auto serves it as native: its text is refused with a 500 that names the rule', async () => {
    const server = await serveProcess([EXAMPLE, '--flavour', 'auto', '--port', '0']);
    expect(server.stderr()).toContain('(native)');
    expect(server.stderr()).not.toContain('(legacy)');
    for (const path of ['/', '/caf%C3%A9', '/ja']) {
      const response = await request(server.port, { path });
      expect(response.status, path).toBe(500);
      expect(response.body.toString(), path).toBe('Internal Server Error\n');
    }
    // '/': the string body is what fails (N-9).
    expect(await waitFor(server.stderr, /GET \/: application error: .*the body yielded "Hello, world\\n".*\(N-9\)/)).toBe(true);
    // '/café': PATH_INFO is the latin-1 tunnel '/cafÃ©', so the app's text route misses (C-33)
    // and its 404, a string too, fails the same way.
    expect(await waitFor(server.stderr, /application error: .*the body yielded "No greeting at \/caf\u00c3\u00a9\\n".*\(N-9\)/)).toBe(true);
    // '/ja' fails sooner, on its Content-Disposition: text beyond latin-1 in a header (N-3).
    expect(await waitFor(server.stderr, /GET \/ja: application error: .*"Content-Disposition" holds U\+3053.*\(N-3\)/)).toBe(true);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('with no --flavour the default is auto: the same file is served as native, not legacy', async () => {
    const server = await serveProcess([EXAMPLE, '--port', '0']);
    expect(server.stderr()).toMatch(/serving .*greetings\.mjs:default \(native\)/);
    expect((await request(server.port, { path: '/' })).status).toBe(500);
  });
});

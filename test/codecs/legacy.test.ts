/**
 * fromLegacyApp: text apps run unchanged. The seed's Hello World, the greetings example in
 * UTF-8 and Shift_JIS, and each conversion the adapter does on the way in and out.
 */
import { describe, expect, it } from 'vitest';
import { fromLegacyApp, type LegacyApp } from '../../src/codecs/legacy';
import { encodeText } from '../../src/codecs/text';
import { ProtocolError } from '../../src/native/errors';
import { buildEnviron, callApplication } from '../../src/native/testing';
import greetings from '../../examples/legacy/greetings.mjs';
import seedHello from '../../examples/hello/legacy.mjs';

const call = (app: LegacyApp, options: Parameters<typeof buildEnviron>[0] = {}, legacy = {}) =>
  callApplication(fromLegacyApp(app, legacy), buildEnviron(options), { errors: 'respond' });
const headerOf = (response: { headers: [string, string][] }, name: string) => response.headers.find(([n]) => n.toLowerCase() === name)?.[1];

describe('the seed and the examples, unchanged', () => {
  it('the seed\'s Hello World (it yields a string) answers with the right bytes and headers', async () => {
    const response = await call(seedHello as unknown as LegacyApp);
    expect(response.status).toBe('200 OK');
    expect(Buffer.from(response.body).toString()).toBe('Hello World\n');
    expect(headerOf(response, 'content-type')).toBe('text/plain; charset=utf-8');
    expect(response.framing).toBe('chunked');
  });

  it('greetings answers in UTF-8, with Content-Length in bytes and the filename carried by RFC 8187', async () => {
    const response = await call(greetings as unknown as LegacyApp, { path: '/café' });
    const body = Buffer.from('Bonjour du café\n', 'utf8');
    expect(Buffer.from(response.body)).toEqual(body);
    expect(headerOf(response, 'content-length')).toBe(String(body.byteLength));
    expect(headerOf(response, 'content-disposition')).toBe(`inline; filename="Bonjour du cafe.txt"; filename*=UTF-8''Bonjour%20du%20caf%C3%A9.txt`);
  });

  it('greetings answers in Shift_JIS', async () => {
    const response = await call(greetings as unknown as LegacyApp, { path: '/ja' });
    const body = encodeText('こんにちは、世界\n', 'shift_jis');
    expect(Buffer.from(response.body)).toEqual(body);
    expect(headerOf(response, 'content-type')).toBe('text/plain; charset=Shift_JIS');
    expect(headerOf(response, 'content-length')).toBe(String(body.byteLength));
  });
});

describe('the request as text (C-6, C-16)', () => {
  const echo: LegacyApp = (environ, start) => {
    start('200 OK', [['Content-Type', 'text/plain']]);
    return [`${String(environ.PATH_INFO)}|${String(environ.QUERY_STRING)}|${String(environ.HTTP_X_NAME)}`];
  };

  it('C-6: PATH_INFO is the text the client meant, not the latin-1 tunnel', async () => {
    const response = await call(echo, { path: '/caf%C3%A9?q=%C3%A9', headers: { 'X-Name': 'Zo\u00c3\u00ab' } });
    expect(Buffer.from(response.body).toString()).toBe('/café|q=%C3%A9|Zoë');
  });

  it('C-16: a path that is not valid UTF-8 gets 400 under strict, and passes with repercent', async () => {
    expect((await call(echo, { path: '/caf%E9' })).code).toBe(400);
    const kept = await call(echo, { path: '/caf%E9' }, { errors: 'repercent' });
    expect(Buffer.from(kept.body).toString()).toMatch(/^\/caf%E9\|/);
  });

  it('C-2: urlCharset decodes the path in another charset', async () => {
    const response = await call(echo, { path: '/%93%FA%96%7B' }, { urlCharset: 'shift_jis' });
    expect(Buffer.from(response.body).toString()).toMatch(/^\/日本\|/);
  });

  it('C-6: in a charset where ASCII bytes are not ASCII text (UTF-16LE), an ASCII path is still decoded', async () => {
    // '/a' in UTF-16LE is the bytes 2F 00 61 00; as the path '/a' (2F 61) they are one character, U+612F.
    const utf16 = await call(echo, { path: '/%00a%00' }, { urlCharset: 'utf-16le' });
    expect(Buffer.from(utf16.body).toString()).toMatch(/^\/a\|/);
    const plain = await call(echo, { path: '/a' }, { urlCharset: 'utf-16le' });
    expect(Buffer.from(plain.body).toString()).toMatch(/^\u612f\|/);
  });

  it("C-15: under 'repercent' (Django's way) a literal '%' before two hex digits in an ASCII path is escaped, so the text stays unambiguous", async () => {
    // The client sent '%2541': PATH_INFO holds '%41', which read back as an escape would be 'A'.
    const response = await call(echo, { path: '/100%2541' }, { errors: 'repercent' });
    expect(Buffer.from(response.body).toString()).toMatch(/^\/100%2541\|/);
    const strict = await call(echo, { path: '/100%2541' });
    expect(Buffer.from(strict.body).toString()).toMatch(/^\/100%41\|/);
  });

  it('the native environ is left as it was: the text environ is a copy', async () => {
    const environ = buildEnviron({ path: '/caf%C3%A9', headers: { 'X-Name': 'Zo\u00c3\u00ab' } });
    const before = { ...environ };
    await callApplication(fromLegacyApp(echo), environ);
    expect(environ).toEqual(before);
    expect(environ.PATH_INFO).toBe('/caf\u00c3\u00a9');
  });

  it('a header value that is not UTF-8 stays as its latin-1 view, never lost', async () => {
    const response = await call(echo, { headers: { 'X-Name': 'caf\u00e9' } });
    expect(Buffer.from(response.body).toString()).toBe('/||café');
  });

  it('wsgi.input stays bytes, and readText() decodes it with the request\'s charset', async () => {
    const app: LegacyApp = async (environ, start) => {
      const text = await environ['wsgi.input'].readText();
      start('200 OK', [['Content-Type', 'text/plain']]);
      return [`${text.length} characters: ${text}`];
    };
    const body = encodeText('日本語', 'shift_jis');
    const response = await call(app, { method: 'POST', headers: { 'Content-Type': 'text/plain; charset=Shift_JIS' }, body });
    expect(Buffer.from(response.body).toString()).toBe('3 characters: 日本語');
  });
});

describe('the response from text (C-28…C-37)', () => {
  it('C-31, C-37: a Content-Length in characters becomes the byte length', async () => {
    const app: LegacyApp = (_e, start) => {
      start('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '4']]);
      return ['café'];
    };
    const response = await call(app);
    expect(headerOf(response, 'content-length')).toBe('5');
    expect(Buffer.from(response.body).toString()).toBe('café');
  });

  it('C-37: a Content-Length that cannot be known (text from a generator) is dropped', async () => {
    const app: LegacyApp = (_e, start) => {
      start('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '8']]);
      return (function* () {
        yield 'café ';
        yield 'olé';
      })();
    };
    const response = await call(app);
    expect(headerOf(response, 'content-length')).toBeUndefined();
    expect(response.framing).toBe('chunked');
    expect(Buffer.from(response.body).toString()).toBe('café olé');
  });

  it('a Content-Length of a bytes body is the app\'s own, and kept', async () => {
    const app: LegacyApp = (_e, start) => {
      start('200 OK', [['Content-Type', 'application/octet-stream'], ['Content-Length', '3']]);
      return (function* () {
        yield Buffer.from('ab');
        yield Buffer.from('c');
      })();
    };
    const response = await call(app);
    expect(headerOf(response, 'content-length')).toBe('3');
    expect(response.framing).toBe('length');
  });

  it('string and Uint8Array chunks mix freely; strings in the declared charset', async () => {
    const app: LegacyApp = (_e, start) => {
      start('200 OK', [['Content-Type', 'text/plain; charset=iso-8859-1']]);
      return ['caf', Buffer.from([0xe9]), 'é'];
    };
    const response = await call(app);
    expect(Buffer.from(response.body)).toEqual(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0xe9]));
  });

  it('C-30: a text type without a charset gets one; JSON does not (RFC 8259)', async () => {
    const typed = (type: string): LegacyApp => (_e, start) => (start('200 OK', [['Content-Type', type]]), ['{}']);
    expect(headerOf(await call(typed('text/html')), 'content-type')).toBe('text/html; charset=utf-8');
    expect(headerOf(await call(typed('application/json')), 'content-type')).toBe('application/json');
    expect(headerOf(await call(typed('text/html'), {}, { charset: 'windows-1252' }), 'content-type')).toBe('text/html; charset=windows-1252');
  });

  it('C-28: one adapter answers in each response\'s own charset, whatever the responses before it used', async () => {
    const app: LegacyApp = (environ, start) => {
      const type = environ.QUERY_STRING === 'sjis' ? 'text/plain; charset=Shift_JIS' : environ.QUERY_STRING === 'latin1' ? 'text/plain; charset=iso-8859-1' : 'text/plain';
      start('200 OK', [['Content-Type', type]]);
      return [environ.QUERY_STRING === 'latin1' ? 'café' : '日本'];
    };
    const native = fromLegacyApp(app);
    const answer = (query: string) => callApplication(native, buildEnviron({ query }), { errors: 'respond' });
    for (let round = 0; round < 2; round++) {
      const sjis = await answer('sjis');
      expect(Buffer.from(sjis.body)).toEqual(encodeText('日本', 'shift_jis'));
      expect(headerOf(sjis, 'content-type')).toBe('text/plain; charset=Shift_JIS');
      const plain = await answer('');
      expect(Buffer.from(plain.body).toString()).toBe('日本');
      expect(headerOf(plain, 'content-type')).toBe('text/plain; charset=utf-8');
      const latin1 = await answer('latin1');
      expect(Buffer.from(latin1.body)).toEqual(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    }
  });

  it('N-70: an error handler replaces a response whose head was passed on, before anything was sent', async () => {
    const app: LegacyApp = (_e, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      try {
        throw new Error('the page could not be built');
      } catch (error) {
        start('500 Internal Server Error', [['Content-Type', 'text/plain']], error);
        return ['désolé'];
      }
    };
    const response = await call(app);
    expect(response.status).toBe('500 Internal Server Error');
    expect(Buffer.from(response.body).toString()).toBe('désolé');
  });

  it('N-63: a head with a Content-Length, held until the body shows what it counted, is still checked at the call', async () => {
    const thrown: unknown[] = [];
    const app: LegacyApp = (_e, start) => {
      try {
        start('200 OK', [['Content-Length', '2'], ['Bad Name', 'x']]);
      } catch (e) {
        thrown.push(e);
      }
      start('200 OK', [['Content-Length', '2']], thrown[0]);
      return ['ok'];
    };
    const response = await call(app);
    expect(thrown.map((e) => (e as ProtocolError).rule)).toEqual(['N-58']);
    expect(headerOf(response, 'content-length')).toBe('2');
  });

  it('write() takes text too', async () => {
    const app: LegacyApp = async (_e, start) => {
      const write = start('200 OK', [['Content-Type', 'text/plain']]);
      await write('écrit ');
      return ['puis rendu'];
    };
    expect(Buffer.from((await call(app)).body).toString()).toBe('écrit puis rendu');
  });

  it('C-26: a Unicode Location is percent-encoded (IRI to URI)', async () => {
    const app: LegacyApp = (_e, start) => (start('302 Found', [['Location', '/café/menü']]), []);
    expect(headerOf(await call(app), 'location')).toBe('/caf%C3%A9/men%C3%BC');
  });

  it('C-35: a Unicode value in a header with no policy for it is refused, naming the header and character', async () => {
    const app: LegacyApp = (_e, start) => (start('200 OK', [['X-Greeting', 'こんにちは']]), []);
    const error = await callApplication(fromLegacyApp(app), buildEnviron()).catch((e: unknown) => e);
    expect(String((error as Error).message)).toMatch(/X-Greeting.*U\+3053/);
    const asWords = await call(app, {}, { headerPolicy: 'rfc2047' });
    expect(headerOf(asWords, 'x-greeting')).toMatch(/^=\?UTF-8\?B\?.+\?=$/);
  });

  it('C-35: a status reason is header text: latin-1 passes as it is, beyond it is refused, or carried by RFC 2047 when chosen', async () => {
    const status = (line: string): LegacyApp => (_e, start) => (start(line, []), []);
    for (let round = 0; round < 2; round++) {
      expect((await call(status('200 Ça va'))).status).toBe('200 Ça va');
      const refused = await callApplication(fromLegacyApp(status('200 大丈夫')), buildEnviron()).catch((e: unknown) => e);
      expect(String((refused as Error).message)).toMatch(/Status.*U\+5927/);
      expect((await call(status('200 大丈夫'), {}, { headerPolicy: 'rfc2047' })).status).toMatch(/^200 =\?UTF-8\?B\?.+\?=$/);
      expect((await call(status('200 OK\x01'))).code).toBe(500);
    }
  });

  it('N-9: a chunk that is neither text nor bytes is refused', async () => {
    const app = ((_e: unknown, start: (s: string, h: [string, string][]) => void) => (start('200 OK', []), [42])) as unknown as LegacyApp;
    const error = await callApplication(fromLegacyApp(app), buildEnviron()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).rule).toBe('N-9');
  });

  it('N-62, V-27: a head held for its Content-Length is refused with the rule the native side would cite', async () => {
    const refusedWith = async (headers: Array<[string, string]>) => {
      let rule: string | undefined;
      const app: LegacyApp = (_e, start) => {
        try {
          start('200 OK', [['Content-Length', '2'], ...headers]);
        } catch (e) {
          rule = (e as ProtocolError).rule;
        }
        start('200 OK', [], new Error('the head was refused'));
        return [];
      };
      await call(app);
      return rule;
    };
    expect(await refusedWith([['Connection', 'close']])).toBe('N-62');
    expect(await refusedWith([['Status', '200']])).toBe('V-27');
  });

  it('N-67: a second startResponse without excInfo is refused, even after a failed first one', async () => {
    const thrown: unknown[] = [];
    const app: LegacyApp = (_e, start) => {
      try {
        start('200 OK', [['Bad Name', 'x']]);
      } catch (e) {
        thrown.push(e);
      }
      try {
        start('200 OK', []);
      } catch (e) {
        thrown.push(e);
      }
      return [];
    };
    await call(app);
    expect(thrown.map((e) => (e as ProtocolError).rule)).toEqual(['N-58', 'N-67']);
  });
});

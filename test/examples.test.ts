/**
 * The examples run as documented: the hello app in each flavour answers, the seed's legacy one is
 * refused by rule, and the demo (`npm start`) serves every flavour side by side.
 */
import { describe, expect, it } from 'vitest';
import { buildBytesEnviron, callBytesApplication } from '../src/bytes/testing';
import { bytesValidator } from '../src/bytes/validate';
import { encodeText } from '../src/codecs/text';
import { ProtocolError } from '../src/native/errors';
import { buildEnviron, callApplication, type EnvironOptions } from '../src/native/testing';
import type { NativeApp } from '../src/native/types';
import { validator } from '../src/native/validate';
import bytesHello from '../examples/hello/bytes.mjs';
import nativeHello from '../examples/hello/native.mjs';
import legacyHello from '../examples/hello/legacy.mjs';
import demo from '../examples/demo/app.mjs';

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
const headerOf = (response: { headers: [string, string][] }, name: string) => response.headers.find(([n]) => n.toLowerCase() === name)?.[1];
/** The demo through its validator, as a client would receive it. */
const callDemo = (options: EnvironOptions) => callApplication(validator(demo), buildEnviron(options), { errors: 'respond' });

describe('examples/hello', () => {
  it('native.mjs answers Hello World, and passes the validator', async () => {
    const response = await callApplication(validator(nativeHello), buildEnviron());
    expect(response.status).toBe('200 OK');
    expect(Buffer.from(response.body).toString()).toBe('Hello World\n');
  });

  it('B-1, B-24, B-25: bytes.mjs returns [status, headers, body], all bytes, and passes the bytes validator', async () => {
    const response = await callBytesApplication(bytesValidator(bytesHello), buildBytesEnviron());
    expect(text(response.status)).toBe('200 OK');
    expect(response.headers.map(([name, value]) => [text(name), text(value)])).toEqual([
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Length', '12'],
    ]);
    expect(Buffer.from(response.body).toString()).toBe('Hello World\n');
  });

  it('B-14: bytes.mjs sets its own Content-Length, and the response is framed by it', async () => {
    const [, headers, body] = (await bytesHello(buildBytesEnviron())) as [Uint8Array, [Uint8Array, Uint8Array][], Uint8Array[]];
    const declared = headers.find(([name]) => text(name).toLowerCase() === 'content-length');
    expect(declared && text(declared[1])).toBe(String(Buffer.concat(body).byteLength));
    const response = await callBytesApplication(bytesHello, buildBytesEnviron());
    expect(response.framing).toBe('length');
  });

  it('B-16: bytes.mjs takes one parameter, so `tsgi serve --flavour auto` serves it as bytes', () => {
    expect(bytesHello.length).toBe(1);
    expect(nativeHello.length).toBe(2);
  });

  it('N-9: legacy.mjs, the seed\'s string-yielding app, is refused with the rule it breaks', async () => {
    const error = await callApplication(legacyHello as unknown as NativeApp, buildEnviron()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).rule).toBe('N-9');
  });
});

describe('examples/demo', () => {
  it('every link on the index page answers 200', async () => {
    const index = await callDemo({ path: '/' });
    expect(index.status).toBe('200 OK');
    const hrefs = [...Buffer.from(index.body).toString('utf8').matchAll(/href="([^"]*)"/g)].map((m) => m[1] ?? '');
    expect(hrefs).toEqual(expect.arrayContaining(['hello', 'hello-bytes', 'greetings/', 'greetings/ja', 'greetings/caf%C3%A9', 'environ']));
    for (const href of hrefs) {
      const url = new URL(href, 'http://localhost/');
      const response = await callDemo({ path: url.pathname + url.search });
      expect([href, response.status]).toEqual([href, '200 OK']);
    }
  });

  it('B-82: /hello-bytes (a bytes app through toNativeApp) answers exactly as /hello on the wire', async () => {
    const native = await callDemo({ path: '/hello' });
    const bytes = await callDemo({ path: '/hello-bytes' });
    expect(native.status).toBe('200 OK');
    expect(bytes.status).toBe(native.status);
    expect(bytes.headers).toEqual(native.headers);
    expect(Buffer.from(bytes.body)).toEqual(Buffer.from(native.body));
    expect(bytes.framing).toBe(native.framing);
  });

  it('N-103: for HEAD they differ by one header: the bytes app\'s own Content-Length passes, none is synthesized for the native one', async () => {
    const native = await callDemo({ method: 'HEAD', path: '/hello' });
    const bytes = await callDemo({ method: 'HEAD', path: '/hello-bytes' });
    expect([native.status, native.body.byteLength, native.framing]).toEqual(['200 OK', 0, 'none']);
    expect([bytes.status, bytes.body.byteLength, bytes.framing]).toEqual(['200 OK', 0, 'none']);
    expect(headerOf(native, 'content-length')).toBeUndefined();
    expect(headerOf(bytes, 'content-length')).toBe('12');
    expect(bytes.headers.filter(([name]) => name !== 'Content-Length')).toEqual(native.headers);
  });

  it('C-6: the legacy greetings app, mounted at /greetings, sees its PATH_INFO as text', async () => {
    const response = await callDemo({ path: '/greetings/caf%C3%A9' });
    const body = Buffer.from('Bonjour du café\n', 'utf8');
    expect(response.status).toBe('200 OK');
    expect(Buffer.from(response.body)).toEqual(body);
    expect(headerOf(response, 'content-type')).toBe('text/plain; charset=utf-8');
    // C-25: the Unicode filename is carried by RFC 8187, with an ASCII fallback.
    expect(headerOf(response, 'content-disposition')).toBe(`inline; filename="Bonjour du cafe.txt"; filename*=UTF-8''Bonjour%20du%20caf%C3%A9.txt`);
    expect(Buffer.from((await callDemo({ path: '/greetings' })).body).toString()).toBe('Hello, world\n');
    const missing = await callDemo({ path: '/greetings/nope' });
    expect(missing.code).toBe(404);
    expect(Buffer.from(missing.body).toString()).toBe('No greeting at /nope\n');
  });

  it('C-28, C-37: /greetings/ja is Shift_JIS bytes, declared so, with Content-Length in bytes not characters', async () => {
    const response = await callDemo({ path: '/greetings/ja' });
    const body = encodeText('こんにちは、世界\n', 'shift_jis');
    expect(response.status).toBe('200 OK');
    expect(Buffer.from(response.body)).toEqual(Buffer.from(body));
    expect(headerOf(response, 'content-type')).toBe('text/plain; charset=Shift_JIS');
    expect(headerOf(response, 'content-length')).toBe(String(body.byteLength));
    expect(body.byteLength).not.toBe('こんにちは、世界\n'.length);
  });
});

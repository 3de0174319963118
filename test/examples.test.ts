/**
 * The examples run as documented: the hello app in each flavour answers, the seed's legacy one is
 * refused by rule.
 */
import { describe, expect, it } from 'vitest';
import { buildBytesEnviron, callBytesApplication } from '../src/bytes/testing';
import { bytesValidator } from '../src/bytes/validate';
import { ProtocolError } from '../src/native/errors';
import { buildEnviron, callApplication } from '../src/native/testing';
import type { NativeApp } from '../src/native/types';
import { validator } from '../src/native/validate';
import bytesHello from '../examples/hello/bytes.mjs';
import nativeHello from '../examples/hello/native.mjs';
import legacyHello from '../examples/hello/legacy.mjs';

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

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

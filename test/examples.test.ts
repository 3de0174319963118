/** The examples run as documented: the native hello answers, the seed's legacy one is refused by rule. */
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../src/native/errors';
import { buildEnviron, callApplication } from '../src/native/testing';
import type { NativeApp } from '../src/native/types';
import { validator } from '../src/native/validate';
import nativeHello from '../examples/hello/native.mjs';
import legacyHello from '../examples/hello/legacy.mjs';

describe('examples/hello', () => {
  it('native.mjs answers Hello World, and passes the validator', async () => {
    const response = await callApplication(validator(nativeHello), buildEnviron());
    expect(response.status).toBe('200 OK');
    expect(Buffer.from(response.body).toString()).toBe('Hello World\n');
  });

  it('N-9: legacy.mjs, the seed\'s string-yielding app, is refused with the rule it breaks', async () => {
    const error = await callApplication(legacyHello as unknown as NativeApp, buildEnviron()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).rule).toBe('N-9');
  });
});

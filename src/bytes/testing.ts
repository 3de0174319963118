/**
 * The bytes flavour's test client: a complete bytes environ from a few options, and a bytes
 * app's whole response through the same lifecycle the gateways run.
 *
 * @example
 * const environ = buildBytesEnviron({ method: 'POST', path: '/café', body: 'x=1' });
 * const { status, headers, body } = await callBytesApplication(app, environ);
 * Buffer.from(status).toString(); // '200 OK'
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { bytesToNativeEnviron, nativeToBytesEnviron } from '../codecs/environ';
import { respondWithBytesApp } from '../codecs/to-native-app';
import type { PollOptions } from './response';
import { buildEnviron, type CallOptions, callApplication, type EnvironOptions, type TestResponse } from '../native/testing';
import type { BytesApp, BytesEnviron, BytesHeaderList } from './types';

/**
 * Builds a bytes environ (every key of B-11 and §6), as buildEnviron does for the native
 * flavour, then crosses the latin-1 tunnel. A streamed body has no CONTENT_LENGTH, so it is
 * marked with the streaming extension `tsgi.input_terminated` (D-B4) and reads to its end.
 */
export function buildBytesEnviron(options: EnvironOptions = {}): BytesEnviron {
  const native = buildEnviron(options);
  const streamed = native.CONTENT_LENGTH === undefined && options.body !== undefined;
  return nativeToBytesEnviron(native, { inputTerminated: streamed });
}

/** A bytes response as a client receives it: status and headers as bytes, the whole body. */
export interface BytesTestResponse extends Omit<TestResponse, 'status' | 'headers'> {
  status: Uint8Array;
  headers: BytesHeaderList;
}

/**
 * Calls a bytes app through the gateways' lifecycle (as toNativeApp serves it) and collects the
 * response. The app gets `environ` itself. A fault of the app rejects the call, unless
 * `errors: 'respond'` (see callApplication).
 */
export async function callBytesApplication(
  app: BytesApp,
  environ: BytesEnviron,
  options: CallOptions & PollOptions = {},
): Promise<BytesTestResponse> {
  const native = bytesToNativeEnviron(environ);
  const response = await callApplication((_native, startResponse) => respondWithBytesApp(app, environ, startResponse, options), native, options);
  return {
    ...response,
    status: Buffer.from(response.status, 'latin1'),
    headers: response.headers.map(([name, value]) => [Buffer.from(name, 'latin1'), Buffer.from(value, 'latin1')]),
  };
}

/**
 * The adapters lose nothing (issue #4): over arbitrary requests and responses, with every one
 * of the 256 byte values in CGI values, header names and values, status reasons and bodies,
 * sync and async bodies, and write() mixed with yielded chunks:
 *
 * - toNativeApp(toBytesApp(app)) answers every request exactly as the native app does;
 * - toBytesApp(toNativeApp(app)) answers exactly as the bytes app does;
 * - environ conversions round-trip;
 * - close() reaches the inner body exactly once;
 * - a non-latin-1 native string is refused with NativeStringError / a ProtocolError, never truncated.
 *
 * Runs: TSGI_PROPERTY_RUNS, else 10,000 locally and 1,000 under CI.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildBytesEnviron, callBytesApplication } from '../../src/bytes/testing';
import type { BytesApp, BytesEnviron, BytesHeaderList } from '../../src/bytes/types';
import { bytesToNativeEnviron, nativeToBytesEnviron, RAW_PATH_INFO, RAW_SCRIPT_NAME } from '../../src/codecs/environ';
import { percentDecodeNative } from '../../src/codecs/percent';
import { bytesToNative, NativeStringError } from '../../src/codecs/latin1';
import { toBytesApp } from '../../src/codecs/to-bytes-app';
import { toNativeApp } from '../../src/codecs/to-native-app';
import { ProtocolError } from '../../src/native/errors';
import { buildEnviron, callApplication, type TestResponse } from '../../src/native/testing';
import type { Body, Environ, HeaderList, NativeApp } from '../../src/native/types';

const RUNS = Number(process.env.TSGI_PROPERTY_RUNS ?? (process.env.CI ? 1000 : 10000));
const TIMEOUT = 600_000;

const anyBytes = (maxLength: number) => fc.uint8Array({ maxLength });
const nativeOf = (bytes: Uint8Array) => bytesToNative(bytes);

/** Mostly valid header names (tokens), sometimes any bytes at all. */
const headerName = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/) },
  { weight: 1, arbitrary: anyBytes(8).map(nativeOf) },
);
/** Mostly valid field content, sometimes any bytes (CR, LF, NUL and the rest included). */
const headerValue = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 24, min: 0x20, max: 0xff }).map((b) => nativeOf(b.filter((x) => x !== 0x7f))) },
  { weight: 1, arbitrary: anyBytes(24).map(nativeOf) },
);
/** Mostly valid statuses, sometimes a reason with any byte, sometimes a bad code. */
const status = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.integer({ min: 200, max: 599 }), fc.uint8Array({ maxLength: 20, min: 0x20, max: 0xff })).map(([c, r]) => `${c} ${nativeOf(r.filter((x) => x !== 0x7f))}`) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 999 }), anyBytes(12)).map(([c, r]) => `${c} ${nativeOf(r)}`) },
);
const chunks = fc.array(anyBytes(64), { maxLength: 5 });

/** How the response is produced, for the native side. */
interface NativeSpec {
  status: string;
  headers: HeaderList;
  written: Uint8Array[];
  yielded: Uint8Array[];
  kind: 'array' | 'sync' | 'async';
  asyncApp: boolean;
  contentLength: 'none' | 'exact' | 'short';
}

const nativeSpec: fc.Arbitrary<NativeSpec> = fc.record({
  status,
  headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 4 }),
  written: fc.array(anyBytes(32), { maxLength: 3 }),
  yielded: chunks,
  kind: fc.constantFrom('array', 'sync', 'async'),
  asyncApp: fc.boolean(),
  contentLength: fc.constantFrom('none', 'exact', 'short'),
});

/** Builds the native app a spec describes, and counts the close() calls of its body. */
function nativeAppOf(spec: NativeSpec, closes: { count: number }): NativeApp {
  return function generated(_environ, startResponse) {
    const total = [...spec.written, ...spec.yielded].reduce((n, c) => n + c.byteLength, 0);
    const headers: HeaderList = spec.headers.map(([n, v]) => [n, v]);
    if (spec.contentLength !== 'none') headers.push(['Content-Length', String(spec.contentLength === 'exact' ? total : total + 1)]);
    const finish = (write: (c: Uint8Array) => Promise<void>): Body => {
      for (const chunk of spec.written) void write(chunk);
      const close = () => void closes.count++;
      if (spec.kind === 'array') return Object.assign(spec.yielded.slice(), { close });
      if (spec.kind === 'sync') return Object.assign((function* () { yield* spec.yielded; })(), { close });
      return Object.assign((async function* () { for (const c of spec.yielded) yield c; })(), { close });
    };
    if (!spec.asyncApp) return finish(startResponse(spec.status, headers));
    return Promise.resolve().then(() => finish(startResponse(spec.status, headers)));
  };
}

/** A request with any bytes in its path, query and a header, and a method from a few. */
const request = fc.record({
  method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'),
  path: anyBytes(24),
  query: anyBytes(16),
  header: anyBytes(16),
  body: anyBytes(32),
});
type Request = typeof request extends fc.Arbitrary<infer T> ? T : never;

function nativeEnvironOf(r: Request): Environ {
  const environ = buildEnviron({ method: r.method, body: r.body });
  environ.PATH_INFO = `/${nativeOf(r.path)}`;
  environ.QUERY_STRING = nativeOf(r.query);
  environ.HTTP_X_ANY = nativeOf(r.header);
  delete environ.REQUEST_URI;
  return environ;
}

/** What a client can observe, errors included (the 500 body, or a cut response). */
function observed(response: TestResponse) {
  return { status: response.status, headers: response.headers, body: Buffer.from(response.body), framing: response.framing, complete: response.complete };
}

describe('adapters lose nothing', () => {
  it(`B-83, B-29: toNativeApp(toBytesApp(app)) answers as app does, and close() runs once (${RUNS} runs)`, { timeout: TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(nativeSpec, request, async (spec, req) => {
        const direct = { count: 0 };
        const adapted = { count: 0 };
        const expected = await callApplication(nativeAppOf(spec, direct), nativeEnvironOf(req), { errors: 'respond' });
        const actual = await callApplication(toNativeApp(toBytesApp(nativeAppOf(spec, adapted))), nativeEnvironOf(req), { errors: 'respond' });
        expect(observed(actual)).toEqual(observed(expected));
        expect(adapted.count).toBe(direct.count);
        expect(adapted.count).toBeLessThanOrEqual(1);
      }),
      { numRuns: RUNS },
    );
  });

  /** How the response is produced, for the bytes side. */
  const bytesSpec = fc.record({
    status: fc.oneof({ weight: 4, arbitrary: status.map((s) => Buffer.from(s, 'latin1')) }, { weight: 1, arbitrary: anyBytes(12) }),
    headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 4 }),
    yielded: chunks,
    kind: fc.constantFrom('array', 'sync', 'async'),
    form: fc.constantFrom('tuple', 'promise', 'poller'),
  });
  type BytesSpec = typeof bytesSpec extends fc.Arbitrary<infer T> ? T : never;

  function bytesAppOf(spec: BytesSpec, closes: { count: number }): BytesApp {
    return function generatedBytes() {
      const headers: BytesHeaderList = spec.headers.map(([n, v]) => [Buffer.from(n, 'latin1'), Buffer.from(v, 'latin1')]);
      const close = () => void closes.count++;
      const body =
        spec.kind === 'array'
          ? Object.assign(spec.yielded.slice(), { close })
          : spec.kind === 'sync'
            ? Object.assign((function* () { yield* spec.yielded; })(), { close })
            : Object.assign((async function* () { for (const c of spec.yielded) yield c; })(), { close });
      const response: [Uint8Array, BytesHeaderList, Body] = [spec.status, headers, body];
      if (spec.form === 'promise') return Promise.resolve(response);
      if (spec.form === 'poller') {
        let calls = 0;
        return () => (++calls < 2 ? null : response);
      }
      return response;
    } as BytesApp;
  }

  function bytesEnvironOf(r: Request): BytesEnviron {
    return nativeToBytesEnviron(nativeEnvironOf(r));
  }

  it(`B-82, B-29: toBytesApp(toNativeApp(app)) answers as the bytes app does, and close() runs once (${RUNS} runs)`, { timeout: TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(bytesSpec, request, async (spec, req) => {
        const direct = { count: 0 };
        const adapted = { count: 0 };
        const expected = await callBytesApplication(bytesAppOf(spec, direct), bytesEnvironOf(req), { errors: 'respond' });
        const actual = await callBytesApplication(toBytesApp(toNativeApp(bytesAppOf(spec, adapted))), bytesEnvironOf(req), { errors: 'respond' });
        expect({ ...actual, errors: '' }).toEqual({ ...expected, errors: '' });
        expect(adapted.count).toBe(direct.count);
        expect(adapted.count).toBeLessThanOrEqual(1);
      }),
      { numRuns: RUNS },
    );
  });
});

/** The environ with every Uint8Array value as a Buffer, so equality is about the bytes. */
function asBuffers(environ: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(environ).map(([k, v]) => [k, v instanceof Uint8Array ? Buffer.from(v) : v]));
}

describe('environ conversions round-trip', () => {
  const cgiValues = fc.dictionary(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,12}$/), anyBytes(24), { maxKeys: 8 });

  it(`B-80, B-81: bytes → native → bytes is exact, every byte value in every CGI value (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(cgiValues, anyBytes(24), anyBytes(24), (extra, path, query) => {
        const environ = buildBytesEnviron();
        Object.assign(environ, extra, { PATH_INFO: Buffer.concat([Buffer.from('/'), path]), QUERY_STRING: query });
        delete environ['web3.script_name'];
        delete environ['web3.path_info'];
        delete environ.REQUEST_URI;
        const back = nativeToBytesEnviron(bytesToNativeEnviron(environ));
        // Byte for byte: a Buffer and a plain Uint8Array holding the same bytes are equal here.
        expect(asBuffers(back)).toEqual(asBuffers(environ));
      }),
      { numRuns: RUNS },
    );
  });

  it(`B-80, B-81: native → bytes → native is exact but for what Web3 has no key for (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(cgiValues, (extra) => {
        const environ = buildEnviron();
        for (const [key, value] of Object.entries(extra)) environ[key] = nativeOf(value);
        const back = bytesToNativeEnviron(nativeToBytesEnviron(environ));
        // D-B9: no file wrapper in Web3. wsgi.input_terminated comes back true exactly when the
        // bytes input is framed (CONTENT_LENGTH or the streaming extension); here it has none.
        const { 'wsgi.file_wrapper': _fileWrapper, 'wsgi.input_terminated': _terminated, ...rest } = environ;
        // B-81: the raw path Web3 carried comes back as extension keys that decode to the pair.
        const { [RAW_SCRIPT_NAME]: rawScript, [RAW_PATH_INFO]: rawPath, ...same } = back;
        expect(same).toEqual(rest);
        expect(percentDecodeNative(String(rawScript))).toBe(environ.SCRIPT_NAME);
        expect(percentDecodeNative(String(rawPath))).toBe(environ.PATH_INFO);
      }),
      { numRuns: RUNS },
    );
  });

  it('B-41: the raw path keys survive the round trip with %2F intact', () => {
    const environ = buildEnviron({ path: '/a%2Fb/caf%C3%A9', scriptName: '/app' });
    const bytes = nativeToBytesEnviron(environ);
    expect(Buffer.from(bytes['web3.script_name'] as Uint8Array).toString()).toBe('/app');
    expect(Buffer.from(bytes['web3.path_info'] as Uint8Array).toString()).toBe('/a%2Fb/caf%C3%A9');
    expect(nativeToBytesEnviron(bytesToNativeEnviron(bytes))['web3.path_info']).toEqual(bytes['web3.path_info']);
  });
});

describe('non-latin-1 strings are refused, never truncated', () => {
  const wide = fc.tuple(fc.string({ maxLength: 8 }), fc.integer({ min: 0x100, max: 0xffff }), fc.string({ maxLength: 8 })).map(
    ([a, c, z]) => `${a}${String.fromCharCode(c)}${z}`,
  );

  it(`N-3, C-4: a wide character in a CGI value gives NativeStringError, not its low byte (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(wide, (value) => {
        const environ = buildEnviron();
        environ.HTTP_X_WIDE = value;
        expect(() => nativeToBytesEnviron(environ)).toThrow(NativeStringError);
      }),
      { numRuns: RUNS },
    );
  });

  it(`N-3: a wide character in a header of a native app becomes a refusal through toBytesApp too (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(wide, async (value) => {
        const app: NativeApp = (_e, start) => (start('200 OK', [['X-Wide', value]]), []);
        const error = await Promise.resolve()
          .then(() => toBytesApp(app)(buildBytesEnviron()))
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(error).toBeInstanceOf(ProtocolError);
      }),
      { numRuns: RUNS },
    );
  });
});

import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { BytesApp, BytesBody, BytesResponse } from '../../../src/bytes/types';
import { bytesValidator } from '../../../src/bytes/validate';
import { NATIVE_TO_BYTES, NativePartsReporter } from '../../../src/bytes/validate/native-parts';
import { BytesReporter } from '../../../src/bytes/validate/report';
import { BodyObserver, reportUnclosedBody } from '../../../src/native/validate/body';
import { Invocation } from '../../../src/native/validate/invocation';
import { b, collecting, makeBytesEnviron, rulesOf, serve, text, withBody } from './harness';

function rejectsWith(promise: Promise<unknown>, rule: string): Promise<void> {
  return expect(promise).rejects.toMatchObject({ name: 'ValidationError', rule, flavour: 'bytes' });
}

/** Calls the validated app directly and returns the wrapped body; the test drives it. */
function bodyOf(app: BytesApp, mode: 'strict' | 'warn' = 'strict') {
  const { warnings, options } = collecting({ mode });
  const tuple = bytesValidator(app, options)(makeBytesEnviron()) as BytesResponse;
  return { body: tuple[2], warnings };
}

describe('body iteration', () => {
  it('V-98: refuses a chunk that is not a Uint8Array', async () => {
    await rejectsWith(serve(withBody(['text'])), 'V-98');
    await rejectsWith(serve(withBody((function* chunks() {
      yield new Uint16Array(2);
    })())), 'V-98');
    await rejectsWith(serve(withBody((async function* chunks() {
      yield 42;
    })())), 'V-98');
    // A sync body must not yield Promises, and a Readable must not yield strings.
    await rejectsWith(serve(withBody((function* chunks() {
      yield Promise.resolve(b('x'));
    })())), 'V-98');
    await rejectsWith(serve(withBody(Readable.from(['text'], { objectMode: true }))), 'V-98');
  });

  it('V-98: refuses next() after close()', () => {
    const { body } = bodyOf(withBody((function* chunks() {
      yield b('a');
      yield b('b');
    })()));
    const iterator = (body as Iterable<Uint8Array>)[Symbol.iterator]();
    iterator.next();
    body.close?.();
    expect(() => iterator.next()).toThrow(expect.objectContaining({ rule: 'V-98', flavour: 'bytes' }));
  });

  it('V-98: refuses a server that calls next() while the previous next() is pending', async () => {
    const { body } = bodyOf(withBody((async function* chunks() {
      yield b('a');
      yield b('b');
    })()));
    const iterator = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    const first = iterator.next();
    await expect(iterator.next()).rejects.toMatchObject({ rule: 'V-98', flavour: 'bytes' });
    await expect(first).resolves.toMatchObject({ done: false });
    await body.close?.();
  });

  it('V-98: warns when the server closes the body twice, and forwards both calls', () => {
    let closed = 0;
    const { body, warnings } = bodyOf(withBody(Object.assign([b('x')], { close: () => closed++ })));
    body.close?.();
    body.close?.();
    expect(rulesOf(warnings)).toEqual(['V-98']);
    expect(warnings[0]?.message).toMatch(/^V-98: the server called close\(\) on the body 2 times/);
    expect(closed).toBe(2);
  });

  it('V-98: warns when a body is collected without close() (registry callback called directly)', () => {
    // Garbage collection cannot be forced reliably in a test, so this calls the function the
    // FinalizationRegistry calls, with the native observer reporting through the bytes reporter.
    const { warnings, options } = collecting();
    const inv = new Invocation(new NativePartsReporter(new BytesReporter(options)), { REQUEST_METHOD: 'GET' });
    reportUnclosedBody(new BodyObserver(inv, [], 'sync'));
    expect(rulesOf(warnings)).toEqual(['V-98']);
    expect(warnings[0]?.flavour).toBe('bytes');
  });

  it('V-99: refuses body bytes past the declared Content-Length', async () => {
    await rejectsWith(serve(withBody([b('abc'), b('def')], [[b('Content-Length'), b('4')]])), 'V-99');
    const generated = (function* chunks() {
      yield b('abc');
      yield b('def');
    })();
    await rejectsWith(serve(withBody(generated, [[b('Content-Length'), b('4')]])), 'V-99');
  });

  it('V-99: warns when a body read to its end is shorter than Content-Length (not for HEAD, not when stopped early)', async () => {
    const short = await serve(withBody([b('abc')], [[b('Content-Length'), b('5')]]));
    expect(rulesOf(short.warnings)).toEqual(['V-99']);
    const head = await serve(withBody([], [[b('Content-Length'), b('5')]]), { environ: makeBytesEnviron({ REQUEST_METHOD: b('HEAD') }) });
    expect(head.warnings).toEqual([]);
    const stopped = await serve(withBody((function* chunks() {
      yield b('abc');
      yield b('de');
    })(), [[b('Content-Length'), b('5')]]), { stopAfter: 1 });
    expect(stopped.warnings).toEqual([]);
  });

  it('V-99: warns about Content-Length or body bytes in 204 and 304 responses', async () => {
    const noContent: BytesApp = () => [b('204 No Content'), [[b('Content-Length'), b('5')]], []];
    expect(rulesOf((await serve(noContent)).warnings)).toEqual(['V-99']);
    const notModified: BytesApp = () => [b('304 Not Modified'), [[b('ETag'), b('"v1"')]], [b('stale')]];
    expect(rulesOf((await serve(notModified)).warnings)).toEqual(['V-99']);
  });

  it('closes the app body when the validator refuses the tuple', async () => {
    let closed = 0;
    const body = Object.assign([b('x')], { close: () => closed++ });
    await rejectsWith(serve(withBody(body, [[b('Connection'), b('close')]])), 'V-96');
    expect(closed).toBe(1);
    await rejectsWith(serve(withBody(body, [[b('Content-Length'), b('0')]])), 'V-99');
    expect(closed).toBe(2);
  });
});

describe('body kinds are preserved', () => {
  it('an Array body stays a genuine Array with its chunks and an own close()', () => {
    const chunk = b('hello');
    let closed = 0;
    const original = Object.assign([chunk], { close: () => closed++ });
    const { body, warnings } = bodyOf(withBody(original));
    expect(Array.isArray(body)).toBe(true);
    expect(body).not.toBe(original);
    expect((body as Uint8Array[])[0]).toBe(chunk);
    expect(Object.hasOwn(body, 'close')).toBe(true);
    body.close?.();
    expect(closed).toBe(1);
    expect(warnings).toEqual([]);
  });

  it('a sync iterable stays sync', () => {
    const { body } = bodyOf(withBody(new Set([b('a'), b('b')])));
    expect(typeof (body as Iterable<unknown>)[Symbol.iterator]).toBe('function');
    expect((body as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator]).toBeUndefined();
    expect(text([...(body as Iterable<Uint8Array>)])).toBe('ab');
    body.close?.();
  });

  it('an async iterable stays async, and wins when a body is both', async () => {
    const both = {
      *[Symbol.iterator]() {
        yield b('sync');
      },
      async *[Symbol.asyncIterator]() {
        yield b('async');
      },
    };
    const { chunks, response } = await serve(withBody(both));
    const body = (response as BytesResponse)[2];
    expect((body as Partial<Iterable<unknown>>)[Symbol.iterator]).toBeUndefined();
    expect(typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator]).toBe('function');
    expect(text(chunks)).toBe('async');
  });

  it('a binary Readable passes', async () => {
    const { warnings, chunks } = await serve(withBody(Readable.from([Buffer.from('ab'), Buffer.from('c')], { objectMode: false })));
    expect(warnings).toEqual([]);
    expect(text(chunks)).toBe('abc');
  });

  it('forwards close() to the app body, which keeps its own close result', () => {
    const closing = Promise.resolve('closed');
    const { body } = bodyOf(withBody(Object.assign((function* chunks() {
      yield b('x');
    })(), { close: () => closing }) as BytesBody));
    expect(body.close?.()).toBe(closing);
  });
});

describe('the native body parts', () => {
  it('every rule id they can report is filed under a bytes rule, or deliberately dropped', () => {
    const files = ['body.ts', 'result.ts', 'invocation.ts'].map((name) =>
      readFileSync(new URL(`../../../src/native/validate/${name}`, import.meta.url), 'utf8'),
    );
    const reported = new Set(files.flatMap((source) => [...source.matchAll(/'(V-\d+)'/g)].map((m) => m[1] ?? '')));
    const unmapped = [...reported].filter((id) => !(id in NATIVE_TO_BYTES));
    expect(unmapped).toEqual([]);
    const targets = new Set(Object.values(NATIVE_TO_BYTES).flatMap((t) => (t === null ? [] : [t.rule])));
    expect([...targets].sort()).toEqual(['V-97', 'V-98', 'V-99']);
  });
});

import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Body, NativeApp } from '../../../src/native/types';
import { validator } from '../../../src/native/validate';
import { BodyObserver, reportUnclosedBody } from '../../../src/native/validate/body';
import { Invocation } from '../../../src/native/validate/invocation';
import { Reporter } from '../../../src/native/validate/report';
import { bytes, collecting, FakeServer, makeEnviron, rulesOf, run, TEXT } from './harness';

function rejectsWith(promise: Promise<unknown>, rule: string): Promise<void> {
  return expect(promise).rejects.toMatchObject({ name: 'ValidationError', rule });
}

/** An app that starts a 200 text response with `headers` added and returns `body`. */
function returning(body: unknown, headers: [string, string][] = [], status = '200 OK'): NativeApp {
  return (_environ, startResponse) => {
    startResponse(status, [...TEXT, ...headers]);
    return body as Body;
  };
}

/** Calls the validated app directly; the caller drives the body. */
async function serve(app: NativeApp, profile: 'default' | 'wsgiref' = 'default') {
  const { warnings, options } = collecting({ profile });
  const body = await validator(app, options)(makeEnviron(), new FakeServer().startResponse);
  return { body, warnings };
}

describe('return value', () => {
  it('V-42: refuses an app that returns nothing', async () => {
    await rejectsWith(run(returning(undefined)), 'V-42');
    await rejectsWith(run(async (_e, startResponse) => {
      startResponse('200 OK', TEXT);
      return null as unknown as Body;
    }), 'V-42');
    await rejectsWith(run(returning({ not: 'iterable' }), { options: { profile: 'wsgiref' } }), 'V-42');
  });

  it('V-43: refuses a string or a binary buffer as the body', async () => {
    for (const body of ['hello', bytes('hello'), Buffer.from('hello'), new ArrayBuffer(5), new DataView(new ArrayBuffer(5)), new Uint16Array(2)]) {
      await rejectsWith(run(returning(body)), 'V-43');
    }
  });

  it('V-68: refuses a non-iterable body, a sync iterator yielding Promises, and text Readables', async () => {
    await rejectsWith(run(returning({ not: 'iterable' })), 'V-68');
    await rejectsWith(run(returning(7)), 'V-68');
    const promises = (function* body() {
      yield Promise.resolve(bytes('x'));
    })();
    await rejectsWith(run(returning(promises)), 'V-68');
    await rejectsWith(run(returning(Readable.from(['text'], { objectMode: true }))), 'V-68');
    const encoded = Readable.from([Buffer.from('x')], { objectMode: false });
    encoded.setEncoding('utf8');
    await rejectsWith(run(returning(encoded)), 'V-68');
  });

  it('accepts a binary Readable', async () => {
    const { warnings, chunks } = await run(returning(Readable.from([Buffer.from('ab'), Buffer.from('c')], { objectMode: false })));
    expect(warnings).toEqual([]);
    expect(Buffer.concat(chunks as Buffer[]).toString()).toBe('abc');
  });

  it('closes the app body when the validator refuses it', async () => {
    let closed = 0;
    const body = Object.assign([bytes('x')], { close: () => closed++ });
    await rejectsWith(run(returning(body, [['Content-Length', '0']])), 'V-73');
    expect(closed).toBe(1);
  });
});

describe('body iteration', () => {
  it('V-44: refuses next() after close()', async () => {
    const { body } = await serve(returning((function* chunks() {
      yield bytes('a');
      yield bytes('b');
    })()));
    const iterator = (body as Iterable<Uint8Array>)[Symbol.iterator]();
    iterator.next();
    body.close?.();
    expect(() => iterator.next()).toThrow(expect.objectContaining({ rule: 'V-44' }));
  });

  it('V-45: the wsgiref profile refuses a chunk that is not bytes', async () => {
    await rejectsWith(run(returning(['text']), { options: { profile: 'wsgiref' } }), 'V-45');
  });

  it('V-46: the wsgiref profile refuses any chunk, even empty, before startResponse', async () => {
    const app: NativeApp = (_environ, startResponse) =>
      (function* chunks() {
        yield new Uint8Array(0);
        startResponse('200 OK', TEXT);
        yield bytes('x');
      })();
    await rejectsWith(run(app, { options: { profile: 'wsgiref' } }), 'V-46');
    // The default profile lets empty chunks come first (N-108).
    const { warnings, chunks } = await run(app);
    expect(warnings).toEqual([]);
    expect(chunks).toHaveLength(2);
  });

  it('V-47: warns when a body wrapper is collected without close() (registry callback called directly)', () => {
    // Garbage collection cannot be forced reliably in a test, so this calls the function the
    // FinalizationRegistry calls.
    const { warnings, options } = collecting();
    const inv = new Invocation(new Reporter(options), makeEnviron());
    const unclosed = new BodyObserver(inv, [], 'sync');
    reportUnclosedBody(unclosed);
    expect(rulesOf(warnings)).toEqual(['V-47']);
    const closed = new BodyObserver(inv, [], 'sync');
    closed.close();
    reportUnclosedBody(closed);
    expect(rulesOf(warnings)).toEqual(['V-47']);
  });

  it('V-69: refuses a body that ends, or yields bytes, without startResponse', async () => {
    await rejectsWith(run(() => []), 'V-69');
    await rejectsWith(run(() => (function* chunks() {})()), 'V-69');
    await rejectsWith(run(() => (async function* chunks() {
      yield bytes('x');
    })()), 'V-69');
  });

  it('V-70: refuses a chunk that is not a Uint8Array', async () => {
    await rejectsWith(run(returning(['text'])), 'V-70');
    await rejectsWith(run(returning((function* chunks() {
      yield new Uint16Array(2);
    })())), 'V-70');
    await rejectsWith(run(returning((async function* chunks() {
      yield new ArrayBuffer(2);
    })())), 'V-70');
  });

  it('V-71: refuses a server that calls next() while the previous next() is pending', async () => {
    const { body } = await serve(returning((async function* chunks() {
      yield bytes('a');
      yield bytes('b');
    })()));
    const iterator = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    const first = iterator.next();
    await expect(iterator.next()).rejects.toMatchObject({ rule: 'V-71' });
    await expect(first).resolves.toMatchObject({ done: false });
    await body.close?.();
  });

  it('V-72: warns when the server closes the body twice, and forwards both calls', async () => {
    let closed = 0;
    const { body, warnings } = await serve(returning(Object.assign([], { close: () => closed++ })));
    body.close?.();
    body.close?.();
    expect(rulesOf(warnings)).toEqual(['V-72']);
    expect(closed).toBe(2);
  });

  it('V-73: refuses body bytes past the declared Content-Length', async () => {
    await rejectsWith(run(returning([bytes('abc'), bytes('def')], [['Content-Length', '4']])), 'V-73');
    const generated = (function* chunks() {
      yield bytes('abc');
      yield bytes('def');
    })();
    await rejectsWith(run(returning(generated, [['Content-Length', '4']])), 'V-73');
  });

  it('V-74: warns when a body read to its end is shorter than Content-Length (not for HEAD, not when stopped early)', async () => {
    const short = await run(returning([bytes('abc')], [['Content-Length', '5']]));
    expect(rulesOf(short.warnings)).toEqual(['V-74']);
    const head = await run(returning([], [['Content-Length', '5']]), { environ: makeEnviron({ REQUEST_METHOD: 'HEAD' }) });
    expect(head.warnings).toEqual([]);
    const stopped = await run(returning((function* chunks() {
      yield bytes('abc');
      yield bytes('de');
    })(), [['Content-Length', '5']]), { stopAfter: 1 });
    expect(stopped.warnings).toEqual([]);
  });

  it('V-75: warns about Content-Length or body bytes in 204 and 304 responses', async () => {
    const noContent: NativeApp = (_environ, startResponse) => {
      startResponse('204 No Content', [['Content-Length', '5']]);
      return [];
    };
    expect(rulesOf((await run(noContent)).warnings)).toEqual(['V-75']);
    const notModified: NativeApp = (_environ, startResponse) => {
      startResponse('304 Not Modified', [['ETag', '"v1"']]);
      return [bytes('stale')];
    };
    expect(rulesOf((await run(notModified)).warnings)).toEqual(['V-75']);
  });

  it('V-76: warns about entity headers in a 304 response', async () => {
    const app: NativeApp = (_environ, startResponse) => {
      startResponse('304 Not Modified', [['ETag', '"v1"'], ['Content-Length', '10'], ['Expires', 'Thu, 01 Jan 2037 00:00:00 GMT']]);
      return [];
    };
    expect(rulesOf((await run(app)).warnings)).toEqual(['V-76']);
  });
});

describe('body kinds are preserved', () => {
  it('an Array body stays a genuine Array with its chunks and an own close()', async () => {
    const chunk = bytes('hello');
    let closed = 0;
    const original = Object.assign([chunk], { close: () => closed++ });
    const { body, warnings } = await serve(returning(original));
    expect(Array.isArray(body)).toBe(true);
    expect(body).not.toBe(original);
    expect((body as Uint8Array[]).length).toBe(1);
    expect((body as Uint8Array[])[0]).toBe(chunk);
    expect(Object.hasOwn(body, 'close')).toBe(true);
    body.close?.();
    expect(closed).toBe(1);
    expect(warnings).toEqual([]);
  });

  it('an Array body without close() still gets one', async () => {
    const { body, warnings } = await serve(returning([bytes('x')]));
    expect(typeof body.close).toBe('function');
    expect(body.close?.()).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('a sync iterable stays sync', async () => {
    const { body } = await serve(returning(new Set([bytes('a'), bytes('b')])));
    expect(typeof (body as Iterable<unknown>)[Symbol.iterator]).toBe('function');
    expect((body as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator]).toBeUndefined();
    expect([...(body as Iterable<Uint8Array>)].map((c) => Buffer.from(c).toString())).toEqual(['a', 'b']);
    body.close?.();
  });

  it('an async iterable stays async, and wins when a body is both (N-91)', async () => {
    const both = {
      *[Symbol.iterator]() {
        yield bytes('sync');
      },
      async *[Symbol.asyncIterator]() {
        yield bytes('async');
      },
    };
    const { chunks, body } = await run(returning(both));
    expect((body as Partial<Iterable<unknown>>)[Symbol.iterator]).toBeUndefined();
    expect(chunks.map((c) => Buffer.from(c as Uint8Array).toString())).toEqual(['async']);
  });

  it('forwards return() to the inner iterator when the server stops early (N-89)', async () => {
    const cleaned: string[] = [];
    const sync = (function* chunks() {
      try {
        yield bytes('a');
        yield bytes('b');
      } finally {
        cleaned.push('sync');
      }
    })();
    const asyncBody = (async function* chunks() {
      try {
        yield bytes('a');
        yield bytes('b');
      } finally {
        cleaned.push('async');
      }
    })();
    await run(returning(sync), { stopAfter: 1 });
    await run(returning(asyncBody), { stopAfter: 1 });
    expect(cleaned).toEqual(['sync', 'async']);
  });

  it('forwards close() to the app body, which keeps its own close result', async () => {
    const closing = Promise.resolve('closed');
    const body = Object.assign((function* chunks() {
      yield bytes('x');
    })(), { close: () => closing });
    const served = await serve(returning(body));
    expect(served.body.close?.()).toBe(closing);
  });
});

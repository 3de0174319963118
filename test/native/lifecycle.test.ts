import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/native/errors';
import { runApplication } from '../../src/native/lifecycle';
import { MemorySink } from '../../src/native/memory-sink';
import { buildEnviron } from '../../src/native/testing';
import type { Body, Environ, HeaderList, NativeApp, StartResponse } from '../../src/native/types';

const te = new TextEncoder();
const bytes = (s: string) => te.encode(s);
const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

interface Run {
  sink: MemorySink;
  environ: Environ;
  errors: unknown[];
  log: () => string;
}

async function run(app: NativeApp, environOptions: Parameters<typeof buildEnviron>[0] = {}, sink = new MemorySink()): Promise<Run> {
  const environ = buildEnviron(environOptions);
  const stream = environ['wsgi.errors'] as unknown as { text: string };
  const errors: unknown[] = [];
  await runApplication(app, environ, sink, { onError: (e) => errors.push(e) });
  return { sink, environ, errors, log: () => stream.text };
}

function ruleOf(error: unknown): string | undefined {
  return error instanceof ProtocolError ? error.rule : undefined;
}

const ok: HeaderList = [['Content-Type', 'text/plain']];

/** A body that records what the server did with it. */
function tracked(chunks: Uint8Array[], kind: 'sync' | 'async' = 'sync') {
  const calls = { next: 0, return: 0, close: 0 };
  let i = 0;
  const nextResult = (): IteratorResult<Uint8Array> => {
    calls.next++;
    return i < chunks.length ? { done: false, value: chunks[i++]! } : { done: true, value: undefined };
  };
  const iterator = {
    next: kind === 'sync' ? nextResult : async () => nextResult(),
    return: kind === 'sync'
      ? () => {
          calls.return++;
          return { done: true as const, value: undefined };
        }
      : async () => {
          calls.return++;
          return { done: true as const, value: undefined };
        },
  };
  const body = {
    [kind === 'sync' ? Symbol.iterator : Symbol.asyncIterator]: () => iterator,
    close() {
      calls.close++;
    },
  } as unknown as Body;
  return { body, calls };
}

describe('calling the app (N-6, N-8, N-13, N-14)', () => {
  it('N-6, N-13, N-14: calls the app once, with exactly environ and startResponse, positionally', async () => {
    const calls: unknown[][] = [];
    const environ = buildEnviron();
    await runApplication(function app(...args: unknown[]) {
      calls.push(args);
      (args[1] as StartResponse)('200 OK', ok);
      return [];
    } as unknown as NativeApp, environ, new MemorySink());
    expect(calls).toHaveLength(1);
    expect(calls[0]).toHaveLength(2);
    expect(calls[0]![0]).toBe(environ);
    expect(typeof calls[0]![1]).toBe('function');
  });

  it('N-8: never inspects the app: a zero-arity function, a bound method and an async arrow all work', async () => {
    class Site {
      greeting = bytes('bound');
      handle(_e: Environ, start: StartResponse) {
        start('200 OK', ok);
        return [this.greeting];
      }
    }
    const site = new Site();
    const apps: NativeApp[] = [
      function zeroArity() {
        // eslint-disable-next-line prefer-rest-params
        (arguments[1] as StartResponse)('200 OK', ok);
        return [bytes('zero')];
      } as unknown as NativeApp,
      site.handle.bind(site),
      async (_e, start) => (start('200 OK', ok), [bytes('async')]),
    ];
    const bodies = [];
    for (const app of apps) bodies.push(text((await run(app)).sink.body));
    expect(bodies).toEqual(['zero', 'bound', 'async']);
  });

  it('N-90: reads nothing of the body but the iteration protocol and close()', async () => {
    const touched = new Set<PropertyKey>();
    const target = {
      *[Symbol.iterator]() {
        yield bytes('x');
      },
      close() {},
      pipe() {
        throw new Error('must not be used');
      },
      length: 99,
    };
    const body = new Proxy(target, {
      get(t, key, receiver) {
        touched.add(key);
        return Reflect.get(t, key, receiver) as unknown;
      },
    });
    const { sink } = await run((_e, start) => (start('200 OK', ok), body));
    expect(text(sink.body)).toBe('x');
    // `then` is read once, to tell a Promise of a body from a body (N-11).
    expect(new Set([...touched].filter((k) => k !== 'then'))).toEqual(new Set(['close', Symbol.asyncIterator, Symbol.iterator]));
  });
});

describe('startResponse: status (N-54, D-N18)', () => {
  const cases: Array<[string, unknown, string]> = [
    ['no reason separator', '200OK', 'N-54'],
    ['trailing CRLF', '200 OK\r\n', 'N-54'],
    ['a control character', '200 O\x01K', 'N-54'],
    ['leading space', ' 200 OK', 'N-54'],
    ['two-digit code', '20 OK', 'N-54'],
    ['an integer', 200, 'N-1'],
    ['a character outside latin-1', '200 O€K', 'N-3'],
    ['an informational code', '100 Continue', 'D-N18'],
    ['a code above 599', '600 Nope', 'D-N18'],
  ];
  for (const [what, status, rule] of cases) {
    it(`${rule}: refuses a status with ${what}, and the client gets a 500`, async () => {
      let thrown: unknown;
      const { sink, log } = await run((_e, start) => {
        try {
          start(status as string, ok);
        } catch (e) {
          thrown = e;
          throw e;
        }
        return [];
      });
      expect(ruleOf(thrown)).toBe(rule);
      expect(sink.head?.code).toBe(500);
      expect(log()).toContain(`(${rule})`);
    });
  }

  it('N-54: accepts an empty reason phrase (RFC 9112 allows it)', async () => {
    const { sink } = await run((_e, start) => {
      start('204 ', []);
      return [];
    });
    expect(sink.head?.status).toBe('204 ');
  });
});

describe('startResponse: headers (N-56, N-58, N-59, N-62)', () => {
  const cases: Array<[string, unknown, string]> = [
    ['headers that are not an array', { 'Content-Type': 'text/plain' }, 'N-56'],
    ['an entry that is not a pair', [['Content-Type']], 'N-56'],
    ['a non-string value', [['Content-Length', 5]], 'N-56'],
    ['a name with a colon', [['Content-Type:', 'text/plain']], 'N-58'],
    ['a name with a space', [['Content Type', 'text/plain']], 'N-58'],
    ['an empty name', [['', 'x']], 'N-58'],
    ['a value with CR LF', [['X-A', 'a\r\nSet-Cookie: evil=1']], 'N-59'],
    ['a value with LF', [['X-A', 'a\n']], 'N-59'],
    ['a value with NUL', [['X-A', 'a\0b']], 'N-59'],
    ['a value with another control', [['X-A', 'a\x7Fb']], 'N-59'],
    ['a value outside latin-1', [['Content-Disposition', 'attachment; filename="€.txt"']], 'N-3'],
    ['two Content-Length headers', [['Content-Length', '1'], ['content-length', '1']], 'N-93'],
    ['a Content-Length that is not a number', [['Content-Length', '-1']], 'N-93'],
    ['a Status header', [['Status', '200 OK']], 'V-27'],
  ];
  for (const [what, headers, rule] of cases) {
    it(`${rule}: refuses ${what}`, async () => {
      let thrown: unknown;
      const { sink } = await run((_e, start) => {
        try {
          start('200 OK', headers as HeaderList);
        } catch (e) {
          thrown = e;
          throw e;
        }
        return [];
      });
      expect(ruleOf(thrown)).toBe(rule);
      expect(sink.head?.code).toBe(500);
    });
  }

  for (const name of ['Connection', 'Keep-Alive', 'Proxy-Authenticate', 'Proxy-Authorization', 'Proxy-Connection', 'TE', 'Trailer', 'Trailers', 'Transfer-Encoding', 'Upgrade']) {
    it(`N-62 (D-N20): refuses the hop-by-hop header ${name}`, async () => {
      let thrown: unknown;
      await run((_e, start) => {
        try {
          start('200 OK', [[name.toLowerCase(), 'x']]);
        } catch (e) {
          thrown = e;
        }
        return [];
      });
      expect(ruleOf(thrown)).toBe('N-62');
      expect(String((thrown as Error).message)).toContain(name.toLowerCase());
    });
  }

  it('D-N19: accepts HTAB inside a header value', async () => {
    const { sink } = await run((_e, start) => {
      start('200 OK', [['X-A', 'a\tb']]);
      return [];
    });
    expect(sink.head?.headers).toEqual([['X-A', 'a\tb']]);
  });

  it('N-3: the error names the header, the character and its index', async () => {
    let thrown: unknown;
    await run((_e, start) => {
      try {
        start('200 OK', [['X-Name', 'caf€']]);
      } catch (e) {
        thrown = e;
      }
      return [];
    });
    expect((thrown as Error).message).toMatch(/"X-Name".*U\+20AC.*index 3/);
  });
});

describe('startResponse: call order and excInfo (N-63…N-71, D-N2)', () => {
  it('N-67: a second call without excInfo throws', async () => {
    let thrown: unknown;
    const { sink } = await run((_e, start) => {
      start('200 OK', ok);
      try {
        start('404 Not Found', ok);
      } catch (e) {
        thrown = e;
      }
      return [bytes('x')];
    });
    expect(ruleOf(thrown)).toBe('N-67');
    expect(sink.head?.status).toBe('200 OK');
  });

  it('N-63, N-67: after a call that failed its checks, only an excInfo call may follow', async () => {
    const thrown: unknown[] = [];
    const { sink } = await run((_e, start) => {
      try {
        start('200 OK', [['Bad Name', 'x']]);
      } catch (e) {
        thrown.push(e);
      }
      try {
        start('200 OK', ok);
      } catch (e) {
        thrown.push(e);
      }
      start('500 Internal Server Error', ok, thrown[0]);
      return [bytes('recovered')];
    });
    expect(thrown.map(ruleOf)).toEqual(['N-58', 'N-67']);
    expect(sink.head?.status).toBe('500 Internal Server Error');
    expect(text(sink.body)).toBe('recovered');
  });

  it('N-70: excInfo before anything was sent replaces status and headers', async () => {
    const { sink } = await run((_e, start) => {
      function* body() {
        start('200 OK', [['Content-Type', 'text/html']]);
        try {
          throw new Error('template failed');
        } catch (e) {
          start('500 Oops', [['Content-Type', 'text/plain']], e);
          yield bytes('sorry');
        }
      }
      return body();
    });
    expect(sink.head?.status).toBe('500 Oops');
    expect(sink.head?.headers).toEqual([['Content-Type', 'text/plain']]);
    expect(text(sink.body)).toBe('sorry');
  });

  it('N-71: excInfo after the headers went out re-throws the original error and cuts the response', async () => {
    const original = new Error('late failure');
    let thrown: unknown;
    const { sink, errors } = await run((_e, start) => {
      function* body() {
        start('200 OK', ok);
        yield bytes('partial');
        try {
          start('500 Oops', ok, original);
        } catch (e) {
          thrown = e;
          throw e;
        }
      }
      return body();
    });
    expect(thrown).toBe(original);
    expect(errors).toEqual([original]);
    expect(sink.state).toBe('aborted');
    expect(text(sink.body)).toBe('partial');
  });

  it('D-N2: null is a supplied excInfo, undefined is not', async () => {
    let secondThrew = false;
    const { sink } = await run((_e, start) => {
      start('200 OK', ok);
      start('503 Busy', ok, null);
      try {
        start('502 Bad', ok, undefined);
      } catch {
        secondThrew = true;
      }
      return [];
    });
    expect(secondThrew).toBe(true);
    expect(sink.head?.status).toBe('503 Busy');
  });
});

describe('when headers are sent (N-64, N-66, N-92)', () => {
  it('N-64: startResponse alone sends nothing; the first non-empty chunk sends the headers', async () => {
    const sink = new MemorySink();
    const seen: Array<string | undefined> = [];
    const app: NativeApp = (_e, start) => {
      start('200 OK', ok);
      seen.push(sink.head?.status);
      return (function* () {
        yield new Uint8Array(0);
        seen.push(sink.head?.status);
        yield bytes('a');
        seen.push(sink.head?.status);
      })();
    };
    await run(app, {}, sink);
    expect(seen).toEqual([undefined, undefined, '200 OK']);
  });

  it('N-64: the first write() sends the headers, even an empty one', async () => {
    const sink = new MemorySink();
    let afterWrite: string | undefined;
    await run((_e, start) => {
      const write = start('200 OK', ok);
      void write(new Uint8Array(0));
      afterWrite = sink.head?.status;
      return [];
    }, {}, sink);
    expect(afterWrite).toBe('200 OK');
  });

  it('N-64: an exhausted body with nothing sent sends the headers at its end', async () => {
    const { sink } = await run((_e, start) => {
      start('200 OK', ok);
      return (function* () {})();
    });
    expect(sink.head?.status).toBe('200 OK');
    expect(sink.head?.framing).toBe('chunked');
    expect(sink.state).toBe('ended');
  });

  it('N-66: startResponse may be called during the first iteration (sync and async)', async () => {
    for (const make of [
      (start: StartResponse) => (function* () { start('200 OK', ok); yield bytes('s'); })(),
      (start: StartResponse) => (async function* () { start('200 OK', ok); yield bytes('a'); })(),
    ]) {
      const { sink } = await run((_e, start) => make(start));
      expect(sink.head?.status).toBe('200 OK');
    }
  });

  it('N-66: a body that yields data before startResponse is an error, answered with 500', async () => {
    const { sink, errors } = await run(() => [bytes('x')]);
    expect(errors.map(ruleOf)).toEqual(['N-66']);
    expect(sink.head?.code).toBe(500);
  });

  it('N-68: a body that ends without startResponse is an error', async () => {
    const { sink, errors } = await run(() => []);
    expect(errors.map(ruleOf)).toEqual(['N-68']);
    expect(sink.head?.code).toBe(500);
  });

  it('N-92, N-110: empty chunks are accepted anywhere and skipped on the wire', async () => {
    const { sink } = await run((_e, start) => {
      start('200 OK', ok);
      return [new Uint8Array(0), bytes('a'), new Uint8Array(0), bytes('b')];
    });
    expect(sink.chunks.map(text)).toEqual(['a', 'b']);
  });
});

describe('write() (§12)', () => {
  it('N-68: write() whose startResponse was replaced by a failed excInfo call throws', async () => {
    let thrown: unknown;
    await run((_e, start) => {
      const write = start('200 OK', ok);
      try {
        start('not a status', ok, new Error('x'));
      } catch {
        // the app ignores the failed replacement and writes anyway
      }
      try {
        void write(bytes('x'));
      } catch (e) {
        thrown = e;
      }
      return [];
    });
    expect(ruleOf(thrown)).toBe('N-68');
  });

  it('N-78, N-81: write() data comes before the iterable, in order', async () => {
    const { sink } = await run(async (_e, start) => {
      const write = start('200 OK', ok);
      await write(bytes('one '));
      await write(bytes('two '));
      return [bytes('three')];
    });
    expect(text(sink.body)).toBe('one two three');
    expect(sink.head?.framing).toBe('chunked');
  });

  it('N-82 (D-N8): write() after the app returned throws', async () => {
    let thrown: unknown;
    await run((_e, start) => {
      const write = start('200 OK', ok);
      return (function* () {
        try {
          void write(bytes('late'));
        } catch (e) {
          thrown = e;
        }
        yield bytes('x');
      })();
    });
    expect(ruleOf(thrown)).toBe('N-82');
  });

  it('N-123: write() refuses a string', async () => {
    let thrown: unknown;
    await run((_e, start) => {
      const write = start('200 OK', ok);
      try {
        void write('text' as unknown as Uint8Array);
      } catch (e) {
        thrown = e;
      }
      return [];
    });
    expect(ruleOf(thrown)).toBe('N-123');
  });

  it('N-83: write() past Content-Length throws; what fits is sent and the response stays whole', async () => {
    let thrown: unknown;
    const { sink } = await run(async (_e, start) => {
      const write = start('200 OK', [['Content-Length', '4']]);
      try {
        await write(bytes('abcdef'));
      } catch (e) {
        thrown = e;
      }
      return [];
    });
    expect(ruleOf(thrown)).toBe('N-83');
    expect(text(sink.body)).toBe('abcd');
    expect(sink.state).toBe('ended');
  });

  it('D-N7: write() waits for the transport to drain', async () => {
    const sink = new MemorySink();
    sink.block();
    let resolved = false;
    const done = run(async (_e, start) => {
      const write = start('200 OK', ok);
      await write(bytes('a'));
      resolved = true;
      return [];
    }, {}, sink);
    await new Promise((r) => setTimeout(r, 10));
    expect(resolved).toBe(false);
    sink.unblock();
    await done;
    expect(resolved).toBe(true);
  });

  it('D-N7: an unawaited write() that fails after a disconnect is not an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const sink = new MemorySink();
      sink.block();
      await run(async (_e, start) => {
        const write = start('200 OK', ok);
        void write(bytes('a'));
        sink.disconnect();
        void write(bytes('b'));
        return [];
      }, {}, sink);
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('bodies (N-9, N-85, N-91, D-N4)', () => {
  const notBodies: Array<[string, unknown]> = [
    ['a string', 'Hello World\n'],
    ['a Uint8Array', bytes('Hello')],
    ['an ArrayBuffer', new ArrayBuffer(2)],
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a plain object', { body: 'x' }],
  ];
  for (const [what, value] of notBodies) {
    it(`N-9: returning ${what} is an error, answered with 500`, async () => {
      const { sink, errors } = await run((_e, start) => {
        start('200 OK', ok);
        return value as Body;
      });
      expect(errors.map(ruleOf)).toEqual(['N-9']);
      expect(sink.head?.code).toBe(500);
      expect(text(sink.body)).toBe('Internal Server Error\n');
    });
  }

  it('N-9: a yielded string is an error that names what was yielded', async () => {
    const { errors, sink } = await run((_e, start) => {
      start('200 OK', ok);
      return ['Hello World\n' as unknown as Uint8Array];
    });
    expect(errors.map(ruleOf)).toEqual(['N-9']);
    expect((errors[0] as Error).message).toContain('"Hello World\\n"');
    expect(sink.head?.code).toBe(500);
  });

  it('N-91: a body with both protocols is iterated asynchronously', async () => {
    const body = {
      *[Symbol.iterator]() {
        yield bytes('sync');
      },
      async *[Symbol.asyncIterator]() {
        yield bytes('async');
      },
    };
    const { sink } = await run((_e, start) => {
      start('200 OK', ok);
      return body;
    });
    expect(text(sink.body)).toBe('async');
  });

  it('N-91: a sync iterable that yields a Promise is refused', async () => {
    const { errors } = await run((_e, start) => {
      start('200 OK', ok);
      return [Promise.resolve(bytes('x'))] as unknown as Body;
    });
    expect(errors.map(ruleOf)).toEqual(['N-9']);
    const { errors: genErrors } = await run((_e, start) => {
      start('200 OK', ok);
      return (function* () {
        yield Promise.resolve(bytes('x'));
      })() as unknown as Body;
    });
    expect(genErrors.map(ruleOf)).toEqual(['N-91']);
  });

  it('N-85, N-107: the next chunk is not requested while the transport is full', async () => {
    const sink = new MemorySink();
    sink.block();
    const { body, calls } = tracked([bytes('a'), bytes('b'), bytes('c')]);
    const done = run((_e, start) => {
      start('200 OK', ok);
      return body;
    }, {}, sink);
    await new Promise((r) => setTimeout(r, 10));
    expect(calls.next).toBe(1);
    expect(sink.chunks.map(text)).toEqual(['a']);
    sink.unblock();
    await done;
    expect(sink.chunks.map(text)).toEqual(['a', 'b', 'c']);
  });

  it('a sync app with an Array body finishes synchronously, without a Promise', () => {
    const sink = new MemorySink();
    const result = runApplication((_e, start) => {
      start('200 OK', ok);
      return [bytes('Hello World\n')];
    }, buildEnviron(), sink);
    expect(result).toBeUndefined();
    expect(sink.state).toBe('ended');
    expect(text(sink.body)).toBe('Hello World\n');
  });

  it('a sync generator body also finishes synchronously', () => {
    const sink = new MemorySink();
    const result = runApplication((_e, start) => {
      start('200 OK', ok);
      return (function* () {
        yield bytes('a');
        yield bytes('b');
      })();
    }, buildEnviron(), sink);
    expect(result).toBeUndefined();
    expect(text(sink.body)).toBe('ab');
  });

  it('D-N4: a Node Readable is a body', async () => {
    const { Readable } = await import('node:stream');
    const { sink } = await run((_e, start) => {
      start('200 OK', ok);
      return Readable.from([Buffer.from('from '), Buffer.from('a stream')]);
    });
    expect(text(sink.body)).toBe('from a stream');
  });
});

describe('framing (D-N22, N-96, N-97)', () => {
  it('N-96: a one-element Array without write() gets a computed Content-Length', async () => {
    const { sink } = await run((_e, start) => {
      start('200 OK', ok);
      return [bytes('Hello')];
    });
    expect(sink.head?.framing).toBe('length');
    expect(sink.head?.headers).toContainEqual(['Content-Length', '5']);
  });

  it('N-57, N-96: the computed length does not change the app\'s header array', async () => {
    const shared: HeaderList = [['Content-Type', 'text/plain']];
    await run((_e, start) => {
      start('200 OK', shared);
      return [bytes('Hello')];
    });
    expect(shared).toEqual([['Content-Type', 'text/plain']]);
  });

  it('N-96 (D-N5): two chunks, a generator, or a write() get no computed length', async () => {
    const apps: NativeApp[] = [
      (_e, start) => (start('200 OK', ok), [bytes('a'), bytes('b')]),
      (_e, start) => (start('200 OK', ok), (function* () { yield bytes('a'); })()),
      (_e, start) => {
        void start('200 OK', ok)(new Uint8Array(0));
        return [bytes('a')];
      },
    ];
    for (const app of apps) {
      const { sink } = await run(app);
      expect(sink.head?.framing).toBe('chunked');
      expect(sink.head?.headers.some(([n]) => n === 'Content-Length')).toBe(false);
    }
  });

  it('N-97: without a length an HTTP/1.1 client gets chunked framing, an HTTP/1.0 one close-delimited', async () => {
    const app: NativeApp = (_e, start) => (start('200 OK', ok), [bytes('a'), bytes('b')]);
    expect((await run(app, {}, new MemorySink({ canChunk: true }))).sink.head?.framing).toBe('chunked');
    expect((await run(app, { protocol: 'HTTP/1.0' }, new MemorySink({ canChunk: false }))).sink.head?.framing).toBe('close');
  });

  it('N-93 (D-N21): a body past its Content-Length is truncated and iteration stops', async () => {
    const { body, calls } = tracked([bytes('abc'), bytes('def'), bytes('ghi')]);
    const { sink, errors } = await run((_e, start) => {
      start('200 OK', [['Content-Length', '5']]);
      return body;
    });
    expect(text(sink.body)).toBe('abcde');
    expect(sink.state).toBe('ended');
    expect(calls.next).toBe(2);
    expect(calls.return).toBe(1);
    expect(calls.close).toBe(1);
    expect(errors.map(ruleOf)).toEqual(['N-93']);
  });

  it('N-94 (D-N21): a body short of its Content-Length cuts the connection and is logged', async () => {
    const { sink, errors, log } = await run((_e, start) => {
      start('200 OK', [['Content-Length', '10']]);
      return [bytes('abc')];
    });
    expect(sink.state).toBe('aborted');
    expect(errors.map(ruleOf)).toEqual(['N-94']);
    expect(log()).toContain('after 3 of its declared Content-Length of 10 bytes');
  });
});

describe('responses without a body (N-100…N-103)', () => {
  it('N-101, N-103: HEAD sends the headers a GET would, no body, no synthesized length', async () => {
    const app: NativeApp = (_e, start) => (start('200 OK', ok), [bytes('Hello'), bytes(' World')]);
    const { sink } = await run(app, { method: 'HEAD' });
    expect(sink.head?.framing).toBe('none');
    expect(sink.head?.headers).toEqual(ok);
    expect(sink.chunks).toEqual([]);
    expect(sink.state).toBe('ended');
  });

  it('N-103: HEAD does not compute a length even for a one-element Array', async () => {
    const { sink } = await run((_e, start) => (start('200 OK', ok), [bytes('Hello')]), { method: 'HEAD' });
    expect(sink.head?.headers).toEqual(ok);
  });

  it('N-103: an app-supplied Content-Length passes through on HEAD and a short body is not an error', async () => {
    const { sink, errors } = await run((_e, start) => {
      start('200 OK', [['Content-Length', '1000']]);
      return [];
    }, { method: 'HEAD' });
    expect(sink.head?.headers).toEqual([['Content-Length', '1000']]);
    expect(sink.state).toBe('ended');
    expect(errors).toEqual([]);
  });

  it('N-102: HEAD iterates until the headers are settled, then stops and closes', async () => {
    const { body, calls } = tracked([bytes(''), bytes('a'), bytes('b')]);
    const app: NativeApp = (_e, start) => {
      start('200 OK', ok);
      return body;
    };
    const { sink } = await run(app, { method: 'HEAD' });
    expect(sink.head?.status).toBe('200 OK');
    expect(calls.next).toBe(2);
    expect(calls.return).toBe(1);
    expect(calls.close).toBe(1);
  });

  it('N-102: HEAD sees a startResponse made in the first iteration', async () => {
    const { sink } = await run((_e, start) => (function* () {
      start('201 Created', ok);
      yield bytes('x');
    })(), { method: 'HEAD' });
    expect(sink.head?.status).toBe('201 Created');
  });

  it('N-18: HEAD handling uses the method as received, even if the app changes the environ', async () => {
    const { sink } = await run((environ, start) => {
      environ.REQUEST_METHOD = 'GET';
      start('200 OK', ok);
      return [bytes('x'), bytes('y')];
    }, { method: 'HEAD' });
    expect(sink.chunks).toEqual([]);
  });

  it('N-100: a 204 carries no body and no Content-Length', async () => {
    const { sink } = await run((_e, start) => {
      start('204 No Content', [['Content-Length', '3']]);
      return [bytes('abc')];
    });
    expect(sink.head?.framing).toBe('none');
    expect(sink.head?.headers).toEqual([]);
    expect(sink.chunks).toEqual([]);
  });

  it('N-100: a 304 carries no body but keeps its Content-Length', async () => {
    const { sink } = await run((_e, start) => {
      start('304 Not Modified', [['Content-Length', '3'], ['ETag', '"x"']]);
      return [bytes('abc')];
    });
    expect(sink.head?.framing).toBe('none');
    expect(sink.head?.headers).toEqual([['Content-Length', '3'], ['ETag', '"x"']]);
    expect(sink.chunks).toEqual([]);
    expect(sink.state).toBe('ended');
  });
});

describe('errors (N-75, N-76, D-N24)', () => {
  it('D-N24: a throw before anything was sent gives a 500 without details', async () => {
    const { sink, errors, log } = await run(() => {
      throw new Error('secret database password in message');
    });
    expect(sink.head?.code).toBe(500);
    expect(text(sink.body)).toBe('Internal Server Error\n');
    expect(errors).toHaveLength(1);
    expect(log()).toContain('secret database password in message');
  });

  it('N-11, D-N24: a rejected async app counts as raising, and gets a 500', async () => {
    const { sink } = await run(async () => {
      throw new Error('async failure');
    });
    expect(sink.head?.code).toBe(500);
  });

  it('D-N24: the 500 body is configurable', async () => {
    const sink = new MemorySink();
    await runApplication(() => {
      throw new Error('x');
    }, buildEnviron(), sink, { errorBody: 'We are sorry.\n' });
    expect(text(sink.body)).toBe('We are sorry.\n');
    expect(sink.head?.headers).toContainEqual(['Content-Length', '14']);
  });

  it('D-N24: a 500 to HEAD has no body', async () => {
    const { sink } = await run(() => {
      throw new Error('x');
    }, { method: 'HEAD' });
    expect(sink.head?.code).toBe(500);
    expect(sink.head?.framing).toBe('none');
    expect(sink.chunks).toEqual([]);
  });

  it('N-76: a throw after the headers went out cuts the connection', async () => {
    const { sink } = await run((_e, start) => {
      start('200 OK', ok);
      return (function* () {
        yield bytes('partial');
        throw new Error('boom');
      })();
    });
    expect(sink.head?.code).toBe(200);
    expect(sink.state).toBe('aborted');
  });

  it('N-75: a thrown non-Error is logged and answered', async () => {
    const { sink, log } = await run(() => {
      throw 'just a string';
    });
    expect(sink.head?.code).toBe(500);
    expect(log()).toContain('"just a string"');
  });

  it('N-75: the log names the request by the target the client sent, not the latin-1 view of its bytes', async () => {
    const { log } = await run(() => {
      throw new Error('no such page');
    }, { path: '/caf%C3%A9', query: 'q=1' });
    expect(log()).toContain('tsgi: GET /caf%C3%A9?q=1: application error: Error: no such page');
    const withoutTarget = buildEnviron({ path: '/caf%C3%A9' });
    delete withoutTarget.REQUEST_URI;
    const sink = new MemorySink();
    let written = '';
    withoutTarget['wsgi.errors'] = { write: (text: string) => void (written += text), writelines() {}, flush() {} };
    await runApplication(() => {
      throw new Error('x');
    }, withoutTarget, sink);
    expect(written).toContain('tsgi: GET /caf%C3%A9: application error');
  });

  it('N-75: errors go to the environ\'s wsgi.errors, captured before the app could replace it', async () => {
    const { log } = await run((environ) => {
      environ['wsgi.errors'] = { write() {}, writelines() {}, flush() {} };
      throw new Error('visible');
    });
    expect(log()).toContain('visible');
  });

  it('a failing transport does not crash the exchange', async () => {
    class BrokenSink extends MemorySink {
      override write(): boolean {
        throw new Error('EPIPE');
      }
    }
    const sink = new BrokenSink();
    const { body, calls } = tracked([bytes('a'), bytes('b')]);
    await run((_e, start) => (start('200 OK', ok), body), {}, sink);
    expect(calls.close).toBe(1);
  });
});

describe('close() (N-88, N-89, D-N6)', () => {
  it('N-88: close() runs once after a normal end', async () => {
    const { body, calls } = tracked([bytes('a')]);
    await run((_e, start) => (start('200 OK', ok), body));
    expect(calls).toEqual({ next: 2, return: 0, close: 1 });
  });

  it('N-88: close() runs once when the iteration throws', async () => {
    let closed = 0;
    const body = Object.assign(
      (function* () {
        yield bytes('a');
        throw new Error('x');
      })(),
      { close: () => void closed++ },
    );
    await run((_e, start) => (start('200 OK', ok), body));
    expect(closed).toBe(1);
  });

  it('N-88: close() runs once when the app returns a body that is never iterated (the client left first)', async () => {
    const sink = new MemorySink();
    const { body, calls } = tracked([bytes('a')], 'async');
    await run(async (_e, start) => {
      start('200 OK', ok);
      sink.disconnect();
      return body;
    }, {}, sink);
    expect(calls).toEqual({ next: 0, return: 0, close: 1 });
  });

  it('N-88, N-89: a client that disconnects mid-body causes return() and close(), and is not a normal finish', async () => {
    const sink = new MemorySink();
    let finallyRan = false;
    let closed = 0;
    let release: () => void = () => {};
    const body = Object.assign(
      (async function* () {
        try {
          yield bytes('first');
          await new Promise<void>((r) => (release = r));
          yield bytes('never sent');
        } finally {
          finallyRan = true;
        }
      })(),
      { close: () => void closed++ },
    );
    const done = run((_e, start) => (start('200 OK', ok), body), {}, sink);
    await new Promise((r) => setTimeout(r, 10));
    sink.disconnect();
    await done;
    expect(closed).toBe(1);
    expect(sink.state).toBe('aborted');
    expect(sink.chunks.map(text)).toEqual(['first']);
    release();
    await new Promise((r) => setTimeout(r, 10));
    expect(finallyRan).toBe(true);
  });

  it('N-88: a body parked forever in next() is still closed when the client leaves', async () => {
    const sink = new MemorySink();
    let closed = 0;
    const body = {
      [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<Uint8Array>>(() => {}) }),
      close: () => void closed++,
    };
    const done = run((_e, start) => (start('200 OK', ok), body), {}, sink);
    await new Promise((r) => setTimeout(r, 10));
    sink.disconnect();
    await done;
    expect(closed).toBe(1);
  });

  it('D-N6: close() is awaited and its failure is logged, not thrown', async () => {
    let closedAt = 0;
    const { sink, log } = await run((_e, start) => {
      start('200 OK', ok);
      return Object.assign([bytes('a')], {
        close: async () => {
          await new Promise((r) => setTimeout(r, 5));
          closedAt = Date.now();
          throw new Error('close failed');
        },
      });
    });
    expect(closedAt).toBeGreaterThan(0);
    expect(sink.state).toBe('ended');
    expect(log()).toContain('close failed');
  });

  it('D-N6: close() runs when the iteration never began (HEAD of an async body)', async () => {
    const { body, calls } = tracked([bytes('a')], 'async');
    await run((_e, start) => (start('200 OK', ok), body), { method: 'HEAD' });
    expect(calls.close).toBe(1);
  });
});

describe('request errors (RequestError)', () => {
  it('a RequestError that reaches the lifecycle before anything was sent gets its 4xx, not a 500', async () => {
    const { RequestError } = await import('../../src/native/errors');
    const { sink } = await run(async () => {
      throw new RequestError(413, 'too big');
    });
    expect(sink.head?.status).toBe('413 Content Too Large');
    expect(text(sink.body)).toBe('Content Too Large\n');
  });

  it('a truncated upload read by the app gives 400', async () => {
    const { sink } = await run(async (environ, start) => {
      await environ['wsgi.input'].read();
      start('200 OK', ok);
      return [];
    }, { method: 'POST', headers: { 'Content-Length': '100' }, body: (async function* () { yield bytes('short'); })() });
    expect(sink.head?.code).toBe(400);
  });
});

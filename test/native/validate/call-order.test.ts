import { describe, expect, it } from 'vitest';
import type { NativeApp, StartResponse, Write } from '../../../src/native/types';
import { validator } from '../../../src/native/validate';
import { Invocation } from '../../../src/native/validate/invocation';
import { Reporter } from '../../../src/native/validate/report';
import { createWrite } from '../../../src/native/validate/write';
import { bytes, collecting, FakeServer, makeEnviron, rulesOf, run, TEXT } from './harness';

function rejectsWith(promise: Promise<unknown>, rule: string): Promise<void> {
  return expect(promise).rejects.toMatchObject({ name: 'ValidationError', rule });
}

describe('call order: startResponse', () => {
  it('V-61: refuses a second startResponse without excInfo', async () => {
    const app: NativeApp = (_environ, startResponse) => {
      startResponse('200 OK', TEXT);
      startResponse('404 Not Found', TEXT);
      return [];
    };
    await rejectsWith(run(app), 'V-61');
  });

  it('V-61: counts a first call that threw', async () => {
    const app: NativeApp = (_environ, startResponse) => {
      try {
        startResponse('200 OK\r\n', TEXT);
      } catch {
        // The app tries again, without excInfo: still a second call (N-67).
      }
      startResponse('200 OK', TEXT);
      return [];
    };
    await rejectsWith(run(app), 'V-61');
  });

  it('V-61: accepts a second call that carries excInfo before headers were sent', async () => {
    const app: NativeApp = (_environ, startResponse) => {
      startResponse('200 OK', TEXT);
      startResponse('500 Internal Server Error', TEXT, new Error('changed my mind'));
      return [bytes('oops')];
    };
    const { warnings, server } = await run(app);
    expect(warnings).toEqual([]);
    expect(server.calls.map((call) => call[0])).toEqual(['200 OK', '500 Internal Server Error']);
  });

  it('V-62: flags a server that accepts excInfo after headers were sent', async () => {
    const server = new FakeServer();
    server.throwOnLateExcInfo = false;
    const app: NativeApp = async (_environ, startResponse) => {
      const write = startResponse('200 OK', TEXT);
      await write(bytes('partial'));
      startResponse('500 Internal Server Error', TEXT, new Error('late'));
      return [];
    };
    await rejectsWith(run(app, { server }), 'V-62');
  });

  it('V-62: counts the first non-empty chunk handed to the server as sending the headers', async () => {
    const server = new FakeServer();
    server.throwOnLateExcInfo = false;
    const app: NativeApp = (_environ, startResponse) => {
      startResponse('200 OK', TEXT);
      return (function* body() {
        yield new Uint8Array(0);
        // An empty chunk does not send the headers (N-64), so this call is legal.
        startResponse('500 Internal Server Error', TEXT, new Error('before any byte'));
        yield bytes('x');
        startResponse('500 Internal Server Error', TEXT, new Error('after a byte'));
      })();
    };
    await rejectsWith(run(app, { server }), 'V-62');
    expect(server.calls).toHaveLength(3);
  });

  it('V-63: refuses an app that swallows the error of a late excInfo call', async () => {
    const app: NativeApp = async (_environ, startResponse) => {
      const write = startResponse('200 OK', TEXT);
      await write(bytes('partial'));
      try {
        startResponse('500 Internal Server Error', TEXT, new Error('late'));
      } catch {
        // Trapped: N-72 says let it propagate.
      }
      return [];
    };
    await rejectsWith(run(app), 'V-63');
  });

  it('V-63: refuses a body that swallows the error of a late excInfo call', async () => {
    const app: NativeApp = (_environ, startResponse) => {
      startResponse('200 OK', TEXT);
      return (async function* body() {
        yield bytes('partial');
        try {
          startResponse('500 Internal Server Error', TEXT, new Error('late'));
        } catch {
          // Trapped.
        }
        yield bytes('more');
      })();
    };
    await rejectsWith(run(app), 'V-63');
  });

  it('V-63: accepts an app that lets the error propagate', async () => {
    const late = new Error('late');
    const app: NativeApp = async (_environ, startResponse) => {
      const write = startResponse('200 OK', TEXT);
      await write(bytes('partial'));
      startResponse('500 Internal Server Error', TEXT, late);
      return [];
    };
    await expect(run(app)).rejects.toBe(late);
  });

  it('V-64: warns about startResponse called after the app returned, outside iteration', async () => {
    let saved: StartResponse | undefined;
    const app: NativeApp = (_environ, startResponse) => {
      saved = startResponse;
      startResponse('200 OK', TEXT);
      return [];
    };
    const { warnings } = await run(app);
    expect(warnings).toEqual([]);
    saved?.('500 Internal Server Error', TEXT, new Error('from a timer'));
    expect(rulesOf(warnings)).toEqual(['V-64']);
  });

  it('V-64: accepts startResponse inside the first step of body iteration (N-66)', async () => {
    const app: NativeApp = (_environ, startResponse) =>
      (function* body() {
        startResponse('200 OK', TEXT);
        yield bytes('hi');
      })();
    const { warnings, chunks } = await run(app);
    expect(warnings).toEqual([]);
    expect(chunks).toHaveLength(1);
  });
});

describe('call order: write', () => {
  it('V-35: refuses write() with something other than a Uint8Array', async () => {
    const app: NativeApp = async (_environ, startResponse) => {
      const write = startResponse('200 OK', TEXT) as (chunk: unknown) => Promise<void>;
      await write('text');
      return [];
    };
    await rejectsWith(run(app), 'V-35');
  });

  it('V-65: refuses write() before startResponse (checked on the write wrapper itself)', () => {
    // Through the validator, write only exists after startResponse returned, so V-65 cannot
    // be reached end to end; the wrapper still guards it.
    const { warnings, options } = collecting();
    const inv = new Invocation(new Reporter(options), makeEnviron());
    const server = new FakeServer();
    const write = createWrite(inv, server.write);
    expect(() => write(bytes('x'))).toThrow(expect.objectContaining({ rule: 'V-65' }));
    expect(server.written).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('V-66: refuses write() from the body iterator', async () => {
    const app: NativeApp = (_environ, startResponse) => {
      const write = startResponse('200 OK', TEXT);
      return (function* body() {
        void write(bytes('from the body'));
        yield bytes('x');
      })();
    };
    await rejectsWith(run(app), 'V-66');
  });

  it('V-66: refuses write() after the app Promise settled', async () => {
    let saved: Write | undefined;
    const app: NativeApp = async (_environ, startResponse) => {
      saved = startResponse('200 OK', TEXT);
      return [];
    };
    await run(app);
    expect(() => saved?.(bytes('late'))).toThrow(expect.objectContaining({ rule: 'V-66' }));
  });

  it('V-67: warns about write() while the previous write() is pending', async () => {
    const server = new FakeServer();
    const waiting: Array<() => void> = [];
    server.writeResult = () => new Promise<void>((resolve) => waiting.push(resolve));
    const app: NativeApp = async (_environ, startResponse) => {
      const write = startResponse('200 OK', TEXT);
      const first = write(bytes('a'));
      const second = write(bytes('b'));
      for (const resolve of waiting.splice(0)) resolve();
      await Promise.all([first, second]);
      server.writeResult = () => Promise.resolve();
      await write(bytes('c'));
      return [];
    };
    const { warnings } = await run(app, { server });
    expect(rulesOf(warnings)).toEqual(['V-67']);
  });

  it('V-73: refuses write() past the declared Content-Length', async () => {
    const server = new FakeServer();
    const app: NativeApp = async (_environ, startResponse) => {
      const write = startResponse('200 OK', [...TEXT, ['Content-Length', '3']]);
      await write(bytes('ab'));
      await write(bytes('cd'));
      return [];
    };
    await rejectsWith(run(app, { server }), 'V-73');
    expect(server.written.map((chunk) => Buffer.from(chunk).toString())).toEqual(['ab']);
  });

  it('returns the server write() result unchanged', async () => {
    const server = new FakeServer();
    const pending = Promise.resolve();
    server.writeResult = () => pending;
    let returned: unknown;
    const app: NativeApp = (_environ, startResponse) => {
      returned = startResponse('200 OK', TEXT)(bytes('x'));
      return [];
    };
    const body = await validator(app)(makeEnviron(), server.startResponse);
    body.close?.();
    expect(returned).toBe(pending);
  });
});

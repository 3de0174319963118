import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Body, NativeApp } from '../../../src/native/types';
import { ValidationError, validator } from '../../../src/native/validate';
import { RULES } from '../../../src/native/validate/rules';
import { bytes, FakeServer, helloApp, makeEnviron, rulesOf, run, TEXT } from './harness';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('validator', () => {
  it('lets a correct sync app through without errors or warnings', async () => {
    const { warnings, chunks, server } = await run(helloApp);
    expect(warnings).toEqual([]);
    expect(chunks.map((c) => Buffer.from(c as Uint8Array).toString())).toEqual(['hello']);
    expect(server.calls).toHaveLength(1);
  });

  it('lets a correct async app with write() and an async body through', async () => {
    const app: NativeApp = async (environ, startResponse) => {
      const input = environ['wsgi.input'];
      const posted = await input.read(Number(environ.CONTENT_LENGTH));
      environ['wsgi.errors'].write(`got ${posted.length} bytes\n`);
      const write = startResponse('201 Created', [
        ['Content-Type', 'application/octet-stream'],
        ['Content-Length', String(posted.length + 3)],
        ['ETag', '"v1"'],
        ['Location', '/items/1'],
      ]);
      await write(bytes('>> '));
      return (async function* echo() {
        yield new Uint8Array(0);
        yield posted;
      })();
    };
    const environ = makeEnviron({ REQUEST_METHOD: 'POST', CONTENT_LENGTH: '4', 'wsgi.input_terminated': false }, 'ping');
    const { warnings, chunks, server } = await run(app, { environ });
    expect(warnings).toEqual([]);
    expect(Buffer.concat([...server.written, ...(chunks as Uint8Array[])]).toString()).toBe('>> ping');
  });

  it("lets a correct app through under the wsgiref profile", async () => {
    const { warnings } = await run(helloApp, { options: { profile: 'wsgiref' } });
    expect(warnings).toEqual([]);
  });

  it('keeps a sync app sync and an async app async', () => {
    const server = new FakeServer();
    const syncResult = validator(helloApp)(makeEnviron(), server.startResponse);
    expect(Array.isArray(syncResult)).toBe(true);
    (syncResult as Body).close?.();
    const asyncApp: NativeApp = async (environ, startResponse) => helloApp(environ, startResponse);
    const asyncResult = validator(asyncApp)(makeEnviron(), new FakeServer().startResponse);
    expect(asyncResult).toBeInstanceOf(Promise);
    return (asyncResult as Promise<Body>).then((body) => body.close?.());
  });

  it('surfaces an E raised in the app call path as the app error, and app errors unchanged', async () => {
    const app: NativeApp = async (_environ, startResponse) => {
      startResponse('200 OK', [['X-Bad', 'a\nb']]);
      return [];
    };
    const result = validator(app)(makeEnviron(), new FakeServer().startResponse);
    await expect(result).rejects.toBeInstanceOf(ValidationError);
    const boom = new Error('boom');
    const failing: NativeApp = () => {
      throw boom;
    };
    expect(() => validator(failing)(makeEnviron(), new FakeServer().startResponse)).toThrow(boom);
  });

  it("'warn' mode never throws and reports every failure", async () => {
    const broken: NativeApp = (environ, startResponse) => {
      environ['wsgi.errors'].write(42 as unknown as string);
      startResponse('20 OK', [['Transfer-Encoding', 'chunked'], ['X-Name', '\u20ac']]);
      startResponse('200 OK', TEXT);
      return ['text', 5] as unknown as Body;
    };
    const environ = makeEnviron({ SERVER_PORT: 8080, HTTP_CONTENT_LENGTH: '1' });
    const { warnings, chunks, server } = await run(broken, { environ, options: { mode: 'warn' } });
    expect(rulesOf(warnings)).toEqual(['V-5', 'V-7', 'V-41', 'V-21', 'V-23', 'V-59', 'V-54', 'V-61', 'V-70', 'V-70']);
    // Nothing changed: the server saw both calls and the body as the app made it.
    expect(server.calls).toHaveLength(2);
    expect(chunks).toEqual(['text', 5]);
  });

  it("'warn' mode leaves a refused body untouched", async () => {
    const app: NativeApp = (_environ, startResponse) => {
      startResponse('200 OK', TEXT);
      return 'not a body' as unknown as Body;
    };
    const server = new FakeServer();
    const warnings: string[] = [];
    const result = validator(app, { mode: 'warn', onWarning: (w) => warnings.push(w.rule) })(makeEnviron(), server.startResponse);
    expect(result).toBe('not a body');
    expect(warnings).toEqual(['V-43']);
  });

  it('the wsgiref profile differs where the table says so', async () => {
    const headers: [string, string][] = [['Content-Type', 'text/plain'], ['X.Y', 'a\tb'], ['Connection', 'close']];
    const app: NativeApp = (_environ, startResponse) => {
      startResponse('200 OK', headers);
      return [];
    };
    const wsgiref = await run(app, { options: { profile: 'wsgiref', mode: 'warn' } });
    expect(rulesOf(wsgiref.warnings)).toEqual(['V-29', 'V-31']);
    const ours = await run(app, { options: { mode: 'warn' } });
    expect(rulesOf(ours.warnings)).toEqual(['V-56', 'V-59']);
  });

  it('ValidationError names the rule, its flavour, and how to fix the problem', async () => {
    const error = await run((_environ, startResponse) => {
      startResponse('200 OK', [...TEXT, ['X-Name', 'a\u20ac']]);
      return [];
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toBeInstanceOf(Error);
    const validation = error as ValidationError;
    expect(validation.name).toBe('ValidationError');
    expect(validation.rule).toBe('V-54');
    expect(validation.checkId).toBe('V-54');
    expect(validation.flavour).toBe('native');
    expect(validation.message).toBe(
      'V-54: header "X-Name" holds U+20AC at index 1, outside latin-1; encode it (RFC 8187 for parameters, percent-encoding for URLs) before passing it',
    );
  });

  it('sends warnings to process.emitWarning as WSGIWarning by default', async () => {
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const app = validator(helloApp);
    const body = app(makeEnviron({ REQUEST_METHOD: 'BREW' }), new FakeServer().startResponse) as Body;
    body.close?.();
    expect(emit).toHaveBeenCalledWith(expect.stringMatching(/^V-12: unknown REQUEST_METHOD "BREW"/), { type: 'WSGIWarning', code: 'V-12' });
  });

  it('has a test titled with each rule it implements', () => {
    const folder = fileURLToPath(new URL('.', import.meta.url));
    const titles = readdirSync(folder)
      .filter((name) => name.endsWith('.test.ts'))
      .map((name) => readFileSync(`${folder}/${name}`, 'utf8'))
      .join('\n');
    // The rule first, or in the list of ids that opens the title ('V-77, C-42: …').
    const missing = Object.keys(RULES).filter((rule) => !new RegExp(`it\\(\\s*["'\`](?:[A-Z]+-\\d+, )*${rule}[:,]`).test(titles));
    expect(missing).toEqual([]);
  });
});

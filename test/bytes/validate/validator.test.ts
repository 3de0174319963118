import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BytesApp, BytesBody, BytesHeaderList, BytesPoller, BytesResponse } from '../../../src/bytes/types';
import { bytesValidator, ValidationError } from '../../../src/bytes/validate';
import { BYTES_RULES } from '../../../src/bytes/validate/rules';
import { b, FakeErrors, helloApp, makeBytesEnviron, rulesOf, serve, settle, text, TEXT } from './harness';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('bytesValidator', () => {
  it('lets a correct sync app through without errors or warnings', async () => {
    const { warnings, chunks, response } = await serve(helloApp);
    expect(warnings).toEqual([]);
    expect(text(chunks)).toBe('hello');
    expect(Buffer.from((response as BytesResponse)[0]).toString()).toBe('200 OK');
  });

  it('lets a correct async app that reads its input and logs through, with an async body', async () => {
    const app: BytesApp = async (environ) => {
      const input = environ['web3.input'];
      const first = await input.readline(3);
      const rest = await input.read();
      environ['web3.errors'].write(`got ${first.length + rest.length} bytes\n`);
      environ['web3.errors'].writelines(['one\n', 'two\n']);
      await environ['web3.errors'].flush();
      return [
        b('201 Created'),
        [[b('Content-Type'), b('application/octet-stream')], [b('Content-Length'), b(String(first.length + rest.length + 3))]],
        (async function* echo() {
          yield new Uint8Array(0);
          yield b('>> ');
          yield first;
          yield rest;
        })(),
      ];
    };
    const errors = new FakeErrors();
    const environ = makeBytesEnviron({ 'web3.errors': errors }, 'ping\npong');
    const { warnings, chunks } = await serve(app, { environ });
    expect(warnings).toEqual([]);
    expect(text(chunks)).toBe('>> ping\npong');
    expect(errors.text).toEqual(['got 9 bytes\n', 'one\n', 'two\n']);
    expect(errors.flushes).toBe(1);
  });

  it('lets a correct poller app through', async () => {
    let polls = 0;
    const app: BytesApp = () => () => (++polls < 3 ? null : [b('200 OK'), TEXT, [b('late')]]);
    const { warnings, chunks } = await serve(app);
    expect(warnings).toEqual([]);
    expect(polls).toBe(3);
    expect(text(chunks)).toBe('late');
  });

  it('keeps a tuple a tuple: a genuine Array of three with the app\'s status and headers', () => {
    const status = b('200 OK');
    const headers = [...TEXT];
    const body = [b('x')];
    const returned = bytesValidator(() => [status, headers, body])(makeBytesEnviron());
    expect(Array.isArray(returned)).toBe(true);
    const tuple = returned as BytesResponse;
    expect(tuple).toHaveLength(3);
    expect(Object.getPrototypeOf(tuple)).toBe(Array.prototype);
    expect(tuple[0]).toBe(status);
    expect(tuple[1]).toBe(headers);
    expect(tuple[2]).not.toBe(body);
    expect([...(tuple[2] as Iterable<Uint8Array>)]).toEqual(body);
    tuple[2].close?.();
  });

  it('keeps a Promise a Promise, also for a bare thenable', async () => {
    const promised = bytesValidator(async () => helloApp(makeBytesEnviron()) as BytesResponse)(makeBytesEnviron());
    expect(promised).toBeInstanceOf(Promise);
    const tuple = await (promised as Promise<BytesResponse>);
    expect(Array.isArray(tuple)).toBe(true);
    await tuple[2].close?.();
    const thenable = { then: (resolve: (value: unknown) => void) => resolve(helloApp(makeBytesEnviron())) };
    const fromThenable = bytesValidator(() => thenable as unknown as Promise<BytesResponse>)(makeBytesEnviron());
    expect(fromThenable).toBeInstanceOf(Promise);
    await (await (fromThenable as Promise<BytesResponse>))[2].close?.();
  });

  it('keeps a poller a poller, which passes null through and checks the tuple when it comes', async () => {
    let ready = false;
    const inner: BytesPoller = () => (ready ? [b('200 OK'), TEXT, [b('x')]] : null);
    const poller = bytesValidator(() => inner)(makeBytesEnviron());
    expect(typeof poller).toBe('function');
    expect((poller as BytesPoller)()).toBeNull();
    ready = true;
    const tuple = (poller as BytesPoller)();
    expect(Array.isArray(tuple)).toBe(true);
    tuple?.[2].close?.();
    const bad = bytesValidator(() => () => [b('200OK'), TEXT, []])(makeBytesEnviron()) as BytesPoller;
    expect(() => bad()).toThrow(expect.objectContaining({ rule: 'V-95', flavour: 'bytes' }));
  });

  it('surfaces an E raised while checking a Promise as its rejection, and app errors unchanged', async () => {
    const rejected = bytesValidator(async () => [b('200 OK'), [[b('X-Bad'), b('a\nb')]], []])(makeBytesEnviron());
    await expect(rejected).rejects.toBeInstanceOf(ValidationError);
    const boom = new Error('boom');
    expect(() => bytesValidator(() => {
      throw boom;
    })(makeBytesEnviron())).toThrow(boom);
    await expect(bytesValidator(async () => {
      throw boom;
    })(makeBytesEnviron())).rejects.toBe(boom);
    const poller = bytesValidator(() => () => {
      throw boom;
    })(makeBytesEnviron()) as BytesPoller;
    expect(() => poller()).toThrow(boom);
  });

  it("'warn' mode never throws, reports every failure and changes nothing", async () => {
    const status = b('20 OK');
    const headers: BytesHeaderList = [[b('Transfer-Encoding'), b('chunked')], [b('X-A'), b('a\r\nb')]];
    const broken: BytesApp = (environ) => {
      environ['web3.errors'].write(b('bytes') as unknown as string);
      return [status, headers, ['text', 5] as unknown as BytesBody] as BytesResponse;
    };
    const environ = makeBytesEnviron({ SERVER_PORT: '8080', HTTP_CONTENT_LENGTH: b('1') });
    const { warnings, chunks, response } = await serve(broken, { environ, options: { mode: 'warn' } });
    expect(rulesOf(warnings)).toEqual(['V-85', 'V-91', 'V-101', 'V-95', 'V-96', 'V-96', 'V-98', 'V-98']);
    expect(warnings.every((w) => w.flavour === 'bytes')).toBe(true);
    expect((response as unknown[])[0]).toBe(status);
    expect((response as unknown[])[1]).toBe(headers);
    expect(chunks).toEqual(['text', 5]);
  });

  it("'warn' mode hands back a refused tuple untouched", () => {
    const warnings: string[] = [];
    const options = { mode: 'warn' as const, onWarning: (w: { rule: string }) => warnings.push(w.rule) };
    const bodyFirst = [[b('x')], b('200 OK'), TEXT];
    expect(bytesValidator(() => bodyFirst as unknown as BytesResponse, options)(makeBytesEnviron())).toBe(bodyFirst);
    const pair = [b('200 OK'), TEXT];
    expect(bytesValidator(() => pair as unknown as BytesResponse, options)(makeBytesEnviron())).toBe(pair);
    const bytesBody = [b('200 OK'), TEXT, b('hello')];
    expect(bytesValidator(() => bytesBody as unknown as BytesResponse, options)(makeBytesEnviron())).toBe(bytesBody);
    expect(warnings).toEqual(['V-94', 'V-92', 'V-97']);
  });

  it('ValidationError names the rule, the bytes flavour, the value as b"..." and the fix', async () => {
    const error = await serve(() => [b('200 OK'), [...TEXT, [b('X-Name'), b('a\x00b')]], []]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const validation = error as ValidationError;
    expect(validation.name).toBe('ValidationError');
    expect(validation.rule).toBe('V-96');
    expect(validation.checkId).toBe('V-96');
    expect(validation.flavour).toBe('bytes');
    expect(validation.message).toBe(
      'V-96: header b"X-Name" value b"a\\x00b" holds b"\\x00" (0x00) at index 1; CR, LF and NUL would split the response, remove it',
    );
  });

  it('sends warnings to process.emitWarning as WSGIWarning by default', async () => {
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const tuple = bytesValidator(() => [b('200 OK'), [], []])(makeBytesEnviron()) as BytesResponse;
    await tuple[2].close?.();
    expect(emit).toHaveBeenCalledWith(expect.stringMatching(/^V-102: no Content-Type header/), { type: 'WSGIWarning', code: 'V-102' });
  });

  it('ignores the profile option: wsgiref has no bytes flavour', async () => {
    const { warnings } = await serve(helloApp, { options: { profile: 'wsgiref' } });
    expect(warnings).toEqual([]);
  });

  it('settles a returned poller the way the harness server does', async () => {
    await expect(settle(() => null, 2)).rejects.toThrow('did not answer');
  });

  it('has a test titled with each rule it implements', () => {
    const folder = fileURLToPath(new URL('.', import.meta.url));
    const titles = readdirSync(folder)
      .filter((name) => name.endsWith('.test.ts'))
      .map((name) => readFileSync(`${folder}/${name}`, 'utf8'))
      .join('\n');
    // The rule first, or in the list of ids that opens the title ('V-99, B-14: …').
    const missing = Object.keys(BYTES_RULES).filter((rule) => !new RegExp(`it\\(\\s*["'\`](?:[A-Z]+-\\d+, )*${rule}[:,]`).test(titles));
    expect(missing).toEqual([]);
  });
});

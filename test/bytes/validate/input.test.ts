import { describe, expect, it } from 'vitest';
import type { BytesApp, BytesEnviron } from '../../../src/bytes/types';
import type { InputStreamLike } from '../../../src/native/types';
import { b, FakeBytesInput, helloApp, makeBytesEnviron, rulesOf, serve, text, TEXT } from './harness';

function rejectsWith(promise: Promise<unknown>, rule: string): Promise<void> {
  return expect(promise).rejects.toMatchObject({ name: 'ValidationError', rule, flavour: 'bytes' });
}

/** An app whose only work is `use(environ['web3.input'])`. */
function reading(use: (input: InputStreamLike) => Promise<unknown>): BytesApp {
  return async (environ) => {
    await use(environ['web3.input']);
    return [b('200 OK'), TEXT, []];
  };
}

/** An environ whose input holds `data` and returns up to `limit` bytes, with `overrides`. */
function environWith(data: string, limit: number, overrides: Record<string, unknown> = {}): BytesEnviron {
  return makeBytesEnviron({ 'web3.input': new FakeBytesInput(data, limit), ...overrides });
}

/** An input-like object with FakeBytesInput's methods bound, so tests can replace one. */
function methodsOf(input: FakeBytesInput): InputStreamLike {
  return {
    read: input.read.bind(input),
    readline: input.readline.bind(input),
    readlines: input.readlines.bind(input),
    [Symbol.asyncIterator]: input[Symbol.asyncIterator].bind(input),
  };
}

describe('web3.input', () => {
  it('replaces web3.input in place with a wrapper that reads the same bytes', async () => {
    let lines: string[] = [];
    const environ = makeBytesEnviron({}, 'hello\nworld');
    const original = environ['web3.input'];
    const app = reading(async (input) => {
      const got: Uint8Array[] = [];
      for await (const line of input) got.push(line);
      lines = got.map((line) => text([line]));
    });
    const { warnings } = await serve(app, { environ });
    expect(warnings).toEqual([]);
    expect(lines).toEqual(['hello\n', 'world']);
    expect(environ['web3.input']).not.toBe(original);
  });

  it('accepts read() without a size: it is required and bounded in Web3', async () => {
    let body = '';
    const app = reading(async (input) => {
      body = text([await input.read(), await input.read()]);
    });
    const { warnings } = await serve(app, { environ: makeBytesEnviron({}, 'abc') });
    expect(warnings).toEqual([]);
    expect(body).toBe('abc');
  });

  it('V-100: refuses a read() without size that returns more than the remaining CONTENT_LENGTH', async () => {
    const environ = environWith('abcdef', 6, { CONTENT_LENGTH: b('4') });
    await rejectsWith(serve(reading((input) => input.read()), { environ }), 'V-100');
    const partly = environWith('abcdef', 6, { CONTENT_LENGTH: b('4') });
    const error = await serve(reading(async (input) => {
      await input.read(3);
      await input.read();
    }), { environ: partly }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'V-100: web3.input.read() returned 3 bytes, but only 1 of CONTENT_LENGTH 4 remained; ' +
        'web3.input must stop at CONTENT_LENGTH and simulate EOF there (B-8) (server bug)',
    );
  });

  it('V-100: refuses any bytes from web3.input when there is no CONTENT_LENGTH', async () => {
    await rejectsWith(serve(reading((input) => input.read()), { environ: environWith('abc', 3) }), 'V-100');
    await rejectsWith(serve(reading((input) => input.read(2)), { environ: environWith('abc', 3) }), 'V-100');
    await rejectsWith(serve(reading((input) => input.readline()), { environ: environWith('abc', 3) }), 'V-100');
    await rejectsWith(serve(reading((input) => input.readlines()), { environ: environWith('abc', 3) }), 'V-100');
    // An empty stream is what B-8 asks for.
    expect((await serve(reading((input) => input.read()), { environ: environWith('', 0) })).warnings).toEqual([]);
  });

  it('V-100: lets tsgi.input_terminated streaming mode read without CONTENT_LENGTH', async () => {
    const environ = environWith('abc', 3, { 'tsgi.input_terminated': true });
    const { warnings } = await serve(reading((input) => input.read()), { environ });
    expect(warnings).toEqual([]);
    // It does not lift a declared CONTENT_LENGTH.
    const bounded = environWith('abcdef', 6, { 'tsgi.input_terminated': true, CONTENT_LENGTH: b('2') });
    await rejectsWith(serve(reading((input) => input.read()), { environ: bounded }), 'V-100');
  });

  it('V-100: refuses a readline(size) that ignores the size', async () => {
    const input = new FakeBytesInput('abcdef\n');
    const ignoring = { ...methodsOf(input), readline: () => input.readline() };
    const environ = makeBytesEnviron({ 'web3.input': ignoring, CONTENT_LENGTH: b('7') });
    const error = await serve(reading((stream) => stream.readline(2)), { environ }).catch((e: unknown) => e);
    expect(error).toMatchObject({ rule: 'V-100' });
    expect((error as Error).message).toMatch(/^V-100: web3.input.readline\(2\) returned 7 bytes: the size was ignored/);
  });

  it('V-100: refuses results that are not bytes', async () => {
    const input = new FakeBytesInput('abc');
    const lying = { ...methodsOf(input), read: async () => 'abc' };
    const environ = makeBytesEnviron({ 'web3.input': lying, CONTENT_LENGTH: b('3') });
    await rejectsWith(serve(reading((stream) => stream.read(3)), { environ }), 'V-100');
    const lines = { ...methodsOf(input), readlines: async () => ['abc'] };
    await rejectsWith(serve(reading((stream) => stream.readlines()), { environ: makeBytesEnviron({ 'web3.input': lines }) }), 'V-100');
  });

  it('V-100: warn mode reports a lax stream once and passes its bytes on', async () => {
    let got = '';
    const app = reading(async (input) => {
      got = text([await input.read(), await input.read(), await input.readline()]);
    });
    const environ = environWith('ab\ncd\n', Infinity, { CONTENT_LENGTH: b('1') });
    const { warnings } = await serve(app, { environ, options: { mode: 'warn' } });
    expect(rulesOf(warnings)).toEqual(['V-100']);
    expect(got).toBe('ab\ncd\n');
  });

  it('does not look at the stream when the app never reads it', async () => {
    const { warnings } = await serve(helloApp, { environ: environWith('unread', 6) });
    expect(warnings).toEqual([]);
  });
});

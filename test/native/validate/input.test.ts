import { describe, expect, it } from 'vitest';
import type { Environ, InputStreamLike, NativeApp } from '../../../src/native/types';
import type { ValidatorOptions } from '../../../src/native/validate';
import { FakeInput, helloApp, makeEnviron, OMIT, rulesOf, run, TEXT } from './harness';

function rejectsWith(promise: Promise<unknown>, rule: string): Promise<void> {
  return expect(promise).rejects.toMatchObject({ name: 'ValidationError', rule });
}

/** Runs an app whose only work is `use(environ['wsgi.input'])`. */
function reading(use: (input: InputStreamLike) => Promise<unknown>): NativeApp {
  return async (environ, startResponse) => {
    await use(environ['wsgi.input']);
    startResponse('200 OK', TEXT);
    return [];
  };
}

function loose(input: InputStreamLike): (...args: unknown[]) => Promise<unknown> {
  return (...args) => Reflect.apply(input.read, input, args) as Promise<unknown>;
}

async function warningsOf(app: NativeApp, environ: Environ, options: ValidatorOptions = {}): Promise<string[]> {
  const { warnings } = await run(app, { environ, options });
  return rulesOf(warnings);
}

describe('wsgi.input', () => {
  it('replaces wsgi.input in place with a wrapper that reads the same bytes', async () => {
    let text = '';
    const environ = makeEnviron({ CONTENT_LENGTH: '11' }, 'hello\nworld');
    const original = environ['wsgi.input'];
    const app = reading(async (input) => {
      const lines: string[] = [];
      for await (const line of input) lines.push(Buffer.from(line).toString());
      text = lines.join('|');
    });
    const { warnings } = await run(app, { environ });
    expect(warnings).toEqual([]);
    expect(text).toBe('hello\n|world');
    expect(environ['wsgi.input']).not.toBe(original);
  });

  it('V-36, C-42: warns about read() without a size unless wsgi.input_terminated is true', async () => {
    const unterminated = makeEnviron({ CONTENT_LENGTH: '3', 'wsgi.input_terminated': false }, 'abc');
    expect(await warningsOf(reading((input) => input.read()), unterminated)).toEqual(['V-36']);
    const minusOne = makeEnviron({ CONTENT_LENGTH: '3', 'wsgi.input_terminated': OMIT }, 'abc');
    expect(await warningsOf(reading((input) => input.read(-1)), minusOne)).toEqual(['V-36']);
    const terminated = makeEnviron({}, 'abc');
    expect(await warningsOf(reading((input) => input.read()), terminated)).toEqual([]);
    expect(await warningsOf(reading((input) => loose(input)(1, 2)), terminated)).toEqual(['V-36']);
  });

  it('V-36: the wsgiref profile refuses read() without exactly one argument', async () => {
    const environ = makeEnviron({}, 'abc');
    await rejectsWith(run(reading((input) => input.read()), { environ, options: { profile: 'wsgiref' } }), 'V-36');
    expect(await warningsOf(reading((input) => input.read(3)), makeEnviron({}, 'abc'), { profile: 'wsgiref' })).toEqual([]);
  });

  it('V-37: refuses a bad size and a read result that is not a Uint8Array', async () => {
    await rejectsWith(run(reading((input) => loose(input)('5'))), 'V-37');
    await rejectsWith(run(reading((input) => loose(input)(1.5))), 'V-37');
    const readline = (input: InputStreamLike) => Reflect.apply(input.readline, input, [1, 2]) as Promise<unknown>;
    await rejectsWith(run(reading(readline)), 'V-37');
    const lying = { ...methodsOf(new FakeInput('abc')), read: async () => 'abc' };
    await rejectsWith(run(reading((input) => input.read(3)), { environ: makeEnviron({ 'wsgi.input': lying }) }), 'V-37');
  });

  it('V-38: refuses readlines() with two arguments or a result that is not an Array of Uint8Array', async () => {
    const twoArguments = (input: InputStreamLike) => Reflect.apply(input.readlines, input, [1, 2]) as Promise<unknown>;
    await rejectsWith(run(reading(twoArguments)), 'V-38');
    const lying = { ...methodsOf(new FakeInput('abc')), readlines: async () => ['abc'] };
    await rejectsWith(run(reading((input) => input.readlines()), { environ: makeEnviron({ 'wsgi.input': lying }) }), 'V-38');
  });

  it('V-39: refuses lines that are not Uint8Array while iterating wsgi.input', async () => {
    const lying = { ...methodsOf(new FakeInput('abc')), readline: async () => 'abc\n' };
    const iterate = async (input: InputStreamLike) => {
      for await (const line of input) void line;
    };
    await rejectsWith(run(reading(iterate), { environ: makeEnviron({ 'wsgi.input': lying }) }), 'V-39');
  });

  it('V-40: refuses wsgi.input.close()', async () => {
    const close = async (input: InputStreamLike) => (input as unknown as { close(): unknown }).close();
    await rejectsWith(run(reading(close)), 'V-40');
    const { warnings } = await run(reading(close), { options: { mode: 'warn' } });
    expect(rulesOf(warnings)).toEqual(['V-40']);
  });

  it('V-77, C-42: warns when the app reads past CONTENT_LENGTH without wsgi.input_terminated', async () => {
    const environ = makeEnviron({ CONTENT_LENGTH: '2', 'wsgi.input_terminated': false }, 'abcdef');
    expect(await warningsOf(reading((input) => input.read(6)), environ)).toEqual(['V-77']);
    const absent = makeEnviron({ 'wsgi.input_terminated': false }, 'abc');
    expect(await warningsOf(reading((input) => input.readline(10)), absent)).toEqual(['V-77']);
    const terminated = makeEnviron({ CONTENT_LENGTH: '2' }, 'abcdef');
    expect(await warningsOf(reading((input) => input.read(6)), terminated)).toEqual([]);
  });

  it('does not look at the stream when the app never reads it', async () => {
    const { warnings } = await run(helloApp, { environ: makeEnviron({ 'wsgi.input_terminated': false }, 'unread') });
    expect(warnings).toEqual([]);
  });
});

/** An input-like object with FakeInput's methods bound, so tests can replace one. */
function methodsOf(input: FakeInput): InputStreamLike {
  return {
    read: input.read.bind(input),
    readline: input.readline.bind(input),
    readlines: input.readlines.bind(input),
    [Symbol.asyncIterator]: input[Symbol.asyncIterator].bind(input),
  };
}

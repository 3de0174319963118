import { describe, expect, it } from 'vitest';
import type { ErrorStreamLike, NativeApp } from '../../../src/native/types';
import { FakeErrors, makeEnviron, rulesOf, run, TEXT } from './harness';

function rejectsWith(promise: Promise<unknown>, rule: string): Promise<void> {
  return expect(promise).rejects.toMatchObject({ name: 'ValidationError', rule });
}

/** An app whose only work is `use(environ['wsgi.errors'])`. */
function logging(use: (errors: ErrorStreamLike & Record<string, unknown>) => unknown): NativeApp {
  return (environ, startResponse) => {
    use(environ['wsgi.errors'] as ErrorStreamLike & Record<string, unknown>);
    startResponse('200 OK', TEXT);
    return [];
  };
}

describe('wsgi.errors', () => {
  it('passes text through to the server stream, writelines in one call', async () => {
    const errors = new FakeErrors();
    const environ = makeEnviron({ 'wsgi.errors': errors });
    const app = logging((stream) => {
      stream.write('one\n');
      stream.writelines((function* lines() {
        yield 'two\n';
        yield 'caf\u00e9 \u20ac\n';
      })());
      stream.flush();
    });
    const { warnings } = await run(app, { environ });
    expect(warnings).toEqual([]);
    expect(errors.text).toEqual(['one\n', 'two\n', 'caf\u00e9 \u20ac\n']);
    expect(errors.flushes).toBe(1);
    expect(environ['wsgi.errors']).not.toBe(errors);
  });

  it('V-40: refuses wsgi.errors.close()', async () => {
    await rejectsWith(run(logging((stream) => (stream['close'] as () => void)())), 'V-40');
  });

  it('V-41: refuses write() or writelines() with something other than strings', async () => {
    await rejectsWith(run(logging((stream) => stream.write(Buffer.from('bytes') as unknown as string))), 'V-41');
    await rejectsWith(run(logging((stream) => stream.writelines(['ok', 42] as unknown as string[]))), 'V-41');
    await rejectsWith(run(logging((stream) => stream.writelines('one string'))), 'V-41');
    const { warnings } = await run(logging((stream) => stream.writelines('one string')), { options: { profile: 'wsgiref' } });
    expect(rulesOf(warnings)).toEqual([]);
  });
});

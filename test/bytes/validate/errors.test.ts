import { describe, expect, it } from 'vitest';
import type { BytesApp } from '../../../src/bytes/types';
import type { ErrorStreamLike } from '../../../src/native/types';
import { b, FakeErrors, makeBytesEnviron, rulesOf, serve, TEXT } from './harness';

function rejectsWith(promise: Promise<unknown>, rule: string): Promise<void> {
  return expect(promise).rejects.toMatchObject({ name: 'ValidationError', rule, flavour: 'bytes' });
}

/** An app whose only work is `use(environ['web3.errors'])`. */
function logging(use: (errors: ErrorStreamLike) => unknown): BytesApp {
  return (environ) => {
    use(environ['web3.errors']);
    return [b('200 OK'), TEXT, []];
  };
}

describe('web3.errors', () => {
  it('passes text through to the server stream, writelines in one call', async () => {
    const errors = new FakeErrors();
    const environ = makeBytesEnviron({ 'web3.errors': errors });
    const app = logging((stream) => {
      stream.write('one\n');
      stream.writelines((function* lines() {
        yield 'two\n';
        yield 'caf\u00e9 \u20ac\n';
      })());
      stream.flush();
    });
    const { warnings } = await serve(app, { environ });
    expect(warnings).toEqual([]);
    expect(errors.text).toEqual(['one\n', 'two\n', 'caf\u00e9 \u20ac\n']);
    expect(errors.flushes).toBe(1);
    expect(environ['web3.errors']).not.toBe(errors);
  });

  it('V-101: refuses bytes or other non-strings in write() and writelines()', async () => {
    await rejectsWith(serve(logging((stream) => stream.write(b('bytes') as unknown as string))), 'V-101');
    await rejectsWith(serve(logging((stream) => stream.write(42 as unknown as string))), 'V-101');
    await rejectsWith(serve(logging((stream) => stream.writelines(['ok', b('bytes')] as unknown as string[]))), 'V-101');
    await rejectsWith(serve(logging((stream) => stream.writelines('one string'))), 'V-101');
    await rejectsWith(serve(logging((stream) => stream.writelines(b('bytes') as unknown as string[]))), 'V-101');
    const error = await serve(logging((stream) => stream.write(b('oops\n') as unknown as string))).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'V-101: web3.errors.write() takes a string, got b"oops\\n"; web3.errors is a text stream, decode first, e.g. Buffer.from(bytes).toString("utf8")',
    );
  });

  it('V-101: warn mode still writes what the app passed', async () => {
    const errors = new FakeErrors();
    const environ = makeBytesEnviron({ 'web3.errors': errors });
    const bytes = b('raw');
    const { warnings } = await serve(logging((stream) => stream.write(bytes as unknown as string)), { environ, options: { mode: 'warn' } });
    expect(rulesOf(warnings)).toEqual(['V-101']);
    expect(errors.text).toEqual([bytes]);
  });
});

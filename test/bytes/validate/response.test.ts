import { describe, expect, it } from 'vitest';
import type { BytesApp, BytesBody, BytesPoller, BytesResponse } from '../../../src/bytes/types';
import { bytesValidator } from '../../../src/bytes/validate';
import { b, collecting, makeBytesEnviron, returning, rulesOf, serve, TEXT, withBody } from './harness';

function rejectsWith(promise: Promise<unknown>, rule: string): Promise<void> {
  return expect(promise).rejects.toMatchObject({ name: 'ValidationError', rule, flavour: 'bytes' });
}

/** The message of the ValidationError `app` causes. */
async function messageOf(app: BytesApp): Promise<string> {
  const error = await serve(app).catch((e: unknown) => e);
  return (error as Error).message;
}

/** The warning rule ids `app` causes in warn mode. */
async function warningsOf(app: BytesApp, mode: 'strict' | 'warn' = 'strict'): Promise<string[]> {
  return rulesOf((await serve(app, { options: { mode } })).warnings);
}

/** A response with `headers` (and no default Content-Type). */
function headed(headers: unknown, status = '200 OK'): BytesApp {
  return returning([b(status), headers, []]);
}

describe('the returned tuple', () => {
  it('V-92: refuses a result that is not a genuine Array of three', async () => {
    await rejectsWith(serve(returning(undefined)), 'V-92');
    await rejectsWith(serve(returning([b('200 OK'), TEXT])), 'V-92');
    await rejectsWith(serve(returning([b('200 OK'), TEXT, [], 'extra'])), 'V-92');
    await rejectsWith(serve(returning({ status: b('200 OK'), headers: TEXT, body: [] })), 'V-92');
    await rejectsWith(serve(async () => undefined as unknown as BytesResponse), 'V-92');
    expect(await messageOf(returning({ status: b('200 OK'), headers: [], body: [] }))).toMatch(
      /^V-92: the app returned an object \(Object\); return the Array \[status, headers, body\], not an object/,
    );
  });

  it('V-92: refuses a Promise that fulfils with a poller', async () => {
    const poller: BytesPoller = () => null;
    expect(await messageOf(async () => poller as unknown as BytesResponse)).toBe(
      "V-92: the app's Promise fulfilled with a function (poller); a Promise must fulfil with [status, headers, body] itself. " +
        'To poll, return the function, not a Promise of it',
    );
  });

  it('V-93: refuses a poller when web3.async is not true', async () => {
    const app: BytesApp = () => () => [b('200 OK'), TEXT, []];
    const environ = makeBytesEnviron({ 'web3.async': false });
    expect(() => bytesValidator(app)(environ)).toThrow(expect.objectContaining({ rule: 'V-93', flavour: 'bytes' }));
    // In warn mode the poller still reaches the server, still watched.
    const { warnings, options } = collecting({ mode: 'warn' });
    const poller = bytesValidator(app, options)(makeBytesEnviron({ 'web3.async': false }));
    expect(typeof poller).toBe('function');
    expect(rulesOf(warnings)).toEqual(['V-93']);
  });

  it('V-93: warns about a poller that returns a Promise, and checks what it fulfils with', async () => {
    const app: BytesApp = () => () => Promise.resolve([b('200 OK'), TEXT, [b('x')]]) as unknown as BytesResponse;
    const { warnings, chunks } = await serve(app);
    expect(rulesOf(warnings)).toEqual(['V-93']);
    expect(warnings[0]?.message).toMatch(/^V-93: the poller returned a Promise; return null until the response is ready/);
    expect(chunks).toEqual([b('x')]);
    const late: BytesApp = () => () => Promise.resolve([b('200'), TEXT, []]) as unknown as BytesResponse;
    await rejectsWith(serve(late), 'V-95');
  });

  it('V-93: refuses a poller value that is neither null/undefined nor a tuple', async () => {
    await rejectsWith(serve(() => () => false as unknown as BytesResponse), 'V-93');
    await rejectsWith(serve(() => () => [b('200 OK'), TEXT] as unknown as BytesResponse), 'V-93');
    expect(await messageOf(() => () => 0 as unknown as BytesResponse)).toBe(
      'V-93: the poller returned number 0; a poller returns null or undefined until the response is ready, then [status, headers, body]',
    );
  });

  it('V-94: refuses the body-first order of the PEP examples, naming them and the expected order', async () => {
    const app = returning([[b('Hello world!\n')], b('200 OK'), [[b('Content-type'), b('text/plain')]]]);
    expect(await messageOf(app)).toBe(
      'V-94: the app returned its response body-first, [body, status, headers]: got [[b"Hello world!\\n"], b"200 OK", ' +
        '[[b"Content-type", b"text/plain"]]]. That is the order of PEP 444\'s code examples ("return body, status, headers"), ' +
        "but the PEP's specification text requires (status, headers, body), and so does tsgi; the examples were never corrected " +
        'before the PEP was deferred. Reorder it: return [status, headers, body], here [b"200 OK", [[b"Content-type", b"text/plain"]], [b"Hello world!\\n"]]',
    );
  });

  it('V-94: catches it from a Promise and a poller, and closes the body the server will never see', async () => {
    let closed = 0;
    const body = Object.assign((function* chunks() {
      yield b('x');
    })(), { close: () => closed++ });
    await rejectsWith(serve(async () => [body, b('200 OK'), TEXT] as unknown as BytesResponse), 'V-94');
    expect(closed).toBe(1);
    await rejectsWith(serve(() => () => [[], b('200 OK'), []] as unknown as BytesResponse), 'V-94');
  });

  it('V-94: leaves other shapes to the other rules', async () => {
    // A string status in the middle is not the PEP order with bytes: the elements fail one by
    // one (the header list as a body yields pairs, not chunks).
    expect(await warningsOf(returning([[b('x')], '200 OK', TEXT]), 'warn')).toEqual(['V-95', 'V-96', 'V-98']);
    expect(await warningsOf(returning([b('200 OK'), TEXT, [b('x')]]))).toEqual([]);
  });

  it('V-95: refuses a status that is not a Uint8Array', async () => {
    await rejectsWith(serve(returning(['200 OK', TEXT, []])), 'V-95');
    await rejectsWith(serve(returning([200, TEXT, []])), 'V-95');
    expect(await messageOf(returning(['200 OK', TEXT, []]))).toBe(
      'V-95: status must be a Uint8Array like b"200 OK", got the string "200 OK"; encode it, e.g. Buffer.from("200 OK", "latin1")',
    );
  });

  it('V-95: refuses status bytes that are not "NNN reason" without controls', async () => {
    for (const status of ['200OK', '200', ' 200 OK', '2000 OK', 'OK 200', '200\tOK']) {
      await rejectsWith(serve(withBody([], [], status)), 'V-95');
    }
    expect(await messageOf(withBody([], [], '200 OK\r\n'))).toBe(
      'V-95: status b"200 OK\\r\\n" holds the control byte b"\\r" (0x0d) at index 6; remove it (no CR/LF at the end either)',
    );
    expect(await messageOf(withBody([], [], '200OK'))).toBe(
      'V-95: status b"200OK" is not three ASCII digits, one space (0x20) and a reason phrase; return e.g. b"404 Not Found"',
    );
    // Latin-1 reason phrases are bytes like any other (B-50).
    expect(await warningsOf(withBody([], [], '200 Tr\xe8s bien'))).toEqual([]);
  });

  it('V-95: refuses a status code outside 200-599', async () => {
    await rejectsWith(serve(withBody([], [], '101 Switching Protocols')), 'V-95');
    await rejectsWith(serve(withBody([], [], '600 Nope')), 'V-95');
    await rejectsWith(serve(withBody([], [], '099 Low')), 'V-95');
  });

  it('V-96: refuses headers that are not a genuine Array of [Uint8Array, Uint8Array]', async () => {
    await rejectsWith(serve(headed(new Map())), 'V-96');
    await rejectsWith(serve(headed([[b('Content-Type')]])), 'V-96');
    await rejectsWith(serve(headed([[b('Content-Type'), b('text/plain'), b('x')]])), 'V-96');
    await rejectsWith(serve(headed([['Content-Type', 'text/plain']])), 'V-96');
    expect(await messageOf(headed([[b('Content-Type'), 'text/plain']]))).toBe(
      'V-96: headers[0] must hold two Uint8Array, got [b"Content-Type", the string "text/plain"]; encode it, e.g. Buffer.from("text/plain", "latin1")',
    );
  });

  it('V-96: refuses a header name that is not a token, or "Status"', async () => {
    await rejectsWith(serve(headed([...TEXT, [b('X Name'), b('v')]])), 'V-96');
    await rejectsWith(serve(headed([...TEXT, [b('X-Name:'), b('v')]])), 'V-96');
    await rejectsWith(serve(headed([...TEXT, [b(''), b('v')]])), 'V-96');
    await rejectsWith(serve(headed([...TEXT, [b('status'), b('200 OK')]])), 'V-96');
    expect(await messageOf(headed([...TEXT, [b('X-Name:'), b('v')]]))).toBe(
      'V-96: header name b"X-Name:" holds b":" (0x3a) at index 6, which is not a token character (RFC 9110 §5.6.2); ' +
        "use only letters, digits and !#$%&'*+-.^_`|~ (no trailing colon)",
    );
  });

  it('V-96: refuses header values with CR, LF, NUL or other controls, and warns about HTAB', async () => {
    await rejectsWith(serve(headed([...TEXT, [b('X-A'), b('a\r\nSet-Cookie: x')]])), 'V-96');
    await rejectsWith(serve(headed([...TEXT, [b('X-A'), b('a\x7f')]])), 'V-96');
    await rejectsWith(serve(headed([...TEXT, [b('X-A'), b('a\x01')]])), 'V-96');
    expect(await warningsOf(headed([...TEXT, [b('X-A'), b('a\tb')]]))).toEqual(['V-96']);
    // Bytes above 0x7F are latin-1 text (B-50), not controls.
    expect(await warningsOf(headed([...TEXT, [b('X-A'), b('caf\xe9')]]))).toEqual([]);
  });

  it('V-96: refuses hop-by-hop headers', async () => {
    for (const name of ['Connection', 'keep-alive', 'Transfer-Encoding', 'Upgrade', 'TE', 'Trailer', 'Proxy-Connection']) {
      await rejectsWith(serve(headed([...TEXT, [b(name), b('x')]])), 'V-96');
    }
  });

  it('V-96: refuses a malformed or repeated Content-Length', async () => {
    await rejectsWith(serve(headed([...TEXT, [b('Content-Length'), b('5 ')]])), 'V-96');
    await rejectsWith(serve(headed([...TEXT, [b('Content-Length'), b('-1')]])), 'V-96');
    expect(await messageOf(headed([...TEXT, [b('Content-Length'), b('0')], [b('content-length'), b('0')]]))).toBe(
      'V-96: 2 Content-Length headers; send exactly one',
    );
  });

  it('V-97: refuses a body that is bytes, a string, null or not iterable', async () => {
    for (const body of [b('hello'), new Uint8Array(2), 'hello', new ArrayBuffer(2), null, undefined, 42, { not: 'iterable' }]) {
      await rejectsWith(serve(withBody(body)), 'V-97');
    }
    expect(await messageOf(withBody(b('hello')))).toBe(
      'V-97: the body is b"hello" itself; a body is an iterable of chunks, so wrap it: [bytes]',
    );
  });

  it('V-102: warns when a response with content has no Content-Type', async () => {
    expect(await warningsOf(headed([]))).toEqual(['V-102']);
    expect(await warningsOf(headed([], '204 No Content'))).toEqual([]);
    expect(await warningsOf(headed([], '304 Not Modified'))).toEqual([]);
    // A malformed Content-Type is still one: only V-96 fires.
    expect(await warningsOf(headed([[b('content-type'), b('a\x01')]]), 'warn')).toEqual(['V-96']);
  });

  it('checks nothing more once the tuple is refused, and never the body of a refused tuple', async () => {
    const body = [7] as unknown as BytesBody;
    expect(await warningsOf(returning([body, b('200 OK'), []]), 'warn')).toEqual(['V-94']);
  });
});

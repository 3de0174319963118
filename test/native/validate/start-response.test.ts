import { describe, expect, it } from 'vitest';
import type { Write } from '../../../src/native/types';
import { appWith, rulesOf, run, TEXT } from './harness';

type Profile = 'default' | 'wsgiref';

function rejectsWith(promise: Promise<unknown>, rule: string): Promise<void> {
  return expect(promise).rejects.toMatchObject({ name: 'ValidationError', rule });
}

/** startResponse(status, headers) must throw `rule`. */
function refuses(status: unknown, headers: unknown, rule: string, profile: Profile = 'default'): Promise<void> {
  return rejectsWith(run(appWith(status, headers), { options: { profile } }), rule);
}

/** The warnings of startResponse(status, headers), which must not throw. */
async function warns(status: unknown, headers: unknown, profile: Profile = 'default'): Promise<string[]> {
  const { warnings } = await run(appWith(status, headers), { options: { profile } });
  return rulesOf(warnings);
}

/** The warnings of startResponse(status, headers) in warn mode (every failure). */
async function findings(status: unknown, headers: unknown): Promise<string[]> {
  const { warnings } = await run(appWith(status, headers), { options: { mode: 'warn' } });
  return rulesOf(warnings);
}

describe('startResponse arguments', () => {
  it('V-18: refuses startResponse with fewer than two or more than three arguments', async () => {
    const oneArgument = run((_environ, startResponse) => {
      (startResponse as (...args: unknown[]) => Write)('200 OK');
      return [];
    });
    await rejectsWith(oneArgument, 'V-18');
    const fourArguments = run((_environ, startResponse) => {
      (startResponse as (...args: unknown[]) => Write)('200 OK', TEXT, undefined, 'x');
      return [];
    });
    await rejectsWith(fourArguments, 'V-18');
  });

  it('V-20: refuses a status that is not a latin-1 string', async () => {
    await refuses(200, TEXT, 'V-20');
    await refuses('200 \u2705 OK', TEXT, 'V-20');
  });

  it('V-21: refuses a status whose code is not three characters', async () => {
    await refuses('2000 OK', TEXT, 'V-21');
    await refuses('', TEXT, 'V-21');
    await refuses('20 OK', TEXT, 'V-21', 'wsgiref');
  });

  it('V-22: refuses a status code that is not a number of at least 100', async () => {
    await refuses('abc Nope', TEXT, 'V-22');
    await refuses('099 Low', TEXT, 'V-22');
    await refuses('0x1 Hex', TEXT, 'V-22', 'wsgiref');
  });

  it('V-23: refuses a status without one space after the code (wsgiref only warns)', async () => {
    await refuses('200\tOK', TEXT, 'V-23');
    await refuses('200', TEXT, 'V-23');
    expect(await warns('200\tOK', TEXT, 'wsgiref')).toEqual(['V-23']);
  });

  it('V-24: refuses headers that are not an Array', async () => {
    await refuses('200 OK', { 'Content-Type': 'text/plain' }, 'V-24');
  });

  it('V-25: refuses a header entry that is not a [name, value] pair', async () => {
    await refuses('200 OK', [['Content-Type']], 'V-25');
    await refuses('200 OK', ['Content-Type: text/plain'], 'V-25');
  });

  it('V-26: refuses a header name or value that is not a string', async () => {
    await refuses('200 OK', [...TEXT, ['Content-Length', 5]], 'V-26');
  });

  it('V-27: refuses a Status header', async () => {
    await refuses('200 OK', [...TEXT, ['status', '200 OK']], 'V-27');
  });

  it('V-28: refuses a header name holding a colon or a newline', async () => {
    await refuses('200 OK', [...TEXT, ['X-Name:', 'v']], 'V-28');
    await refuses('200 OK', [...TEXT, ['X-A\nX-B', 'v']], 'V-28', 'wsgiref');
  });

  it('V-29: the wsgiref profile refuses names outside its pattern; the default accepts any token', async () => {
    await refuses('200 OK', [...TEXT, ['X.Trace', 'v']], 'V-29', 'wsgiref');
    await refuses('200 OK', [...TEXT, ['1-Header', 'v']], 'V-29', 'wsgiref');
    expect(await warns('200 OK', [...TEXT, ['X.Trace', 'v']])).toEqual([]);
  });

  it('V-30: refuses (wsgiref) or warns about (default) a name ending with "-" or "_"', async () => {
    await refuses('200 OK', [...TEXT, ['X-Name-', 'v']], 'V-30', 'wsgiref');
    expect(await warns('200 OK', [...TEXT, ['X-Name-', 'v']])).toEqual(['V-30']);
  });

  it('V-31: the wsgiref profile refuses any \\x00-\\x1F in a value, HTAB included', async () => {
    await refuses('200 OK', [...TEXT, ['X-A', 'a\tb']], 'V-31', 'wsgiref');
    await refuses('200 OK', [...TEXT, ['X-A', 'a\r\nb']], 'V-31', 'wsgiref');
    // DEL and non-latin-1 characters pass wsgiref.
    expect(await warns('200 OK', [...TEXT, ['X-A', 'a\x7f\u20ac']], 'wsgiref')).toEqual([]);
  });

  it('V-32: warns about (default) or refuses (wsgiref) a Content-Type in a 204 or 304', async () => {
    expect(await warns('204 No Content', TEXT)).toEqual(['V-32']);
    await refuses('304 Not Modified', TEXT, 'V-32', 'wsgiref');
  });

  it('V-33: warns about (default) or refuses (wsgiref) a response without Content-Type', async () => {
    expect(await warns('200 OK', [])).toEqual(['V-33']);
    await refuses('200 OK', [], 'V-33', 'wsgiref');
    expect(await warns('204 No Content', [])).toEqual([]);
  });

  it('V-34: warns when excInfo is not an Error', async () => {
    const { warnings } = await run(appWith('500 Oops', TEXT, 'a string'));
    expect(rulesOf(warnings)).toEqual(['V-34']);
    const fine = await run(appWith('500 Oops', TEXT, new Error('caught')));
    expect(fine.warnings).toEqual([]);
    await rejectsWith(run(appWith('500 Oops', TEXT, 'a string'), { options: { profile: 'wsgiref' } }), 'V-34');
  });

  it('V-50: refuses a status with control characters or surrounding whitespace', async () => {
    await refuses('200 OK\r\n', TEXT, 'V-50');
    await refuses('200 OK\x7f', TEXT, 'V-50');
    // wsgiref does not look at the reason phrase.
    expect(await warns('200 OK\r\n', TEXT, 'wsgiref')).toEqual([]);
  });

  it('V-51: refuses an informational (1xx) status', async () => {
    await refuses('103 Early Hints', TEXT, 'V-51');
  });

  it('V-52: refuses a status code above 599', async () => {
    await refuses('600 Beyond', TEXT, 'V-52');
    expect(await warns('600 Beyond', TEXT, 'wsgiref')).toEqual([]);
  });

  it('V-53: refuses a header name that is not a token, warns about "_"', async () => {
    await refuses('200 OK', [...TEXT, ['X Name', 'v']], 'V-53');
    await refuses('200 OK', [...TEXT, ['', 'v']], 'V-53');
    expect(await warns('200 OK', [...TEXT, ['X_Name', 'v']])).toEqual(['V-53']);
  });

  it('V-54: refuses a header value outside latin-1 or holding CR, LF or NUL', async () => {
    const error = await run(appWith('200 OK', [...TEXT, ['X-Name', 'ab\u20acd']])).catch((e: unknown) => e);
    expect(error).toMatchObject({ rule: 'V-54' });
    expect((error as Error).message).toMatch(/^V-54: header "X-Name" holds U\+20AC at index 2, outside latin-1; encode it/);
    await refuses('200 OK', [...TEXT, ['Set-Cookie', 'a=1\r\nX-Evil: 1']], 'V-54');
    await refuses('200 OK', [...TEXT, ['X-A', 'a\0']], 'V-54');
  });

  it('V-55: refuses other control characters in a header value', async () => {
    await refuses('200 OK', [...TEXT, ['X-A', 'a\x01b']], 'V-55');
    await refuses('200 OK', [...TEXT, ['X-A', 'a\x7fb']], 'V-55');
  });

  it('V-56: warns about HTAB in a header value', async () => {
    expect(await warns('200 OK', [...TEXT, ['X-A', 'a\tb']])).toEqual(['V-56']);
  });

  it('V-57: warns about leading or trailing whitespace in a header value', async () => {
    expect(await warns('200 OK', [...TEXT, ['X-A', ' padded']])).toEqual(['V-57']);
    expect(await warns('200 OK', [...TEXT, ['X-A', 'padded\t']])).toEqual(['V-56', 'V-57']);
  });

  it('V-59: refuses hop-by-hop headers and fields named in Connection', async () => {
    await refuses('200 OK', [...TEXT, ['Transfer-Encoding', 'chunked']], 'V-59');
    await refuses('200 OK', [...TEXT, ['Keep-Alive', 'timeout=5']], 'V-59');
    await refuses('200 OK', [...TEXT, ['Trailer', 'X-Sum']], 'V-59');
    const all = await findings('200 OK', [...TEXT, ['X-Private', '1'], ['Connection', 'close, x-private']]);
    expect(all).toEqual(['V-59', 'V-59']);
    // wsgiref.validate does not check hop-by-hop names.
    expect(await warns('200 OK', [...TEXT, ['Connection', 'close']], 'wsgiref')).toEqual([]);
  });

  it('V-60: refuses a duplicate or malformed Content-Length, warns about two Content-Types', async () => {
    await refuses('200 OK', [...TEXT, ['Content-Length', '5'], ['content-length', '5']], 'V-60');
    await refuses('200 OK', [...TEXT, ['Content-Length', '+5']], 'V-60');
    await refuses('200 OK', [...TEXT, ['Content-Length', '5 ']], 'V-60');
    expect(await warns('200 OK', [...TEXT, ['Content-Type', 'text/html']])).toEqual(['V-60']);
  });

  it('V-82: warns about an unquoted ETag or a lower-case weak marker', async () => {
    expect(await warns('200 OK', [...TEXT, ['ETag', 'abc']])).toEqual(['V-82']);
    expect(await warns('200 OK', [...TEXT, ['ETag', 'w/"abc"']])).toEqual(['V-82']);
    expect(await warns('200 OK', [...TEXT, ['ETag', 'W/"abc"']])).toEqual([]);
    expect(await warns('200 OK', [...TEXT, ['ETag', '"abc"']])).toEqual([]);
  });

  it('V-83: warns about a Location that is not a URI reference', async () => {
    expect(await warns('302 Found', [...TEXT, ['Location', '/a b']])).toEqual(['V-83']);
    expect(await warns('302 Found', [...TEXT, ['Location', '/caf\u00e9']])).toEqual(['V-83']);
    expect(await warns('302 Found', [...TEXT, ['Location', 'https://example.com/caf%C3%A9?q=1#top']])).toEqual([]);
  });

  it('forwards the arguments unchanged to the server', async () => {
    const headers: [string, string][] = [...TEXT, ['X-A', '1']];
    const error = new Error('caught');
    const { server } = await run(appWith('500 Internal Server Error', headers, error));
    expect(server.calls).toEqual([['500 Internal Server Error', headers, error]]);
    expect(server.calls[0]?.[1]).toBe(headers);
  });
});

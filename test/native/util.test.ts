import { describe, expect, it } from 'vitest';
import { NativeStringError } from '../../src/codecs/latin1';
import { ProtocolError } from '../../src/native/errors';
import { applicationUri, guessScheme, quotePath, requestUri, shiftPathInfo } from '../../src/native/util';

describe('guessScheme', () => {
  it.each(['on', 'yes', '1', 'ON', 'Yes', 'oN'])('N-16: HTTPS=%j means https', (value) => {
    expect(guessScheme({ HTTPS: value })).toBe('https');
  });

  it.each(['off', 'no', '0', '', ' on', 'true', 'ön'])('HTTPS=%j means http', (value) => {
    expect(guessScheme({ HTTPS: value })).toBe('http');
  });

  it('means http when HTTPS is absent or not a string', () => {
    expect(guessScheme({})).toBe('http');
    expect(guessScheme({ HTTPS: true })).toBe('http');
  });
});

describe('quotePath', () => {
  it('keeps unreserved characters and `/` by default', () => {
    const unreserved = 'ABCXYZabcxyz0189-._~';
    expect(quotePath(`/${unreserved}/`)).toBe(`/${unreserved}/`);
  });

  it('escapes reserved and other ASCII characters in upper-case hex', () => {
    expect(quotePath("/a b?c#d%e;f=g,h!'()*+&$:@[]")).toBe(
      '/a%20b%3Fc%23d%25e%3Bf%3Dg%2Ch%21%27%28%29%2A%2B%26%24%3A%40%5B%5D',
    );
    expect(quotePath('\x00\x1F\x7F')).toBe('%00%1F%7F');
  });

  it('N-126: quotes each code unit as one byte', () => {
    expect(quotePath('/caf\xE9')).toBe('/caf%E9');
    expect(quotePath('\x80\xFF')).toBe('%80%FF');
  });

  it('C-18: does not double-encode a native string holding UTF-8 bytes', () => {
    // '/café' in UTF-8, viewed as latin-1 (the environ's form of the path).
    const native = Buffer.from('/café', 'utf8').toString('latin1');
    expect(quotePath(native)).toBe('/caf%C3%A9');
    expect(encodeURI(native)).not.toBe('/caf%C3%A9');
  });

  it('keeps the characters in `safe`, and escapes `/` when `safe` leaves it out', () => {
    expect(quotePath('/a;b=c,d', '/;=,')).toBe('/a;b=c,d');
    expect(quotePath('/a/b', '')).toBe('%2Fa%2Fb');
  });

  it('ignores non-ASCII characters in `safe`, so the output stays ASCII', () => {
    expect(quotePath('\xE9', '\xE9')).toBe('%E9');
  });

  it('N-3: throws NativeStringError for a code unit above U+00FF', () => {
    expect(() => quotePath('/\u20AC')).toThrow(NativeStringError);
    expect(() => quotePath('/\uD83D\uDE00')).toThrow(NativeStringError);
  });

  it('returns the empty string unchanged', () => {
    expect(quotePath('')).toBe('');
  });
});

describe('applicationUri', () => {
  const base = { 'wsgi.url_scheme': 'http', SERVER_NAME: 'example.org', SERVER_PORT: '80' };

  it('N-124: prefers a non-empty HTTP_HOST', () => {
    expect(applicationUri({ ...base, HTTP_HOST: 'www.example.com:8000', SCRIPT_NAME: '/app' })).toBe(
      'http://www.example.com:8000/app',
    );
  });

  it('N-124: falls back to SERVER_NAME when HTTP_HOST is empty', () => {
    expect(applicationUri({ ...base, HTTP_HOST: '' })).toBe('http://example.org/');
  });

  it.each([
    ['http', '80', 'http://example.org/'],
    ['http', '443', 'http://example.org:443/'],
    ['http', '8080', 'http://example.org:8080/'],
    ['https', '443', 'https://example.org/'],
    ['https', '80', 'https://example.org:80/'],
  ])('N-124: %s on port %s leaves out only the default port', (scheme, port, expected) => {
    expect(applicationUri({ ...base, 'wsgi.url_scheme': scheme, SERVER_PORT: port })).toBe(expected);
  });

  it('N-124: uses `/` for an empty SCRIPT_NAME', () => {
    expect(applicationUri({ ...base, SCRIPT_NAME: '' })).toBe('http://example.org/');
  });

  it('N-126: quotes SCRIPT_NAME per byte with `/` kept', () => {
    expect(applicationUri({ ...base, SCRIPT_NAME: '/my app/caf\xE9;v=1' })).toBe(
      'http://example.org/my%20app/caf%E9%3Bv%3D1',
    );
  });

  it('leaves out an empty SERVER_PORT instead of writing `host:`', () => {
    expect(applicationUri({ 'wsgi.url_scheme': 'http', SERVER_NAME: 'example.org' })).toBe('http://example.org/');
  });

  it('guesses the scheme from HTTPS when wsgi.url_scheme is missing', () => {
    expect(applicationUri({ HTTPS: 'on', SERVER_NAME: 'example.org', SERVER_PORT: '443' })).toBe(
      'https://example.org/',
    );
  });
});

describe('requestUri', () => {
  const base = { 'wsgi.url_scheme': 'http', HTTP_HOST: 'example.org', SERVER_NAME: 'x', SERVER_PORT: '80' };

  it('N-124: joins the application URI, PATH_INFO and the query', () => {
    expect(requestUri({ ...base, SCRIPT_NAME: '/app', PATH_INFO: '/a/b', QUERY_STRING: 'x=1&y=2' })).toBe(
      'http://example.org/app/a/b?x=1&y=2',
    );
  });

  it('does not double the slash when SCRIPT_NAME is empty', () => {
    expect(requestUri({ ...base, SCRIPT_NAME: '', PATH_INFO: '/a' })).toBe('http://example.org/a');
    expect(requestUri({ ...base, PATH_INFO: '/' })).toBe('http://example.org/');
    expect(requestUri({ ...base })).toBe('http://example.org/');
  });

  it('keeps a PATH_INFO that lacks its leading slash whole (wsgiref would drop its first character)', () => {
    expect(requestUri({ ...base, PATH_INFO: 'abc' })).toBe('http://example.org/abc');
  });

  it('keeps the trailing slash a shift left on SCRIPT_NAME', () => {
    expect(requestUri({ ...base, SCRIPT_NAME: '/app/', PATH_INFO: '' })).toBe('http://example.org/app/');
  });

  it('N-126: quotes PATH_INFO per byte, keeping `/;=,`', () => {
    expect(requestUri({ ...base, SCRIPT_NAME: '/s', PATH_INFO: '/a b;p=1,2/%/\xE9?#' })).toBe(
      'http://example.org/s/a%20b;p=1,2/%25/%E9%3F%23',
    );
  });

  it('N-126: appends QUERY_STRING unchanged', () => {
    expect(requestUri({ ...base, PATH_INFO: '/', QUERY_STRING: 'q=a%20b&x=%E9+1' })).toBe(
      'http://example.org/?q=a%20b&x=%E9+1',
    );
  });

  it('leaves out `?` for an empty query, and the query when includeQuery is false', () => {
    expect(requestUri({ ...base, PATH_INFO: '/a', QUERY_STRING: '' })).toBe('http://example.org/a');
    expect(requestUri({ ...base, PATH_INFO: '/a', QUERY_STRING: 'x=1' }, false)).toBe('http://example.org/a');
  });

  it('N-3: throws NativeStringError for a PATH_INFO that is not native', () => {
    expect(() => requestUri({ ...base, PATH_INFO: '/\u20AC' })).toThrow(NativeStringError);
  });
});

describe('shiftPathInfo (wsgiref.util.shift_path_info)', () => {
  /** Shifts once and reports what wsgiref's tests check: the name and the two keys after. */
  function shift(scriptName: string, pathInfo: string) {
    const environ: Record<string, unknown> = { SCRIPT_NAME: scriptName, PATH_INFO: pathInfo };
    const name = shiftPathInfo(environ);
    return [name, environ.SCRIPT_NAME, environ.PATH_INFO];
  }

  it.each([
    ['', '/a', 'a', '/a', ''],
    ['', '/a/b', 'a', '/a', '/b'],
    ['/x', '/a/b', 'a', '/x/a', '/b'],
    ['/x', '/a/', 'a', '/x/a', '/'],
    ['/x/y', '/a/b/', 'a', '/x/y/a', '/b/'],
  ])('moves one segment: SCRIPT_NAME %j + PATH_INFO %j gives %j, %j, %j', (sn, pi, name, newSn, newPi) => {
    expect(shift(sn, pi)).toEqual([name, newSn, newPi]);
  });

  it.each([
    ['/a//b', '/x', 'a', '/x/a', '/b'],
    ['/a/./b', '/x', 'a', '/x/a', '/b'],
    ['//a', '', 'a', '/a', ''],
    ['/./a', '', 'a', '/a', ''],
    ['/a/.//./b/', '', 'a', '/a', '/b/'],
  ])('skips empty and `.` segments before the last: %j under %j', (pi, sn, name, newSn, newPi) => {
    expect(shift(sn, pi)).toEqual([name, newSn, newPi]);
  });

  it("a trailing slash ('/' on PATH_INFO) yields '' and leaves SCRIPT_NAME ending in `/`", () => {
    expect(shift('/x', '/')).toEqual(['', '/x/', '']);
    expect(shift('/x', '//')).toEqual(['', '/x/', '']);
    expect(shift('/x', '/./')).toEqual(['', '/x/', '']);
  });

  it("'/a/' then '/' : shifting to the end tells `/a/` from `/a`", () => {
    const environ: Record<string, unknown> = { SCRIPT_NAME: '', PATH_INFO: '/a/' };
    expect(shiftPathInfo(environ)).toBe('a');
    expect(shiftPathInfo(environ)).toBe('');
    expect(environ).toEqual({ SCRIPT_NAME: '/a/', PATH_INFO: '' });
    expect(shiftPathInfo(environ)).toBeUndefined();
  });

  it("'/' at the root yields '' and keeps SCRIPT_NAME '' (V-17; wsgiref sets '/')", () => {
    expect(shift('', '/')).toEqual(['', '', '']);
  });

  it("'/..' returns '..' and removes the last SCRIPT_NAME segment, never going above the root", () => {
    expect(shift('/x/y', '/../b')).toEqual(['..', '/x', '/b']);
    expect(shift('/x', '/..')).toEqual(['..', '', '']);
    expect(shift('', '/..')).toEqual(['..', '', '']);
  });

  it("keeps '..' in the middle of PATH_INFO for a later shift", () => {
    expect(shift('', '/a/../b')).toEqual(['a', '/a', '/../b']);
  });

  it("'/.' returns undefined but empties PATH_INFO", () => {
    expect(shift('/x', '/.')).toEqual([undefined, '/x', '']);
    expect(shift('/x', '/a/.')).toEqual(['a', '/x/a', '/.']);
  });

  it('returns undefined and changes nothing when PATH_INFO is empty or absent', () => {
    const empty: Record<string, unknown> = { SCRIPT_NAME: '/x', PATH_INFO: '' };
    expect(shiftPathInfo(empty)).toBeUndefined();
    expect(empty).toEqual({ SCRIPT_NAME: '/x', PATH_INFO: '' });
    const absent: Record<string, unknown> = { SCRIPT_NAME: '/x' };
    expect(shiftPathInfo(absent)).toBeUndefined();
    expect(absent).toEqual({ SCRIPT_NAME: '/x' });
  });

  it('treats an absent SCRIPT_NAME as empty', () => {
    const environ: Record<string, unknown> = { PATH_INFO: '/a/b' };
    expect(shiftPathInfo(environ)).toBe('a');
    expect(environ).toEqual({ SCRIPT_NAME: '/a', PATH_INFO: '/b' });
  });

  it('never leaves SCRIPT_NAME as `/` or with a doubled slash, even from a `/` SCRIPT_NAME', () => {
    expect(shift('/', '/a')).toEqual(['a', '/a', '']);
    expect(shift('/x/', '/a')).toEqual(['a', '/x/a', '']);
    expect(shift('/', '/')).toEqual(['', '', '']);
  });

  it('passes segment text through unchanged (native strings, no decoding)', () => {
    expect(shift('', '/caf\xE9%20x/b')).toEqual(['caf\xE9%20x', '/caf\xE9%20x', '/b']);
  });

  it('changes only SCRIPT_NAME and PATH_INFO, leaving REQUEST_URI and the rest alone', () => {
    const environ: Record<string, unknown> = {
      SCRIPT_NAME: '/app',
      PATH_INFO: '/a/b',
      REQUEST_URI: '/app/a/b?x=1',
      RAW_URI: '/app/a/b?x=1',
      QUERY_STRING: 'x=1',
    };
    shiftPathInfo(environ);
    expect(environ).toEqual({
      SCRIPT_NAME: '/app/a',
      PATH_INFO: '/b',
      REQUEST_URI: '/app/a/b?x=1',
      RAW_URI: '/app/a/b?x=1',
      QUERY_STRING: 'x=1',
    });
  });

  it('throws ProtocolError for a PATH_INFO or SCRIPT_NAME not starting with `/`, changing nothing', () => {
    const relativePath: Record<string, unknown> = { SCRIPT_NAME: '', PATH_INFO: 'a/b' };
    const error = (() => {
      try {
        shiftPathInfo(relativePath);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).rule).toBe('V-14');
    expect(relativePath).toEqual({ SCRIPT_NAME: '', PATH_INFO: 'a/b' });
    expect(() => shiftPathInfo({ SCRIPT_NAME: 'app', PATH_INFO: '/a' })).toThrow(ProtocolError);
  });
});

import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/native/errors';
import { Headers } from '../../src/native/headers';
import type { HeaderList } from '../../src/native/types';

/** Runs `fn` and returns the ProtocolError it throws (fails the test otherwise). */
function protocolErrorOf(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    return error as ProtocolError;
  }
  throw new Error('expected a ProtocolError, nothing was thrown');
}

describe('Headers: the wrapped list', () => {
  it('starts empty and creates its own array when given none', () => {
    const headers = new Headers();
    expect(headers.length).toBe(0);
    expect(headers.list).toEqual([]);
    expect(headers.toString()).toBe('\r\n');
  });

  it('writes every change through to the array it wraps', () => {
    const list: HeaderList = [['X-Keep', '1']];
    const headers = new Headers(list);
    headers.set('Content-Type', 'text/plain').append('Set-Cookie', 'a=1').delete('x-keep');
    expect(headers.list).toBe(list);
    expect(list).toEqual([
      ['Content-Type', 'text/plain'],
      ['Set-Cookie', 'a=1'],
    ]);
  });

  it('sees entries pushed onto the array directly', () => {
    const list: HeaderList = [];
    const headers = new Headers(list);
    list.push(['Location', '/next']);
    expect(headers.get('location')).toBe('/next');
    expect(headers.length).toBe(1);
  });

  it('counts repeats in length', () => {
    const headers = new Headers([
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
    ]);
    expect(headers.length).toBe(2);
  });
});

describe('Headers: case-insensitive access (N-61)', () => {
  const make = () =>
    new Headers([
      ['Content-Type', 'text/html'],
      ['Set-Cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ]);

  it('N-61: get returns the first value whatever the case of the name', () => {
    expect(make().get('CONTENT-TYPE')).toBe('text/html');
    expect(make().get('content-type')).toBe('text/html');
    expect(make().get('Set-Cookie')).toBe('a=1');
  });

  it('get returns undefined for an absent header', () => {
    expect(make().get('Location')).toBeUndefined();
  });

  it('N-61: getAll returns every value in list order, across cases', () => {
    expect(make().getAll('SET-COOKIE')).toEqual(['a=1', 'b=2']);
    expect(make().getAll('Location')).toEqual([]);
  });

  it('N-61: has matches any case', () => {
    expect(make().has('content-TYPE')).toBe(true);
    expect(make().has('Location')).toBe(false);
  });

  it('has is true for a present header with an empty value', () => {
    expect(new Headers([['X-Empty', '']]).has('x-empty')).toBe(true);
  });

  it('C-40: folds case in ASCII only (the Kelvin sign is not "k")', () => {
    // U+212A lowercases to "k" under full Unicode folding. The entry bypasses the checks by
    // being pushed directly, so only the comparison decides.
    const list: HeaderList = [];
    const headers = new Headers(list);
    list.push(['\u212A-Id', 'kelvin']);
    expect(headers.get('k-id')).toBeUndefined();
    expect(headers.getAll('K-ID')).toEqual([]);
    headers.delete('k-id');
    expect(list).toEqual([['\u212A-Id', 'kelvin']]);
  });

  it('keys, values and entries keep list order, original case and repeats', () => {
    const headers = make();
    expect(headers.keys()).toEqual(['Content-Type', 'Set-Cookie', 'set-cookie']);
    expect(headers.values()).toEqual(['text/html', 'a=1', 'b=2']);
    expect(headers.entries()).toEqual([
      ['Content-Type', 'text/html'],
      ['Set-Cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ]);
  });

  it('entries and iteration hand out copies, so editing them does not reach the list', () => {
    const headers = make();
    const [first] = headers.entries();
    if (first !== undefined) first[1] = 'bad\r\nvalue';
    for (const entry of headers) entry[1] = 'changed';
    expect(headers.get('content-type')).toBe('text/html');
  });

  it('iterates over [name, value] pairs', () => {
    expect([...make()]).toEqual(make().entries());
  });
});

describe('Headers: set, delete, setDefault', () => {
  it('set replaces every value of the name with one entry at the end (wsgiref __setitem__)', () => {
    const headers = new Headers([
      ['Vary', 'Accept'],
      ['Content-Type', 'text/html'],
      ['vary', 'Cookie'],
    ]);
    headers.set('VARY', 'Accept-Encoding');
    expect(headers.list).toEqual([
      ['Content-Type', 'text/html'],
      ['VARY', 'Accept-Encoding'],
    ]);
  });

  it('set checks the value before removing anything', () => {
    const headers = new Headers([['Location', '/a']]);
    expect(() => headers.set('Location', '/b\r\nX-Evil: 1')).toThrow(ProtocolError);
    expect(headers.list).toEqual([['Location', '/a']]);
  });

  it('delete removes every value of the name, and nothing when absent', () => {
    const headers = new Headers([
      ['Set-Cookie', 'a=1'],
      ['Content-Type', 'text/html'],
      ['SET-COOKIE', 'b=2'],
    ]);
    headers.delete('set-cookie').delete('Location');
    expect(headers.list).toEqual([['Content-Type', 'text/html']]);
  });

  it('setDefault returns the existing first value and adds nothing', () => {
    const headers = new Headers([['Content-Type', 'text/html']]);
    expect(headers.setDefault('content-type', 'text/plain')).toBe('text/html');
    expect(headers.length).toBe(1);
  });

  it('setDefault appends and returns the value when the header is absent', () => {
    const headers = new Headers();
    expect(headers.setDefault('Content-Type', 'text/plain')).toBe('text/plain');
    expect(headers.list).toEqual([['Content-Type', 'text/plain']]);
  });

  it('setDefault checks the value even when the header is present', () => {
    const headers = new Headers([['Content-Type', 'text/html']]);
    expect(protocolErrorOf(() => headers.setDefault('Content-Type', 'a\nb')).rule).toBe('N-59');
  });
});

describe('Headers: append (wsgiref add_header)', () => {
  it('adds an entry and keeps existing ones', () => {
    const headers = new Headers([['Set-Cookie', 'a=1']]);
    headers.append('Set-Cookie', 'b=2');
    expect(headers.getAll('set-cookie')).toEqual(['a=1', 'b=2']);
  });

  it('writes parameters as `; key="value"`, in property order', () => {
    const headers = new Headers();
    headers.append('Content-Disposition', 'attachment', { filename: 'bud.gif', size: '10' });
    expect(headers.get('Content-Disposition')).toBe('attachment; filename="bud.gif"; size="10"');
  });

  it('escapes backslash and double quote inside a parameter value', () => {
    const headers = new Headers();
    headers.append('Content-Disposition', 'attachment', { filename: 'a"b\\c.txt' });
    expect(headers.get('content-disposition')).toBe('attachment; filename="a\\"b\\\\c.txt"');
  });

  it('turns `_` in parameter names into `-`', () => {
    const headers = new Headers();
    headers.append('Cache-Control', 'private', { max_age: '0', no__store: null });
    expect(headers.get('cache-control')).toBe('private; max-age="0"; no--store');
  });

  it('writes a bare `; key` for null and undefined parameter values', () => {
    const headers = new Headers();
    headers.append('Set-Cookie', 'id=1', { HttpOnly: null, Secure: undefined });
    expect(headers.get('set-cookie')).toBe('id=1; HttpOnly; Secure');
  });

  it('quotes an empty parameter value as `key=""`', () => {
    const headers = new Headers();
    headers.append('X-Param', 'v', { empty: '' });
    expect(headers.get('x-param')).toBe('v; empty=""');
  });

  it('N-58: refuses a parameter name that is not a token, naming it and the header', () => {
    const headers = new Headers();
    const error = protocolErrorOf(() => headers.append('Content-Disposition', 'attachment', { 'file name': 'x' }));
    expect(error.rule).toBe('N-58');
    expect(error.message).toContain('"file name"');
    expect(error.message).toContain('"Content-Disposition"');
    expect(error.message).toContain('" "');
    expect(headers.length).toBe(0);
  });

  it('N-59: refuses a control character in a parameter value, naming the parameter', () => {
    const headers = new Headers();
    const error = protocolErrorOf(() => headers.append('Content-Disposition', 'attachment', { filename: 'a\r\nb' }));
    expect(error.rule).toBe('N-59');
    expect(error.message).toContain('"filename"');
    expect(error.message).toContain('U+000D');
    expect(headers.length).toBe(0);
  });

  it('N-3: refuses a parameter value outside latin-1', () => {
    const error = protocolErrorOf(() => new Headers().append('Content-Disposition', 'attachment', { filename: '€.txt' }));
    expect(error.rule).toBe('N-3');
  });
});

describe('Headers: validation, always on (N-58, N-59, cpython#150726)', () => {
  it('N-58: refuses a name that is not a token, naming the character', () => {
    const error = protocolErrorOf(() => new Headers().set('Content Type', 'text/html'));
    expect(error.rule).toBe('N-58');
    expect(error.message).toContain('"Content Type"');
    expect(error.message).toContain('" "');
  });

  it('N-58: refuses a trailing colon and an empty name', () => {
    expect(protocolErrorOf(() => new Headers().append('Location:', '/')).rule).toBe('N-58');
    expect(protocolErrorOf(() => new Headers().append('', 'x')).rule).toBe('N-58');
  });

  it('N-58: refuses non-latin-1 and CR/LF in a name', () => {
    expect(protocolErrorOf(() => new Headers().set('X-€', '1')).rule).toBe('N-58');
    expect(protocolErrorOf(() => new Headers().set('X-A\r\nX-B', '1')).rule).toBe('N-58');
  });

  it('N-58: checks names given to lookups as well', () => {
    const headers = new Headers();
    expect(protocolErrorOf(() => headers.get('Content-Type:')).rule).toBe('N-58');
    expect(protocolErrorOf(() => headers.has('a b')).rule).toBe('N-58');
    expect(protocolErrorOf(() => headers.getAll('a\nb')).rule).toBe('N-58');
    expect(protocolErrorOf(() => headers.delete('')).rule).toBe('N-58');
  });

  it('N-59: refuses CR, LF and NUL in a value, naming the header and the character', () => {
    for (const [bad, codeUnit] of [
      ['\r', 'U+000D'],
      ['\n', 'U+000A'],
      ['\0', 'U+0000'],
    ] as const) {
      const error = protocolErrorOf(() => new Headers().set('Location', `/a${bad}b`));
      expect(error.rule).toBe('N-59');
      expect(error.message).toContain('"Location"');
      expect(error.message).toContain(codeUnit);
    }
  });

  it('N-59: refuses other control characters in a value', () => {
    expect(protocolErrorOf(() => new Headers().append('X-A', 'a\x01b')).rule).toBe('N-59');
    expect(protocolErrorOf(() => new Headers().append('X-A', 'a\x7Fb')).rule).toBe('N-59');
  });

  it('D-N19: accepts HTAB and latin-1 bytes in a value', () => {
    const headers = new Headers().append('X-A', 'a\tb\xFF');
    expect(headers.get('x-a')).toBe('a\tb\xFF');
  });

  it('N-3: refuses a value outside latin-1, naming the header and the character', () => {
    const error = protocolErrorOf(() => new Headers().set('X-Name', 'caf\u00E9 \u20AC'));
    expect(error.rule).toBe('N-3');
    expect(error.message).toContain('"X-Name"');
    expect(error.message).toContain('U+20AC');
  });

  it('accepts hop-by-hop names and Status: the server refuses those at startResponse (N-62)', () => {
    const headers = new Headers([['Connection', 'close']]);
    headers.set('Transfer-Encoding', 'chunked').set('Status', '200 OK');
    expect(headers.keys()).toEqual(['Connection', 'Transfer-Encoding', 'Status']);
  });

  it('N-58: the constructor checks names in the initial list', () => {
    const error = protocolErrorOf(() => new Headers([['Good', '1'], ['Bad Name', '2']]));
    expect(error.rule).toBe('N-58');
    expect(error.message).toContain('"Bad Name"');
  });

  it('N-59: the constructor checks values in the initial list', () => {
    expect(protocolErrorOf(() => new Headers([['Location', '/\r\n']])).rule).toBe('N-59');
  });

  it('N-56: the constructor refuses a non-array and entries that are not string pairs', () => {
    const untyped = (value: unknown) => () => new Headers(value as HeaderList);
    expect(protocolErrorOf(untyped({ 'Content-Type': 'text/html' })).rule).toBe('N-56');
    expect(protocolErrorOf(untyped([['Content-Type']])).rule).toBe('N-56');
    expect(protocolErrorOf(untyped([['Content-Type', 'a', 'b']])).rule).toBe('N-56');
    expect(protocolErrorOf(untyped([['Content-Length', 5]])).rule).toBe('N-56');
    expect(protocolErrorOf(untyped([[Symbol('x'), 'v']])).rule).toBe('N-56');
  });
});

describe('Headers: toString (wsgiref __str__)', () => {
  it('writes `Name: value` CRLF per entry and a closing empty line', () => {
    const headers = new Headers([
      ['Content-Type', 'text/plain'],
      ['Set-Cookie', 'a=1'],
    ]);
    expect(headers.toString()).toBe('Content-Type: text/plain\r\nSet-Cookie: a=1\r\n\r\n');
    expect(String(headers)).toBe(headers.toString());
  });
});

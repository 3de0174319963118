import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NativeStringError } from '../../src/codecs/latin1';
import { Headers } from '../../src/native/headers';
import type { HeaderList } from '../../src/native/types';
import { quotePath, shiftPathInfo } from '../../src/native/util';

const numRuns = 1000;

/** Any native string: code units 0x00..0xFF (N-2). */
const nativeString = fc.string({ unit: fc.nat(0xff).map((c) => String.fromCharCode(c)), maxLength: 40 });

/** Reverses `%XX` one byte at a time: the inverse of a per-byte quote. */
function unquoteBytes(quoted: string): string {
  return quoted.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

describe('quotePath properties', () => {
  it('N-126: output is ASCII, uses only unreserved, `/` and `%XX`, and decodes per byte to the input', () => {
    fc.assert(
      fc.property(nativeString, (native) => {
        const quoted = quotePath(native);
        expect(quoted).toMatch(/^(?:[A-Za-z0-9\-._~/]|%[0-9A-F]{2})*$/);
        expect(unquoteBytes(quoted)).toBe(native);
      }),
      { numRuns },
    );
  });

  it('N-126: round-trips for any ASCII `safe` set without `%`', () => {
    const safe = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 8 });
    fc.assert(
      fc.property(nativeString, safe.filter((s) => !s.includes('%')), (native, safeChars) => {
        const quoted = quotePath(native, safeChars);
        expect(quoted).toMatch(/^[\x00-\x7F]*$/);
        expect(unquoteBytes(quoted)).toBe(native);
      }),
      { numRuns },
    );
  });

  it('N-3: any code unit above U+00FF makes it throw NativeStringError', () => {
    const wide = fc.integer({ min: 0x100, max: 0xffff }).map((c) => String.fromCharCode(c));
    fc.assert(
      fc.property(nativeString, wide, nativeString, (before, char, after) => {
        expect(() => quotePath(before + char + after)).toThrow(NativeStringError);
      }),
      { numRuns },
    );
  });
});

describe('Headers properties', () => {
  // Few names in several cases, so that operations collide; values include HTAB and latin-1.
  const name = fc.constantFrom('Content-Type', 'content-type', 'CONTENT-TYPE', 'Set-Cookie', 'set-cookie', 'X-A', 'x-a');
  const value = fc.string({
    unit: fc.constantFrom('a', 'B', ' ', '\t', '=', ';', '"', '\xE9', '\xFF'),
    maxLength: 6,
  });
  const op = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), name, value }),
    fc.record({ kind: fc.constant('append' as const), name, value }),
    fc.record({ kind: fc.constant('setDefault' as const), name, value }),
    fc.record({ kind: fc.constant('delete' as const), name }),
    fc.record({ kind: fc.constant('get' as const), name }),
  );

  it('N-61: get/getAll/has/set/append/setDefault/delete agree with a list model folded in ASCII', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const list: HeaderList = [];
        const headers = new Headers(list);
        let model: [string, string][] = [];
        const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase(); // names are ASCII here
        for (const o of ops) {
          switch (o.kind) {
            case 'set':
              headers.set(o.name, o.value);
              model = model.filter(([n]) => !same(n, o.name));
              model.push([o.name, o.value]);
              break;
            case 'append':
              headers.append(o.name, o.value);
              model.push([o.name, o.value]);
              break;
            case 'setDefault': {
              const found = model.find(([n]) => same(n, o.name));
              expect(headers.setDefault(o.name, o.value)).toBe(found === undefined ? o.value : found[1]);
              if (found === undefined) model.push([o.name, o.value]);
              break;
            }
            case 'delete':
              headers.delete(o.name);
              model = model.filter(([n]) => !same(n, o.name));
              break;
            case 'get':
              break;
          }
          const values = model.filter(([n]) => same(n, o.name)).map(([, v]) => v);
          expect(headers.get(o.name)).toBe(values[0]);
          expect(headers.getAll(o.name)).toEqual(values);
          expect(headers.has(o.name)).toBe(values.length > 0);
          expect(list).toEqual(model);
          expect(headers.length).toBe(model.length);
        }
      }),
      { numRuns },
    );
  });
});

describe('shiftPathInfo properties', () => {
  // Segments a mount point can hold, plus the ones wsgiref normalises: '', '.', '..'.
  const plainSegment = fc.constantFrom('a', 'b', 'c.d', '...', '\xE9', '%2F', ' ');
  const anySegment = fc.oneof(plainSegment, fc.constantFrom('', '.', '..'));
  const scriptName = fc.array(plainSegment, { maxLength: 3 }).map((s) => s.map((x) => `/${x}`).join(''));
  const pathInfo = fc.oneof(
    fc.constant(''),
    fc.array(anySegment, { minLength: 1, maxLength: 6 }).map((s) => `/${s.join('/')}`),
  );
  const cleanPathInfo = fc.oneof(
    fc.constant(''),
    fc
      .tuple(fc.array(plainSegment, { minLength: 1, maxLength: 4 }), fc.boolean())
      .map(([s, slash]) => `/${s.join('/')}${slash ? '/' : ''}`),
  );

  /** Segments without '' and '.', with '..' popping one (never above the root): what a path names. */
  function resolve(path: string): string[] {
    const out: string[] = [];
    for (const segment of path.split('/')) {
      if (segment === '' || segment === '.') continue;
      if (segment === '..') out.pop();
      else out.push(segment);
    }
    return out;
  }
  /** PATH_INFO's segments as shift returns them: '' and '.' dropped, '..' kept. */
  const segments = (path: string) => path.split('/').filter((s) => s !== '' && s !== '.');

  it('one shift keeps the resolved SCRIPT_NAME + PATH_INFO, returns the first segment, and keeps both keys well formed', () => {
    fc.assert(
      fc.property(scriptName, pathInfo, (sn, pi) => {
        const environ: Record<string, unknown> = { SCRIPT_NAME: sn, PATH_INFO: pi, REQUEST_URI: sn + pi };
        const name = shiftPathInfo(environ);
        const newSn = environ.SCRIPT_NAME as string;
        const newPi = environ.PATH_INFO as string;

        expect(resolve(`${newSn}/${newPi}`)).toEqual(resolve(`${sn}/${pi}`));
        const first = segments(pi)[0];
        expect(name).toBe(first ?? (pi.endsWith('/') ? '' : undefined));
        expect(newSn === '' || (newSn.startsWith('/') && newSn !== '/')).toBe(true);
        expect(newSn).not.toContain('//');
        expect(newSn.endsWith('/')).toBe(name === '' && newSn !== '');
        expect(newPi === '' || newPi.startsWith('/')).toBe(true);
        expect(Object.keys(environ).sort()).toEqual(['PATH_INFO', 'REQUEST_URI', 'SCRIPT_NAME']);
        expect(environ.REQUEST_URI).toBe(sn + pi);
      }),
      { numRuns },
    );
  });

  it('without empty, `.` or `..` segments, SCRIPT_NAME + PATH_INFO is unchanged (except `/` at the root)', () => {
    fc.assert(
      fc.property(scriptName, cleanPathInfo, (sn, pi) => {
        fc.pre(!(sn === '' && pi === '/'));
        const environ: Record<string, unknown> = { SCRIPT_NAME: sn, PATH_INFO: pi };
        shiftPathInfo(environ);
        expect(`${environ.SCRIPT_NAME as string}${environ.PATH_INFO as string}`).toBe(sn + pi);
      }),
      { numRuns },
    );
  });

  it("shifting until undefined returns PATH_INFO's segments, then '' for a trailing slash, and ends resolved", () => {
    fc.assert(
      fc.property(scriptName, pathInfo, (sn, pi) => {
        const environ: Record<string, unknown> = { SCRIPT_NAME: sn, PATH_INFO: pi };
        const names: string[] = [];
        for (let name = shiftPathInfo(environ); name !== undefined; name = shiftPathInfo(environ)) {
          names.push(name);
          expect(names.length).toBeLessThanOrEqual(pi.length);
        }
        const trailing = pi.endsWith('/');
        expect(names).toEqual([...segments(pi), ...(trailing ? [''] : [])]);
        expect(environ.PATH_INFO).toBe('');
        const resolved = resolve(`${sn}/${pi}`);
        const expected = resolved.length === 0 ? '' : `/${resolved.join('/')}${trailing ? '/' : ''}`;
        expect(environ.SCRIPT_NAME).toBe(expected);
      }),
      { numRuns },
    );
  });
});

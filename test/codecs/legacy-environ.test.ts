/**
 * The environ a legacy app sees (C-6): text wherever the app looks at it, decoded when first
 * read (the URL's parts before the app runs), and the app's own writes kept as they are.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fromLegacyApp, type LegacyApp, type LegacyEnviron } from '../../src/codecs/legacy';
import { buildEnviron, callApplication } from '../../src/native/testing';

/** Runs `look` inside a legacy app, on the environ of a request with these headers and path. */
async function lookAt<T>(look: (environ: LegacyEnviron) => T, path = '/caf%C3%A9'): Promise<T> {
  let seen: T | undefined;
  const app: LegacyApp = (environ, start) => {
    seen = look(environ);
    start('204 No Content', []);
    return [];
  };
  // 'Zoë' in UTF-8, as the gateway hands it over: its bytes viewed as latin-1 (N-2).
  await callApplication(fromLegacyApp(app), buildEnviron({ path, headers: { 'X-Name': 'Zo\u00c3\u00ab', 'X-Plain': 'ascii' } }), { errors: 'throw' });
  return seen as T;
}

describe('the text environ (C-6)', () => {
  it('C-6: a header read twice is the same text, never decoded a second time', async () => {
    const [first, second] = await lookAt((environ) => [environ.HTTP_X_NAME, environ.HTTP_X_NAME]);
    expect(first).toBe('Zoë');
    expect(second).toBe('Zoë');
  });

  it('C-6: spreads, Object.entries, for-in and JSON.stringify show text too', async () => {
    const views = await lookAt((environ) => {
      const looped: Record<string, unknown> = {};
      for (const key in environ) looped[key] = (environ as unknown as Record<string, unknown>)[key];
      return {
        spread: { ...environ }.HTTP_X_NAME,
        entries: Object.fromEntries(Object.entries(environ)).HTTP_X_NAME,
        looped: looped.HTTP_X_NAME,
        json: (JSON.parse(JSON.stringify({ name: environ.HTTP_X_NAME, path: environ.PATH_INFO })) as Record<string, string>).name,
        path: environ.PATH_INFO,
        descriptor: Object.getOwnPropertyDescriptor(environ, 'HTTP_X_NAME')?.value,
      };
    });
    expect(views).toEqual({ spread: 'Zoë', entries: 'Zoë', looped: 'Zoë', json: 'Zoë', path: '/café', descriptor: 'Zoë' });
  });

  it('C-6: console.log shows text, the values as the app reads them', async () => {
    const shown = await lookAt((environ) => inspect(environ));
    expect(shown).toContain("HTTP_X_NAME: 'Zoë'");
    expect(shown).toContain("PATH_INFO: '/café'");
    expect(shown).not.toContain('Ã');
  });

  it('the app\'s own writes are its text, kept as they are: never decoded as if they were bytes', async () => {
    const seen = await lookAt((environ) => {
      const writable = environ as unknown as Record<string, unknown>;
      writable.PATH_INFO = '/menü';
      writable.HTTP_X_NAME = 'Zoë Ä';
      Object.defineProperty(environ, 'app.note', { value: 'é', enumerable: true });
      delete writable.HTTP_X_PLAIN;
      return { path: environ.PATH_INFO, name: environ.HTTP_X_NAME, note: writable['app.note'], plain: 'HTTP_X_PLAIN' in environ, keys: Object.keys(environ).includes('HTTP_X_PLAIN') };
    });
    expect(seen).toEqual({ path: '/menü', name: 'Zoë Ä', note: 'é', plain: false, keys: false });
  });

  it('wsgi.input is one object for the whole request, with readText(), and keys the app adds come after the native ones', async () => {
    const seen = await lookAt((environ) => {
      const writable = environ as unknown as Record<string, unknown>;
      writable['app.user'] = 'zoë';
      const keys = Object.keys(environ);
      return {
        same: environ['wsgi.input'] === environ['wsgi.input'],
        readText: typeof environ['wsgi.input'].readText,
        last: keys[keys.length - 1],
        once: keys.filter((key) => key === 'PATH_INFO').length,
      };
    });
    expect(seen).toEqual({ same: true, readText: 'function', last: 'app.user', once: 1 });
  });

  it('a getter cannot be defined on it: the environ holds data, and says so with a TypeError', async () => {
    const error = await lookAt((environ) => {
      try {
        Object.defineProperty(environ, 'app.lazy', { get: () => 'x' });
        return undefined;
      } catch (caught) {
        return caught;
      }
    });
    expect(error).toBeInstanceOf(TypeError);
  });

  it('looks like a plain object: its prototype, its keys in the native order, nothing of its own machinery', async () => {
    const seen = await lookAt((environ) => ({
      prototype: Object.getPrototypeOf(environ) === Object.prototype,
      first: Object.keys(environ).slice(0, 3),
      symbols: Object.getOwnPropertySymbols(environ).length,
      tag: Object.prototype.toString.call(environ),
    }));
    expect(seen).toEqual({ prototype: true, first: ['REQUEST_METHOD', 'SCRIPT_NAME', 'PATH_INFO'], symbols: 0, tag: '[object Object]' });
  });

  it('inherited names are not its keys: toString is found, as on any object, but is not its own', async () => {
    const seen = await lookAt((environ) => {
      const writable = environ as unknown as Record<string, unknown>;
      const before = { own: Object.hasOwn(environ, 'toString'), descriptor: Object.getOwnPropertyDescriptor(environ, 'toString'), found: 'toString' in environ };
      writable['constructor'] = "the app's own";
      return { ...before, keys: Object.keys(environ).includes('constructor'), value: writable['constructor'] };
    });
    expect(seen).toEqual({ own: false, descriptor: undefined, found: true, keys: true, value: "the app's own" });
  });

  it('cannot be frozen: a TypeError says so, rather than a promise the environ could not keep', async () => {
    const error = await lookAt((environ) => {
      try {
        Object.freeze(environ);
        return undefined;
      } catch (caught) {
        return caught;
      }
    });
    expect(error).toBeInstanceOf(TypeError);
  });

  it('C-16: a path that is not text is answered 400 before the app runs', async () => {
    let called = false;
    const app: LegacyApp = (_environ, start) => {
      called = true;
      start('200 OK', []);
      return [];
    };
    const response = await callApplication(fromLegacyApp(app), buildEnviron({ path: '/caf%E9' }), { errors: 'respond' });
    expect(response.code).toBe(400);
    expect(called).toBe(false);
  });

  it('the native environ is never changed, whatever the app reads or writes', async () => {
    const environ = buildEnviron({ path: '/caf%C3%A9', headers: { 'X-Name': 'Zo\u00c3\u00ab' } });
    const before = { ...environ };
    const app: LegacyApp = (text, start) => {
      void text.HTTP_X_NAME;
      (text as unknown as Record<string, unknown>).HTTP_X_NAME = 'changed';
      start('204 No Content', []);
      return [];
    };
    await callApplication(fromLegacyApp(app), environ);
    expect(environ).toEqual(before);
  });
});

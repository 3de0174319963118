/**
 * The CGI environ, built from a plain record of variables (no process needed): every variable
 * copied as a native string, the required keys always present, the wsgi.* keys of a run-once
 * gateway, and an environ the validator accepts.
 */
import { describe, expect, it } from 'vitest';
import { ErrorStream } from '../../src/native/error-stream';
import { fileWrapper } from '../../src/native/file-wrapper';
import { InputStream } from '../../src/native/input';
import { buildEnviron, callApplication } from '../../src/native/testing';
import type { Environ, NativeApp } from '../../src/native/types';
import { validator, type ValidationWarning } from '../../src/native/validate';
import { buildCGIEnviron, CGI_DEFAULTS, envToNative } from '../../src/server/cgi-environ';

const streams = () => ({ input: InputStream.empty(), errors: ErrorStream.collecting() });
const build = (env: Record<string, string | undefined>, extras?: Record<string, unknown>): Environ =>
  buildCGIEnviron(env, streams(), extras);

/** What nginx and fcgiwrap hand a script for GET /cgi/app/café?x=1 (see docs/deploy.md). */
const NGINX_ENV: Record<string, string> = {
  GATEWAY_INTERFACE: 'CGI/1.1',
  SERVER_SOFTWARE: 'nginx/1.22.1',
  REQUEST_METHOD: 'GET',
  SCRIPT_NAME: '/cgi/app',
  // Node decoded the bytes 2F 63 61 66 C3 A9 as UTF-8.
  PATH_INFO: '/café',
  QUERY_STRING: 'x=1',
  REQUEST_URI: '/cgi/app/caf%C3%A9?x=1',
  SERVER_PROTOCOL: 'HTTP/1.1',
  SERVER_NAME: 'localhost',
  SERVER_PORT: '8080',
  REMOTE_ADDR: '127.0.0.1',
  REMOTE_PORT: '51234',
  HTTP_HOST: '127.0.0.1:8080',
  HTTP_ACCEPT: '*/*',
  FCGI_ROLE: 'RESPONDER',
  PATH: '/usr/bin:/bin',
};

describe('buildCGIEnviron', () => {
  it('N-27: copies every variable, CGI meta-variables and OS variables alike', () => {
    const environ = build({ ...NGINX_ENV, DEPLOY_MODE: 'staging' });
    for (const key of Object.keys(NGINX_ENV)) expect(environ).toHaveProperty([key]);
    expect(environ.PATH).toBe('/usr/bin:/bin');
    expect(environ.FCGI_ROLE).toBe('RESPONDER');
    expect(environ.DEPLOY_MODE).toBe('staging');
    expect(environ.SERVER_PORT).toBe('8080');
    expect(environ.QUERY_STRING).toBe('x=1');
  });

  it('N-27, C-12: turns UTF-8 text back into its bytes, one code unit per byte', () => {
    const environ = build({ ...NGINX_ENV, HTTP_X_NAME: 'Zoë 😀' });
    expect(environ.PATH_INFO).toBe('/caf\u00c3\u00a9');
    expect(Buffer.from(environ.PATH_INFO!, 'latin1')).toEqual(Buffer.from('/café', 'utf8'));
    expect(Buffer.from(String(environ.HTTP_X_NAME), 'latin1').toString('utf8')).toBe('Zoë 😀');
    // Names are converted too, so every key and value is a native string (N-20).
    expect(build({ 'CAFÉ': 'x' })).toHaveProperty(['CAF\u00c3\u0089'], 'x');
  });

  it('C-12: the path agrees with what the test client builds for the same percent-encoded URL', () => {
    const fromClient = buildEnviron({ path: '/caf%C3%A9/a%2Fb' });
    // nginx decodes %C3%A9 and %2F before setting PATH_INFO; Node reads the bytes as UTF-8.
    const fromCGI = build({ PATH_INFO: '/café/a/b' });
    expect(fromCGI.PATH_INFO).toBe(fromClient.PATH_INFO);
  });

  it('N-27: bytes that were not UTF-8 arrive as the UTF-8 of U+FFFD (Node replaced them; not recoverable)', () => {
    // What Node gives JavaScript for the environment bytes 2F E9 ("/é" in latin-1).
    const environ = build({ PATH_INFO: '/\ufffd' });
    expect(environ.PATH_INFO).toBe('/\u00ef\u00bf\u00bd');
  });

  it('N-2: every value is a native string, whatever text the environment held', () => {
    const environ = build({ A: '\u0000\u00ff\u0100\u{10ffff}', B: '\ud800' });
    for (const key of ['A', 'B']) expect(environ[key]).toMatch(/^[\x00-\xff]*$/);
  });

  it('envToNative returns ASCII unchanged and encodes the rest as UTF-8 bytes', () => {
    expect(envToNative('plain ASCII ~')).toBe('plain ASCII ~');
    expect(envToNative('é')).toBe('\u00c3\u00a9');
    expect(envToNative('')).toBe('');
  });

  it('N-21: fills the required keys when absent', () => {
    const environ = build({});
    expect(environ.REQUEST_METHOD).toBe('GET');
    expect(environ.SCRIPT_NAME).toBe('');
    expect(environ.PATH_INFO).toBe('');
    expect(environ.QUERY_STRING).toBe('');
    expect(environ.SERVER_NAME).toBe(CGI_DEFAULTS.SERVER_NAME);
    expect(environ.SERVER_PORT).toBe('80');
    expect(environ.SERVER_PROTOCOL).toBe('HTTP/1.0');
  });

  it('N-21: fills the required keys that must not be empty when they are (nginx sends SERVER_NAME "")', () => {
    const environ = build({ REQUEST_METHOD: '', SERVER_NAME: '', SERVER_PORT: '', SERVER_PROTOCOL: '', SCRIPT_NAME: '', PATH_INFO: '' });
    expect(environ).toMatchObject({
      REQUEST_METHOD: 'GET',
      SERVER_NAME: 'localhost',
      SERVER_PORT: '80',
      SERVER_PROTOCOL: 'HTTP/1.0',
      SCRIPT_NAME: '',
      PATH_INFO: '',
    });
  });

  it('N-22: leaves out the optional meta-variables sent empty (nginx\'s stock fastcgi_params sends REMOTE_USER "")', () => {
    const empty = { AUTH_TYPE: '', CONTENT_LENGTH: '', CONTENT_TYPE: '', PATH_TRANSLATED: '', REMOTE_HOST: '', REMOTE_IDENT: '', REMOTE_USER: '' };
    const environ = build(empty);
    for (const key of Object.keys(empty)) expect([key, Object.hasOwn(environ, key)]).toEqual([key, false]);
    expect(build({ REMOTE_USER: 'ann', CONTENT_LENGTH: '0' })).toMatchObject({ REMOTE_USER: 'ann', CONTENT_LENGTH: '0' });
  });

  it('N-30: keeps an empty HTTP_* (a header sent empty) and empty OS variables', () => {
    expect(build({ HTTP_X_EMPTY: '', DEPLOY_FLAG: '' })).toMatchObject({ HTTP_X_EMPTY: '', DEPLOY_FLAG: '' });
  });

  it('skips variables whose value is undefined', () => {
    expect(Object.hasOwn(build({ GONE: undefined }), 'GONE')).toBe(false);
  });

  it('N-31: leaves out HTTP_CONTENT_TYPE and HTTP_CONTENT_LENGTH, which nginx adds next to CONTENT_*', () => {
    const environ = build({ CONTENT_TYPE: 'text/plain', CONTENT_LENGTH: '3', HTTP_CONTENT_TYPE: 'text/plain', HTTP_CONTENT_LENGTH: '3' });
    expect(environ.CONTENT_TYPE).toBe('text/plain');
    expect(environ.CONTENT_LENGTH).toBe('3');
    expect(Object.hasOwn(environ, 'HTTP_CONTENT_TYPE')).toBe(false);
    expect(Object.hasOwn(environ, 'HTTP_CONTENT_LENGTH')).toBe(false);
  });

  it.each([
    ['on', 'https'],
    ['ON', 'https'],
    ['yes', 'https'],
    ['1', 'https'],
    ['off', 'http'],
    ['', 'http'],
    [undefined, 'http'],
  ])('N-16: HTTPS=%j gives wsgi.url_scheme %s', (https, scheme) => {
    expect(build({ HTTPS: https })['wsgi.url_scheme']).toBe(scheme);
  });

  it('N-16: the default SERVER_PORT follows the scheme', () => {
    expect(build({ HTTPS: 'on' }).SERVER_PORT).toBe('443');
    expect(build({ HTTPS: 'on', SERVER_PORT: '8443' }).SERVER_PORT).toBe('8443');
  });

  it('§7: the wsgi.* keys of a run-once, multi-process, single-threaded gateway', () => {
    const { input, errors } = streams();
    const environ = buildCGIEnviron(NGINX_ENV, { input, errors });
    expect(environ['wsgi.version']).toEqual([1, 0]);
    expect(Object.isFrozen(environ['wsgi.version'])).toBe(true);
    expect(environ['wsgi.input']).toBe(input);
    expect(environ['wsgi.errors']).toBe(errors);
    expect(environ['wsgi.run_once']).toBe(true);
    expect(environ['wsgi.multithread']).toBe(false);
    expect(environ['wsgi.multiprocess']).toBe(true);
    expect(environ['wsgi.file_wrapper']).toBe(fileWrapper);
  });

  it('N-35, D-N11: wsgi.input_terminated is always true (the input ends where the body ends)', () => {
    expect(build({})['wsgi.input_terminated']).toBe(true);
    expect(build({ CONTENT_LENGTH: '12' })['wsgi.input_terminated']).toBe(true);
  });

  it('N-29: deployer extras come last and win, also over wsgi.* keys; the environment cannot override wsgi.*', () => {
    const environ = build({ 'wsgi.run_once': 'from the environment', MODE: 'env' }, { MODE: 'extra', 'myapp.db': 'sqlite:x' });
    expect(environ['wsgi.run_once']).toBe(true);
    expect(environ.MODE).toBe('extra');
    expect(environ['myapp.db']).toBe('sqlite:x');
    expect(build({}, { 'wsgi.multithread': true })['wsgi.multithread']).toBe(true);
  });

  it('N-19: the environ is a plain object with own data properties', () => {
    const environ = build(NGINX_ENV);
    expect(Object.getPrototypeOf(environ)).toBe(Object.prototype);
    for (const key of Object.keys(environ)) {
      expect(Object.getOwnPropertyDescriptor(environ, key)).toHaveProperty('value');
    }
  });

  it('N-17: passes the validator without a single warning', async () => {
    const warnings: ValidationWarning[] = [];
    const app: NativeApp = (_environ, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      return [Buffer.from('ok')];
    };
    for (const env of [NGINX_ENV, {}, { ...NGINX_ENV, SERVER_NAME: '', CONTENT_LENGTH: '', HTTP_CONTENT_TYPE: 'x' }]) {
      const response = await callApplication(validator(app, { onWarning: (w) => warnings.push(w) }), build(env));
      expect(response.code).toBe(200);
    }
    expect(warnings).toEqual([]);
  });
});

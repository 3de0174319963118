/**
 * Environ checks, run when the app is called (VALIDATOR.md §3, V-85…V-91). They check the
 * server: a plain object whose CGI values are bytes (B-3), the keys PEP 444 requires (§5, §6),
 * and the raw path keys (B-40…B-44).
 *
 * @module
 */

import { types } from 'node:util';
import { bytesToNative } from '../../codecs/latin1';
import { percentDecodeNative } from '../../codecs/percent';
import { show } from '../../native/checks';
import type { BytesReporter } from './report';
import { describe, showByte, showBytes, showLatin1 } from './show';

/** V-86 (B-11, §5, §6): keys every Web3 environ holds. */
const REQUIRED_KEYS = [
  'REQUEST_METHOD',
  'SCRIPT_NAME',
  'PATH_INFO',
  'QUERY_STRING',
  'SERVER_NAME',
  'SERVER_PORT',
  'SERVER_PROTOCOL',
  'web3.version',
  'web3.url_scheme',
  'web3.input',
  'web3.errors',
  'web3.multithread',
  'web3.multiprocess',
  'web3.run_once',
  'web3.async',
] as const;

/** B-11: present even when empty. */
const ALWAYS_PRESENT = new Set(['SCRIPT_NAME', 'PATH_INFO', 'QUERY_STRING']);

const INPUT_METHODS = ['read', 'readline', 'readlines', Symbol.asyncIterator] as const;
const ERRORS_METHODS = ['write', 'writelines', 'flush'] as const;

const DIGITS = /^[0-9]+$/;
const SLASH = 0x2f;

/** The raw path keys and the decoded keys they must decode to (B-40, B-41). */
const RAW_KEYS = [
  ['web3.script_name', 'SCRIPT_NAME'],
  ['web3.path_info', 'PATH_INFO'],
] as const;

function has(environ: object, key: string): boolean {
  return Object.hasOwn(environ, key);
}

/** `Buffer.from("…", "latin1")` for a string a server put where bytes belong. */
function encodeHint(value: unknown): string {
  return typeof value === 'string' ? `; encode it, e.g. Buffer.from(${show(value)}, "latin1")` : '';
}

/**
 * Checks the environ. Returns it typed as a record when it is an object the validator can work
 * with (even after warnings), or undefined when it is not an object at all.
 */
export function checkBytesEnviron(report: BytesReporter, environ: unknown): Record<string, unknown> | undefined {
  if (!checkShape(report, environ)) return undefined;
  const env = environ as Record<string, unknown>;

  // V-86 (B-11, §5, §6)
  for (const key of REQUIRED_KEYS) {
    if (!has(env, key)) {
      const hint = ALWAYS_PRESENT.has(key) ? ', as b"" when the request has none' : '';
      report.fail('V-86', `environ lacks the required key ${show(key)}; the server must set it${hint}`);
    }
  }

  // V-91 (V-5 analogue): CGI moves these two request headers out of the HTTP_ namespace.
  for (const key of ['HTTP_CONTENT_TYPE', 'HTTP_CONTENT_LENGTH']) {
    if (has(env, key)) report.fail('V-91', `environ holds ${key}; put the header in ${key.slice(5)} instead`);
  }

  // V-90 (B-2): Web3 keys use the web3. prefix; wsgi.* means two flavours got mixed.
  const wsgiKeys = Object.keys(env).filter((key) => key.startsWith('wsgi.'));
  if (wsgiKeys.length > 0) {
    report.fail(
      'V-90',
      `a Web3 environ holds ${wsgiKeys.map((key) => show(key)).join(', ')}; the bytes flavour uses web3.* keys ` +
        '(web3.input, web3.errors, ...), so this looks like a native environ passed to a bytes app: convert it with the codec adapter',
    );
  }

  checkValues(report, env);
  checkPaths(report, env);
  checkRawPaths(report, env);
  checkStreams(report, env);
  return env;
}

/** V-85 (B-3, B-22, B-34, B-35): a plain data object, string keys, bytes CGI values. */
function checkShape(report: BytesReporter, environ: unknown): boolean {
  if (typeof environ !== 'object' || environ === null) {
    report.fail('V-85', `environ must be a plain object, got ${describe(environ)}; build it as an object literal`);
    return false;
  }
  if (types.isProxy(environ)) {
    report.fail('V-85', 'environ is a Proxy; pass a plain object literal');
  } else {
    const proto: unknown = Object.getPrototypeOf(environ);
    if (proto !== Object.prototype && proto !== null) {
      report.fail('V-85', `environ must be a plain object, got ${show(environ)}; build it as an object literal`);
    }
    for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(environ))) {
      if (descriptor.get !== undefined || descriptor.set !== undefined) {
        report.fail('V-85', `environ[${show(key)}] is an accessor; environ values must be plain data properties`);
      }
    }
  }
  for (const symbol of Object.getOwnPropertySymbols(environ)) {
    report.fail('V-85', `environ has the symbol key ${String(symbol)}; every key must be a string (B-35)`);
  }
  const env = environ as Record<string, unknown>;
  for (const key of Object.keys(env)) {
    if (key.includes('.')) continue;
    const value = env[key];
    // Strings are the commonest mistake (a native environ, or "8080"); they are never coerced (B-52).
    if (!(value instanceof Uint8Array)) {
      report.fail('V-85', `environ[${show(key)}] must be a Uint8Array, got ${describe(value)}; Web3 CGI values are bytes${encodeHint(value)}`);
    }
  }
  return true;
}

/** V-87 (B-13, §6): the port and the length are digits, the version and the scheme exact. */
function checkValues(report: BytesReporter, env: Record<string, unknown>): void {
  const port = env['SERVER_PORT'];
  if (port instanceof Uint8Array && !DIGITS.test(bytesToNative(port))) {
    report.fail('V-87', `SERVER_PORT ${showBytes(port)} is not ASCII digits; pass the port as bytes, e.g. b"8080"`);
  }
  // An empty CONTENT_LENGTH means "no length", as in CGI and the native V-15.
  const length = env['CONTENT_LENGTH'];
  if (length instanceof Uint8Array && length.byteLength > 0 && !DIGITS.test(bytesToNative(length))) {
    report.fail('V-87', `CONTENT_LENGTH ${showBytes(length)} is not ASCII digits; omit it when the request has no length`);
  }
  if (has(env, 'web3.version')) {
    const version = env['web3.version'];
    if (!Array.isArray(version) || version.length !== 2 || version[0] !== 1 || version[1] !== 0) {
      report.fail('V-87', `web3.version must be the Array [1, 0], got ${describe(version)}`);
    }
  }
  if (has(env, 'web3.url_scheme')) {
    const scheme = env['web3.url_scheme'];
    const text = scheme instanceof Uint8Array ? bytesToNative(scheme) : undefined;
    if (text !== 'http' && text !== 'https') {
      report.fail('V-87', `web3.url_scheme must be the bytes b"http" or b"https", got ${describe(scheme)}${encodeHint(scheme)}`);
    }
  }
}

/** V-88 (V-13, V-14, V-17 analogues): SCRIPT_NAME is the mount point, PATH_INFO the rest. */
function checkPaths(report: BytesReporter, env: Record<string, unknown>): void {
  for (const key of ['SCRIPT_NAME', 'PATH_INFO']) {
    const value = env[key];
    if (value instanceof Uint8Array && value.byteLength > 0 && value[0] !== SLASH) {
      report.fail('V-88', `${key} ${showBytes(value)} must be empty or start with b"/"`);
    }
  }
  const scriptName = env['SCRIPT_NAME'];
  if (scriptName instanceof Uint8Array && scriptName.byteLength === 1 && scriptName[0] === SLASH) {
    report.fail('V-88', 'SCRIPT_NAME must not be b"/"; use b"" for an app mounted at the root and put the "/" in PATH_INFO');
  }
}

/** Index of the first byte outside 0x21-0x7E, or -1 (B-41: the raw keys are 7-bit, no space). */
function indexOfNonGraphic(bytes: Uint8Array): number {
  return bytes.findIndex((byte) => byte < 0x21 || byte > 0x7e);
}

/**
 * The path part of a raw request target as B-41 reads it: before the first `?`, without the
 * scheme and authority of an absolute-form target, bytes outside 0x21-0x7E percent-encoded.
 * Undefined for the asterisk form.
 */
function rawPathOf(target: string): string | undefined {
  let path = target.split('?', 1)[0] ?? '';
  if (path === '*') return undefined;
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/.exec(path);
  if (absolute !== null) path = path.slice(absolute[0].length);
  return path.replace(/[^\x21-\x7E]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** V-89 (B-40…B-44): the raw keys are what the client sent, and decode to the decoded keys. */
function checkRawPaths(report: BytesReporter, env: Record<string, unknown>): void {
  const raw: string[] = [];
  for (const [rawKey, decodedKey] of RAW_KEYS) {
    if (!has(env, rawKey)) continue;
    const value = env[rawKey];
    if (!(value instanceof Uint8Array)) {
      report.fail('V-89', `${rawKey} must be a Uint8Array, got ${describe(value)}; omit the key when the raw path is unknown`);
      continue;
    }
    const bad = indexOfNonGraphic(value);
    if (bad !== -1) {
      report.fail(
        'V-89',
        `${rawKey} ${showBytes(value)} holds ${showByte(value[bad] ?? 0)} at index ${bad}; raw path keys are 7-bit ASCII ` +
          'without spaces or controls, so percent-encode such bytes',
      );
    }
    if (value.byteLength > 0 && value[0] !== SLASH) {
      report.fail('V-89', `${rawKey} ${showBytes(value)} must be empty or start with b"/"`);
    }
    const decoded = env[decodedKey];
    const text = bytesToNative(value);
    if (decoded instanceof Uint8Array && percentDecodeNative(text) !== bytesToNative(decoded)) {
      report.fail(
        'V-89',
        `${rawKey} ${showBytes(value)} percent-decodes to ${showLatin1(percentDecodeNative(text))}, ` +
          `not to ${decodedKey} ${showBytes(decoded)}; split the raw path where the decoded one is split, ` +
          'or omit the raw keys when they cannot be computed faithfully (B-42)',
      );
    }
    raw.push(text);
  }
  // "Concatenation": web3.script_name + web3.path_info is the request target's path (B-41);
  // checkable when the server also passes the raw target as REQUEST_URI.
  const target = env['REQUEST_URI'];
  if (raw.length === 2 && target instanceof Uint8Array) {
    const path = rawPathOf(bytesToNative(target));
    const joined = raw.join('');
    if (path !== undefined && path !== joined) {
      report.fail(
        'V-89',
        `web3.script_name + web3.path_info is ${showLatin1(joined)}, but REQUEST_URI ${showBytes(target)} has the path ${showLatin1(path)}; ` +
          'take both raw keys from the request target, or omit them',
      );
    }
  }
}

/** V-91 (V-10, V-11 analogues, B-38, B-39): every method the app may use is there. */
function checkStreams(report: BytesReporter, env: Record<string, unknown>): void {
  if (has(env, 'web3.input')) {
    const input = env['web3.input'] as Record<PropertyKey, unknown> | null | undefined;
    for (const method of INPUT_METHODS) {
      if (typeof input?.[method] !== 'function') {
        report.fail('V-91', `web3.input has no ${String(method)}() method; it must offer read, readline, readlines and Symbol.asyncIterator`);
      }
    }
  }
  if (has(env, 'web3.errors')) {
    const errors = env['web3.errors'] as Record<PropertyKey, unknown> | null | undefined;
    for (const method of ERRORS_METHODS) {
      if (typeof errors?.[method] !== 'function') {
        report.fail('V-91', `web3.errors has no ${method}() method; it must offer write, writelines and flush`);
      }
    }
  }
}

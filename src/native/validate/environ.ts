/**
 * Environ checks, run when the app is called (VALIDATOR.md §1 V-3…V-17, §2 V-48, V-49, V-58,
 * V-78…V-81). They check the server: what it put into the environ and how.
 *
 * @module
 */

import { types } from 'node:util';
import { isToken, show } from '../checks';
import { indexOfNonNative } from '../../codecs/latin1';
import type { Reporter } from './report';
import { parsePythonInt, WSGIREF_METHODS } from './wsgiref-quirks';

const DIGITS = /^[0-9]+$/;

/** V-4: the keys wsgiref requires; the default profile adds the two wsgiref forgets. */
const REQUIRED_KEYS = [
  'REQUEST_METHOD',
  'SERVER_NAME',
  'SERVER_PORT',
  'wsgi.version',
  'wsgi.input',
  'wsgi.errors',
  'wsgi.multithread',
  'wsgi.multiprocess',
  'wsgi.run_once',
] as const;
const REQUIRED_KEYS_DEFAULT = ['wsgi.url_scheme', 'SERVER_PROTOCOL'] as const;

const INPUT_METHODS = ['read', 'readline', 'readlines', Symbol.asyncIterator] as const;
const ERRORS_METHODS = ['flush', 'write', 'writelines'] as const;

function has(environ: object, key: string): boolean {
  return Object.hasOwn(environ, key);
}

function codeUnitAt(s: string, index: number): string {
  return `U+${s.charCodeAt(index).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Checks the environ. Returns it typed as a record when it is an object the validator can
 * work with (even after warnings), or undefined when it is not an object at all.
 */
export function checkEnviron(report: Reporter, environ: unknown): Record<string, unknown> | undefined {
  // V-3 (N-19, D-N1): a plain data object: not a Map, a class instance, a Proxy or an
  // object with getters (wsgiref: `type(environ) is dict`).
  if (typeof environ !== 'object' || environ === null) {
    report.fail('V-3', `environ must be a plain object, got ${show(environ)}; build it as an object literal`);
    return undefined;
  }
  if (types.isProxy(environ)) {
    report.fail('V-3', 'environ is a Proxy; pass a plain object literal (N-19)');
  } else {
    const proto: unknown = Object.getPrototypeOf(environ);
    if (proto !== Object.prototype && proto !== null) {
      report.fail('V-3', `environ must be a plain object, got ${show(environ)}; build it as an object literal (N-19)`);
    }
    for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(environ))) {
      if (descriptor.get !== undefined || descriptor.set !== undefined) {
        report.fail('V-3', `environ[${show(key)}] is an accessor; environ values must be plain data properties (N-19)`);
      }
    }
  }
  const env = environ as Record<string, unknown>;
  const wsgiref = report.profile === 'wsgiref';

  // V-4 (N-17, §6, §7)
  const required = wsgiref ? REQUIRED_KEYS : [...REQUIRED_KEYS, ...REQUIRED_KEYS_DEFAULT];
  for (const key of required) {
    if (!has(env, key)) report.fail('V-4', `environ lacks the required key ${show(key)}; the server must set it`);
  }

  // V-5 (N-31): CGI moves these two request headers out of the HTTP_ namespace.
  for (const key of ['HTTP_CONTENT_TYPE', 'HTTP_CONTENT_LENGTH']) {
    if (has(env, key)) report.fail('V-5', `environ holds ${key}; put the header in ${key.slice(5)} instead`);
  }

  // V-6 (§6): always set QUERY_STRING, "" when the URL has no query.
  if (!has(env, 'QUERY_STRING')) {
    report.fail('V-6', 'environ lacks QUERY_STRING; set it to "" when the request URL has no query');
  }

  for (const key of Object.keys(env)) {
    const value = env[key];
    if (key.includes('.')) {
      // V-79 (N-28): extension keys are `prefix.name` in lower case.
      if (!/^[a-z0-9_]+(\.[a-z0-9_]+)+$/.test(key)) {
        report.fail('V-79', `environ key ${show(key)} is not a lower-case dotted name; name extensions like "myserver.some_key"`);
      }
      continue;
    }
    // V-7 (N-20): CGI values are strings ("8080", never 8080).
    if (typeof value !== 'string') {
      report.fail('V-7', `environ[${show(key)}] must be a string, got ${show(value)}; convert it (e.g. String(port))`);
    } else {
      // V-48 (N-2, N-3): … and native strings, one code unit per byte.
      const wide = indexOfNonNative(value);
      if (wide !== -1) {
        report.fail(
          'V-48',
          `environ[${show(key)}] holds ${codeUnitAt(value, wide)} at index ${wide}, outside latin-1; ` +
            'decode request bytes as latin-1 (bytesToNative), never as UTF-8',
        );
      }
    }
    // V-80 (N-30): HTTP_ + upper-cased field name with "-" turned into "_".
    if (key.startsWith('HTTP_') && !/^HTTP_[A-Z0-9_]+$/.test(key)) {
      report.fail('V-80', `environ key ${show(key)} is not HTTP_ followed by A-Z, 0-9 and _; upper-case the field name and turn "-" into "_"`);
    }
  }

  // V-8 (§7): wsgiref only asks for a tuple; we want exactly [1, 0].
  const version = env['wsgi.version'];
  if (has(env, 'wsgi.version')) {
    const ok = Array.isArray(version) && (wsgiref || (version.length === 2 && version[0] === 1 && version[1] === 0));
    if (!ok) report.fail('V-8', `wsgi.version must be the Array [1, 0], got ${show(version)}`);
  }

  // V-9 (§7). wsgiref reads the key without checking it is there (KeyError), so under that
  // profile a missing scheme fails here; the default profile reported it under V-4.
  const scheme = env['wsgi.url_scheme'];
  if ((wsgiref || has(env, 'wsgi.url_scheme')) && scheme !== 'http' && scheme !== 'https') {
    report.fail('V-9', `wsgi.url_scheme must be "http" or "https", got ${show(scheme)}`);
  }

  // V-10, V-11 (§8, §9): the stream objects offer every method the app may use.
  if (has(env, 'wsgi.input')) {
    const input = env['wsgi.input'] as Record<PropertyKey, unknown> | null | undefined;
    for (const method of INPUT_METHODS) {
      if (typeof input?.[method] !== 'function') {
        report.fail('V-10', `wsgi.input has no ${String(method)}() method; it must offer read, readline, readlines and Symbol.asyncIterator`);
      }
    }
  }
  if (has(env, 'wsgi.errors')) {
    const errors = env['wsgi.errors'] as Record<PropertyKey, unknown> | null | undefined;
    for (const method of ERRORS_METHODS) {
      if (typeof errors?.[method] !== 'function') {
        report.fail('V-11', `wsgi.errors has no ${method}() method; it must offer flush, write and writelines`);
      }
    }
  }

  // V-58 (RFC 9110 §9.1) and V-12: a method is a token; warn about unknown ones.
  const method = env['REQUEST_METHOD'];
  if (typeof method === 'string') {
    if (!wsgiref && !isToken(method)) {
      report.fail('V-58', `REQUEST_METHOD ${show(method)} is not an HTTP token; pass the request method as received`);
    } else if (!WSGIREF_METHODS.has(method) && (wsgiref || method !== 'CONNECT')) {
      report.fail('V-12', `unknown REQUEST_METHOD ${show(method)}; check the server passes the request method as received`);
    }
  }

  // V-13, V-14, V-16, V-17, V-81 (§6): SCRIPT_NAME is the mount point, PATH_INFO the rest.
  const scriptName = env['SCRIPT_NAME'];
  const pathInfo = env['PATH_INFO'];
  if (typeof scriptName === 'string' && scriptName !== '' && !scriptName.startsWith('/')) {
    report.fail('V-13', `SCRIPT_NAME ${show(scriptName)} must be empty or start with "/"`);
  }
  if (typeof pathInfo === 'string' && pathInfo !== '' && !pathInfo.startsWith('/')) {
    report.fail('V-14', `PATH_INFO ${show(pathInfo)} must be empty or start with "/"`);
  }

  // V-15 (§6): wsgiref uses int() (spaces, a sign and "_" pass; negative fails); we want digits.
  const contentLength = env['CONTENT_LENGTH'];
  if (typeof contentLength === 'string' && contentLength !== '') {
    const ok = wsgiref ? (parsePythonInt(contentLength) ?? -1) >= 0 : DIGITS.test(contentLength);
    if (!ok) {
      report.fail('V-15', `CONTENT_LENGTH ${show(contentLength)} is not a decimal number of bytes; omit it when the request has no length`);
    }
  }

  if (!scriptName && !has(env, 'PATH_INFO')) {
    report.fail('V-16', 'environ has neither SCRIPT_NAME nor PATH_INFO; set PATH_INFO to at least "/" when SCRIPT_NAME is empty');
  }
  if (scriptName === '/') {
    report.fail('V-17', 'SCRIPT_NAME must not be "/"; use "" for an app mounted at the root and put the "/" in PATH_INFO');
  }
  if (typeof scriptName === 'string' && scriptName.length > 1 && scriptName.endsWith('/')) {
    report.fail('V-81', `SCRIPT_NAME ${show(scriptName)} ends with "/"; a mount point carries no trailing slash, move it to PATH_INFO`);
  }

  // V-49 (§6): SERVER_NAME and SERVER_PORT are never empty; the port is digits.
  const serverName = env['SERVER_NAME'];
  const serverPort = env['SERVER_PORT'];
  const protocol = env['SERVER_PROTOCOL'];
  if (serverName === '') report.fail('V-49', 'SERVER_NAME is empty; set it to the server host name');
  if (serverPort === '') {
    report.fail('V-49', 'SERVER_PORT is empty; set it to the port as a string of digits, e.g. "8080"');
  } else if (typeof serverPort === 'string' && !DIGITS.test(serverPort)) {
    report.fail('V-49', `SERVER_PORT ${show(serverPort)} is not a string of digits, e.g. "8080"`);
  }
  if (typeof protocol === 'string' && !/^HTTP\/[0-9](\.[0-9])?$/.test(protocol)) {
    report.fail('V-49', `SERVER_PROTOCOL ${show(protocol)} does not look like "HTTP/1.1"; pass the version the client used`, 'W');
  }

  // V-78 (§7): flags are real booleans; the file wrapper is callable.
  for (const key of ['wsgi.multithread', 'wsgi.multiprocess', 'wsgi.run_once', 'wsgi.input_terminated']) {
    if (has(env, key) && typeof env[key] !== 'boolean') {
      report.fail('V-78', `${key} must be true or false, got ${show(env[key])}`);
    }
  }
  if (has(env, 'wsgi.file_wrapper') && typeof env['wsgi.file_wrapper'] !== 'function') {
    report.fail('V-78', `wsgi.file_wrapper must be a function, got ${show(env['wsgi.file_wrapper'])}`, 'E');
  }

  return env;
}

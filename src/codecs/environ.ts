/**
 * Environ conversions between the flavours (BYTES.md B-80, B-81). Every CGI value crosses the
 * latin-1 tunnel, so nothing is lost either way: a native string's code units are the bytes.
 *
 * native → bytes: CGI values become `Uint8Array`; `wsgi.*` becomes `web3.*`; SCRIPT_NAME,
 * PATH_INFO and QUERY_STRING always exist (B-11); `web3.script_name`/`web3.path_info` come
 * from our raw-path extension keys, or from REQUEST_URI when it matches exactly (B-41, B-42);
 * `wsgi.file_wrapper` has no bytes counterpart (D-B9); other dotted keys are copied.
 *
 * bytes → native: the inverse, with the raw path kept as `tsgi.raw_script_name` and
 * `tsgi.raw_path_info` (native ASCII strings), since PEP 3333 has no key for it (B-81).
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import type { BytesEnviron } from '../bytes/types';
import type { Environ, ErrorStreamLike, InputStreamLike } from '../native/types';
import { InputStream } from '../native/input';
import { bytesToNative, NativeStringError, nativeToBytes } from './latin1';
import { splitRawPath } from './raw-path';

/** Our extension keys (N-28, B-37): the raw path in a native environ. */
export const RAW_SCRIPT_NAME = 'tsgi.raw_script_name';
export const RAW_PATH_INFO = 'tsgi.raw_path_info';
/**
 * The D-B4 streaming extension: in a bytes environ, `web3.input` reads to the end of a body
 * that has no CONTENT_LENGTH (a chunked upload not buffered first).
 */
export const INPUT_TERMINATED = 'tsgi.input_terminated';

const WEB3_VERSION: readonly [1, 0] = Object.freeze([1, 0] as const);
const WSGI_VERSION: readonly [1, 0] = Object.freeze([1, 0] as const);
const EMPTY = new Uint8Array(0);

/** The flag keys whose names only change their prefix. */
const FLAGS = ['multithread', 'multiprocess', 'run_once'] as const;

/**
 * A CGI value as a fresh Buffer, refusing a code unit above 0xFF (N-2, C-4). A request has a
 * dozen or more such values, most a few characters long, and for those one loop that checks
 * and copies costs half of what nativeToBytes's scan and Buffer.from cost (measured over a
 * whole environ); long ones take nativeToBytes. Empty ones share one empty array, into which
 * nothing can be written.
 */
function cgiBytes(value: string, key: string): Uint8Array {
  const length = value.length;
  if (length === 0) return EMPTY;
  if (length > 64) return nativeToBytes(value, `environ value ${key}`);
  const bytes = Buffer.allocUnsafe(length); // every byte is written below
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code > 0xff) throw new NativeStringError(value, i, `environ value ${key}`);
    bytes[i] = code;
  }
  return bytes;
}

export interface ToBytesEnvironOptions {
  /**
   * The body stream the bytes environ gets (B-8: bounded by CONTENT_LENGTH). Default: the
   * native environ's wsgi.input as it is; toNativeApp passes the buffered one for chunked
   * uploads (D-B4).
   */
  input?: InputStreamLike;
  /** Set CONTENT_LENGTH to this (a chunked upload buffered to a known length, D-B4). */
  contentLength?: number;
  /** Mark the input as read-to-end (the D-B4 streaming extension). */
  inputTerminated?: boolean;
}

/** A native environ as a bytes one (B-80). Throws NativeStringError for a non-latin-1 CGI value. */
export function nativeToBytesEnviron(environ: Environ, options: ToBytesEnvironOptions = {}): BytesEnviron {
  // A literal first: its keys keep the object in V8's fast mode, which a dozen keys added one
  // by one (as below) would not; the CGI keys then overwrite the placeholders in place.
  const out: Record<string, unknown> = {
    SCRIPT_NAME: EMPTY,
    PATH_INFO: EMPTY,
    QUERY_STRING: EMPTY,
    'web3.version': WEB3_VERSION,
    'web3.url_scheme': EMPTY,
    'web3.input': undefined,
    'web3.errors': environ['wsgi.errors'],
    'web3.multithread': environ['wsgi.multithread'] === true,
    'web3.multiprocess': environ['wsgi.multiprocess'] === true,
    'web3.run_once': environ['wsgi.run_once'] === true,
    // D-B3: our servers accept a Promise or a poller from every bytes app.
    'web3.async': true,
  };
  for (const key in environ) {
    const value = environ[key];
    if (typeof value === 'string') {
      if (!key.includes('.')) {
        out[key] = cgiBytes(value, key);
        continue;
      }
    } else if (!key.includes('.')) {
      throw new TypeError(`environ value ${key} must be a string, got ${typeof value}`);
    }
    switch (key) {
      case 'wsgi.version':
      case 'wsgi.url_scheme':
      case 'wsgi.input':
      case 'wsgi.errors':
      case 'wsgi.multithread':
      case 'wsgi.multiprocess':
      case 'wsgi.run_once':
      case 'wsgi.input_terminated':
      case 'wsgi.file_wrapper': // D-B9: no file wrapper in the bytes flavour
      case RAW_SCRIPT_NAME:
      case RAW_PATH_INFO:
      // Ours, set above from the wsgi.* keys, whatever a web3.* key of the native environ says.
      case 'web3.version':
      case 'web3.url_scheme':
      case 'web3.input':
      case 'web3.errors':
      case 'web3.multithread':
      case 'web3.multiprocess':
      case 'web3.run_once':
      case 'web3.async':
        break;
      default:
        out[key] = value;
    }
  }
  if (options.contentLength !== undefined) out.CONTENT_LENGTH = Buffer.from(String(options.contentLength), 'latin1');
  const scheme = environ['wsgi.url_scheme'];
  out['web3.url_scheme'] = cgiBytes(String(scheme ?? 'http'), 'wsgi.url_scheme');
  // B-8, B-38: with no CONTENT_LENGTH (and no streaming extension) the input is empty.
  const framed = out.CONTENT_LENGTH !== undefined || options.inputTerminated === true;
  out['web3.input'] = options.input ?? (framed ? environ['wsgi.input'] : InputStream.empty());
  if (options.inputTerminated === true) out[INPUT_TERMINATED] = true;
  addRawPath(out, environ);
  return out as unknown as BytesEnviron;
}

/** B-41, B-42: the raw path keys, from our extension keys or an exactly matching REQUEST_URI. */
function addRawPath(out: Record<string, unknown>, environ: Environ): void {
  const rawScript = environ[RAW_SCRIPT_NAME];
  const rawPath = environ[RAW_PATH_INFO];
  if (typeof rawScript === 'string' && typeof rawPath === 'string') {
    out['web3.script_name'] = cgiBytes(rawScript, RAW_SCRIPT_NAME);
    out['web3.path_info'] = cgiBytes(rawPath, RAW_PATH_INFO);
    return;
  }
  const uri = environ.REQUEST_URI;
  if (typeof uri !== 'string') return;
  const split = splitRawPath(uri, environ.SCRIPT_NAME ?? '', environ.PATH_INFO ?? '');
  if (split === undefined) return;
  out['web3.script_name'] = cgiBytes(split[0], 'REQUEST_URI');
  out['web3.path_info'] = cgiBytes(split[1], 'REQUEST_URI');
}

/** A bytes environ as a native one (B-81). Throws TypeError for a CGI value that is not bytes. */
export function bytesToNativeEnviron(environ: BytesEnviron): Environ {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(environ)) {
    const value = environ[key];
    if (!key.includes('.')) {
      if (!(value instanceof Uint8Array)) {
        throw new TypeError(`bytes environ value ${key} must be a Uint8Array (B-34), got ${typeof value === 'string' ? 'a string' : typeof value}`);
      }
      out[key] = bytesToNative(value);
      continue;
    }
    switch (key) {
      case 'web3.version':
      case 'web3.url_scheme':
      case 'web3.input':
      case 'web3.errors':
      case 'web3.multithread':
      case 'web3.multiprocess':
      case 'web3.run_once':
      case 'web3.async':
      case 'web3.script_name':
      case 'web3.path_info':
      case INPUT_TERMINATED:
        break;
      default:
        out[key] = value;
    }
  }
  const scheme = environ['web3.url_scheme'];
  out['wsgi.version'] = WSGI_VERSION;
  out['wsgi.url_scheme'] = scheme instanceof Uint8Array ? bytesToNative(scheme) : 'http';
  out['wsgi.input'] = environ['web3.input'] as InputStreamLike;
  out['wsgi.errors'] = environ['web3.errors'] as ErrorStreamLike;
  for (const flag of FLAGS) out[`wsgi.${flag}`] = environ[`web3.${flag}`] === true;
  // B-8: a bytes input is bounded by CONTENT_LENGTH, unless the streaming extension says it
  // reads to the end; either way a native app may read until an empty read.
  if (environ.CONTENT_LENGTH !== undefined || environ[INPUT_TERMINATED] === true) out['wsgi.input_terminated'] = true;
  const rawScript = environ['web3.script_name'];
  const rawPath = environ['web3.path_info'];
  if (rawScript instanceof Uint8Array && rawPath instanceof Uint8Array) {
    out[RAW_SCRIPT_NAME] = bytesToNative(rawScript);
    out[RAW_PATH_INFO] = bytesToNative(rawPath);
  }
  return out as unknown as Environ;
}

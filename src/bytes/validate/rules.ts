/**
 * The bytes validator's rules (VALIDATOR.md §3, V-84…V-102) in one table: for each V-id its
 * severity and a one-line summary.
 *
 * `E` throws a `ValidationError` (flavour `'bytes'`) in strict mode, `W` only warns. Rows that
 * mix severities (V-93, V-96, V-98, V-99) list the severity of their main part; their call
 * sites pass the severity of the part they check. There is no `wsgiref` column: wsgiref has no
 * Web3 counterpart, so the `profile` option does not apply to this flavour.
 *
 * @module
 */

import type { Severity } from '../../native/validate/rules';

export interface BytesRuleSpec {
  readonly severity: Severity;
  readonly summary: string;
}

function rule(severity: Severity, summary: string): BytesRuleSpec {
  return { severity, summary };
}

export const BYTES_RULES = {
  'V-84': rule('E', 'the app is called with exactly one argument (environ)'),
  'V-85': rule('E', 'environ is a plain object with string keys and Uint8Array CGI values'),
  'V-86': rule('E', 'environ holds the required CGI and web3.* keys'),
  'V-87': rule('E', 'SERVER_PORT/CONTENT_LENGTH are digits, web3.version is [1, 0], web3.url_scheme is b"http"/b"https"'),
  'V-88': rule('E', 'SCRIPT_NAME/PATH_INFO are empty or start with /, SCRIPT_NAME is not /'),
  'V-89': rule('E', 'web3.script_name/web3.path_info are raw, ASCII, and decode to SCRIPT_NAME/PATH_INFO'),
  'V-90': rule('W', 'no wsgi.* keys in a Web3 environ'),
  'V-91': rule('E', 'no HTTP_CONTENT_TYPE/HTTP_CONTENT_LENGTH; web3.input and web3.errors have their methods'),
  'V-92': rule('E', 'the (awaited) result is a genuine Array of three'),
  'V-93': rule('E', 'a poller only with web3.async; it returns null/undefined or a tuple, not a Promise (W)'),
  'V-94': rule('E', 'the tuple is [status, headers, body], not the PEP examples\' [body, status, headers]'),
  'V-95': rule('E', 'the status is Uint8Array bytes "NNN reason", without controls, 200-599'),
  'V-96': rule('E', 'the headers are an Array of [Uint8Array, Uint8Array]: token names, clean values, no hop-by-hop, one valid Content-Length'),
  'V-97': rule('E', 'the body is an iterable of chunks, not bytes, a string or null'),
  'V-98': rule('E', 'chunks are Uint8Array; the server iterates one next() at a time, not after close(), and closes once'),
  'V-99': rule('E', 'body bytes match Content-Length; no content in 1xx/204/304 responses (W)'),
  'V-100': rule('E', 'web3.input.read() stops at CONTENT_LENGTH, is empty without one, readline(size) works'),
  'V-101': rule('E', 'web3.errors.write/writelines get strings'),
  'V-102': rule('W', 'a Content-Type header in responses with content'),
} as const satisfies Record<string, BytesRuleSpec>;

export type BytesRuleId = keyof typeof BYTES_RULES;

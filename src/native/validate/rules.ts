/**
 * The native validator's rules (VALIDATOR.md §1 and §2) in one table: for each V-id, its
 * severity under each profile and a one-line summary.
 *
 * `E` throws a `ValidationError` in strict mode, `W` only warns; `null` means the profile does
 * not run the check. The `wsgiref` profile runs exactly §1 with `wsgiref.validate`'s results
 * (assertions are E, `WSGIWarning`s are W); `default` runs §1 with the quirk fixes plus §2.
 * A few rows mix severities (V-49, V-53, V-60, V-78); their call sites pass the severity of the
 * part they check.
 *
 * Not implemented: V-2 and V-19 (keyword arguments do not exist in JS). V-72's "close() never
 * called after the request ended" half needs a harness that knows when the request ended (§4,
 * V-107); the validator sees it only through garbage collection (V-47).
 *
 * @module
 */

export type Severity = 'E' | 'W';

export interface RuleSpec {
  readonly default: Severity | null;
  readonly wsgiref: Severity | null;
  readonly summary: string;
}

function both(severity: Severity, summary: string): RuleSpec {
  return { default: severity, wsgiref: severity, summary };
}

function split(defaultSeverity: Severity | null, wsgiref: Severity | null, summary: string): RuleSpec {
  return { default: defaultSeverity, wsgiref, summary };
}

function ours(severity: Severity, summary: string): RuleSpec {
  return { default: severity, wsgiref: null, summary };
}

export const RULES = {
  // §1 — what wsgiref.validate checks
  'V-1': both('E', 'the app is called with exactly two arguments'),
  'V-3': both('E', 'environ is a plain object'),
  'V-4': both('E', 'environ holds the required keys'),
  'V-5': both('E', 'no HTTP_CONTENT_TYPE / HTTP_CONTENT_LENGTH'),
  'V-6': both('W', 'QUERY_STRING is present'),
  'V-7': both('E', 'CGI (non-dotted) values are strings'),
  'V-8': both('E', 'wsgi.version is [1, 0]'),
  'V-9': both('E', 'wsgi.url_scheme is http or https'),
  'V-10': both('E', 'wsgi.input has read, readline, readlines and async iteration'),
  'V-11': both('E', 'wsgi.errors has flush, write and writelines'),
  'V-12': both('W', 'REQUEST_METHOD is a known method'),
  'V-13': both('E', 'SCRIPT_NAME is empty or starts with /'),
  'V-14': both('E', 'PATH_INFO is empty or starts with /'),
  'V-15': both('E', 'CONTENT_LENGTH is a non-negative decimal number'),
  'V-16': both('E', 'SCRIPT_NAME or PATH_INFO is present'),
  'V-17': both('E', 'SCRIPT_NAME is not "/"'),
  'V-18': both('E', 'startResponse gets two or three arguments'),
  'V-20': both('E', 'the status is a (latin-1) string'),
  'V-21': both('E', 'the status code has three characters'),
  'V-22': both('E', 'the status code is a number >= 100'),
  'V-23': split('E', 'W', 'the status code is followed by one space'),
  'V-24': both('E', 'the headers are an Array'),
  'V-25': both('E', 'each header is a [name, value] pair'),
  'V-26': both('E', 'header names and values are strings'),
  'V-27': both('E', 'no "Status" header'),
  'V-28': both('E', 'header names hold no newline or colon'),
  'V-29': split(null, 'E', "header names match wsgiref's ^[a-zA-Z][a-zA-Z0-9-_]*$"),
  'V-30': split('W', 'E', 'header names do not end with - or _'),
  'V-31': split(null, 'E', 'header values hold no \\x00-\\x1F'),
  'V-32': split('W', 'E', 'no Content-Type in 204/304 responses'),
  'V-33': split('W', 'E', 'a Content-Type in responses with content'),
  'V-34': split('W', 'E', 'excInfo is an Error'),
  'V-35': both('E', 'write() gets a Uint8Array'),
  'V-36': split('W', 'E', 'wsgi.input.read() gets a size'),
  'V-37': both('E', 'read/readline: valid size, Uint8Array result'),
  'V-38': both('E', 'readlines: at most one argument, an Array of Uint8Array'),
  'V-39': both('E', 'iterating wsgi.input yields Uint8Array lines'),
  'V-40': both('E', 'the app does not close wsgi.input / wsgi.errors'),
  'V-41': both('E', 'wsgi.errors.write/writelines get strings'),
  'V-42': both('E', 'the app returns a body'),
  'V-43': both('E', 'the body is not a string or bytes object'),
  'V-44': both('E', 'no next() after close()'),
  'V-45': split(null, 'E', 'chunks are Uint8Array (wsgiref; default: V-70)'),
  'V-46': split(null, 'E', 'startResponse before the first chunk (wsgiref; default: V-69)'),
  'V-47': both('W', 'the body is closed before it is garbage-collected'),
  // §2 — additional native checks
  'V-48': ours('E', 'CGI values are native (latin-1) strings'),
  'V-49': ours('E', 'SERVER_NAME, SERVER_PORT, SERVER_PROTOCOL are well-formed'),
  'V-50': ours('E', 'status is three digits, a space and a reason without controls'),
  'V-51': ours('E', 'status is not 1xx'),
  'V-52': ours('E', 'status is not above 599'),
  'V-53': ours('E', 'header names are RFC 9110 tokens'),
  'V-54': ours('E', 'header values are latin-1 without CR, LF, NUL'),
  'V-55': ours('E', 'header values hold no other control characters'),
  'V-56': ours('W', 'header values hold no HTAB'),
  'V-57': ours('W', 'header values have no surrounding whitespace'),
  'V-58': ours('E', 'REQUEST_METHOD is a token'),
  'V-59': ours('E', 'no hop-by-hop headers'),
  'V-60': ours('E', 'one valid Content-Length, one Content-Type'),
  'V-61': ours('E', 'startResponse again only with excInfo'),
  'V-62': ours('E', 'the server throws on excInfo after headers were sent'),
  'V-63': ours('E', 'the app lets an excInfo error propagate'),
  'V-64': ours('W', 'startResponse only during the app call or body iteration'),
  'V-65': ours('E', 'no write() before startResponse'),
  'V-66': ours('E', 'no write() after the app returned'),
  'V-67': ours('W', 'write() waits for the previous write()'),
  'V-68': ours('E', 'the body is an iterable of Uint8Array'),
  'V-69': ours('E', 'startResponse before the first non-empty chunk or the end'),
  'V-70': ours('E', 'chunks are Uint8Array'),
  'V-71': ours('E', 'the server does not call next() concurrently'),
  'V-72': ours('W', 'the server calls close() once'),
  'V-73': ours('E', 'no more bytes than Content-Length'),
  'V-74': ours('W', 'no fewer bytes than Content-Length'),
  'V-75': ours('W', 'no content in 1xx/204/304 responses'),
  'V-76': ours('W', 'no entity headers in 304 responses'),
  'V-77': ours('W', 'the app reads no more than CONTENT_LENGTH'),
  'V-78': ours('W', 'wsgi.* flags are booleans, wsgi.file_wrapper a function'),
  'V-79': ours('W', 'extension keys are lower-case dotted names'),
  'V-80': ours('E', 'HTTP_* keys use only A-Z, 0-9, _'),
  'V-81': ours('W', 'SCRIPT_NAME has no trailing slash'),
  'V-82': ours('W', 'ETag is a quoted string'),
  'V-83': ours('W', 'Location is a URI reference'),
} as const satisfies Record<string, RuleSpec>;

export type RuleId = keyof typeof RULES;

/**
 * The predicates `wsgiref.validate` uses where they differ from ours, kept in one place so the
 * `wsgiref` profile can match it bit for bit (VALIDATOR.md §1) without Python semantics leaking
 * into the default checks.
 *
 * @module
 */

/** Python's `str.isspace()` characters (ASCII and the common Unicode spaces). */
const PY_SPACE = '\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_INT = new RegExp(`^[${PY_SPACE}]*[+-]?[0-9](?:_?[0-9])*[${PY_SPACE}]*$`);
const PY_LEADING_SPACE = new RegExp(`^[${PY_SPACE}]+`);
const PY_SURROUNDING_SPACE = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');
const PY_SPACE_RUN = new RegExp(`[${PY_SPACE}]+`);

/**
 * What Python's `int(s)` returns for a decimal string, or undefined where it raises
 * `ValueError` (it accepts surrounding whitespace, a sign and `_` between digits).
 */
export function parsePythonInt(s: string): number | undefined {
  if (!PY_INT.test(s)) return undefined;
  return Number(s.replace(PY_SURROUNDING_SPACE, '').replace(/_/g, ''));
}

/** `s.split(None, 1)[0]`: the first whitespace-separated word, or undefined for a blank string. */
export function firstWord(s: string): string | undefined {
  const word = s.replace(PY_LEADING_SPACE, '').split(PY_SPACE_RUN)[0];
  return word === '' ? undefined : word;
}

/** V-29: wsgiref's header-name pattern; it rejects valid tokens such as `X.Y`. */
export const WSGIREF_HEADER_NAME = /^[a-zA-Z][a-zA-Z0-9\-_]*$/;

/** V-31: wsgiref's bad header value characters: `\x00`-`\x1F` (HTAB included, DEL not). */
export const WSGIREF_BAD_VALUE = /[\x00-\x1F]/;

/** V-12: the methods wsgiref knows (CONNECT is missing). */
export const WSGIREF_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'POST',
  'OPTIONS',
  'PATCH',
  'PUT',
  'DELETE',
  'TRACE',
]);

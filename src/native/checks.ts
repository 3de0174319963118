/**
 * Pure checks of what an app hands to `startResponse`: the status line and the header list.
 *
 * The server-side lifecycle and the validator both use them; each maps a {@link CheckName} to
 * the rule id it enforces (N-* for the lifecycle, V-* for the validator), so the two can never
 * disagree about what is valid.
 *
 * @module
 */

import { indexOfNonNative } from '../codecs/latin1';

export type CheckName =
  | 'status-type'
  | 'status-latin1'
  | 'status-format'
  | 'status-1xx'
  | 'status-range'
  | 'headers-type'
  | 'header-entry'
  | 'header-type'
  | 'header-name'
  | 'header-status'
  | 'header-value-latin1'
  | 'header-value-crlf'
  | 'header-value-ctl'
  | 'header-hop-by-hop'
  | 'content-length';

export interface Problem {
  check: CheckName;
  message: string;
}

/**
 * The rule a server (the lifecycle, and the adapters that check a head before passing it on)
 * cites for each failed check: N-* rules, the D-N decisions, and V-27 where no N-rule speaks.
 */
export const SERVER_RULE_OF_CHECK: Readonly<Record<CheckName, string>> = {
  'status-type': 'N-1',
  'status-latin1': 'N-3',
  'status-format': 'N-54',
  'status-1xx': 'D-N18',
  'status-range': 'D-N18',
  'headers-type': 'N-56',
  'header-entry': 'N-56',
  'header-type': 'N-56',
  'header-name': 'N-58',
  // Not an N-rule: a Status header would be read as the CGI status line (VALIDATOR.md V-27).
  'header-status': 'V-27',
  'header-value-latin1': 'N-3',
  'header-value-crlf': 'N-59',
  'header-value-ctl': 'N-59',
  'header-hop-by-hop': 'N-62',
  'content-length': 'N-93',
};

/** RFC 9110 §5.6.2 token (tchar). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** True for an RFC 9110 §5.6.2 token: header names, methods, parameter names. */
export function isToken(s: string): boolean {
  return TOKEN.test(s);
}

/** Describes why `s` is not a token: it is empty, or its first non-tchar character. */
export function whyNotToken(s: string): string {
  if (s === '') return 'is empty';
  const bad = [...s].find((c) => !TOKEN.test(c)) ?? '';
  return `holds ${show(bad)}, which is not a token character`;
}
/** N-54, D-N18: three digits, one space, a reason without control characters. */
const STATUS_LINE = /^[0-9]{3} [^\x00-\x1F\x7F]*$/;
/** N-59: CR, LF and NUL split or truncate the response (response splitting). */
const CR_LF_NUL = /[\r\n\0]/;
/** N-59, D-N19: other control characters; HTAB (0x09) is allowed. */
const OTHER_CTL = /[\x01-\x08\x0B\x0C\x0E-\x1F\x7F]/;
/** Everything a header value may not hold, in one pass: the fast path for valid values. */
const NOT_FIELD_CONTENT = /[^\t\x20-\x7E\x80-\xFF]/;
const DIGITS = /^[0-9]+$/;

/**
 * Hop-by-hop fields (D-N20): RFC 2616 §13.5.1's eight, `Trailer` as well as the PEP's
 * `Trailers` spelling, and `Proxy-Connection`. They concern one connection, which the server
 * owns, so an app must not set them (N-62, N-112).
 */
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
]);

/** Lengths of `status` and the hop-by-hop names: a name of another length needs no lower-casing. */
const SPECIAL_NAME_LENGTHS = new Set([...HOP_BY_HOP, 'status'].map((name) => name.length));

/** `JSON.stringify` shows control characters as escapes, which is what a log reader needs. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Uint8Array) return `${value.constructor.name}(${value.byteLength})`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return 'null';
  return typeof value === 'object' ? `an object (${value.constructor?.name ?? 'no prototype'})` : `${typeof value} ${String(value)}`;
}

function codeUnit(s: string, index: number): string {
  return `U+${s.charCodeAt(index).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Checks a status line; returns the first problem, or undefined. */
export function statusProblem(status: unknown): Problem | undefined {
  if (typeof status !== 'string') {
    return { check: 'status-type', message: `status must be a string like "200 OK", got ${show(status)}` };
  }
  const wide = indexOfNonNative(status);
  if (wide !== -1) {
    return {
      check: 'status-latin1',
      message: `status ${show(status)} holds ${codeUnit(status, wide)} at index ${wide}; status text must be latin-1`,
    };
  }
  if (!STATUS_LINE.test(status)) {
    const ctl = status.search(/[\x00-\x1F\x7F]/);
    const why =
      ctl !== -1
        ? `holds the control character ${codeUnit(status, ctl)} at index ${ctl}`
        : 'is not three digits, one space and a reason phrase (e.g. "404 Not Found")';
    return { check: 'status-format', message: `status ${show(status)} ${why}` };
  }
  const code = statusCode(status);
  if (code < 200) {
    const message =
      code < 100
        ? `status code ${code} is not a valid HTTP status (100-599)`
        : `status ${show(status)} is informational (1xx) and cannot be a final response`;
    return { check: code < 100 ? 'status-range' : 'status-1xx', message };
  }
  if (code > 599) {
    return { check: 'status-range', message: `status code ${code} is outside 100-599 (RFC 9110 §15)` };
  }
  return undefined;
}

/** The numeric code of a status line that passed {@link statusProblem}. */
export function statusCode(status: string): number {
  return (status.charCodeAt(0) - 48) * 100 + (status.charCodeAt(1) - 48) * 10 + (status.charCodeAt(2) - 48);
}

/** Header names that passed headerNameProblem: apps send the same few on every response. */
const validNames = new Set<string>();

/** Checks one header name; returns the first problem, or undefined. */
export function headerNameProblem(name: string): Problem | undefined {
  if (validNames.has(name)) return undefined;
  const problem = nameProblem(name);
  if (problem === undefined) {
    if (validNames.size >= 256) validNames.clear();
    validNames.add(name);
  }
  return problem;
}

function nameProblem(name: string): Problem | undefined {
  if (!TOKEN.test(name)) {
    return { check: 'header-name', message: `header name ${show(name)} ${whyNotToken(name)} (RFC 9110 §5.1)` };
  }
  if (!SPECIAL_NAME_LENGTHS.has(name.length)) return undefined;
  const lower = name.toLowerCase();
  if (lower === 'status') {
    return {
      check: 'header-status',
      message: 'a "Status" header clashes with the CGI status line; pass the status to startResponse instead',
    };
  }
  if (HOP_BY_HOP.has(lower)) {
    return {
      check: 'header-hop-by-hop',
      message: `header ${show(name)} is hop-by-hop; the server manages the connection and its framing, so apps must not send it`,
    };
  }
  return undefined;
}

/** Checks one header value (CR/LF/NUL, other controls, latin-1 range); returns the first problem. */
export function headerValueProblem(name: string, value: string): Problem | undefined {
  if (!NOT_FIELD_CONTENT.test(value)) return undefined;
  const wide = indexOfNonNative(value);
  if (wide !== -1) {
    return {
      check: 'header-value-latin1',
      message:
        `header ${show(name)} holds ${codeUnit(value, wide)} at index ${wide}, outside latin-1; ` +
        'encode it (RFC 8187 for parameters, percent-encoding for URLs) before passing it',
    };
  }
  if (CR_LF_NUL.test(value)) {
    const at = value.search(CR_LF_NUL);
    return {
      check: 'header-value-crlf',
      message: `header ${show(name)} holds ${codeUnit(value, at)} at index ${at}; CR, LF and NUL would split the response`,
    };
  }
  if (OTHER_CTL.test(value)) {
    const at = value.search(OTHER_CTL);
    return {
      check: 'header-value-ctl',
      message: `header ${show(name)} holds the control character ${codeUnit(value, at)} at index ${at}`,
    };
  }
  return undefined;
}

/** What the server needs to know from a header list that passed the checks. */
export interface HeaderFacts {
  /** The declared Content-Length, or -1 when the app gave none. */
  contentLength: number;
}

/**
 * Checks a header list as a whole (N-56, N-58, N-59, N-62, N-93) and reads the facts the server
 * needs from it. Returns a problem, or the facts.
 */
export function inspectHeaders(headers: unknown): Problem | HeaderFacts {
  const checked = checkHeaderList(headers);
  return typeof checked === 'number' ? { contentLength: checked } : checked;
}

/** Header values that passed headerValueProblem: the same few recur on every response. */
const validValues = new Set<string>();

/**
 * {@link inspectHeaders} for the lifecycle's hot path: the declared Content-Length (-1 for
 * none) as a number rather than in an object made for each response.
 */
export function checkHeaderList(headers: unknown): Problem | number {
  if (!Array.isArray(headers)) {
    return { check: 'headers-type', message: `headers must be an array of [name, value] pairs, got ${show(headers)}` };
  }
  let contentLength = -1;
  for (let i = 0; i < headers.length; i++) {
    const entry: unknown = headers[i];
    if (!Array.isArray(entry) || entry.length !== 2) {
      return { check: 'header-entry', message: `headers[${i}] must be a [name, value] pair, got ${show(entry)}` };
    }
    const name: unknown = entry[0];
    const value: unknown = entry[1];
    if (typeof name !== 'string' || typeof value !== 'string') {
      return {
        check: 'header-type',
        message: `headers[${i}] must hold two strings, got [${show(name)}, ${show(value)}]`,
      };
    }
    const problem = headerNameProblem(name);
    if (problem !== undefined) return problem;
    if (!validValues.has(value)) {
      const bad = headerValueProblem(name, value);
      if (bad !== undefined) return bad;
      // Short values only: a long one is rarely repeated, and the set must stay small.
      if (value.length <= 64) {
        if (validValues.size >= 1024) validValues.clear();
        validValues.add(value);
      }
    }
    if (name.length === 14 && name.toLowerCase() === 'content-length') {
      if (contentLength !== -1) {
        return { check: 'content-length', message: 'more than one Content-Length header' };
      }
      if (!DIGITS.test(value) || value.length > 15) {
        return { check: 'content-length', message: `Content-Length ${show(value)} is not a decimal number of bytes` };
      }
      contentLength = Number(value);
    }
  }
  return contentLength;
}

export function isProblem(x: Problem | HeaderFacts): x is Problem {
  return (x as Problem).check !== undefined;
}

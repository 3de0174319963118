/**
 * Checks of what the app passes to `startResponse`: the status, the header list and `excInfo`
 * (VALIDATOR.md V-20…V-34, V-50…V-57, V-59, V-60, V-82, V-83).
 *
 * The default profile reuses the pure checks of checks.ts, which the server-side lifecycle
 * runs too, so the validator and the server agree on what is valid; {@link RULE_OF_CHECK}
 * maps each of their names to the V-rule it enforces. The wsgiref profile runs wsgiref's own
 * predicates instead (wsgiref-quirks.ts).
 *
 * @module
 */

import {
  type CheckName,
  headerNameProblem,
  headerValueProblem,
  show,
  statusCode,
  statusProblem,
} from '../checks';
import type { ResponseHead } from './invocation';
import type { Reporter } from './report';
import type { RuleId } from './rules';
import { firstWord, parsePythonInt, WSGIREF_BAD_VALUE, WSGIREF_HEADER_NAME } from './wsgiref-quirks';

/** Which V-rule each check of checks.ts enforces. */
export const RULE_OF_CHECK: Readonly<Record<CheckName, RuleId>> = {
  'status-type': 'V-20',
  'status-latin1': 'V-20',
  'status-format': 'V-50',
  'status-1xx': 'V-51',
  // Codes below 100 fail V-22 before this check runs, so what remains is above 599.
  'status-range': 'V-52',
  'headers-type': 'V-24',
  'header-entry': 'V-25',
  'header-type': 'V-26',
  'header-name': 'V-53',
  'header-status': 'V-27',
  'header-value-latin1': 'V-54',
  'header-value-crlf': 'V-54',
  'header-value-ctl': 'V-55',
  'header-hop-by-hop': 'V-59',
  'content-length': 'V-60',
};

/** What to do about each problem checks.ts reports, appended to its message. */
const FIX: Partial<Record<CheckName, string>> = {
  'status-latin1': '; use an ASCII reason phrase',
  'status-format': '; pass e.g. "404 Not Found" (no surrounding whitespace, no control characters)',
  'status-1xx': '; interim responses are the server\'s business, pass a final status (200-599)',
  'status-range': '; use a status code between 200 and 599',
  'header-name': "; use only letters, digits and !#$%&'*+-.^_`|~",
  'header-hop-by-hop': '; remove it',
  'header-value-crlf': '; remove it (fold long values into several headers instead)',
  'header-value-ctl': '; remove it or percent-encode the value',
};

function explain(check: CheckName, message: string): string {
  return message + (FIX[check] ?? '');
}

/** A character RFC 3986 does not allow anywhere in a URI reference (percent-encode it). */
const NON_URI_CHAR = /[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/;

/** Checks a status; returns its code, or -1 when it cannot be read. */
export function checkStatus(report: Reporter, status: unknown): number {
  // V-20 (N-1, N-55): a string, not a number.
  if (typeof status !== 'string') {
    report.fail('V-20', `status must be a string like "200 OK", got ${show(status)}`);
    return -1;
  }
  const problem = report.profile === 'default' ? statusProblem(status) : undefined;
  if (problem?.check === 'status-latin1') report.fail('V-20', explain(problem.check, problem.message));

  let shapeFailed = false;
  let code = -1;
  // V-21, V-22 (N-54): wsgiref splits off the first word and asks for a 3-character integer.
  const word = firstWord(status);
  if (word === undefined || word.length !== 3) {
    shapeFailed = true;
    report.fail('V-21', `status ${show(status)} must start with a three-digit code, e.g. "200 OK"`);
  } else {
    const value = report.profile === 'wsgiref' ? parsePythonInt(word) : /^[0-9]{3}$/.test(word) ? Number(word) : undefined;
    if (value === undefined || value < 100) {
      shapeFailed = true;
      report.fail('V-22', `status code ${show(word)} is not a valid HTTP status code (100-599)`);
    } else {
      code = value;
    }
  }
  // V-23 (N-54): one space after the code (wsgiref only warns; the PEP says MUST).
  if (status.length < 4 || status[3] !== ' ') {
    shapeFailed = true;
    report.fail('V-23', `status ${show(status)} must be three digits followed by one space and a reason, e.g. "200 OK"`);
  }
  // V-50, V-51, V-52 (N-54, D-N18): the rest of the grammar and the final-response range.
  if (problem !== undefined && problem.check !== 'status-latin1' && !shapeFailed) {
    report.fail(RULE_OF_CHECK[problem.check], explain(problem.check, problem.message));
  }
  return code !== -1 ? code : /^[0-9]{3}/.test(status) ? statusCode(status) : -1;
}

/** Checks one `[name, value]` pair of strings (V-27…V-31, V-53…V-57, V-59). */
function checkHeader(report: Reporter, name: string, value: string): void {
  // V-27 (CGI): the status goes to startResponse, not into a header.
  if (name.toLowerCase() === 'status') {
    report.fail('V-27', 'a "Status" header clashes with the CGI status line; pass the status to startResponse instead');
  }
  // V-28 (N-58): no newline or colon in a name.
  const broken = /[\n:]/.test(name);
  if (broken) {
    report.fail('V-28', `header name ${show(name)} holds a newline or a colon; pass the bare field name, e.g. "Content-Type"`);
  }
  if (report.profile === 'wsgiref') {
    // V-29, V-30, V-31: wsgiref's stricter name pattern and its control-character test.
    if (!WSGIREF_HEADER_NAME.test(name)) {
      report.fail('V-29', `bad header name ${show(name)}; wsgiref wants a letter, then letters, digits, "-" or "_"`);
    }
    if (name.endsWith('-') || name.endsWith('_')) {
      report.fail('V-30', `header name ${show(name)} ends with "-" or "_"; drop the trailing character`);
    }
    const bad = WSGIREF_BAD_VALUE.exec(value);
    if (bad !== null) {
      report.fail('V-31', `header ${show(name)} value ${show(value)} holds the control character ${show(bad[0])}; remove it`);
    }
    return;
  }
  // V-53 (N-58), V-59 (N-62, N-112, D-N20), via checks.ts.
  const nameProblem = headerNameProblem(name);
  if (nameProblem !== undefined && nameProblem.check !== 'header-status' && !(broken && nameProblem.check === 'header-name')) {
    report.fail(RULE_OF_CHECK[nameProblem.check], explain(nameProblem.check, nameProblem.message));
  }
  // V-53: "_" is a token character, but proxies drop or merge such fields (D-N14).
  if (name.includes('_')) {
    report.fail('V-53', `header name ${show(name)} holds "_"; proxies drop or merge such fields, use "-"`, 'W');
  }
  // V-30: wsgiref refuses a trailing "-" or "_"; they are valid tokens, so only warn.
  if (name.endsWith('-') || name.endsWith('_')) {
    report.fail('V-30', `header name ${show(name)} ends with "-" or "_"; drop the trailing character`);
  }
  // V-54, V-55 (N-59, N-3), via checks.ts.
  const valueProblem = headerValueProblem(name, value);
  if (valueProblem !== undefined) {
    report.fail(RULE_OF_CHECK[valueProblem.check], explain(valueProblem.check, valueProblem.message));
  }
  // V-56 (D-N19): HTAB is legal HTTP, but the PEP bans every control character.
  const tab = value.indexOf('\t');
  if (tab !== -1) {
    report.fail('V-56', `header ${show(name)} holds a tab at index ${tab}; use a space`);
  }
  // V-57 (RFC 9110 §5.5): a field value has no leading or trailing whitespace.
  if (/^[ \t]|[ \t]$/.test(value)) {
    report.fail('V-57', `header ${show(name)} value ${show(value)} has leading or trailing whitespace; trim it`);
  }
}

/** Checks the header list as a whole (V-59 Connection, V-60, V-82, V-83). */
function checkHeaderSet(report: Reporter, pairs: ReadonlyArray<readonly [string, string]>): number {
  let contentLength = -1;
  let lengths = 0;
  let types = 0;
  const listed = new Set<string>();
  for (const [name, value] of pairs) {
    const lower = name.toLowerCase();
    if (lower === 'connection') {
      for (const option of value.split(',')) listed.add(option.trim().toLowerCase());
    } else if (lower === 'content-type') {
      types++;
    } else if (lower === 'content-length') {
      lengths++;
      // V-60 (N-93): the server frames the body with it, so it must be exact digits.
      if (!/^[0-9]+$/.test(value) || value.length > 15) {
        report.fail('V-60', `Content-Length ${show(value)} is not a decimal number of bytes; pass e.g. String(body.byteLength)`);
      } else if (contentLength === -1) {
        contentLength = Number(value);
      }
    } else if (lower === 'etag') {
      // V-82 (RFC 9110 §8.8.3): entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE.
      if (value.startsWith('w/')) report.fail('V-82', `ETag ${show(value)} has a lower-case weak marker; write "W/"`);
      const tag = /^[Ww]\//.test(value) ? value.slice(2) : value;
      if (tag.length < 2 || !tag.startsWith('"') || !tag.endsWith('"')) {
        report.fail('V-82', `ETag ${show(value)} is not a quoted string; write e.g. "\\"abc\\"" or "W/\\"abc\\""`);
      }
    } else if (lower === 'location') {
      // V-83 (RFC 9110 §10.2.2): a URI reference; spaces and non-ASCII must be percent-encoded.
      const bad = value.search(NON_URI_CHAR);
      if (bad !== -1) {
        report.fail('V-83', `Location ${show(value)} holds ${show(value[bad])} at index ${bad}, which a URI cannot hold; percent-encode it`);
      }
    }
  }
  if (lengths > 1) report.fail('V-60', `${lengths} Content-Length headers; send exactly one`);
  if (types > 1) report.fail('V-60', `${types} Content-Type headers; send exactly one`, 'W');
  // V-59 (N-62, D-N20): fields named in Connection are hop-by-hop too.
  listed.delete('');
  for (const [name] of pairs) {
    if (listed.has(name.toLowerCase()) && name.toLowerCase() !== 'connection') {
      report.fail('V-59', `header ${show(name)} is listed in Connection, so it is hop-by-hop; remove both`);
    }
  }
  return contentLength;
}

/**
 * Checks the arguments of one `startResponse` call and returns the head as the validator will
 * remember it.
 */
export function checkResponseHead(
  report: Reporter,
  status: unknown,
  headers: unknown,
  excInfo: unknown,
  excSupplied: boolean,
): ResponseHead {
  const code = checkStatus(report, status);
  const pairs: Array<readonly [string, string]> = [];
  // V-24 (N-56): a genuine Array.
  if (!Array.isArray(headers)) {
    report.fail('V-24', `headers must be an Array of [name, value] pairs, got ${show(headers)}`);
  } else {
    for (let i = 0; i < headers.length; i++) {
      const entry: unknown = headers[i];
      // V-25 (N-56): each entry is a two-element Array.
      if (!Array.isArray(entry) || entry.length !== 2) {
        report.fail('V-25', `headers[${i}] must be a [name, value] pair, got ${show(entry)}`);
        continue;
      }
      const [name, value] = entry as [unknown, unknown];
      // V-26 (N-56): names and values are strings.
      if (typeof name !== 'string' || typeof value !== 'string') {
        report.fail('V-26', `headers[${i}] must hold two strings, got [${show(name)}, ${show(value)}]; convert numbers with String()`);
        continue;
      }
      checkHeader(report, name, value);
      pairs.push([name, value]);
    }
  }
  const contentLength = report.profile === 'default' ? checkHeaderSet(report, pairs) : readContentLength(pairs);

  // V-32, V-33: wsgiref's Content-Type rule (a must in wsgiref, advice here: the PEP does not
  // require it, and HTTP only discourages it for 304).
  if (code !== -1) {
    const hasType = pairs.some(([name]) => name.toLowerCase() === 'content-type');
    if ((code === 204 || code === 304) && hasType) {
      report.fail('V-32', `a Content-Type header in a ${code} response, which has no content; remove it`);
    } else if (code !== 204 && code !== 304 && !hasType) {
      report.fail('V-33', 'no Content-Type header; add one, e.g. ["Content-Type", "text/plain; charset=utf-8"]');
    }
  }
  // V-34 (N-69, D-N2): excInfo is the caught error.
  if (excSupplied && !(excInfo instanceof Error)) {
    report.fail('V-34', `excInfo should be the caught Error, got ${show(excInfo)}; pass the value from catch (error)`);
  }
  return { code, headers: pairs, contentLength };
}

/** The first well-formed Content-Length, for the byte counts (the wsgiref profile checks none). */
function readContentLength(pairs: ReadonlyArray<readonly [string, string]>): number {
  const found = pairs.find(([name, value]) => name.toLowerCase() === 'content-length' && /^[0-9]{1,15}$/.test(value));
  return found === undefined ? -1 : Number(found[1]);
}

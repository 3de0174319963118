/**
 * Checks of the status and the header list a bytes app returns (VALIDATOR.md V-95, V-96,
 * V-102).
 *
 * The byte rules are the native ones (B-45, B-46 restate N-54, N-58, N-59 in bytes), so they
 * are not written twice: each value is viewed as latin-1 (one code unit per byte) and handed to
 * the pure checks of checks.ts, which the server lifecycles use too. {@link RULE_OF_CHECK} maps
 * their names to V-95/V-96; the messages are rewritten here to show bytes as `b"…"` and to
 * give bytes fixes.
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { bytesToNative } from '../../codecs/latin1';
import {
  type CheckName,
  headerNameProblem,
  headerValueProblem,
  inspectHeaders,
  isProblem,
  isToken,
  statusCode,
  statusProblem,
} from '../../native/checks';
import type { ResponseHead } from '../../native/validate/invocation';
import type { BytesReporter } from './report';
import type { BytesRuleId } from './rules';
import { describe, showByte, showBytes } from './show';

/** Which V-rule each check of checks.ts enforces for bytes (V-95 status, V-96 headers). */
export const RULE_OF_CHECK: Readonly<Record<CheckName, BytesRuleId>> = {
  'status-type': 'V-95',
  'status-latin1': 'V-95',
  'status-format': 'V-95',
  'status-1xx': 'V-95',
  'status-range': 'V-95',
  'headers-type': 'V-96',
  'header-entry': 'V-96',
  'header-type': 'V-96',
  'header-name': 'V-96',
  'header-status': 'V-96',
  'header-value-latin1': 'V-96',
  'header-value-crlf': 'V-96',
  'header-value-ctl': 'V-96',
  'header-hop-by-hop': 'V-96',
  'content-length': 'V-96',
};

const ANY_CTL = /[\x00-\x1F\x7F]/;
const CR_LF_NUL = /[\r\n\0]/;
const OTHER_CTL = /[\x01-\x08\x0B\x0C\x0E-\x1F\x7F]/;

/** The byte at `index` of a latin-1 view, shown with its position. */
function byteAt(text: string, index: number): string {
  return `${showByte(text.charCodeAt(index))} at index ${index}`;
}

/** `Buffer.from("…", "latin1")` for a string where bytes belong (B-52: never coerced). */
function encodeHint(value: unknown, example: string): string {
  return typeof value === 'string'
    ? `; encode it, e.g. Buffer.from(${JSON.stringify(value)}, "latin1")`
    : `; pass bytes, e.g. Buffer.from(${JSON.stringify(example)}, "latin1")`;
}

/** The V-95 message for a status problem found by checks.ts. */
function statusMessage(check: CheckName, status: Uint8Array, text: string): string {
  const shown = showBytes(status);
  switch (check) {
    case 'status-format': {
      const ctl = text.search(ANY_CTL);
      return ctl !== -1
        ? `status ${shown} holds the control byte ${byteAt(text, ctl)}; remove it (no CR/LF at the end either)`
        : `status ${shown} is not three ASCII digits, one space (0x20) and a reason phrase; return e.g. b"404 Not Found"`;
    }
    case 'status-1xx':
      return `status ${shown} is informational (1xx) and cannot be a final response; interim responses are the server's business, return 200-599`;
    default:
      return `status ${shown} has a code outside 200-599 (RFC 9110 §15); use a final status code`;
  }
}

/**
 * Checks the status (V-95, B-24, B-45, D-N18). Returns its code, or -1 when it cannot be read.
 */
export function checkBytesStatus(report: BytesReporter, status: unknown): number {
  if (!(status instanceof Uint8Array)) {
    report.fail('V-95', `status must be a Uint8Array like b"200 OK", got ${describe(status)}${encodeHint(status, '200 OK')}`);
    return -1;
  }
  const text = bytesToNative(status);
  const problem = statusProblem(text);
  if (problem !== undefined) report.fail(RULE_OF_CHECK[problem.check], statusMessage(problem.check, status, text));
  return /^[0-9]{3}/.test(text) ? statusCode(text) : -1;
}

/** The V-96 message for a header name problem found by checks.ts. */
function nameMessage(check: CheckName, name: Uint8Array, text: string): string {
  const shown = showBytes(name);
  switch (check) {
    case 'header-status':
      return `a ${shown} header clashes with the CGI status line; the status is the first element of [status, headers, body]`;
    case 'header-hop-by-hop':
      return `header ${shown} is hop-by-hop; the server manages the connection and its framing, so apps must not send it (B-49); remove it`;
    default: {
      if (text === '') return 'a header name is empty; pass the field name, e.g. b"Content-Type"';
      const bad = [...text].findIndex((c) => !isToken(c));
      return (
        `header name ${shown} holds ${byteAt(text, bad)}, which is not a token character (RFC 9110 §5.6.2); ` +
        "use only letters, digits and !#$%&'*+-.^_`|~ (no trailing colon)"
      );
    }
  }
}

/** The V-96 message for a header value problem found by checks.ts. */
function valueMessage(check: CheckName, name: Uint8Array, value: Uint8Array, text: string): string {
  const prefix = `header ${showBytes(name)} value ${showBytes(value)}`;
  if (check === 'header-value-crlf') {
    return `${prefix} holds ${byteAt(text, text.search(CR_LF_NUL))}; CR, LF and NUL would split the response, remove it`;
  }
  return `${prefix} holds the control byte ${byteAt(text, text.search(OTHER_CTL))}; remove it or percent-encode the value`;
}

/**
 * Checks the header list (V-96, B-25, B-46, B-49, B-58) and the Content-Type advice (V-102).
 * Returns the head as the body checks need it, with the headers as latin-1 pairs.
 */
export function checkBytesHeaders(report: BytesReporter, headers: unknown, code: number): ResponseHead {
  const pairs: Array<[string, string]> = [];
  /** Every name given as bytes, valid or not: a bad Content-Type is still a Content-Type. */
  const names: string[] = [];
  // B-25, D-B6: a genuine Array of two-element Arrays of bytes.
  if (!Array.isArray(headers)) {
    report.fail('V-96', `headers must be a genuine Array of [name, value] pairs of Uint8Array, got ${describe(headers)}`);
    return { code, headers: pairs, contentLength: -1 };
  }
  for (let i = 0; i < headers.length; i++) {
    const entry: unknown = headers[i];
    if (!Array.isArray(entry) || entry.length !== 2) {
      report.fail('V-96', `headers[${i}] must be a [name, value] pair, got ${describe(entry)}`);
      continue;
    }
    const [name, value] = entry as [unknown, unknown];
    if (!(name instanceof Uint8Array) || !(value instanceof Uint8Array)) {
      const wrong = name instanceof Uint8Array ? value : name;
      report.fail(
        'V-96',
        `headers[${i}] must hold two Uint8Array, got [${describe(name)}, ${describe(value)}]${encodeHint(wrong, 'Content-Type')}`,
      );
      continue;
    }
    const nameText = bytesToNative(name);
    const valueText = bytesToNative(value);
    names.push(nameText.toLowerCase());
    const nameProblem = headerNameProblem(nameText);
    if (nameProblem !== undefined) report.fail(RULE_OF_CHECK[nameProblem.check], nameMessage(nameProblem.check, name, nameText));
    const valueProblem = headerValueProblem(nameText, valueText);
    if (valueProblem !== undefined) report.fail(RULE_OF_CHECK[valueProblem.check], valueMessage(valueProblem.check, name, value, valueText));
    // HTAB is legal HTTP, but B-46 bans every control character: warn (V-96, D-N19).
    const tab = valueText.indexOf('\t');
    if (tab !== -1) {
      report.fail('V-96', `header ${showBytes(name)} value holds a tab (0x09) at index ${tab}; use a space`, 'W');
    }
    if (nameProblem === undefined && valueProblem === undefined) pairs.push([nameText, valueText]);
  }

  // Content-Length (B-58, N-93): checks.ts reads it from the pairs that passed, so its only
  // possible problem here is a duplicate or malformed Content-Length.
  let contentLength = -1;
  const facts = inspectHeaders(pairs);
  if (isProblem(facts)) {
    const lengths = pairs.filter(([name]) => name.toLowerCase() === 'content-length');
    const bad = lengths.find(([, value]) => !/^[0-9]{1,15}$/.test(value));
    report.fail(
      RULE_OF_CHECK[facts.check],
      bad !== undefined
        ? `Content-Length ${showBytes(Buffer.from(bad[1], 'latin1'))} is not a decimal number of bytes; pass e.g. Buffer.from(String(body.byteLength))`
        : `${lengths.length} Content-Length headers; send exactly one`,
    );
  } else {
    contentLength = facts.contentLength;
  }

  // V-102 (V-33 analogue): advice, the PEP does not require it.
  if (code !== -1 && code !== 204 && code !== 304 && !names.includes('content-type')) {
    report.fail('V-102', 'no Content-Type header; add one, e.g. [Buffer.from("Content-Type"), Buffer.from("text/plain; charset=utf-8")]');
  }
  return { code, headers: pairs, contentLength };
}

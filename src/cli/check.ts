/**
 * `tsgi check`: runs an app over a fixed set of requests, the way a migration goes wrong (a
 * Unicode path, a query, HEAD, a form, a chunked upload, an error path, a UTF-8 header), and
 * reports every problem with its rule, the requests that showed it, and the MIGRATION.md
 * section that fixes it.
 *
 * Each request goes through the gateways' own lifecycle (`runApplication` with a
 * `MemorySink`), with the app wrapped in its flavour's validator in `'warn'` mode, so one bad
 * chunk does not hide the next request's problems. Three sources, merged per request:
 *
 * - the validator's findings (VALIDATOR.md), each with the severity of its rules-table row:
 *   warn mode reports E-rows as warnings too, and an E-row is an error here;
 * - the lifecycle's faults (`onError`): a `ProtocolError` under its rule (N-9, B-1…), any other
 *   error the app threw under `'app'`. A fault that repeats a validator finding (N-9 after
 *   V-70: the same string chunk) joins that finding as a related rule instead of a second
 *   problem ({@link SAME_FAULT});
 * - the heuristics of check-heuristics.ts (C-33: PATH_INFO echoed as text).
 *
 * Across requests, the same rule and message is one problem listing every request that saw it.
 *
 * @example
 * const report = await checkApp(app, { flavour: 'native' });
 * for (const p of report.problems) console.log(p.severity, p.rule, p.message, p.section);
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { buildBytesEnviron } from '../bytes/testing';
import type { BytesApp } from '../bytes/types';
import { bytesValidator } from '../bytes/validate';
import { BYTES_RULES, type BytesRuleSpec } from '../bytes/validate/rules';
import { bytesToNativeEnviron } from '../codecs/environ';
import type { LegacyApp, LegacyOptions } from '../codecs/legacy';
import { respondWithBytesApp } from '../codecs/to-native-app';
import { HttpError } from '../native/errors';
import { runApplication } from '../native/lifecycle';
import { MemorySink } from '../native/memory-sink';
import { buildEnviron, type EnvironOptions } from '../native/testing';
import type { Environ, NativeApp } from '../native/types';
import { validator, type ValidationWarning } from '../native/validate';
import { RULES, type RuleSpec, type Severity } from '../native/validate/rules';
import type { Flavour } from '../server/types';
import { HEURISTICS } from './check-heuristics';
import { sectionFor } from './check-sections';

// -----------------------------------------------------------------------------------------------
// The requests

/** One synthetic request. Values are what a client sends: a percent-encoded target, UTF-8. */
export interface CheckRequest {
  /** How reports name it: `GET /caf%C3%A9`, `POST /upload (chunked)`. */
  readonly label: string;
  readonly method: string;
  /** The request target: path and query, percent-encoded as on the wire. */
  readonly target: string;
  /** Header values as native strings (bytes viewed as latin-1), as a server receives them. */
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  /** A body sent with a Content-Length (UTF-8), or chunks streamed without one (chunked). */
  readonly body?: string | readonly string[];
}

/**
 * The built-in requests, in the order they run. Each aims at a mistake: the Unicode path at
 * PATH_INFO used as text (C-33), HEAD at bodies and lengths, the form at reading the body, the
 * upload at a body without a Content-Length (D-N11), the missing page at error handling (N-67),
 * the UTF-8 header at environ values used as text.
 */
export const CHECK_REQUESTS: readonly CheckRequest[] = Object.freeze([
  { label: 'GET /', method: 'GET', target: '/' },
  { label: 'GET /caf%C3%A9', method: 'GET', target: '/caf%C3%A9' },
  { label: 'GET /search?q=caf%C3%A9&tag=a+b', method: 'GET', target: '/search?q=caf%C3%A9&tag=a+b' },
  { label: 'HEAD /', method: 'HEAD', target: '/' },
  {
    label: 'POST /form',
    method: 'POST',
    target: '/form',
    headers: [['Content-Type', 'application/x-www-form-urlencoded']],
    body: 'name=Zo%C3%AB&note=caf%C3%A9',
  },
  {
    label: 'POST /upload (chunked)',
    method: 'POST',
    target: '/upload',
    headers: [['Content-Type', 'text/plain; charset=utf-8']],
    body: ['first chunk, ', 'second chunk: café\n'],
  },
  { label: 'GET /__tsgi_check_missing__', method: 'GET', target: '/__tsgi_check_missing__' },
  // 'Zoë' in UTF-8 (C3 AB), each byte one character: what a server puts in the environ.
  { label: 'GET / (X-Name: UTF-8 bytes)', method: 'GET', target: '/', headers: [['X-Name', 'Zo\u00c3\u00ab']] },
] satisfies CheckRequest[]);

/** Environ options for one run: a fresh stream for a chunked body (a stream is read once). */
function environOptionsOf(request: CheckRequest): EnvironOptions {
  const options: EnvironOptions = { method: request.method, path: request.target };
  if (request.headers !== undefined) options.headers = request.headers;
  const body = request.body;
  if (typeof body === 'string') {
    options.body = body;
  } else if (body !== undefined) {
    options.body = (async function* chunks() {
      for (const chunk of body) yield Buffer.from(chunk, 'utf8');
    })();
  }
  return options;
}

// -----------------------------------------------------------------------------------------------
// The report

export type ProblemSeverity = 'error' | 'warning';

export interface CheckProblem {
  severity: ProblemSeverity;
  /** The rule that names the mistake: a VALIDATOR.md V-id, a lifecycle N-/B-id, a CODECS C-id, or `'app'`. */
  rule: string;
  /** Other rules that reported the same fault, e.g. the lifecycle's N-9 beside the validator's V-70. */
  related: string[];
  /** What was wrong, without the rule id. */
  message: string;
  /** The labels of the requests that showed it, in run order. */
  requests: string[];
  /** Where the fix is explained: `MIGRATION.md#body-chunks-are-bytes`. */
  section: string;
}

export interface CheckReport {
  flavour: Flavour;
  /** The labels of the requests that ran. */
  requests: string[];
  /** Errors first, then warnings, each in the order the requests first showed them. */
  problems: CheckProblem[];
  summary: { errors: number; warnings: number; requests: number };
}

export interface CheckOptions {
  /** The app's flavour; `auto` is the CLI's business (chooseFlavour). */
  flavour: Flavour;
  /** Default {@link CHECK_REQUESTS}. */
  requests?: readonly CheckRequest[];
  /** For `legacy`: the options fromLegacyApp gets (the CLI's --charset and friends). */
  legacy?: LegacyOptions;
  /** A request whose response has not ended by then is cut and reported. Default 10 s. */
  timeout?: number;
}

/** One problem seen by one request, before grouping. */
interface Finding {
  severity: ProblemSeverity;
  rule: string;
  related: string[];
  message: string;
}

// -----------------------------------------------------------------------------------------------
// Severities

/**
 * Rows of the rules tables that mix severities: the validator passes the part's severity to its
 * reporter, but a warning does not carry it, so the part is recognised by its message. The
 * table's own severity is the other part's. (If ValidationWarning ever gains a `severity`, it
 * is used instead: see {@link severityOf}.)
 */
const MIXED_SEVERITY: ReadonlyArray<{ flavour: 'native' | 'bytes'; rule: string; when: RegExp; severity: Severity }> = [
  // native (rules.ts: V-49, V-53, V-60, V-78)
  { flavour: 'native', rule: 'V-49', when: /does not look like "HTTP\//, severity: 'W' },
  { flavour: 'native', rule: 'V-53', when: /holds "_"/, severity: 'W' },
  { flavour: 'native', rule: 'V-60', when: /Content-Type headers; send exactly one/, severity: 'W' },
  { flavour: 'native', rule: 'V-78', when: /wsgi\.file_wrapper must be a function/, severity: 'E' },
  // bytes (rules.ts: V-93, V-96, V-98, V-99; V-98/V-99 also carry native-parts.ts's W rows)
  { flavour: 'bytes', rule: 'V-93', when: /poller returned a Promise/, severity: 'W' },
  { flavour: 'bytes', rule: 'V-96', when: /holds a tab/, severity: 'W' },
  { flavour: 'bytes', rule: 'V-98', when: /called close\(\) on the body \d+ times|garbage-collected/, severity: 'W' },
  { flavour: 'bytes', rule: 'V-99', when: /ended after \d+ bytes but Content-Length declared/, severity: 'W' },
  { flavour: 'bytes', rule: 'V-99', when: /response (declares Content-Length|produced \d+ body bytes)/, severity: 'W' },
];

/** The severity of a validator finding: its row's, E → error, W → warning. */
export function severityOf(warning: ValidationWarning): ProblemSeverity {
  const given = (warning as { severity?: unknown }).severity;
  let severity: Severity | null | undefined = given === 'E' || given === 'W' ? given : undefined;
  severity ??= MIXED_SEVERITY.find((m) => m.flavour === warning.flavour && m.rule === warning.rule && m.when.test(warning.message))?.severity;
  severity ??=
    warning.flavour === 'bytes'
      ? (BYTES_RULES as Record<string, BytesRuleSpec | undefined>)[warning.rule]?.severity
      : (RULES as Record<string, RuleSpec | undefined>)[warning.rule]?.default;
  return severity === 'E' ? 'error' : 'warning';
}

// -----------------------------------------------------------------------------------------------
// Lifecycle faults

/**
 * A lifecycle rule → the validator rules that see the same fault first. When both fire in one
 * request, the lifecycle's id joins the validator's finding (the validator's message is the
 * more precise one; its V-id is the row to read) rather than making a second problem.
 */
const SAME_FAULT: Readonly<Record<string, readonly string[]>> = {
  // native lifecycle (lifecycle.ts)
  'N-1': ['V-20'],
  'N-3': ['V-20', 'V-54', 'V-48'],
  'N-9': ['V-70', 'V-45', 'V-68', 'V-42', 'V-43', 'V-97', 'V-98'],
  'N-54': ['V-50', 'V-21', 'V-22', 'V-23', 'V-95'],
  'D-N18': ['V-51', 'V-52', 'V-95'],
  'N-56': ['V-24', 'V-25', 'V-26'],
  'N-58': ['V-28', 'V-53'],
  'N-59': ['V-54', 'V-55'],
  'N-62': ['V-59', 'V-96'],
  'N-66': ['V-69'],
  'N-67': ['V-61'],
  'N-68': ['V-65', 'V-69'],
  'N-82': ['V-66'],
  'N-83': ['V-73'],
  'N-91': ['V-68'],
  'N-93': ['V-73', 'V-60', 'V-99'],
  'N-94': ['V-74', 'V-99'],
  'N-123': ['V-35'],
  // bytes responses (bytes/response.ts)
  'B-1': ['V-94'],
  'B-23': ['V-92', 'V-93'],
  'B-24': ['V-95'],
  'B-25': ['V-96'],
  'B-26': ['V-97'],
  'B-45': ['V-95'],
  'B-46': ['V-96'],
  'B-49': ['V-96'],
  'B-58': ['V-96'],
};

/**
 * An HttpError with a 4xx status is how an app (or the legacy adapter) answers on purpose, not
 * a fault. Checked by name too: an app may bring its own copy of tsgi.
 */
function isDeliberateAnswer(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { status?: unknown }).status;
  const httpError = error instanceof HttpError || error.name === 'HttpError' || error.name === 'RequestError';
  return httpError && typeof status === 'number' && status >= 400 && status < 500;
}

/** A lifecycle fault as a finding: a ProtocolError (or ValidationError) under its rule, else 'app'. */
function faultFinding(error: unknown): Finding | undefined {
  if (isDeliberateAnswer(error)) return undefined;
  const rule = error instanceof Error ? (error as { rule?: unknown }).rule : undefined;
  if (typeof rule === 'string' && error instanceof Error) {
    return { severity: 'error', rule, related: [], message: withoutRuleId(error.message, rule) };
  }
  const what = error instanceof Error ? `${error.name}: ${error.message}` : `a non-Error: ${String(error)}`;
  return { severity: 'error', rule: 'app', related: [], message: `the app failed with ${what}` };
}

/** Messages name their rule (`V-70: …`, `… (N-9)`); the report shows it once, in its own field. */
function withoutRuleId(message: string, rule: string): string {
  let text = message;
  if (text.startsWith(`${rule}: `)) text = text.slice(rule.length + 2);
  if (text.endsWith(` (${rule})`)) text = text.slice(0, -(rule.length + 3));
  return text;
}

/**
 * Findings that are only an echo of another in the same request, and are dropped when it is
 * there. A body with a string chunk also comes out short of its Content-Length (the string
 * counts no bytes): that V-74 goes away with the V-70 it follows from.
 */
const ECHOES: Readonly<Record<string, readonly string[]>> = {
  'V-74': ['V-70', 'V-45', 'V-68', 'N-9'],
  // bytes: V-99's "fewer bytes than Content-Length" after V-98's non-bytes chunk
  'V-99': ['V-98'],
};

// -----------------------------------------------------------------------------------------------
// Running one request

interface Exchange {
  warnings: ValidationWarning[];
  faults: unknown[];
  sink: MemorySink;
  nativePath: string;
  timedOut: boolean;
}

/** Runs a native app (already validated) through the lifecycle, cutting it after `timeout` ms. */
async function exchange(app: NativeApp, environ: Environ, timeout: number, warnings: ValidationWarning[]): Promise<Exchange> {
  const sink = new MemorySink({ canChunk: true });
  const faults: unknown[] = [];
  // Read before the app runs: it may change environ (N-18).
  const nativePath = String(environ.PATH_INFO ?? '');
  const done = runApplication(app, environ, sink, { onError: (error) => faults.push(error) });
  let timedOut = false;
  if (done !== undefined) {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeout);
    });
    try {
      timedOut = (await Promise.race([done, expired])) === 'timeout';
    } finally {
      clearTimeout(timer);
    }
    // Cut it as a client that gave up would: the lifecycle releases the body (N-88).
    if (timedOut) sink.disconnect(new Error(`tsgi check: no complete response within ${timeout} ms`));
  }
  return { warnings, faults, sink, nativePath, timedOut };
}

async function runRequest(app: unknown, request: CheckRequest, options: CheckOptions, legacy: LegacyWrap | undefined): Promise<Exchange> {
  const warnings: ValidationWarning[] = [];
  const onWarning = (warning: ValidationWarning) => warnings.push(warning);
  const timeout = options.timeout ?? 10_000;
  if (options.flavour === 'bytes') {
    const bytesEnviron = buildBytesEnviron(environOptionsOf(request));
    const nativeEnviron = bytesToNativeEnviron(bytesEnviron);
    const checked = bytesValidator(app as BytesApp, { mode: 'warn', onWarning });
    // As callBytesApplication does: the app gets its own bytes environ, the lifecycle the native one.
    const native: NativeApp = (_environ, startResponse) =>
      respondWithBytesApp(checked, bytesEnviron, startResponse, { pollTimeout: timeout });
    return exchange(native, nativeEnviron, timeout, warnings);
  }
  // Legacy apps are checked as the native app the adapter makes of them: what a server runs.
  const target = legacy !== undefined ? legacy(app as LegacyApp) : (app as NativeApp);
  const checked = validator(target, { mode: 'warn', onWarning });
  return exchange(checked, buildEnviron(environOptionsOf(request)), timeout, warnings);
}

type LegacyWrap = (app: LegacyApp) => NativeApp;

/** Validator findings, lifecycle faults merged into them where they repeat one, heuristics. */
function findingsOf(request: CheckRequest, ran: Exchange): Finding[] {
  const findings: Finding[] = [];
  const add = (finding: Finding) => {
    if (!findings.some((f) => f.rule === finding.rule && f.message === finding.message)) findings.push(finding);
  };
  for (const warning of ran.warnings) {
    add({ severity: severityOf(warning), rule: warning.rule, related: [], message: withoutRuleId(warning.message, warning.rule) });
  }
  for (const fault of ran.faults) {
    const finding = faultFinding(fault);
    if (finding === undefined) continue;
    const same = SAME_FAULT[finding.rule] ?? [];
    const repeated = findings.find((f) => same.includes(f.rule) && !f.related.includes(finding.rule));
    if (repeated !== undefined) {
      repeated.related.push(finding.rule);
      repeated.severity = 'error';
    } else {
      add(finding);
    }
  }
  if (ran.timedOut) {
    add({ severity: 'error', rule: 'app', related: [], message: 'the response did not end in time; the request was cut (does the body ever finish?)' });
  }
  const observed = { label: request.label, nativePath: ran.nativePath, status: ran.sink.head?.status, body: ran.sink.body };
  for (const heuristic of HEURISTICS) {
    const message = heuristic.test(observed);
    if (message !== undefined) add({ severity: 'warning', rule: heuristic.rule, related: [], message });
  }
  // Only warnings are echoes: an error always stays.
  return findings.filter(
    (f) => f.severity === 'error' || !findings.some((cause) => cause !== f && (ECHOES[f.rule] ?? []).includes(cause.rule)),
  );
}

// -----------------------------------------------------------------------------------------------
// The check

/** Runs `app` over the requests (one at a time, in order) and reports what went wrong. */
export async function checkApp(app: unknown, options: CheckOptions): Promise<CheckReport> {
  const requests = options.requests ?? CHECK_REQUESTS;
  let legacy: LegacyWrap | undefined;
  if (options.flavour === 'legacy') {
    // Loaded only when asked for, as serve does: the adapter brings the charset tables.
    const { fromLegacyApp } = await import('../codecs/legacy');
    legacy = (text) => fromLegacyApp(text, options.legacy);
  }
  const problems = new Map<string, CheckProblem>();
  for (const request of requests) {
    const ran = await runRequest(app, request, options, legacy);
    for (const finding of findingsOf(request, ran)) {
      const key = `${finding.rule}\u0000${finding.message}`;
      const known = problems.get(key);
      if (known === undefined) {
        problems.set(key, { ...finding, requests: [request.label], section: sectionFor(finding.rule, finding.message) });
        continue;
      }
      if (!known.requests.includes(request.label)) known.requests.push(request.label);
      for (const rule of finding.related) if (!known.related.includes(rule)) known.related.push(rule);
      if (finding.severity === 'error') known.severity = 'error';
    }
  }
  const all = [...problems.values()];
  const sorted = [...all.filter((p) => p.severity === 'error'), ...all.filter((p) => p.severity === 'warning')];
  return {
    flavour: options.flavour,
    requests: requests.map((r) => r.label),
    problems: sorted,
    summary: {
      errors: sorted.filter((p) => p.severity === 'error').length,
      warnings: sorted.filter((p) => p.severity === 'warning').length,
      requests: requests.length,
    },
  };
}

// -----------------------------------------------------------------------------------------------
// Human output

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The report for a terminal: one block per problem, then a summary line.
 *
 *     error V-70 (N-9) the body yielded "Hello World\n", not a Uint8Array; …
 *       seen on: GET /, HEAD /
 *       fix: MIGRATION.md#body-chunks-are-bytes
 */
export function formatReport(report: CheckReport): string {
  const requests = count(report.summary.requests, 'request');
  if (report.problems.length === 0) return `no problems found in ${requests}\n`;
  const blocks = report.problems.map((p) => {
    const rules = p.related.length > 0 ? `${p.rule} (${p.related.join(', ')})` : p.rule;
    return `${p.severity} ${rules} ${p.message}\n  seen on: ${p.requests.join(', ')}\n  fix: ${p.section}\n`;
  });
  const { errors, warnings } = report.summary;
  return `${blocks.join('\n')}\n${count(errors, 'error')}, ${count(warnings, 'warning')} in ${requests}\n`;
}

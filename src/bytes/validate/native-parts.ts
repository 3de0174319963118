/**
 * Lets the bytes validator reuse the native body machinery unchanged: `wrapResult` (result.ts),
 * `BodyObserver` (body.ts) and `Invocation` (invocation.ts) report native rule ids through a
 * native `Reporter`; {@link NativePartsReporter} is that reporter, and it re-files each finding
 * under the bytes rule that covers it (VALIDATOR.md §3), with that rule's severity.
 *
 * The checks those parts run on a body are the same in both flavours (B-26, B-29, B-58, B-60
 * inherit N-9, N-88, N-93, N-94, N-100), so only the ids differ. Their messages name no native
 * API except V-47's "(N-88)", which B-29 adopts word for word.
 *
 * @module
 */

import { Reporter } from '../../native/validate/report';
import type { RuleId, Severity } from '../../native/validate/rules';
import type { BytesReporter } from './report';
import type { BytesRuleId } from './rules';

export interface Translation {
  readonly rule: BytesRuleId;
  readonly severity: Severity;
}

/**
 * Every native id that result.ts, body.ts and invocation.ts can report, and where it goes.
 * `null`: not a bytes rule, or cannot happen here (the test in native-parts.test.ts keeps this
 * list in step with those files).
 */
export const NATIVE_TO_BYTES: Readonly<Partial<Record<RuleId, Translation | null>>> = {
  // result.ts. The bytes validator refuses these bodies itself (V-97) before calling
  // wrapResult, so they only arrive here if that order ever changes.
  'V-42': { rule: 'V-97', severity: 'E' },
  'V-43': { rule: 'V-97', severity: 'E' },
  // result.ts (a Readable yielding strings) and body.ts (a sync body yielding a Promise):
  // chunks that are not bytes. result.ts's third use, a non-iterable body, is V-97 above.
  'V-68': { rule: 'V-98', severity: 'E' },
  // body.ts: the iteration protocol and close() (B-26, B-29).
  'V-44': { rule: 'V-98', severity: 'E' },
  'V-70': { rule: 'V-98', severity: 'E' },
  'V-71': { rule: 'V-98', severity: 'E' },
  // "close() duplicated" is W in V-98, as in V-72; "missing" can only be seen at garbage
  // collection (V-47), where throwing is impossible, so it warns too.
  'V-72': { rule: 'V-98', severity: 'W' },
  'V-47': { rule: 'V-98', severity: 'W' },
  // invocation.ts and body.ts: the byte counts (B-58, B-60).
  'V-73': { rule: 'V-99', severity: 'E' },
  'V-74': { rule: 'V-99', severity: 'W' },
  'V-75': { rule: 'V-99', severity: 'W' },
  // 304 entity headers: Werkzeug's lint, which §3 does not adopt for bytes.
  'V-76': null,
  // wsgiref-profile ids: the parts run under the default profile.
  'V-45': null,
  'V-46': null,
  // No startResponse and no excInfo in Web3 (B-6): the head exists before the body does.
  'V-69': null,
  'V-63': null,
};

/** A native `Reporter` (default profile) that forwards to the bytes reporter under bytes ids. */
export class NativePartsReporter extends Reporter {
  readonly #bytes: BytesReporter;

  constructor(bytes: BytesReporter) {
    super({ mode: bytes.mode, profile: 'default' });
    this.#bytes = bytes;
  }

  override fail(rule: RuleId, message: string): void {
    const translation = NATIVE_TO_BYTES[rule];
    if (translation === null || translation === undefined) return;
    this.#bytes.fail(translation.rule, message, translation.severity);
  }
}

/**
 * Turns a failed bytes check into a thrown `ValidationError` (flavour `'bytes'`) or a warning,
 * by the rule's severity (rules.ts) and the mode (VALIDATOR.md §0). The bytes twin of the
 * native `Reporter`, which is tied to the native table and flavour.
 *
 * @module
 */

import type { Severity } from '../../native/validate/rules';
import type { ValidationMode, ValidationWarning, ValidatorOptions } from '../../native/validate';
import { ValidationError } from '../../native/validation-error';
import { BYTES_RULES, type BytesRuleId } from './rules';

/** The default sink: the analogue of `warnings.warn(..., WSGIWarning)`, as in the native flavour. */
function emitProcessWarning(warning: ValidationWarning): void {
  process.emitWarning(warning.message, { type: 'WSGIWarning', code: warning.rule });
}

export class BytesReporter {
  readonly mode: ValidationMode;
  readonly #onWarning: (warning: ValidationWarning) => void;

  constructor(options: ValidatorOptions = {}) {
    this.mode = options.mode ?? 'strict';
    this.#onWarning = options.onWarning ?? emitProcessWarning;
  }

  /**
   * Reports a failed check. `severity` overrides the table for rows that mix severities.
   * Strict mode throws for E; everything else warns.
   */
  fail(rule: BytesRuleId, message: string, severity?: Severity): void {
    const text = `${rule}: ${message}`;
    if ((severity ?? BYTES_RULES[rule].severity) === 'E' && this.mode === 'strict') {
      throw new ValidationError(rule, text, 'bytes');
    }
    this.#onWarning({ rule, message: text, flavour: 'bytes' });
  }
}

/**
 * Turns a failed check into a thrown `ValidationError` or a warning, according to the rule's
 * severity (rules.ts), the profile and the mode (VALIDATOR.md §0).
 *
 * @module
 */

import type { ValidationMode, ValidationProfile, ValidationWarning, ValidatorOptions } from '../validate';
import { ValidationError } from '../validation-error';
import { RULES, type RuleId, type Severity } from './rules';

/** The default sink: the analogue of `warnings.warn(..., WSGIWarning)`. */
function emitProcessWarning(warning: ValidationWarning): void {
  process.emitWarning(warning.message, { type: 'WSGIWarning', code: warning.rule });
}

export class Reporter {
  readonly mode: ValidationMode;
  readonly profile: ValidationProfile;
  private readonly onWarning: (warning: ValidationWarning) => void;

  constructor(options: ValidatorOptions = {}) {
    this.mode = options.mode ?? 'strict';
    this.profile = options.profile ?? 'default';
    this.onWarning = options.onWarning ?? emitProcessWarning;
  }

  /**
   * Reports a failed check. `severity` overrides the table for rows that mix severities; a rule
   * the profile does not run is ignored. Strict mode throws for E; everything else warns.
   */
  fail(rule: RuleId, message: string, severity?: Severity): void {
    const base = RULES[rule][this.profile];
    if (base === null) return;
    const text = `${rule}: ${message}`;
    if ((severity ?? base) === 'E' && this.mode === 'strict') {
      throw new ValidationError(rule, text, 'native');
    }
    this.onWarning({ rule, message: text, flavour: 'native' });
  }
}

/**
 * The error the validators throw when a server or an app breaks a hard rule (VALIDATOR.md §0):
 * the analogue of the `AssertionError` that `wsgiref.validate` raises.
 *
 * Both flavours share it; `flavour` says which one found the problem and `rule` which check
 * (`'V-54'`), so a log line points straight at the row of VALIDATOR.md that explains it.
 *
 * @module
 */

/** Which interface a check belongs to: PEP 3333 (`native`) or PEP 444 (`bytes`). */
export type ValidationFlavour = 'native' | 'bytes';

/**
 * A failed E-severity check. The message starts with the rule id, says what was wrong and how
 * to fix it.
 */
export class ValidationError extends Error {
  override name = 'ValidationError';
  /** The VALIDATOR.md row that failed, e.g. `'V-12'`. */
  readonly rule: string;
  readonly flavour: ValidationFlavour;

  constructor(rule: string, message: string, flavour: ValidationFlavour = 'native') {
    super(message.startsWith(`${rule}:`) ? message : `${rule}: ${message}`);
    this.rule = rule;
    this.flavour = flavour;
  }

  /** The same as {@link rule}; VALIDATOR.md calls it `checkId`. */
  get checkId(): string {
    return this.rule;
  }
}

/**
 * Errors the server side raises at the app. Each names the rule it enforces, so a log line
 * says what was wrong and where the rule is written down.
 *
 * @module
 */

/**
 * The app broke a rule of the gateway interface (a bad status, a bad header, a second
 * `startResponse`, a string where bytes belong). `rule` is the spec id, e.g. `'N-54'`.
 */
export class ProtocolError extends TypeError {
  override name = 'ProtocolError';
  readonly rule: string;

  constructor(rule: string, message: string) {
    super(`${message} (${rule})`);
    this.rule = rule;
  }
}

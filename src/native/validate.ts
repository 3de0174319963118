/**
 * The native validator: middleware that sits between a server and a PEP 3333 app and checks
 * both sides against the rules, the analogue of Python's `wsgiref.validate` plus stricter
 * checks (VALIDATOR.md §1, §2).
 *
 * Use it in tests and while developing a server or a framework. It checks the server (the
 * environ, the stream objects, how it answers `startResponse`, how it iterates and closes the
 * body) and the app (its arguments, return values and call order). It changes nothing: it
 * only wraps `wsgi.input`, `wsgi.errors` (replaced in place in the environ, like wsgiref does),
 * `write` and the body to watch them, and an Array body stays an Array.
 *
 * In `'strict'` mode (the default) a broken rule of severity E throws a {@link ValidationError}
 * whose `rule` names the VALIDATOR.md row (`'V-54'`); a problem raised inside the app's call
 * path reaches the server as an app error, as in wsgiref. Rules of severity W, and everything
 * in `'warn'` mode, go to `onWarning` (default: `process.emitWarning` with type `WSGIWarning`).
 * The `'wsgiref'` profile reproduces `wsgiref.validate` exactly, quirks included.
 *
 * @example Wrap an app; a bad header now throws while the app is still running.
 * ```ts
 * import { validator } from 'tsgi/native';
 *
 * const app = validator((environ, startResponse) => {
 *   startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
 *   return [Buffer.from('hello\n')];
 * });
 * ```
 *
 * @example Warn only, and collect the warnings (Werkzeug-lint style).
 * ```ts
 * import { validator, type ValidationWarning } from 'tsgi/native';
 *
 * const warnings: ValidationWarning[] = [];
 * const linted = validator(app, { mode: 'warn', onWarning: (w) => warnings.push(w) });
 * ```
 *
 * @module
 */

import type { Body, Environ, ErrorStreamLike, InputStreamLike, NativeApp, StartResponse } from './types';
import { checkEnviron } from './validate/environ';
import { ValidatedErrors } from './validate/errors';
import { ValidatedInput } from './validate/input';
import { Invocation } from './validate/invocation';
import { Reporter } from './validate/report';
import { wrapResult } from './validate/result';
import { createStartResponse } from './validate/start-response';
import { closeQuietly } from './validate/values';
import { isThenable } from './thenable';
import type { ValidationFlavour } from './validation-error';

export { ValidationError } from './validation-error';
export type { ValidationFlavour } from './validation-error';

/** `'strict'` throws for E-severity rules; `'warn'` only ever warns. */
export type ValidationMode = 'strict' | 'warn';

/** `'default'`: §1 with its quirks fixed plus §2. `'wsgiref'`: exactly what wsgiref checks. */
export type ValidationProfile = 'default' | 'wsgiref';

/** A W-severity finding, or any finding in `'warn'` mode. */
export interface ValidationWarning {
  /** The VALIDATOR.md row, e.g. `'V-33'`. */
  rule: string;
  /** Starts with the rule id; says what was wrong and how to fix it. */
  message: string;
  flavour: ValidationFlavour;
}

export interface ValidatorOptions {
  /** Default `'strict'`: E-severity failures throw `ValidationError`, W-severity ones warn. */
  mode?: ValidationMode;
  /** Default `'default'`. `'wsgiref'` gives bit-for-bit parity with `wsgiref.validate`. */
  profile?: ValidationProfile;
  /** Default: `process.emitWarning(message, { type: 'WSGIWarning', code: rule })`. */
  onWarning?: (warning: ValidationWarning) => void;
}

/** Replaces `wsgi.input` and `wsgi.errors` in place with checking wrappers (as wsgiref does). */
function wrapStreams(report: Reporter, env: Record<string, unknown>): void {
  const input = env['wsgi.input'];
  if (typeof input === 'object' && input !== null) {
    Reflect.set(env, 'wsgi.input', new ValidatedInput(report, input as InputStreamLike, env));
  }
  const errors = env['wsgi.errors'];
  if (typeof errors === 'object' && errors !== null) {
    Reflect.set(env, 'wsgi.errors', new ValidatedErrors(report, errors as ErrorStreamLike));
  }
}

/**
 * Wraps `app` in the validator. The result is an app too: give it to a server, or call it
 * yourself in tests.
 */
export function validator(app: NativeApp, options: ValidatorOptions = {}): NativeApp {
  const report = new Reporter(options);

  return function validatedApp(...args: unknown[]): Body | Promise<Body> {
    // V-1 (N-6, N-14): environ and startResponse, positionally.
    // V-2 (keyword arguments) and V-19 (the same for startResponse) do not exist in JS.
    if (args.length !== 2) {
      report.fail('V-1', `the app takes exactly two arguments (environ, startResponse), got ${args.length}`);
    }
    const [environ, startResponse] = args;
    const env = checkEnviron(report, environ);
    const inv = new Invocation(report, env);
    if (env !== undefined) wrapStreams(report, env);
    const validatedStartResponse = createStartResponse(inv, startResponse as StartResponse);

    function appReturned(result: unknown): Body {
      inv.inApp = false;
      inv.appSettled = true;
      try {
        // V-63 (N-72): the app caught the server's error from an excInfo call.
        inv.checkNotTrapped('the app');
      } catch (error) {
        closeQuietly(result);
        throw error;
      }
      return wrapResult(inv, result);
    }

    function appFailed(error: unknown): never {
      inv.inApp = false;
      inv.appSettled = true;
      inv.propagated();
      throw error;
    }

    inv.inApp = true;
    let result: unknown;
    try {
      result = app(environ as Environ, validatedStartResponse);
    } catch (error) {
      appFailed(error);
    }
    // N-11: a Promise means "the app returned" once it fulfils.
    if (isThenable(result)) return Promise.resolve(result).then(appReturned, appFailed);
    return appReturned(result);
  };
}

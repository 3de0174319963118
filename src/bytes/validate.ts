/**
 * The bytes validator: middleware that sits between a server and a PEP 444 ("Web3") app and
 * checks both sides against VALIDATOR.md §3 (V-84…V-102), the bytes twin of the native
 * `validator`.
 *
 * Use it in tests and while developing a bytes server or app. It checks the server (the environ,
 * the `web3.input`/`web3.errors` objects, how it iterates and closes the body) and the app (its
 * argument, the `[status, headers, body]` it returns, the body's chunks). It changes nothing: it
 * replaces `web3.input` and `web3.errors` in place with watching wrappers and hands the server
 * the body wrapped, in the same return form the app used: a tuple stays a tuple (a genuine
 * Array of three), a Promise stays a Promise, a poller stays a poller whose results are checked
 * when they arrive (B-23, B-61, B-62). The body keeps its kind (Array, sync or async iterable).
 *
 * In `'strict'` mode (the default) a broken rule of severity E throws a {@link ValidationError}
 * with `flavour: 'bytes'` and `rule` naming the VALIDATOR.md row; thrown while the app's result
 * is checked, it reaches the server as an app error. Rules of severity W, and everything in
 * `'warn'` mode, go to `onWarning` (default: `process.emitWarning` with type `WSGIWarning`).
 * Bytes appear in messages as `b"…"` literals. The `profile` option does not apply: wsgiref has
 * no Web3 counterpart.
 *
 * @example Wrap a bytes app.
 * ```ts
 * import { bytesValidator } from 'tsgi/bytes';
 *
 * const app = bytesValidator((environ) => [
 *   Buffer.from('200 OK'),
 *   [[Buffer.from('Content-Type'), Buffer.from('text/plain; charset=utf-8')]],
 *   [Buffer.from('hello\n')],
 * ]);
 * ```
 *
 * @example The order of PEP 444's examples is refused by name (V-94).
 * ```ts
 * bytesValidator(() => [[Buffer.from('hi')], Buffer.from('200 OK'), []])(environ);
 * // ValidationError: V-94: the app returned its response body-first, [body, status, headers]:
 * // got [[b"hi"], b"200 OK", []]. That is the order of PEP 444's code examples ("return body,
 * // status, headers"), but the PEP's specification text requires (status, headers, body), and
 * // so does tsgi; the examples were never corrected before the PEP was deferred. Reorder it:
 * // return [status, headers, body], here [b"200 OK", [], [b"hi"]]
 * ```
 *
 * @module
 */

import { bytesToNative } from '../codecs/latin1';
import type { ErrorStreamLike, InputStreamLike } from '../native/types';
import type { ValidatorOptions } from '../native/validate';
import { isThenable } from '../native/thenable';
import type { BytesApp, BytesEnviron, BytesPoller, BytesResponse } from './types';
import { checkBytesEnviron } from './validate/environ';
import { ValidatedBytesErrors } from './validate/errors';
import { ValidatedBytesInput } from './validate/input';
import { NativePartsReporter } from './validate/native-parts';
import { BytesReporter } from './validate/report';
import { checkResponse, type ResponseContext } from './validate/result';
import { describe, literal } from './validate/show';

export { ValidationError } from '../native/validation-error';
export type { ValidationFlavour } from '../native/validation-error';
export type { ValidationMode, ValidationWarning, ValidatorOptions } from '../native/validate';

/** Replaces `web3.input` and `web3.errors` in place with checking wrappers (as wsgiref does). */
function wrapStreams(report: BytesReporter, env: Record<string, unknown>): void {
  const input = env['web3.input'];
  if (typeof input === 'object' && input !== null) {
    Reflect.set(env, 'web3.input', new ValidatedBytesInput(report, input as InputStreamLike, env));
  }
  const errors = env['web3.errors'];
  if (typeof errors === 'object' && errors !== null) {
    Reflect.set(env, 'web3.errors', new ValidatedBytesErrors(report, errors as ErrorStreamLike));
  }
}

/**
 * Wraps `app` in the validator. The result is a bytes app too: give it to a server, or call it
 * yourself in tests.
 */
export function bytesValidator(app: BytesApp, options: ValidatorOptions = {}): BytesApp {
  const report = new BytesReporter(options);
  const native = new NativePartsReporter(report);

  return function validatedBytesApp(...args: unknown[]): BytesResponse | Promise<BytesResponse> | BytesPoller {
    // V-84 (B-16, B-19): one positional argument; a Web3 app has no startResponse (B-6).
    if (args.length !== 1) {
      report.fail(
        'V-84',
        `a bytes app takes exactly one argument (environ), got ${args.length}; ` +
          'there is no startResponse in Web3: call app(environ) and use the [status, headers, body] it returns',
      );
    }
    const [environ] = args;
    const env = checkBytesEnviron(report, environ);
    if (env !== undefined) wrapStreams(report, env);
    // Read now: the app may change environ (B-22).
    const method = env?.['REQUEST_METHOD'];
    const ctx: ResponseContext = { report, native, method: method instanceof Uint8Array ? bytesToNative(method) : undefined };
    const asyncAllowed = env?.['web3.async'] === true;

    const result: unknown = app(environ as BytesEnviron);

    // B-61: a Promise (any thenable) is the JS form of async Web3; it must fulfil with the tuple.
    if (isThenable(result)) {
      return Promise.resolve(result).then(function checkFulfilled(value: unknown) {
        return checkResponse(ctx, value, "the app's Promise") as BytesResponse;
      });
    }
    if (typeof result === 'function') {
      // V-93 (B-15, B-63): the polling form needs a server that advertises web3.async.
      if (!asyncAllowed) {
        report.fail(
          'V-93',
          `the app returned a poller (${describe(result)}) but web3.async is ${literal(env?.['web3.async'])}; ` +
            'return [status, headers, body] (or a Promise of it) to a server without web3.async',
        );
      }
      return watchPoller(ctx, result as BytesPoller);
    }
    return checkResponse(ctx, result, 'the app') as BytesResponse;
  };
}

/**
 * The poller the server gets (B-62): calls the app's poller, passes `null`/`undefined`
 * through, and checks the tuple when it arrives. A thenable is the server's to await (B-62);
 * the validator flags it (V-93, W) and checks its value.
 */
function watchPoller(ctx: ResponseContext, poller: BytesPoller): BytesPoller {
  return function validatedPoller(...args: unknown[]): BytesResponse | null | undefined {
    const value: unknown = Reflect.apply(poller, undefined, args);
    if (value === null || value === undefined) return value;
    if (isThenable(value)) {
      ctx.report.fail(
        'V-93',
        'the poller returned a Promise; return null until the response is ready, then [status, headers, body] ' +
          '(or have the app return the Promise itself instead of a poller)',
        'W',
      );
      const checked = Promise.resolve(value).then(function checkPolled(settled: unknown) {
        return settled === null || settled === undefined ? settled : checkResponse(ctx, settled, 'the poller');
      });
      return checked as unknown as BytesResponse;
    }
    return checkResponse(ctx, value, 'the poller') as BytesResponse;
  };
}

// @ts-check
/**
 * The seed's Hello World exactly as the Wikipedia article writes it, translated line for line:
 * it yields a *string*. That is how apps were written when text and bytes were one type, and it
 * is where MIGRATION.md starts.
 *
 * As a native app it is wrong: a body chunk must be a Uint8Array (N-9), so a native gateway
 * answers 500 and logs the rule. Run `npm start` to see exactly that.
 */

/** A legacy text app: the body is text, not bytes. */
export default function* hello(/** @type {Record<string, unknown>} */ environ, /** @type {(status: string, headers: [string, string][]) => unknown} */ startResponse) {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  yield 'Hello World\n';
}

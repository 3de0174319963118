/**
 * `tsgi check`'s own checks: mistakes no validator rule can see, because the response is valid
 * HTTP and only its content is wrong. Each looks at one finished exchange (the request, the
 * environ as the app got it, the response) and returns a message when it recognises the
 * mistake. They are guesses, so they report warnings, and each is narrow enough not to fire on
 * a correct app.
 *
 * To add one: append to {@link HEURISTICS} with the CODECS.md rule it recognises, and give
 * that rule a section in check-sections.ts.
 *
 * @module
 */

import { Buffer } from 'node:buffer';

export interface Observed {
  /** The request's label, e.g. `GET /caf%C3%A9`. */
  label: string;
  /** PATH_INFO as a native string (the path's bytes viewed as latin-1), read before the app ran. */
  nativePath: string;
  /** The status line the client got, if any. */
  status: string | undefined;
  /** The body bytes the client got. */
  body: Uint8Array;
}

export interface Heuristic {
  /** The CODECS.md rule the mistake breaks. */
  rule: string;
  /** What it looks for, for the reader of this list. */
  description: string;
  /** The message for the report, or undefined when the exchange does not show the mistake. */
  test(observed: Observed): string | undefined;
}

/** A non-ASCII character: a native string with one is a path whose bytes are not all ASCII. */
const NON_ASCII = /[^\x00-\x7f]/;

export const HEURISTICS: readonly Heuristic[] = [
  {
    // C-33, C-41: the app treats the native PATH_INFO ('/cafÃ©') as text and echoes it. Encoded
    // as UTF-8, each of the path's bytes becomes a character of its own: the body holds the
    // mojibake '/cafÃ©' instead of '/café'. Only a path with non-ASCII bytes can show it.
    rule: 'C-33',
    description: 'the body holds the native PATH_INFO re-encoded as UTF-8 (mojibake like /cafÃ©)',
    test({ nativePath, body }) {
      if (!NON_ASCII.test(nativePath)) return undefined;
      const text = Buffer.from(body).toString('utf8');
      if (!text.includes(nativePath)) return undefined;
      const meant = Buffer.from(nativePath, 'latin1').toString('utf8');
      return (
        'PATH_INFO was used as text: it holds the UTF-8 bytes of the path viewed as latin-1, so the body says ' +
        `${JSON.stringify(nativePath)} where the client asked for ${JSON.stringify(meant)}; ` +
        'decode it first: decodePath(environ.PATH_INFO) (tsgi/codecs)'
      );
    },
  },
];

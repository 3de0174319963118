/**
 * The fixtures whose expected response a CGI deployment genuinely cannot give, each with the
 * reason and the response it gives instead. Tests compare against the replacement, so these
 * fixtures stay fully checked; only the listed difference is allowed.
 */
import type { Expected } from '../../fixtures';

export interface CGIException {
  /** Why CGI cannot do what the fixture expects. */
  reason: string;
  /** What the client (or the web server) gets instead, checked as strictly as the original. */
  expect: Expected;
}

/** The underlying fixture's text, so a change there shows up here. */
const TEXT = 'text/plain; charset=utf-8';

/**
 * Exceptions for a script run directly (`where: 'cgi'`: what the web server gets) or behind
 * nginx and fcgiwrap (`'nginx'`: what the HTTP client gets; `nginxVersion` as `[1, 22]`).
 */
export function cgiExceptions(where: 'cgi' | 'nginx', nginxVersion: readonly number[] = [1, 22]): Record<string, CGIException> {
  const exceptions: Record<string, CGIException> = {
    'throws-mid-body': {
      reason:
        'N-76: a CGI script cannot cut the connection; without a Content-Length the body just ends, and fcgiwrap ' +
        'ends the FastCGI request normally, so the truncated body looks complete (docs/deploy.md)',
      expect: {
        code: 200,
        headers: { 'content-type': TEXT, 'content-length': null },
        body: 'partial ',
        complete: true,
        ...(where === 'nginx' ? { framing: 'chunked' as const } : {}),
      },
    },
  };
  if (where === 'nginx') {
    const [major = 0, minor = 0] = nginxVersion;
    const joins = major > 1 || (major === 1 && minor >= 23);
    exceptions['request-headers'] = {
      reason: joins
        ? 'D-N14: nginx 1.23+ joins repeated header lines itself, with ", " (nginx CHANGES 1.23.0; not measured here)'
        : 'D-N14: nginx 1.22 passes a repeated header line twice; the process environment keeps one value (the first), ' +
          'so the CGI script cannot join them',
      expect: {
        code: 200,
        body: `HTTP_X_TRACE=abc\nHTTP_ACCEPT=${joins ? 'text/plain, text/html' : 'text/plain'}\nCONTENT_TYPE=text/x-test`,
      },
    };
  }
  return exceptions;
}

/**
 * One line per request in the Combined Log Format (Apache's `combined`, which nginx's default
 * `combined` format matches), so existing log tools read tsgi's logs:
 *
 *   127.0.0.1 - - [23/Nov/2026:10:00:00 +0000] "GET /x HTTP/1.1" 200 12 "-" "curl/8.0"
 *
 * @module
 */

export interface AccessLogEntry {
  remoteAddr: string | undefined;
  remoteUser?: string | undefined;
  time: Date;
  method: string;
  target: string;
  httpVersion: string;
  status: number;
  bytes: number;
  referer: string | undefined;
  userAgent: string | undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `[10/Oct/2000:13:55:36 -0700]` in local time. */
export function formatLogTime(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return (
    `[${two(date.getDate())}/${MONTHS[date.getMonth()]}/${date.getFullYear()}:` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())} ${sign}${two(Math.floor(abs / 60))}${two(abs % 60)}]`
  );
}

/** Quoted-field escaping as Apache does it: `"` and `\` escaped, control and non-ASCII bytes as \xHH. */
function escapeField(value: string): string {
  return value.replace(/["\\\x00-\x1F\x7F-\xFF]/g, (c) => {
    if (c === '"' || c === '\\') return `\\${c}`;
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

function orDash(value: string | undefined): string {
  return value === undefined || value === '' ? '-' : value;
}

export function formatCombinedLog(entry: AccessLogEntry): string {
  const request = escapeField(`${entry.method} ${entry.target} HTTP/${entry.httpVersion}`);
  return (
    `${orDash(entry.remoteAddr)} - ${orDash(entry.remoteUser === undefined ? undefined : escapeField(entry.remoteUser))} ` +
    `${formatLogTime(entry.time)} "${request}" ${entry.status} ${entry.bytes === 0 ? '-' : entry.bytes} ` +
    `"${escapeField(orDash(entry.referer))}" "${escapeField(orDash(entry.userAgent))}"\n`
  );
}

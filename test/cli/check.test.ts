/**
 * `tsgi check`: checkApp in-process over the examples (the bad one finds each planted mistake
 * with its rule and section, the good ones nothing), `main(['check', …])` for exit codes and
 * --json, and the section anchors against MIGRATION.md's headings.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECK_REQUESTS, type CheckReport, checkApp, formatReport, severityOf } from '../../src/cli/check';
import { allAnchors, headingSlug, MIGRATION_FILE, sectionFor } from '../../src/cli/check-sections';
import badApp from '../../examples/bad/app.mjs';
import nativeHello from '../../examples/hello/native.mjs';
import legacyHello from '../../examples/hello/legacy.mjs';
import greetings from '../../examples/legacy/greetings.mjs';
import { appFile, runMain } from '../support/cli-main';

const root = fileURLToPath(new URL('../..', import.meta.url));
const example = (path: string) => join(root, 'examples', path);

const BODY_FIRST_BYTES_APP = `
export default function app(environ) {
  return [[Buffer.from('hi\\n')], Buffer.from('200 OK'), [[Buffer.from('Content-Type'), Buffer.from('text/plain; charset=utf-8')]]];
}`;

const NO_CONTENT_TYPE_APP = `
export default function app(environ, startResponse) {
  startResponse('200 OK', []);
  return [Buffer.from('hi\\n')];
}`;

/** One problem, as the assertions compare it. */
function summary(report: CheckReport) {
  return report.problems.map(({ severity, rule, related, section, requests }) => ({ severity, rule, related, section, requests }));
}

describe('CHECK_REQUESTS', () => {
  it('is the documented set of eight requests, in order', () => {
    expect(CHECK_REQUESTS.map((r) => r.label)).toEqual([
      'GET /',
      'GET /caf%C3%A9',
      'GET /search?q=caf%C3%A9&tag=a+b',
      'HEAD /',
      'POST /form',
      'POST /upload (chunked)',
      'GET /__tsgi_check_missing__',
      'GET / (X-Name: UTF-8 bytes)',
    ]);
  });
});

describe('checkApp over examples/bad/app.mjs', () => {
  let report: CheckReport;
  beforeAll(async () => {
    report = await checkApp(badApp, { flavour: 'native' });
  });

  // The planted mistakes, as the file's header lists them.
  const planted = [
    { mistake: 1, severity: 'error', rule: 'V-70', related: ['N-9'], section: 'MIGRATION.md#body-chunks-are-bytes', requests: ['GET /', 'HEAD /'] },
    { mistake: 2, severity: 'error', rule: 'V-54', related: ['N-3'], section: 'MIGRATION.md#headers-are-latin-1', requests: ['GET / (X-Name: UTF-8 bytes)'] },
    { mistake: 3, severity: 'error', rule: 'V-73', related: ['N-93'], section: 'MIGRATION.md#content-length-counts-bytes', requests: ['GET /search?q=caf%C3%A9&tag=a+b'] },
    { mistake: 4, severity: 'error', rule: 'V-59', related: ['N-62'], section: 'MIGRATION.md#hop-by-hop-headers-belong-to-the-server', requests: ['POST /form'] },
    { mistake: 5, severity: 'error', rule: 'V-61', related: ['N-67'], section: 'MIGRATION.md#excinfo-changing-your-mind', requests: ['GET /__tsgi_check_missing__'] },
    { mistake: 6, severity: 'warning', rule: 'C-33', related: [], section: 'MIGRATION.md#the-path_info-tunnel', requests: ['GET /caf%C3%A9'] },
    { mistake: 7, severity: 'error', rule: 'V-66', related: ['N-82'], section: 'MIGRATION.md#write-is-legacy', requests: ['POST /upload (chunked)'] },
  ] as const;

  it.each(planted)('mistake $mistake: $rule ($related) → $section, seen on $requests', ({ mistake: _, ...expected }) => {
    expect(summary(report)).toContainEqual({ ...expected, related: [...expected.related], requests: [...expected.requests] });
  });

  it('finds exactly the planted mistakes and nothing else (6 errors, 1 warning)', () => {
    const expected = planted.map(({ mistake: _, ...p }) => ({ ...p, related: [...p.related], requests: [...p.requests] }));
    expect(summary(report)).toEqual(expect.arrayContaining(expected));
    expect(report.problems).toHaveLength(planted.length);
    expect(report.summary).toEqual({ errors: 6, warnings: 1, requests: 8 });
  });

  it('N-9/V-70: one mistake on two requests is one problem, the lifecycle id kept beside the validator id', () => {
    const chunks = report.problems.filter((p) => p.rule === 'V-70' || p.rule === 'N-9');
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.message).toMatch(/^the body yielded "Hello World\\n"/);
  });

  it('C-33: names the mojibake and the path the client meant', () => {
    const tunnel = report.problems.find((p) => p.rule === 'C-33');
    expect(tunnel?.message).toContain('PATH_INFO was used as text');
    expect(tunnel?.message).toContain('"/cafÃ©"');
    expect(tunnel?.message).toContain('"/café"');
  });

  it('messages carry no rule id of their own (it is in the rule field)', () => {
    for (const p of report.problems) expect(p.message).not.toMatch(/^[A-Z]-\d+: |\([A-Z]-\d+\)$/);
  });

  it('formats one block per problem and a summary line', () => {
    const text = formatReport(report);
    expect(text).toContain('error V-70 (N-9) the body yielded "Hello World\\n"');
    expect(text).toContain('  seen on: GET /, HEAD /\n  fix: MIGRATION.md#body-chunks-are-bytes\n');
    expect(text.endsWith('6 errors, 1 warning in 8 requests\n')).toBe(true);
  });
});

describe('checkApp over the other examples', () => {
  it('examples/hello/native.mjs: no problems', async () => {
    const report = await checkApp(nativeHello, { flavour: 'native' });
    expect(report.problems).toEqual([]);
    expect(formatReport(report)).toBe('no problems found in 8 requests\n');
  });

  it('examples/legacy/greetings.mjs as legacy: no errors', async () => {
    const report = await checkApp(greetings, { flavour: 'legacy' });
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('N-9/V-70: examples/hello/legacy.mjs checked as native fails on every request → #body-chunks-are-bytes', async () => {
    const report = await checkApp(legacyHello, { flavour: 'native' });
    expect(summary(report)).toEqual([
      {
        severity: 'error',
        rule: 'V-70',
        related: ['N-9'],
        section: 'MIGRATION.md#body-chunks-are-bytes',
        requests: CHECK_REQUESTS.map((r) => r.label),
      },
    ]);
  });

  it('examples/hello/legacy.mjs as legacy: no problems', async () => {
    expect((await checkApp(legacyHello, { flavour: 'legacy' })).problems).toEqual([]);
  });
});

describe('checkApp: sources of problems', () => {
  it('V-94/B-1: a bytes app returning body-first → #the-response-order-in-web3', async () => {
    const app = (await import(appFile(BODY_FIRST_BYTES_APP))).default;
    const report = await checkApp(app, { flavour: 'bytes' });
    expect(summary(report)).toEqual([
      {
        severity: 'error',
        rule: 'V-94',
        related: ['B-1'],
        section: 'MIGRATION.md#the-response-order-in-web3',
        requests: CHECK_REQUESTS.map((r) => r.label),
      },
    ]);
  });

  it('V-33: a W-row of the rules table is a warning, though warn mode reports E-rows the same way', async () => {
    const app = (await import(appFile(NO_CONTENT_TYPE_APP))).default;
    const report = await checkApp(app, { flavour: 'native' });
    expect(summary(report)).toEqual([
      { severity: 'warning', rule: 'V-33', related: [], section: 'MIGRATION.md#charsets-say-which-one', requests: CHECK_REQUESTS.map((r) => r.label) },
    ]);
  });

  it("'app': any other error the app throws is an error under rule 'app', with its message", async () => {
    const report = await checkApp(
      () => {
        throw new RangeError('no database');
      },
      { flavour: 'native', requests: CHECK_REQUESTS.slice(0, 1) },
    );
    expect(report.problems).toEqual([
      { severity: 'error', rule: 'app', related: [], message: 'the app failed with RangeError: no database', requests: ['GET /'], section: 'MIGRATION.md#checklist' },
    ]);
  });

  it("'app': a response that never ends is cut after the timeout and reported", async () => {
    const report = await checkApp(
      (_environ: unknown, startResponse: (status: string, headers: [string, string][]) => unknown) => {
        startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
        return (async function* forever() {
          yield Buffer.from('a');
          await new Promise(() => {});
        })();
      },
      { flavour: 'native', requests: CHECK_REQUESTS.slice(0, 1), timeout: 100 },
    );
    expect(report.problems.map((p) => [p.rule, p.severity])).toEqual([['app', 'error']]);
    expect(report.problems[0]?.message).toContain('did not end in time');
  });

  it('a row of mixed severity takes the severity of the part that failed (Content-Type twice: warning; Content-Length twice: error)', () => {
    expect(severityOf({ rule: 'V-60', message: 'V-60: 2 Content-Type headers; send exactly one', flavour: 'native' })).toBe('warning');
    expect(severityOf({ rule: 'V-60', message: 'V-60: 2 Content-Length headers; send exactly one', flavour: 'native' })).toBe('error');
    expect(severityOf({ rule: 'V-99', message: 'V-99: the body ended after 0 bytes but Content-Length declared 3; …', flavour: 'bytes' })).toBe('warning');
    expect(severityOf({ rule: 'V-99', message: 'V-99: a body chunk brings the response body to 4 bytes, …', flavour: 'bytes' })).toBe('error');
  });
});

describe('tsgi check (main)', () => {
  it('exits 0 for an app without problems', async () => {
    const { code, stdout } = await runMain(['check', example('hello/native.mjs')]);
    expect(code).toBe(0);
    expect(stdout).toBe('no problems found in 8 requests\n');
  });

  it('exits 0 when there are only warnings (V-33)', async () => {
    const { code, stdout } = await runMain(['check', appFile(NO_CONTENT_TYPE_APP)]);
    expect(code).toBe(0);
    expect(stdout).toContain('warning V-33');
  });

  it('exits 1 when it finds an error, and prints the blocks and the summary', async () => {
    const { code, stdout } = await runMain(['check', example('bad/app.mjs')]);
    expect(code).toBe(1);
    expect(stdout).toContain('error V-70 (N-9) the body yielded "Hello World\\n"');
    expect(stdout).toContain('  fix: MIGRATION.md#the-path_info-tunnel\n');
    expect(stdout).toMatch(/\n6 errors, 1 warning in 8 requests\n$/);
  });

  it('--flavour legacy: the legacy greetings exit 0', async () => {
    expect((await runMain(['check', example('legacy/greetings.mjs'), '--flavour', 'legacy'])).code).toBe(0);
  });

  it('exits 3 when the app cannot be loaded', async () => {
    const { code, stderr } = await runMain(['check', join(tmpdir(), 'tsgi-no-such-app.mjs')]);
    expect(code).toBe(3);
    expect(stderr).toContain('no such file');
  });

  it('exits 2 on a usage error', async () => {
    expect((await runMain(['check', example('bad/app.mjs'), '--flavour', 'text'])).code).toBe(2);
    expect((await runMain(['check'])).code).toBe(2);
  });

  it('--json prints the report as JSON and nothing else on stdout, even when the app logs', async () => {
    // process.stdout.write, not console.log: vitest takes console output over in tests.
    const logging = appFile(`
      process.stdout.write('loading\\n');
      export default function app(environ, startResponse) {
        process.stdout.write('request ' + environ.PATH_INFO + '\\n');
        startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
        return ['oops'];
      }`);
    const { code, stdout, stderr } = await runMain(['check', logging, '--json']);
    expect(code).toBe(1);
    expect(stderr).toContain('loading\n');
    expect(stderr).toContain('request /upload\n');
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(report).sort()).toEqual(['app', 'flavour', 'problems', 'requests', 'summary']);
    expect(report).toMatchObject({
      flavour: 'native',
      requests: CHECK_REQUESTS.map((r) => r.label),
      summary: { errors: 1, warnings: 0, requests: 8 },
      problems: [
        {
          severity: 'error',
          rule: 'V-70',
          related: ['N-9'],
          message: expect.stringContaining('the body yielded "oops"') as unknown,
          requests: CHECK_REQUESTS.map((r) => r.label),
          section: 'MIGRATION.md#body-chunks-are-bytes',
        },
      ],
    });
  });
});

describe('check sections', () => {
  it('headingSlug makes GitHub anchors', () => {
    expect(headingSlug('write() is legacy')).toBe('write-is-legacy');
    expect(headingSlug('excInfo: changing your mind')).toBe('excinfo-changing-your-mind');
    expect(headingSlug('The PATH_INFO tunnel')).toBe('the-path_info-tunnel');
    expect(headingSlug('Hop-by-hop headers belong to the server')).toBe('hop-by-hop-headers-belong-to-the-server');
  });

  it('a bytes header problem goes to the section for what it says: hop-by-hop, Content-Length, or a value', () => {
    expect(sectionFor('V-96', 'header b"Connection" is hop-by-hop')).toBe('MIGRATION.md#hop-by-hop-headers-belong-to-the-server');
    expect(sectionFor('V-96', '2 Content-Length headers; send exactly one')).toBe('MIGRATION.md#content-length-counts-bytes');
    expect(sectionFor('V-96', 'header b"X" value holds the control byte 0x01')).toBe('MIGRATION.md#headers-are-latin-1');
    expect(sectionFor('X-1')).toBe('MIGRATION.md#checklist');
  });

  it('every anchor check uses is a heading of MIGRATION.md', () => {
    let fenced = false;
    const headings: string[] = [];
    for (const line of readFileSync(join(root, MIGRATION_FILE), 'utf8').split('\n')) {
      // A "# comment" inside a code block is no heading.
      if (line.startsWith('```')) fenced = !fenced;
      else if (!fenced && /^#{1,6} /.test(line)) headings.push(headingSlug(line.replace(/^#+ /, '')));
    }
    const missing = allAnchors().filter((anchor) => !headings.includes(anchor));
    expect(missing).toEqual([]);
  });
});

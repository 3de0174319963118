/**
 * iconv-lite is loaded only when a charset needs it (src/codecs/iconv.ts): UTF-8 and latin-1, and
 * label lookups, must not pay the ~7 ms it costs a CGI process per request. Checked in a fresh
 * process running the built package, since the test runner has long since loaded iconv-lite
 * itself; the Shift_JIS case shows that the check can fail.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Options } from 'tsup';
import { afterAll, describe, expect, it } from 'vitest';
import tsupConfig from '../../tsup.config';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** What the child reports: whether iconv-lite was in the module cache after each step. */
interface Report {
  afterImport: boolean;
  afterCommon: boolean;
  common: unknown[];
  afterShiftJis: boolean;
  shiftJis: { hex: string; text: string };
}

// The steps, as source shared by the ESM and CJS children; `codecs` is the imported module and
// `loaded()` looks for iconv-lite among the files Node's CJS loader has loaded (createRequire and
// `import` of a CommonJS package both go through it).
const STEPS = `
  const loaded = () => Object.keys(require.cache).some((f) => /[\\\\/]node_modules[\\\\/]iconv-lite[\\\\/]/.test(f));
  const report = { afterImport: loaded() };
  const utf8 = codecs.encodeText('h\\u00e9llo \\u20ac', 'utf-8');
  const latin1 = codecs.encodeText('caf\\u00e9', 'iso-8859-1');
  report.common = [
    utf8.toString('hex'),
    codecs.decodeText(utf8, 'UTF-8'),
    latin1.toString('hex'),
    codecs.decodeText(latin1, 'latin1'),
    codecs.decodeText(new Uint8Array([0x41, 0xff]), 'utf-8', 'replace'),
    codecs.normalizeCharset('Shift-JIS'),
    codecs.isCharsetSupported('gb18030'),
    codecs.charsetOf('text/plain; charset="EUC-KR"'),
  ];
  report.afterCommon = loaded();
  const sjis = codecs.encodeText('\\u3053\\u3093\\u306b\\u3061\\u306f', 'shift_jis');
  report.shiftJis = { hex: sjis.toString('hex'), text: codecs.decodeText(sjis, 'shift_jis') };
  report.afterShiftJis = loaded();
  console.log(JSON.stringify(report));
`;

function run(args: string[]): Report {
  const out = execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as Report;
}

function expectLazy(report: Report): void {
  expect(report.common).toEqual([
    '68c3a96c6c6f20e282ac',
    'h\u00e9llo \u20ac',
    '636166e9',
    'caf\u00e9',
    'A\uFFFD',
    'shift_jis',
    true,
    'euc-kr',
  ]);
  expect(report.afterImport).toBe(false);
  expect(report.afterCommon).toBe(false);
  expect(report.shiftJis).toEqual({ hex: '82b182f182c982bf82cd', text: '\u3053\u3093\u306b\u3061\u306f' });
  expect(report.afterShiftJis).toBe(true);
}

describe('iconv-lite is loaded lazily', () => {
  it('ESM (tsgi/codecs from dist/): not for UTF-8, latin-1 or labels; on the first Shift_JIS', () => {
    const source = `
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const codecs = await import('tsgi/codecs');
      ${STEPS}`;
    expectLazy(run(['--input-type=module', '-e', source]));
  });

  // The global setup builds ESM only, so the CJS build is made here, with the library options of
  // tsup.config.ts: without its `shims`, the .cjs would contain `import.meta` and not even parse.
  // It goes to a directory with a '#' in its name and its own node_modules, where a file URL made
  // without escaping (tsup's import.meta.url shim) would look for iconv-lite in the wrong place.
  let dir: string | undefined;
  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("CJS (tsup.config.ts options, '#' in the path): the same", async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsgi-lazy-iconv#'));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const [library] = tsupConfig as Options[];
    await build({
      ...library,
      entry: { 'codecs/index': 'src/codecs/index.ts' },
      format: ['cjs'],
      outDir: join(dir, 'dist'),
      dts: false,
      sourcemap: false,
      clean: false,
      silent: true,
      config: false,
    });
    const source = `
      const codecs = require(${JSON.stringify(join(dir, 'dist', 'codecs', 'index.cjs'))});
      ${STEPS}`;
    expectLazy(run(['-e', source]));
  });
});

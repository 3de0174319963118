/**
 * Vitest global setup: rebuild dist/ (ESM only, no declarations) before the tests that spawn
 * real processes. Those processes run the built code, and examples import `tsgi/native`, which
 * Node resolves to dist/ through the package's own exports; a stale dist would test old code.
 */
import { build, type Options } from 'tsup';

const shared: Options = {
  format: ['esm'],
  outDir: 'dist',
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  dts: false,
  clean: false,
  silent: true,
  // As in tsup.config.ts, so that this ESM build matches the published one: it defines
  // __filename where code uses it (src/codecs/iconv.ts).
  shims: true,
  // The config file would add CJS and declarations; the tests need neither.
  config: false,
};

export default async function buildDist(): Promise<void> {
  await build({
    ...shared,
    entry: {
      index: 'src/index.ts',
      'native/index': 'src/native/index.ts',
      'bytes/index': 'src/bytes/index.ts',
      'codecs/index': 'src/codecs/index.ts',
      'server/index': 'src/server/index.ts',
    },
    splitting: true,
  });
  await build({ ...shared, entry: { cli: 'src/cli.ts' }, banner: { js: '#!/usr/bin/env node' } });
}

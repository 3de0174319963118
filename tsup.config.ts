import { defineConfig } from 'tsup';

const shared = {
  sourcemap: true,
  target: 'node20',
  platform: 'node',
} as const;

export default defineConfig([
  // One entry per subpath export (DESIGN.md "Layout"): a CGI user must not load node:http.
  {
    ...shared,
    entry: {
      index: 'src/index.ts',
      'native/index': 'src/native/index.ts',
      'bytes/index': 'src/bytes/index.ts',
      'codecs/index': 'src/codecs/index.ts',
      'server/index': 'src/server/index.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    splitting: true,
    // src/codecs/iconv.ts loads iconv-lite lazily with createRequire(__filename or
    // import.meta.url). Without shims the .cjs files would keep `import.meta`, a syntax error in
    // CommonJS; with them CJS gets import.meta.url and ESM gets __filename.
    shims: true,
  },
  // The `tsgi` command: an executable ESM file.
  {
    ...shared,
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    banner: { js: '#!/usr/bin/env node' },
    clean: false,
  },
]);

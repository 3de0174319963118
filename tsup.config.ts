import { defineConfig } from 'tsup';

// One entry per subpath export (DESIGN.md "Layout"): a CGI user must not load node:http.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'native/index': 'src/native/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: true,
  target: 'node20',
  platform: 'node',
});

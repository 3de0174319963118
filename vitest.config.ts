import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(`./src/${p}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Examples and MIGRATION.md import the package by name; tests run them against the source.
    alias: [
      { find: /^tsgi$/, replacement: src('index.ts') },
      { find: /^tsgi\/(.*)$/, replacement: src('$1/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/build-dist.ts'],
    pool: 'forks',
    testTimeout: 20_000,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{functions,shared,local,bench,test}/**/*.test.ts'],
    // The fault suite stops emulators for a minute at a time: `npm run test:faults` (vitest.faults.config.ts).
    exclude: ['**/node_modules/**', 'test/faults/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // `npm run test:coverage` (and the pipeline) turn this on; the plant's maintainability bar is 80 % of lines.
    coverage: {
      provider: 'v8',
      include: ['functions/**/*.ts', 'shared/**/*.ts'],
      exclude: ['**/*.test.ts', '**/cli.ts'],
      reporter: ['text-summary', 'cobertura', 'html'],
      reportsDirectory: 'reports/coverage',
      thresholds: { lines: 80, statements: 80 },
    },
  },
});

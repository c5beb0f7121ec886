import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{functions,shared,local,bench,test,web}/**/*.test.ts'],
    // The fault suite stops emulators for a minute at a time: `npm run test:faults` (vitest.faults.config.ts).
    exclude: ['**/node_modules/**', 'test/faults/**'],
    // Many tests start processes (emulators, a devhost under tsx) on two cores; the limits are guards against a hang,
    // wide enough that a machine busy with other work does not fail a test that is only slow.
    testTimeout: 90_000,
    hookTimeout: 120_000,
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

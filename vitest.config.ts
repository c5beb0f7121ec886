import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{functions,shared,local,bench,test,web}/**/*.test.ts'],
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

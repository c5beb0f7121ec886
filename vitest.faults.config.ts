import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * `npm run test:faults`: the fault suite (test/faults), which kills emulators and stops them for a minute at a time,
 * so it runs on its own (from .ci/run after `npm test`) rather than in every `npm test`; one file at a time.
 */
export default defineConfig({
  test: {
    ...base.test,
    include: ['test/faults/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 15 * 60_000,
    fileParallelism: false,
  },
});

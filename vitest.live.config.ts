import { defineConfig } from 'vitest/config';

/** Live tests talk to the real Google and Slack APIs; each skips itself without credentials. */
export default defineConfig({
  test: {
    include: ['test/live/**/*.test.ts'],
    passWithNoTests: true,
    testTimeout: 60_000,
  },
});

import { defineConfig } from 'vitest/config';

/**
 * Live tests (CONFIG-02) talk to the real Gmail, Sheets, Slack and Anthropic APIs with the
 * service's own configuration; each suite skips itself, naming the variables it needs, when they
 * are not set. Never part of `npm test` (vitest.config.ts excludes test/live).
 */
export default defineConfig({
  test: {
    include: ['test/live/**/*.test.ts'],
    passWithNoTests: true,
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});

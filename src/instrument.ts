/**
 * The `--import` entry that starts Sentry before any other module loads, so its instrumentation
 * sees http, fetch and pino from the first request on:
 *
 *   node --import ./dist/src/instrument.js dist/src/cli/main.js serve
 *   node --import tsx --import ./src/instrument.ts src/cli/main.ts serve     (from source)
 *
 * Does nothing without SENTRY_DSN. An invalid configuration is left for the command to report.
 */
import { ConfigError, loadConfig } from './config.js';
import { initSentry, sentrySettingsFrom } from './observability/sentry.js';

try {
  initSentry(sentrySettingsFrom(loadConfig()));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
}

import type { Command } from './command.js';

/**
 * Each command's module is loaded only when it runs: `negotiator explain-price` does not load
 * Slack, Sentry and the rest of the service.
 */
export interface Entry {
  name: string;
  summary: string;
  load: () => Promise<Command>;
}

export const COMMANDS: Entry[] = [
  {
    name: 'serve',
    summary: 'run the agent and its HTTP endpoints until stopped',
    load: async () => (await import('./commands/serve.js')).runServe,
  },
  {
    name: 'explain-price',
    summary: 'print the pricing decision and its reasons ("why did the agent offer $X?")',
    load: async () => (await import('./commands/explain-price.js')).runExplainPrice,
  },
  {
    name: 'audit',
    summary: 'show the audit trail: every transition and email, by influencer, campaign and date',
    load: async () => (await import('./commands/audit.js')).runAudit,
  },
  {
    name: 'migrate',
    summary: 'apply database migrations to DATABASE_PATH (also done at every start)',
    load: async () => (await import('./commands/migrate.js')).runMigrate,
  },
  {
    name: 'check-config',
    summary: 'validate the environment, config/*.yaml and the credentials, reporting every problem',
    load: async () => (await import('./commands/check-config.js')).runCheckConfig,
  },
  {
    name: 'backup',
    summary: 'copy the database to a file while the service runs, verified (integrity_check)',
    load: async () => (await import('./commands/backup.js')).runBackup,
  },
  {
    name: 'demo',
    summary: 'run the agent end to end against local emulators: seven personas, no credentials',
    load: async () => (await import('./commands/demo.js')).runDemoCommand,
  },
  {
    name: 'sandbox',
    summary: 'run local emulators of every external service and print the environment for them',
    load: async () => (await import('./commands/sandbox.js')).runSandbox,
  },
  {
    name: 'parse-email',
    summary: "show how the agent reads an email file: addresses, ids and the sender's latest reply",
    load: async () => (await import('./commands/parse-email.js')).runParseEmail,
  },
  {
    name: 'check-draft',
    summary: 'run the validation gate on a draft email (exit 1 when it fails)',
    load: async () => (await import('./commands/check-draft.js')).runCheckDraft,
  },
];

/** Startup safety checks: what `negotiator serve` and `negotiator check-config` call. */
export {
  assertStartupCredentials,
  blockingProblems,
  type CheckCredentialsOptions,
  checkCredentials,
} from './credentials.js';
export {
  CONFIG_EXIT_CODE,
  type CredentialPass,
  type CredentialProblem,
  type CredentialReport,
  formatReport,
  scrubSecrets,
} from './report.js';

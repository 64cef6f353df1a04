export { type GmailPushDeps, gmailPushRoutes, type MailboxChange } from './gmail.js';
export {
  createPushVerifier,
  PushAuthConfigError,
  type PushAuthResult,
  type PushCredentials,
  type PushVerifier,
  type PushVerifierOptions,
  pushConfigured,
  pushVerifierFromConfig,
} from './push-auth.js';

/**
 * The mailbox's OAuth credentials, checked without calling Google: the three variables, or else
 * an `authorized_user` JSON file (the same precedence as `gmailCredentials` in src/mail). The
 * file's contents are never quoted: it holds the refresh token.
 */
import type { GmailCredentials } from '../adapters/gmail/mail-port.js';
import type { Config } from '../config.js';
import { readJsonFile } from './json-file.js';
import type { CredentialPass, CredentialProblem } from './report.js';

const WHAT = 'Gmail OAuth credentials';
const CLIENT_SUFFIX = '.apps.googleusercontent.com';
const NEW_TOKEN =
  'create an OAuth client (Google Cloud → APIs & Services → Credentials) and a refresh token for the team mailbox with the Gmail scope';

export interface GmailCheck {
  problems: CredentialProblem[];
  passed: CredentialPass[];
  /** Set when the credentials look usable: what the live check signs in with. */
  credentials?: GmailCredentials;
}

export function checkGmailCredentials(config: Config): GmailCheck {
  const { clientId, credentialsFile } = config.gmail;
  const secret = config.secrets.GMAIL_CLIENT_SECRET;
  const refresh = config.secrets.GMAIL_REFRESH_TOKEN;
  if (clientId && secret && refresh)
    return fromParts(
      { clientId, clientSecret: secret, refreshToken: refresh },
      'GMAIL_CLIENT_ID, GMAIL_CLIENT_SECRET and GMAIL_REFRESH_TOKEN',
    );
  if (credentialsFile) return fromFile(credentialsFile);
  const missing = [
    ...(clientId ? [] : ['GMAIL_CLIENT_ID']),
    ...(secret ? [] : ['GMAIL_CLIENT_SECRET']),
    ...(refresh ? [] : ['GMAIL_REFRESH_TOKEN']),
  ];
  const some = missing.length < 3;
  return {
    passed: [],
    problems: [
      {
        what: `${WHAT} (${missing.join(', ')})`,
        problem: some
          ? `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set (and there is no GMAIL_CREDENTIALS_FILE)`
          : 'not configured: neither GMAIL_CLIENT_ID/GMAIL_CLIENT_SECRET/GMAIL_REFRESH_TOKEN nor GMAIL_CREDENTIALS_FILE is set',
        fix: `set ${missing.join(', ')}, or point GMAIL_CREDENTIALS_FILE at an authorized_user JSON file (client_id, client_secret, refresh_token); to get them, ${NEW_TOKEN}`,
      },
    ],
  };
}

function fromParts(credentials: GmailCredentials, source: string): GmailCheck {
  if (!credentials.clientId.endsWith(CLIENT_SUFFIX))
    return {
      passed: [],
      problems: [
        {
          what: `${WHAT} (client id from ${source.split(',')[0]})`,
          problem: `the client id does not end with ${CLIENT_SUFFIX}`,
          fix: `copy the OAuth client's "Client ID" (…${CLIENT_SUFFIX}), not its secret or project number`,
        },
      ],
    };
  return {
    problems: [],
    passed: [
      { what: WHAT, detail: `client ${credentials.clientId} with a refresh token (${source})` },
    ],
    credentials,
  };
}

function fromFile(file: string): GmailCheck {
  const what = `${WHAT} file ${file} (GMAIL_CREDENTIALS_FILE)`;
  const problem = (text: string, fix: string): GmailCheck => ({
    passed: [],
    problems: [{ what, problem: text, fix }],
  });
  const read = readJsonFile(file, {
    missing:
      'create the file, or fix GMAIL_CREDENTIALS_FILE (relative paths start at the project root)',
    invalid: `write it again as {"type":"authorized_user","client_id":…,"client_secret":…,"refresh_token":…}`,
  });
  if (!read.ok) return problem(read.problem, read.fix);
  const record = (read.json ?? {}) as Record<string, unknown>;
  if (record.installed || record.web)
    return problem(
      'is an OAuth client file (client_secret.json): it has no refresh token',
      `run the OAuth consent flow once for the mailbox and save client_id, client_secret and the refresh_token as an authorized_user file`,
    );
  if (record.type === 'service_account')
    return problem(
      'is a service-account key; Gmail needs the mailbox owner’s OAuth refresh token',
      `use an authorized_user file; the service-account key belongs in GOOGLE_SERVICE_ACCOUNT_FILE`,
    );
  const missing = ['client_id', 'client_secret', 'refresh_token'].filter(
    (field) => typeof record[field] !== 'string' || (record[field] as string).trim() === '',
  );
  if (missing.length > 0)
    return problem(
      `lacks ${missing.join(', ')}`,
      `add ${missing.join(', ')} to the file; to get them, ${NEW_TOKEN}`,
    );
  const check = fromParts(
    {
      clientId: String(record.client_id).trim(),
      clientSecret: String(record.client_secret).trim(),
      refreshToken: String(record.refresh_token).trim(),
    },
    'GMAIL_CREDENTIALS_FILE',
  );
  return check;
}

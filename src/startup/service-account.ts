/**
 * The Sheets service-account key (GOOGLE_SERVICE_ACCOUNT_FILE), checked without calling Google:
 * readable, JSON, a `service_account` key with `client_email`, `token_uri` and a `private_key`
 * that node:crypto can load. Every missing or broken field is reported at once; no value from the
 * file is ever quoted except the account's address, which operators need to share the sheet.
 */
import { createPrivateKey } from 'node:crypto';
import { readJsonFile } from './json-file.js';
import type { CredentialPass, CredentialProblem } from './report.js';

const DOWNLOAD =
  'download a new JSON key: Google Cloud → IAM & Admin → Service Accounts → the account → Keys → Add key → JSON';

export interface ServiceAccountCheck {
  problems: CredentialProblem[];
  passed: CredentialPass[];
  /** Set when the key looks usable. */
  account?: { email: string; privateKey: string };
}

export function checkServiceAccountFile(file: string | undefined): ServiceAccountCheck {
  if (!file)
    return {
      passed: [],
      problems: [
        {
          what: 'Sheets service-account key (GOOGLE_SERVICE_ACCOUNT_FILE)',
          problem: 'not set: the influencer sheet cannot be read',
          fix: `set GOOGLE_SERVICE_ACCOUNT_FILE to the key file's path (e.g. on the data volume); to get one, ${DOWNLOAD}`,
        },
      ],
    };
  const what = `Sheets service-account key ${file} (GOOGLE_SERVICE_ACCOUNT_FILE)`;
  const fail = (problem: string, fix: string): ServiceAccountCheck => ({
    passed: [],
    problems: [{ what, problem, fix }],
  });
  const read = readJsonFile(file, {
    missing: `put the key there or fix the path; to get a key, ${DOWNLOAD}`,
    invalid: DOWNLOAD,
  });
  if (!read.ok) return fail(read.problem, read.fix);
  const { json } = read;
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return fail('is not a JSON object', DOWNLOAD);
  const key = json as Record<string, unknown>;
  const problems = fieldProblems(key).map((problem) => ({
    what,
    problem,
    fix: DOWNLOAD,
  }));
  if (problems.length > 0) return { passed: [], problems };
  const email = key.client_email as string;
  return {
    problems: [],
    passed: [{ what: 'Sheets service-account key', detail: `${email} (share the sheet with it)` }],
    account: { email, privateKey: key.private_key as string },
  };
}

function fieldProblems(key: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const text = (field: string) =>
    typeof key[field] === 'string' && (key[field] as string).trim() !== ''
      ? (key[field] as string)
      : undefined;
  if (key.type !== 'service_account')
    problems.push(
      key.type === undefined
        ? 'has no "type" field (expected "service_account")'
        : `"type" is ${JSON.stringify(String(key.type)).slice(0, 40)}, not "service_account"`,
    );
  const email = text('client_email');
  if (!email) problems.push('has no "client_email"');
  else if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
    problems.push('"client_email" is not an email address');
  const tokenUri = text('token_uri');
  if (!tokenUri) problems.push('has no "token_uri"');
  else if (!/^https?:\/\//.test(tokenUri)) problems.push('"token_uri" is not a URL');
  const privateKey = text('private_key');
  if (!privateKey) problems.push('has no "private_key"');
  else if (!loadsAsPrivateKey(privateKey))
    problems.push('"private_key" is not a PEM private key that can be loaded');
  return problems;
}

function loadsAsPrivateKey(pem: string): boolean {
  try {
    // OpenSSL's error would say why, but says nothing useful to an operator and is not worth the risk.
    return createPrivateKey(pem).type === 'private';
  } catch {
    return false;
  }
}

/**
 * The service-account key file (GOOGLE_SERVICE_ACCOUNT_FILE), read and checked once at startup.
 * Messages name the file and the field, never a value: the file holds a private key.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { PermanentError } from '../../domain/errors.js';

export interface ServiceAccount {
  /** Who the sheet must be shared with; safe to show to operators. */
  email: string;
  privateKey: string;
}

const keySchema = z.object({
  type: z.literal('service_account').optional(),
  client_email: z.email(),
  private_key: z.string().includes('PRIVATE KEY', { message: 'must be a PEM private key' }),
});

export function readServiceAccount(file: string): ServiceAccount {
  const what = `Google service-account key file ${file} (GOOGLE_SERVICE_ACCOUNT_FILE)`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'unknown error'})`;
    throw new PermanentError(`${what} ${reason}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the error, which may be the key itself.
    throw new PermanentError(`${what} is not valid JSON: download the key again from Google Cloud`);
  }
  const parsed = keySchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map(
      (i) => `${i.path.join('.') || '(top level)'}: ${i.message}`,
    );
    throw new PermanentError(`${what} is not a service-account key: ${fields.join('; ')}`);
  }
  return { email: parsed.data.client_email, privateKey: parsed.data.private_key };
}

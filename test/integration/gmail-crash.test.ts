/**
 * A real process killed between Gmail accepting a reply and the agent recording it: after the
 * restart the outbox row is reconciled by its Message-ID and no second email goes out.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { type GoogleEmulator, startGoogleEmulator } from '../../src/sandbox/google/emulator.js';
import { headerValue } from '../../src/sandbox/google/mime.js';
import { tempDatabasePath } from '../support/runtime.js';

const TEAM = 'team@brand.test';
let google: GoogleEmulator;
const children: ChildProcess[] = [];

beforeAll(async () => {
  google = await startGoogleEmulator({ mailbox: TEAM });
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await google.close();
});

function child(dbPath: string): ChildProcess {
  const process_ = spawn(
    process.execPath,
    ['--import', 'tsx', join('test', 'support', 'mail-crash-child.ts'), dbPath],
    {
      cwd: projectRoot(),
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        PATH: process.env.PATH ?? '',
        NO_PROXY: '127.0.0.1,localhost',
        GOOGLE_API_URL: google.rootUrl,
        GOOGLE_TOKEN_URL: google.tokenUrl,
        GMAIL_CLIENT_ID: google.identity.clientId,
        GMAIL_CLIENT_SECRET: google.identity.clientSecret,
        GMAIL_REFRESH_TOKEN: google.identity.refreshToken,
      },
    },
  );
  children.push(process_);
  return process_;
}

const exited = (p: ChildProcess) =>
  new Promise<NodeJS.Signals | number | null>((resolve) =>
    p.once('exit', (code, signal) => resolve(signal ?? code)),
  );

const agentSent = () =>
  google.mailbox
    .all()
    .filter((m) => /@negotiator\./.test(headerValue(m.payload.headers, 'Message-ID') ?? ''));

describe('gmail crash between send and record', () => {
  it('sends exactly one email across a SIGKILL mid-send', async () => {
    google.mailbox.send(
      [
        `From: Team <${TEAM}>`,
        'To: ada@creators.test',
        'Subject: Collab',
        'Message-ID: <outreach@brand.test>',
        '',
        'Hi Ada!',
      ].join('\r\n'),
    );
    google.mailbox.deliver({
      from: 'Ada <ada@creators.test>',
      subject: 'Re: Collab',
      text: 'My rate is $1,800.',
      inReplyTo: '<outreach@brand.test>',
      references: '<outreach@brand.test>',
    });
    // Gmail takes the message, the answer never comes, and the process dies right then.
    google.faults.set('messages.send', { sequence: ['lost'] });
    const path = tempDatabasePath();
    const first = child(path);
    const unsubscribe = google.mailbox.subscribe((m) => {
      if (m.labelIds.includes('SENT') && agentSent().length > 0) first.kill('SIGKILL');
    });
    expect(await exited(first)).toBe('SIGKILL');
    unsubscribe();
    expect(agentSent()).toHaveLength(1);
    const db = new Database(path, { readonly: true });
    const row = () =>
      db.prepare("select status from outbox where kind = 'sendEmail'").get() as
        | { status: string }
        | undefined;
    expect(row()?.status).toBe('in_flight');

    const second = child(path);
    const deadline = Date.now() + 30_000;
    while (row()?.status !== 'done' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    second.kill('SIGTERM');
    await exited(second);
    expect(row()?.status).toBe('done');
    expect(agentSent()).toHaveLength(1);
    const recorded = db
      .prepare("select count(*) as n from emails where direction = 'out'")
      .get() as { n: number };
    expect(recorded.n).toBe(1);
    const transitions = db
      .prepare("select count(*) as n from transitions where event_type = 'EMAIL_SENT'")
      .get() as { n: number };
    expect(transitions.n).toBe(1);
    db.close();
  }, 60_000);
});

/**
 * `negotiator serve` as production runs it: a real child process against the sandbox (every SDK
 * over real HTTP/WebSocket, a real SQLite file). SIGTERM arrives while influencers are replying,
 * pushes are arriving and effects are running: the process answers what it took, exits 0, and
 * a restart finishes every negotiation with no email sent twice and exactly one agreement alert
 * per agreed deal. A second signal during a stop exits at once.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { describeEmail } from '../../src/sandbox/control.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { startEmulator } from '../../src/sandbox/server.js';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sandbox: Sandbox;
let port: number;

beforeAll(async () => {
  // The service's port must be known to the sandbox (it pushes there): reserve one first.
  const probe = await startEmulator(new Hono());
  port = probe.port;
  await probe.close();
  sandbox = await startSandbox({ servicePort: port, seed: 7 });
});
afterAll(async () => {
  await sandbox?.close();
});

function serve(extra: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join('src', 'cli', 'main.ts'), 'serve'],
    {
      cwd: projectRoot(),
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ...sandbox.env(),
        REVIEW_MODE: 'false',
        LOG_LEVEL: 'info',
        SHUTDOWN_TIMEOUT_MS: '10000',
        ...extra,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n')));
  child.stderr?.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

/** Polls a real condition (the child works asynchronously), failing with `what` after `ms`. */
async function until(what: string, check: () => boolean | Promise<boolean>, ms = 30_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const ready = async () => {
  try {
    return (await fetch(`http://127.0.0.1:${port}/ready`)).status === 200;
  } catch {
    return false;
  }
};

const sent = () =>
  sandbox.google.mailbox
    .all()
    .filter((m) => m.labelIds.includes('SENT'))
    .map(describeEmail)
    // The outreach the personas answer is the team's own, written by the sandbox.
    .filter((m) => !m.messageId?.startsWith('<outreach-'));
const agreements = () =>
  sandbox.slack.messages('C0DEALS').filter((m) => m.text.startsWith('Deal agreed'));

async function stopped(run: ReturnType<typeof serve>, signal: NodeJS.Signals = 'SIGTERM') {
  run.child.kill(signal);
  return run.exited;
}

describe('negotiator serve in a child process', () => {
  it('stops on SIGTERM mid-burst with exit 0; a restart finishes everything exactly once', async () => {
    const first = serve();
    await until('the service to be ready', ready);
    const personas = ['accepts-first', 'haggler', 'firm', 'question-first'];
    for (const id of personas) sandbox.personas.start(id, {});
    // A burst of extra push notifications (redelivered like Pub/Sub's when refused).
    for (let i = 0; i < 20; i++) sandbox.pusher.notify(sandbox.google.mailbox.historyId());
    await until('the first email out', () => sent().length >= 1);
    expect(await stopped(first)).toBe(0);
    const log = first.lines.join('\n');
    expect(log).toContain('"msg":"stopping"');
    expect(log).toContain('"msg":"negotiator stopped"');

    const second = serve();
    await until('the service to be ready again', ready);
    // accepts-first and haggler agree, firm asks above the ceiling (people decide), the
    // question-first persona asks, is answered, and agrees.
    await until('three agreement alerts', () => agreements().length >= 3, 60_000);
    await until('the escalation', () =>
      sandbox.slack.messages('C0DEALS').some((m) => m.text.startsWith('Needs a decision on Kai')),
    );
    expect(await stopped(second)).toBe(0);

    const ids = sent().map((m) => m.messageId);
    expect(new Set(ids).size, `an email was sent twice: ${ids.join(' ')}`).toBe(ids.length);
    const keys = agreements().map((m) => m.metadata?.event_payload.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(
      agreements()
        .map((m) => m.text.split(' (')[0])
        .sort(),
    ).toEqual(['Deal agreed: Marco Rossi', 'Deal agreed: Priya Shah', 'Deal agreed: Zoë Laurent']);
  }, 120_000);

  it('exits at once on a second signal during the stop', async () => {
    const run = serve({ SHUTDOWN_TIMEOUT_MS: '60000' });
    await until('the service to be ready', ready);
    // Hold a model call open so the stop has something to wait for.
    sandbox.anthropic.faults.set('messages', { sequence: ['timeout'] });
    sandbox.personas.start('hostile', {});
    await until('a model call under way', () =>
      run.lines.some((l) => l.includes('message routed')),
    );
    run.child.kill('SIGTERM');
    await until('the stop to begin', () => run.lines.some((l) => l.includes('"msg":"stopping"')));
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(1);
    expect(run.lines.join('\n')).toContain('second signal');
  }, 60_000);

  it('starts without push settings: the webhook is off and a warning says why', async () => {
    const run = serve({ GMAIL_PUSH_AUDIENCE: '', GMAIL_PUSH_SERVICE_ACCOUNT: '' });
    await until('the service to be ready', ready);
    const push = await fetch(`http://127.0.0.1:${port}/webhooks/gmail`, { method: 'POST' });
    expect(push.status).toBe(404);
    expect(run.lines.join('\n')).toContain('Gmail push is off');
    expect(await stopped(run)).toBe(0);
  }, 60_000);

  it('exits 1 when a start fails after the mailbox reader and Slack are up (port taken)', async () => {
    const taken = await startEmulator(new Hono());
    try {
      const run = serve({ PORT: String(taken.port) });
      expect(await run.exited).toBe(1);
      expect(run.lines.join('\n')).toContain('EADDRINUSE');
    } finally {
      await taken.close();
    }
  }, 60_000);
});

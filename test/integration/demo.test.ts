/**
 * `negotiator demo` as a newcomer runs it: the command itself, the sandbox, the real service in a
 * child process, the whole cast. Each persona must reach its expected outcome with exactly one
 * agreement alert per deal and no email sent twice; in review mode every email waits for the
 * click the demo makes. The transcripts must show what happened.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemoCommand } from '../../src/cli/commands/demo.js';
import { CAST } from '../../src/demo/cast.js';
import { type DemoResult, runDemo } from '../../src/demo/run.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function demo(...args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'negotiator-demo-test-'));
  dirs.push(dir);
  let stdout = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  const code = await runDemoCommand.run(
    ['--out', join(dir, 'out'), '--json', join(dir, 'result.json'), ...args],
    {
      stdout: sink((t) => {
        stdout += t;
      }),
      stderr: sink(() => {}),
    },
  );
  const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as DemoResult;
  const transcript = (persona: string) => readFileSync(join(dir, 'out', `${persona}.md`), 'utf8');
  return { code, stdout, result, transcript };
}

describe('negotiator demo', () => {
  it('plays every persona to its expected outcome, each deal announced once', async () => {
    const { code, stdout, result, transcript } = await demo('--seed', '3');
    expect(result.problems).toEqual([]);
    expect(code).toBe(0);
    const byPersona = new Map(result.verdicts.map((v) => [v.personaId, v]));
    expect([...byPersona.keys()]).toEqual(CAST.map((r) => r.personaId));
    for (const role of CAST) {
      const verdict = byPersona.get(role.personaId);
      expect(verdict, role.personaId).toMatchObject({ outcome: role.expected, problems: [] });
      expect(verdict?.agreementAlerts, role.personaId).toBe(role.expected === 'agreed' ? 1 : 0);
    }
    // The firm persona was paid its own price, above the ceiling, only after a person approved.
    const firm = byPersona.get('firm');
    expect(firm?.cpmCents).toBeGreaterThan(firm?.ceilingCpmCents ?? Number.POSITIVE_INFINITY);
    expect(transcript('firm')).toMatch(/REPLY_CLASSIFIED \| counterReceived → escalated/);
    expect(transcript('firm')).toMatch(/COUNTER_APPROVED \| escalated → drafting/);
    // The ghost got one follow-up and went stale; the hostile one went to people.
    expect(byPersona.get('ghost')).toMatchObject({ followUps: 1, emailsSent: 2 });
    expect(transcript('ghost')).toMatch(/STALE_DUE \| awaitingReply → stale/);
    expect(transcript('hostile')).toContain('### postEscalation');
    // The manager negotiated for the creator in the sheet.
    expect(transcript('talent-manager')).toContain('noor@creators.test');
    // The final table names every influencer; a non-terminal stream gets plain lines.
    for (const v of result.verdicts) expect(stdout).toContain(v.influencer);
    expect(stdout).toMatch(/influencer +persona +rounds +outcome +agreed rate +CPM achieved/);
    expect(stdout).not.toContain('\x1b[');
    expect(stdout).toContain('Every negotiation ended as expected');
  }, 120_000);

  it('in review mode holds every email for approval and gets the same outcomes', async () => {
    const { code, result, transcript } = await demo('--review', '--seed', '5');
    expect(result.problems).toEqual([]);
    expect(code).toBe(0);
    expect(result.review).toBe(true);
    for (const role of CAST)
      expect(result.verdicts.find((v) => v.personaId === role.personaId)?.outcome).toBe(
        role.expected,
      );
    // Each email the haggler received was first posted for review and approved.
    const haggler = transcript('haggler');
    const approvals = haggler.match(/### requestApproval/g)?.length ?? 0;
    const sent = result.verdicts.find((v) => v.personaId === 'haggler')?.emailsSent ?? 0;
    expect(sent).toBeGreaterThan(0);
    expect(approvals).toBe(sent);
    expect(haggler).toMatch(/DRAFT_APPROVED \| awaitingApproval → sending/);
  }, 120_000);

  it('fails with the reason when the service cannot start, leaving nothing running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'negotiator-demo-test-'));
    dirs.push(dir);
    const result = await runDemo({
      outDir: dir,
      serve: { command: process.execPath, args: ['-e', 'process.exit(78)'] },
    });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(['negotiator serve exited with code 78 before it was ready']);
    expect(result.verdicts).toEqual([]);
  });

  it('refuses a bad option with exit 2 and starts nothing', async () => {
    await expect(
      runDemoCommand.run(['--seed', 'x'], { stdout: process.stdout, stderr: process.stderr }),
    ).rejects.toThrow(/--seed must be a whole number/);
  });
});

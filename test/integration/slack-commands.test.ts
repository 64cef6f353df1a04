/**
 * `/negotiation` end to end: the real Bolt app (createSlackApp) over Socket Mode against the
 * sandbox Slack, on a real SQLite runtime. Each command's private answer is read where Slack
 * shows it (the response_url's ephemeral message); takeover and resume are checked in the
 * transitions table.
 *
 * Longer than most files: every subcommand has its happy, refused and ambiguous cases.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SlackEmulator, startSlackEmulator } from '../../src/sandbox/slack/emulator.js';
import { gmailUrl } from '../../src/slack/blocks/describe.js';
import { negotiationInput } from '../support/negotiation.js';
import { recordingHandlers } from '../support/runtime.js';
import {
  CHANNEL,
  eventually,
  MAILBOX,
  type ManualClock,
  type Runtime,
  runtimeHelpers,
  startSlackStack,
} from '../support/slack.js';

const DAY = 86_400_000;

describe('/negotiation over Socket Mode', { timeout: 20_000 }, () => {
  let slack: SlackEmulator;
  let rt: Runtime;
  let clock: ManualClock;
  let stop: () => Promise<void>;

  beforeEach(async () => {
    ({ slack, rt, clock, stop } = await startSlackStack({
      handlers: recordingHandlers().handlers,
      startSlack: () =>
        startSlackEmulator({
          users: [
            { id: 'U0ALICE', name: 'alice' },
            { id: 'U0MALLORY', name: 'mallory' },
          ],
        }),
      logger: pino({ level: 'silent' }),
      allowedUsers: ['U0ALICE'],
    }));
  });

  afterEach(() => stop?.());

  const { sqlite, seqOf, transitionsAfter, transitionCount, drain } = runtimeHelpers(() => ({
    rt,
    clock,
  }));

  function campaign(id: string) {
    sqlite()
      .prepare(`insert into campaigns (id, source, client, name, deliverables_json,
        cpm_target_cents, leniency_bps, max_rounds, raw_json, created_at, updated_at)
        values (?, 'config', 'Acme', ?, '[]', 2000, 5000, 5, '{}', ?, ?)`)
      .run(id, `${id} launch`, clock.now(), clock.now());
  }

  /** A negotiation whose opening offer ($1,000) went out: awaiting the influencer's reply. */
  async function awaitingReply(
    id: string,
    influencer: { email: string; name: string; handle: string },
    campaignId: string,
  ) {
    rt.create({
      id,
      campaignId,
      threadId: `thread-${id}`,
      influencer: { ...influencer, platform: 'instagram' },
      input: negotiationInput({ negotiationId: id }),
    });
    rt.dispatch(id, { type: 'OFFER_REQUESTED' });
    await drain();
    expect(transitionsAfter(id, 0).map((m) => m.toState)).toEqual([
      'drafting',
      'sending',
      'awaitingReply',
    ]);
  }

  const ADA = { email: 'ada@creators.test', name: 'Ada Lovelace', handle: '@ada' };
  const BYRON = { email: 'byron@creators.test', name: 'Ada Byron', handle: '@byron' };
  const GRACE = { email: 'grace@creators.test', name: 'Grace Hopper', handle: '@grace' };

  async function seed() {
    campaign('spring');
    campaign('autumn');
    await awaitingReply('neg_ada', ADA, 'spring');
    await awaitingReply('neg_byron', BYRON, 'autumn');
    await awaitingReply('neg_grace_spring', GRACE, 'spring');
    await awaitingReply('neg_grace_autumn', GRACE, 'autumn');
  }

  /** Types the command and returns its private answer, once Slack shows it. */
  async function run(user: string, text: string) {
    const before = slack.ephemerals().length;
    await slack.slashCommand({ user, command: '/negotiation', text, channel: CHANNEL }).acked;
    await eventually(() => expect(slack.ephemerals()).toHaveLength(before + 1));
    const answer = slack.ephemerals().at(-1);
    expect(answer).toMatchObject({ user, channel: CHANNEL, source: 'response_url' });
    expect(slack.responses().filter((r) => r.error)).toEqual([]);
    return { text: answer?.text ?? '', blocks: answer?.blocks ?? [] };
  }

  describe('help and unknown subcommands', () => {
    it('help, and nothing typed, list every subcommand', async () => {
      for (const text of ['help', '']) {
        const answer = await run('U0ALICE', text);
        for (const sub of ['status', 'takeover', 'resume', 'audit', 'help'])
          expect(answer.text).toContain(`/negotiation ${sub}`);
      }
      expect(slack.messages(CHANNEL)).toEqual([]);
    });

    it('an unknown subcommand is named and answered with help; nothing changes', async () => {
      await seed();
      const before = transitionCount();
      const answer = await run('U0ALICE', 'approve neg_ada');
      expect(answer.text).toMatch(/^I don't know `approve`\./);
      expect(answer.text).toContain('/negotiation takeover');
      expect(transitionCount()).toBe(before);
    });
  });

  describe('status', () => {
    it('shows state, round, last offer, ask, who holds it and the Gmail thread', async () => {
      await seed();
      const answer = await run('U0MALLORY', 'status ada@creators.test');
      expect(answer.text).toContain('Ada Lovelace (@ada, ada@creators.test)');
      expect(answer.text).toContain('`neg_ada`');
      expect(answer.text).toContain('campaign `spring`');
      expect(answer.text).toContain('*State:* awaitingReply');
      expect(answer.text).toContain('*Round:* 1 of 5');
      expect(answer.text).toContain('*Last offer:* $1,000.00');
      expect(answer.text).toContain('*Their ask:* —');
      expect(answer.text).toContain('*Held by:* the agent');
      expect(answer.text).toContain(
        `<${gmailUrl(MAILBOX, 'thread-neg_ada')}|Open the Gmail thread>`,
      );
    });

    it('an exact handle beats a partial name; the id works too', async () => {
      await seed();
      // "ada" is @ada's handle, and part of "Ada Byron": the handle wins.
      expect((await run('U0ALICE', 'status ada')).text).toContain('`neg_ada`');
      expect((await run('U0ALICE', 'status @byron')).text).toContain('`neg_byron`');
      expect((await run('U0ALICE', 'status NEG_GRACE_AUTUMN')).text).toContain('campaign `autumn`');
    });

    it('an ambiguous name lists the candidates and does nothing', async () => {
      await seed();
      const before = transitionCount();
      const answer = await run('U0ALICE', 'status grace@creators.test');
      expect(answer.text).toMatch(/matches 2 negotiations; nothing was done/);
      expect(answer.text).toContain('`neg_grace_spring`');
      expect(answer.text).toContain('`neg_grace_autumn`');
      expect(transitionCount()).toBe(before);
    });

    it('a name that matches nothing says so', async () => {
      await seed();
      expect((await run('U0ALICE', 'status nobody@nowhere.test')).text).toMatch(
        /^No negotiation matches `nobody@nowhere\.test`/,
      );
    });
  });

  describe('takeover and resume', () => {
    it('takeover records HUMAN_TOOK_OVER by the person; status then names them; resume hands it back', async () => {
      await seed();
      const seq = seqOf('neg_ada');
      const taken = await run('U0ALICE', 'takeover @ada');
      expect(taken.text).toMatch(/^You hold the negotiation with Ada Lovelace .*`neg_ada`/);
      expect(taken.text).toContain('/negotiation resume neg_ada');
      const took = transitionsAfter('neg_ada', seq);
      expect(took.map(({ eventType, toState }) => ({ eventType, toState }))).toEqual([
        { eventType: 'HUMAN_TOOK_OVER', toState: 'humanControl' },
      ]);
      expect(JSON.parse(took[0]?.eventJson ?? '')).toEqual({
        type: 'HUMAN_TOOK_OVER',
        by: '<@U0ALICE>',
      });

      expect((await run('U0MALLORY', 'status neg_ada')).text).toContain(
        '*Held by:* <@U0ALICE> (taken over; the agent stays silent)',
      );

      const seqTaken = seqOf('neg_ada');
      const resumed = await run('U0ALICE', 'resume Ada Lovelace');
      expect(resumed.text).toContain('is back with the agent (humanControl → awaitingReply)');
      const back = transitionsAfter('neg_ada', seqTaken);
      expect(back.map(({ eventType, toState }) => ({ eventType, toState }))).toEqual([
        { eventType: 'RESUMED', toState: 'awaitingReply' },
      ]);
      expect(JSON.parse(back[0]?.eventJson ?? '')).toEqual({ type: 'RESUMED', by: '<@U0ALICE>' });
    });

    it('a second takeover changes nothing and says why', async () => {
      await seed();
      await run('U0ALICE', 'takeover neg_byron');
      const answer = await run('U0ALICE', 'takeover neg_byron');
      expect(answer.text).toMatch(
        /^Nothing changed for Ada Byron .*: already under human control\./,
      );
    });

    it('someone not allowed to decide is refused: no transition', async () => {
      await seed();
      const before = transitionCount();
      const answer = await run('U0MALLORY', 'takeover @ada');
      expect(answer.text).toMatch(/not on the list/);
      expect((await run('U0MALLORY', 'resume @ada')).text).toMatch(/not on the list/);
      expect(transitionCount()).toBe(before);
    });

    it('an ambiguous name takes nothing over and lists the candidates', async () => {
      await seed();
      const before = transitionCount();
      const answer = await run('U0ALICE', 'takeover Grace Hopper');
      expect(answer.text).toMatch(/matches 2 negotiations; nothing was done/);
      expect(transitionCount()).toBe(before);
    });

    it('a takeover without whom it is about is refused with the usage', async () => {
      const answer = await run('U0ALICE', 'takeover');
      expect(answer.text).toMatch(/^`\/negotiation takeover`: name the negotiation/);
      expect(answer.text).toContain('Nothing was changed.');
    });
  });

  describe('audit', () => {
    it('shows the rows of one influencer and campaign in the span asked for, oldest first', async () => {
      await seed();
      // A day and more later, before any follow-up is due.
      clock.advance(DAY + 3_600_000);
      rt.dispatch('neg_grace_spring', { type: 'PAUSED', by: 'ops' });
      clock.advance(60_000);
      rt.dispatch('neg_grace_spring', { type: 'RESUMED', by: 'ops' });
      rt.dispatch('neg_grace_autumn', { type: 'PAUSED', by: 'ops' });

      const answer = await run('U0MALLORY', 'audit influencer:grace campaign:spring last:1d');
      expect(answer.text).toContain('influencer `grace`');
      expect(answer.text).toContain('campaign `spring`');
      expect(answer.text).toMatch(/2 rows, oldest first/);
      const shown = answer.blocks.map((b) => (b.text as { text: string }).text).join('\n');
      const lines = shown.split('\n').filter((l) => l.includes('neg_'));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/neg_grace_spring .*\*PAUSED\* awaitingReply → paused/);
      expect(lines[1]).toMatch(/neg_grace_spring .*\*RESUMED\* paused → awaitingReply/);
      expect(shown).not.toContain('neg_grace_autumn');

      // Without last:, the last 7 days: the opening rows of a day ago are in.
      const week = await run('U0MALLORY', 'audit campaign:spring');
      expect(week.text).toMatch(/\d+ rows, oldest first/);
      expect(JSON.stringify(week.blocks)).toContain('neg_ada');
      expect(JSON.stringify(week.blocks)).toContain('OFFER_REQUESTED');
    });

    it('keeps within Block Kit limits, showing the newest rows, and names the CLI for the rest', async () => {
      await seed();
      for (let i = 0; i < 850; i++) {
        clock.advance(1_000);
        rt.dispatch('neg_byron', { type: 'PAUSED', by: `ops-${i}` });
        rt.dispatch('neg_byron', { type: 'RESUMED', by: `ops-${i}` });
      }
      const recorded = (
        sqlite()
          .prepare("select count(*) as n from transitions where negotiation_id = 'neg_byron'")
          .get() as { n: number }
      ).n;
      expect(recorded).toBeGreaterThan(1700);
      const answer = await run('U0ALICE', 'audit influencer:byron');
      expect(answer.blocks.length).toBeLessThanOrEqual(50);
      for (const block of answer.blocks)
        expect((block.text as { text: string }).text.length).toBeLessThanOrEqual(3000);
      expect(answer.text).toContain(`${recorded} rows; the newest`);
      const lines = answer.blocks
        .map((b) => (b.text as { text: string }).text)
        .join('\n')
        .split('\n')
        .filter((l) => l.includes('neg_byron'));
      expect(lines.length).toBeGreaterThan(100);
      expect(lines.length).toBeLessThan(recorded);
      expect(answer.text).toContain(`the newest ${lines.length} shown`);
      expect(lines.at(-1)).toMatch(/\*RESUMED\* paused → awaitingReply/);
      expect(lines.at(-1)).toContain(
        new Date(clock.now()).toISOString().slice(0, 16).replace('T', ' '),
      );
      expect(JSON.stringify(answer.blocks.at(-1))).toContain(
        'negotiator audit --influencer byron --since 7d',
      );
    });

    it('a filter it does not know is refused with the usage', async () => {
      const answer = await run('U0ALICE', 'audit who:ada');
      expect(answer.text).toMatch(/^`\/negotiation audit`: unknown filter who:/);
    });
  });
});

/** The demo's judgement of one negotiation and its live view, on hand-made progress rows. */
import { describe, expect, it } from 'vitest';
import { CAST, type Role } from '../../src/demo/cast.js';
import type { Progress } from '../../src/demo/observe.js';
import { judge } from '../../src/demo/verdict.js';
import { createLiveView, liveLine, table } from '../../src/demo/view.js';
import type { SlackMessage } from '../../src/sandbox/slack/workspace.js';

const role = (id: string): Role => {
  const found = CAST.find((r) => r.personaId === id);
  if (!found) throw new Error(id);
  return found;
};

const slackOf = (kind: string, ts: string): SlackMessage => ({
  ts,
  channel: 'C0DEALS',
  text: kind,
  bot_id: 'B0',
  user: 'U0',
  metadata: { event_type: 'negotiator_effect', event_payload: { kind, negotiation_id: 'neg_1' } },
});

const email = (id: string) =>
  ({ id, messageId: `<${id}@brand.test>`, labelIds: ['SENT'], text: 'Hi' }) as Progress['sent'][0];

function row(overrides: Partial<Progress> = {}): Progress {
  return {
    role: role('haggler'),
    name: 'Marco Rossi',
    threadId: 't1',
    negotiationId: 'neg_1',
    state: 'agreed',
    round: 3,
    lastOfferCents: 220_000,
    askCents: 220_000,
    agreedCents: 220_000,
    floorCents: 160_000,
    ceilingCents: 240_000,
    averageViews: 80_000,
    visited: ['counterReceived', 'drafting', 'sending', 'awaitingReply', 'agreed'],
    slack: [slackOf('postAgreement', '1.1')],
    sent: [email('a'), email('b')],
    thread: [],
    emailEffects: 2,
    followUps: 0,
    pendingEffects: 0,
    ...overrides,
  };
}

describe('judging a demo negotiation', () => {
  it('passes a deal announced once, with CPMs per 1,000 average views', () => {
    const { settled, verdict } = judge(row());
    expect(settled).toBe(true);
    expect(verdict).toMatchObject({ ok: true, cpmCents: 2750, ceilingCpmCents: 3000 });
  });

  it('fails two agreement alerts, and an email sent twice', () => {
    const twice = judge(
      row({
        slack: [slackOf('postAgreement', '1.1'), slackOf('postAgreement', '1.2')],
        sent: [email('a'), email('b'), email('c')],
      }),
    );
    expect(twice.verdict.ok).toBe(false);
    expect(twice.verdict.problems).toEqual([
      '2 agreement alerts, expected 1',
      '3 emails in the mailbox for 2 performed send effects',
    ]);
  });

  it('waits while effects are pending or the alert is not out, and settles on a wrong end', () => {
    expect(judge(row({ pendingEffects: 1 })).settled).toBe(false);
    expect(judge(row({ slack: [] })).settled).toBe(false);
    const wrong = judge(row({ state: 'rejected', slack: [] }));
    expect(wrong.settled).toBe(true);
    expect(wrong.verdict.problems[0]).toBe('ended rejected, expected agreed');
  });

  it('requires the firm persona to pass through escalation, and the ghost one follow-up', () => {
    const firm = judge(row({ role: role('firm'), visited: ['agreed'] }));
    expect(firm.settled).toBe(false);
    expect(firm.verdict.problems).toContain('never went through escalated');
    const ghost = judge(
      row({ role: role('ghost'), state: 'stale', slack: [slackOf('postNotice', '1.3')] }),
    );
    expect(ghost.settled).toBe(false);
    expect(ghost.verdict.problems).toContain('0 follow-ups, expected 1');
  });
});

describe('the live view', () => {
  const sink = (tty: boolean) => {
    let text = '';
    return {
      out: { isTTY: tty, write: (t: string) => (text += t) },
      text: () => text,
    };
  };

  it('prints a line per change when not on a terminal, with no escape codes', () => {
    const { out, text } = sink(false);
    const view = createLiveView(out);
    view.update([row({ state: 'drafting' })], 1000);
    view.update([row({ state: 'drafting' })], 1100);
    view.update([row()], 1200);
    view.note('stopping');
    const lines = text().trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('drafting');
    expect(lines[1]).toContain('agreed');
    expect(lines[2]).toContain('· stopping');
    expect(text()).not.toContain('\x1b[');
  });

  it('redraws the block in place on a terminal', () => {
    const { out, text } = sink(true);
    const view = createLiveView(out);
    view.update([row({ state: 'drafting' }), row({ role: role('ghost') })], 1000);
    view.update([row(), row({ role: role('ghost') })], 1100);
    expect(text()).toContain('\x1b[2F\x1b[J');
  });

  it("keeps a negotiation's line the same width whatever its neighbours show", () => {
    expect(liveLine(row()).indexOf('round')).toBe(liveLine(row({ name: 'Z' })).indexOf('round'));
    expect(
      table([
        ['a', 'bb'],
        ['ccc', 'd'],
      ]),
    ).toEqual(['a    bb', 'ccc  d']);
  });
});

/**
 * Every shortest path through the negotiation machine to each terminal state, replayed with a
 * simulated crash (persist → JSON → restore) after every step: behaviour must be identical, a
 * restore must declare nothing, effect keys must never repeat, and a path ending in `agreed` must
 * declare exactly one agreement email and one agreement notification.
 */

import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import {
  type Emitted,
  isOutboxEffect,
  MACHINE_VERSION,
  type NegotiationEvent,
  negotiationMachine,
  parsePersistedSnapshot,
  TERMINAL_STATES,
} from '../../machines/negotiation/index.js';
import { type NegotiationSnapshot, negotiationInput } from '../support/negotiation.js';
import { eventsFor, serializeState } from '../support/negotiation-graph.js';

type Run = { emitted: Emitted[]; persisted: unknown };
type Recorded = Run & { before: Array<{ json: string; emitted: number }> };

function start(input: ReturnType<typeof negotiationInput>, emitted: Emitted[], json?: string) {
  const actor = createActor(negotiationMachine, {
    input,
    ...(json === undefined ? {} : { snapshot: JSON.parse(json) }),
  });
  actor.on('*', (e) => emitted.push(e as Emitted));
  actor.start();
  return actor;
}

/** The uncut run, keeping the persisted snapshot (and what had been emitted) before each step. */
function record(input: ReturnType<typeof negotiationInput>, events: NegotiationEvent[]): Recorded {
  const emitted: Emitted[] = [];
  const before: Recorded['before'] = [];
  const actor = start(input, emitted);
  for (const event of events) {
    before.push({ json: JSON.stringify(actor.getPersistedSnapshot()), emitted: emitted.length });
    actor.send(event);
  }
  return { emitted, persisted: JSON.parse(JSON.stringify(actor.getPersistedSnapshot())), before };
}

/**
 * A crash before step `cut`: the snapshot persisted then is restored into a new actor, which must
 * emit nothing on restore and then run the rest of the path. The steps before the cut are the
 * uncut run's own (the same deterministic actor), so they are not run again.
 */
function resume(
  input: ReturnType<typeof negotiationInput>,
  events: NegotiationEvent[],
  uncut: Recorded,
  cut: number,
): Run {
  const at = uncut.before[cut];
  if (!at) throw new Error(`no step ${cut}`);
  const restoredFrom = parsePersistedSnapshot(at.json, MACHINE_VERSION);
  if (!restoredFrom.ok) throw new Error(restoredFrom.error);
  const emitted = uncut.emitted.slice(0, at.emitted);
  const actor = start(input, emitted, at.json);
  if (emitted.length !== at.emitted)
    throw new Error(`restore at step ${cut} emitted ${JSON.stringify(emitted.slice(at.emitted))}`);
  for (const event of events.slice(cut)) actor.send(event);
  return { emitted, persisted: JSON.parse(JSON.stringify(actor.getPersistedSnapshot())) };
}

describe.each([
  ['agent mode', false],
  ['review mode', true],
])('negotiation machine paths (%s)', (_name, reviewMode) => {
  const input = negotiationInput({
    settings: { ...negotiationInput().settings, reviewMode, holdingReplyMs: 3_600_000 },
  });
  const paths = getShortestPaths(negotiationMachine, {
    input,
    events: eventsFor,
    serializeState: (s) => serializeState(s as NegotiationSnapshot),
  }).filter((p) => TERMINAL_STATES.includes(p.state.value as (typeof TERMINAL_STATES)[number]));

  it('reaches every terminal state', () => {
    const reached = new Set(paths.map((p) => p.state.value));
    expect([...reached].sort()).toEqual(['agreed', 'rejected', 'stopped']);
    expect(paths.length).toBeGreaterThan(20);
  });

  it('behaves identically after a crash and restore at every step of every path', () => {
    let replays = 0;
    for (const path of paths) {
      const events = path.steps.map((s) => s.event as NegotiationEvent);
      const uncut = record(input, events);
      expect((uncut.persisted as { value: string }).value).toBe(path.state.value);
      for (let cut = 0; cut < events.length; cut++) {
        const restored = resume(input, events, uncut, cut);
        expect(restored.persisted).toEqual(uncut.persisted);
        expect(restored.emitted).toEqual(uncut.emitted);
        replays++;
      }
    }
    expect(replays).toBeGreaterThan(100);
    // Exhaustive and CPU-bound (about 30,000 restores in review mode): no waiting inside.
  }, 180_000);

  it('never repeats an effect key, and announces every agreement exactly once', () => {
    for (const path of paths) {
      const events = path.steps.map((s) => s.event as NegotiationEvent);
      const { emitted } = record(input, events);
      const effects = emitted.flatMap((e) =>
        e.type === 'effect' && isOutboxEffect(e.effect) ? [e.effect] : [],
      );
      const keys = effects.map((e) => e.key);
      expect(new Set(keys).size, `duplicate key in ${JSON.stringify(keys)}`).toBe(keys.length);
      expect(keys.every((k) => k.startsWith('neg_1:') && !k.endsWith(':'))).toBe(true);
      const notifications = effects.filter((e) => e.kind === 'postAgreement');
      const agreementEmails = effects.flatMap((e) =>
        e.kind === 'sendEmail' && e.purpose === 'agreement' ? [e] : [],
      );
      if (path.state.value === 'agreed') {
        expect(notifications).toHaveLength(1);
        expect(agreementEmails).toHaveLength(1);
        expect(notifications[0]).toMatchObject({ agreedCents: agreementEmails[0]?.offerCents });
      } else {
        expect(notifications).toHaveLength(0);
      }
    }
  });

  it('never offers above the ceiling unless a person approved the amount', () => {
    for (const path of paths) {
      const events = path.steps.map((s) => s.event as NegotiationEvent);
      const personApproved = events.some((e) => e.type === 'COUNTER_APPROVED');
      const { emitted } = record(input, events);
      for (const e of emitted) {
        if (e.type !== 'effect' || e.effect.kind !== 'composeEmail' || e.effect.offerCents === null)
          continue;
        if (!personApproved)
          expect(e.effect.offerCents).toBeLessThanOrEqual(input.terms.ceilingCents);
      }
    }
  });
});

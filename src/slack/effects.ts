/**
 * The Slack effects the negotiation declares: the agreement alert, the escalation, the draft for
 * review and the notices. Each is posted exactly once per effect key (HUMAN-03: one agreement
 * message per deal). The key rides in the message's metadata; a post is recorded once Slack
 * answers, and when an earlier attempt may have posted without an answer (a retry, or a crash
 * mid-post) the message is looked up — in the store, then in the channel — and adopted instead
 * of posted again.
 */
import type { OutboxEffect } from '../../machines/negotiation/index.js';
import type { ChatPort, FoundMessage } from '../adapters/slack/chat.js';
import type { NegotiationFactsResult } from '../db/negotiation-facts.js';
import type { SlackMessageRow, SlackStore } from '../db/slack-store.js';
import { PermanentError } from '../domain/errors.js';
import type { Logger } from '../observability/logger.js';
import type { EffectContext, EffectHandler, EffectOutcome } from '../runtime/outbox-worker.js';
import { agreementMessage } from './blocks/agreement.js';
import { approvalMessage } from './blocks/approval.js';
import { escalationMessage } from './blocks/escalation.js';
import type { ChatMessage } from './blocks/kit.js';
import { noticeMessage } from './blocks/notice.js';

/** `metadata.event_type` of every message an effect posts. */
export const EFFECT_EVENT_TYPE = 'negotiator_effect';

/** How far back the channel is searched for a message whose answer was lost. */
const DEFAULT_LOOKBACK_MS = 7 * 24 * 3_600_000;
/** A lost thread reply is looked for under this many of the negotiation's newest messages. */
const THREADS_SEARCHED = 3;

type SlackKind = 'postAgreement' | 'postEscalation' | 'requestApproval' | 'postNotice';
type EffectOf<K extends SlackKind> = Extract<OutboxEffect, { kind: K }>;
/** What every Slack effect has; named, because TypeScript cannot see it through a generic Extract. */
type Keyed = { key: string; kind: SlackKind };

export interface SlackEffectsDeps {
  chat: ChatPort;
  store: SlackStore;
  /** Everything about one negotiation; null when it does not exist. */
  facts: (negotiationId: string) => NegotiationFactsResult | null;
  /** Where the agent posts (SLACK_CHANNEL). */
  channel: string;
  /** The Gmail mailbox the threads live in, for links. */
  mailbox: () => string;
  /** People called on by agreements, escalations and the notices that need someone. */
  mentions: readonly string[];
  now: () => number;
  lookbackMs?: number;
  logger?: Logger;
}

/** Kept on the outbox row: where the message is, so it can be updated later. */
export interface SlackEffectResult {
  channel: string;
  ts: string;
  threadTs: string | null;
}

interface Placement {
  message: ChatMessage;
  threadTs?: string;
  broadcast?: boolean;
}

type Build<K extends SlackKind> = (effect: EffectOf<K>, facts: NegotiationFactsResult) => Placement;

export function createSlackEffects(deps: SlackEffectsDeps) {
  const lookbackMs = deps.lookbackMs ?? DEFAULT_LOOKBACK_MS;

  function outcome(row: SlackMessageRow): EffectOutcome {
    const result: SlackEffectResult = { channel: row.channel, ts: row.ts, threadTs: row.threadTs };
    return { result };
  }

  /** Records the message; the first record of a key wins, and that one is returned. */
  function remember(
    effect: Keyed,
    ctx: EffectContext,
    at: { channel: string; ts: string; threadTs: string | null },
  ): EffectOutcome {
    const row: SlackMessageRow = {
      key: effect.key,
      negotiationId: ctx.negotiationId,
      kind: effect.kind,
      ...at,
      postedAt: deps.now(),
    };
    deps.store.record(row);
    return outcome(deps.store.byKey(effect.key) ?? row);
  }

  /** The message an earlier attempt posted, if Slack has it: top level, then recent threads. */
  async function lookUp(
    key: string,
    ctx: EffectContext,
    threaded: boolean,
  ): Promise<(FoundMessage & { channel: string }) | null> {
    const oldest = deps.now() - lookbackMs;
    const eventType = EFFECT_EVENT_TYPE;
    const top = await deps.chat.findByMetadataKey({
      channel: deps.channel,
      key,
      eventType,
      oldest,
    });
    if (top) return { ...top, channel: deps.channel };
    if (!threaded) return null;
    for (const parent of deps.store.topLevelFor(ctx.negotiationId, THREADS_SEARCHED)) {
      const reply = await deps.chat.findByMetadataKey({
        channel: parent.channel,
        key,
        eventType,
        oldest,
        threadTs: parent.ts,
      });
      if (reply)
        return { ts: reply.ts, threadTs: reply.threadTs ?? parent.ts, channel: parent.channel };
    }
    return null;
  }

  function handler<K extends SlackKind>(
    threaded: boolean,
    build: Build<K>,
  ): EffectHandler<EffectOf<K>> {
    async function adoptIfPosted(effect: Keyed, ctx: EffectContext) {
      const found = await lookUp(effect.key, ctx, threaded);
      if (!found) return null;
      deps.logger?.info(
        { key: effect.key, channel: found.channel, ts: found.ts },
        'found the Slack message of an earlier attempt: adopting it instead of posting again',
      );
      return remember(effect, ctx, found);
    }

    return {
      async run(effect, ctx) {
        const keyed = effect as Keyed;
        const known = deps.store.byKey(keyed.key);
        if (known) return outcome(known);
        if (ctx.attempt > 1) {
          const adopted = await adoptIfPosted(keyed, ctx);
          if (adopted) return adopted;
        }
        const facts = deps.facts(ctx.negotiationId);
        if (!facts)
          throw new PermanentError(
            `negotiation ${ctx.negotiationId} was not found (or its snapshot cannot be read): nothing to post for ${keyed.kind}`,
          );
        const { message, threadTs, broadcast } = build(effect, facts);
        const posted = await deps.chat.post({
          channel: deps.channel,
          text: message.text,
          blocks: message.blocks,
          metadata: {
            event_type: EFFECT_EVENT_TYPE,
            event_payload: { key: keyed.key, negotiation_id: ctx.negotiationId, kind: keyed.kind },
          },
          ...(threadTs ? { threadTs, broadcast: broadcast === true } : {}),
        });
        return remember(keyed, ctx, { ...posted, threadTs: threadTs ?? null });
      },
      async reconcile(effect, ctx) {
        const keyed = effect as Keyed;
        const known = deps.store.byKey(keyed.key);
        if (known) return outcome(known);
        return adoptIfPosted(keyed, ctx);
      },
    };
  }

  const common = () => ({ mailbox: deps.mailbox(), mentions: deps.mentions });

  return {
    postAgreement: handler<'postAgreement'>(false, (effect, facts) => ({
      message: agreementMessage({
        facts,
        agreedCents: effect.agreedCents,
        rounds: effect.rounds,
        ...common(),
      }),
    })),
    postEscalation: handler<'postEscalation'>(
      false,
      ({ kind: _k, key: _key, ...effect }, facts) => ({
        message: escalationMessage({ facts, effect, ...common() }),
      }),
    ),
    requestApproval: handler<'requestApproval'>(
      false,
      ({ kind: _k, key: _key, ...effect }, facts) => ({
        // Every outgoing email passes here in review mode: nobody is called on for each one.
        message: approvalMessage({ facts, effect, mailbox: deps.mailbox(), mentions: [] }),
      }),
    ),
    postNotice: handler<'postNotice'>(true, (effect, facts) => {
      const parent = deps.store.latestFor(facts.id);
      const message = noticeMessage({
        facts,
        notice: effect.notice,
        detail: effect.detail,
        threaded: parent !== null,
        ...common(),
      });
      if (!parent) return { message };
      // Reminders and staleness need someone: they also show in the channel.
      const broadcast = effect.notice === 'approval_reminder' || effect.notice === 'stale';
      return { message, threadTs: parent.ts, broadcast };
    }),
  };
}

export type SlackEffects = ReturnType<typeof createSlackEffects>;

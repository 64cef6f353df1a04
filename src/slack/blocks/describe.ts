/**
 * The phrases every message uses to describe a negotiation: who the influencer is, which
 * campaign, what they deliver, what the money means as CPM, where the Gmail thread is, and whom to
 * mention; and what the messages asking for a decision are built from and end with. User-provided
 * values come out escaped for mrkdwn.
 */
import type { OutboxEffect } from '../../../machines/negotiation/index.js';
import type { NegotiationFactsResult } from '../../db/negotiation-facts.js';
import { formatCents } from '../../domain/money.js';
import type { Deliverable, DeliverableType } from '../../domain/pricing/deliverables.js';
import {
  actions,
  type Block,
  type Button,
  clip,
  context,
  escapeMrkdwn,
  oneLine,
  section,
  userText,
} from './kit.js';

/**
 * What a message asking for a decision is built from: the negotiation's facts, the effect that
 * asks for it (without its kind and key), the mailbox the Gmail thread lives in, and whom to
 * mention.
 */
export interface DecisionInput<K extends OutboxEffect['kind']> {
  facts: NegotiationFactsResult;
  effect: Omit<Extract<OutboxEffect, { kind: K }>, 'kind' | 'key'>;
  mailbox: string;
  mentions: readonly string[];
}

const DELIVERABLE_NAMES: Record<DeliverableType, string> = {
  instagram_post: 'Instagram post',
  instagram_story: 'Instagram story',
  instagram_reel: 'Instagram reel',
  tiktok_video: 'TikTok video',
  tiktok_story: 'TikTok story',
  youtube_dedicated: 'YouTube dedicated video',
  youtube_integration: 'YouTube integration',
  youtube_short: 'YouTube short',
};

const PLATFORM_NAMES: Record<string, string> = {
  instagram: 'Instagram',
  tiktok: 'TikTok',
  youtube: 'YouTube',
};

/** Names and addresses are cut well below the limits, so one long value cannot crowd out the rest. */
const NAME_MAX = 120;
const EMAIL_MAX = 200;

export function money(cents: number | null): string {
  return cents === null ? '—' : formatCents(cents);
}

/** The name the team knows the influencer by: the sheet's name, else their address. */
function nameOf(facts: NegotiationFactsResult): string {
  return (
    oneLine(facts.influencer.name ?? '') || oneLine(facts.influencer.email) || 'the influencer'
  );
}

/** The influencer's name (or address), escaped. */
export function who(facts: NegotiationFactsResult): string {
  return userText(nameOf(facts), NAME_MAX);
}

/** The same, as plain text (headers and buttons are not mrkdwn). */
export function whoPlain(facts: NegotiationFactsResult): string {
  return clip(nameOf(facts), NAME_MAX);
}

export function handle(facts: NegotiationFactsResult): string {
  const value = oneLine(facts.influencer.handle ?? '');
  return value ? userText(value, NAME_MAX) : '—';
}

export function email(facts: NegotiationFactsResult): string {
  return userText(oneLine(facts.influencer.email), EMAIL_MAX);
}

export function platformName(platform: string): string {
  return PLATFORM_NAMES[platform] ?? userText(platform, 40);
}

export function viewsText(views: number | null): string {
  return views === null ? 'not recorded' : views.toLocaleString('en-US');
}

/** "1 × Instagram reel, 2 × Instagram story". */
export function deliverablesText(deliverables: readonly Deliverable[]): string {
  if (deliverables.length === 0) return 'none on record';
  return deliverables
    .map((d) => `${d.quantity} × ${DELIVERABLE_NAMES[d.type] ?? escapeMrkdwn(d.type)}`)
    .join(', ');
}

/** "Acme — Spring launch". */
export function campaignText(facts: NegotiationFactsResult): string {
  const { campaign } = facts;
  if (!campaign) return 'no campaign on record';
  const name = campaign.name ? ` — ${userText(campaign.name, NAME_MAX)}` : '';
  return `${userText(campaign.client, NAME_MAX)}${name}`;
}

/**
 * CPM as the team reads it: the fee per thousand average views. Null without a view count.
 */
export function cpmCents(rateCents: number | null, views: number | null): number | null {
  if (rateCents === null || views === null || views <= 0) return null;
  return Math.round((rateCents * 1000) / views);
}

/** "$1,500.00 ($30.00 CPM)", or just the amount when the views are unknown. */
export function amountWithCpm(cents: number | null, views: number | null): string {
  const cpm = cpmCents(cents, views);
  return cpm === null ? money(cents) : `${money(cents)} (${formatCents(cpm)} CPM)`;
}

/** The thread in Gmail's web app, opened in the team mailbox's account (`@` stays readable). */
export function gmailUrl(mailbox: string, threadId: string): string {
  const account = encodeURIComponent(mailbox).replace(/%40/g, '@');
  return `https://mail.google.com/mail/?authuser=${account}#all/${encodeURIComponent(threadId)}`;
}

/** A mrkdwn link to the Gmail thread, or a note that there is none. */
export function gmailLink(facts: NegotiationFactsResult, mailbox: string): string {
  return facts.threadId
    ? `<${gmailUrl(mailbox, facts.threadId)}|Open the Gmail thread>`
    : '_no Gmail thread yet_';
}

/** `<@U…>` for users, `<!subteam^S…>` for user groups; anything else is not an id and is left out. */
export function mentions(ids: readonly string[]): string {
  return [...new Set(ids)]
    .filter((id) => /^[UWS][A-Z0-9]{2,}$/.test(id))
    .map((id) => (id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`))
    .join(' ');
}

/**
 * Escaped text in which Slack user ids (`U0ALICE`, as the machine records who acted) become
 * mentions, so a notice shows the person rather than an id.
 */
export function withPeople(text: string, max: number): string {
  return userText(text, max).replace(/\b[UW](?=[A-Z0-9]*\d)[A-Z0-9]{4,}\b/g, (id) => `<@${id}>`);
}

/** A time Slack shows in each reader's own time zone, with a UTC fallback. */
export function slackDate(at: number): string {
  if (!Number.isFinite(at) || Math.abs(at) > 8.64e15) return 'at an unknown time';
  const fallback = new Date(at).toISOString().replace('T', ' ').slice(0, 16);
  return `<!date^${Math.floor(at / 1000)}^{date_short_pretty} {time}|${fallback} UTC>`;
}

/**
 * The end of a message asking for a decision: the Gmail thread, one button per choice, and whom
 * it is for (`people`, already mentions) with the negotiation's id.
 */
export function decisionFooter(
  facts: NegotiationFactsResult,
  mailbox: string,
  buttons: Button[],
  people: string,
): Block[] {
  return [
    section(`:email: ${gmailLink(facts, mailbox)}`),
    actions(buttons),
    context(people ? `For ${people}` : '', `Negotiation \`${userText(facts.id, 200)}\``),
  ];
}

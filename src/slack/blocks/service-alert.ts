/**
 * A service alert: something is wrong with the service rather than with one negotiation — the
 * model is out of reach, the Gmail watch could not be renewed, an effect was given up on, the
 * influencer sheet changed shape. One short message that says what and when.
 */
import { mentions, slackDate } from './describe.js';
import { type ChatMessage, context, message, section, userText } from './kit.js';

export const ALERT_KINDS = ['model', 'gmail', 'effect', 'sheet', 'other'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

const TITLES: Record<AlertKind, { emoji: string; title: string }> = {
  model: { emoji: ':electric_plug:', title: 'The model is out of reach' },
  gmail: { emoji: ':envelope_with_arrow:', title: 'Gmail needs attention' },
  effect: { emoji: ':warning:', title: 'An action was given up on' },
  sheet: { emoji: ':bar_chart:', title: 'The influencer sheet changed' },
  other: { emoji: ':rotating_light:', title: 'Service alert' },
};

export interface ServiceAlertInput {
  /** What happened and what to do; may quote outside text, so it is escaped. */
  text: string;
  kind?: AlertKind;
  at: number;
  mentions?: readonly string[];
}

const TEXT_MAX = 2500;

export function serviceAlertMessage(input: ServiceAlertInput): ChatMessage {
  const { emoji, title } = TITLES[input.kind ?? 'other'];
  const body = userText(input.text.trim() || 'no details', TEXT_MAX);
  const people = mentions(input.mentions ?? []);
  return message(`Service alert — ${title}: ${userText(input.text.trim(), 500)}`, [
    section(`${emoji} *${title}*\n${body}`),
    context(slackDate(input.at), people ? `For ${people}` : ''),
  ]);
}

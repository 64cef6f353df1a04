/**
 * The sandbox's deterministic stand-in for Claude: it reads the two kinds of request the agent
 * makes and answers them plausibly, so tests and the demo run end to end with no network.
 *
 * The contract it recognises (the agent's prompts follow it):
 * - **Reading a reply**: a structured-output (or forced-tool) request whose schema has an `intent`
 *   property, with the influencer's email inside an `<email …>…</email>` element of a user
 *   message. The model pulls out the intent from its words, the amount the influencer asks for,
 *   trigger phrases (hostile tone, legal language, unusual deliverables) with the sentence that
 *   holds them as evidence, and deliverable changes. Quoted history (`>` lines, "On … wrote:",
 *   Outlook headers) is ignored, as a careful reader would.
 * - **Writing an email**: a request whose schema has a `body` property, with the decision as JSON
 *   inside `<decision>…</decision>`: `{kind, offer_cents?, influencer_name?, deliverables?,
 *   payment_terms?, sender_name?, subject?}`, kind one of opening, counter, agreement, follow_up,
 *   decline, holding, answer. The email uses exactly the amount the decision allows, and no other.
 *
 * Anything else gets the simplest value the schema allows. Tests steer it with overrides that
 * transform the next scripted answer (see `adversarial`), to prove the agent's guards hold.
 *
 * Longer than most files: reading, writing and fitting answers to a schema make one stand-in
 * model; each part is small.
 */
import { formatCents, parseMoney } from '../../domain/money.js';
import type { MessagesRequest, ScriptedReply } from './emulator.js';
import { sampleFromSchema } from './schema-sample.js';

export type TriggerKind = 'hostile_tone' | 'legal_language' | 'unusual_deliverables';

export interface Reading {
  intent: 'accept' | 'counter' | 'reject' | 'question' | 'unclear';
  confidence: number;
  proposed_rate_cents: number | null;
  deliverable_changes: string[];
  triggers: Array<{ kind: TriggerKind; evidence: string }>;
  summary: string;
}

export interface Draft {
  subject: string;
  body: string;
}

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
};

const TRIGGERS: Array<[TriggerKind, RegExp]> = [
  [
    'hostile_tone',
    /\b(ridiculous|insult\w*|a joke|scam\w*|clowns?|pathetic|waste of (?:my )?time|idiot\w*|stupid|disrespect\w*|lowball\w*|greedy|shameful|how dare|garbage)\b/i,
  ],
  [
    'legal_language',
    /\b(contracts?|lawyers?|attorneys?|legal|indemnif\w*|exclusiv\w*|usage rights|NDA|non-disclosure|liabilit\w*|clauses?|jurisdiction|warrant(?:y|ies))\b/i,
  ],
  [
    'unusual_deliverables',
    /\b(live ?streams?|podcasts?|in-person|meet[- ]and[- ]greets?|appearances?|newsletters?|blog posts?|tattoos?|whitelisting|dark posts?|giveaways?)\b/i,
  ],
];
const ACCEPT =
  /\b(deal|accept\w*|agreed|sounds (?:good|great|fair)|works for (?:me|us)|happy to (?:proceed|go ahead|do it|move forward)|let'?s do (?:it|this)|let'?s go ahead|count me in|that works|we'?re good|i'?m in)\b/i;
const REJECT =
  /\b(not interested|no thanks|no, thanks|(?:i'?ll|i will|going to|have to|gonna) pass|pass on this|decline|not a (?:good )?fit|won'?t work for (?:me|us)|unsubscribe|not for (?:me|us))\b/i;
const HEDGE = /\b(but|however|unless|if you|only if|although)\b/i;
// A separator only between digits, so "$2,000, and" stops before the comma.
const MONEY =
  /(?:US\$|\$|USD\s?)\s?\d(?:[\d,]*\d)?(?:\.\d+)?\s?[kKmM]?\b|\b\d(?:[\d,]*\d)?(?:\.\d+)?\s?(?:[kK]\b|(?:USD|usd|dollars)\b)/g;
const THEIRS =
  /(?:you(?:'ve| have)? offered|your offer(?: of)?|you (?:said|proposed|quoted)|offer of)\s*$/i;
const DELIVERABLE = /\b(posts?|stor(?:y|ies)|reels?|videos?|shorts?|integrations?|tiktoks?)\b/i;

/** The influencer's latest words: quoted history and everything after a quote header dropped. */
export function latestReply(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    if (
      /^On .+wrote:\s*$/i.test(line.trim()) ||
      /^-{2,}\s*(Original Message|Forwarded message)\s*-{2,}/i.test(line.trim()) ||
      /^From:\s.+/i.test(line.trim()) ||
      line.trim() === '--'
    )
      break;
    if (line.trimStart().startsWith('>')) continue;
    kept.push(line);
  }
  return kept.join('\n').trim();
}

const sentences = (text: string) =>
  text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter(Boolean);

function amounts(text: string): Array<{ cents: number; index: number }> {
  const found: Array<{ cents: number; index: number }> = [];
  for (const match of text.matchAll(MONEY)) {
    const parsed = parseMoney(match[0].replace(/\s+(?=[kKmM]\b)/, ''));
    if (parsed.ok && parsed.cents >= 1000) found.push({ cents: parsed.cents, index: match.index });
  }
  return found;
}

/** What a careful reader takes from an influencer's email. */
export function readEmail(email: string): Reading {
  const text = latestReply(email);
  const all = amounts(text);
  // "You offered $1,000, I need $1,800": the amount quoted back is ours, not their ask.
  const theirs = all.filter((a) => !THEIRS.test(text.slice(Math.max(0, a.index - 40), a.index)));
  const ask = (theirs.at(-1) ?? all.at(-1))?.cents ?? null;
  const triggers: Reading['triggers'] = [];
  for (const [kind, pattern] of TRIGGERS) {
    const evidence = sentences(text).find((s) => pattern.test(s));
    if (evidence) triggers.push({ kind, evidence: evidence.slice(0, 200) });
  }
  const acceptSentence = sentences(text).find((s) => ACCEPT.test(s));
  const accepts = acceptSentence !== undefined && !HEDGE.test(acceptSentence);
  let intent: Reading['intent'];
  let confidence = 0.9;
  if (REJECT.test(text) && (ask === null || !accepts)) intent = ask === null ? 'reject' : 'counter';
  else if (accepts) intent = 'accept';
  else if (ask !== null) intent = 'counter';
  else if (text.includes('?')) {
    intent = 'question';
    confidence = 0.85;
  } else {
    intent = 'unclear';
    confidence = 0.4;
  }
  const unusual = triggers.find((t) => t.kind === 'unusual_deliverables');
  const deliverableChanges = sentences(text)
    .filter((s) => DELIVERABLE.test(s) && /\b(instead|add|extra|plus|swap|rather|also)\b/i.test(s))
    .concat(unusual ? [unusual.evidence] : [])
    .filter((s, i, list) => list.indexOf(s) === i);
  return {
    intent,
    confidence,
    proposed_rate_cents: ask,
    deliverable_changes: deliverableChanges,
    triggers,
    summary: `${intent}${ask === null ? '' : ` at ${formatCents(ask, { dropZeroCents: true })}`}${
      triggers.length ? `; flags: ${triggers.map((t) => t.kind).join(', ')}` : ''
    }`,
  };
}

export interface Decision {
  kind:
    | 'opening'
    | 'counter'
    | 'agreement'
    | 'follow_up'
    | 'decline'
    | 'farewell'
    | 'holding'
    | 'answer';
  offer_cents?: number | null;
  influencer_name?: string;
  deliverables?: Array<string | { type: string; quantity?: number }>;
  payment_terms?: string;
  sender_name?: string;
  subject?: string;
}

const describeDeliverables = (list: Decision['deliverables']) =>
  (list ?? [])
    .map((d) =>
      typeof d === 'string'
        ? d
        : `${d.quantity && d.quantity > 1 ? `${d.quantity} × ` : ''}${d.type.replace(/_/g, ' ')}`,
    )
    .join(', ') || 'the sponsored content';

/** An email that says exactly what the decision allows: its one amount, its deliverables. */
export function writeEmail(decision: Decision): Draft {
  const first = (decision.influencer_name ?? 'there').split(/\s+/)[0];
  const what = describeDeliverables(decision.deliverables);
  const offer =
    typeof decision.offer_cents === 'number'
      ? formatCents(decision.offer_cents, { dropZeroCents: true })
      : null;
  const sign = `Best,\n${decision.sender_name ?? 'The partnerships team'}`;
  const lines: Record<Decision['kind'], string> = {
    opening: `Thanks for your interest in working with us. For ${what}, we would like to offer ${offer}.`,
    counter: `Thank you for getting back to us. We have looked at the numbers again and, for ${what}, we can offer ${offer}. We think that reflects your audience fairly and hope it works for you.`,
    agreement: `Wonderful, we are agreed at ${offer} for ${what}. Payment terms: ${(decision.payment_terms ?? 'as set out in our agreement').replace(/\.+$/, '')}. Next, we will send over the brief and the agreement to sign.`,
    follow_up: `Just following up on our offer of ${offer} for ${what}. Let us know if you have any questions.`,
    decline: `Thank you for taking the time to talk with us. Unfortunately we cannot make the numbers work for this campaign, but we would love to stay in touch for future opportunities.`,
    farewell: `Thank you for letting us know, and for considering it. We understand, and we hope to work together another time.`,
    holding: `Thanks for your message. I am checking a couple of details with the team and will get back to you shortly.`,
    answer: `Good question. For ${what}, our offer${offer ? ` of ${offer}` : ''} stands, and I am happy to share the brief so you can see exactly what is involved.`,
  };
  // An unknown kind still gets a courteous email: the agent's gate, not this model, judges it.
  const line = lines[decision.kind] ?? 'Thank you for your message; we will be in touch shortly.';
  const body = `Hi ${first},\n\n${line.replace(/ null\./, '.')}\n\n${sign}`;
  const subject = decision.subject
    ? /^re:/i.test(decision.subject)
      ? decision.subject
      : `Re: ${decision.subject}`
    : 'Re: Our collaboration';
  return { subject, body };
}

/** Text of the user turns, in order. */
function userText(request: MessagesRequest): string {
  return request.messages
    .filter((m) => m.role === 'user')
    .map((m) =>
      typeof m.content === 'string'
        ? m.content
        : Array.isArray(m.content)
          ? (m.content as Array<{ type?: string; text?: string }>)
              .map((b) => (b.type === 'text' ? (b.text ?? '') : ''))
              .join('\n')
          : '',
    )
    .join('\n');
}

/** The schema the answer must fit: the forced tool's input, else the structured-output format. */
function answerSchema(request: MessagesRequest): { schema: Schema; tool?: string } | null {
  const choice = request.tool_choice;
  const tool =
    choice?.type === 'tool'
      ? request.tools?.find((t) => t.name === choice.name)
      : choice?.type === 'any'
        ? request.tools?.[0]
        : undefined;
  if (tool) return { schema: tool.input_schema as Schema, tool: tool.name };
  const format = request.output_config?.format;
  return format?.schema ? { schema: format.schema as Schema } : null;
}

const norm = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Shapes a value to a schema: known fields by name (any casing), the rest sampled. */
export function fitToSchema(value: unknown, schema: Schema): unknown {
  const union = schema.anyOf?.filter((s) => s.type !== 'null');
  if (union?.length) {
    if (value === null && schema.anyOf?.some((s) => s.type === 'null')) return null;
    return fitToSchema(value, union[0] ?? {});
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (value === null && types.includes('null')) return null;
  if (schema.enum) {
    const wanted = norm(String(value));
    return (
      schema.enum.find((e) => norm(String(e)) === wanted) ??
      schema.enum.find((e) => wanted.startsWith(norm(String(e)).slice(0, 5))) ??
      schema.enum[0]
    );
  }
  if (types.includes('object') || schema.properties) {
    const source = (value ?? {}) as Record<string, unknown>;
    const byName = new Map(Object.entries(source).map(([k, v]) => [norm(k), v]));
    return Object.fromEntries(
      Object.entries(schema.properties ?? {}).map(([k, s]) =>
        byName.has(norm(k)) ? [k, fitToSchema(byName.get(norm(k)), s)] : [k, sampleFromSchema(s)],
      ),
    );
  }
  if (types.includes('array'))
    return Array.isArray(value) ? value.map((v) => fitToSchema(v, schema.items ?? {})) : [];
  if (types.includes('integer')) return typeof value === 'number' ? Math.round(value) : 0;
  if (types.includes('number')) return typeof value === 'number' ? value : 0;
  if (types.includes('boolean')) return typeof value === 'boolean' ? value : false;
  if (types.includes('string'))
    return typeof value === 'string' ? value : value == null ? '' : String(value);
  return value ?? sampleFromSchema(schema);
}

/** The scripted answer to a request, or null when it is neither a reading nor a writing. */
export function scriptedAnswer(request: MessagesRequest): ScriptedReply | null {
  const target = answerSchema(request);
  if (!target) return null;
  const props = new Set(Object.keys(target.schema.properties ?? {}).map(norm));
  const text = userText(request);
  let answer: unknown;
  if (props.has('intent')) {
    const email = [...text.matchAll(/<email\b[^>]*>([\s\S]*?)<\/email>/g)].at(-1)?.[1];
    if (email === undefined) return null;
    answer = readEmail(email);
  } else if (props.has('body')) {
    const json = /<decision\b[^>]*>([\s\S]*?)<\/decision>/.exec(text)?.[1];
    if (json === undefined) return null;
    let decision: Decision;
    try {
      decision = JSON.parse(json) as Decision;
    } catch {
      return null;
    }
    answer = writeEmail(decision);
  } else return null;
  const fitted = fitToSchema(answer, target.schema);
  return target.tool ? { toolUse: { name: target.tool, input: fitted } } : { json: fitted };
}

/** Transforms of the next scripted answer, for tests of the agent's guards. */
export type Override = (scripted: ScriptedReply, request: MessagesRequest) => ScriptedReply;

const mapPayload =
  (change: (payload: Record<string, unknown>) => Record<string, unknown>): Override =>
  (scripted) =>
    scripted.toolUse
      ? {
          ...scripted,
          toolUse: {
            ...scripted.toolUse,
            input: change(scripted.toolUse.input as Record<string, unknown>),
          },
        }
      : { ...scripted, json: change((scripted.json ?? {}) as Record<string, unknown>) };

const bodyKey = (payload: Record<string, unknown>) =>
  Object.keys(payload).find((k) => norm(k) === 'body') ?? 'body';

export const adversarial = {
  /** The reading claims a rate the email never asked for (an injection "succeeded"). */
  inflatedRate: (cents: number): Override =>
    mapPayload((p) => ({
      ...p,
      [Object.keys(p).find((k) => norm(k) === 'proposedratecents') ?? 'proposed_rate_cents']: cents,
      [Object.keys(p).find((k) => norm(k) === 'intent') ?? 'intent']: 'accept',
    })),
  /** The draft promises exclusivity the decision never allowed. */
  promisesExclusivity: (): Override =>
    mapPayload((p) => ({
      ...p,
      [bodyKey(p)]:
        `${String(p[bodyKey(p)] ?? '')}\n\nP.S. We can also guarantee you full exclusivity in your category for 12 months.`,
    })),
  /** The draft names an amount the decision did not allow. */
  wrongAmount: (cents: number): Override =>
    mapPayload((p) => ({
      ...p,
      [bodyKey(p)]:
        `${String(p[bodyKey(p)] ?? '')}\n\nIf that helps, we could even stretch to ${formatCents(cents, { dropZeroCents: true })}.`,
    })),
  /** The model declines to answer. */
  refusal: (): Override => () => ({ stopReason: 'refusal' }),
  /** Output that does not parse as JSON. */
  malformed: (): Override => () => ({ text: '{"intent": "accept", "confidence": ' }),
};

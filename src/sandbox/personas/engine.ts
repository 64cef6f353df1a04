/**
 * The persona engine: scripted influencers living behind the Gmail emulator's mailbox. It watches
 * what the team sends, and each persona addressed answers in the same thread, in its own mail
 * client's format, according to its behaviour and round. Runs are reproducible for a seed.
 *
 * Longer than most files: one engine follows each conversation from outreach to goodbye.
 */
import type { Cents } from '../../domain/money.js';
import type { Mailbox, StoredMessage } from '../google/mailbox.js';
import { buildMessage, decodeHeader, headerValue } from '../google/mime.js';
import { seededRandom } from '../random.js';
import { writeAmount } from './amounts.js';
import { initialState, nextMove, type PersonaState } from './behaviour.js';
import { PERSONAS, senderOf } from './catalog.js';
import { formatAddress, messageIdFor, renderEmail, replySubject } from './formats.js';
import { addressesIn, bodyText, latestWords, readTeamEmail } from './reading.js';
import type {
  Move,
  PendingReply,
  Persona,
  PersonaProfile,
  TeamReading,
  TranscriptEntry,
  VoiceContext,
} from './types.js';
import { composeBody, POST } from './voice.js';

export interface PersonasOptions {
  /** The team's mailbox (the Gmail emulator's `mailbox`). */
  mailbox: Mailbox;
  /** Who lives behind it; all built-in personas by default. */
  personas?: readonly Persona[];
  /** Seeds phrasing choices, Message-IDs and MIME boundaries (default 1). */
  seed?: number;
  /** 0 (default): replies arrive on the next microtask; otherwise after this many ms. */
  replyDelayMs?: number;
  /** Clock for Date headers and due times. */
  now?: () => number;
  /** Display name on the outreach `start` sends (default "Team"). */
  teamName?: string;
}

export interface StartOptions {
  subject?: string;
  /** The outreach's text; by default a short invitation that names no price. */
  text?: string;
}

export interface Started {
  personaId: string;
  threadId: string;
  profile: PersonaProfile;
  /** The team's outreach, stored as SENT. */
  outreach: { id: string; messageId: string };
  /** The persona's first reply, in INBOX. */
  reply: { id: string; messageId: string };
}

interface Conversation {
  persona: Persona;
  /** Addresses that reach the persona (the creator's, and the manager's when there is one). */
  addresses: string[];
  state: PersonaState;
  started: boolean;
  /** Silent until revived (the `late` persona). */
  dormant: boolean;
  /** Team emails that arrived while dormant, oldest first. */
  missed: Array<{ message: StoredMessage; reading: TeamReading }>;
  transcript: TranscriptEntry[];
}

interface Rendered {
  raw: string;
  messageId: string;
  inReplyTo: string;
  text: string;
  move: Move;
}

interface Scheduled extends PendingReply {
  done: Promise<void>;
  cancel: () => void;
}

const amountOf = (move: Move): Cents | null => {
  switch (move.kind) {
    case 'ask':
    case 'dispute':
      return move.askCents;
    case 'accept':
    case 'ack':
      return move.cents;
    default:
      return null;
  }
};

/** The creator's own address as their client writes it (in Cc when a manager writes). */
const creatorAddress = (persona: Persona) =>
  persona.fromAddress ?? formatAddress(persona.profile.name, persona.profile.email);

export function createPersonas(options: PersonasOptions) {
  const { mailbox } = options;
  const now = options.now ?? Date.now;
  const delayMs = options.replyDelayMs ?? 0;
  const random = seededRandom(options.seed ?? 1);
  const teamFrom = formatAddress(options.teamName ?? 'Team', mailbox.address);
  const personas = options.personas ?? PERSONAS;

  const conversations = new Map<string, Conversation>();
  const owners = new Map<string, string>();
  for (const persona of personas) {
    if (conversations.has(persona.id)) throw new Error(`two personas with id "${persona.id}"`);
    const addresses = [
      persona.profile.email,
      ...(persona.manager ? [persona.manager.email] : []),
    ].map((a) => a.toLowerCase());
    for (const address of addresses) {
      // Two personas on one address would both answer every email sent to it.
      const owner = owners.get(address);
      if (owner) throw new Error(`personas "${owner}" and "${persona.id}" share ${address}`);
      owners.set(address, persona.id);
    }
    conversations.set(persona.id, {
      persona,
      addresses,
      state: initialState(),
      started: false,
      dormant: persona.responsiveness === 'until-revived',
      missed: [],
      transcript: [],
    });
  }

  /** Message-IDs this engine wrote: the outreach and every reply. Never answered. */
  const authored = new Set<string>();
  const scheduled = new Set<Scheduled>();
  const failures: unknown[] = [];
  let sequence = 0;
  let stopped = false;

  const hex = (length: number) =>
    Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');
  /** Seeded, and unique in the mailbox: its history id and a counter are part of it. */
  const token = () =>
    `${hex(16)}${mailbox.historyId().toString(16).padStart(8, '0')}${(sequence++)
      .toString(16)
      .padStart(4, '0')}`;
  const pick = <T>(choices: readonly [T, ...T[]]): T =>
    choices[Math.floor(random() * choices.length)] ?? choices[0];

  function conversation(personaId: string): Conversation {
    const found = conversations.get(personaId);
    if (!found) throw new Error(`no persona "${personaId}"`);
    return found;
  }

  function record(
    conv: Conversation,
    from: TranscriptEntry['from'],
    message: StoredMessage,
    text: string,
    intent: TranscriptEntry['intent'],
    amountCents: Cents | null,
  ): void {
    conv.transcript.push({
      from,
      id: message.id,
      threadId: message.threadId,
      messageId: headerValue(message.payload.headers, 'Message-ID') ?? '',
      text,
      intent,
      amountCents,
    });
  }

  /**
   * The persona's reply to `replyTo`, as raw RFC 2822 in its client's format, dated `delay` ms
   * from now (when it will reach the mailbox).
   */
  function render(
    conv: Conversation,
    move: Move,
    replyTo: StoredMessage,
    options: { revived: boolean; delay: number },
  ): Rendered {
    const { persona } = conv;
    const headers = replyTo.payload.headers;
    const teamFromHeader = headerValue(headers, 'From') ?? teamFrom;
    const subject = decodeHeader(headerValue(headers, 'Subject') ?? '');
    const references = headerValue(headers, 'References')?.match(/<[^>]+>/g) ?? [];
    // A team email without a Message-ID (left to Gmail to add) cannot be referenced; the newest
    // thread message that has one keeps the reply in the thread.
    const parent =
      headerValue(headers, 'Message-ID') ??
      mailbox
        .thread(replyTo.threadId)
        .map((m) => headerValue(m.payload.headers, 'Message-ID'))
        .filter((id): id is string => id !== undefined)
        .at(-1) ??
      '';
    const sender = senderOf(persona);
    const id = token();
    // The state already counts this reply: it is reply number `replies`, index `replies - 1`.
    const replyIndex = conv.state.replies - 1;
    const styles = persona.amountStyles;
    const ctx: VoiceContext = {
      profile: persona.profile,
      amount: (cents) => writeAmount(cents, styles[replyIndex % styles.length] ?? styles[0]),
      pick,
      revived: options.revived,
    };
    const body = composeBody(persona, move, ctx);
    const messageId = messageIdFor(
      persona.style,
      id,
      addressesIn(sender)[0] ?? persona.profile.email,
    );
    const sentAt = Date.parse(headerValue(headers, 'Date') ?? '');
    const raw = renderEmail(persona.style, {
      from: sender,
      to: teamFromHeader,
      cc: persona.manager ? creatorAddress(persona) : undefined,
      subject: replySubject(persona.style, subject),
      date: new Date(now() + options.delay),
      messageId,
      inReplyTo: parent || undefined,
      references: [...new Set([...references, ...(parent ? [parent] : [])])],
      body,
      signature: persona.voice.signature,
      quoted: {
        from: decodeHeader(teamFromHeader),
        to: decodeHeader(headerValue(headers, 'To') ?? ''),
        date: new Date(Number.isNaN(sentAt) ? replyTo.internalDate : sentAt),
        subject,
        text: bodyText(replyTo.payload).trimEnd(),
      },
      // A manager's first email embeds the creator's forward of the outreach.
      quoteAs: persona.manager && replyIndex === 0 ? 'forward' : 'reply',
      token: id,
    });
    // Registered before delivery: delivering notifies subscribers, this engine included.
    authored.add(messageId);
    return { raw, messageId, inReplyTo: parent, text: body, move };
  }

  function deliver(conv: Conversation, reply: Rendered): StoredMessage {
    const stored = mailbox.deliverRaw(reply.raw);
    record(conv, 'persona', stored, reply.text, reply.move.kind, amountOf(reply.move));
    return stored;
  }

  /** Delivers on the next microtask (never inside the mailbox's own notification) or later. */
  function schedule(conv: Conversation, reply: Rendered): void {
    let resolve: () => void = () => undefined;
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    let timer: NodeJS.Timeout | undefined;
    const entry: Scheduled = {
      personaId: conv.persona.id,
      inReplyTo: reply.inReplyTo,
      dueAt: now() + delayMs,
      done,
      cancel: () => {
        clearTimeout(timer);
        scheduled.delete(entry);
        resolve();
      },
    };
    const run = () => {
      if (!scheduled.delete(entry)) return; // cancelled by stop()
      try {
        deliver(conv, reply);
      } catch (error) {
        failures.push(error);
      } finally {
        resolve();
      }
    };
    scheduled.add(entry);
    if (delayMs > 0) timer = setTimeout(run, delayMs);
    else queueMicrotask(run);
  }

  /** Decides and schedules the persona's answer; false when it stays silent. */
  function answer(
    conv: Conversation,
    message: StoredMessage,
    reading: TeamReading,
    revived: boolean,
  ): boolean {
    const step = nextMove(conv.persona, conv.state, reading);
    conv.state = step.state;
    if (!step.move) return false;
    schedule(conv, render(conv, step.move, message, { revived, delay: delayMs }));
    return true;
  }

  function receive(conv: Conversation, message: StoredMessage): void {
    const words = latestWords(bodyText(message.payload));
    const reading = readTeamEmail(words, conv.state.lastOfferCents);
    record(conv, 'team', message, words, reading.intent, reading.offerCents);
    // Heard even when it will not answer, so a later "following up on our offer" reads as such.
    if (reading.intent === 'offer')
      conv.state = { ...conv.state, lastOfferCents: reading.offerCents };
    if (conv.persona.responsiveness === 'never') return;
    if (conv.dormant) {
      conv.missed.push({ message, reading });
      return;
    }
    answer(conv, message, reading, false);
  }

  const unsubscribe = mailbox.subscribe((message) => {
    if (stopped) return;
    const headers = message.payload.headers;
    const messageId = headerValue(headers, 'Message-ID');
    if (messageId !== undefined && authored.has(messageId)) return;
    // Only what the team sends: a persona's own mail arrives in INBOX.
    if (!message.labelIds.includes('SENT')) return;
    const sender = addressesIn(headerValue(headers, 'From'))[0];
    const recipients = new Set([
      ...addressesIn(headerValue(headers, 'To')),
      ...addressesIn(headerValue(headers, 'Cc')),
    ]);
    for (const conv of conversations.values()) {
      if (sender !== undefined && conv.addresses.includes(sender)) continue;
      if (conv.addresses.some((address) => recipients.has(address))) receive(conv, message);
    }
  });

  return {
    personas,

    profile: (personaId: string): PersonaProfile => conversation(personaId).persona.profile,

    /**
     * Opens a conversation the way the product finds it: the team's outreach already sent (SENT)
     * and the persona's first reply in the inbox, in the same thread. Synchronous.
     */
    start(personaId: string, startOptions: StartOptions = {}): Started {
      if (stopped) throw new Error('the persona engine has been stopped');
      const conv = conversation(personaId);
      if (conv.started) throw new Error(`persona "${personaId}" has already been started`);
      conv.started = true;
      const { profile } = conv.persona;
      const post = POST[profile.platform];
      const outreachId = `<outreach-${token()}@${mailbox.address.split('@')[1] ?? 'brand.test'}>`;
      authored.add(outreachId);
      const outreach = mailbox.send(
        buildMessage({
          from: teamFrom,
          to: formatAddress(profile.name, profile.email),
          subject: startOptions.subject ?? `Collab: one ${post} for our spring campaign`,
          text:
            startOptions.text ??
            `Hi ${profile.name.split(/\s+/)[0]},\n\nWe love your content and would like to work with you on one sponsored ${post} for our spring campaign. Would you be interested? Let us know and we can talk numbers.\n\nBest,\n${options.teamName ?? 'Team'}`,
          messageId: outreachId,
          date: new Date(now()),
        }),
      );
      record(conv, 'team', outreach, latestWords(bodyText(outreach.payload)), 'outreach', null);
      const step = nextMove(conv.persona, conv.state, { intent: 'outreach', offerCents: null });
      conv.state = step.state;
      if (!step.move) throw new Error(`persona "${personaId}" has nothing to say`);
      const reply = render(conv, step.move, outreach, { revived: false, delay: 0 });
      const stored = deliver(conv, reply);
      return {
        personaId,
        threadId: outreach.threadId,
        profile,
        outreach: { id: outreach.id, messageId: outreachId },
        reply: { id: stored.id, messageId: reply.messageId },
      };
    },

    /** Resolves once every scheduled reply is delivered (or cancelled); rethrows a failed one. */
    async settled(): Promise<void> {
      while (scheduled.size > 0) await Promise.all([...scheduled].map((entry) => entry.done));
      if (failures.length > 0) throw failures.shift();
    },

    /** Replies decided but not delivered yet. */
    pending: (): PendingReply[] =>
      [...scheduled].map(({ personaId, inReplyTo, dueAt }) => ({ personaId, inReplyTo, dueAt })),

    /** Both directions, in the order they reached the mailbox. */
    transcript: (personaId: string): TranscriptEntry[] =>
      conversation(personaId).transcript.map((entry) => ({ ...entry })),

    /**
     * Wakes a dormant (`until-revived`) persona. It answers the newest email it missed, about the
     * latest offer among them unless that email agreed or declined. True when a reply is on its
     * way; with nothing missed it simply answers the next email.
     */
    revive(personaId: string): boolean {
      const conv = conversation(personaId);
      if (conv.persona.responsiveness !== 'until-revived' || !conv.dormant) return false;
      conv.dormant = false;
      const latest = conv.missed.at(-1);
      const lastOffer = conv.missed.filter((m) => m.reading.intent === 'offer').at(-1);
      conv.missed = [];
      if (!latest) return false;
      const settledIntent = ['agreement', 'decline'].includes(latest.reading.intent);
      const reading = settledIntent || !lastOffer ? latest.reading : lastOffer.reading;
      return answer(conv, latest.message, reading, true);
    },

    /** Stops listening and cancels replies not yet delivered. */
    stop(): void {
      stopped = true;
      unsubscribe();
      for (const entry of [...scheduled]) entry.cancel();
    },
  };
}

export type Personas = ReturnType<typeof createPersonas>;

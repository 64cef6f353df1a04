/**
 * The vocabulary of scripted influencers: who they are (a row of the influencer sheet), how they
 * negotiate (numbers relative to their own views), how they sound, and which mail client they use.
 */
import type { Cents } from '../../domain/money.js';

export type Platform = 'instagram' | 'tiktok' | 'youtube';

/** What the team's influencer sheet says about the creator. */
export interface PersonaProfile {
  name: string;
  /** The address the sheet holds, lowercase. */
  email: string;
  handle: string;
  platform: Platform;
  averageViews: number;
  /** A fraction: 0.042 is 4.2%. */
  engagementRate: number;
}

/**
 * The persona's money, as CPMs so that asks stay proportional to its views whatever they are:
 * price = views / 1000 × CPM for the one post the sandbox campaigns ask for.
 */
export interface NegotiationTerms {
  /** The first price it names; null when it never names one and waits for an offer. */
  openingCpmCents: number | null;
  /** Its private walk-away price: any offer at or above it is accepted. */
  reservationCpmCents: number;
  /** Share of the distance to the reservation given up on each new offer (0 = never moves). */
  concessionPercent: number;
}

/** How its amounts are written, one style per reply in turn. */
export type AmountStyle =
  | 'dollars' // $1,500
  | 'cents' // $1,500.00
  | 'k' // 1.5k
  | 'usd' // 1500 USD
  | 'usd-grouped' // 1,500 USD
  | 'bare'; // $1500

/** The mail client the persona writes with, which decides MIME shape, quoting and charset. */
export type EmailStyle =
  /** Gmail, plain text only: "On Tue, 24 Nov 2026 at 10:02, Team <…> wrote:" and "> " lines. */
  | 'gmail-text'
  /** Gmail's usual multipart/alternative: the text above plus HTML with a gmail_quote block. */
  | 'gmail-html'
  /** Outlook: text + HTML, quoted-printable, a "From: / Sent: / To: / Subject:" header block. */
  | 'outlook'
  /** Outlook/Exchange sending HTML only, quoted-printable, "-----Original Message-----". */
  | 'outlook-html-only'
  /** iPhone Mail: UTF-8 quoted-printable, "Sent from my iPhone", quoted attribution line. */
  | 'apple-iphone'
  /** Thunderbird in ISO-8859-1 quoted-printable: "On 24/11/2026 10:02, Team wrote:". */
  | 'thunderbird-latin1';

/**
 * When it answers the team: `always`; `never` (ghosts after its first reply); `until-revived`
 * (silent until `revive()`, like a creator back from a trip after the thread went stale).
 */
export type Responsiveness = 'always' | 'never' | 'until-revived';

/** What the persona does in one reply; the voice turns it into words. */
export type Move =
  /** Asks what the budget is, naming no number. */
  | { kind: 'budget-question' }
  /** Asks about the terms (how long the brand uses the post, timeline, payment), no number. */
  | { kind: 'question' }
  /** Names its price: the first time, after conceding, or repeating the last position. */
  | { kind: 'ask'; askCents: Cents; offerCents: Cents | null; phase: 'first' | 'conceded' | 'held' }
  /** Takes the offer (again, when `repeated`: the team asked once more). */
  | { kind: 'accept'; cents: Cents; repeated: boolean }
  /** Thanks for the agreement confirmation and moves to next steps; the last word. */
  | { kind: 'ack'; cents: Cents | null }
  /** The team announced an agreement at an amount the persona never took. */
  | { kind: 'dispute'; claimedCents: Cents; askCents: Cents }
  /** Leaves the conversation: the team declined, or the rounds ran out. */
  | { kind: 'goodbye'; reason: 'declined' | 'too-far' };

export interface VoiceContext {
  profile: PersonaProfile;
  /** An amount in this reply's phrasing ("$1,500", "1.5k", "1500 USD", …). */
  amount: (cents: Cents) => string;
  /** A seeded choice among phrasings, so runs are varied but reproducible. */
  pick: <T>(options: readonly [T, ...T[]]) => T;
  /** The first reply after a long silence (the `late` persona once revived). */
  revived: boolean;
}

type Lines<M> = (move: M, ctx: VoiceContext) => string[];

/** How a persona sounds; every move it does not override uses the shared polite voice. */
export interface Voice {
  greeting?: (ctx: VoiceContext) => string | null;
  say?: { [K in Move['kind']]?: Lines<Extract<Move, { kind: K }>> };
  signOff: (ctx: VoiceContext) => string;
  /** Lines below the "-- " delimiter (or Outlook's block): phone numbers, social links. */
  signature?: string;
  /** Opens the first reply after a long silence (the `late` persona once revived). */
  comeback?: string;
}

export interface Persona {
  /** Stable id used by tests and the demo ("haggler", "ghost", …). */
  id: string;
  /** One line on what it is for, shown by the demo. */
  summary: string;
  profile: PersonaProfile;
  /** The From address as its mail client writes it (display name, any casing); default profile. */
  fromAddress?: string;
  /** A manager who writes on the creator's behalf from another address, copying the creator. */
  manager?: { name: string; email: string };
  /** How the first reply goes: its price, a budget question, or questions about the terms. */
  opensWith: 'ask' | 'budget-question' | 'question';
  terms: NegotiationTerms;
  responsiveness: Responsiveness;
  style: EmailStyle;
  amountStyles: readonly [AmountStyle, ...AmountStyle[]];
  voice: Voice;
  /** Replies after which it stops answering (the last one a goodbye unless it is a deal). */
  maxReplies: number;
}

/** What the persona understood from one of the team's emails. */
export type TeamIntent = 'outreach' | 'offer' | 'follow_up' | 'agreement' | 'decline' | 'message';

export interface TeamReading {
  intent: TeamIntent;
  /** The amount the team offers (or confirms, for an agreement); null when it names none. */
  offerCents: Cents | null;
}

export interface TranscriptEntry {
  from: 'team' | 'persona';
  /** Gmail ids of the stored message. */
  id: string;
  threadId: string;
  /** RFC 822 Message-ID, angle brackets included. */
  messageId: string;
  /** The sender's latest words, quoted history and signature left out. */
  text: string;
  /** Team: what the persona read; persona: the move it made. */
  intent: TeamIntent | Move['kind'];
  /** Team: the amount read; persona: the amount it named or took. */
  amountCents: Cents | null;
}

export interface PendingReply {
  personaId: string;
  /** Message-ID of the team email being answered. */
  inReplyTo: string;
  /** When it will be delivered, on the engine's clock. */
  dueAt: number;
}

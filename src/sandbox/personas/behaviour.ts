/**
 * A persona's negotiation as a pure step: its state and what the team just said in, its move and
 * next state out. The engine owns mail and timing; this owns the haggling.
 */
import type { Cents } from '../../domain/money.js';
import { concede, personaNumbers } from './amounts.js';
import type { Move, Persona, TeamReading } from './types.js';

export interface PersonaState {
  /** Replies sent so far, the first one included. */
  replies: number;
  /** Its current asking price; null until it names one. */
  askCents: Cents | null;
  /** The latest amount the team offered. */
  lastOfferCents: Cents | null;
  /** The offer it took, once it has. */
  acceptedCents: Cents | null;
  /** The question-first persona asks before anything else, once. */
  questionAsked: boolean;
  /** Nothing more to say: agreed and acknowledged, declined, or out of rounds. */
  closed: boolean;
}

export const initialState = (): PersonaState => ({
  replies: 0,
  askCents: null,
  lastOfferCents: null,
  acceptedCents: null,
  questionAsked: false,
  closed: false,
});

export interface Step {
  move: Move | null;
  state: PersonaState;
}

/** The persona's answer to one team email (null: it stays silent). */
export function nextMove(persona: Persona, state: PersonaState, email: TeamReading): Step {
  // The bound holds whatever the team sends: a persona never writes more than maxReplies emails.
  if (state.closed || state.replies >= persona.maxReplies) return { move: null, state };
  const numbers = personaNumbers(persona);
  // A persona that never names a price still has a walk-away point: it asks for exactly that.
  const opening = numbers.openingAskCents ?? numbers.reservationCents;
  const step = (move: Move, changes: Partial<PersonaState> = {}): Step => ({
    move,
    state: { ...state, ...changes, replies: state.replies + 1 },
  });
  const lastReply = state.replies + 1 >= persona.maxReplies;

  if (email.intent === 'decline')
    return step({ kind: 'goodbye', reason: 'declined' }, { closed: true });
  if (email.intent === 'agreement') {
    const claimed = email.offerCents ?? state.acceptedCents ?? state.lastOfferCents;
    const acceptable = Math.min(numbers.reservationCents, state.askCents ?? opening);
    if (claimed === null || claimed >= acceptable || claimed === state.acceptedCents)
      return step({ kind: 'ack', cents: claimed }, { closed: true, acceptedCents: claimed });
    // "Agreed at $1,000" when it never said yes to that: it says so instead of thanking them.
    const ask = state.askCents ?? opening;
    return step({ kind: 'dispute', claimedCents: claimed, askCents: ask }, { askCents: ask });
  }

  if (persona.opensWith === 'question' && !state.questionAsked)
    return step({ kind: 'question' }, { questionAsked: true });

  if (email.intent === 'offer' && email.offerCents !== null) {
    const offer = email.offerCents;
    if (offer >= numbers.reservationCents || (state.askCents !== null && offer >= state.askCents))
      return step(
        { kind: 'accept', cents: offer, repeated: false },
        { acceptedCents: offer, lastOfferCents: offer },
      );
    if (lastReply)
      return step({ kind: 'goodbye', reason: 'too-far' }, { closed: true, lastOfferCents: offer });
    const ask =
      state.askCents === null
        ? opening
        : concede(state.askCents, numbers.reservationCents, persona.terms.concessionPercent);
    const phase = state.askCents === null ? 'first' : ask < state.askCents ? 'conceded' : 'held';
    return step(
      { kind: 'ask', askCents: ask, offerCents: offer, phase },
      { askCents: ask, lastOfferCents: offer },
    );
  }

  // No new number (the outreach, a follow-up, an answer, a holding note): repeat its position.
  if (state.acceptedCents !== null)
    return step({ kind: 'accept', cents: state.acceptedCents, repeated: true });
  if (lastReply) return step({ kind: 'goodbye', reason: 'too-far' }, { closed: true });
  if (state.askCents !== null)
    return step({
      kind: 'ask',
      askCents: state.askCents,
      offerCents: state.lastOfferCents,
      phase: 'held',
    });
  if (persona.opensWith === 'budget-question' && numbers.openingAskCents === null)
    return step({ kind: 'budget-question' });
  return step(
    { kind: 'ask', askCents: opening, offerCents: null, phase: 'first' },
    { askCents: opening },
  );
}

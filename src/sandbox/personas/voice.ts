/**
 * Turning a move into words: the shared polite voice, and the persona's own lines where it has
 * them. Wording avoids the phrases a reader takes as acceptance ("deal", "agreed", "works for me")
 * everywhere except in acceptances, so each email says exactly one thing.
 */
import type { Move, Persona, Platform, VoiceContext } from './types.js';

/** The one deliverable the sandbox campaigns ask for, in the creator's words. */
export const POST: Record<Platform, string> = {
  instagram: 'feed post',
  tiktok: 'TikTok video',
  youtube: 'YouTube video',
};

/** The shared voice, ASCII only so that it fits every charset a persona writes in. */
export function defaultLines(move: Move, ctx: VoiceContext): string[] {
  const post = POST[ctx.profile.platform];
  switch (move.kind) {
    case 'budget-question':
      return [
        ctx.pick([
          `Thanks for reaching out, I'd love to be part of this. What budget did you have in mind for one ${post}?`,
          `Thanks so much for thinking of me! What kind of budget are you working with for one ${post}?`,
        ]),
      ];
    case 'question':
      return [
        `Thanks for getting in touch. Before we talk numbers I have a few questions: how long would the brand keep using the ${post}, and only on its own channels or in ads too? When would it need to go live? And when do you pay, on posting or 30 days after?`,
      ];
    case 'ask':
      if (move.phase === 'first')
        return [`For one ${post} my rate is ${ctx.amount(move.askCents)}.`];
      if (move.phase === 'conceded')
        return [
          ctx.pick([
            `Thanks for the offer. ${ctx.amount(move.offerCents ?? 0)} is a bit low for my audience, though. I can come down to ${ctx.amount(move.askCents)}.`,
            `I appreciate you moving, but I can't go that low. I could do ${ctx.amount(move.askCents)} for the ${post}.`,
          ]),
        ];
      return [
        `Just to confirm where I am: my rate for the ${post} is ${ctx.amount(move.askCents)}.`,
      ];
    case 'accept':
      return move.repeated
        ? [`Yes, as I said, ${ctx.amount(move.cents)} works for me. Happy to go ahead!`]
        : [
            ctx.pick([
              `${ctx.amount(move.cents)} works for me. Happy to go ahead!`,
              `That works for me: ${ctx.amount(move.cents)} for the ${post}. Let's do it!`,
            ]),
          ];
    case 'ack':
      return [
        `Thank you! Looking forward to it. Send over the brief and the next steps whenever you're ready.`,
      ];
    case 'dispute':
      return [
        `Sorry, I think there's been a mix-up: I haven't said yes to ${ctx.amount(move.claimedCents)}. My rate for the ${post} is still ${ctx.amount(move.askCents)}.`,
      ];
    case 'goodbye':
      return move.reason === 'declined'
        ? ['No worries, thanks for letting me know. Good luck with the campaign!']
        : [
            `I think we're too far apart on this one, so I'll pass this time. Thanks for your time, though.`,
          ];
  }
}

/** The persona's words for a move: its own lines when it has them, the shared voice otherwise. */
export function linesFor(persona: Persona, move: Move, ctx: VoiceContext): string[] {
  // The mapped type of `say` pairs each kind with its own move type; TypeScript cannot follow that
  // correlation through an index, so the lookup is widened here, once.
  const own = persona.voice.say?.[move.kind] as
    | ((move: Move, ctx: VoiceContext) => string[])
    | undefined;
  return own ? own(move, ctx) : defaultLines(move, ctx);
}

/** Greeting, the move's lines and the sign-off, as one body. */
export function composeBody(persona: Persona, move: Move, ctx: VoiceContext): string {
  const greeting = persona.voice.greeting ? persona.voice.greeting(ctx) : 'Hi,';
  const comeback = ctx.revived ? (persona.voice.comeback ?? 'Sorry for the slow reply!') : null;
  return [greeting, comeback, ...linesFor(persona, move, ctx), persona.voice.signOff(ctx)]
    .filter((part): part is string => Boolean(part))
    .join('\n\n');
}

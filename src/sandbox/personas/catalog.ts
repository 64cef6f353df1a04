/**
 * The scripted influencers. Their numbers are CPMs against their own views, chosen against the
 * product's defaults (floor CPM $20, ceiling $30, escalate at once above ceiling + 20%), so each
 * one drives the agent down the path it exists for:
 *
 * | id             | opens with        | asks (CPM)       | takes (CPM) | mail client            |
 * |----------------|-------------------|------------------|-------------|------------------------|
 * | accepts-first  | budget question   | –                | anything    | Gmail text + HTML      |
 * | haggler        | its price         | $35, −40%/round  | ≥ $27       | Gmail text, signature  |
 * | firm           | its price         | $60, never moves | ≥ its ask   | Outlook HTML only      |
 * | question-first | terms questions   | $28, −50%/round  | ≥ $24       | Thunderbird ISO-8859-1 |
 * | hostile        | its price, rudely | $40, −25%/round  | ≥ $30       | iPhone Mail            |
 * | legal          | price + clauses   | $25, −50%/round  | ≥ $23       | Outlook text + HTML    |
 * | unusual        | livestream etc.   | $40, −40%/round  | ≥ $28       | iPhone Mail (UTF-8)    |
 * | ghost          | budget question   | then silence     | –           | Gmail text             |
 * | late           | its price         | $25, −50%/round  | ≥ $22       | Gmail text + HTML      |
 * | talent-manager | manager + forward | $33, −40%/round  | ≥ $28       | Gmail, creator in Cc   |
 *
 * Asks are rounded to $50 like people quote them; reservations are exact cents.
 *
 * Long because it is data: ten personas with their profiles, numbers and words.
 */
import { formatAddress } from './formats.js';
import type { Persona } from './types.js';
import { POST } from './voice.js';

const MAX_REPLIES = 8;

export const PERSONAS: readonly Persona[] = [
  {
    id: 'accepts-first',
    summary: 'Asks for the budget, then takes the first offer.',
    profile: {
      name: 'Priya Shah',
      email: 'priya.shah@creators.test',
      handle: '@priyabakes',
      platform: 'instagram',
      averageViews: 40_000,
      engagementRate: 0.051,
    },
    // Her client writes the address with capitals: readers must compare case-insensitively.
    fromAddress: 'Priya Shah <Priya.Shah@Creators.test>',
    opensWith: 'budget-question',
    terms: { openingCpmCents: null, reservationCpmCents: 0, concessionPercent: 0 },
    responsiveness: 'always',
    style: 'gmail-html',
    amountStyles: ['dollars'],
    voice: {
      greeting: (ctx) => ctx.pick(['Hi team,', 'Hello!']),
      say: {
        accept: (move, ctx) => [
          `Amazing, ${ctx.amount(move.cents)} works for me. Happy to go ahead! Send over the brief when you can.`,
        ],
      },
      signOff: () => 'Thanks,\nPriya',
      signature: 'Priya Shah | @priyabakes\ninstagram.com/priyabakes',
    },
    maxReplies: MAX_REPLIES,
  },
  {
    id: 'haggler',
    summary: 'Opens above the ceiling, concedes every round, takes an offer at its reservation.',
    profile: {
      name: 'Marco Rossi',
      email: 'marco@creators.test',
      handle: '@marco.eats',
      platform: 'tiktok',
      averageViews: 80_000,
      engagementRate: 0.034,
    },
    opensWith: 'ask',
    terms: { openingCpmCents: 3500, reservationCpmCents: 2700, concessionPercent: 40 },
    responsiveness: 'always',
    style: 'gmail-text',
    amountStyles: ['dollars', 'k', 'usd', 'cents'],
    voice: {
      greeting: (ctx) => ctx.pick(['Hi there,', 'Hey team,']),
      say: {
        ask: (move, ctx) => {
          const ask = ctx.amount(move.askCents);
          if (move.phase === 'first')
            return [
              `Thanks for reaching out, the campaign looks fun. For one TikTok video my rate is ${ask}.`,
            ];
          if (move.phase === 'held') return [`My number is still ${ask} for the video.`];
          const offer = ctx.amount(move.offerCents ?? 0);
          return [
            ctx.pick([
              `Thanks for coming back to me. ${offer} is below what I usually get for my audience, though. I can meet you partway at ${ask}.`,
              `I hear you, but ${offer} is too low for me. Let's meet in the middle: ${ask}.`,
              `Getting closer! I could do ${ask}, and that's a real discount on my usual rate.`,
            ]),
          ];
        },
        accept: (move, ctx) => [`${ctx.amount(move.cents)} works for me. Let's do it!`],
      },
      signOff: () => 'Cheers,\nMarco',
      signature:
        'Marco Rossi\nFood & travel creator\n+39 333 010 2233\ntiktok.com/@marco.eats | instagram.com/marco.eats',
    },
    maxReplies: MAX_REPLIES,
  },
  {
    id: 'firm',
    summary: 'Asks twice the ceiling and never moves.',
    profile: {
      name: 'Kai Mercer',
      email: 'kai@creators.test',
      handle: '@kaimercer',
      platform: 'youtube',
      averageViews: 120_000,
      engagementRate: 0.06,
    },
    opensWith: 'ask',
    terms: { openingCpmCents: 6000, reservationCpmCents: 6000, concessionPercent: 0 },
    responsiveness: 'always',
    style: 'outlook-html-only',
    amountStyles: ['cents'],
    voice: {
      greeting: () => 'Hello,',
      say: {
        ask: (move, ctx) => {
          const ask = ctx.amount(move.askCents);
          if (move.phase === 'first')
            return [
              `Thank you for reaching out. My rate for one sponsored video is ${ask}. That is my standard rate and it is not negotiable.`,
            ];
          return move.offerCents === null
            ? [`As mentioned, my rate is ${ask} and it is not negotiable.`]
            : [
                `Thank you for your offer of ${ctx.amount(move.offerCents)}. My rate remains ${ask}; it is not negotiable.`,
              ];
        },
        accept: (move, ctx) => [
          `${ctx.amount(move.cents)} is my rate, so that works for me. Happy to proceed.`,
        ],
        goodbye: () => ['Understood. All the best with the campaign.'],
      },
      signOff: () => 'Regards,\nKai Mercer',
      signature: 'Kai Mercer Studio\n+1 (555) 010-7788\nyoutube.com/@kaimercer',
    },
    maxReplies: MAX_REPLIES,
  },
  {
    id: 'question-first',
    summary: 'Asks about usage, timeline and payment before naming a price, then negotiates.',
    profile: {
      name: 'Zoë Laurent',
      email: 'zoe@creators.test',
      handle: '@zoe.cafe',
      platform: 'instagram',
      averageViews: 60_000,
      engagementRate: 0.048,
    },
    opensWith: 'question',
    terms: { openingCpmCents: 2800, reservationCpmCents: 2400, concessionPercent: 50 },
    responsiveness: 'always',
    // Every word below must exist in ISO-8859-1: no em dashes, no curly quotes.
    style: 'thunderbird-latin1',
    amountStyles: ['k', 'dollars'],
    voice: {
      greeting: () => 'Bonjour,',
      say: {
        question: () => [
          'Merci for your email! Before we talk numbers, a few questions: how long would the brand keep using my post, and only on its own channels or in ads too? When would it need to go live? And when do you pay, on posting or 30 days after?',
          'I film everything in my little café in Lyon, so I like to plan ahead.',
        ],
        ask: (move, ctx) =>
          move.phase === 'first'
            ? [
                `Thank you, that answers my questions. For one feed post my fee is ${ctx.amount(move.askCents)}.`,
              ]
            : move.phase === 'conceded'
              ? [
                  `Merci for the offer. I can come down to ${ctx.amount(move.askCents)} for the feed post, not lower.`,
                ]
              : [`My fee for the feed post is still ${ctx.amount(move.askCents)}.`],
        accept: (move, ctx) => [
          `Parfait, ${ctx.amount(move.cents)} works for me. Happy to go ahead!`,
        ],
      },
      signOff: () => 'Merci,\nZoë',
      signature: 'Zoë Laurent\nCafé stories from Lyon\ninstagram.com/zoe.cafe',
    },
    maxReplies: MAX_REPLIES,
  },
  {
    id: 'hostile',
    summary: 'Rude and insulting, concedes grudgingly.',
    profile: {
      name: 'Brock Stone',
      email: 'brock@creators.test',
      handle: '@brockstone',
      platform: 'tiktok',
      averageViews: 30_000,
      engagementRate: 0.021,
    },
    opensWith: 'ask',
    terms: { openingCpmCents: 4000, reservationCpmCents: 3000, concessionPercent: 25 },
    responsiveness: 'always',
    style: 'apple-iphone',
    amountStyles: ['bare'],
    voice: {
      greeting: () => null,
      say: {
        ask: (move, ctx) => {
          const ask = ctx.amount(move.askCents);
          if (move.phase === 'first')
            return [
              `Let's skip the usual lowball games. ${ask} for a TikTok video, take it or leave it.`,
            ];
          if (move.phase === 'held' || move.offerCents === null)
            return [`I already told you: ${ask}. Read your own emails.`];
          return [
            ctx.pick([
              `${ctx.amount(move.offerCents)}? Are you serious? That's an insult to my audience. ${ask}, and stop wasting my time.`,
              `Another lowball. This is ridiculous. ${ask} is my number now, and I'm already doing you a favour.`,
            ]),
          ];
        },
        accept: (move, ctx) => [
          `Fine. Deal at ${ctx.amount(move.cents)}. Don't make me chase the payment.`,
        ],
        ack: () => ['Whatever. Send the brief and pay on time.'],
        dispute: (move, ctx) => [
          `Nice try. I never said yes to ${ctx.amount(move.claimedCents)}. It's ${ctx.amount(move.askCents)}.`,
        ],
        goodbye: (move) =>
          move.reason === 'declined'
            ? ['Your loss.']
            : ['This is a waste of my time. I will pass.'],
      },
      signOff: () => '- B',
    },
    maxReplies: MAX_REPLIES,
  },
  {
    id: 'legal',
    summary: 'Brings in contracts, lawyers, exclusivity, usage rights and indemnification.',
    profile: {
      name: 'Helena Marsh',
      email: 'helena@creators.test',
      handle: '@helenamarsh',
      platform: 'youtube',
      averageViews: 90_000,
      engagementRate: 0.039,
    },
    opensWith: 'ask',
    terms: { openingCpmCents: 2500, reservationCpmCents: 2300, concessionPercent: 50 },
    responsiveness: 'always',
    style: 'outlook',
    amountStyles: ['usd-grouped'],
    voice: {
      greeting: () => 'Dear team,',
      say: {
        ask: (move, ctx) => {
          const ask = ctx.amount(move.askCents);
          if (move.phase === 'first')
            return [
              `Thank you for reaching out about the campaign. My fee for one sponsored video is ${ask}.`,
              'Before anything is signed, my lawyer will need to review the contract. In particular: any exclusivity must be limited to 30 days, usage rights must be limited to organic social media for 90 days, and I will need a mutual indemnification clause.',
            ];
          return move.phase === 'conceded'
            ? [
                `Thank you for your offer. I can reduce my fee to ${ask}, provided the contract terms I set out (exclusivity, usage rights and indemnification) are met.`,
              ]
            : [`My fee remains ${ask}, subject to the contract terms I set out earlier.`];
        },
        accept: (move, ctx) => [
          `Thank you, ${ctx.amount(move.cents)} works for me, subject to my lawyer's review of the contract and the exclusivity, usage rights and indemnification terms I set out earlier.`,
        ],
        ack: () => [
          'Thank you. Please send the contract to my attorney, copying me, and we will review it within five business days.',
        ],
      },
      signOff: () => 'Kind regards,\nHelena Marsh',
      signature: 'Science & tech on YouTube\nM: +44 7700 900123\nyoutube.com/@helenamarsh',
    },
    maxReplies: MAX_REPLIES,
  },
  {
    id: 'unusual',
    summary: 'Wants a livestream, a podcast mention and an in-person event instead of a video.',
    profile: {
      name: 'Jules Park',
      email: 'jules@creators.test',
      handle: '@julesparks',
      platform: 'youtube',
      averageViews: 45_000,
      engagementRate: 0.072,
    },
    opensWith: 'ask',
    terms: { openingCpmCents: 4000, reservationCpmCents: 2800, concessionPercent: 40 },
    responsiveness: 'always',
    style: 'apple-iphone',
    amountStyles: ['k'],
    voice: {
      greeting: () => 'Hi!!',
      say: {
        ask: (move, ctx) => {
          const ask = ctx.amount(move.askCents);
          if (move.phase === 'first')
            return [
              `Love the brand! Instead of a standard sponsored video, how about a 2-hour livestream from my favourite café, a podcast mention and an in-person appearance at your launch event? The whole package would be ${ask}.`,
            ];
          return move.phase === 'conceded'
            ? [
                `I could do ${ask} if the livestream and the podcast mention are in. The in-person event can be a bonus 🎉`,
              ]
            : [`Still ${ask} for the livestream + podcast package!`];
        },
        accept: (move, ctx) => [
          `Yes!! ${ctx.amount(move.cents)} works for me. I'll add a podcast shout-out on top.`,
        ],
      },
      signOff: () => 'xx Jules',
    },
    maxReplies: MAX_REPLIES,
  },
  {
    id: 'ghost',
    summary: 'Answers the outreach, then never replies again.',
    profile: {
      name: 'Gus Hale',
      email: 'gus@creators.test',
      handle: '@gus.outdoors',
      platform: 'instagram',
      averageViews: 25_000,
      engagementRate: 0.028,
    },
    opensWith: 'budget-question',
    terms: { openingCpmCents: null, reservationCpmCents: 0, concessionPercent: 0 },
    responsiveness: 'never',
    style: 'gmail-text',
    amountStyles: ['dollars'],
    voice: {
      greeting: () => null,
      say: {
        'budget-question': () => [
          `hey! sounds interesting, what budget are you working with for a ${POST.instagram}?`,
        ],
      },
      signOff: () => 'Gus',
    },
    maxReplies: MAX_REPLIES,
  },
  {
    id: 'late',
    summary: 'Names a price, goes quiet until revived, then negotiates.',
    profile: {
      name: 'Lena Ortiz',
      email: 'lena@creators.test',
      handle: '@lena.moves',
      platform: 'tiktok',
      averageViews: 70_000,
      engagementRate: 0.044,
    },
    opensWith: 'ask',
    terms: { openingCpmCents: 2500, reservationCpmCents: 2200, concessionPercent: 50 },
    responsiveness: 'until-revived',
    style: 'gmail-html',
    amountStyles: ['dollars', 'cents'],
    voice: {
      greeting: (ctx) => (ctx.revived ? 'Hi again,' : 'Hi!'),
      comeback: "So sorry for the slow reply, I've been travelling with barely any signal.",
      say: {
        ask: (move, ctx) =>
          move.phase === 'first'
            ? [`Yes, I'm interested! My rate for one TikTok video is ${ctx.amount(move.askCents)}.`]
            : [
                `Could you do ${ctx.amount(move.askCents)}? That's the lowest I can go for the video.`,
              ],
      },
      signOff: () => 'Lena',
      signature: 'Lena Ortiz\nDance & fitness | tiktok.com/@lena.moves',
    },
    maxReplies: MAX_REPLIES,
  },
  {
    id: 'talent-manager',
    summary: 'A manager at another address negotiates for the creator, creator in Cc.',
    profile: {
      name: 'Noor Haddad',
      email: 'noor@creators.test',
      handle: '@noorhaddad',
      platform: 'instagram',
      averageViews: 150_000,
      engagementRate: 0.055,
    },
    manager: { name: 'Sam Rivera', email: 'sam@talentco.test' },
    // Copied as her own client knows her address, capitals and all.
    fromAddress: 'Noor Haddad <Noor@Creators.test>',
    opensWith: 'ask',
    terms: { openingCpmCents: 3300, reservationCpmCents: 2800, concessionPercent: 40 },
    responsiveness: 'always',
    style: 'gmail-html',
    amountStyles: ['cents', 'dollars'],
    voice: {
      greeting: () => 'Hi team,',
      say: {
        ask: (move, ctx) => {
          const ask = ctx.amount(move.askCents);
          if (move.phase === 'first')
            return [
              "Noor passed your email on to me. I manage her brand partnerships, so I'll take it from here (Noor is copied).",
              `For one feed post her rate is ${ask}.`,
            ];
          return move.phase === 'conceded'
            ? [
                `I've spoken with Noor. She can come down to ${ask} for the post, which is a real discount on her usual rate.`,
              ]
            : [`Noor's rate for the post is still ${ask}.`];
        },
        accept: (move, ctx) => [
          `Good news: Noor is happy to go ahead at ${ctx.amount(move.cents)}.`,
        ],
        ack: () => ['Thanks! Please send the brief and the paperwork to me, with Noor copied.'],
        dispute: (move, ctx) => [
          `There's been a mix-up: we haven't said yes to ${ctx.amount(move.claimedCents)}. Noor's rate is still ${ctx.amount(move.askCents)}.`,
        ],
        goodbye: (move) =>
          move.reason === 'declined'
            ? ["Understood, thanks for letting us know. Let's keep in touch for future campaigns."]
            : ["We're too far apart this time, so we'll pass. Thanks for thinking of Noor."],
      },
      signOff: () => 'Best,\nSam',
      signature:
        'Sam Rivera | Talent Manager, TalentCo\n+1 (555) 010-4477\ntalentco.test/roster/noor',
    },
    maxReplies: MAX_REPLIES,
  },
];

export type PersonaId =
  | 'accepts-first'
  | 'haggler'
  | 'firm'
  | 'question-first'
  | 'hostile'
  | 'legal'
  | 'unusual'
  | 'ghost'
  | 'late'
  | 'talent-manager';

/** A built-in persona by id. */
export function personaById(id: PersonaId): Persona {
  const found = PERSONAS.find((p) => p.id === id);
  if (!found) throw new Error(`no persona "${id}"`);
  return found;
}

/** The From header a persona's mail client writes (the manager's, when a manager writes). */
export function senderOf(persona: Persona): string {
  if (persona.manager) return formatAddress(persona.manager.name, persona.manager.email);
  if (persona.fromAddress) return persona.fromAddress;
  const charset = persona.style === 'thunderbird-latin1' ? 'ISO-8859-1' : 'UTF-8';
  return formatAddress(persona.profile.name, persona.profile.email, charset);
}

import type { gmail_v1 } from 'googleapis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readEmail, writeEmail } from '../../src/sandbox/anthropic/scripted-model.js';
import { type GoogleEmulator, startGoogleEmulator } from '../../src/sandbox/google/emulator.js';
import { createMailbox, type Mailbox } from '../../src/sandbox/google/mailbox.js';
import {
  buildMessage,
  encodeHeaderQ,
  encodeQuotedPrintable,
  headerValue,
  parseMime,
} from '../../src/sandbox/google/mime.js';
import {
  addressesIn,
  createPersonas,
  DEFAULT_CEILING_CPM_CENTS,
  htmlToText,
  latestWords,
  offeredAmounts,
  PERSONAS,
  type Personas,
  type PersonasOptions,
  personaNumbers,
  personaSpreadsheet,
  priceAtCpm,
  readTeamEmail,
  writeAmount,
} from '../../src/sandbox/personas/index.js';
import { sandboxGmail } from '../support/google.js';

/** Tue, 24 Nov 2026 10:02 UTC: every Date header and attribution line is fixed. */
const NOW = Date.UTC(2026, 10, 24, 10, 2);
const TEAM = 'Team <team@brand.test>';
const GMAIL_ATTRIBUTION = 'On Tue, 24 Nov 2026 at 10:02, Team <team@brand.test> wrote:';

let emulator: GoogleEmulator;
let gmail: gmail_v1.Gmail;
let engine: Personas | undefined;

beforeAll(async () => {
  emulator = await startGoogleEmulator({ now: () => NOW });
  gmail = sandboxGmail(emulator);
});
afterAll(async () => {
  await emulator.close();
});
// One engine at a time: a leftover one would answer the same addresses a second time.
afterEach(() => {
  engine?.stop();
  engine = undefined;
});

function personasOn(options: Partial<PersonasOptions> = {}): Personas {
  engine = createPersonas({ mailbox: emulator.mailbox, now: () => NOW, ...options });
  return engine;
}

const header = (headers: Array<{ name?: string | null; value?: string | null }> = [], name = '') =>
  headers.find((h) => h.name?.toLowerCase() === name.toLowerCase())?.value ?? undefined;

/** A text part decoded by its own charset, independently of the engine's reader. */
function decode(part: gmail_v1.Schema$MessagePart): string {
  const charset = /charset="?([^";]+)/i.exec(header(part.headers ?? [], 'Content-Type') ?? '')?.[1];
  return new TextDecoder(charset ?? 'utf-8')
    .decode(Buffer.from(part.body?.data ?? '', 'base64url'))
    .replace(/\r\n/g, '\n');
}

function findPart(
  part: gmail_v1.Schema$MessagePart,
  mimeType: string,
): gmail_v1.Schema$MessagePart | undefined {
  if (part.mimeType === mimeType) return part;
  for (const child of part.parts ?? []) {
    const found = findPart(child, mimeType);
    if (found) return found;
  }
  return undefined;
}

interface Reply {
  id: string;
  labelIds: string[];
  header: (name: string) => string | undefined;
  payload: gmail_v1.Schema$MessagePart;
  raw: string;
  /** The text/plain part decoded, else the HTML part as text. */
  text: string;
  html: string | undefined;
  /** What the sandbox model of the agent's reader takes from it. */
  reading: ReturnType<typeof readEmail>;
}

async function fetchReply(id: string): Promise<Reply> {
  const [{ data: full }, { data: raw }] = await Promise.all([
    gmail.users.messages.get({ userId: 'me', id, format: 'full' }),
    gmail.users.messages.get({ userId: 'me', id, format: 'raw' }),
  ]);
  const payload = full.payload ?? {};
  const plain = findPart(payload, 'text/plain');
  const htmlPart = findPart(payload, 'text/html');
  const html = htmlPart ? decode(htmlPart) : undefined;
  const text = plain ? decode(plain) : htmlToText(html ?? '');
  return {
    id,
    labelIds: full.labelIds ?? [],
    header: (name) => header(payload.headers ?? [], name),
    payload,
    raw: Buffer.from(raw.raw ?? '', 'base64url').toString('utf8'),
    text,
    html,
    reading: readEmail(text),
  };
}

let sentCount = 0;

/**
 * A conversation opened by `start`, with the agent's side sent through googleapis. `send` answers
 * the persona's latest email and returns the persona's reply, or null when it stays silent.
 */
function conversation(personas: Personas, personaId: string) {
  const started = personas.start(personaId);
  let parent = started.reply.id;
  return {
    started,
    first: () => fetchReply(started.reply.id),
    async send(text: string, options: { to?: string; cc?: string } = {}): Promise<Reply | null> {
      const { data: previous } = await gmail.users.messages.get({
        userId: 'me',
        id: parent,
        format: 'metadata',
        metadataHeaders: ['Message-ID', 'References', 'Subject'],
      });
      const h = (name: string) => header(previous.payload?.headers ?? [], name);
      const messageId = `<neg-${++sentCount}@negotiator>`;
      const raw = buildMessage({
        from: TEAM,
        to: options.to ?? started.profile.email,
        ...(options.cc ? { cc: options.cc } : {}),
        subject: `Re: ${(h('Subject') ?? '').replace(/^(re|aw):\s*/i, '')}`,
        text,
        inReplyTo: h('Message-ID'),
        references: [h('References'), h('Message-ID')].filter(Boolean).join(' '),
        messageId,
        date: new Date(NOW),
      });
      const sent = await gmail.users.messages.send({
        userId: 'me',
        requestBody: { raw: Buffer.from(raw).toString('base64url'), threadId: started.threadId },
      });
      expect(sent.data.threadId).toBe(started.threadId);
      await personas.settled();
      const { data: thread } = await gmail.users.threads.get({
        userId: 'me',
        id: started.threadId,
        format: 'minimal',
      });
      const newest = thread.messages?.at(-1);
      if (!newest?.id || newest.id === sent.data.id) return null;
      parent = newest.id;
      const reply = await fetchReply(newest.id);
      expect(reply.labelIds).toContain('INBOX');
      expect(reply.header('In-Reply-To')).toBe(messageId);
      expect(reply.header('References')).toContain(messageId);
      return reply;
    },
  };
}

const offer = (amount: string) =>
  `Hi,\n\nThanks for getting back to us. For the post we can offer ${amount}.\n\nBest,\nTeam`;

describe('persona definitions', () => {
  it('has the ten stable ids, one address each, and sheet rows a person would type', () => {
    expect(PERSONAS.map((p) => p.id)).toEqual([
      'accepts-first',
      'haggler',
      'firm',
      'question-first',
      'hostile',
      'legal',
      'unusual',
      'ghost',
      'late',
      'talent-manager',
    ]);
    const addresses = PERSONAS.flatMap((p) => [p.profile.email, p.manager?.email ?? []].flat());
    expect(new Set(addresses).size).toBe(addresses.length);
    const rows = personaSpreadsheet().sheets[0]?.rows ?? [];
    expect(rows[2]).toEqual([
      'Marco Rossi',
      'marco@creators.test',
      '@marco.eats',
      'TikTok',
      { formatted: '80,000', value: 80_000 },
      { formatted: '3.4%', value: 0.034 },
    ]);
  });

  it('sets every ask relative to the views, so default bounds send each persona its own way', () => {
    const numbers = Object.fromEntries(PERSONAS.map((p) => [p.id, personaNumbers(p)]));
    for (const n of Object.values(numbers)) {
      expect(Number.isSafeInteger(n.reservationCents)).toBe(true);
      if (n.openingAskCents !== null) expect(n.openingAskCents % 5000).toBe(0);
    }
    const haggler = numbers.haggler;
    // Above the ceiling but within the 20% escalation margin: the agent counters, not escalates.
    expect(haggler?.openingAskCents).toBeGreaterThan(haggler?.ceilingCents ?? 0);
    expect(haggler?.openingAskCents).toBeLessThanOrEqual((haggler?.ceilingCents ?? 0) * 1.2);
    expect(haggler?.reservationCents).toBeGreaterThan(haggler?.floorCents ?? 0);
    expect(haggler?.reservationCents).toBeLessThan(haggler?.ceilingCents ?? 0);
    expect(numbers.firm?.openingAskCents).toBe(720_000);
    expect(numbers.firm?.openingAskCents).toBeGreaterThanOrEqual(
      2 * priceAtCpm(120_000, DEFAULT_CEILING_CPM_CENTS),
    );
    expect(numbers['accepts-first']).toMatchObject({ openingAskCents: null, reservationCents: 0 });
    expect(
      ['haggler', 'legal', 'late', 'question-first', 'talent-manager'].map((id) => [
        id,
        numbers[id]?.openingAskCents,
        numbers[id]?.reservationCents,
      ]),
    ).toEqual([
      ['haggler', 280_000, 216_000],
      ['legal', 225_000, 207_000],
      ['late', 175_000, 154_000],
      ['question-first', 170_000, 144_000],
      ['talent-manager', 495_000, 420_000],
    ]);
  });

  it('writes amounts the ways influencers do, and every way parses back', () => {
    expect(
      (['dollars', 'cents', 'k', 'usd', 'usd-grouped', 'bare'] as const).map((style) =>
        writeAmount(255_000, style),
      ),
    ).toEqual(['$2,550', '$2,550.00', '2.55k', '2550 USD', '2,550 USD', '$2550']);
    expect(writeAmount(80_000, 'k')).toBe('$800');
    expect(writeAmount(154_050, 'usd')).toBe('1540.50 USD');
  });
});

describe('reading the team email', () => {
  it('compares addresses without display names or case', () => {
    expect(
      addressesIn('"Shah, Priya" <PRIYA.SHAH@Creators.test>, sam@talentco.test (Sam), x'),
    ).toEqual(['priya.shah@creators.test', 'sam@talentco.test']);
  });

  it('reads the offered amount in any format, not quoted history, their ask or a CPM', () => {
    expect(offeredAmounts('We can offer $1,250 / $1,250.00 / 1.25k / 1250 USD.')).toEqual([
      125_000, 125_000, 125_000, 125_000,
    ]);
    expect(offeredAmounts('You asked for $2,800; we can offer 1.6k, a $20 CPM.')).toEqual([
      160_000,
    ]);
    const words = latestWords(`We can do $2,000.\n\n${GMAIL_ATTRIBUTION}\n> My rate is $2,800.\n`);
    expect(readTeamEmail(words, null)).toEqual({ intent: 'offer', offerCents: 200_000 });
    expect(latestWords('Fine by us.\n\nFrom: Marco\nSent: Tuesday\nTo: Team\n\n$2,800')).toBe(
      'Fine by us.',
    );
  });

  it("understands each kind of email the sandbox's agent writes", () => {
    const draft = (kind: Parameters<typeof writeEmail>[0]['kind']) =>
      writeEmail({ kind, offer_cents: 160_000, influencer_name: 'Marco Rossi' }).body;
    expect(readTeamEmail(draft('opening'), null)).toEqual({ intent: 'offer', offerCents: 160_000 });
    expect(readTeamEmail(draft('counter'), 120_000).intent).toBe('offer');
    expect(readTeamEmail(draft('agreement'), 160_000)).toEqual({
      intent: 'agreement',
      offerCents: 160_000,
    });
    expect(readTeamEmail(draft('follow_up'), 160_000).intent).toBe('follow_up');
    expect(readTeamEmail(draft('decline'), 160_000).intent).toBe('decline');
    expect(readTeamEmail(draft('holding'), 160_000).intent).toBe('message');
    // "Our offer of $1,600 stands": the same offer again is not a new round.
    expect(readTeamEmail(draft('answer'), 160_000).intent).toBe('message');
  });
});

describe('persona conversations through googleapis', () => {
  it('start: outreach SENT, the first reply in INBOX in the same thread, in character', async () => {
    const personas = personasOn();
    const expected: Record<string, (r: Reply) => void> = {
      'accepts-first': (r) => expect(r.reading).toMatchObject({ intent: 'question' }),
      haggler: (r) => expect(r.reading.proposed_rate_cents).toBe(280_000),
      firm: (r) => expect(r.reading.proposed_rate_cents).toBe(720_000),
      'question-first': (r) =>
        expect(r.reading).toMatchObject({ intent: 'question', proposed_rate_cents: null }),
      hostile: (r) => expect(r.reading.triggers.map((t) => t.kind)).toEqual(['hostile_tone']),
      legal: (r) => expect(r.reading.triggers.map((t) => t.kind)).toEqual(['legal_language']),
      unusual: (r) =>
        expect(r.reading.triggers.map((t) => t.kind)).toEqual(['unusual_deliverables']),
      ghost: (r) => expect(r.reading).toMatchObject({ intent: 'question' }),
      late: (r) => expect(r.reading).toMatchObject({ intent: 'counter' }),
      'talent-manager': (r) => expect(r.reading.proposed_rate_cents).toBe(495_000),
    };
    for (const persona of PERSONAS) {
      const started = personas.start(persona.id);
      expect(started.profile).toBe(persona.profile);
      const { data: thread } = await gmail.users.threads.get({
        userId: 'me',
        id: started.threadId,
      });
      expect(thread.messages?.map((m) => [m.id, m.labelIds])).toEqual([
        [started.outreach.id, ['SENT']],
        [started.reply.id, ['INBOX', 'UNREAD']],
      ]);
      const reply = await fetchReply(started.reply.id);
      expect(reply.header('In-Reply-To')).toBe(started.outreach.messageId);
      expect(reply.header('Subject')).toMatch(/^(Re|RE): Collab: one .+ for our spring campaign$/);
      expect(reply.header('To')).toBe(TEAM);
      expect(addressesIn(reply.header('From'))).toEqual([
        persona.manager?.email ?? persona.profile.email,
      ]);
      expected[persona.id]?.(reply);
    }
    expect(personas.pending()).toEqual([]);
  });

  it('haggler (Gmail text, signature): concedes each round, accepts at its reservation, acks once', async () => {
    const personas = personasOn();
    const talk = conversation(personas, 'haggler');
    const first = await talk.first();
    expect(first.reading.proposed_rate_cents).toBe(280_000);

    const asks = [first.reading.proposed_rate_cents];
    const second = await talk.send(offer('$1,600'));
    asks.push(second?.reading.proposed_rate_cents ?? null);
    const third = await talk.send(offer('$2,000'));
    asks.push(third?.reading.proposed_rate_cents ?? null);
    expect(asks).toEqual([280_000, 255_000, 240_000]);
    // Amount phrasings vary from round to round.
    expect(second?.text).toContain('2.55k');
    expect(third?.text).toContain('2400 USD');

    // Gmail plain text: one text/plain part, the agent's email quoted under its attribution.
    expect(third?.payload.mimeType).toBe('text/plain');
    expect(third?.text).toContain(`${GMAIL_ATTRIBUTION}\n\n> Hi,\n>\n> Thanks for getting back`);
    expect(third?.text).toContain(
      '> Thanks for getting back to us. For the post we can offer $2,000.',
    );
    expect(third?.text).toMatch(
      /\n-- \nMarco Rossi\n.*\n\+39 333 010 2233\ntiktok\.com\/@marco\.eats/,
    );
    expect(third?.raw).toContain('Content-Transfer-Encoding: quoted-printable');
    expect(third?.raw).toContain('--=20\r\n');

    // $2,200 is below its ask but at or above its reservation ($2,160): it takes it.
    const accepted = await talk.send(offer('$2,200'));
    expect(accepted?.reading).toMatchObject({ intent: 'accept', proposed_rate_cents: 220_000 });
    expect(accepted?.text).toContain('$2,200.00 works for me');

    const ack = await talk.send(
      'Wonderful, we are agreed at $2,200 for one TikTok video. We will send the brief next.',
    );
    expect(ack?.text).toMatch(/Looking forward to it/);
    expect(await talk.send('Just checking in on the brief!')).toBeNull();
    expect(personas.transcript('haggler').map((e) => `${e.from}:${e.intent}`)).toEqual([
      'team:outreach',
      'persona:ask',
      'team:offer',
      'persona:ask',
      'team:offer',
      'persona:ask',
      'team:offer',
      'persona:accept',
      'team:agreement',
      'persona:ack',
      'team:follow_up',
    ]);
  });

  it('haggler disputes an agreement at an amount it never took', async () => {
    const talk = conversation(personasOn(), 'haggler');
    const reply = await talk.send('Great, we are agreed at $1,000 for the video.');
    expect(reply?.text).toContain("I haven't said yes to 1k");
    expect(reply?.reading).toMatchObject({ intent: 'counter', proposed_rate_cents: 280_000 });
  });

  it('firm (Outlook HTML only, quoted-printable): never moves, leaves after a decline', async () => {
    const personas = personasOn();
    const talk = conversation(personas, 'firm');
    const replies = [
      await talk.first(),
      await talk.send(offer('$3,600')),
      await talk.send('Just following up on our offer of $3,600. Any thoughts?'),
      await talk.send(offer('$4,000')),
    ];
    expect(replies.map((r) => r?.reading.proposed_rate_cents)).toEqual([
      720_000, 720_000, 720_000, 720_000,
    ]);
    const last = replies[3];
    expect(last?.payload.mimeType).toBe('text/html');
    expect(last?.payload.parts).toBeUndefined();
    expect(last?.header('Content-Transfer-Encoding')).toBe('quoted-printable');
    expect(last?.header('Subject')).toMatch(/^RE: /);
    expect(last?.raw).toContain('<p>-----Original Message-----<br>');
    expect(last?.raw).toContain('=3D'); // HTML attributes, quoted-printable
    expect(last?.html).toContain('Sent: Tuesday, November 24, 2026 10:02 AM');
    expect(last?.text).toContain(
      'Thank you for your offer of $4,000.00. My rate remains $7,200.00',
    );

    const goodbye = await talk.send(
      'Thank you for your time. Unfortunately we cannot make the numbers work for this campaign.',
    );
    expect(goodbye?.text).toContain('All the best');
    expect(await talk.send(offer('$5,000'))).toBeNull();
  });

  it('question-first (Thunderbird, ISO-8859-1): asks, names its price when answered, then deals', async () => {
    const talk = conversation(personasOn(), 'question-first');
    const question = await talk.first();
    expect(question.reading).toMatchObject({ intent: 'question', proposed_rate_cents: null });
    expect(question.text).toMatch(/how long would the brand keep using my post/);

    const priced = await talk.send(
      'Good questions! Organic use on our channels for 30 days, live in March, paid on posting.',
    );
    expect(priced?.reading).toMatchObject({ intent: 'counter', proposed_rate_cents: 170_000 });
    const part = priced?.payload;
    expect(header(part?.headers ?? [], 'Content-Type')).toBe('text/plain; charset=ISO-8859-1');
    expect(priced?.raw).toContain('Caf=E9 stories');
    expect(priced?.raw).toContain('Zo=EB');
    expect(priced?.raw).toMatch(/^From: =\?ISO-8859-1\?Q\?Zo=EB_Laurent\?= <zoe@creators\.test>/m);
    expect(priced?.text).toContain('Merci,\nZoë\n\n-- \nZoë Laurent\nCafé stories');
    expect(priced?.text).toContain('On 24/11/2026 10:02, Team wrote:\n> Good questions!');

    const countered = await talk.send(offer('$1,200'));
    expect(countered?.reading.proposed_rate_cents).toBe(155_000);
    const accepted = await talk.send(offer('$1,500'));
    expect(accepted?.reading).toMatchObject({ intent: 'accept', proposed_rate_cents: 150_000 });
  });

  it('hostile (iPhone Mail): insults, concedes grudgingly, takes its reservation', async () => {
    const talk = conversation(personasOn(), 'hostile');
    const countered = await talk.send(offer('$600'));
    expect(countered?.reading.triggers.map((t) => t.kind)).toContain('hostile_tone');
    expect(countered?.reading.proposed_rate_cents).toBe(115_000);
    expect(countered?.text).toContain('$1150');
    expect(countered?.text).toContain(
      '\n\nSent from my iPhone\n\n> On 24 Nov 2026, at 10:02, Team <team@brand.test> wrote:\n>\n> Hi,',
    );
    expect(countered?.header('X-Mailer')).toMatch(/^iPhone Mail/);
    const accepted = await talk.send(offer('$900'));
    expect(accepted?.reading).toMatchObject({ intent: 'accept', proposed_rate_cents: 90_000 });
  });

  it('legal (Outlook text + HTML): contract clauses, quoted-printable, header-block quoting', async () => {
    const talk = conversation(personasOn(), 'legal');
    const first = await talk.first();
    expect(first.reading.triggers[0]?.evidence).toMatch(/lawyer|contract/);
    expect(first.text).toMatch(/exclusivity.*usage rights.*indemnification/s);
    const countered = await talk.send(offer('$1,800'));
    expect(countered?.payload.mimeType).toBe('multipart/alternative');
    expect(countered?.payload.parts?.map((p) => p.mimeType)).toEqual(['text/plain', 'text/html']);
    for (const p of countered?.payload.parts ?? [])
      expect(header(p.headers ?? [], 'Content-Transfer-Encoding')).toBe('quoted-printable');
    expect(countered?.text).toContain(
      'From: Team <team@brand.test>\nSent: Tuesday, November 24, 2026 10:02 AM\nTo: helena@creators.test\nSubject: Re: Collab',
    );
    expect(countered?.html).toContain('<b>From:</b> Team &lt;team@brand.test&gt;');
    expect(countered?.reading).toMatchObject({ intent: 'counter', proposed_rate_cents: 215_000 });
    expect(countered?.text).toContain('2,150 USD');
    const accepted = await talk.send(offer('$2,150'));
    expect(accepted?.reading).toMatchObject({ intent: 'accept', proposed_rate_cents: 215_000 });
    expect(accepted?.reading.triggers.map((t) => t.kind)).toContain('legal_language');
  });

  it('unusual (iPhone Mail, UTF-8): livestream, podcast and in-person event instead of a video', async () => {
    const talk = conversation(personasOn(), 'unusual');
    const first = await talk.first();
    expect(first.reading.deliverable_changes.join(' ')).toMatch(/livestream/);
    expect(first.raw).toContain('Content-Type: text/plain; charset=utf-8');
    expect(first.raw).toContain('caf=C3=A9');
    expect(first.text).toContain('my favourite café');
    const countered = await talk.send(offer('$900'));
    expect(countered?.reading).toMatchObject({ intent: 'counter', proposed_rate_cents: 160_000 });
    expect(countered?.text).toContain('1.6k if the livestream');
  });

  it('ghost: answers the outreach, then never again', async () => {
    const personas = personasOn();
    const talk = conversation(personas, 'ghost');
    expect((await talk.first()).reading.intent).toBe('question');
    expect(await talk.send(offer('$500'))).toBeNull();
    expect(await talk.send('Just following up on our offer of $500.')).toBeNull();
    expect(personas.revive('ghost')).toBe(false);
    expect(personas.transcript('ghost').map((e) => `${e.from}:${e.intent}`)).toEqual([
      'team:outreach',
      'persona:budget-question',
      'team:offer',
      'team:follow_up',
    ]);
  });

  it('late (Gmail HTML): silent until revived, then answers the newest email about the offer', async () => {
    const personas = personasOn();
    const talk = conversation(personas, 'late');
    expect((await talk.first()).reading.proposed_rate_cents).toBe(175_000);
    expect(await talk.send(offer('$1,400'))).toBeNull();
    expect(await talk.send('Just following up on our offer of $1,400.')).toBeNull();
    expect(personas.pending()).toEqual([]);

    expect(personas.revive('late')).toBe(true);
    await personas.settled();
    const newest = personas.transcript('late').at(-1);
    expect(newest).toMatchObject({ from: 'persona', intent: 'ask', amountCents: 165_000 });
    const revived = await fetchReply(newest?.id ?? '');
    expect(revived.text).toMatch(/^Hi again,\n\nSo sorry for the slow reply/);
    expect(revived.reading.proposed_rate_cents).toBe(165_000);
    expect(revived.header('In-Reply-To')).toMatch(/^<neg-\d+@negotiator>$/);
    // Gmail's usual shape: text and HTML alternatives, the HTML quoting in a gmail_quote block.
    expect(revived.payload.parts?.map((p) => p.mimeType)).toEqual(['text/plain', 'text/html']);
    expect(revived.html).toContain('<div class="gmail_quote gmail_quote_container">');
    expect(revived.html).toContain('<blockquote class="gmail_quote"');
    expect(revived.text).toContain(`${GMAIL_ATTRIBUTION}\n\n> Just following up`);
    expect(personas.revive('late')).toBe(false);
  });

  it('talent-manager: the manager writes for the creator, creator in Cc, same thread', async () => {
    const personas = personasOn();
    const talk = conversation(personas, 'talent-manager');
    const first = await talk.first();
    expect(first.header('From')).toBe('Sam Rivera <sam@talentco.test>');
    expect(first.header('Cc')).toBe('Noor Haddad <Noor@Creators.test>');
    expect(first.text).toContain(
      '---------- Forwarded message ---------\nFrom: Team <team@brand.test>\nDate: Tue, 24 Nov 2026 at 10:02\nSubject: Collab: one feed post for our spring campaign\nTo: Noor Haddad <noor@creators.test>\n\n\nHi Noor,',
    );
    expect(first.text).toMatch(
      /\n-- \nSam Rivera \| Talent Manager, TalentCo\n\+1 \(555\) 010-4477/,
    );

    // Both of the persona's addresses are on the email: one answer, from the manager.
    const countered = await talk.send(offer('$3,000'), {
      to: 'Sam Rivera <SAM@talentco.test>',
      cc: 'Noor Haddad <noor@creators.test>',
    });
    expect(countered?.header('From')).toBe('Sam Rivera <sam@talentco.test>');
    expect(countered?.header('Cc')).toBe('Noor Haddad <Noor@Creators.test>');
    expect(countered?.reading.proposed_rate_cents).toBe(465_000);
    // Writing to the creator alone still reaches the manager.
    const again = await talk.send(offer('$3,750'), { to: 'noor@creators.test' });
    expect(again?.header('From')).toBe('Sam Rivera <sam@talentco.test>');
    expect(again?.reading.proposed_rate_cents).toBe(445_000);
    expect(personas.transcript('talent-manager').filter((e) => e.from === 'persona')).toHaveLength(
      3,
    );
  });

  it('accepts-first answers a differently cased display-name address and takes the first offer', async () => {
    const personas = personasOn();
    const talk = conversation(personas, 'accepts-first');
    const first = await talk.first();
    expect(first.header('From')).toBe('Priya Shah <Priya.Shah@Creators.test>');
    const nudge = await talk.send('Just checking in: are you still interested?', {
      to: 'PRIYA SHAH <PRIYA.SHAH@CREATORS.TEST>',
    });
    expect(nudge?.reading.intent).toBe('question');
    const accepted = await talk.send(offer('$800'), {
      to: '"Shah, Priya" <priya.shah@creators.test>',
    });
    expect(accepted?.reading).toMatchObject({ intent: 'accept', proposed_rate_cents: 80_000 });
    expect(
      await talk.send('Thanks for taking the time. We have decided not to go ahead.'),
    ).not.toBeNull();
    expect(await talk.send(offer('$900'))).toBeNull();
  });
});

describe('persona engine', () => {
  // Direct sends go to private mailboxes, so their ids may repeat between runs (and must, below).
  let directCount = 0;
  /** The agent's email straight into the mailbox (no HTTP): fast, for engine mechanics. */
  function sendDirect(
    mailbox: Mailbox,
    to: string,
    text: string,
    threadId: string,
    parent: string,
  ) {
    const subject = headerValue(
      mailbox.byRfc822Id(parent)[0]?.payload.headers ?? [],
      'Subject',
    )?.replace(/^(re|aw):\s*/i, '');
    return mailbox.send(
      buildMessage({
        from: TEAM,
        to,
        subject: `Re: ${subject ?? ''}`,
        text,
        inReplyTo: parent,
        references: parent,
        messageId: `<direct-${++directCount}@negotiator>`,
        date: new Date(NOW),
      }),
      threadId,
    );
  }

  it('replies on a microtask, never inside the mailbox notification that carried the email', async () => {
    const mailbox = createMailbox({ now: () => NOW });
    const personas = createPersonas({ mailbox, now: () => NOW });
    const started = personas.start('haggler');
    const seen: string[] = [];
    mailbox.subscribe((m) => seen.push(m.labelIds[0] ?? ''));
    sendDirect(
      mailbox,
      'marco@creators.test',
      offer('$1,600'),
      started.threadId,
      started.reply.messageId,
    );
    expect(seen).toEqual(['SENT']);
    expect(personas.pending()).toHaveLength(1);
    await personas.settled();
    expect(seen).toEqual(['SENT', 'INBOX']);
    expect(mailbox.thread(started.threadId)).toHaveLength(4);
    personas.stop();
  });

  it('waits replyDelayMs, lists pending replies, and stop() cancels those not delivered', async () => {
    const mailbox = createMailbox({ now: () => NOW });
    const personas = createPersonas({ mailbox, now: () => NOW, replyDelayMs: 20 });
    const started = personas.start('haggler');
    const sent = sendDirect(
      mailbox,
      'marco@creators.test',
      offer('$1,600'),
      started.threadId,
      started.reply.messageId,
    );
    await Promise.resolve();
    expect(personas.pending()).toEqual([
      {
        personaId: 'haggler',
        inReplyTo: headerValue(sent.payload.headers, 'Message-ID'),
        dueAt: NOW + 20,
      },
    ]);
    expect(mailbox.thread(started.threadId)).toHaveLength(3);
    await personas.settled();
    expect(mailbox.thread(started.threadId)).toHaveLength(4);
    const reply = mailbox.thread(started.threadId).at(-1);
    expect(headerValue(reply?.payload.headers ?? [], 'Date')).toBe(
      'Tue, 24 Nov 2026 10:02:00 +0000',
    );

    const parent = headerValue(reply?.payload.headers ?? [], 'Message-ID') ?? '';
    sendDirect(mailbox, 'marco@creators.test', offer('$2,000'), started.threadId, parent);
    expect(personas.pending()).toHaveLength(1);
    personas.stop();
    expect(personas.pending()).toEqual([]);
    await personas.settled();
    expect(mailbox.thread(started.threadId)).toHaveLength(5);
    sendDirect(mailbox, 'marco@creators.test', offer('$2,100'), started.threadId, parent);
    expect(personas.pending()).toEqual([]);
  });

  it('ignores its own mail, inbound mail, mail to others, and stops after its last round', async () => {
    const mailbox = createMailbox({ now: () => NOW });
    const personas = createPersonas({ mailbox, now: () => NOW });
    const started = personas.start('haggler');
    const before = mailbox.all().length;
    mailbox.deliver({ from: 'Marco <marco@creators.test>', subject: 'Hi', text: 'Offer $1,000?' });
    mailbox.send(buildMessage({ from: TEAM, to: 'someone@else.test', subject: 'x', text: '$900' }));
    // Sent from the mailbox but written as the persona: not the team talking to it.
    mailbox.send(
      buildMessage({
        from: 'marco@creators.test',
        to: 'marco@creators.test',
        subject: 'x',
        text: 'x',
      }),
    );
    await personas.settled();
    expect(mailbox.all()).toHaveLength(before + 3);

    let parent = started.reply.messageId;
    for (let i = 0; i < 12; i++) {
      sendDirect(mailbox, 'marco@creators.test', 'Just checking in!', started.threadId, parent);
      await personas.settled();
      const newest = mailbox.thread(started.threadId).at(-1);
      parent = headerValue(newest?.payload.headers ?? [], 'Message-ID') ?? parent;
    }
    const replies = personas.transcript('haggler').filter((e) => e.from === 'persona');
    expect(replies).toHaveLength(PERSONAS.find((p) => p.id === 'haggler')?.maxReplies ?? 0);
    expect(replies.at(-1)).toMatchObject({ intent: 'goodbye' });
    expect(replies.slice(1, -1).every((r) => r.intent === 'ask' && r.amountCents === 280_000)).toBe(
      true,
    );
    personas.stop();
  });

  it('is reproducible: the same seed writes the same bytes, another seed other ids', async () => {
    async function run(seed: number) {
      const mailbox = createMailbox({ now: () => NOW });
      const personas = createPersonas({ mailbox, now: () => NOW, seed });
      const raws: string[] = [];
      for (const id of ['haggler', 'talent-manager', 'question-first']) {
        const started = personas.start(id);
        raws.push(mailbox.get(started.reply.id)?.raw ?? '');
        sendDirect(
          mailbox,
          started.profile.email,
          offer('$1,000'),
          started.threadId,
          started.reply.messageId,
        );
        await personas.settled();
        raws.push(mailbox.thread(started.threadId).at(-1)?.raw ?? '');
      }
      personas.stop();
      return raws;
    }
    directCount = 0;
    const a = await run(7);
    directCount = 0;
    const b = await run(7);
    directCount = 0;
    const c = await run(8);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(a.every((raw) => raw.length > 0)).toBe(true);
  });
});

describe('mime helpers', () => {
  it('quoted-printable round-trips through the parser in UTF-8 and ISO-8859-1', () => {
    const text = `Zoë's café = 1.5k — ${'long line '.repeat(12)}\nend `;
    const utf8 = encodeQuotedPrintable(text);
    expect(utf8.split('\r\n').every((line) => line.length <= 76)).toBe(true);
    expect(utf8).toContain('end=20');
    const parsed = parseMime(
      `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${utf8}`,
    );
    expect(Buffer.from(parsed.body.data ?? '', 'base64url').toString('utf8')).toBe(text);
    const latin1 = encodeQuotedPrintable('Zoë, café', 'ISO-8859-1');
    expect(latin1).toBe('Zo=EB, caf=E9');
    expect(() => encodeQuotedPrintable('em — dash', 'ISO-8859-1')).toThrow(/ISO-8859-1/);
    expect(encodeHeaderQ('Zoë Laurent', 'ISO-8859-1')).toBe('=?ISO-8859-1?Q?Zo=EB_Laurent?=');
    expect(encodeHeaderQ('Plain Name')).toBe('Plain Name');
  });
});

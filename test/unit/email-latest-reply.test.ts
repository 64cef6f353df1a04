import { describe, expect, it } from 'vitest';
import { latestReply } from '../../src/domain/email/index.js';

const lines = (...text: string[]) => text.join('\n');

describe('latestReply cuts at quoted history', () => {
  const cases: Array<[string, string]> = [
    ['Gmail', 'On Tue, 24 Nov 2026 at 10:02, Team <team@brand.test> wrote:'],
    ['Gmail US', 'On Tue, Nov 24, 2026 at 10:02 AM Team <team@brand.test> wrote:'],
    ['Apple Mail', 'On 24 Nov 2026, at 10:02, Team <team@brand.test> wrote:'],
    ['Thunderbird', 'On 24/11/2026 10:02, Team wrote:'],
    ['Yahoo', 'On Tuesday, November 24, 2026, 10:02 AM, Team <team@brand.test> wrote:'],
    ['French', 'Le mar. 24 nov. 2026 à 10:02, Team <team@brand.test> a écrit :'],
    ['German', 'Am Di., 24. Nov. 2026 um 10:02 Uhr schrieb Team <team@brand.test>:'],
    ['Spanish', 'El mar, 24 nov 2026 a las 10:02, Team (<team@brand.test>) escribió:'],
    ['Italian', 'Il giorno mar 24 nov 2026 alle ore 10:02 Team <team@brand.test> ha scritto:'],
    ['Dutch', 'Op di 24 nov 2026 om 10:02 schreef Team <team@brand.test>:'],
    ['Portuguese', 'Em ter., 24 de nov. de 2026 às 10:02, Team <team@brand.test> escreveu:'],
    ['original message', '-----Original Message-----'],
    ['spaced original message', '----- Original Message -----'],
    ['German original message', '-----Ursprüngliche Nachricht-----'],
    ['Gmail forward', '---------- Forwarded message ---------'],
    ['Thunderbird forward', '-------- Forwarded Message --------'],
    ['Apple forward', 'Begin forwarded message:'],
  ];
  it.each(cases)('%s', (_, marker) => {
    const text = lines('I can do $2,500.', '', marker, '', 'We offer $2,000 for the reel.');
    expect(latestReply(text)).toBe('I can do $2,500.');
  });

  it('joins an attribution wrapped over two or three lines', () => {
    const two = lines(
      'Deal.',
      '',
      'On Wed, Nov 25, 2026 at 9:14 AM Lena Ortiz - Brightwave Partnerships <',
      'lena@brand.test> wrote:',
      '',
      '> offer',
    );
    expect(latestReply(two)).toBe('Deal.');
    const three = lines(
      'Deal.',
      'On Wed, Nov 25, 2026 at 9:14 AM',
      'Lena Ortiz',
      '<lena@brand.test> wrote:',
      'offer',
    );
    expect(latestReply(three)).toBe('Deal.');
  });

  it('cuts at an Outlook header block, and at the rule above it', () => {
    const block = lines(
      'Can you do $3,600?',
      '',
      '________________________________',
      'From: Lena Ortiz <lena@brand.test>',
      'Sent: Tuesday, November 24, 2026 10:02 AM',
      'To: Daniel <daniel@talent.test>',
      'Subject: RE: Collab',
      '',
      'We can offer $3,000.',
    );
    expect(latestReply(block)).toBe('Can you do $3,600?');
    const localized = lines(
      'Passt.',
      'Von: Lena <lena@brand.test>',
      'Gesendet: Dienstag, 24. November 2026 10:02',
      'An: Anna <anna@a.test>',
      'Betreff: Angebot',
      'Wir bieten 1.900 $.',
    );
    expect(latestReply(localized)).toBe('Passt.');
  });

  it('drops ">" quotes without an attribution, keeping inline answers', () => {
    const text = lines('> Could you do $2,000?', 'Yes.', '> Timeline?', 'Two weeks.');
    expect(latestReply(text)).toBe('Yes.\nTwo weeks.');
  });

  it('reads a bottom-posted reply below the quote', () => {
    const text = lines(
      'On 24/11/2026 10:02, Lena Ortiz wrote:',
      '> Would you accept $700?',
      '',
      'That is a bit low. $900 and I post this week.',
    );
    expect(latestReply(text)).toBe('That is a bit low. $900 and I post this week.');
  });

  it('stops a bottom-posted reply at older, unquoted history', () => {
    const text = lines(
      'Jane <jane@brand.test> wrote:',
      '> Offer: $700',
      'Make it $900.',
      '-----Original Message-----',
      'From: someone older',
    );
    expect(latestReply(text)).toBe('Make it $900.');
  });

  it('takes the note above a forwarded message', () => {
    const text = lines(
      'FYI, my manager agrees with $2,600.',
      '',
      '---------- Forwarded message ---------',
      'From: Rita <rita@agency.test>',
      'Counter at $2,600.',
    );
    expect(latestReply(text)).toBe('FYI, my manager agrees with $2,600.');
  });

  it('does not take a sentence ending in "wrote:" for an attribution', () => {
    const text = lines('On reflection, here is what my manager wrote:', 'No less than $3,000.');
    expect(latestReply(text)).toBe(text);
  });

  it('keeps ">50k" and ">$2k" as writing, not quotes', () => {
    expect(latestReply('My reels get\n>50k views, so\n>$2k is fair.')).toBe(
      'My reels get\n>50k views, so\n>$2k is fair.',
    );
  });
});

describe('latestReply drops signatures', () => {
  it('cuts at the "-- " delimiter', () => {
    expect(latestReply('Deal at $900.\n\n-- \nSam Novak\nsamnovak.test')).toBe('Deal at $900.');
  });

  it.each([
    'Sent from my iPhone',
    'Sent from my Galaxy',
    'Get Outlook for iOS',
    'Get Outlook for Android<https://aka.ms/ghei36>',
    'Sent from Yahoo Mail for iPhone',
    'Envoyé de mon iPhone',
    'Von meinem iPhone gesendet',
  ])('cuts at "%s"', (footer) => {
    expect(latestReply(`Deal at $900.\n\n${footer}`)).toBe('Deal at $900.');
  });

  it('keeps the sign-off and drops the name, title, phone and links after it', () => {
    const text = lines(
      'One reel for $1,650.',
      '',
      'Best,',
      'Jordan Blake',
      'Talent Manager | Northstar Talent',
      '+1 (555) 010-4477',
      'https://northstar.test',
    );
    expect(latestReply(text)).toBe('One reel for $1,650.\n\nBest,');
    expect(latestReply('Works for me.\n\nCheers, Leo\nleo.test')).toBe(
      'Works for me.\n\nCheers, Leo',
    );
    expect(latestReply('Works for me.\n\nThanks,\nMaya')).toBe('Works for me.\n\nThanks,');
  });

  it('keeps real content after a sign-off', () => {
    const cases = [
      'Thanks!\nI can do $1,750 if the story is a repost.',
      'Thanks,\nlooking forward to it',
      'Thanks,\nMaya\n\nP.S. I also do TikTok.',
      'Best,\nMaya\nCan we talk Friday?',
      'Thanks,\nAlso $300 for a story',
    ];
    for (const text of cases) expect(latestReply(text)).toBe(text);
  });

  it('does not mistake a mobile footer in the middle of a message for a signature', () => {
    const text =
      'Sent from my iPhone while travelling, so short answer: yes, $900 works for the two stories and the reel.';
    expect(latestReply(text)).toBe(text);
  });
});

describe('latestReply never returns empty when there is text', () => {
  it('falls back to the whole trimmed text when only quoted history is left', () => {
    const text = '\n\nOn Tue, 24 Nov 2026 at 10:02, Team <team@brand.test> wrote:\n> offer\n\n';
    expect(latestReply(text)).toBe(text.trim());
  });

  it('falls back for a pure forward and for a lone signature', () => {
    const forward = 'Begin forwarded message:\n\nFrom: x';
    expect(latestReply(forward)).toBe(forward);
    expect(latestReply('Sent from my iPhone')).toBe('Sent from my iPhone');
    expect(latestReply('-- \nSam')).toMatch(/^--\s*\nSam$/);
  });

  it('returns "" for blank text', () => {
    expect(latestReply('')).toBe('');
    expect(latestReply(' \r\n\t\n')).toBe('');
  });

  it('tidies line endings and blank runs', () => {
    expect(latestReply('a  \r\n\r\n\r\n\r\nb\r\n')).toBe('a\n\nb');
  });
});

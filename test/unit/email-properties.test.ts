/** Properties over arbitrary input: influencer mail is untrusted, so nothing may throw. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { latestReply, parseAddressList, parseEmail } from '../../src/domain/email/index.js';

// Fragments that steer random input into the parser's interesting paths.
const FRAGMENTS = [
  'From: ',
  'To: "A, B" <a@b.test>, g: c@d.test;',
  'Subject: =?utf-8?B?',
  '=?iso-8859-1?Q?caf=E9?=',
  'Content-Type: multipart/mixed; boundary=b',
  'Content-Type: multipart/alternative; boundary="b"',
  'Content-Type: text/html; charset=windows-1252',
  'Content-Type: text/plain; format=flowed; delsp=yes',
  'Content-Transfer-Encoding: base64',
  'Content-Transfer-Encoding: quoted-printable',
  "Content-Disposition: attachment; filename*0*=utf-8''a%",
  '--b',
  '--b--',
  '\r\n',
  '\n',
  '\r\n\r\n',
  '=\r\n',
  '=E9',
  '> ',
  'On Tue, 24 Nov 2026 at 10:02, Team <t@brand.test> wrote:',
  '-----Original Message-----',
  'From: x\nSent: y\nTo: z',
  '-- ',
  'Best,',
  'Sent from my iPhone',
  '<blockquote>',
  '<div>',
  '&amp;',
  '(',
  '"',
  '<',
];

const mailish = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string(), fc.string({ unit: 'grapheme' })), {
    maxLength: 40,
  })
  .map((pieces) => pieces.join(''));

describe('parseEmail never throws', () => {
  it('on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const email = parseEmail(Buffer.from(bytes));
        expect(typeof email.text).toBe('string');
        expect(email.problems.some((p) => p.startsWith('could not parse'))).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('on mail-shaped strings, and always returns a well-formed result', () => {
    fc.assert(
      fc.property(mailish, (raw) => {
        const email = parseEmail(raw);
        // A defect caught by the safety net would show up here rather than as a throw.
        expect(email.problems.filter((p) => p.startsWith('could not parse'))).toEqual([]);
        for (const address of [...email.to, ...email.cc, ...email.replyTo]) {
          expect(address.address).toBe(address.address.toLowerCase());
          expect(address.address).toContain('@');
        }
        if (email.text.trim() !== '') expect(email.latestReply.trim()).not.toBe('');
      }),
      { numRuns: 500 },
    );
  });
});

describe('latestReply', () => {
  it('never returns empty for text that is not blank', () => {
    fc.assert(
      fc.property(mailish, (text) => {
        const reply = latestReply(text);
        expect(reply === '').toBe(text.trim() === '');
      }),
      { numRuns: 1000 },
    );
  });

  it('returns words that are in the text', () => {
    fc.assert(
      fc.property(mailish, (text) => {
        const normalised = text.replace(/\r\n?/g, '\n').replace(/\u00a0/g, ' ');
        for (const line of latestReply(text).split('\n')) {
          expect(normalised).toContain(line.trim());
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseAddressList', () => {
  it('never throws and only returns lower-cased addresses', () => {
    fc.assert(
      fc.property(mailish, (header) => {
        for (const { address } of parseAddressList(header)) {
          expect(address).toMatch(/^[^@\s<>]+@[^@\s<>]+$/);
          expect(address).toBe(address.toLowerCase());
        }
      }),
      { numRuns: 500 },
    );
  });
});

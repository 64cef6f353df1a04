import { describe, expect, it } from 'vitest';
import { MAX_RAW_BYTES, parseEmail } from '../../src/domain/email/index.js';

/** A message from header lines and a body, with CRLF line endings as on the wire. */
function message(headers: string[], body: string | Buffer): Buffer {
  const head = Buffer.from(
    `${['From: Maya <maya@creator.test>', ...headers].join('\r\n')}\r\n\r\n`,
  );
  return Buffer.concat([head, typeof body === 'string' ? Buffer.from(body) : body]);
}

/** A message whose top-level part (headers included) is `part`. */
function messageOf(part: string): Buffer {
  return Buffer.from(`From: Maya <maya@creator.test>\r\n${part}`);
}

const textPart = (type: string, body: string, extra: string[] = []) =>
  [`Content-Type: ${type}`, ...extra, '', body].join('\r\n');

function multipart(type: string, boundary: string, parts: string[]): string {
  return [
    `Content-Type: multipart/${type}; boundary="${boundary}"`,
    '',
    ...parts.map((p) => `--${boundary}\r\n${p}`),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

describe('charsets', () => {
  const bytes = (...values: number[]) => Buffer.from(values);
  const cases: Array<[string, Buffer, string]> = [
    ['utf-8', Buffer.from('Zoë – €1'), 'Zoë – €1'],
    ['iso-8859-1', bytes(0x63, 0x61, 0x66, 0xe9), 'café'],
    ['ISO-8859-1', bytes(0x4a, 0xf6, 0x72, 0x67), 'Jörg'],
    // Node 20's TextDecoder maps 0x80–0x9F to control characters: these must be real punctuation.
    [
      'windows-1252',
      bytes(0x93, 0x68, 0x69, 0x94, 0x20, 0x80, 0x35, 0x20, 0x96, 0x20, 0x85),
      '“hi” €5 – …',
    ],
    ['cp1252', bytes(0x92), '’'],
    ['iso-8859-2', bytes(0xb1), 'ą'],
    ['koi8-r', bytes(0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4), 'Привет'],
    ['shift_jis', bytes(0x82, 0xa0), 'あ'],
  ];
  it.each(cases)('decodes %s', (charset, body, expected) => {
    const email = parseEmail(message([`Content-Type: text/plain; charset="${charset}"`], body));
    expect(email.text).toBe(expected);
    expect(email.problems).toEqual([]);
  });

  it('guesses UTF-8, then windows-1252, when no charset is declared', () => {
    expect(parseEmail(message(['Content-Type: text/plain'], Buffer.from('naïve'))).text).toBe(
      'naïve',
    );
    expect(parseEmail(message([], bytes(0x93, 0x6f, 0x6b, 0x94))).text).toBe('“ok”');
  });

  it('reads 8-bit bytes labelled us-ascii as the UTF-8 they are', () => {
    const email = parseEmail(
      message(['Content-Type: text/plain; charset=us-ascii'], Buffer.from('Zoë')),
    );
    expect(email.text).toBe('Zoë');
  });

  it('guesses, and says so, for an unknown charset', () => {
    const email = parseEmail(message(['Content-Type: text/plain; charset=x-martian'], 'hello'));
    expect(email.text).toBe('hello');
    expect(email.problems).toEqual(['unknown charset "x-martian", decoded by guessing']);
  });
});

describe('transfer encodings', () => {
  it('decodes quoted-printable with soft line breaks, lower-case hex and a bare "="', () => {
    const body = 'I can do $2,5=\r\n00 for the re=\nel =E2=80=94 caf=c3=a9   \r\n2+2=4 and 1=3D1';
    const email = parseEmail(
      message(
        ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable'],
        body,
      ),
    );
    expect(email.text).toBe(
      'I can do $2,500 for the reel — café\r\n2+2=4 and 1=1'.replace(/\r\n/g, '\n'),
    );
  });

  it('decodes base64 split over lines, ignoring stray characters', () => {
    const encoded = Buffer.from('Deal at $1,800 🙌').toString('base64');
    const body = `${encoded.slice(0, 10)}\r\n${encoded.slice(10, 20)} \r\n!${encoded.slice(20)}\r\n`;
    const email = parseEmail(
      message(
        ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: BASE64'],
        body,
      ),
    );
    expect(email.text).toBe('Deal at $1,800 🙌');
  });

  it('parses the same message alike with CRLF and with LF line endings', () => {
    const crlf = message(
      [
        'Subject: =?utf-8?Q?Re=3A_Caf=C3=A9?=',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
      ],
      'Line one is long and soft=\r\nly broken.\r\n\r\nOn Tue, 24 Nov 2026 at 10:02, Team <t@brand.test> wrote:\r\n> quote\r\n',
    );
    const lf = Buffer.from(crlf.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    expect(parseEmail(lf)).toEqual(parseEmail(crlf));
    expect(parseEmail(lf).latestReply).toBe('Line one is long and softly broken.');
  });
});

describe('MIME structure', () => {
  const html = '<p>From the <b>HTML</b> part</p>';

  it('prefers text/plain in multipart/alternative, and keeps the HTML', () => {
    const raw = messageOf(
      multipart('alternative', 'alt', [
        textPart('text/plain; charset=utf-8', 'From the plain part'),
        textPart('text/html; charset=utf-8', html),
      ]),
    );
    const email = parseEmail(raw);
    expect(email.text).toBe('From the plain part');
    expect(email.html).toBe(html);
  });

  it('uses the HTML when the plain alternative is blank or missing', () => {
    for (const parts of [
      [textPart('text/plain', '  \r\n'), textPart('text/html', html)],
      [textPart('text/html', html)],
    ]) {
      expect(parseEmail(messageOf(multipart('alternative', 'alt', parts))).text).toBe(
        'From the HTML part',
      );
    }
  });

  it('reads mixed > alternative > related, listing inline images and attachments', () => {
    const related = multipart('related', 'rel', [
      textPart('text/html; charset=utf-8', '<div>Rich <img src="cid:logo@x"></div>'),
      [
        'Content-Type: image/png',
        'Content-ID: <logo@x>',
        'Content-Transfer-Encoding: base64',
        '',
        'iVBORw0KGgo=',
      ].join('\r\n'),
    ]);
    const alternative = multipart('alternative', 'alt', [
      textPart('text/plain', 'Plain words'),
      related,
    ]);
    const raw = messageOf(
      multipart('mixed', 'mix', [
        alternative,
        textPart('text/plain; name="notes.txt"', 'attached notes', [
          'Content-Disposition: attachment',
        ]),
        textPart('text/csv', 'a,b'),
      ]),
    );
    const email = parseEmail(raw);
    expect(email.text).toBe('Plain words');
    expect(email.html).toBe('<div>Rich <img src="cid:logo@x"></div>');
    expect(email.attachments).toEqual([
      { filename: null, contentType: 'image/png', disposition: null, size: 8, contentId: 'logo@x' },
      {
        filename: 'notes.txt',
        contentType: 'text/plain',
        disposition: 'attachment',
        size: 14,
        contentId: null,
      },
      { filename: null, contentType: 'text/csv', disposition: null, size: 3, contentId: null },
    ]);
  });

  it('joins inline text parts around an image, as Apple Mail sends them', () => {
    const raw = messageOf(
      multipart('mixed', 'm', [
        textPart('text/plain', 'Before the photo.'),
        [
          'Content-Type: image/jpeg; name=a.jpg',
          'Content-Disposition: inline; filename=a.jpg',
          '',
          'xx',
        ].join('\r\n'),
        textPart('text/plain', 'After the photo.'),
      ]),
    );
    expect(parseEmail(raw).text).toBe('Before the photo.\n\nAfter the photo.');
  });

  it('decodes RFC 2231 file names, continued and percent-encoded', () => {
    const raw = messageOf(
      multipart('mixed', 'm', [
        textPart('text/plain', 'See attached'),
        [
          'Content-Type: application/pdf',
          "Content-Disposition: attachment; filename*0*=utf-8''Tarif%20r%C3%A9;",
          ' filename*1*=duit%C3%A9.pdf',
          '',
          'JVBERi0=',
        ].join('\r\n'),
      ]),
    );
    expect(parseEmail(raw).attachments[0]?.filename).toBe('Tarif réduité.pdf');
  });

  it('joins format=flowed lines and removes the space with delsp=yes', () => {
    const flowed =
      'This is a long line that was wrapped and ' +
      '\r\n' +
      'joined back.\r\n> quoted and \r\n> flowed\r\n-- \r\nsig';
    const email = parseEmail(message(['Content-Type: text/plain; format=flowed'], flowed));
    expect(email.text).toBe(
      'This is a long line that was wrapped and joined back.\n> quoted and flowed\n-- \nsig',
    );
    const delsp = parseEmail(
      message(['Content-Type: text/plain; format=flowed; delsp=yes'], 'Ver \r\nbunden'),
    );
    expect(delsp.text).toBe('Verbunden');
  });

  it('reads a multipart without its boundary as text, and reports it', () => {
    const email = parseEmail(message(['Content-Type: multipart/mixed'], 'Just text after all'));
    expect(email.text).toBe('Just text after all');
    expect(email.problems).toEqual(['multipart/mixed without a boundary: read as text']);
  });

  it('reads an unclosed last part to the end', () => {
    const raw = message(
      ['Content-Type: multipart/mixed; boundary=b'],
      '--b\r\nContent-Type: text/plain\r\n\r\nno end',
    );
    expect(parseEmail(raw).text).toBe('no end');
  });
});

describe('hostile input is capped, never thrown', () => {
  it('caps MIME nesting depth', () => {
    let body = textPart('text/plain', 'deep inside');
    for (let i = 0; i < 40; i++) body = multipart('mixed', `b${i}`, [body]);
    const email = parseEmail(messageOf(body));
    expect(email.problems).toContain('MIME nesting deeper than 30: inner parts skipped');
    expect(email.text).toBe('');
  });

  it('caps the number of parts', () => {
    const parts = Array.from({ length: 600 }, (_, i) => textPart('text/plain', `part ${i}`));
    const email = parseEmail(messageOf(multipart('mixed', 'many', parts)));
    expect(email.problems).toContain('more than 500 MIME parts: the rest skipped');
    expect(email.text.split('\n\n')).toHaveLength(499);
  });

  it('skips an oversized header block to the body', () => {
    const huge = `X-Junk: ${'a'.repeat(300 * 1024)}`;
    const email = parseEmail(message([huge, 'Subject: lost'], 'the body'));
    expect(email.text).toBe('the body');
    expect(email.problems).toEqual(['header block over 262144 bytes: the rest was skipped']);
  });

  it('reads no more than MAX_RAW_BYTES', () => {
    const raw = Buffer.alloc(MAX_RAW_BYTES + 10, 0x61);
    raw.write('Subject: big\r\n\r\nstart', 0, 'latin1');
    const email = parseEmail(raw);
    expect(email.subject).toBe('big');
    expect(email.text.startsWith('start')).toBe(true);
    expect(email.problems).toContain(`message over ${MAX_RAW_BYTES} bytes: the rest was not read`);
  });

  it('turns deeply nested HTML into text without overflowing the stack', () => {
    const html = `${'<div>'.repeat(20_000)}deep words${'</div>'.repeat(20_000)}`;
    expect(parseEmail(message(['Content-Type: text/html'], html)).text).toContain('deep words');
  });
});

describe('headers', () => {
  it('decodes RFC 2047 B and Q words in any charset, joining split characters', () => {
    const utf8 = Buffer.from('Zoë 🎬');
    const split = `=?UTF-8?B?${utf8.subarray(0, 3).toString('base64')}?= =?UTF-8?B?${utf8.subarray(3).toString('base64')}?=`;
    const cases: Array<[string, string]> = [
      [split, 'Zoë 🎬'],
      ['=?iso-8859-1?Q?Caf=E9_cr=E8me?= and more', 'Café crème and more'],
      ['Re: =?windows-1252?Q?=93quoted=94?=', 'Re: “quoted”'],
      ['=?utf-8?q?a?=  =?utf-8?q?b?= c', 'ab c'],
      ['=?utf-8*en?Q?lang_suffix?=', 'lang suffix'],
      ['=?x-unknown?Q?caf=E9?=', 'café'],
      ['plain =?bad', 'plain =?bad'],
    ];
    for (const [header, expected] of cases) {
      expect(parseEmail(message([`Subject: ${header}`], 'x')).subject).toBe(expected);
    }
  });

  it('unfolds folded headers and reads raw UTF-8 (RFC 6532) and windows-1252 bytes', () => {
    const raw = Buffer.concat([
      Buffer.from('From: a@b.test\r\nSubject: Über\r\n  den Preis\r\nTo: '),
      Buffer.from([0x93, 0x41, 0x94]),
      Buffer.from(' <x@y.test>\r\n\r\nbody'),
    ]);
    const email = parseEmail(raw);
    expect(email.subject).toBe('Über den Preis');
    expect(email.to).toEqual([{ name: '“A”', address: 'x@y.test' }]);
  });

  it('reads Message-ID, In-Reply-To and References as <id> lists', () => {
    const email = parseEmail(
      message(
        [
          'Message-ID: <a.1@x.test>',
          'In-Reply-To: <b.2@x.test> (comment)',
          'References: <r1@x.test>\r\n <r2@x.test>\t<b.2@x.test>',
        ],
        'x',
      ),
    );
    expect(email.messageId).toBe('<a.1@x.test>');
    expect(email.inReplyTo).toBe('<b.2@x.test>');
    expect(email.references).toEqual(['<r1@x.test>', '<r2@x.test>', '<b.2@x.test>']);
  });

  it.each([
    ['Tue, 24 Nov 2026 10:02:33 +0100 (CET)', '2026-11-24T09:02:33.000Z'],
    ['24 Nov 2026 10:02 -0800', '2026-11-24T18:02:00.000Z'],
    ['Tue, 24 Nov 2026 10:02:33 GMT', '2026-11-24T10:02:33.000Z'],
    ['Tue, 24 Nov 2026 10:02:33 EST', '2026-11-24T15:02:33.000Z'],
    ['Tue, 24 Nov 26 10:02:33', '2026-11-24T10:02:33.000Z'],
    ['2026-11-24T10:02:33Z', '2026-11-24T10:02:33.000Z'],
    ['Tue, 31 Foo 2026 10:02:33 +0000', null],
    ['yesterday', null],
  ])('reads the date %s', (header, expected) => {
    expect(parseEmail(message([`Date: ${header}`], 'x')).date).toBe(expected);
  });

  it('reports a missing From', () => {
    const email = parseEmail('Subject: hi\r\n\r\nbody');
    expect(email.from).toBeNull();
    expect(email.problems).toEqual(['no readable From address']);
  });
});

describe('HTML to text', () => {
  const text = (html: string) =>
    parseEmail(message(['Content-Type: text/html; charset=utf-8'], html)).text;

  it('drops script, style and head, and decodes entities', () => {
    const html =
      '<html><head><title>T</title><style>p{color:red}</style></head><body><script>alert(1)</script><p>Caf&eacute; &amp; co &mdash; &#8364;5 &#x2019;</p></body></html>';
    expect(text(html)).toBe('Café & co — €5 ’');
  });

  it('keeps paragraphs, line breaks, lists and links', () => {
    const html =
      '<p>One<br>Two</p><p>Three</p><ul><li>a</li><li>b</li></ul><a href="https://kit.test/x">kit</a> <a href="mailto:m@x.test">m@x.test</a>';
    expect(text(html)).toBe('One\nTwo\n\nThree\n\n * a\n * b\n\nkit [https://kit.test/x] m@x.test');
  });

  it('renders blockquotes, nested too, as quoted lines that latestReply drops', () => {
    const html =
      '<div>My answer: $900.</div><div>On Tue, 24 Nov 2026 at 10:02, Team &lt;t@brand.test&gt; wrote:</div><blockquote>Offer $700<blockquote>Older</blockquote></blockquote>';
    const email = parseEmail(message(['Content-Type: text/html'], html));
    expect(email.text).toMatch(/^> Offer \$700$/m);
    expect(email.text).toMatch(/^> > Older$/m);
    expect(email.latestReply).toBe('My answer: $900.');
  });
});

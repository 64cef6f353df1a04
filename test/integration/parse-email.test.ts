import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { negotiator } from '../support/cli.js';

const fixture = (name: string) => join('test', 'fixtures', 'email', `${name}.eml`);
const scratch = mkdtempSync(join(tmpdir(), 'negotiator-parse-email-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('negotiator parse-email', () => {
  it('prints exactly the documented snake_case keys with --json', () => {
    const { code, stdout, stderr } = negotiator([
      'parse-email',
      fixture('talent-manager-for-creator'),
      '--json',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(Object.keys(json)).toEqual([
      'from',
      'to',
      'cc',
      'subject',
      'message_id',
      'in_reply_to',
      'references',
      'latest_reply',
    ]);
    expect(json).toEqual({
      from: { name: 'Jordan Blake (Northstar Talent)', address: 'jordan@northstar.test' },
      to: [{ name: 'Lena Ortiz', address: 'lena@brand.test' }],
      cc: [
        { name: 'Leo Park', address: 'leo@parkleo.test' },
        { name: 'Bookings, Northstar', address: 'bookings@northstar.test' },
      ],
      subject: 'Re: TikTok for Leo',
      message_id: '<CAN0rth5tar@mail.northstar.test>',
      in_reply_to: '<neg_130.email.round-1@brand.test>',
      references: ['<neg_130.email.round-1@brand.test>'],
      latest_reply: expect.stringMatching(/We'd accept \$1,650 for one video[\s\S]*\n\nBest,$/),
    });
  });

  it('prints the same fields as readable text by default', () => {
    const { code, stdout } = negotiator(['parse-email', fixture('outlook-desktop-html-cp1252')]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^from: +Daniel Okafor <daniel@lumen-talent\.test>$/m);
    expect(stdout).toMatch(/^cc: +Ava Lindqvist <ava@lindqvist\.test>$/m);
    expect(stdout).toMatch(/^subject: +RE: Ava x Brightwave – YouTube integration$/m);
    expect(stdout).toMatch(
      /^references: +<neg_88\.email\.round-1@brand\.test> <neg_88\.email\.round-2@brand\.test>$/m,
    );
    expect(stdout).toMatch(/^latest_reply:\n {2}Hi Lena,\n\n {2}Thanks for the quick turnaround/m);
    expect(stdout).toMatch(/ {2}Kind regards,\n$/);
    expect(stdout).not.toContain('We can offer $3,000');
  });

  it('lists what it had to guess in the readable output', () => {
    const { code, stdout } = negotiator(['parse-email', fixture('malformed-multipart')]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^cc: +-$/m);
    expect(stdout).toMatch(/^problems:\n {2}- unknown charset "x-unknown-8"/m);
  });

  it('parses a raw file that is not mail without failing', () => {
    const file = join(scratch, 'notes.txt');
    writeFileSync(file, 'just some words\nand more');
    const { code, stdout } = negotiator(['parse-email', file, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      from: null,
      to: [],
      latest_reply: 'just some words\nand more',
    });
  });

  it('fails with one line and exit code 2 for a missing file', () => {
    const { code, stdout, stderr } = negotiator(['parse-email', join(scratch, 'nope.eml')]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^negotiator parse-email: cannot read .*nope\.eml: no such file$/m);
  });

  it('fails with exit code 2 for a directory, an unreadable file and bad arguments', () => {
    expect(negotiator(['parse-email', scratch]).stderr).toMatch(/is a directory/);
    expect(negotiator(['parse-email']).code).toBe(2);
    expect(negotiator(['parse-email', 'a.eml', 'b.eml']).code).toBe(2);
    expect(negotiator(['parse-email', fixture('bottom-posted'), '--bogus']).code).toBe(2);
    if (process.getuid?.() !== 0) {
      // root reads any file, so this only holds for an ordinary user (as in CI containers).
      const locked = join(scratch, 'locked.eml');
      writeFileSync(locked, 'From: a@b.test\n\nx');
      chmodSync(locked, 0o000);
      const { code, stderr } = negotiator(['parse-email', locked]);
      expect(code).toBe(2);
      expect(stderr).toMatch(/permission denied/);
    }
  });

  it('is listed in the help', () => {
    expect(negotiator(['--help']).stdout).toMatch(/parse-email/);
    expect(negotiator(['parse-email', '--help']).stdout).toMatch(/FILE\.eml \[--json\]/);
  });
});

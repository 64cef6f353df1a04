import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { negotiator } from '../support/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'negotiator-check-draft-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function draftFile(name: string, text: string): string {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
}

const GOOD = draftFile(
  'good.txt',
  'Subject: Re: Brightwave x Maya\r\n\r\nHi Maya,\r\n\r\nThanks for your rate of $1,800. We can offer ' +
    '$1,500.00 for one reel and two stories, live by Dec 5. No exclusivity required.\r\n\r\n' +
    'Best,\r\nLena\r\n',
);
const BAD = draftFile(
  'bad.txt',
  'Subject: Offer for [Name]\n\nHi Maya, we can do $1.65k for one reel and 2 stories, with ' +
    'usage rights in perpetuity.\n\nBest,\nLena\n',
);
const DECISION = [
  '--offer-cents',
  '150000',
  '--ask-cents',
  '180000',
  '--deliverables',
  'reel:1,story:2',
];

describe('negotiator check-draft', () => {
  it('passes a good draft with exit code 0', () => {
    const { code, stdout, stderr } = negotiator(['check-draft', GOOD, ...DECISION, '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ passed: true, failures: [] });
    expect(negotiator(['check-draft', GOOD, ...DECISION]).stdout).toMatch(/^passed/);
  });

  it('fails a bad draft with exit code 1 and exactly {passed, failures:[{rule, detail}]}', () => {
    const { code, stdout } = negotiator(['check-draft', BAD, ...DECISION, '--json']);
    expect(code).toBe(1);
    const json = JSON.parse(stdout);
    expect(Object.keys(json)).toEqual(['passed', 'failures']);
    expect(json.passed).toBe(false);
    for (const failure of json.failures) expect(Object.keys(failure)).toEqual(['rule', 'detail']);
    expect([...new Set(json.failures.map((f: { rule: string }) => f.rule))].sort()).toEqual([
      'amount_not_allowed',
      'commitment',
      'missing_offer',
      'placeholder',
    ]);
    expect(json.failures).toContainEqual({
      rule: 'placeholder',
      detail: 'placeholder "[Name]" left in',
    });
  });

  it('lists the failures as readable text', () => {
    const { code, stdout } = negotiator(['check-draft', BAD, ...DECISION]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^failed: 5 problem\(s\)$/m);
    expect(stdout).toMatch(/^ {2}- amount_not_allowed: "\$1\.65k" is not an allowed amount/m);
    expect(stdout).toMatch(/^ {2}- commitment: "usage rights" commits to usage rights/m);
  });

  it('honours purpose, allowed commitments, payment terms and internal bounds', () => {
    const agreement = draftFile(
      'agreement.txt',
      'Hi Maya, confirmed at $1,800 for one reel and two stories, with 30 days of usage rights, ' +
        'paid net 30.\n\nBest,\nLena',
    );
    const args = ['check-draft', agreement, '--offer-cents', '180000', '--deliverables'];
    const ok = negotiator([
      ...args,
      'reel:1,story:2',
      '--purpose',
      'agreement',
      '--allow',
      'usage_rights',
      '--payment-terms',
      'net 30',
      '--json',
    ]);
    expect(JSON.parse(ok.stdout)).toEqual({ passed: true, failures: [] });
    expect(ok.code).toBe(0);
    const leak = negotiator([
      ...args,
      'reel:1,story:2',
      '--ceiling-cents',
      '180000',
      '--purpose',
      'counter',
      '--offer-cents',
      '150000',
      '--json',
    ]);
    expect(leak.code).toBe(1);
    expect(JSON.parse(leak.stdout).failures.map((f: { rule: string }) => f.rule)).toContain(
      'internal_number',
    );
  });

  it('gives a one-line error and exit code 2 for bad arguments and missing files', () => {
    const missing = negotiator(['check-draft', join(scratch, 'nope.txt'), ...DECISION]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(
      /^negotiator check-draft: cannot read .*nope\.txt: no such file$/m,
    );

    const bad = negotiator([
      'check-draft',
      GOOD,
      '--offer-cents',
      '$1,500',
      '--purpose',
      'haggle',
      '--deliverables',
      'reel:0',
      '--allow',
      'everything',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--offer-cents "\$1,500" must be a whole number of cents/);
    expect(bad.stderr).toMatch(/--purpose "haggle"/);
    expect(bad.stderr).toMatch(/--deliverables: "reel:0": quantity/);
    expect(bad.stderr).toMatch(/--allow "everything"/);

    expect(negotiator(['check-draft', GOOD]).stderr).toMatch(/--offer-cents is required/);
    expect(negotiator(['check-draft', ...DECISION]).code).toBe(2);
    expect(negotiator(['check-draft', GOOD, GOOD, ...DECISION]).code).toBe(2);
    expect(negotiator(['check-draft', GOOD, ...DECISION, '--bogus']).code).toBe(2);
    expect(negotiator(['check-draft', scratch, ...DECISION]).stderr).toMatch(/is a directory/);
  });

  it('is listed in the help', () => {
    expect(negotiator(['--help']).stdout).toMatch(/check-draft/);
    expect(negotiator(['check-draft', '--help']).stdout).toMatch(/FILE --offer-cents N/);
  });
});

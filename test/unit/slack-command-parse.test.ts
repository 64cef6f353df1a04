/** The `/negotiation` grammar: what people type, what it means, and what is refused. */
import { describe, expect, it } from 'vitest';
import { parseNegotiationCommand } from '../../src/slack/commands/parse.js';

const HOUR = 3_600_000;

describe('parseNegotiationCommand', () => {
  it.each([
    // status, takeover and resume take the rest of the line as the query
    ['status Ada Lovelace', 'status', 'Ada Lovelace'],
    ['  TAKEOVER   @ada ', 'takeover', '@ada'],
    ['take-over neg_1', 'takeover', 'neg_1'],
    ['resume neg_1', 'resume', 'neg_1'],
    // Slack's escaping is undone: mailto links become the address, entities are decoded
    ['status <mailto:ada@creators.test|ada@creators.test>', 'status', 'ada@creators.test'],
    ['status Smith &amp; Jones', 'status', 'Smith & Jones'],
  ])('reads %j as %s of %j', (text, kind, query) => {
    expect(parseNegotiationCommand(text)).toEqual({ kind, query });
  });

  it('answers help for help, for nothing typed and for text that is not a string', () => {
    expect(parseNegotiationCommand('help')).toEqual({ kind: 'help' });
    expect(parseNegotiationCommand('')).toEqual({ kind: 'help' });
    expect(parseNegotiationCommand('   ')).toEqual({ kind: 'help' });
    expect(parseNegotiationCommand(undefined)).toEqual({ kind: 'help' });
    expect(parseNegotiationCommand({ text: 'status x' })).toEqual({ kind: 'help' });
  });

  it('names an unknown subcommand instead of guessing', () => {
    expect(parseNegotiationCommand('approve neg_1')).toEqual({ kind: 'unknown', word: 'approve' });
    expect(parseNegotiationCommand('statu ada')).toEqual({ kind: 'unknown', word: 'statu' });
  });

  it('refuses a subcommand without whom it is about, or with an absurdly long query', () => {
    expect(parseNegotiationCommand('status')).toMatchObject({
      kind: 'invalid',
      subcommand: 'status',
      problem: expect.stringContaining('name the negotiation'),
    });
    expect(parseNegotiationCommand('takeover')).toMatchObject({
      kind: 'invalid',
      subcommand: 'takeover',
    });
    expect(parseNegotiationCommand(`resume ${'x'.repeat(201)}`)).toMatchObject({
      kind: 'invalid',
      subcommand: 'resume',
      problem: expect.stringContaining('200 characters'),
    });
  });

  it('reads audit filters in any order, quoted values included, with last defaulting to 7d', () => {
    expect(parseNegotiationCommand('audit influencer:ada campaign:spring-26 last:24h')).toEqual({
      kind: 'audit',
      influencer: 'ada',
      campaign: 'spring-26',
      last: '24h',
      lastMs: 24 * HOUR,
    });
    expect(parseNegotiationCommand('audit last:2d influencer:"Ada Lovelace"')).toEqual({
      kind: 'audit',
      influencer: 'Ada Lovelace',
      campaign: null,
      last: '2d',
      lastMs: 48 * HOUR,
    });
    expect(parseNegotiationCommand('audit')).toEqual({
      kind: 'audit',
      influencer: null,
      campaign: null,
      last: '7d',
      lastMs: 7 * 24 * HOUR,
    });
  });

  it.each([
    ['audit who:ada', /unknown filter who:/],
    ['audit influencer:ada influencer:bob', /influencer: is given twice/],
    ['audit ada', /"ada" is not a filter/],
    ['audit last:forever', /duration such as 24h/],
    ['audit last:0m', /a minute or more/],
    ['audit last:400d', /one year at most/],
    ['audit influencer:""', /needs a value/],
  ])('refuses %s', (text, problem) => {
    const parsed = parseNegotiationCommand(text);
    expect(parsed).toMatchObject({ kind: 'invalid', subcommand: 'audit' });
    expect(parsed.kind === 'invalid' ? parsed.problem : '').toMatch(problem);
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCampaigns } from '../../src/config-files/campaigns.js';
import { ConfigFileError } from '../../src/config-files/load-yaml.js';
import { loadRateCard } from '../../src/config-files/rate-card.js';
import { campaignForSender } from '../../src/domain/campaign.js';
import { resolveFromRoot } from '../../src/paths.js';

const shipped = resolveFromRoot('config');
const defaults = loadRateCard(shipped).defaults;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A config dir whose campaigns/ folder holds exactly these files. */
function withCampaigns(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'negotiator-campaigns-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'campaigns'));
  for (const [name, text] of Object.entries(files))
    writeFileSync(join(dir, 'campaigns', name), text);
  return dir;
}

const MINIMAL = 'id: minimal\nclient: Acme\ndeliverables: {tiktok_video: 1}\n';

function loadError(dir: string): ConfigFileError {
  try {
    loadCampaigns(dir, defaults);
  } catch (error) {
    if (error instanceof ConfigFileError) return error;
    throw error;
  }
  throw new Error('expected a ConfigFileError, nothing was thrown');
}

describe('loadCampaigns', () => {
  it('loads the shipped example with every field', () => {
    const [campaign, ...others] = loadCampaigns(shipped);
    expect(others).toEqual([]);
    expect(campaign).toMatchObject({
      id: 'spring-launch',
      client: 'Lumen Skincare',
      deliverables: [
        { type: 'instagram_story', quantity: 2 },
        { type: 'instagram_reel', quantity: 1 },
        { type: 'tiktok_video', quantity: 1 },
        { type: 'youtube_integration', quantity: 1 },
      ],
      cpmTargetCents: 2000,
      leniencyBps: 5000,
      maxRounds: 5,
      minCostCents: 25_000,
      maxCostCents: 1_000_000,
      followUp: { delayMs: 48 * 3_600_000, staleDelayMs: 72 * 3_600_000 },
      influencerSheet: null,
      appliesTo: { default: true, senders: [] },
    });
    expect(campaign?.usageRights).toMatch(/6 months/);
  });

  it('fills what a file leaves out from the rate card and nothing else', () => {
    const [campaign] = loadCampaigns(withCampaigns({ 'minimal.yaml': MINIMAL }), {
      cpmTargetCents: 1500,
      leniencyBps: 2500,
      maxRounds: 3,
    });
    expect(campaign).toEqual({
      id: 'minimal',
      client: 'Acme',
      name: null,
      deliverables: [{ type: 'tiktok_video', quantity: 1 }],
      cpmTargetCents: 1500,
      leniencyBps: 2500,
      maxRounds: 3,
      minCostCents: null,
      maxCostCents: null,
      usageRights: null,
      productOffer: null,
      paymentTerms: null,
      followUp: { delayMs: null, staleDelayMs: null },
      influencerSheet: null,
      appliesTo: { default: false, senders: [] },
    });
  });

  it('reads overrides: sheet location, senders (lower-cased), cents exactly', () => {
    const dir = withCampaigns({
      'b.yml': `${MINIMAL}cpm_target_usd: 22.35\nleniency_percent: 12.5\ninfluencer_sheet: {tab: Summer creators}\napplies_to: {senders: [Ada@Creators.test, '@TalentCo.test']}\n`,
    });
    expect(loadCampaigns(dir, defaults)[0]).toMatchObject({
      cpmTargetCents: 2235,
      leniencyBps: 1250,
      influencerSheet: { tab: 'Summer creators' },
      appliesTo: { default: false, senders: ['ada@creators.test', '@talentco.test'] },
    });
  });

  it('means "no campaigns" when the folder is missing or holds no YAML', () => {
    const noFolder = mkdtempSync(join(tmpdir(), 'negotiator-campaigns-'));
    dirs.push(noFolder);
    expect(loadCampaigns(noFolder, defaults)).toEqual([]);
    expect(loadCampaigns(withCampaigns({}), defaults)).toEqual([]);
    expect(loadCampaigns(withCampaigns({ 'README.md': '# notes' }), defaults)).toEqual([]);
  });

  it('names the file and every wrong field', () => {
    const error = loadError(
      withCampaigns({
        'bad.yaml':
          'id: bad id\nclient: ""\ndeliverables: {instagram_storey: 2, tiktok_video: 0}\ncpm_target_usd: 20.001\nmax_rounds: 0\nbudget: {min_cost_per_influencer_usd: 900, max_cost_without_approval_usd: 500}\nfollow_up: {delay: soon}\nexclusivity: true\napplies_to: {senders: [nobody]}\n',
      }),
    );
    expect(error.message).toContain(join('campaigns'));
    const problems = error.problems.join('\n');
    for (const expected of [
      /^bad\.yaml: id: use letters/m,
      /^bad\.yaml: client: /m,
      /^bad\.yaml: deliverables: .*instagram_storey/m,
      /^bad\.yaml: deliverables\.tiktok_video: /m,
      /^bad\.yaml: cpm_target_usd: at most 2 decimal places/m,
      /^bad\.yaml: max_rounds: /m,
      /^bad\.yaml: budget\.min_cost_per_influencer_usd: must not be above max_cost_without_approval_usd/m,
      /^bad\.yaml: follow_up\.delay: must be a duration/m,
      /^bad\.yaml: \(top level\): .*exclusivity/m,
      /^bad\.yaml: applies_to\.senders\.0: must be an address/m,
    ]) {
      expect(problems).toMatch(expected);
    }
  });

  it('refuses an empty file, broken YAML and a file with no deliverables, never skipping them', () => {
    const error = loadError(
      withCampaigns({
        'a-empty.yaml': '',
        'b-broken.yaml': 'id: x\nclient: [unclosed\n',
        'c-nothing.yaml': 'id: c\nclient: Acme\ndeliverables: {}\n',
        'd-good.yaml': MINIMAL,
      }),
    );
    expect(error.problems).toEqual([
      expect.stringMatching(/^a-empty\.yaml: id: /),
      expect.stringMatching(/^a-empty\.yaml: client: /),
      expect.stringMatching(/^a-empty\.yaml: deliverables: /),
      expect.stringMatching(/^b-broken\.yaml: not valid YAML/),
      'c-nothing.yaml: deliverables: name at least one deliverable',
    ]);
  });

  it('refuses duplicate ids, two defaults and a sender claimed twice', () => {
    const error = loadError(
      withCampaigns({
        'one.yaml': `${MINIMAL}applies_to: {default: true, senders: [ada@x.test]}\n`,
        'two.yaml': `${MINIMAL}applies_to: {default: true, senders: [ADA@x.test]}\n`,
      }),
    );
    expect(error.problems).toEqual([
      'two.yaml: id: "minimal" is already the id of one.yaml',
      'two.yaml: applies_to.default: one.yaml is already the default campaign (only one may be)',
      'two.yaml: applies_to.senders: ada@x.test is already listed by one.yaml',
    ]);
  });

  it('refuses a campaigns path that is not a folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'negotiator-campaigns-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'campaigns'), 'oops');
    expect(loadError(dir).problems).toEqual(['is not a folder']);
  });
});

describe('campaignForSender', () => {
  const dir = () =>
    withCampaigns({
      'a.yaml': 'id: a\nclient: A\ndeliverables: {tiktok_video: 1}\napplies_to: {default: true}\n',
      'b.yaml':
        "id: b\nclient: B\ndeliverables: {tiktok_video: 1}\napplies_to: {senders: ['@talentco.test']}\n",
      'c.yaml':
        'id: c\nclient: C\ndeliverables: {tiktok_video: 1}\napplies_to: {senders: [sam@talentco.test]}\n',
    });

  it('prefers the exact address, then the domain, then the default', () => {
    const campaigns = loadCampaigns(dir(), defaults);
    expect(campaignForSender(campaigns, 'Sam@TalentCo.test')?.id).toBe('c');
    expect(campaignForSender(campaigns, 'kim@talentco.test')?.id).toBe('b');
    expect(campaignForSender(campaigns, 'ada@creators.test')?.id).toBe('a');
    expect(campaignForSender(campaigns.slice(1), 'ada@creators.test')).toBeNull();
  });
});

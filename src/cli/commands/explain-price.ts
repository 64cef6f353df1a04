/** `negotiator explain-price`: the pricing decision and its reasons, for any inputs. */
import { loadConfig } from '../../config.js';
import { loadEscalationPolicy } from '../../config-files/escalation.js';
import { loadRateCard } from '../../config-files/rate-card.js';
import { formatCents, parseCount, parseMoney } from '../../domain/money.js';
import {
  computeBounds,
  decide,
  parseDeliverables,
  parsePlatform,
  toBps,
} from '../../domain/pricing/index.js';
import { type Command, CommandError, parseOptions } from '../command.js';

const USAGE = `Usage: negotiator explain-price --views N --platform P --deliverables TYPE:QTY[,...] [options]

  --views N            average views per piece of content (50000, 50,000 or 50k)
  --platform P         instagram, tiktok or youtube
  --deliverables D     e.g. reel:1,story:2 (instagram: post, story, reel; tiktok: video, story;
                       youtube: dedicated, integration, short)
  --cpm-target USD     floor CPM in dollars (default: config/rate-card.yaml)
  --leniency PCT       ceiling = target × (1 + leniency) (default: config/rate-card.yaml)
  --round N            offers already made, 0 for the opening offer (default 0)
  --max-rounds N       offers allowed before a person decides (default: config/rate-card.yaml)
  --ask USD            the influencer's ask
  --previous-offer USD our last offer
  --pay-min USD        pay range minimum from the influencer sheet
  --pay-max USD        pay range maximum from the influencer sheet
  --json               print the decision as JSON`;

const OPTIONS = {
  views: { type: 'string' },
  platform: { type: 'string' },
  deliverables: { type: 'string' },
  'cpm-target': { type: 'string' },
  leniency: { type: 'string' },
  round: { type: 'string' },
  'max-rounds': { type: 'string' },
  ask: { type: 'string' },
  'previous-offer': { type: 'string' },
  'pay-min': { type: 'string' },
  'pay-max': { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

export const runExplainPrice: Command = {
  name: 'explain-price',
  summary: 'print the pricing decision and its reasons ("why did the agent offer $X?")',
  usage: USAGE,
  async run(args, io) {
    const { values } = parseOptions(args, OPTIONS);
    const errors: string[] = [];
    const money = (name: string, text: string | undefined) => {
      if (text === undefined) return undefined;
      const parsed = parseMoney(text);
      if (!parsed.ok) errors.push(`--${name}: ${parsed.reason}`);
      return parsed.ok ? parsed.cents : undefined;
    };
    const whole = (name: string, text: string | undefined, min: number, max: number) => {
      if (text === undefined) return undefined;
      const n = Number(text);
      if (!/^\d+$/.test(text.trim()) || n < min || n > max) {
        errors.push(`--${name} must be a whole number from ${min} to ${max}`);
        return undefined;
      }
      return n;
    };

    const views = parseViews(values.views, errors);
    const platform = values.platform === undefined ? null : parsePlatform(values.platform);
    if (values.platform === undefined) errors.push('--platform is required');
    else if (platform === null)
      errors.push(`--platform "${values.platform}" is not instagram, tiktok or youtube`);
    let deliverables = null;
    if (values.deliverables === undefined) errors.push('--deliverables is required');
    else if (platform !== null) {
      const parsed = parseDeliverables(values.deliverables, platform);
      if (parsed.ok) deliverables = parsed.deliverables;
      else errors.push(...parsed.errors.map((e) => `--deliverables: ${e}`));
    }
    const cpmTarget = money('cpm-target', values['cpm-target']);
    const leniencyBps = parseLeniency(values.leniency, errors);
    const round = whole('round', values.round, 0, 100) ?? 0;
    const maxRounds = whole('max-rounds', values['max-rounds'], 1, 20);
    const ask = money('ask', values.ask);
    const previous = money('previous-offer', values['previous-offer']);
    const payMin = money('pay-min', values['pay-min']);
    const payMax = money('pay-max', values['pay-max']);
    if (payMin !== undefined && payMax !== undefined && payMin > payMax) {
      errors.push('--pay-min is above --pay-max');
    }
    if (errors.length > 0 || views === undefined || deliverables === null) {
      throw new CommandError(errors.join('; '));
    }

    const config = loadConfig();
    const rateCard = loadRateCard(config.configDir);
    const policy = loadEscalationPolicy(config.configDir);
    const bounds = computeBounds({
      views,
      deliverables,
      cpmTargetCents: cpmTarget ?? rateCard.defaults.cpmTargetCents,
      leniencyBps: leniencyBps ?? rateCard.defaults.leniencyBps,
      multipliersBps: rateCard.multipliersBps,
      payRange: { minCents: payMin, maxCents: payMax },
    });
    const decision = decide({
      floorCents: bounds.floorCents,
      ceilingCents: bounds.ceilingCents,
      scheduleBps: rateCard.concessionScheduleBps,
      round,
      maxRounds: maxRounds ?? rateCard.defaults.maxRounds,
      askCents: ask,
      previousOfferCents: previous,
      overCeilingMarginBps: policy.overCeilingMarginBps,
    });
    const reasons = [...bounds.reasons, ...decision.reasons];
    if (values.json) {
      const json = {
        decision: decision.decision,
        offer_cents: decision.offerCents,
        floor_cents: decision.floorCents,
        ceiling_cents: decision.ceilingCents,
        planned_cents: decision.plannedCents,
        round,
        ask_cents: ask ?? null,
        escalation: decision.escalation
          ? {
              reason: decision.escalation.reason,
              suggested_cents: decision.escalation.suggestedCents,
            }
          : null,
        reasons,
      };
      io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      return 0;
    }
    const offer =
      decision.offerCents === null
        ? 'no offer: a person decides'
        : formatCents(decision.offerCents);
    io.stdout.write(
      [
        `decision: ${decision.decision} — ${offer}`,
        `bounds:   ${formatCents(decision.floorCents)} floor, ${formatCents(decision.ceilingCents)} ceiling`,
        ...(decision.escalation
          ? [
              `escalate: ${decision.escalation.reason}, suggested ${formatCents(decision.escalation.suggestedCents)}`,
            ]
          : []),
        'why:',
        ...reasons.map((r) => `  - ${r}`),
        '',
      ].join('\n'),
    );
    return 0;
  },
};

/** Views as people write them: 50000, 50,000, 50k, 1.2M. */
function parseViews(text: string | undefined, errors: string[]): number | undefined {
  if (text === undefined) {
    errors.push('--views is required');
    return undefined;
  }
  const parsed = parseCount(text);
  if (!parsed.ok || parsed.value < 1) {
    errors.push(`--views "${text}" is not a whole number of views`);
    return undefined;
  }
  return parsed.value;
}

function parseLeniency(text: string | undefined, errors: string[]): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.trim().replace(/%$/, ''));
  const bps = Number.isFinite(n) && n <= 1000 ? toBps(n, 'percent') : null;
  if (bps === null) {
    errors.push(`--leniency "${text}" must be a percentage from 0 to 1000 (at most 2 decimals)`);
    return undefined;
  }
  return bps;
}

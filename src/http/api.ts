/**
 * The read-only API (`/api/v1`), for dashboards and scripts: one negotiation with its terms,
 * progress and what the model cost it (cost metering). Off unless API_TOKEN is set; every
 * request must carry it as a bearer token (compared in constant time), because the answers name
 * influencers and their email addresses.
 */
import { timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import { Hono } from 'hono';
import { createModelCallStore } from '../db/model-call-store.js';
import { createNegotiationFacts } from '../db/negotiation-facts.js';
import type { AppEnv } from './app-env.js';

const ID = /^[A-Za-z0-9_.:-]{1,200}$/;

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createApi(deps: { sqlite: Database.Database; token: string }): Hono<AppEnv> {
  const facts = createNegotiationFacts(deps.sqlite);
  const costs = createModelCallStore(deps.sqlite);
  const api = new Hono<AppEnv>();

  api.use('*', async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token || !sameToken(token, deps.token)) {
      c.header('WWW-Authenticate', 'Bearer');
      return c.json(
        { error: { code: 'unauthorized', message: 'a valid API_TOKEN bearer token is required' } },
        401,
      );
    }
    await next();
  });

  api.get('/negotiations/:id', (c) => {
    const id = c.req.param('id');
    if (!ID.test(id))
      return c.json({ error: { code: 'bad_request', message: 'not a negotiation id' } }, 400);
    const found = facts(id);
    if (!found)
      return c.json({ error: { code: 'not_found', message: `no negotiation ${id}` } }, 404);
    const cost = costs.totals(id);
    return c.json({
      id: found.id,
      state: found.state,
      influencer: found.influencer,
      campaign: found.campaign && { id: found.campaign.id, client: found.campaign.client },
      terms: found.terms,
      threadId: found.threadId,
      cost: {
        modelCalls: cost.calls,
        inputTokens: cost.inputTokens,
        outputTokens: cost.outputTokens,
        cacheReadTokens: cost.cacheReadTokens,
        cacheWriteTokens: cost.cacheWriteTokens,
        dollars: cost.costMicros / 1e6,
        /** Calls whose model has no price in model-prices.yaml: the cost above leaves them out. */
        unpricedCalls: cost.unpriced,
      },
    });
  });
  return api;
}

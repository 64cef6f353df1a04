/**
 * The model side of the agent, assembled from configuration: the port on @anthropic-ai/sdk behind
 * a circuit breaker, and the three effects that use it — reading a reply, writing an email, and
 * the holding reply while people decide. Cost metering goes to the `model_calls` ledger and the
 * metrics; one alert per outage goes through `onProblem` (the chat port's notice).
 *
 *   const model = createModel({ config, sqlite, clock, logger, metrics, send: mail.handlers.sendEmail });
 *   const runtime = createRuntime({ …, handlers: { ...mail.handlers, ...model.handlers },
 *                                   outbox: model.outboxOptions });
 */
import type Database from 'better-sqlite3';
import type { OutboxEffect } from '../../machines/negotiation/index.js';
import {
  type CircuitIncident,
  createCircuitBreaker,
  createModelPort,
  type ModelPort,
} from '../adapters/anthropic/index.js';
import { type Config, ConfigError } from '../config.js';
import { loadEscalationPolicy } from '../config-files/escalation.js';
import { loadModelPrices } from '../config-files/model-prices.js';
import { createMailStore } from '../db/mail-store.js';
import { createModelCallStore } from '../db/model-call-store.js';
import { composeFacts, createNegotiationFacts } from '../db/negotiation-facts.js';
import type { Logger } from '../observability/logger.js';
import type { ModelMetrics } from '../observability/metrics.js';
import type { Clock } from '../runtime/clock.js';
import type { EffectHandler } from '../runtime/outbox-worker.js';
import { cachePrefixWarning } from './cache-prefix.js';
import { createClassifyHandler } from './classify.js';
import { createComposeHandler } from './compose.js';
import { createHoldingReplyHandler } from './holding.js';
import {
  assertKnowledgeBase,
  createKnowledgeBaseSource,
  renderKnowledgeBase,
} from './knowledge-base.js';
import { writingSystem } from './writing.js';

type SendEffect = Extract<OutboxEffect, { kind: 'sendEmail' }>;

/** The alert for an outage: said once when the circuit opens (the breaker calls it once). */
export function outageAlert(incident: CircuitIncident): string {
  return `The model is unreachable (${incident.failures} calls failed in a row; last: ${incident.lastError}). Negotiations that need it are waiting with their work queued; nothing is lost and nothing goes out half-done. They resume by themselves when it answers again.`;
}

export function createModel(deps: {
  config: Config;
  sqlite: Database.Database;
  clock: Clock;
  logger: Logger;
  /** The Gmail send effect: the holding reply goes out through it. */
  send: EffectHandler<SendEffect>;
  metrics?: ModelMetrics;
  /** Alerts (the chat port's notice); always logged as well. */
  onProblem?: (problem: string) => void;
  /** Overrides the port (tests). */
  port?: ModelPort;
}) {
  const { config, clock } = deps;
  const log = deps.logger.child({ component: 'model' });
  const readingModel = config.anthropic.readingModel;
  const writingModel = config.anthropic.writingModel;
  const missing = [
    ...(readingModel ? [] : ['ANTHROPIC_READING_MODEL: the model id that reads replies']),
    ...(writingModel ? [] : ['ANTHROPIC_WRITING_MODEL: the model id that writes emails']),
  ];
  if (!readingModel || !writingModel) throw new ConfigError(missing);

  const policy = loadEscalationPolicy(config.configDir);
  // Fails at startup, with every problem listed, rather than at the first email.
  const startKb = assertKnowledgeBase(config.knowledgeBaseDir);
  const warning = cachePrefixWarning(
    writingModel,
    writingSystem(renderKnowledgeBase(startKb))
      .map((b) => b.text)
      .join(''),
  );
  if (warning) log.warn(warning);

  const breaker = createCircuitBreaker({
    clock,
    failureThreshold: policy.modelFailuresToOpen,
    logger: log,
    onStateChange: (change) => deps.metrics?.circuit(change.to),
    onIncident: (incident) => {
      deps.metrics?.incident();
      const text = outageAlert(incident);
      log.error({ problem: text }, 'model outage');
      deps.onProblem?.(text);
    },
  });
  const port =
    deps.port ??
    createModelPort({
      apiKey: config.secrets.ANTHROPIC_API_KEY ?? '',
      ...(config.endpoints.anthropicBaseUrl ? { baseURL: config.endpoints.anthropicBaseUrl } : {}),
      timeoutMs: config.anthropic.timeoutMs,
      now: clock.now,
      breaker,
      prices: loadModelPrices(config.configDir),
      logger: deps.logger,
      onCall: (call) => deps.metrics?.call(call),
    });

  const ledger = createModelCallStore(deps.sqlite);
  const recordCall = ledger.record;
  // Only the per-email reads, which do not depend on the mailbox address.
  const emails = createMailStore(deps.sqlite, '');
  const facts = createNegotiationFacts(deps.sqlite);
  const kb = createKnowledgeBaseSource(config.knowledgeBaseDir);

  const classifyReply = createClassifyHandler({
    port,
    model: readingModel,
    reply: (id) => {
      const email = emails.email(id);
      return email
        ? { from: email.from, subject: email.subject, text: email.latestReply ?? email.bodyText }
        : null;
    },
    recordAsk: emails.setAsk,
    recordCall,
    now: clock.now,
  });
  const composeEmail = createComposeHandler({
    port,
    model: writingModel,
    knowledgeBase: kb.load,
    facts: (id) => {
      const found = facts(id);
      return found ? composeFacts(found) : null;
    },
    senderName: config.gmail.fromName ?? 'The partnerships team',
    recordCall,
    now: clock.now,
    recomposeAttempts: policy.recomposeAttempts,
  });
  const sendHoldingReply = createHoldingReplyHandler({ compose: composeEmail, send: deps.send });

  return {
    handlers: { classifyReply, composeEmail, sendHoldingReply },
    breaker,
    port,
    /** For the outbox worker: how long an effect waits for the model before people take over. */
    outboxOptions: { maxWaitMs: policy.modelMaxWaitMs },
  };
}

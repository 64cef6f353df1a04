/**
 * The service's Prometheus metrics, on a registry the app owns (never prom-client's global one,
 * so two services in one process — tests — never collide). Each part of the agent registers its
 * own metrics here and updates them from its hooks; `GET /metrics` renders `registry.metrics()`.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CircuitState, ModelCallRecord } from '../adapters/anthropic/index.js';
import { CIRCUIT_STATE_VALUE } from '../adapters/anthropic/index.js';

export interface Metrics {
  registry: Registry;
  model: ModelMetrics;
  http: HttpMetrics;
  effects: EffectMetrics;
}

/**
 * prom-client's defaults include three gauges named like counters, which `promtool check metrics`
 * rejects. Each has a by-type sibling (`nodejs_active_handles{type}`…) whose sum is the same number.
 */
const MISNAMED_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

export function createMetrics(options: { defaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaults ?? true) {
    collectDefaultMetrics({ register: registry });
    for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(name);
  }
  return {
    registry,
    model: createModelMetrics(registry),
    http: createHttpMetrics(registry),
    effects: createEffectMetrics(registry),
  };
}

export interface HttpRequestLabels {
  method: string;
  /** The matched route's template (`/api/v1/negotiations/:id`), or `unmatched`; never a raw path. */
  route: string;
  status: string;
}

export type HttpMetrics = ReturnType<typeof createHttpMetrics>;

/** Requests served, by method, route template and status (OBS-03). */
export function createHttpMetrics(registry: Registry) {
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests served, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to produce an HTTP response, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    observe(labels: HttpRequestLabels, seconds: number): void {
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
  };
}

/** How one attempt at an effect ended, as the outbox worker saw it. */
export type EffectOutcomeLabel = 'ok' | 'retry' | 'waiting' | 'dead';

export type EffectMetrics = ReturnType<typeof createEffectMetrics>;

/** Outbox effects (emails, model calls, Slack posts): how long each attempt took. */
export function createEffectMetrics(registry: Registry) {
  const latency = new Histogram({
    name: 'negotiator_effect_latency_seconds',
    help: 'Time one attempt at an outbox effect took, from claim to outcome, by kind and outcome.',
    labelNames: ['kind', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  return {
    /** The outbox worker's hook, called once per attempt. */
    observeEffect(kind: string, seconds: number, outcome: EffectOutcomeLabel): void {
      latency.observe({ kind, outcome }, Math.max(0, seconds));
    },
  };
}

export type ModelMetrics = ReturnType<typeof createModelMetrics>;

const TOKEN_KINDS = [
  ['input', 'inputTokens'],
  ['output', 'outputTokens'],
  ['cache_read', 'cacheReadTokens'],
  ['cache_write', 'cacheWriteTokens'],
] as const;

/** Model calls, tokens, cost and the circuit breaker's state (cost metering, OBS-06). */
export function createModelMetrics(registry: Registry) {
  const calls = new Counter({
    name: 'negotiator_model_calls_total',
    help: 'Model calls by purpose, model and outcome (ok, refusal, malformed, errors, circuit_open).',
    labelNames: ['purpose', 'model', 'outcome'] as const,
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'negotiator_model_tokens_total',
    help: 'Tokens billed by the model, by purpose, model and kind (input, output, cache_read, cache_write).',
    labelNames: ['purpose', 'model', 'kind'] as const,
    registers: [registry],
  });
  const cost = new Counter({
    name: 'negotiator_model_cost_dollars_total',
    help: 'What the model calls cost in US dollars, from config/model-prices.yaml (unpriced calls add nothing).',
    labelNames: ['purpose', 'model'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'negotiator_model_call_duration_seconds',
    help: 'Model call latency, by purpose.',
    labelNames: ['purpose'] as const,
    buckets: [0.25, 0.5, 1, 2, 4, 8, 15, 30, 60],
    registers: [registry],
  });
  const circuit = new Gauge({
    name: 'negotiator_model_circuit_state',
    help: 'The circuit breaker around the model: 0 closed, 1 half-open, 2 open.',
    registers: [registry],
  });
  const incidents = new Counter({
    name: 'negotiator_model_incidents_total',
    help: 'Times the circuit around the model opened after sustained failures (one alert each).',
    registers: [registry],
  });
  circuit.set(CIRCUIT_STATE_VALUE.closed);

  return {
    /** The model port's `onCall` hook. */
    call(record: ModelCallRecord): void {
      const { purpose, model, outcome } = record;
      calls.inc({ purpose, model, outcome });
      duration.observe({ purpose }, record.durationMs / 1000);
      if (record.usage)
        for (const [kind, field] of TOKEN_KINDS)
          tokens.inc({ purpose, model, kind }, record.usage[field]);
      if (record.costMicros !== null) cost.inc({ purpose, model }, record.costMicros / 1e6);
    },
    circuit(state: CircuitState): void {
      circuit.set(CIRCUIT_STATE_VALUE[state]);
    },
    incident(): void {
      incidents.inc();
    },
  };
}

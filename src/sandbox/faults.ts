/**
 * Faults on demand, per endpoint of an emulator: a scripted sequence of statuses (429 with a
 * small retry-after, 500, 503, 529, or a hang past the client's timeout), an error rate, and added
 * latency. Each emulator shapes the error body its real counterpart sends.
 */
/**
 * A status, a hang before anything happens (`timeout`), or `lost`: the request takes effect but
 * its answer never comes — the case that makes a blind retry send an email twice. `error:<code>`
 * is a refusal in the API's own terms, for the emulators that have them (Slack).
 */
export type FaultStep = number | 'timeout' | 'lost' | `error:${string}`;

export interface FaultPlan {
  /** Served one per request, in order, before normal answers resume. */
  sequence?: FaultStep[];
  /** Share of requests (0..1) answered with `status` once the sequence is used up. */
  errorRate?: number;
  status?: number;
  latencyMs?: number;
  /** Sent as Retry-After (seconds) — and retry-after-ms where the real API does — on 429/503/529. */
  retryAfterMs?: number;
}

export type Fault =
  | { kind: 'status'; status: number; retryAfterMs: number }
  | { kind: 'timeout' }
  | { kind: 'lost' }
  /** An API-level refusal (`error:not_in_channel` → Slack's `{ok:false, error}`). */
  | { kind: 'platform'; error: string };

export function createFaults(random: () => number = Math.random) {
  const plans = new Map<string, FaultPlan>();
  return {
    set(endpoint: string, plan: FaultPlan): void {
      plans.set(endpoint, { ...plan, sequence: [...(plan.sequence ?? [])] });
    },
    clear(): void {
      plans.clear();
    },
    /** What to do with the next request to this endpoint (after waiting out any latency). */
    async next(endpoint: string): Promise<Fault | null> {
      const plan = plans.get(endpoint);
      if (!plan) return null;
      if (plan.latencyMs) await new Promise((r) => setTimeout(r, plan.latencyMs));
      const step = plan.sequence?.shift();
      const retryAfterMs = plan.retryAfterMs ?? 10;
      if (step === 'timeout') return { kind: 'timeout' };
      if (step === 'lost') return { kind: 'lost' };
      if (typeof step === 'string') return { kind: 'platform', error: step.slice('error:'.length) };
      if (step !== undefined) return { kind: 'status', status: step, retryAfterMs };
      if (plan.errorRate && random() < plan.errorRate)
        return { kind: 'status', status: plan.status ?? 500, retryAfterMs };
      return null;
    },
  };
}

export type Faults = ReturnType<typeof createFaults>;

/** Never answers: the client's own timeout must fire. The hang ends when the server closes. */
export function hang(): Promise<Response> {
  return new Promise(() => {});
}
